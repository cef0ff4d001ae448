import Foundation
import HardwareProfiling
import HyperPower
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A training command as an objective: each configuration fills the command's `{name}`
/// placeholders, the command runs in a process group of its own, and its result is read from
/// the last line of its standard output that is a JSON object (`{"objective": 0.071,
/// "latency_ms": 8.2}`), or from the file named by `HYPERPOWER_RESULT` if the command wrote
/// one. The objective's value is read under the objective's name or `objective`; every other
/// number is a measurement.
///
/// A non-zero exit, a crash, no result or a run past the timeout is an error whose message
/// keeps the last lines of standard error; the study records it as a failed trial. On a
/// timeout or a cancellation the whole process group gets SIGTERM, then SIGKILL 2 s later.
public struct CommandObjective: Sendable {
    /// The executable and its arguments, with `{parameter}` placeholders.
    public var template: [String]
    /// The objective's name (the command may also report it as `objective`).
    public var objectiveName: String
    /// Seconds a run may take.
    public var timeout: Double?
    /// Environment variables set for every run, beside `HYPERPOWER_SLOT`,
    /// `HYPERPOWER_TRIAL` and `HYPERPOWER_RESULT`.
    public var environment: [String: String]
    /// Record the peak resident memory of the command's process group (the sum of its
    /// processes' resident high-water marks, sampled every 50 ms from /proc) as the
    /// measurement `peak_rss_mb`.
    public var measuresPeakMemory = false
    /// Record the CPU package energy during the command (RAPL, the whole machine's packages)
    /// as `cpu_energy_j`.
    public var measuresCPUEnergy = false
    /// Sample the slot's GPU with nvidia-smi during the command: `gpu_peak_watts`,
    /// `gpu_energy_j`, `gpu_peak_memory_mib` (HyperPower's original setting: measured GPU power).
    public var measuresGPU = false
    /// The powercap directory and the nvidia-smi executable (settable for tests).
    public var raplRoot = URL(fileURLWithPath: "/sys/class/powercap")
    public var nvidiaSMI = "nvidia-smi"

    /// Checks that the requested meters can be read here (before a study starts).
    public func checkMeters(gpu: Int) throws {
        do {
            if measuresCPUEnergy { _ = try RAPLMeter(root: raplRoot).start() }
            if measuresGPU { try NvidiaSMIMeter(gpu: gpu, executable: nvidiaSMI).start().finish() }
        } catch {
            throw Failure(description: "\(error)")
        }
    }

    /// Why a run of the command gave no result.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// A command objective.
    ///
    /// - Throws: ``Failure`` for an empty command or a placeholder that names no parameter.
    public init(template: [String], space: SearchSpace, objectiveName: String, timeout: Double? = nil,
                environment: [String: String] = [:]) throws {
        guard let first = template.first, !first.isEmpty else { throw Failure(description: "give the command to run after --") }
        let names = Set(space.parameters.map(\.name))
        for argument in template {
            for placeholder in Self.placeholders(in: argument) where !names.contains(placeholder) {
                throw Failure(description: "the command's placeholder {\(placeholder)} names no parameter (have \(names.sorted().joined(separator: ", ")))")
            }
        }
        if let timeout, !(timeout > 0) { throw Failure(description: "the timeout must be positive (got \(timeout))") }
        if Self.placeholders(in: first).isEmpty, !Self.isRunnable(first, path: environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"]) {
            // Before any trial: every one would fail alike, and a journal would keep them all.
            throw Failure(description: first.contains("/")
                ? "the command's program '\(first)' is not an executable file"
                : "the command's program '\(first)' is not found on PATH")
        }
        self.template = template
        self.objectiveName = objectiveName
        self.timeout = timeout
        self.environment = environment
    }

