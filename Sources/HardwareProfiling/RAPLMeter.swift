import Foundation

/// CPU package energy from Linux RAPL counters under `/sys/class/powercap`: every top-level
/// `intel-rapl:N` domain (one per CPU package), `energy_uj` read before and after the closure.
///
/// A counter wraps at `max_energy_range_uj`; a reading below the previous one is taken as one
/// wrap (`after + range − before`). More than one wrap during a closure (minutes at full power)
/// cannot be detected. Since 2020 kernels make `energy_uj` readable by root only; without
/// permission, or on a machine without RAPL (VMs, AMD before Zen, ARM), the meter is
/// unavailable.
public struct RAPLMeter: Profiler {
    /// The powercap directory (settable for tests).
    public var root: URL

    public init(root: URL = URL(fileURLWithPath: "/sys/class/powercap")) {
        self.root = root
    }

    public struct Measurement: Sendable, Equatable, Codable {
        public var energyJoules: Double
        public var seconds: Double
        public var averageWatts: Double
        /// Domains read (`intel-rapl:0`, …).
        public var domains: [String]
    }

    /// The package domains present.
    func domains() throws -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        let packages = names.filter { $0.hasPrefix("intel-rapl:") && $0.split(separator: ":").count == 2 }.sorted()
        guard !packages.isEmpty else {
            throw ProfilerError.unavailable(meter: "RAPL", reason: "no intel-rapl:N domain under \(root.path)")
        }
        return packages.map { root.appendingPathComponent($0) }
    }

    static func readMicrojoules(_ url: URL) throws -> Double {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw ProfilerError.unavailable(meter: "RAPL", reason: "\(url.path) cannot be read (root only on recent kernels)")
        }
        guard let value = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ProfilerError.unreadable(meter: "RAPL", output: text)
        }
        return value
    }

    /// Energy between two readings of a counter that wraps at `range`.
    static func delta(before: Double, after: Double, range: Double) -> Double {
        after >= before ? after - before : after + range - before
    }

    /// The counters read when a measurement starts (``start()``); ``stop(_:)`` ends it. For
    /// work that is not one synchronous closure (a subprocess awaited by a task).
    public struct Session: Sendable {
        let domains: [URL]
        let ranges: [Double]
        let before: [Double]
        let start: Double
    }

    /// Reads the counters.
    public func start() throws -> Session {
        let domains = try domains()
        let ranges = try domains.map { try Self.readMicrojoules($0.appendingPathComponent("max_energy_range_uj")) }
        let before = try domains.map { try Self.readMicrojoules($0.appendingPathComponent("energy_uj")) }
        return Session(domains: domains, ranges: ranges, before: before, start: monotonicSeconds())
    }

    /// The energy since `session` started.
    public func stop(_ session: Session) throws -> Measurement {
        let seconds = monotonicSeconds() - session.start
        let after = try session.domains.map { try Self.readMicrojoules($0.appendingPathComponent("energy_uj")) }
        var microjoules = 0.0
        for k in session.domains.indices {
            microjoules += Self.delta(before: session.before[k], after: after[k], range: session.ranges[k])
        }
        let joules = microjoules / 1e6
        return Measurement(
            energyJoules: joules, seconds: seconds, averageWatts: seconds > 0 ? joules / seconds : 0,
            domains: session.domains.map(\.lastPathComponent))
    }

    public func measure(_ body: () throws -> Void) throws -> Measurement {
        let session = try start()
        try body()
        return try stop(session)
    }
}
