import Foundation
import HyperPower
import HyperPowerPostgres
import Testing

/// The distributed-studies fault test: eight `hyperpower benchmark` workers on one PostgreSQL
/// study of 200 trials, twenty of them killed (`kill -9`) at random moments and restarted, the
/// server restarted once mid-study. The study ends with exactly 200 trials, no number or
/// configuration completed twice, nothing pending.
extension PostgresServerTests {
    @Suite(.enabled(if: TestServer.enabled && TestServer.folder != nil || TestServer.required))
    struct PostgresFaultTests {
        static func executable() throws -> URL {
            var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("hyperpower")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                directory = directory.deletingLastPathComponent()
            }
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "hyperpower executable near \(CommandLine.arguments[0])"])
        }

        @Test(.timeLimit(.minutes(5)))
        func eightWorkersTwentyKillsAndAServerRestartLoseAndRepeatNothing() async throws {
            let url = try TestServer.requireURL()
            let folder = try #require(TestServer.folder, "HYPERPOWER_POSTGRES_DIR names the test server's folder")
            let binary = try Self.executable()
            let name = TestServer.studyName("faults")
            let budget = 200, workers = 8, kills = 20
            @Sendable func start() throws -> Process {
                let process = Process()
                process.executableURL = binary
                process.arguments = ["benchmark", "--problem", "gramacy", "--method", "random", "--seeds", "1", "--budget", "\(budget)",
                                     "--storage", url, "--study", name, "--evaluation-delay", "300"]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                return process
            }
            @Sendable func completed() -> Int {
                let query = Process()
                query.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
                query.arguments = [url, "-Atc", "SELECT count(*) FROM hyperpower_records WHERE study = '\(name)' AND event IN ('completed', 'infeasible', 'failed')"]
                let pipe = Pipe()
                query.standardOutput = pipe
                query.standardError = FileHandle.nullDevice
                guard (try? query.run()) != nil else { return 0 }
                query.waitUntilExit()
                return Int(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            }
            // The killer is an OS thread: the test's task may wait long for a cooperative thread.
            let finished = try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<(killed: Int, restarted: Bool, exits: [Int32]), any Error>) in
                Thread {
                    do {
                        var running = try (0..<workers).map { _ in try start() }
                        var exits: [Int32] = []
                        var killed = 0
                        var restarted = false
                        var generator = SystemRandomNumberGenerator()
                        // Bounded: workers that fail at once (a broken build) must not keep
                        // the killer restarting them for ever.
                        let deadline = Date().addingTimeInterval(200)
                        while killed < kills && completed() < budget - 20 && Date() < deadline
                            && exits.filter({ $0 != 0 }).count < 8 {
                            usleep(UInt32.random(in: 50_000...250_000, using: &generator))
                            if killed == kills / 2 && !restarted {
                                restarted = PostgresStorageTests.restartServerBlocking(folder) == 0
                            }
                            let victim = Int.random(in: 0..<running.count, using: &generator)
                            if running[victim].isRunning {
                                kill(running[victim].processIdentifier, SIGKILL)
                                running[victim].waitUntilExit()
                                killed += 1
                            } else {
                                exits.append(running[victim].terminationStatus)
                            }
                            running[victim] = try start()
                        }
                        for process in running {
                            process.waitUntilExit()
                            exits.append(process.terminationStatus)
                        }
                        continuation.resume(returning: (killed, restarted, exits))
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }.start()
            }
            #expect(finished.killed >= 15, "only \(finished.killed) workers were killed mid-study")
            #expect(finished.restarted, "the server was not restarted")
            #expect(finished.exits.allSatisfy { $0 == 0 }, "exit statuses \(finished.exits)")
            let study = try await Study.load(from: PostgresStudyStorage(url: url, study: name, logger: TestServer.quiet))
            let trials = await study.trials
            #expect(trials.count == budget)
            #expect(Set(trials.map(\.number)) == Set(0..<budget), "a trial number completed twice, or skipped")
            #expect(Set(trials.map(\.configuration)).count == budget, "a configuration was evaluated twice")
            let pending = await study.pendingTrialNumbers
            #expect(pending.isEmpty, "left pending: \(pending)")
            let late = await study.lateResults
            #expect(late.isEmpty, "late results after kill -9: \(late.map(\.number))")
        }
    }
}
