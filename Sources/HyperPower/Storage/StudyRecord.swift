/// The first record of a study: what study the records belong to.
///
/// Format 1 (HyperPower 0.1) and format 2 (named objectives, opaque sampler state) share this
/// shape; a format-1 journal opens unchanged.
public struct StudyHeader: Sendable, Codable, Equatable {
    struct ConstraintSummary: Codable, Equatable, Sendable {
        var name: String
        var bound: Double
        var direction: ConstraintDirection
        var known: Bool
    }

    /// The record format this library writes.
    public static let currentFormat = 2

    var format: Int
    var library: String
    var space: SearchSpace
    var constraints: [ConstraintSummary]
    /// Objective names and directions (format 2; format 1 had one minimised objective).
    var objectives: [ObjectiveSummary]?
    var seed: UInt64
    /// The sampler's name (`bayesian`, `random`, …); the key keeps format 1's spelling.
    var strategy: String
    /// Format 1 only: the constraint-unaware baseline was a setting; it is now a transform of
    /// the problem (its known constraints are declared observed).
    var knownConstraintsAsObserved: Bool?

    /// The search space of the study.
    public var searchSpace: SearchSpace { space }
    /// The name of the sampler that wrote the study.
    public var samplerName: String { strategy }
    /// The seed the study was started with.
    public var studySeed: UInt64 { seed }
    /// The study's objectives (one minimised `objective` for a format-1 journal).
    public var objectiveDeclarations: [Objective] {
        (objectives ?? [ObjectiveSummary(name: Objective.defaultName, direction: .minimize)])
            .map { Objective($0.name, $0.direction) }
    }

    struct ObjectiveSummary: Codable, Equatable, Sendable {
        var name: String
        var direction: OptimizationDirection
    }

    /// Constraint summaries as a study of this library declares them (format 1's unaware
    /// baseline declared known constraints and learned them as observed ones).
    var normalizedConstraints: [ConstraintSummary] {
        guard knownConstraintsAsObserved == true else { return constraints }
        return constraints.map { ConstraintSummary(name: $0.name, bound: $0.bound, direction: $0.direction, known: false) }
    }

    /// Why `other` describes a different study, or `nil`.
    func mismatch(with other: StudyHeader) -> String? {
        if space != other.space { return "its search space differs from this study's" }
        if normalizedConstraints != other.normalizedConstraints { return "its constraints differ from this study's" }
        if objectiveDeclarations != other.objectiveDeclarations { return "its objectives differ from this study's" }
        if seed != other.seed { return "it was started with seed \(seed), this study has \(other.seed)" }
        if strategy != other.strategy { return "it was started with the \(strategy) sampler, this study has \(other.strategy)" }
        return nil
    }
}

/// One record of a study's history, as a storage keeps it. A study is its records, in order:
/// a header, then for each trial an `asked` record and, once it ends, an outcome record.
///
/// A storage back end stores and returns records unchanged; only ``Study`` reads their contents.
public struct StudyRecord: Sendable, Codable, Equatable {
    /// What happened.
    public enum Event: String, Codable, Sendable {
        /// The study's header (first record).
        case header
        /// A trial was handed out.
        case asked
        /// A trial succeeded.
        case completed
        /// A trial's configuration could not run.
        case infeasible
        /// A trial's evaluation threw or returned a non-finite value.
        case failed
        /// A configuration's cost was measured without training it (``Profile``).
        case profiled
        /// Study-level values set by its user or its tools (``Study/setAttribute(_:to:)``).
        case attributes
        /// A worker renews its leases on the pending trials it names.
        case heartbeat
        /// A worker gave a pending trial up without an outcome (its evaluation was cancelled):
        /// the next ask of any worker offers it again.
        case abandoned
    }

    /// What happened.
    public var event: Event
    var header: StudyHeader?
    /// The trial number (asked and outcome records).
    public var trial: Int?
    var suggestion: Suggestion?
    var result: Trial?
    /// The process that asked (to tell orphaned trials from ones another live process evaluates).
    var process: Int32?
    /// The worker (one ``Study`` instance: `host:pid:token`) that holds the trial's lease
    /// (asked, heartbeat and abandoned records).
    var worker: String?
    /// When the record was written (seconds since 1970, the writer's clock).
    var time: Double?
    /// How long the lease lasts from `time` unless renewed (seconds).
    var lease: Double?
    /// The trials a heartbeat renews.
    var trials: [Int]?
    /// The sampler's state after this suggestion (opaque to the study).
    var state: JSONValue?
    /// A profiled configuration (profiled records).
    var profile: Profile?
    /// Attribute values by key (attributes records; a later value of a key replaces an earlier).
    var attributes: [String: JSONValue]?
    /// A unique id of an outcome record: a worker that appends its outcome without exclusive
    /// access (``StudyStorage/publish(_:)``) recognises it when it reads it back, and a record
    /// written twice (a retry after an answer lost with a connection) counts once.
    var id: String?

    static func header(_ header: StudyHeader) -> StudyRecord {
        StudyRecord(event: .header, header: header)
    }

    static func asked(_ suggestion: Suggestion, process: Int32, state: JSONValue?, lease: TrialLease) -> StudyRecord {
        StudyRecord(
            event: .asked, trial: suggestion.number, suggestion: suggestion, process: process, worker: lease.worker,
            time: lease.renewedAt, lease: lease.seconds, state: state)
    }

    static func heartbeat(worker: String, trials: [Int], time: Double, lease: Double) -> StudyRecord {
        StudyRecord(event: .heartbeat, worker: worker, time: time, lease: lease, trials: trials)
    }

    static func abandoned(_ number: Int, worker: String, time: Double) -> StudyRecord {
        StudyRecord(event: .abandoned, trial: number, worker: worker, time: time)
    }

    static func profiled(_ profile: Profile) -> StudyRecord {
        StudyRecord(event: .profiled, profile: profile)
    }

    static func attributes(_ values: [String: JSONValue]) -> StudyRecord {
        StudyRecord(event: .attributes, attributes: values)
    }

    static func outcome(_ trial: Trial, id: String? = nil) -> StudyRecord {
        let event: Event
        switch trial.outcome {
        case .success: event = .completed
        case .infeasible: event = .infeasible
        case .failed: event = .failed
        }
        return StudyRecord(event: event, trial: trial.number, result: trial, id: id)
    }
}
