import Dispatch
import Logging

/// Constrained, hardware-aware Bayesian optimisation of a user's objective.
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
/// Each suggestion: fit GPs (objective on successful trials; one per observed constraint; a
/// success/failure model once something failed), maximise `log EI + Σ log PoF` over the unit
/// cube inside the known-feasible region, round, de-duplicate, decode. Before that, a
/// space-filling initial design (scrambled Sobol points that pass the known constraints).
/// A fit that fails falls back to the previous hyper-parameters, then to a random
/// known-feasible point; an objective that throws or returns a non-finite value is recorded as
/// a failed trial. Neither ends the run.
///
/// Drive it with ``run(budget:)``, or with ``ask()`` and ``tell(_:_:evaluationSeconds:)`` from
/// your own loop. The same seed gives the same suggestions for the same outcomes.
public actor BayesianOptimizer {
    /// The search space.
    public let space: SearchSpace
    /// The constraints.
    public let constraints: [Constraint]
    /// The seed of every random choice.
    public let seed: UInt64
    /// The settings.
    public let settings: OptimizerSettings
    let objective: (@Sendable (Configuration) async throws -> Evaluation)?
    let logger: Logger

    /// Completed trials, in order.
    public internal(set) var trials: [Trial] = []
    var pending: [Int: Suggestion] = [:]
    var pendingPoints: [Int: [Double]] = [:]
    var pendingSuggestionSeconds: [Int: Double] = [:]
    var queue: [Configuration] = []
    var nextNumber = 0
    var initialDesign: [[Double]]?
    var initialDesignCursor = 0
    var randomGenerator: SeededGenerator
    var warmStarts: [String: GaussianProcessHyperparameters] = [:]
    var fitCounts: [String: Int] = [:]
    var knownScales: [String: Double] = [:]
    var validated = false
    /// Where trials are kept.
    public let storage: StudyStorage
    var journal: JournalFile?
    /// Pending trials of a process that died, to be offered again.
    var orphans: [Int] = []

    /// An optimiser of `objective` (minimised) over `space` under `constraints`.
    ///
    /// Invalid constraints or settings are reported by the first ``ask()`` or ``run(budget:)``.
    public init(
        space: SearchSpace, constraints: [Constraint] = [], seed: UInt64 = 0,
        settings: OptimizerSettings = OptimizerSettings(), storage: StudyStorage = .memory,
        logger: Logger = Logger(label: "hyperpower"),
        objective: @escaping @Sendable (Configuration) async throws -> Evaluation
    ) {
        self.init(space: space, constraints: constraints, seed: seed, settings: settings, storage: storage, logger: logger,
                  optionalObjective: objective)
    }

    /// An optimiser driven by ``ask()`` and ``tell(_:_:evaluationSeconds:)`` only.
    public init(
        space: SearchSpace, constraints: [Constraint] = [], seed: UInt64 = 0,
        settings: OptimizerSettings = OptimizerSettings(), storage: StudyStorage = .memory,
        logger: Logger = Logger(label: "hyperpower")
    ) {
        self.init(space: space, constraints: constraints, seed: seed, settings: settings, storage: storage, logger: logger,
                  optionalObjective: nil)
    }

    private init(
        space: SearchSpace, constraints: [Constraint], seed: UInt64, settings: OptimizerSettings, storage: StudyStorage,
        logger: Logger, optionalObjective: (@Sendable (Configuration) async throws -> Evaluation)?
    ) {
        self.storage = storage
        self.space = space
        self.constraints = constraints
        self.seed = seed
        self.settings = settings
        self.objective = optionalObjective
        self.logger = logger
        self.randomGenerator = SeededGenerator(seed: seed ^ 0x5EED_0F_4A9D_0B5E)
    }

    func validate() throws(HyperPowerError) {
        if validated { return }
        try settings.validate()
        var names = Set<String>()
        for constraint in constraints {
            try constraint.validate()
            guard names.insert(constraint.name).inserted else {
                throw .invalidConstraint(name: constraint.name, reason: "declared twice")
            }
        }
        try openStorage()
        validated = true
    }

    /// Queues a configuration to be suggested before anything else (a warm start: a known good
    /// configuration, or one to re-check). It is not checked against the known constraints.
    ///
    /// - Throws: ``HyperPowerError/invalidConfiguration(parameter:reason:)`` if it does not
    ///   belong to the space.
    public func enqueue(_ configuration: Configuration) throws(HyperPowerError) {
        queue.append(try space.validated(configuration))
    }

    /// The best feasible trial so far (for ask/tell users; `run` returns it in its result).
    public var best: Trial? { SearchResult.best(of: trials) }

    /// Evaluates suggestions until the budget is spent, the space is exhausted or the task is
    /// cancelled; one log line per trial.
    ///
    /// With `concurrency` k > 1, k evaluations are kept in flight (structured concurrency: a
    /// task group; the objective runs outside the actor). Pending points enter every model as
    /// fantasies (kriging believer), so concurrent suggestions differ. Each evaluation obeys
    /// ``OptimizerSettings/evaluationTimeout`` and ``OptimizerSettings/retries``.
    ///
    /// - Throws: ``HyperPowerError`` for invalid settings or constraints, or when no
    ///   configuration satisfies the known constraints. Objective errors are recorded, not thrown.
    public func run(budget: Budget, concurrency: Int = 1) async throws -> SearchResult {
        try budget.validate()
        try validate()
        guard concurrency >= 1 else { throw HyperPowerError.invalidSettings(reason: "concurrency must be ≥ 1, got \(concurrency)") }
        guard let objective else { throw HyperPowerError.invalidSettings(reason: "this optimiser has no objective; use ask() and tell()") }
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let limitSeconds = budget.wallClock.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        let timeout = settings.evaluationTimeout
        let retries = settings.retries
        var started = 0
        var reason = StopReason.evaluationBudget
        var exhausted = false

        return try await withThrowingTaskGroup(of: EvaluationRecord.self) { group in
            var inFlight = 0
            while true {
                // Fill the pipeline.
                while inFlight < concurrency && !exhausted {
                    if let limit = budget.evaluations, started >= limit { reason = .evaluationBudget; break }
                    if let limitSeconds, elapsed() >= limitSeconds { reason = .wallClockBudget; break }
                    if Task.isCancelled { reason = .cancelled; break }
                    let suggestion: Suggestion
                    do {
                        guard let next = try ask(studyLimit: budget.studyEvaluations) else {
                            reason = .evaluationBudget
                            exhausted = true
                            break
                        }
                        suggestion = next
                    } catch let error as HyperPowerError {
                        guard case let .searchSpaceExhausted(count) = error else { throw error }
                        logger.info("search space exhausted after \(count) configurations")
                        reason = .searchSpaceExhausted
                        exhausted = true
                        break
                    }
                    started += 1
                    inFlight += 1
                    let configuration = suggestion.configuration
                    group.addTask {
                        await Self.evaluate(objective, configuration, number: suggestion.number, timeout: timeout, retries: retries)
                    }
                }
                guard inFlight > 0, let record = try await group.next() else { break }
                inFlight -= 1
                switch record.result {
                case let .success(evaluation): try tell(record.number, evaluation, evaluationSeconds: record.seconds)
                case let .failure(failure): try tell(record.number, failure: failure.message, evaluationSeconds: record.seconds)
                }
            }
            if Task.isCancelled { reason = .cancelled }
            return SearchResult(trials: trials, stopReason: reason, wallClockSeconds: elapsed())
        }
    }

    /// The outcome of one evaluation, as a child task returns it.
    struct EvaluationRecord: Sendable {
        var number: Int
        var result: Result<Evaluation, EvaluationFailure>
        var seconds: Double
    }

    struct EvaluationFailure: Error, Sendable {
        var message: String
    }

    /// Runs the objective with a timeout (→ `.infeasible(reason: "timeout …")`) and retries
    /// thrown errors up to `retries` times (the last message is kept).
    static func evaluate(
        _ objective: @escaping @Sendable (Configuration) async throws -> Evaluation, _ configuration: Configuration,
        number: Int, timeout: Duration?, retries: Int
    ) async -> EvaluationRecord {
        let start = DispatchTime.now().uptimeNanoseconds
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        var lastMessage = ""
        for attempt in 0...retries {
            do {
                let evaluation: Evaluation
                if let timeout {
                    evaluation = try await withThrowingTaskGroup(of: Evaluation?.self) { race in
                        race.addTask { try await objective(configuration) }
                        race.addTask {
                            try await Task.sleep(for: timeout)
                            return nil
                        }
                        let first = try await race.next()!
                        race.cancelAll()
                        return first ?? .infeasible(reason: "timeout after \(timeout)")
                    }
                } else {
                    evaluation = try await objective(configuration)
                }
                return EvaluationRecord(number: number, result: .success(evaluation), seconds: seconds())
            } catch {
                lastMessage = String(describing: error)
                if attempt < retries { continue }
            }
        }
        let message = retries > 0 ? "\(lastMessage) (after \(retries + 1) attempts)" : lastMessage
        return EvaluationRecord(number: number, result: .failure(EvaluationFailure(message: message)), seconds: seconds())
    }

    /// Records the outcome of a suggestion.
    ///
    /// A success with a NaN or infinite objective is recorded as a failed trial.
    ///
    /// - Throws: ``HyperPowerError/unknownTrial(number:)`` for a number not pending.
    @discardableResult
    public func tell(_ number: Int, _ evaluation: Evaluation, evaluationSeconds: Double = 0) throws(HyperPowerError) -> Trial {
        guard let suggestion = pending[number] else { throw .unknownTrial(number: number) }
        let outcome: TrialOutcome
        let measurements: [String: Double]
        switch evaluation {
        case let .success(value, reported):
            outcome = value.isFinite ? .success(objective: value) : .failed(message: "objective returned \(value)")
            measurements = reported
        case let .infeasible(reason, reported):
            outcome = .infeasible(reason: reason)
            measurements = reported
        }
        return try record(suggestion, outcome: outcome, measurements: measurements, evaluationSeconds: evaluationSeconds)
    }

    /// Records that evaluating a suggestion threw `error` (kept as the trial's message).
    @discardableResult
    public func tell(_ number: Int, error: any Error, evaluationSeconds: Double = 0) throws(HyperPowerError) -> Trial {
        try tell(number, failure: String(describing: error), evaluationSeconds: evaluationSeconds)
    }

    func tell(_ number: Int, failure message: String, evaluationSeconds: Double) throws(HyperPowerError) -> Trial {
        guard let suggestion = pending[number] else { throw .unknownTrial(number: number) }
        return try record(suggestion, outcome: .failed(message: message), measurements: [:], evaluationSeconds: evaluationSeconds)
    }

    private func record(
        _ suggestion: Suggestion, outcome: TrialOutcome, measurements: [String: Double], evaluationSeconds: Double
    ) throws(HyperPowerError) -> Trial {
        if let journal {
            journal.lock()
            defer { journal.unlock() }
            try synchroniseWithJournal()
            let trial = recordLocally(suggestion, outcome: outcome, measurements: measurements, evaluationSeconds: evaluationSeconds)
            let event: JournalRecord.Event
            switch outcome {
            case .success: event = .completed
            case .infeasible: event = .infeasible
            case .failed: event = .failed
            }
            try appendToJournal(JournalRecord(event: event, trial: trial.number, result: trial))
            return trial
        }
        return recordLocally(suggestion, outcome: outcome, measurements: measurements, evaluationSeconds: evaluationSeconds)
    }

    private func recordLocally(
        _ suggestion: Suggestion, outcome: TrialOutcome, measurements: [String: Double], evaluationSeconds: Double
    ) -> Trial {
        let number = suggestion.number
        var predictions = suggestion.predictions
        if settings.knownConstraintsAsObserved {
            // The baseline learns known constraints from evaluations: compute them now.
            for constraint in constraints where constraint.isKnown {
                predictions[constraint.name] = constraint.prediction(for: suggestion.configuration)
            }
        }
        var violated: [String] = []
        for constraint in constraints {
            let value: Double? = measurements[constraint.name] ?? (constraint.isKnown ? predictions[constraint.name] : nil)
            if let value {
                if !constraint.isSatisfied(by: value) { violated.append(constraint.name) }
            } else if outcome.objective != nil {
                violated.append(constraint.name)  // an observed constraint that was not reported
            }
        }
        let trial = Trial(
            number: number, configuration: suggestion.configuration, outcome: outcome, predictions: predictions,
            measurements: measurements, violatedConstraints: violated,
            suggestionSeconds: pendingSuggestionSeconds[number] ?? 0, evaluationSeconds: evaluationSeconds)
        pending[number] = nil
        pendingPoints[number] = nil
        pendingSuggestionSeconds[number] = nil
        trials.append(trial)
        logTrial(trial)
        return trial
    }

    private func logTrial(_ trial: Trial) {
        let status: String
        switch trial.outcome {
        case let .success(objective): status = "objective \(Self.format(objective))"
        case let .infeasible(reason): status = "infeasible (\(reason))"
        case let .failed(message): status = "failed (\(message))"
        }
        let best = trials.filter(\.isFeasible).compactMap(\.outcome.objective).min()
        let violations = trial.violatedConstraints.isEmpty ? "" : ", violates \(trial.violatedConstraints.joined(separator: ", "))"
        let predicted = trial.predictions.keys.sorted().map { "\($0) \(Self.format(trial.predictions[$0]!))" }.joined(separator: ", ")
        logger.info("""
            trial \(trial.number): \(status)\(violations); best \(best.map(Self.format) ?? "none"); \
            \(predicted.isEmpty ? "" : "predicted \(predicted); ")\
            suggest \(Self.format(trial.suggestionSeconds * 1000)) ms, evaluate \(Self.format(trial.evaluationSeconds)) s \
            [\(trial.configuration)]
            """)
    }

    static func format(_ value: Double) -> String {
        let magnitude = abs(value)
        if value == 0 || (magnitude >= 1e-3 && magnitude < 1e5) {
            return String(Double((value * 1e4).rounded()) / 1e4)
        }
        return String(format: "%.3e", value)
    }
}

#if canImport(Foundation)
import Foundation
#endif
