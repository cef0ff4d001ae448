import Foundation
import HyperPower
@testable import HyperPowerPostgres
import Logging
import NIOConcurrencyHelpers
import Testing

/// The throwaway server `make test` starts (Scripts/postgres-test-server.sh): its URL and folder.
/// Without one the server tests are skipped, unless `HYPERPOWER_POSTGRES_TESTS=1` (CI) makes
/// them fail.
enum TestServer {
    static let environment = ProcessInfo.processInfo.environment
    static let url = environment["HYPERPOWER_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let folder = environment["HYPERPOWER_POSTGRES_DIR"].flatMap { $0.isEmpty ? nil : $0 }
    static let required = environment["HYPERPOWER_POSTGRES_TESTS"] == "1"
    static let enabled = url != nil || required

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "no PostgreSQL test server (HYPERPOWER_POSTGRES_URL is unset): `make test` starts one with Scripts/postgres-test-server.sh"
        }
    }

    static func requireURL() throws -> String {
        guard let url else { throw Missing() }
        return url
    }

    /// A study name no other test uses.
    static func studyName(_ label: String) -> String { "\(label)-\(UUID().uuidString.prefix(8))" }

    static var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }
}

/// URLs, without a server.
@Suite struct PostgresURLTests {
    @Test func hostAndSocketURLsAreRead() throws {
        let host = try PostgresStudyStorage.parse("postgresql://alice:secret@db.lab:6543/studies")
        #expect(host.configuration.host == "db.lab" && host.configuration.port == 6543)
        #expect(host.configuration.username == "alice" && host.configuration.password == "secret")
        #expect(host.configuration.database == "studies")
        #expect(!host.description.contains("secret"), "a password in a message")
        let socket = try PostgresStudyStorage.parse("postgres://bob@/lab?host=/run/postgresql&port=5433")
        #expect(socket.configuration.unixSocketPath == "/run/postgresql/.s.PGSQL.5433")
        #expect(socket.configuration.database == "lab" && socket.configuration.username == "bob")
    }

    @Test func badURLsAndNamesGetClearErrors() {
        let cases: [(String, String, String)] = [
            ("mysql://a@b/c", "s", "not a PostgreSQL URL"),
            ("postgresql://a@/c", "s", "names no host"),
            ("postgresql://a@b/c?sslmode=require", "s", "sslmode=require is not supported"),
            ("postgresql://a@b/c", "", "a study name must be 1–200 characters"),
        ]
        for (url, study, message) in cases {
            #expect {
                _ = try PostgresStudyStorage(url: url, study: study)
            } throws: { error in
                guard let error = error as? HyperPowerError, case let .invalidSettings(reason) = error else { return false }
                return reason.contains(message)
            }
        }
    }
}

/// The statement timeout, without a server: it returns what the body returns however fast the
/// body is, and gives up on a body that never answers (not even its cancellation).
/// (Time limits in this target and the others are hang guards, not timings: on CI's two cores the
/// cooperative pool can stall a quick async test behind CPU-bound ones for over a minute.)
@Suite struct PostgresTimeoutTests {
    @Test(.timeLimit(.minutes(5))) func aFastBodyAlwaysReturnsItsResult() async throws {
        for index in 0..<300 {
            let value = try await PostgresStudyStorage.withTimeout(.seconds(30)) { index }
            #expect(value == index)
        }
        await #expect(throws: CancellationError.self) {
            _ = try await PostgresStudyStorage.withTimeout(.seconds(30)) { () async throws -> Int in throw CancellationError() }
        }
    }

    @Test(.timeLimit(.minutes(5))) func aBodyThatNeverAnswersTimesOut() async throws {
        let parked = NIOLockedValueBox<CheckedContinuation<Void, Never>?>(nil)
        let start = ContinuousClock.now
        await #expect(throws: PostgresStudyStorage.Timeout.self) {
            try await PostgresStudyStorage.withTimeout(.milliseconds(200)) {
                // Ignores cancellation, as a statement on a silent socket did.
                await withCheckedContinuation { continuation in parked.withLockedValue { $0 = continuation } }
            }
        }
        // 200 ms asked; the bound is loose because the whole suite shares two cores' cooperative
        // pool (13 s seen under load; CPU-bound tests can hold both threads for most of a minute).
        // A body the timeout does not give up on hangs to the limit, five minutes.
        #expect(ContinuousClock.now - start < .seconds(180))
        parked.withLockedValue { $0 }?.resume()
    }
}

