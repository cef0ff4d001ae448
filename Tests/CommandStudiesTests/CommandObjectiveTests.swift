import CommandStudies
import Foundation
import HyperPower
import Logging
import Testing

let quietLogger: Logger = {
    var logger = Logger(label: "hyperpower-tests")
    logger.logLevel = .critical
    return logger
}()

#if canImport(Glibc)
import Glibc
#endif

/// Commands as objectives, through /bin/sh scripts: results, failures, timeouts, workers.
@Suite struct CommandObjectiveTests {
    static let space = try! SearchSpace { Real("x", 0...1); Categorical("kind", ["a", "b"]) }
    static let at = Configuration(["x": .real(0.25), "kind": .categorical("b")])

    /// `sh -c SCRIPT sh {x} {kind}`: the script sees x as $1 and kind as $2.
    static func objective(_ script: String, timeout: Double? = nil) throws -> CommandObjective {
        try CommandObjective(template: ["/bin/sh", "-c", script, "sh", "{x}", "{kind}"], space: space,
                             objectiveName: "error", timeout: timeout)
    }

    @Test func theLastJSONLineIsTheResult() async throws {
        let command = try Self.objective(#"echo 'training… {not json}'; echo '{"error": 0.5}'; echo "{\"error\": $1, \"latency_ms\": 3, \"ok\": true}"; echo done"#)
        #expect(command.arguments(for: Self.at).suffix(2) == ["0.25", "b"])
        let evaluation = try await command.evaluate(Self.at, trial: 4, slot: 1)
        #expect(evaluation == .success(objective: 0.25, measurements: ["latency_ms": 3]))
    }

    @Test func theResultFileWinsAndTheEnvironmentIsSet() async throws {
        let command = try Self.objective(#"echo '{"error": 9}'; echo "{\"objective\": $HYPERPOWER_SLOT.5, \"trial\": $HYPERPOWER_TRIAL, \"gpu\": $CUDA_VISIBLE_DEVICES}" > "$HYPERPOWER_RESULT""#)
        let evaluation = try await command.evaluate(Self.at, trial: 7, slot: 2, extraEnvironment: ["CUDA_VISIBLE_DEVICES": "3"])
        #expect(evaluation == .success(objective: 2.5, measurements: ["trial": 7, "gpu": 3]))
    }

    @Test func failuresKeepTheLastLinesOfStandardError() async throws {
        let crash = try Self.objective("echo one >&2; echo 'CUDA out of memory' >&2; exit 3")
        await #expect {
            try await crash.evaluate(Self.at, trial: 0, slot: 0)
        } throws: { error in
            "\(error)".contains("exited with status 3") && "\(error)".contains("CUDA out of memory")
        }
        let silent = try Self.objective("echo 'no result here'")
        await #expect {
            try await silent.evaluate(Self.at, trial: 0, slot: 0)
        } throws: { error in
            "\(error)".contains("printed no JSON result")
        }
        let wrongKey = try Self.objective(#"echo '{"accuracy": 0.9}'"#)
        await #expect {
            try await wrongKey.evaluate(Self.at, trial: 0, slot: 0)
        } throws: { error in
            "\(error)".contains("has no 'error' (it has accuracy)")
        }
        // The key is there but not a number: said so, with the value as printed.
        for (printed, shown) in [(#"{"error": "abc", "mem": 2}"#, #""abc""#), (#"{"error": null}"#, "null"), (#"{"error": true}"#, "true"), (#"{"error": 1e999}"#, "a number beyond a double's range"), (#"{"error": [1]}"#, "an array"),
                                 // Python's json.dumps of a diverged loss: not JSON, but read and named.
                                 (#"{"error": NaN, "mem": 2}"#, "NaN"), (#"{"error": Infinity}"#, "Infinity"), (#"{"error": -Infinity}"#, "-Infinity")] {
            let notANumber = try Self.objective("echo '\(printed)'")
            await #expect {
                try await notANumber.evaluate(Self.at, trial: 0, slot: 0)
            } throws: { error in
                "\(error)".contains("gives 'error' as \(shown), not a finite number")
            }
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func aTimeoutStopsTheWholeProcessGroup() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("hyperpower-child-\(UUID())")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        // The script starts a grandchild that would outlive it, then waits.
        let command = try Self.objective("sleep 30 & echo $! > \(pidFile.path); wait", timeout: 0.5)
        let start = Date()
        await #expect {
            try await command.evaluate(Self.at, trial: 0, slot: 0)
        } throws: { error in
            "\(error)".contains("timed out after 0.5 s")
        }
        // Far under the 30 s the script would wait (a loaded machine once took 11.6 s).
        #expect(Date().timeIntervalSince(start) < 25)
        let pid = try #require(Int32(String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        var alive = kill(pid, 0) == 0
        for _ in 0..<50 where alive {
            try await Task.sleep(for: .milliseconds(100))
            alive = kill(pid, 0) == 0
        }
        #expect(!alive, "the grandchild \(pid) outlived the timeout")
    }

    @Test(.timeLimit(.minutes(5)))
    func thePeakMemoryOfTheProcessTreeIsMeasured() async throws {
        // A child that touches 150 MB, frees it, and lives on for 1 s under a shell: the high-water
        // mark keeps the peak even if a sample comes late.
        var command = try Self.objective(
            #"python3 -c "b = bytearray(150_000_000); b[::4096] = b'x' * len(b[::4096]); del b; import time; time.sleep(1)"; echo '{"error": 1}'"#)
        command.measuresPeakMemory = true
        let evaluation = try await command.evaluate(Self.at, trial: 0, slot: 0)
        guard case let .success(_, measurements) = evaluation else { Issue.record("\(evaluation)"); return }
        let peak = try #require(measurements["peak_rss_mb"])
        #expect(peak > 140 && peak < 400, "peak RSS \(peak) MB")
    }

    /// GPU power and memory from a stand-in nvidia-smi, CPU energy from a stand-in powercap
    /// tree whose counter the command itself advances by 2.5 J.
    @Test(.timeLimit(.minutes(5)))
    func theGPUAndCPUMetersRecordTheirMeasurements() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("meters-\(UUID())")
        let domain = folder.appendingPathComponent("powercap/intel-rapl:0")
        try FileManager.default.createDirectory(at: domain, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "1000000000\n".write(to: domain.appendingPathComponent("max_energy_range_uj"), atomically: true, encoding: .utf8)
        try "5000000\n".write(to: domain.appendingPathComponent("energy_uj"), atomically: true, encoding: .utf8)
        let smi = folder.appendingPathComponent("nvidia-smi")
        try "#!/bin/sh\nwhile true; do echo '150.5, 2048'; sleep 0.02; done\n".write(to: smi, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: smi.path)

        var command = try Self.objective(
            "sleep 0.3; echo 7500000 > \(domain.path)/energy_uj; echo '{\"error\": 1}'")
        command.measuresCPUEnergy = true
        command.measuresGPU = true
        command.raplRoot = folder.appendingPathComponent("powercap")
        command.nvidiaSMI = smi.path
        try command.checkMeters(gpu: 0)
        let start = Date()
        let evaluation = try await command.evaluate(Self.at, trial: 0, slot: 0)
        let wall = Date().timeIntervalSince(start)
        guard case let .success(_, measurements) = evaluation else { Issue.record("\(evaluation)"); return }
        #expect(measurements["cpu_energy_j"] == 2.5)
        #expect(measurements["gpu_peak_watts"] == 150.5)
        #expect(measurements["gpu_peak_memory_mib"] == 2048)
        let energy = try #require(measurements["gpu_energy_j"])
        // A constant 150.5 W over the command: at least its 0.3 s sleep, at most the whole evaluation.
        #expect(energy > 150.5 * 0.25 && energy < 150.5 * (wall + 0.1), "\(energy) J at 150.5 W within \(wall) s")

        var missing = try Self.objective("echo '{\"error\": 1}'")
        missing.measuresGPU = true
        missing.nvidiaSMI = folder.appendingPathComponent("no-such-smi").path
        #expect(throws: CommandObjective.Failure.self) { try missing.checkMeters(gpu: 0) }
    }

    @Test func aPlaceholderThatNamesNoParameterIsRefused() {
        #expect(throws: CommandObjective.Failure.self) {
            try CommandObjective(template: ["train", "--lr", "{learning_rate}"], space: Self.space, objectiveName: "error")
        }
        #expect(throws: CommandObjective.Failure.self) {
            try CommandObjective(template: [], space: Self.space, objectiveName: "error")
        }
        // A program that cannot run is refused before any trial, by name.
        #expect {
            try CommandObjective(template: ["pythn3", "train.py", "{x}"], space: Self.space, objectiveName: "error")
        } throws: { error in
            "\(error)" == "the command's program 'pythn3' is not found on PATH"
        }
        #expect {
            try CommandObjective(template: ["./no-such-train.sh", "{x}"], space: Self.space, objectiveName: "error")
        } throws: { error in
            "\(error)" == "the command's program './no-such-train.sh' is not an executable file"
        }
        // Found on PATH, or given as a path: accepted.
        #expect(throws: Never.self) { try CommandObjective(template: ["sh", "-c", "true"], space: Self.space, objectiveName: "error") }
        #expect(throws: Never.self) { try CommandObjective(template: ["/bin/sh", "-c", "true"], space: Self.space, objectiveName: "error") }
    }

    @Test(.timeLimit(.minutes(5)))
    func workersRunAtOnceEachInItsSlotUntilTheStudyBudget() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("command-study-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try StudyFile.parse("""
            objective: {name: error}
            parameters:
              - {name: x, type: real, low: 0, high: 1}
              - {name: kind, type: categorical, choices: [a, b]}
            constraints: [{name: cost, atMost: 0.8}]
            budget: 8
            storage: study.jsonl
            """, json: false, directory: folder)
        // error = (x − 0.3)², cost = x; a crash for kind b above x 0.9.
        let script = #"if [ "$2" = b ] && awk -v x="$1" 'BEGIN { exit !(x > 0.9) }'; then exit 1; fi; echo "{\"error\": $(awk -v x="$1" 'BEGIN { printf "%.12g", (x - 0.3)^2 }'), \"cost\": $1, \"slot\": $HYPERPOWER_SLOT, \"gpu\": $CUDA_VISIBLE_DEVICES}""#
        let command = try CommandObjective(template: ["/bin/sh", "-c", script, "sh", "{x}", "{kind}"], space: file.space,
                                           objectiveName: "error")
        let runner = CommandStudy(file: file, command: command, workers: 2, gpus: ["5", "6"])
        let study = runner.makeStudy(logger: quietLogger)
        let seen = Counter()
        try await runner.run(study: study) { _ in seen.increment() }
        let trials = await study.trials
        #expect(trials.count == 8 && seen.value == 8)
        let successes = trials.filter { $0.outcome.objective != nil }
        #expect(Set(successes.compactMap { $0.measurements["slot"] }).isSubset(of: [0, 1]))
        for trial in successes {
            let slot = try #require(trial.measurements["slot"], "\(trial)")
            #expect(trial.measurements["gpu"] == 5 + slot)
            let x = trial.configuration.double("x")
            #expect(abs(trial.outcome.objective! - (x - 0.3) * (x - 0.3)) < 1e-6)
            #expect(trial.violatedConstraints.contains("cost") == (x > 0.8))
        }
        // A second run of the same study file resumes it: the budget is already spent.
        let again = CommandStudy(file: file, command: command, workers: 2).makeStudy(logger: quietLogger)
        try await runner.run(study: again) { _ in }
        #expect(await again.trials.count == 8)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
