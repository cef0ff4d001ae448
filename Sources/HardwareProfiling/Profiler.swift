import Foundation

/// Something that measures a hardware quantity while a closure runs.
public protocol Profiler {
    associatedtype Measurement: Sendable
    /// Runs `body` (possibly several times) and measures it.
    func measure(_ body: () throws -> Void) throws -> Measurement
}

/// Why a measurement could not be taken.
public enum ProfilerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The meter does not exist on this machine (no `nvidia-smi`, no RAPL counters, …).
    case unavailable(meter: String, reason: String)
    /// The meter answered something that could not be read.
    case unreadable(meter: String, output: String)
    /// Invalid settings.
    case invalidSettings(String)

    public var description: String {
        switch self {
        case let .unavailable(meter, reason): return "\(meter) is unavailable: \(reason)"
        case let .unreadable(meter, output): return "\(meter) gave output that could not be read: \(output.prefix(200))"
        case let .invalidSettings(reason): return "invalid profiler settings: \(reason)"
        }
    }
}

/// Monotonic seconds.
func monotonicSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