    /// Whether `program` names an executable file: a path (with a `/`, relative to the current
    /// folder) or a name found in one of `path`'s folders, as the command's launch looks it up.
    static func isRunnable(_ program: String, path: String?) -> Bool {
        let files = FileManager.default
        if program.contains("/") { return files.isExecutableFile(atPath: program) }
        let folders = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false)
        return folders.contains { folder in
            files.isExecutableFile(atPath: (folder.isEmpty ? "." : String(folder)) + "/" + program)
        }
    }

    /// The `{name}` placeholders of an argument: braces around an identifier (letters, digits,
    /// `_`, `-`, `.`, not starting with a digit); other braces (a JSON literal) are left as written.
    static func placeholders(in argument: String) -> [String] {
        var names: [String] = []
        var rest = Substring(argument)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let name = rest[rest.index(after: open)..<close]
            if let first = name.first, first.isLetter || first == "_",
               name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) {
                names.append(String(name))
            }
            rest = rest[rest.index(after: open)...]
        }
        return names
    }

    /// The command line for a configuration.
    public func arguments(for configuration: HyperPower.Configuration) -> [String] {
        template.map { argument in
            var filled = argument
            for placeholder in Self.placeholders(in: argument) {
                filled = filled.replacingOccurrences(of: "{\(placeholder)}", with: Self.text(configuration[placeholder]))
            }
            return filled
        }
    }

    /// A parameter value as a command line or a model input reads it (`""` when absent).
    static func text(_ value: ParameterValue?) -> String {
        switch value {
        case let .real(x)?: return "\(x)"
        case let .integer(n)?: return "\(n)"
        case let .categorical(s)?: return s
        case nil: return ""
        }
    }

    /// Runs the command for a configuration.
    ///
    /// - Parameters:
    ///   - slot: the worker's slot (0…K−1), in `HYPERPOWER_SLOT`.
    ///   - extraEnvironment: e.g. `CUDA_VISIBLE_DEVICES` for the slot's GPU.
    /// - Throws: ``Failure`` when the command gives no result.
    public func evaluate(
        _ configuration: HyperPower.Configuration, trial: Int, slot: Int, extraEnvironment: [String: String] = [:], gpu: Int = 0
    ) async throws -> Evaluation {
        let rapl = RAPLMeter(root: raplRoot)
        let gpuMeter = NvidiaSMIMeter(gpu: gpu, executable: nvidiaSMI)
        var energySession: RAPLMeter.Session?
        var gpuSession: NvidiaSMIMeter.Session?
        do {
            if measuresCPUEnergy { energySession = try rapl.start() }
            if measuresGPU { gpuSession = try gpuMeter.start() }
        } catch {
            gpuSession?.finish()
            throw Failure(description: "cannot measure: \(error)")
        }
        var metered: [String: Double] = [:]
        var meteredError: (any Error)?
        defer { gpuSession?.finish() }  // also when the command fails or times out
        let arguments = arguments(for: configuration)
        let resultFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("hyperpower-result-\(getpid())-\(trial)-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: resultFile) }
        var variables: [Environment.Key: String?] = [
            "HYPERPOWER_SLOT": "\(slot)", "HYPERPOWER_TRIAL": "\(trial)", "HYPERPOWER_RESULT": resultFile.path,
        ]
        for (key, value) in environment.merging(extraEnvironment, uniquingKeysWith: { $1 }) {
            variables[Environment.Key(stringLiteral: key)] = value
        }
        var options = PlatformOptions()
        options.processGroupID = 0  // a group of its own, so a timeout reaches the whole tree
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .seconds(2))]
        let environmentUpdates = variables
        let platformOptions = options
        let executable: Executable = arguments[0].contains("/") ? .path(FilePath(arguments[0])) : .name(arguments[0])
        let limit = 16 * 1024 * 1024
        // The sampler starts before the command and finds it by its unique result path, on a
        // thread of its own: a busy cooperative pool cannot make it late.
        let memory = measuresPeakMemory ? ProcessGroupMemory.Sampler(marker: "HYPERPOWER_RESULT=\(resultFile.path)") : nil
        defer { _ = memory?.stop() }
        let run: @Sendable () async throws -> ExecutionResult<Void, StringOutput<UTF8>, StringOutput<UTF8>> = {
            try await Subprocess.run(
                executable, arguments: Arguments(Array(arguments.dropFirst())), environment: .inherit.updating(environmentUpdates),
                platformOptions: platformOptions, input: .none, output: .string(limit: limit), error: .string(limit: limit))
        }
        let result: ExecutionResult<Void, StringOutput<UTF8>, StringOutput<UTF8>>
        if let timeout {
            result = try await withThrowingTaskGroup(of: ExecutionResult<Void, StringOutput<UTF8>, StringOutput<UTF8>>?.self) { group in
                group.addTask { try await run() }
                group.addTask {
                    try await Task.sleep(for: .seconds(timeout))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next()!, let finished = first as ExecutionResult? else {
                    throw Failure(description: "timed out after \(timeout) s; the command's process group was stopped")
                }
                return finished
            }
        } else {
            result = try await run()
        }
        do {
            if let energySession { metered["cpu_energy_j"] = try rapl.stop(energySession).energyJoules }
            if let gpuSession {
                let measurement = try gpuMeter.stop(gpuSession)
                metered["gpu_peak_watts"] = measurement.peakWatts
                metered["gpu_energy_j"] = measurement.energyJoules
                metered["gpu_peak_memory_mib"] = measurement.peakMemoryMiB
            }
        } catch {
            meteredError = error
        }
        let errorTail = result.standardError.split(separator: "\n").suffix(5).joined(separator: "\n")
        guard case .exited(0) = result.terminationStatus else {
            throw Failure(description: "the command \(describe(result.terminationStatus))" + (errorTail.isEmpty ? "" : "; its last lines of stderr:\n\(errorTail)"))
        }
        let file = try? String(contentsOf: resultFile, encoding: .utf8)
        guard let (text, values) = Self.resultObject(file: file, output: result.standardOutput) else {
            throw Failure(description: "the command printed no JSON result (a last line such as {\"\(objectiveName)\": 0.07})"
                + (errorTail.isEmpty ? "" : "; its last lines of stderr:\n\(errorTail)"))
        }
        guard let value = values[objectiveName] ?? values[Objective.defaultName], value.isFinite else {
            throw Failure(description: Self.missingObjective(objectiveName, in: text))
        }
        var measurements = values
        measurements[objectiveName] = nil
        measurements[Objective.defaultName] = nil
        if let peak = memory?.stop(), measurements["peak_rss_mb"] == nil { measurements["peak_rss_mb"] = peak }
        if let meteredError { throw Failure(description: "the command ran, but its measurement failed: \(meteredError)") }
        for (name, value) in metered where measurements[name] == nil { measurements[name] = value }
        return .success(objective: value, measurements: measurements)
    }

    func describe(_ status: TerminationStatus) -> String {
        switch status {
        case let .exited(code): return "exited with status \(code)"
        case let .signaled(signal): return "was killed by signal \(signal)"
        }
    }

    /// The numbers of a JSON object (strings, booleans and the rest are ignored), or `nil` if
    /// the text is not one.
    static func object(in text: String) -> [String: Double]? {
        guard let object = try? resultDecoder().decode([String: Scalar].self, from: Data(text.utf8)) else { return nil }
        return object.compactMapValues(\.number)
    }

    /// The decoder of what programs print (result objects, predictors' arrays): JSON5, so that
    /// the `NaN`, `Infinity` and `-Infinity` that Python's `json.dumps` writes for a diverged loss
    /// are read as such (and named in the trial's failure) instead of making the line no JSON at all.
    static func resultDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        return decoder
    }

    /// A JSON value as an error message shows it.
    struct Shown: Decodable {
        var text: String
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { text = "null" }
            else if let value = try? container.decode(Bool.self) { text = "\(value)" }
            else if let value = try? container.decode(String.self) { text = "\"\(value)\"" }
            else if let value = try? container.decode(Double.self) {
                text = value.isNaN ? "NaN" : value == .infinity ? "Infinity" : value == -.infinity ? "-Infinity" : "\(value)"
            }
            else if (try? container.decode([Shown].self)) != nil { text = "an array" }
            else if (try? container.decode([String: Shown].self)) != nil { text = "an object" }
            else { text = "a number beyond a double's range" }
        }
    }

    /// A JSON value, kept only when it is a number (`true` is not 1).
    struct Scalar: Decodable {
        var number: Double?
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if (try? container.decode(Bool.self)) != nil { number = nil; return }
            number = try? container.decode(Double.self)
        }
    }

    /// The result and the text it was read from: the result file's whole text when it is a JSON
    /// object, else the output's last line that is one.
    static func resultObject(file: String?, output: String) -> (text: String, values: [String: Double])? {
        if let file, let values = object(in: file) { return (file, values) }
        for line in output.split(separator: "\n").reversed() where line.trimmingCharacters(in: .whitespaces).hasPrefix("{") {
            if let values = object(in: String(line)) { return (String(line), values) }
        }
        return nil
    }

    /// Why a result object gave no objective: the key is there with a value that is not a
    /// finite number (a string, `null`, `true`, 1e999), or it is missing among the keys named.
    static func missingObjective(_ name: String, in text: String) -> String {
        let object = (try? resultDecoder().decode([String: Shown].self, from: Data(text.utf8))) ?? [:]
        for key in [name, Objective.defaultName] {
            guard let shown = object[key] else { continue }
            return "the command's result gives '\(key)' as \(shown.text), not a finite number"
        }
        let keys = object.keys.sorted()
        return "the command's result has no '\(name)' (\(keys.isEmpty ? "it is an empty object" : "it has " + keys.joined(separator: ", ")))"
    }
}

