import Foundation
import HyperPower
import Testing

/// The study survives SIGKILL: a subprocess test with the `hyperpower` executable.
@Suite struct CrashRecoveryTests {
    /// The `hyperpower` executable built beside the test bundle.
    static func executable() throws -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("hyperpower")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "hyperpower executable near \(CommandLine.arguments[0])"])
    }

    /// Starts `process` and waits for it without blocking a thread of the cooperative pool
    /// (blocked pool threads starve every other suite's timers).
    static func runToExit(_ process: Process, whileRunning: (@Sendable () -> Void)? = nil) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
                whileRunning?()
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    static func completedTrials(_ journal: URL) -> [Trial] {
        guard let text = try? String(contentsOf: journal, encoding: .utf8) else { return [] }
        struct Line: Decodable { var result: Trial? }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Line.self, from: Data($0.utf8)).result }
    }

    @Test(.timeLimit(.minutes(2)))
    func killedMidRunAndRestartedTheStudyLosesNothing() async throws {
        let binary = try Self.executable()
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("hyperpower-kill-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: journal) }
        // 60 ms per evaluation: the run takes about two seconds, long enough to be killed mid-way.
        let arguments = ["benchmark", "--problem", "branin-disk", "--seeds", "1", "--budget", "30", "--journal", journal.path,
                         "--evaluation-delay", "60"]

        let first = Process()
        first.executableURL = binary
        first.arguments = arguments
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        // Kill it without warning once some trials are recorded. The watcher is an OS thread: the
        // test's own task may wait long for a cooperative thread while other suites compute.
        try await Self.runToExit(first) {
            let pid = first.processIdentifier
            Thread {
                let deadline = Date().addingTimeInterval(60)
                while Self.completedTrials(journal).count < 5 && Date() < deadline { usleep(1_000) }
                kill(pid, SIGKILL)
            }.start()
        }
        let survived = Self.completedTrials(journal)
        #expect(survived.count >= 5 && survived.count < 30, "the first run should have been killed mid-run (\(survived.count))")

        let second = Process()
        second.executableURL = binary
        second.arguments = arguments
        second.standardOutput = FileHandle.nullDevice
        second.standardError = FileHandle.nullDevice
        try await Self.runToExit(second)
        #expect(second.terminationStatus == 0)

        let trials = Self.completedTrials(journal)
        #expect(trials.count == 30)
        #expect(Set(trials.map(\.number)).count == 30)
        #expect(Set(trials.map(\.configuration)).count == 30, "a configuration was evaluated twice")
        for trial in survived { #expect(trials.contains(trial), "trial \(trial.number) was lost") }
    }

    /// Four workers on one journal, killed (`kill -9`) at random moments and restarted: the
    /// study ends with exactly its budget of trials, no number or configuration completed
    /// twice, nothing left pending (the distributed-studies issue's fault test, file journal).
    @Test(.timeLimit(.minutes(3)))
    func fourWorkersKilledAtRandomAndRestartedLoseAndRepeatNothing() async throws {
        let binary = try Self.executable()
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("hyperpower-kills-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: journal) }
        let budget = 200, workers = 4, kills = 10
        @Sendable func start() throws -> Process {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["benchmark", "--problem", "gramacy", "--method", "random", "--seeds", "1",
                                 "--budget", "\(budget)", "--journal", journal.path, "--evaluation-delay", "40"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        // The killer is an OS thread: the test's task may wait long for a cooperative thread.
        let finished = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(killed: Int, exits: [Int32]), any Error>) in
            Thread {
                do {
                    var running = try (0..<workers).map { _ in try start() }
                    var exits: [Int32] = []
                    var killed = 0
                    var generator = SystemRandomNumberGenerator()
                    while killed < kills && Self.completedTrials(journal).count < budget - 20 {
                        usleep(UInt32.random(in: 100_000...300_000, using: &generator))
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
                    continuation.resume(returning: (killed, exits))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
        #expect(finished.killed >= 3, "only \(finished.killed) workers were killed mid-study")
        #expect(finished.exits.allSatisfy { $0 == 0 }, "exit statuses \(finished.exits)")
        let trials = Self.completedTrials(journal)
        let study = try await Study.load(from: FileJournalStorage(url: journal, readOnly: true))
        #expect(await study.trials.count == budget)
        let pending = await study.pendingTrialNumbers
        #expect(pending.isEmpty, "left pending: \(pending)")
        #expect(await study.lateResults.isEmpty)
        #expect(trials.count == budget, "\(trials.count) outcome records")
        #expect(Set(trials.map(\.number)) == Set(0..<budget), "a trial number completed twice, or skipped")
        #expect(Set(trials.map(\.configuration)).count == budget, "a configuration was evaluated twice")
    }

    @Test(.timeLimit(.minutes(2)))
    func twoProcessesShareOneJournal() async throws {
        let binary = try Self.executable()
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("hyperpower-shared-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: journal) }
        let processes = (0..<2).map { _ -> Process in
            let process = Process()
            process.executableURL = binary
            process.arguments = ["benchmark", "--problem", "gramacy", "--seeds", "1", "--budget", "30", "--journal", journal.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        async let first: Void = Self.runToExit(processes[0])
        async let second: Void = Self.runToExit(processes[1])
        _ = try await (first, second)
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let trials = Self.completedTrials(journal)
        #expect(trials.count == 30, "\(trials.count) trials")
        #expect(Set(trials.map(\.number)).count == trials.count)
        #expect(Set(trials.map(\.configuration)).count == trials.count, "a configuration was evaluated twice")
    }
}