/// The suites that use the test server, one test at a time: two of them restart the server,
/// which must not cut the connections of another test mid-statement.
@Suite(.serialized) enum PostgresServerTests {}

extension PostgresServerTests {
    /// Against a real server.
    @Suite(.enabled(if: TestServer.enabled)) struct PostgresStorageTests {
        static let space = try! SearchSpace { Real("x", 0...1); Real("y", 0...1) }

        static func study(_ storage: any StudyStorage, lease: Duration = .seconds(90)) -> Study {
            Study(space: space, sampler: RandomSampler(seed: 3), storage: storage, seed: 3, leaseDuration: lease, logger: TestServer.quiet)
        }

        static func storage(_ study: String) throws -> PostgresStudyStorage {
            try PostgresStudyStorage(url: try TestServer.requireURL(), study: study, logger: TestServer.quiet)
        }

        @Test func aStudyIsKeptAndReadBackWithItsSchema() async throws {
            let name = TestServer.studyName("roundtrip")
            let storage = try Self.storage(name)
            let study = Self.study(storage)
            for _ in 0..<5 {
                let suggestion = try await study.ask()
                try await study.tell(suggestion.number, .success(objective: suggestion.configuration.double("x"), measurements: ["m": 0.1]))
            }
            _ = try await study.ask()  // left pending
            let loaded = try await Study.load(from: try Self.storage(name))
            #expect(await loaded.trials == study.trials)
            #expect(await loaded.pendingTrialNumbers == [5])
            let records = try await Self.storage(name).records(after: 0)
            #expect(records.first?.event == .header && records.count == 1 + 5 * 2 + 1)
            #expect(try await Self.storage(name).records(after: 7).count == records.count - 7)
            let studies = try await PostgresStudyStorage.studies(url: try TestServer.requireURL())
            #expect(studies.contains { $0.name == name && $0.records == records.count })
            await storage.close()
        }

        @Test func studiesInOneDatabaseAreApart() async throws {
            let (a, b) = (TestServer.studyName("apart-a"), TestServer.studyName("apart-b"))
            let first = Self.study(try Self.storage(a))
            let second = Study(space: try SearchSpace { Integer("n", 1...9) }, sampler: RandomSampler(seed: 1),
                               storage: try Self.storage(b), seed: 1, logger: TestServer.quiet)
            for _ in 0..<3 {
                let s = try await first.ask()
                try await first.tell(s.number, .success(objective: 1))
            }
            let s = try await second.ask()
            #expect(s.number == 0)
            try await second.tell(s.number, .success(objective: 2))
            #expect(try await Study.load(from: try Self.storage(a)).trials.count == 3)
            #expect(try await Study.load(from: try Self.storage(b)).trials.count == 1)
        }

        /// An append at positions another worker took (its lock lost with a connection) writes
        /// nothing and says so.
        @Test func anAppendAfterAnotherWorkersIsRefusedAndWritesNothing() async throws {
            let name = TestServer.studyName("positions")
            let (one, two) = (try Self.storage(name), try Self.storage(name))
            let header = try await {
                let study = Self.study(one)
                _ = try await study.completedTrialCount()  // writes the header
                return try await one.records(after: 0)
            }()
            #expect(header.count == 1)
            _ = try await two.records(after: 0)
            try await two.lock()
            try await two.append(header)  // a second copy, as another worker's record
            await two.unlock()
            await #expect(throws: HyperPowerError.self) { try await one.append(header) }
            #expect(try await two.records(after: 0).count == 2)
        }

        /// An append in a critical section hands the lock to its own commit: another worker takes
        /// it before `unlock()`; a second append in the same section takes it again first.
        @Test(.timeLimit(.minutes(5))) func anAppendHandsTheLockOverAndASecondAppendTakesItAgain() async throws {
            let name = TestServer.studyName("handover")
            let (one, two) = (try Self.storage(name), try Self.storage(name))
            _ = try await Self.study(one).completedTrialCount()  // writes the header
            try await one.lock()
            let header = try await one.records(after: 1)
            #expect(header.isEmpty)
            let record = try await one.records(after: 0)[0]
            try await one.append([record])  // a copy of the header, as any record
            // Without the hand-over this would wait for one.unlock() (and the test's time limit).
            try await two.lock()
            #expect(try await two.records(after: 0).count == 2)
            await two.unlock()
            try await one.append([record])
            await one.unlock()
            #expect(try await two.records(after: 0).count == 3)
        }

        @Test func aDatabaseWithANewerSchemaIsRefused() async throws {
            let url = try TestServer.requireURL()
            let database = "hp_schema_\(UUID().uuidString.prefix(8).lowercased())"
            let admin = try PostgresStudyStorage(url: url, study: "admin", logger: TestServer.quiet)
            try await admin.execute("CREATE DATABASE \(database)")
            let other = url.replacingOccurrences(of: "/postgres", with: "/\(database)")
            let storage = try PostgresStudyStorage(url: other, study: "s", logger: TestServer.quiet)
            _ = try await storage.records(after: 0)  // creates the schema
            try await storage.execute("UPDATE hyperpower_schema SET version = 99")
            let fresh = try PostgresStudyStorage(url: other, study: "s", logger: TestServer.quiet)
            await #expect {
                _ = try await fresh.records(after: 0)
            } throws: { error in
                "\(error)".contains("schema version 99; this library knows up to 1")
            }
            await storage.close()
            await fresh.close()
            try await admin.execute("DROP DATABASE \(database)")
            await admin.close()
        }