/// The resident memory of a process group, from /proc (Linux).
enum ProcessGroupMemory {
    /// Samples the resident memory of the process group of the child of this process whose
    /// environment holds `marker`, every 20 ms from before the child starts until ``stop()``
    /// (which waits for the last sample): the largest summed high-water mark, in MB.
    final class Sampler: @unchecked Sendable {
        private let lock = NSLock()
        private var stopping = false
        private var peak: Double?
        private var result: Double??
        private let finished = DispatchSemaphore(value: 0)

        init(marker: String) {
            let thread = Thread { [self] in
                var group: pid_t?
                while !isStopping {
                    if group == nil { group = ProcessGroupMemory.child(withEnvironment: marker) }
                    if let group, let current = ProcessGroupMemory.residentMegabytes(group: group) {
                        lock.lock()
                        peak = max(peak ?? 0, current)
                        lock.unlock()
                    }
                    usleep(20_000)
                }
                finished.signal()
            }
            thread.start()
        }

        private var isStopping: Bool {
            lock.lock()
            defer { lock.unlock() }
            return stopping
        }

        /// Stops sampling (once; later calls return the same value).
        func stop() -> Double? {
            lock.lock()
            if let result { lock.unlock(); return result }
            stopping = true
            lock.unlock()
            finished.wait()
            lock.lock()
            defer { lock.unlock() }
            result = .some(peak)
            return peak
        }
    }

