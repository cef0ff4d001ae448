import Dispatch
import Logging
import Synchronization

/// Evaluates a study's suggestions until a budget is spent: the run loop of every optimiser.
///
/// Each evaluation runs on a thread of its own (a task executor of its own): an objective that blocks
/// its thread — synchronous training code — neither stalls the other evaluations nor outlives
/// its timeout, however few cores the machine has. With `concurrency` k > 1, k evaluations are
/// in flight; the study's sampler sees them as pending. A failed evaluation is recorded, never
/// thrown; a run that is cancelled (Ctrl-C) stops asking, and evaluations that were cut short
/// by the cancellation are left pending, to be offered again, not recorded as failures.
public struct StudyRunner: Sendable {
    /// The study whose suggestions are evaluated.
    public let study: Study
    /// The user's objective.
    public let objective: @Sendable (Configuration) async throws -> Evaluation
    /// An evaluation running longer is recorded as `.infeasible(reason: "timeout …")` and the run
    /// goes on (the objective's task is cancelled; its thread runs until the objective returns).
    public var evaluationTimeout: Duration?
    /// Times a thrown error is retried before the trial is recorded as failed.
    public var retries: Int
    /// Called after every recorded trial (progress bars, dashboards, early stopping).
    public var onTrialCompleted: (@Sendable (Trial) -> Void)?

    /// A runner of `objective` over `study`'s suggestions.
    public init(
        study: Study, evaluationTimeout: Duration? = nil, retries: Int = 0,
        onTrialCompleted: (@Sendable (Trial) -> Void)? = nil,
        objective: @escaping @Sendable (Configuration) async throws -> Evaluation
    ) {
        self.study = study
        self.objective = objective
        self.evaluationTimeout = evaluationTimeout
        self.retries = retries
        self.onTrialCompleted = onTrialCompleted
    }

    /// Evaluates suggestions until the budget is spent, the space is exhausted or the task is
    /// cancelled.
    ///
    /// - Throws: ``HyperPowerError`` for an invalid budget, settings or constraints, a storage
    ///   that cannot be written, or when no configuration satisfies the known constraints.
    public func run(budget: Budget, concurrency: Int = 1) async throws -> SearchResult {
        try budget.validate()
        guard concurrency >= 1 else { throw HyperPowerError.invalidSettings(reason: "concurrency must be ≥ 1, got \(concurrency)") }
        if retries < 0 { throw HyperPowerError.invalidSettings(reason: "retries must be ≥ 0, got \(retries)") }
        if let timeout = evaluationTimeout, timeout <= .zero { throw HyperPowerError.invalidSettings(reason: "evaluationTimeout must be positive") }
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let limitSeconds = budget.wallClock.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        let (objective, timeout, retries) = (self.objective, evaluationTimeout, self.retries)
        var started = 0
        var reason = StopReason.evaluationBudget
        var exhausted = false

        return try await withThrowingTaskGroup(of: EvaluationRecord.self) { group in
            var inFlight = 0
            while true {
                asking: while inFlight < concurrency && !exhausted {
                    if let limit = budget.evaluations, started >= limit { reason = .evaluationBudget; break }
                    if let limitSeconds, elapsed() >= limitSeconds { reason = .wallClockBudget; break }
                    if Task.isCancelled { reason = .cancelled; break }
                    let suggestion: Suggestion
                    do {
                        let studyLimit = budget.studyEvaluations
                        let outcome = try await Self.retryingUnavailable(study) { () throws(HyperPowerError) in
                            try await study.ask(orWaitWithin: studyLimit)
                        }
                        switch outcome {
                        case let .suggestion(next):
                            suggestion = next
                        case let .full(waitingFor):
                            // Other workers hold the study's last trials: wait while they run, and
                            // take over any whose worker dies (its lease expires), unless this run
                            // has evaluations of its own to finish first.
                            guard waitingFor > 0 else {
                                reason = .evaluationBudget
                                exhausted = true
                                break asking
                            }
                            if inFlight > 0 { break asking }
                            try? await Task.sleep(for: Self.waitInterval(study.leaseDuration))
                            continue asking
                        }
                    } catch let error as HyperPowerError {
                        guard case let .searchSpaceExhausted(count) = error else { throw error }
                        study.logger.info("search space exhausted after \(count) configurations")
                        reason = .searchSpaceExhausted
                        exhausted = true
                        break
                    }
                    started += 1
                    inFlight += 1
                    group.addTask {
                        await Self.evaluate(objective, suggestion.configuration, number: suggestion.number,
                                            timeout: timeout, retries: retries)
                    }
                }
                guard inFlight > 0, let record = try await group.next() else { break }
                inFlight -= 1
                let trial: Trial
                switch record.result {
                case let .success(evaluation):
                    trial = try await Self.retryingUnavailable(study) { () throws(HyperPowerError) in
                        try await study.tell(record.number, evaluation, evaluationSeconds: record.seconds)
                    }
                case .failure(.cancelled):
                    await study.abandon(record.number)
                    continue
                case let .failure(.failed(message)):
                    trial = try await Self.retryingUnavailable(study) { () throws(HyperPowerError) in
                        try await study.tell(record.number, failure: message, evaluationSeconds: record.seconds)
                    }
                }
                if await study.lateResults.last.map({ $0 == trial }) ?? false { continue }  // counted once, elsewhere
                onTrialCompleted?(trial)
            }
            if Task.isCancelled { reason = .cancelled }
            return SearchResult(trials: await study.trials, stopReason: reason, wallClockSeconds: elapsed(),
                                objective: study.objective, profiles: await study.profiles, objectives: study.objectives)
        }
    }