        /// Eight workers, each with its own connection, on one study of 80 trials: exactly 80,
        /// no number or configuration twice, nothing pending.
        @Test(.timeLimit(.minutes(2)))
        func eightWorkersShareOneStudy() async throws {
            let name = TestServer.studyName("eight")
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    let storage = try Self.storage(name)
                    group.addTask {
                        let runner = StudyRunner(study: Self.study(storage)) { config in
                            try await Task.sleep(for: .milliseconds(5))
                            return .success(objective: config.double("x") + config.double("y"))
                        }
                        return try await runner.run(budget: .studyEvaluations(80)).trials.count
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0 == 80 }, "every worker ends with the study's 80 trials: \(results)")
            let study = try await Study.load(from: try Self.storage(name))
            let trials = await study.trials
            #expect(trials.count == 80)
            #expect(Set(trials.map(\.number)) == Set(0..<80))
            #expect(Set(trials.map(\.configuration)).count == 80)
            #expect(await study.pendingTrialNumbers.isEmpty)
        }

        /// The server restarts while four workers run: they retry, reconnect and finish the study.
        @Test(.timeLimit(.minutes(3)), .enabled(if: TestServer.folder != nil))
        func workersSurviveAServerRestart() async throws {
            let name = TestServer.studyName("restart")
            let folder = try #require(TestServer.folder)
            let budget = 60
            async let runs = withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    let storage = try Self.storage(name)
                    group.addTask {
                        let runner = StudyRunner(study: Self.study(storage)) { config in
                            try await Task.sleep(for: .milliseconds(40))
                            return .success(objective: config.double("x"))
                        }
                        return try await runner.run(budget: .studyEvaluations(budget)).trials.count
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // Restart once some trials are in.
            while (try? await Study.load(from: try Self.storage(name)).trials.count) ?? 0 < 15 {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await Self.restartServer(folder) == 0)
            let counts = try await runs
            #expect(counts.allSatisfy { $0 == budget }, "\(counts)")
            let study = try await Study.load(from: try Self.storage(name))
            let trials = await study.trials
            #expect(trials.count == budget)
            #expect(Set(trials.map(\.number)) == Set(0..<budget))
            #expect(Set(trials.map(\.configuration)).count == budget)
            #expect(await study.pendingTrialNumbers.isEmpty)
        }

        /// Restarts the test server on a thread of its own.
        static func restartServer(_ folder: String) async throws -> Int32 {
            await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
                Thread { continuation.resume(returning: restartServerBlocking(folder)) }.start()
            }
        }

        /// `bash script restart folder`, reaped with `waitpid` (Foundation's `Process` left the
        /// script a zombie here: the server it starts outlives it); its exit status, −1 if it
        /// could not start.
        static func restartServerBlocking(_ folder: String) -> Int32 {
            var pid: pid_t = 0
            let arguments = ["/bin/bash", script, "restart", folder]
            var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            guard posix_spawn(&pid, "/bin/bash", nil, nil, &argv, environ) == 0 else { return -1 }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return (status >> 8) & 0xFF
        }

        static var script: String {
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Scripts/postgres-test-server.sh").path
        }
    }
}
