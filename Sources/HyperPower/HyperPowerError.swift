import Foundation
/// Failures the optimiser reports to its user.
public enum HyperPowerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The search space is invalid; names the parameter.
    case invalidParameter(name: String, reason: String)
    /// A parameter name appears twice.
    case duplicateParameter(name: String)
    /// The search space has no parameters.
    case emptySearchSpace
    /// A constraint is invalid; names it.
    case invalidConstraint(name: String, reason: String)
    /// A configuration does not belong to the space; names the parameter.
    case invalidConfiguration(parameter: String, reason: String)
    /// No sampled configuration satisfies the known constraints; says which rejects what.
    case knownFeasibleRegionEmpty(details: String)
    /// Every configuration of a finite space has been evaluated or is pending.
    case searchSpaceExhausted(configurations: Int)
    /// `tell` named a trial that was not asked for or was already told.
    case unknownTrial(number: Int)
    /// The settings are invalid.
    case invalidSettings(reason: String)
    /// The journal cannot be read or written.
    case storage(reason: String)
    /// The storage could not be reached (a database server that restarts, a lost connection):
    /// nothing was changed in memory, and the same call may be retried. ``StudyRunner`` retries
    /// for up to a few minutes before it gives up.
    case storageUnavailable(reason: String)
    /// The journal belongs to another study.
    case journalMismatch(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidParameter(name, reason): return "parameter '\(name)': \(reason)"
        case let .duplicateParameter(name): return "parameter '\(name)' is declared twice"
        case .emptySearchSpace: return "the search space has no parameters"
        case let .invalidConstraint(name, reason): return "constraint '\(name)': \(reason)"
        case let .invalidConfiguration(parameter, reason): return "configuration, parameter '\(parameter)': \(reason)"
        case let .knownFeasibleRegionEmpty(details): return "no configuration satisfies the known constraints: \(details)"
        case let .searchSpaceExhausted(configurations):
            return "all \(configurations) configurations of the search space have been evaluated or are pending"
        case let .unknownTrial(number): return "trial \(number) was not asked for, or has already been told"
        case let .invalidSettings(reason): return "invalid settings: \(reason)"
        case let .storage(reason): return "storage: \(reason)"
        case let .storageUnavailable(reason): return "storage unavailable: \(reason)"
        case let .journalMismatch(path, reason):
            return "the journal \(path) belongs to another study (\(reason)); use another path or this study's settings"
        }
    }
}

extension HyperPowerError {
    /// One line for an error, for messages: Foundation's file errors (an `NSCocoaErrorDomain`
    /// dump otherwise) become their POSIX reason ("No such file or directory").
    public static func reason(of error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        if nsError.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: nsError.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "No such file or directory"
            case .fileWriteNoPermission, .fileReadNoPermission: return "Permission denied"
            case .fileWriteOutOfSpace: return "No space left on device"
            case .fileWriteVolumeReadOnly: return "Read-only file system"
            case .fileWriteFileExists: return "File exists"
            default: break
            }
        }
        let text = "\(error)"
        return text.split(separator: "\n").first.map(String.init) ?? text
    }
}
