import Dashboard
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HyperPower
@testable import HyperPowerPostgres
import Testing

extension PostgresServerTests {
    /// The dashboard over a database: every study in it is listed, and a study's page follows
    /// trials that workers append.
    @Suite(.enabled(if: TestServer.enabled)) struct PostgresDashboardTests {
        @Test(.timeLimit(.minutes(5))) func theDashboardListsTheDatabasesStudiesAndFollowsOne() async throws {
            // A database of its own: the dashboard opens every study it lists.
            let server = try TestServer.requireURL()
            let database = "hp_dashboard_\(UUID().uuidString.prefix(8).lowercased())"
            let admin = try PostgresStudyStorage(url: server, study: "admin", logger: TestServer.quiet)
            try await admin.execute("CREATE DATABASE \(database)")
            let url = server.replacingOccurrences(of: "/postgres", with: "/\(database)")
            let name = TestServer.studyName("dashboard")
            let study = PostgresStorageTests.study(try PostgresStudyStorage(url: url, study: name, logger: TestServer.quiet))
            for _ in 0..<3 {
                let suggestion = try await study.ask()
                try await study.tell(suggestion.number, .success(objective: suggestion.configuration.double("x")))
            }
            let lister = try PostgresStudyStorage(url: url, study: "-", logger: TestServer.quiet)
            let source = ClosureStudySource(
                description: lister.database, names: { (try? await lister.studiesInDatabase().map(\.name)) ?? [] },
                storage: { try PostgresStudyStorage(url: url, study: $0, logger: TestServer.quiet) })
            #expect(!lister.database.contains("study"), "the source names the database, not a study")

            let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
            let dashboard = DashboardServer(source: source, port: 0, refreshSeconds: 0.2)
            let task = Task { try await dashboard.run { port in continuation.yield(port) } }
            defer { task.cancel() }
            var iterator = stream.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let base = URL(string: "http://127.0.0.1:\(port)")!

            struct Summary: Decodable { var name: String; var trials: Int }
            func summaries() async throws -> [Summary] {
                let (data, _) = try await URLSession.shared.data(from: base.appendingPathComponent("api/studies"))
                return try JSONDecoder().decode([Summary].self, from: data)
            }
            #expect(try await summaries().first { $0.name == name }?.trials == 3)
            let (page, _) = try await URLSession.shared.data(from: base.appendingPathComponent("studies/\(name)"))
            #expect(String(decoding: page, as: UTF8.self).contains("<h1>\(name)</h1>"))

            for _ in 0..<2 {
                let suggestion = try await study.ask()
                try await study.tell(suggestion.number, .success(objective: 1))
            }
            // The catalogue refreshes a study at most every 0.5 s.
            var seen = 0
            for _ in 0..<40 where seen != 5 {
                try await Task.sleep(for: .milliseconds(100))
                seen = try await summaries().first { $0.name == name }?.trials ?? -1
            }
            #expect(seen == 5)
            #expect(try await summaries().map(\.name) == [name], "the database's one study")
            await lister.close()
        }
    }
}
