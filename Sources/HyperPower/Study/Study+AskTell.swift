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
        var newProfiles: [Profile] = []
        var intervals: [String: PredictionInterval]?
        let configuration: Configuration
        let source: SuggestionSource
        if !queue.isEmpty {
            configuration = queue.removeFirst()
            source = .enqueued
        } else {
            let pendingConfigurations = pending.keys.sorted().map { pending[$0]!.suggestion.configuration }
            // Proposals the sampler is unsure of are profiled first; one that breaks a bound
            // is recorded as a profile, and the sampler is asked again.
            var proposal: SamplerProposal
            repeat {
                let context = SamplingContext(
                    space: space, constraints: constraints, objectives: objectives, region: region, trials: trials,
                    pending: pendingConfigurations, number: number, seed: seed, profiles: profiles + newProfiles)
                do throws(HyperPowerError) { proposal = try sampler.suggest(context) } catch {
                    sampler = savedSampler
                    throw error
                }
                guard let profile = await profileIfUnsure(proposal, taken: newProfiles.count) else { break }
                newProfiles.append(profile)
                if profile.violatedConstraints.isEmpty { break }
            } while true
            (configuration, source) = (proposal.configuration, proposal.source)
            intervals = proposal.predictionIntervals.isEmpty ? nil : proposal.predictionIntervals
        }
        let suggestion = Suggestion(
            number: number, configuration: configuration, predictions: region.predictions(for: configuration), source: source,
            predictionIntervals: intervals)
        do throws(HyperPowerError) {
            let state = source == .enqueued ? nil : try sampler.state()
            try await storage.append(newProfiles.map(StudyRecord.profiled) + [.asked(suggestion, process: getpid(), state: state)])
        } catch {
            sampler = savedSampler
            queue = savedQueue
            throw error
        }
        profiles += newProfiles
        position += newProfiles.count + 1
        nextNumber += 1
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        pending[number] = PendingTrial(suggestion: suggestion, suggestionSeconds: seconds)
        return suggestion
    }

    /// Profiles a proposal with the profilers of the calibrated constraints it names, unless
    /// `taken` profiles already reached their limit; `nil` when nothing was profiled (no
    /// profiler named, the limit reached, or every profiler failed — logged).
    private func profileIfUnsure(_ proposal: SamplerProposal, taken: Int) async -> Profile? {
        let named = constraints.filter { constraint in
            proposal.profile.contains(constraint.name) && constraint.calibration?.profiler != nil
        }
        guard !named.isEmpty, taken < named.map({ $0.calibration!.maximumProfilesPerAsk }).min()! else { return nil }
        var measurements: [String: Double] = [:]
        var violated: [String] = []
        for constraint in named {
            let calibration = constraint.calibration!
            do {
                let value = try await calibration.profiler!(proposal.configuration)
                measurements[calibration.measurement] = value
                if !constraint.isSatisfied(by: value) { violated.append(constraint.name) }
            } catch {
                logger.warning("profiling '\(constraint.name)' of \(proposal.configuration) failed: \(error); not profiled")
            }
        }
        guard !measurements.isEmpty else { return nil }
        if !violated.isEmpty {
            logger.info("profiled \(proposal.configuration): breaks \(violated.joined(separator: ", ")); not trained")
        }
        return Profile(configuration: proposal.configuration, predictions: region.predictions(for: proposal.configuration),
                       measurements: measurements, violatedConstraints: violated)
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
            objectiveValues: objectiveValues, predictionIntervals: suggestion.predictionIntervals ?? [:], completedAt: Date())
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
