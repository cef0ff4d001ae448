/// Data-dependent failures of the hardware-model layer.
public enum HardwareModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No samples were given (or fewer than the model needs).
    case notEnoughSamples(needed: Int, given: Int)
    /// A sample's feature vector has the wrong length.
    case featureCountMismatch(sample: Int, expected: Int, actual: Int)
    /// A feature value is NaN or infinite.
    case nonFiniteFeature(sample: Int, feature: String, value: Double)
    /// A target value is NaN or infinite (or not positive where a log or a percentage error needs it).
    case invalidTarget(sample: Int, value: Double, reason: String)
    /// A named feature or column does not exist.
    case unknownFeature(String)
    /// A table could not be read.
    case malformedTable(reason: String)
    /// A fit failed numerically.
    case fitFailed(reason: String)
    /// A meter is not available on this machine.
    case meterUnavailable(meter: String, reason: String)

    public var description: String {
        switch self {
        case let .notEnoughSamples(needed, given): return "need at least \(needed) samples, got \(given)"
        case let .featureCountMismatch(sample, expected, actual):
            return "sample \(sample) has \(actual) features, expected \(expected)"
        case let .nonFiniteFeature(sample, feature, value): return "sample \(sample): feature '\(feature)' is \(value)"
        case let .invalidTarget(sample, value, reason): return "sample \(sample): target \(value) \(reason)"
        case let .unknownFeature(name): return "unknown feature or column '\(name)'"
        case let .malformedTable(reason): return "malformed table: \(reason)"
        case let .fitFailed(reason): return "fit failed: \(reason)"
        case let .meterUnavailable(meter, reason): return "\(meter) unavailable: \(reason)"
        }
    }
}
