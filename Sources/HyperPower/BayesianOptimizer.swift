import Logging

/// Constrained, hardware-aware Bayesian optimisation of a user's objective: a ``Study`` with a
/// ``ConstrainedGPSampler``, driven by a ``StudyRunner``.
///
/// ```swift
/// let optimizer = BayesianOptimizer(space: space, constraints: [
///     .known("power", atMost: 90) { config in powerModel(config) },   // never proposed if > 90
///     .observed("latency", atMost: 15),                               // measured, learned
/// ], seed: 42) { config in
///     let result = try await trainAndMeasure(config)
///     return .success(objective: result.error, measurements: ["latency": result.latency])
/// }
/// let result = try await optimizer.run(budget: .evaluations(50))
/// ```
///
/// Drive it with ``run(budget:concurrency:)``, or with ``ask()`` and
/// ``tell(_:_:evaluationSeconds:)`` from your own loop. The same seed gives the same
/// suggestions for the same outcomes. Another sampler (``RandomSampler``, one of your own) plugs
/// in through ``init(space:constraints:objectives:sampler:seed:settings:storage:logger:onTrialCompleted:objective:)``.
public final class BayesianOptimizer: Sendable {
    /// The study: trials, pending trials, storage.
    public let study: Study
    /// The settings.
    public let settings: OptimizerSettings
    let objective: (@Sendable (Configuration) async throws -> Evaluation)?
    let onTrialCompleted: (@Sendable (Trial) -> Void)?

    /// An optimiser of `objective` (minimised) over `space` under `constraints`.
    ///
    /// Invalid constraints or settings are reported by the first ``ask()`` or ``run(budget:concurrency:)``.
    public convenience init(
        space: SearchSpace, constraints: [Constraint] = [], objectives: [Objective] = [.default], seed: UInt64 = 0,
        settings: OptimizerSettings = OptimizerSettings(), storage: any StudyStorage = .memory,
        logger: Logger = Logger(label: "hyperpower"), onTrialCompleted: (@Sendable (Trial) -> Void)? = nil,
        objective: @escaping @Sendable (Configuration) async throws -> Evaluation
    ) {
        self.init(space: space, constraints: constraints, objectives: objectives,
                  sampler: ConstrainedGPSampler.forObjectives(objectives, settings: settings, seed: seed, logger: logger), seed: seed,
                  settings: settings, storage: storage, logger: logger, onTrialCompleted: onTrialCompleted,
                  objective: objective)
    }

    /// An optimiser driven by ``ask()`` and ``tell(_:_:evaluationSeconds:)`` only.
    public convenience init(
        space: SearchSpace, constraints: [Constraint] = [], objectives: [Objective] = [.default], seed: UInt64 = 0,
        settings: OptimizerSettings = OptimizerSettings(), storage: any StudyStorage = .memory,
        logger: Logger = Logger(label: "hyperpower")
    ) {
        self.init(space: space, constraints: constraints, objectives: objectives,
                  sampler: ConstrainedGPSampler.forObjectives(objectives, settings: settings, seed: seed, logger: logger), seed: seed,
                  settings: settings, storage: storage, logger: logger, onTrialCompleted: nil, objective: nil)
    }

    /// An optimiser whose configurations `sampler` chooses (``RandomSampler``, your own).
    public init(
        space: SearchSpace, constraints: [Constraint] = [], objectives: [Objective] = [.default], sampler: any Sampler,
        seed: UInt64 = 0, settings: OptimizerSettings = OptimizerSettings(), storage: any StudyStorage = .memory,
        logger: Logger = Logger(label: "hyperpower"), onTrialCompleted: (@Sendable (Trial) -> Void)? = nil,
        objective: (@Sendable (Configuration) async throws -> Evaluation)?
    ) {
        self.study = Study(space: space, constraints: constraints, objectives: objectives, sampler: sampler,
                           storage: storage, seed: seed, leaseDuration: settings.leaseDuration, logger: logger)
        self.settings = settings
        self.objective = objective
        self.onTrialCompleted = onTrialCompleted
    }

    /// The search space.
    public var space: SearchSpace { study.space }
    /// The constraints.
    public var constraints: [Constraint] { study.constraints }
    /// The seed of every random choice.
    public var seed: UInt64 { study.seed }
    /// Completed trials, in order.
    public var trials: [Trial] { get async { await study.trials } }
    /// The best feasible trial so far (for ask/tell users; `run` returns it in its result).
    public var best: Trial? { get async { await study.best } }

    /// Evaluates suggestions until the budget is spent, the space is exhausted or the task is
    /// cancelled; one log line per trial (see ``StudyRunner``).
    ///
    /// With `concurrency` k > 1, k evaluations are kept in flight; pending points enter every
    /// model as fantasies (kriging believer), so concurrent suggestions differ. Each evaluation
    /// obeys ``OptimizerSettings/evaluationTimeout`` and ``OptimizerSettings/retries``.
    ///
    /// - Throws: ``HyperPowerError`` for invalid settings or constraints, or when no
    ///   configuration satisfies the known constraints. Objective errors are recorded, not thrown.
    public func run(budget: Budget, concurrency: Int = 1) async throws -> SearchResult {
        try settings.validate()
        guard let objective else { throw HyperPowerError.invalidSettings(reason: "this optimiser has no objective; use ask() and tell()") }
        let runner = StudyRunner(study: study, evaluationTimeout: settings.evaluationTimeout, retries: settings.retries,
                                 onTrialCompleted: onTrialCompleted, objective: objective)
        return try await runner.run(budget: budget, concurrency: concurrency)
    }

    /// The next configuration to evaluate (see ``Study/ask()``).
    public func ask() async throws(HyperPowerError) -> Suggestion {
        try settings.validate()
        return try await study.ask()
    }

    /// Records the outcome of a suggestion (see ``Study/tell(_:_:evaluationSeconds:)``).
    @discardableResult
    public func tell(_ number: Int, _ evaluation: Evaluation, evaluationSeconds: Double = 0) async throws(HyperPowerError) -> Trial {
        try await study.tell(number, evaluation, evaluationSeconds: evaluationSeconds)
    }

    /// Records that evaluating a suggestion threw `error`.
    @discardableResult
    public func tell(_ number: Int, error: any Error, evaluationSeconds: Double = 0) async throws(HyperPowerError) -> Trial {
        try await study.tell(number, error: error, evaluationSeconds: evaluationSeconds)
    }

    /// Queues a configuration to be suggested first, unless it is already queued, pending or
    /// evaluated (see ``Study/enqueue(_:)``); returns whether it was queued.
    @discardableResult
    public func enqueue(_ configuration: Configuration) async throws(HyperPowerError) -> Bool {
        try await study.enqueue(configuration)
    }

    /// Completed trials after opening the storage (a journal's trials count).
    public func completedTrialCount() async throws(HyperPowerError) -> Int {
        try await study.completedTrialCount()
    }
}
