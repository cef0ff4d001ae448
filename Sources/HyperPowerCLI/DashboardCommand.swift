import ArgumentParser
import Dashboard
import Foundation
import HyperPower
import HyperPowerPostgres
import Logging

/// `hyperpower dashboard --storage PATH_OR_URL`: the live web page of a storage's studies.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Serve a live web page of every study in a journal, a folder of journals, or a PostgreSQL database.",
        discussion: """
            Shows each study's trials (sortable, filterable by state), best-so-far against \
            evaluations and wall-clock time, constraints (violations, the share of the space the \
            known ones admit), predicted against measured costs, parallel coordinates and the best \
            configuration; pages follow the studies while workers append to them. Everything is \
            served by this binary (no CDN). Binds to 127.0.0.1 unless --host says otherwise: the \
            dashboard has no authentication.
            """)

    @Option(help: "A journal file, a folder of journals (every file in it whose first line is a study header), or postgresql://USER@HOST[:PORT]/DATABASE (every study in the database).")
    var storage: String

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port).")
    var port: Int = 8080

    @Option(help: "How often an open page asks for changes, in seconds.")
    var refresh: Double = 2

    func validate() throws {
        if StorageOption.isPostgres(storage) {
            do { _ = try PostgresStudyStorage(url: storage, study: "-") } catch { throw ValidationError("\(error)") }
        } else if let problem = DashboardServer.problem(with: storage) {
            throw ValidationError(problem)
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0–65535 (got \(port))") }
        guard refresh > 0, refresh.isFinite else { throw ValidationError("--refresh must be a positive number of seconds (got \(refresh))") }
    }

    func run() async throws {
        let server = DashboardServer(source: try source(), host: host, port: port, refreshSeconds: refresh)
        let host = self.host
        do {
            try await server.run { port in
                print("HyperPower dashboard of \(server.source.description): http://\(host.contains(":") ? "[\(host)]" : host):\(port)/  (Ctrl-C stops it)")
            }
        } catch {
            throw CommandFailure("the dashboard could not serve on \(host):\(port): \(error)")
        }
    }

    /// The studies served: a journal or folder, or every study of a PostgreSQL database (one
    /// connection lists them, one per study reads it).
    func source() throws -> any StudySource {
        guard StorageOption.isPostgres(storage) else { return JournalStudySource(root: URL(fileURLWithPath: storage)) }
        var logger = Logger(label: "hyperpower.dashboard")
        logger.logLevel = .warning
        let (url, quiet) = (storage, logger)
        let lister = try PostgresStudyStorage(url: url, study: "-", logger: quiet)
        return ClosureStudySource(
            description: lister.database,
            names: {
                do { return try await lister.studiesInDatabase().map(\.name) } catch {
                    quiet.warning("cannot list the studies of \(lister.database): \(error)")
                    return []
                }
            },
            storage: { name in try PostgresStudyStorage(url: url, study: name, logger: quiet) })
    }
}
