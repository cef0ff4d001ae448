import Dispatch
import Foundation
import Logging

/// A study: the trials of one search, their numbering, the pending ones, and where they are
/// kept. It knows nothing of models: a ``Sampler`` chooses configurations, a ``StudyStorage``
/// keeps the records, a ``StudyRunner`` evaluates.
///
/// ```swift
/// let study = Study(space: space, constraints: constraints,
///                   sampler: ConstrainedGPSampler(seed: 42), storage: .journal(url), seed: 42)
/// let suggestion = try await study.ask()
/// try await study.tell(suggestion.number, .success(objective: 0.071))
/// ```
///
/// Every ask and tell holds the storage's exclusive access: it first applies what other
/// studies sharing the storage recorded, then records its own, and only then changes what
/// this study holds in memory — a record that cannot be written leaves the study as it was.
public actor Study {
    /// The search space.
    public nonisolated let space: SearchSpace
    /// The constraints.
    public nonisolated let constraints: [Constraint]
    /// The objectives; the first is the primary one.
    public nonisolated let objectives: [Objective]
    /// The seed the study (and its sampler) started from.
    public nonisolated let seed: UInt64
    /// Where the records are kept.
    public nonisolated let storage: any StudyStorage
    /// The known-feasible region (the gate).
    public nonisolated let region: KnownFeasibleRegion
    /// Whether the study was opened by ``load(from:logger:)`` (no ask or tell).
    public nonisolated let isReadOnly: Bool
    /// How long a trial handed out by this study stays reserved to it without a heartbeat;
    /// it renews its leases every third of that while it holds pending trials. Another worker
    /// offers a trial again once its lease expired (see ``abandon(_:)``).
    public nonisolated let leaseDuration: Duration
    /// This study's identity as a worker (`host:pid:token`), in the records it writes.
    nonisolated let worker: WorkerIdentity
    let logger: Logger

    var sampler: any Sampler
    /// Completed trials, in order of completion.
    public internal(set) var trials: [Trial] = []
    /// Where each counted trial is in `trials`, by number (``count(_:id:)`` keeps it).
    var trialIndex: [Int: Int] = [:]
    /// Configurations profiled without training (calibrated constraints with a profiler).
    public internal(set) var profiles: [Profile] = []
    /// Study-level values (``setAttributes(_:)``), the latest of each key.
    public internal(set) var attributes: [String: JSONValue] = [:]
    var pending: [Int: PendingTrial] = [:]
    var queue: [Configuration] = []
    var nextNumber = 0
    /// Trial numbers this study handed out (a late result for one of them is kept, not refused).
    var handedOut: Set<Int> = []
    /// Outcomes told for trials that another worker had completed in the meantime (after the
    /// lease expired and the trial was offered again): recorded, never counted twice.
    public internal(set) var lateResults: [Trial] = []
    var heartbeatTask: Task<Void, Never>?
    /// Trials whose outcome append failed with the storage unreachable (it may have been
    /// committed): a retried tell that finds the same outcome recorded is not a late result.
    var uncertainTells: Set<Int> = []
    /// The id of the outcome record that counts for each trial that has one.
    var outcomeIDs: [Int: String] = [:]
    /// Ids of outcomes this study published (appended without exclusive access) and has not
    /// read back yet: when they come back, they are already applied.
    var unreadOutcomes: Set<String> = []
    /// The id to publish a trial's outcome under again after an append whose answer was lost.
    var uncertainOutcomeIDs: [Int: String] = [:]
    /// When this study first saw each gone worker gone (seconds since 1970).
    var goneSince: [String: Double] = [:]
    /// Canonical points of the first `trialPoints.count` trials' configurations (those that
    /// encode), kept so that a suggestion does not encode every trial again.
    var trialPoints: (count: Int, points: [[Double]]) = (0, [])
    /// Tests: a worker that hangs (alive, but renews nothing).
    var heartbeatSuspended = false
    /// Records read from (or written to) the storage so far.
    var position = 0
    var opened = false
    var header: StudyHeader?
    let mutex = AsyncMutex()

    struct PendingTrial {
        var suggestion: Suggestion
        var suggestionSeconds: Double
        var lease: TrialLease
    }

    /// A study of `objectives` over `space` under `constraints`, whose configurations `sampler`
    /// chooses and whose records `storage` keeps (a storage with records resumes that study).
    ///
    /// Invalid constraints or objectives are reported by the first call that opens the study.
    public init(
        space: SearchSpace, constraints: [Constraint] = [], objectives: [Objective] = [.default],
        sampler: any Sampler, storage: any StudyStorage = .memory, seed: UInt64 = 0,
        leaseDuration: Duration = .seconds(90), logger: Logger = Logger(label: "hyperpower")
    ) {
        self.init(space: space, constraints: constraints, objectives: objectives, sampler: sampler, storage: storage,
                  seed: seed, leaseDuration: leaseDuration, logger: logger, readOnly: false)
    }

    init(
        space: SearchSpace, constraints: [Constraint], objectives: [Objective], sampler: any Sampler,
        storage: any StudyStorage, seed: UInt64, leaseDuration: Duration = .seconds(90), logger: Logger, readOnly: Bool
    ) {
        self.leaseDuration = leaseDuration
        self.worker = WorkerIdentity.make()
        self.space = space
        self.constraints = constraints
        self.objectives = objectives
        self.sampler = sampler
        self.storage = storage
        self.seed = seed
        self.logger = logger
        self.isReadOnly = readOnly
        self.region = KnownFeasibleRegion(space: space, constraints: constraints, seed: seed)
    }

    deinit {
        worker.retire()
        heartbeatTask?.cancel()
    }

    /// The primary objective.
    public nonisolated var objective: Objective { objectives[0] }

    /// Trial numbers asked for and not yet told, ascending.
    public var pendingTrialNumbers: [Int] { pending.keys.sorted() }

    /// The best feasible trial so far in the primary objective's direction.
    public var best: Trial? { SearchResult.best(of: trials, objective: objective) }

    /// The feasible trials no other feasible trial beats in every objective, in trial order.
    public var paretoFront: [Trial] { Pareto.front(of: trials, objectives: objectives) }

    /// The hypervolume the feasible trials dominate up to `reference` (in the objectives' own
    /// units and order).
    public func hypervolume(reference: [Double]) throws(HyperPowerError) -> Double {
        try Pareto.hypervolume(of: trials, objectives: objectives, reference: reference)
    }

    /// The study's header as recorded.
    public var recordedHeader: StudyHeader? { header }

    var ownHeader: StudyHeader {
        StudyHeader(
            format: StudyHeader.currentFormat, library: HyperPowerVersion.library, space: space,
            constraints: constraints.map {
                StudyHeader.ConstraintSummary(name: $0.name, bound: $0.bound, direction: $0.direction, known: $0.isKnown)
            },
            objectives: objectives.map { StudyHeader.ObjectiveSummary(name: $0.name, direction: $0.direction) },
            seed: seed, strategy: sampler.name, knownConstraintsAsObserved: nil)
    }

    func validate() throws(HyperPowerError) {
        try Objective.validate(objectives)
        guard leaseDuration > .zero else { throw .invalidSettings(reason: "leaseDuration must be positive, got \(leaseDuration)") }
        var names = Set<String>()
        for constraint in constraints {
            try constraint.validate()
            guard names.insert(constraint.name).inserted else {
                throw .invalidConstraint(name: constraint.name, reason: "declared twice")
            }
        }
    }

    /// Queues a configuration to be suggested before anything else (a warm start: a known good
    /// configuration, or one to re-check). It is not checked against the known constraints.
    ///
    /// A configuration already queued, pending or evaluated is not queued again (a warning is
    /// logged; Optuna's `enqueue_trial(skip_if_exists=True)`); one evaluated by another process
    /// in the meantime (or before this study read the storage) is dropped when its turn comes.
    ///
    /// - Returns: whether the configuration was queued.
    /// - Throws: ``HyperPowerError/invalidConfiguration(parameter:reason:)`` if it does not
    ///   belong to the space.
    @discardableResult
    public func enqueue(_ configuration: Configuration) throws(HyperPowerError) -> Bool {
        let configuration = try space.validated(configuration)
        if let duplicate = queue.contains(configuration) ? "already queued" : trialHolding(configuration) {
            logger.warning("not enqueued: \(configuration) is \(duplicate)")
            return false
        }
        queue.append(configuration)
        return true
    }

    /// The pending or completed trial that holds `configuration`, described, if any.
    func trialHolding(_ configuration: Configuration) -> String? {
        if let number = pending.first(where: { $0.value.suggestion.configuration == configuration })?.key {
            return "pending as trial \(number)"
        }
        if let trial = trials.first(where: { $0.configuration == configuration }) {
            return "already evaluated as trial \(trial.number)"
        }
        return nil
    }

    /// Completed trials, after applying what the storage holds (other processes' trials count).
    public func completedTrialCount() async throws(HyperPowerError) -> Int {
        try await exclusively { () throws(HyperPowerError) in self.trials.count }
    }

    /// Runs `body` holding this study's turn and the storage's exclusive access, after opening
    /// the study and applying records that others appended.
    func exclusively<T: Sendable>(_ body: () async throws(HyperPowerError) -> T) async throws(HyperPowerError) -> T {
        if !opened { try validate() }
        await mutex.lock()
        defer { mutex.unlock() }
        // What others appended is read and applied before the lock is taken: the critical
        // section (which workers on one storage take in turn) then reads only what came in
        // between, not every record since this study's last look.
        if opened { try await synchronise() }
        try await storage.lock()
        do throws(HyperPowerError) {
            try await synchronise()
            let result = try await body()
            await storage.unlock()
            return result
        } catch {
            await storage.unlock()
            throw error
        }
    }
}

/// The library's version, as written in study headers.
public enum HyperPowerVersion {
    public static let library = "HyperPower 0.2"
}
