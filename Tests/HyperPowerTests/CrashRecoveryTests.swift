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
