import Foundation

/// Latency of a closure: `warmUp` unmeasured runs, then `repetitions` timed ones.
public struct LatencyProfiler: Profiler {
    public var warmUp: Int
    public var repetitions: Int

    public init(warmUp: Int = 3, repetitions: Int = 20) {
        self.warmUp = warmUp
        self.repetitions = repetitions
    }

    /// Timings in seconds and their summary.
    public struct Measurement: Sendable, Equatable, Codable {
        /// Every timed run, in order (seconds).
        public var samples: [Double]
        public var median: Double
        /// 90th percentile (linear interpolation).
        public var p90: Double
        public var minimum: Double
        public var mean: Double
    }

    public func measure(_ body: () throws -> Void) throws -> Measurement {
        guard warmUp >= 0, repetitions >= 1 else {
            throw ProfilerError.invalidSettings("warmUp ≥ 0 and repetitions ≥ 1 required (got \(warmUp), \(repetitions))")
        }
        for _ in 0..<warmUp { try body() }
        var samples: [Double] = []
        samples.reserveCapacity(repetitions)
        for _ in 0..<repetitions {
            let start = monotonicSeconds()
            try body()
            samples.append(monotonicSeconds() - start)
        }
        return Self.summary(samples)
    }

    static func summary(_ samples: [Double]) -> Measurement {
        let sorted = samples.sorted()
        return Measurement(
            samples: samples, median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), minimum: sorted.first ?? 0,
            mean: samples.reduce(0, +) / Double(max(samples.count, 1)))
    }

    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position)
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}
