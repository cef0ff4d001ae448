import Foundation

/// NVIDIA GPU power and memory while a closure runs, by sampling
/// `nvidia-smi --query-gpu=power.draw,memory.used --format=csv,noheader,nounits` in loop mode;
/// energy is the integral of the sampled power (trapezoids, held constant before the first and
/// after the last sample).
///
/// Limits: `power.draw` is the board's own reading, averaged by the driver over its sampling
/// window (tens of ms on recent GPUs), so closures much shorter than `intervalMilliseconds`
/// get a coarse estimate; the whole board is measured (other processes on the GPU count).
public struct NvidiaSMIMeter: Profiler {
    /// The GPU (`--id`).
    public var gpu: Int
    /// Sampling interval (`--loop-ms`).
    public var intervalMilliseconds: Int
    /// The executable's name or path.
    public var executable: String
    /// Environment for the child process (`nil`: this process's); `PATH` is searched.
    public var environment: [String: String]?

    public init(gpu: Int = 0, intervalMilliseconds: Int = 50, executable: String = "nvidia-smi", environment: [String: String]? = nil) {
        self.gpu = gpu
        self.intervalMilliseconds = intervalMilliseconds
        self.executable = executable
        self.environment = environment
    }

    /// One reading.
    public struct Sample: Sendable, Equatable, Codable {
        /// Seconds since the measurement started.
        public var time: Double
        public var watts: Double
        public var memoryMiB: Double
    }

    public struct Measurement: Sendable, Equatable, Codable {
        public var samples: [Sample]
        /// Duration of the closure, seconds.
        public var seconds: Double
        /// ∫ power dt over the closure, joules.
        public var energyJoules: Double
        /// energy / seconds.
        public var averageWatts: Double
        public var peakWatts: Double
        public var peakMemoryMiB: Double
    }

    /// The executable's full path, searching `PATH`.
    func resolvedExecutable() throws -> String {
        if executable.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw ProfilerError.unavailable(meter: "nvidia-smi", reason: "\(executable) is not an executable file")
            }
            return executable
        }
        let path = (environment ?? ProcessInfo.processInfo.environment)["PATH"] ?? ""
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ProfilerError.unavailable(meter: "nvidia-smi", reason: "'\(executable)' is not on PATH (no NVIDIA driver here?)")
    }

    /// Parses one output line, `"85.32, 1234"`; `nil` for `[N/A]` or other unreadable fields.
    static func parse(_ line: String) -> (watts: Double, memoryMiB: Double)? {
        let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.count == 2, let watts = Double(fields[0]), let memory = Double(fields[1]),
            watts.isFinite, memory.isFinite else { return nil }
        return (watts, memory)
    }

    /// A running `nvidia-smi --loop-ms` sampler (``start()``); ``stop(_:)`` ends it. For work
    /// that is not one synchronous closure (a subprocess awaited by a task).
    public final class Session: @unchecked Sendable {
        let process: Process
        let output: Pipe
        let collector: LineCollector
        let origin: Double
        let start: Double

        init(process: Process, output: Pipe, collector: LineCollector, origin: Double, start: Double) {
            self.process = process
            self.output = output
            self.collector = collector
            self.origin = origin
            self.start = start
        }

        /// Stops sampling without a measurement (again is harmless; ``stop(_:)`` calls it).
        public func finish() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            output.fileHandleForReading.readabilityHandler = nil
        }
    }

    /// Starts sampling and waits for the first reading (so that the work is covered from its start).
    public func start() throws -> Session {
        guard intervalMilliseconds >= 1 else { throw ProfilerError.invalidSettings("intervalMilliseconds must be ≥ 1") }
        let path = try resolvedExecutable()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = [
            "--query-gpu=power.draw,memory.used", "--format=csv,noheader,nounits", "--id=\(gpu)",
            "--loop-ms=\(intervalMilliseconds)",
        ]
        if let environment { process.environment = environment }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let collector = LineCollector()
        output.fileHandleForReading.readabilityHandler = { handle in collector.append(handle.availableData) }
        let origin = monotonicSeconds()
        collector.origin = origin
        do { try process.run() } catch {
            throw ProfilerError.unavailable(meter: "nvidia-smi", reason: "cannot start \(path): \(error)")
        }
        let deadline = origin + 10
        while collector.lineCount == 0 && process.isRunning && monotonicSeconds() < deadline { usleep(2_000) }
        if collector.lineCount == 0 {
            let message = String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
            Session(process: process, output: output, collector: collector, origin: origin, start: 0).finish()
            throw ProfilerError.unavailable(meter: "nvidia-smi", reason: message.isEmpty ? "no output" : message)
        }
        return Session(process: process, output: output, collector: collector, origin: origin, start: monotonicSeconds() - origin)
    }

    /// Ends sampling one interval after now and integrates the power over the session.
    public func stop(_ session: Session) throws -> Measurement {
        let end = monotonicSeconds() - session.origin
        // One more interval so that a reading follows the end.
        usleep(useconds_t(1_000 * intervalMilliseconds + 20_000))
        session.finish()
        let lines = session.collector.lines()
        let samples = lines.compactMap { line, time in Self.parse(line).map { Sample(time: time, watts: $0.watts, memoryMiB: $0.memoryMiB) } }
        guard !samples.isEmpty else {
            throw ProfilerError.unreadable(meter: "nvidia-smi", output: lines.map(\.0).joined(separator: "\n"))
        }
        let energy = Self.integrate(samples, from: session.start, to: end)
        let seconds = end - session.start
        return Measurement(
            samples: samples, seconds: seconds, energyJoules: energy, averageWatts: seconds > 0 ? energy / seconds : samples[0].watts,
            peakWatts: samples.map(\.watts).max()!, peakMemoryMiB: samples.map(\.memoryMiB).max()!)
    }

    public func measure(_ body: () throws -> Void) throws -> Measurement {
        let session = try start()
        do { try body() } catch {
            session.finish()
            throw error
        }
        return try stop(session)
    }

    /// ∫ₐᵇ P(t) dt for the piecewise-linear interpolation of the samples, constant outside them.
    static func integrate(_ samples: [Sample], from a: Double, to b: Double) -> Double {
        guard b > a else { return 0 }
        func power(at t: Double) -> Double {
            if t <= samples.first!.time { return samples.first!.watts }
            if t >= samples.last!.time { return samples.last!.watts }
            let k = samples.firstIndex { $0.time >= t }!
            let (s0, s1) = (samples[k - 1], samples[k])
            return s1.time > s0.time ? s0.watts + (s1.watts - s0.watts) * (t - s0.time) / (s1.time - s0.time) : s1.watts
        }
        let knots = [a] + samples.map(\.time).filter { $0 > a && $0 < b } + [b]
        var total = 0.0
        for (t0, t1) in zip(knots, knots.dropFirst()) { total += 0.5 * (power(at: t0) + power(at: t1)) * (t1 - t0) }
        return total
    }
}

/// Lines from a pipe with their arrival times; written by the pipe's handler thread, read by
/// the measuring thread. `@unchecked Sendable`: every access to the mutable state holds `lock`.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = Data()
    private var collected: [(String, Double)] = []
    var origin: Double = 0

    func append(_ data: Data) {
        let now = monotonicSeconds()
        lock.lock()
        defer { lock.unlock() }
        buffer.append(data)
        while let newline = buffer.firstIndex(of: 0x0A) {
            let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
            buffer.removeSubrange(buffer.startIndex...newline)
            collected.append((line, now - origin))
        }
    }

    var lineCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return collected.count
    }

    func lines() -> [(String, Double)] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }
}