    /// How long a run keeps retrying a storage that cannot be reached before it gives up.
    public static let storageRetryLimit: Double = 300

    /// Runs `body`, retrying ``HyperPowerError/storageUnavailable(reason:)`` (a database server
    /// that restarts) with exponential back-off, 0.1 s to 5 s, for up to ``storageRetryLimit``
    /// seconds; nothing was changed when it is thrown, so a retry is safe.
    public static func retryingUnavailable<T: Sendable>(
        _ study: Study, _ body: () async throws(HyperPowerError) -> T
    ) async throws(HyperPowerError) -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        var delay = 0.1
        while true {
            do throws(HyperPowerError) { return try await body() } catch {
                guard case let .storageUnavailable(reason) = error,
                      Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < storageRetryLimit, !Task.isCancelled else {
                    throw error
                }
                study.logger.warning("\(reason); retrying in \((delay * 10).rounded() / 10) s")
                try? await Task.sleep(for: .seconds(delay))
                delay = min(delay * 2, 5)
            }
        }
    }

    /// How long a run waits before looking again at trials other workers hold: a tenth of
    /// the lease, between 50 ms and 1 s.
    public static func waitInterval(_ lease: Duration) -> Duration {
        min(max(lease / 10, .milliseconds(50)), .seconds(1))
    }

    /// The outcome of one evaluation, as a child task returns it.
    struct EvaluationRecord: Sendable {
        var number: Int
        var result: Result<Evaluation, EvaluationFailure>
        var seconds: Double
    }

    enum EvaluationFailure: Error, Sendable {
        /// The objective threw (after its retries); the message is kept.
        case failed(String)
        /// The run was cancelled while the objective ran: nothing is known of the configuration.
        case cancelled
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
            if Task.isCancelled { return EvaluationRecord(number: number, result: .failure(.cancelled), seconds: seconds()) }
            do {
                let evaluation = try await Self.attempt(objective, configuration, timeout: timeout)
                return EvaluationRecord(number: number, result: .success(evaluation), seconds: seconds())
            } catch {
                if Task.isCancelled { return EvaluationRecord(number: number, result: .failure(.cancelled), seconds: seconds()) }
                lastMessage = String(describing: error)
                if attempt < retries { continue }
            }
        }
        let message = retries > 0 ? "\(lastMessage) (after \(retries + 1) attempts)" : lastMessage
        return EvaluationRecord(number: number, result: .failure(.failed(message)), seconds: seconds())
    }

    /// One call of the objective on a thread of its own, abandoned (and cancelled) at the
    /// timeout or when the caller is cancelled.
    static func attempt(
        _ objective: @escaping @Sendable (Configuration) async throws -> Evaluation, _ configuration: Configuration,
        timeout: Duration?
    ) async throws -> Evaluation {
        let executor = ThreadExecutor(name: "hyperpower-evaluation")
        let task = Task(executorPreference: executor) { try await objective(configuration) }
        // The thread ends when the objective returns, even one abandoned at its timeout.
        Task.detached {
            _ = await task.result
            executor.shutdown()
        }
        let outcome = FirstResult()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Evaluation, any Error>) in
                outcome.set(continuation)
                Task.detached {
                    let result = await task.result
                    outcome.finish(result)
                }
                if let timeout {
                    Task.detached {
                        try? await Task.sleep(for: timeout)
                        outcome.finish(.success(.infeasible(reason: "timeout after \(timeout)")))
                        task.cancel()
                    }
                }
            }
        } onCancel: {
            task.cancel()
            outcome.finish(.failure(CancellationError()))
        }
    }
}

/// A continuation resumed by whichever result comes first (the objective, its timeout, a
/// cancellation); later ones are dropped.
private final class FirstResult: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Evaluation, any Error>?, early: Result<Evaluation, any Error>?)>((nil, nil))

    func set(_ continuation: CheckedContinuation<Evaluation, any Error>) {
        let early = state.withLock { state -> Result<Evaluation, any Error>? in
            if let early = state.early { return early }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func finish(_ result: Result<Evaluation, any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<Evaluation, any Error>? in
            if state.early != nil { return nil }
            state.early = result
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(with: result)
    }
}
