import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Study {
    /// The next configuration to evaluate; pass its number back to ``tell(_:_:evaluationSeconds:)``.
    ///
    /// Order: a trial whose process died (offered again under its number), enqueued
    /// configurations, then the sampler's choice. Every suggestion except an enqueued one
    /// satisfies the known constraints, and none repeats an evaluated or pending configuration.
    ///
    /// - Throws: ``HyperPowerError/knownFeasibleRegionEmpty(details:)`` saying which known
    ///   constraint rejects what; ``HyperPowerError/searchSpaceExhausted(configurations:)``;
    ///   invalid constraints; storage errors (nothing is recorded then).
    public func ask() async throws(HyperPowerError) -> Suggestion {
        // Without a study limit a suggestion always comes back.
        try await ask(studyLimit: nil)!
    }

    /// ``ask()``, or `nil` when the study (every run and process sharing its storage) already
    /// has `studyLimit` trials completed or in flight — checked under the storage's exclusive
    /// access, so processes sharing it never overshoot together.
    public func ask(studyLimit: Int?) async throws(HyperPowerError) -> Suggestion? {
        guard !isReadOnly else { throw .invalidSettings(reason: "a study opened with Study.load is read-only") }
        return try await exclusively { () throws(HyperPowerError) -> Suggestion? in
            if let studyLimit, self.orphans.isEmpty, self.trials.count + self.pending.count >= studyLimit { return nil }
            while let number = self.orphans.first {
                self.orphans.removeFirst()
                guard let orphan = self.pending[number] else { continue }
                try await self.storage.append([.asked(orphan.suggestion, process: getpid(), state: nil)])
                self.position += 1
                return orphan.suggestion
            }
            return try await self.askSampler()
        }
    }

    /// Asks the sampler (or takes the queue) and records the suggestion; if the record cannot
    /// be written, the sampler and the queue are left as they were.
    private func askSampler() async throws(HyperPowerError) -> Suggestion {
        let start = DispatchTime.now().uptimeNanoseconds
        let number = nextNumber
        // A queued configuration that another process has evaluated since is dropped.
        while let first = queue.first, let trial = trialHolding(first) {
            logger.warning("dropped from the queue: \(first) is \(trial)")
            queue.removeFirst()
        }
        if let cardinality = space.cardinality, trials.count + pending.count >= cardinality, queue.isEmpty {
            throw .searchSpaceExhausted(configurations: cardinality)
        }
        let savedSampler = sampler
        let savedQueue = queue
        let configuration: Configuration
        let source: SuggestionSource
        if !queue.isEmpty {
            configuration = queue.removeFirst()
            source = .enqueued
        } else {
            let context = SamplingContext(
                space: space, constraints: constraints, objectives: objectives, region: region, trials: trials,
                pending: pending.keys.sorted().map { pending[$0]!.suggestion.configuration }, number: number, seed: seed)
            let proposal = try sampler.suggest(context)
            (configuration, source) = (proposal.configuration, proposal.source)
        }
        let suggestion = Suggestion(
            number: number, configuration: configuration, predictions: region.predictions(for: configuration), source: source)
        do throws(HyperPowerError) {
            let state = source == .enqueued ? nil : try sampler.state()
            try await storage.append([.asked(suggestion, process: getpid(), state: state)])
        } catch {
            sampler = savedSampler
            queue = savedQueue
            throw error
        }
        position += 1
        nextNumber += 1
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        pending[number] = PendingTrial(suggestion: suggestion, suggestionSeconds: seconds)
        return suggestion
    }

    /// Records the outcome of a suggestion.
    ///
    /// A success with a NaN or infinite objective is recorded as a failed trial. Further
    /// objectives (after the first) are read from the measurements under their names.
    ///
    /// - Throws: ``HyperPowerError/unknownTrial(number:)`` for a number not pending; storage
    ///   errors (the trial then stays pending, and the same `tell` can be tried again).
    @discardableResult
    public func tell(_ number: Int, _ evaluation: Evaluation, evaluationSeconds: Double = 0) async throws(HyperPowerError) -> Trial {
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
        return try await record(number, outcome: outcome, measurements: measurements, evaluationSeconds: evaluationSeconds)
    }

    /// Records that evaluating a suggestion threw `error` (kept as the trial's message).
    @discardableResult
    public func tell(_ number: Int, error: any Error, evaluationSeconds: Double = 0) async throws(HyperPowerError) -> Trial {
        try await tell(number, failure: String(describing: error), evaluationSeconds: evaluationSeconds)
    }

    /// Records a failed evaluation with its message.
    @discardableResult
    public func tell(_ number: Int, failure message: String, evaluationSeconds: Double = 0) async throws(HyperPowerError) -> Trial {
        try await record(number, outcome: .failed(message: message), measurements: [:], evaluationSeconds: evaluationSeconds)
    }

    private func record(
        _ number: Int, outcome: TrialOutcome, measurements: [String: Double], evaluationSeconds: Double
    ) async throws(HyperPowerError) -> Trial {
        guard !isReadOnly else { throw .invalidSettings(reason: "a study opened with Study.load is read-only") }
        return try await exclusively { () throws(HyperPowerError) -> Trial in
            guard let entry = self.pending[number] else { throw .unknownTrial(number: number) }
            let trial = self.makeTrial(entry, outcome: outcome, measurements: measurements, evaluationSeconds: evaluationSeconds)
            try await self.storage.append([.outcome(trial)])
            self.position += 1
            self.pending[number] = nil
            self.trials.append(trial)
            TrialLog.log(trial, best: self.best, logger: self.logger)
            return trial
        }
    }

    func makeTrial(
        _ entry: PendingTrial, outcome: TrialOutcome, measurements: [String: Double], evaluationSeconds: Double
    ) -> Trial {
        let suggestion = entry.suggestion
        var violated: [String] = []
        for constraint in constraints {
            let value: Double? = measurements[constraint.measurementKey] ?? measurements[constraint.name] ?? (constraint.isKnown ? suggestion.predictions[constraint.name] : nil)
            if let value {
                if !constraint.isSatisfied(by: value) { violated.append(constraint.name) }
            } else if outcome.objective != nil {
                violated.append(constraint.name)  // an observed constraint that was not reported
            }
        }
        var objectiveValues: [String: Double] = [:]
        if let primary = outcome.objective {
            objectiveValues[objectives[0].name] = primary
            for further in objectives.dropFirst() { objectiveValues[further.name] = measurements[further.name] }
        }
        return Trial(
            number: suggestion.number, configuration: suggestion.configuration, outcome: outcome,
            predictions: suggestion.predictions, measurements: measurements, violatedConstraints: violated,
            suggestionSeconds: entry.suggestionSeconds, evaluationSeconds: evaluationSeconds,
            objectiveValues: objectiveValues)
    }
}

extension Study {
    /// Gives a pending trial up without an outcome (its evaluation was cancelled): the next
    /// ask offers it again, under its number.
    public func abandon(_ number: Int) {
        guard pending[number] != nil, !orphans.contains(number) else { return }
        orphans.append(number)
    }
}