    /// Every process's id, parent and process group, from /proc/*/stat (`nil` when /proc
    /// cannot be read).
    static func processes() -> [(pid: pid_t, parent: pid_t, group: pid_t)]? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        return entries.compactMap { entry in
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // Fields after the command name: state ppid pgrp …
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, let parent = pid_t(fields[1]), let group = pid_t(fields[2]) else { return nil }
            return (pid, parent, group)
        }
    }

    /// The process group of the child of this process whose environment contains `marker`, if
    /// it has started.
    static func child(withEnvironment marker: String) -> pid_t? {
        let me = getpid()
        for process in processes() ?? [] where process.parent == me {
            guard let environment = FileManager.default.contents(atPath: "/proc/\(process.pid)/environ") else { continue }
            if environment.split(separator: 0).contains(where: { String(decoding: $0, as: UTF8.self) == marker }) {
                return process.group
            }
        }
        return nil
    }

    /// The summed resident high-water marks (`VmHWM`: each process's peak RSS since it
    /// started) of the processes whose process group is `group`, in MB; `nil` when none is
    /// left or /proc is unreadable. A sample taken late still sees a living process's peak.
    static func residentMegabytes(group: pid_t) -> Double? {
        let members = (processes() ?? []).filter { $0.group == group }
        guard !members.isEmpty else { return nil }
        var kilobytes = 0
        for member in members {
            guard let status = try? String(contentsOfFile: "/proc/\(member.pid)/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                  let value = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Int($0) })
            else { continue }
            kilobytes += value
        }
        return Double(kilobytes) / 1000
    }
}
