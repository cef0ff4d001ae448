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
        if case let .suggestion(suggestion) = try await ask(orWaitWithin: studyLimit) { return suggestion }
        return nil
    }

    /// What an ask under a study limit found.
    public enum AskOutcome: Sendable {
        /// The next trial to evaluate.
        case suggestion(Suggestion)
        /// The limit is reached by completed trials and trials that other live workers hold:
        /// `waitingFor` of them may still be offered again if their worker dies (0: the study
        /// is done).
        case full(waitingFor: Int)
    }

    /// The ask of ``ask(studyLimit:)``, saying whether trials held by other workers still keep
    /// the study from its limit: a worker loop that wants the study finished whatever happens to
    /// the others waits a little (``StudyRunner/waitInterval(_:)``) and asks again while
    /// `waitingFor` > 0.
    public func ask(orWaitWithin studyLimit: Int?) async throws(HyperPowerError) -> AskOutcome {
        guard !isReadOnly else { throw .invalidSettings(reason: "a study opened with Study.load is read-only") }
        return try await exclusively { () throws(HyperPowerError) -> AskOutcome in
            let now = Date().timeIntervalSince1970
            if let number = self.reofferable(now: now).first {
                // Offered again under its number: this study takes the lease over.
                let lease = self.newLease(now: now)
                let orphan = self.pending[number]!
                try await self.storage.append([.asked(orphan.suggestion, process: getpid(), state: nil, lease: lease)])
                self.position += 1
                self.pending[number]!.lease = lease
                self.handedOut.insert(number)
                self.logger.info("trial \(number) offered again (\(orphan.lease.abandoned ? "given up" : "its lease expired"))")
                self.startHeartbeatIfNeeded()
                return .suggestion(orphan.suggestion)
            }
            if let studyLimit, self.trials.count + self.pending.count >= studyLimit {
                let others = self.pending.values.filter { $0.lease.worker != self.worker.id }.count
                return .full(waitingFor: studyLimit > self.trials.count ? others : 0)
            }
            return .suggestion(try await self.askSampler())
        }
    }

    /// Pending trials another worker may take over now, ascending. A trial whose worker is known
    /// gone (its process on this host no longer exists) waits the storage's
    /// ``StudyStorage/goneWorkerGrace`` from when this study first saw it gone: a database may
    /// still commit a statement the worker sent before it died.
    func reofferable(now: Double) -> [Int] {
        let grace = Self.seconds(storage.goneWorkerGrace)
        return pending.keys.sorted().filter { number in
            let lease = pending[number]!.lease
            switch lease.state(now: now, observer: worker) {
            case .held: return false
            case .expired: return true
            case .holderGone:
                guard grace > 0, let holder = lease.worker else { return true }
                let since = goneSince[holder] ?? now
                goneSince[holder] = since
                return now - since >= grace
            }
        }
    }

    /// A lease held by this study from `now`.
    func newLease(now: Double) -> TrialLease {
        TrialLease(worker: worker.id, process: getpid(), renewedAt: now, seconds: Self.seconds(leaseDuration))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Renews this study's leases every third of ``leaseDuration`` while it holds pending trials.
    func startHeartbeatIfNeeded() {
        guard heartbeatTask == nil, !heartbeatSuspended else { return }
        let interval = leaseDuration / 3
        heartbeatTask = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, !Task.isCancelled else { return }
                guard await self.heartbeat() else { return }
            }
        }
    }

    /// Tests: stops renewing leases, as a worker that hangs.
    func suspendHeartbeat() {
        heartbeatSuspended = true
        heartbeatTask?.cancel()
        heartbeatTask = nil
    }

    /// Writes one heartbeat for the trials this study holds; `false` (and the heartbeat stops)
    /// when it holds none.
    func heartbeat() async -> Bool {
        func held() -> [Int] {
            pending.filter { $0.value.lease.worker == worker.id && !$0.value.lease.abandoned }.keys.sorted()
        }
        guard !held().isEmpty else {
            heartbeatTask = nil
            return false
        }
        do {
            try await exclusively { () throws(HyperPowerError) in
                let numbers = held()
                guard !numbers.isEmpty else { return }
                let now = Date().timeIntervalSince1970
                try await self.storage.append([
                    .heartbeat(worker: self.worker.id, trials: numbers, time: now, lease: Self.seconds(self.leaseDuration)),
                ])
                self.position += 1
                for number in numbers { self.pending[number]?.lease.renewedAt = now }
            }
        } catch {
            logger.warning("could not renew the leases of trials \(held()): \(error)")
        }
        return true
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
                var context = SamplingContext(
                    space: space, constraints: constraints, objectives: objectives, region: region, trials: trials,
                    pending: pendingConfigurations, number: number, seed: seed, profiles: profiles + newProfiles)
                context.encodedTrials = encodedTrialPoints()
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
            number: number, configuration: configuration, predictions: predictions(for: configuration), source: source,
            predictionIntervals: intervals)
        let lease = newLease(now: Date().timeIntervalSince1970)
        do throws(HyperPowerError) {
            let state = source == .enqueued ? nil : try sampler.state()
            try await storage.append(
                newProfiles.map(StudyRecord.profiled) + [.asked(suggestion, process: getpid(), state: state, lease: lease)])
        } catch {
            sampler = savedSampler
            queue = savedQueue
            throw error
        }
        profiles += newProfiles
        position += newProfiles.count + 1
        nextNumber += 1
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        pending[number] = PendingTrial(suggestion: suggestion, suggestionSeconds: seconds, lease: lease)
        handedOut.insert(number)
        startHeartbeatIfNeeded()
        return suggestion
    }

    /// The canonical points of the trials' configurations, encoding only trials added since the
    /// last call (a suggestion among thousands of trials must not encode them all again).
    func encodedTrialPoints() -> [[Double]] {
        if trialPoints.count > trials.count { trialPoints = (0, []) }  // not expected: trials only grow
        for trial in trials[trialPoints.count...] {
            if let point = try? space.encode(trial.configuration) { trialPoints.points.append(point) }
        }
        trialPoints.count = trials.count
        return trialPoints.points
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
                guard value.isFinite else {
                    logger.warning("profiling '\(constraint.name)' of \(proposal.configuration) measured \(value); not profiled")
                    continue
                }
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
    /// A success with a NaN or infinite objective is recorded as a failed trial; NaN or
    /// infinite measurements are left out (logged). Further objectives (after the first) are
    /// read from the measurements under their names.
    ///
    /// A trial this study handed out but another worker completed meanwhile (its lease had
    /// expired and it was offered again) is recorded as a late result (``lateResults``): kept,
    /// not counted twice.
    ///
    /// - Throws: ``HyperPowerError/unknownTrial(number:)`` for a number neither pending nor
    ///   handed out by this study; storage errors (nothing is recorded, the trial stays pending,
    ///   and the same `tell` can be tried again).
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
        // A NaN or infinite measurement (a diverged run's metric) is not recorded: JSON has no
        // such number, so a journal could not keep the trial at all. The trial keeps the rest;
        // an observed constraint measured that way counts as not reported (broken).
        let finite = measurements.filter { $0.value.isFinite }
        if finite.count < measurements.count {
            let dropped = measurements.filter { !$0.value.isFinite }.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }
            logger.warning("trial \(number) measured \(dropped.joined(separator: ", ")): not a finite number, not recorded")
        }
        return try await record(number, outcome: outcome, measurements: finite, evaluationSeconds: evaluationSeconds)
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
        // A duration that is not a finite non-negative number (a clock read wrong) is recorded as
        // 0: the journal could not keep it, and every retry of the same tell would fail alike.
        let seconds = evaluationSeconds.isFinite && evaluationSeconds >= 0 ? evaluationSeconds : 0
        return try await recordOutcome(number, outcome: outcome, measurements: measurements, evaluationSeconds: seconds).trial
    }

    /// Records an outcome; `late` when another worker had completed the trial already.
    func recordOutcome(
        _ number: Int, outcome: TrialOutcome, measurements: [String: Double], evaluationSeconds: Double
    ) async throws(HyperPowerError) -> (trial: Trial, late: Bool) {
        guard !isReadOnly else { throw .invalidSettings(reason: "a study opened with Study.load is read-only") }
        // Published when this study surely still holds the trial (its lease less than half
        // spent: heartbeats renew it every third); otherwise another worker may have taken it
        // over, and the outcome is told after reading what the others did.
        if opened, let entry = pending[number], entry.lease.worker == worker.id, !entry.lease.abandoned,
           let renewed = entry.lease.renewedAt, let seconds = entry.lease.seconds,
           Date().timeIntervalSince1970 < renewed + seconds / 2 {
            return try await publishOutcome(entry, outcome: outcome, measurements: measurements, evaluationSeconds: evaluationSeconds)
        }
        return try await exclusively { () throws(HyperPowerError) -> (trial: Trial, late: Bool) in
            guard let entry = self.pending[number] else {
                guard self.handedOut.contains(number), let first = self.countedTrial(number) else {
                    throw .unknownTrial(number: number)
                }
                // This study's own outcome, committed by a server whose answer was lost: done.
                if self.uncertainTells.contains(number), first.outcome == outcome, first.measurements == measurements {
                    self.uncertainTells.remove(number)
                    self.uncertainOutcomeIDs[number] = nil
                    self.handedOut.remove(number)
                    return (first, false)
                }
                // Another worker completed it after this study's lease expired: keep the result.
                let entry = PendingTrial(
                    suggestion: Suggestion(number: number, configuration: first.configuration, predictions: first.predictions,
                                           source: .model, predictionIntervals: nil),
                    suggestionSeconds: 0, lease: self.newLease(now: 0))
                let trial = self.makeTrial(entry, outcome: outcome, measurements: measurements, evaluationSeconds: evaluationSeconds)
                try await self.storage.append([.outcome(trial, id: Self.newRecordID())])
                self.position += 1
                self.handedOut.remove(number)
                self.lateResults.append(trial)
                self.logger.info("trial \(number): a late result (another worker completed it first); kept, not counted")
                return (trial, true)
            }
            let trial = self.makeTrial(entry, outcome: outcome, measurements: measurements, evaluationSeconds: evaluationSeconds)
            let id = self.uncertainOutcomeIDs[number] ?? Self.newRecordID()
            do throws(HyperPowerError) { try await self.storage.append([.outcome(trial, id: id)]) } catch {
                // The server may have committed it before the connection was lost.
                if case .storageUnavailable = error {
                    self.uncertainTells.insert(number)
                    self.uncertainOutcomeIDs[number] = id
                }
                throw error
            }
            self.position += 1
            self.pending[number] = nil
            self.handedOut.remove(number)
            self.uncertainOutcomeIDs[number] = nil
            self.count(trial, id: id)
            TrialLog.log(trial, best: self.best, logger: self.logger)
            return (trial, false)
        }
    }

    /// Records the outcome of a trial this study knows pending without taking the storage's
    /// exclusive access (``StudyStorage/publish(_:)``): an outcome decides nothing, so a worker
    /// never waits for its turn to tell. It is applied first (an ask that reads it back while
    /// the append runs finds it applied) and undone if the append fails. If another worker's
    /// outcome for the same trial turns out to come first in the storage (this study's lease had
    /// expired), the replay keeps that one and this one becomes a late result.
    private func publishOutcome(
        _ entry: PendingTrial, outcome: TrialOutcome, measurements: [String: Double], evaluationSeconds: Double
    ) async throws(HyperPowerError) -> (trial: Trial, late: Bool) {
        let number = entry.suggestion.number
        let trial = makeTrial(entry, outcome: outcome, measurements: measurements, evaluationSeconds: evaluationSeconds)
        let id = uncertainOutcomeIDs[number] ?? Self.newRecordID()
        pending[number] = nil
        count(trial, id: id)
        unreadOutcomes.insert(id)
        do throws(HyperPowerError) {
            try await storage.publish([.outcome(trial, id: id)])
        } catch {
            unreadOutcomes.remove(id)
            if outcomeIDs[number] == id, let index = trialIndex[number] {
                trials.remove(at: index)
                trialIndex = Dictionary(uniqueKeysWithValues: trials.enumerated().map { ($1.number, $0) })
                trialPoints = (0, [])
                outcomeIDs[number] = nil
                pending[number] = entry
            } else if let late = lateResults.lastIndex(of: trial) {
                lateResults.remove(at: late)  // another worker's outcome was read meanwhile and counts
            }
            // The server may have committed it before the connection was lost: a retry reuses the id.
            if case .storageUnavailable = error {
                uncertainTells.insert(number)
                uncertainOutcomeIDs[number] = id
            }
            throw error
        }
        uncertainOutcomeIDs[number] = nil
        handedOut.remove(number)
        let late = outcomeIDs[number] != id
        if !late { TrialLog.log(trial, best: best, logger: logger) }
        return (trial, late)
    }

    /// A new id for an outcome record.
    static func newRecordID() -> String { UUID().uuidString }

    /// The known constraints' predictions for a configuration, and the known objectives' under
    /// their names (a constraint of the same name keeps its own). A predictor that failed or
    /// answered NaN or ±∞ (possible for an enqueued configuration, which no gate tested) gives
    /// no prediction: the journal keeps finite numbers only, and a known constraint without one
    /// counts as broken.
    func predictions(for configuration: Configuration) -> [String: Double] {
        var predictions = region.predictions(for: configuration).filter { $0.value.isFinite }
        for objective in objectives where objective.isKnown && predictions[objective.name] == nil {
            if let value = objective.prediction(for: configuration) { predictions[objective.name] = value }
        }
        return predictions
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
            for further in objectives.dropFirst() {
                // A known objective's value is its prediction (a missing one: not reported).
                objectiveValues[further.name] = further.isKnown ? suggestion.predictions[further.name] : measurements[further.name]
            }
            // A front needs every objective: say so when one is missing (a trainer that forgot to
            // report it would otherwise see an empty front and no reason).
            for objective in objectives.dropFirst() where !(objectiveValues[objective.name]?.isFinite ?? false) {
                logger.warning("""
                    trial \(suggestion.number) has no finite value for the objective '\(objective.name)' \
                    (\(objective.isKnown ? "its predictor's answer" : "report it among the measurements")): \
                    the trial is left out of the Pareto front
                    """)
            }
        }
        return Trial(
            number: suggestion.number, configuration: suggestion.configuration, outcome: outcome,
            predictions: suggestion.predictions, measurements: measurements, violatedConstraints: violated,
            suggestionSeconds: entry.suggestionSeconds, evaluationSeconds: evaluationSeconds,
            objectiveValues: objectiveValues, predictionIntervals: suggestion.predictionIntervals ?? [:], completedAt: Date())
    }
}

extension Study {
    /// Gives a pending trial up without an outcome (its evaluation was cancelled): the next ask
    /// of any worker sharing the storage offers it again, under its number. The record is
    /// written at once; if it cannot be, this study still offers the trial again itself, and
    /// other workers take it over when its lease expires.
    public func abandon(_ number: Int) async {
        guard let entry = pending[number], entry.lease.worker == worker.id || entry.lease.worker == nil,
              !entry.lease.abandoned else { return }
        do {
            try await exclusively { () throws(HyperPowerError) in
                guard self.pending[number]?.lease.worker == self.worker.id else { return }
                try await self.storage.append([.abandoned(number, worker: self.worker.id, time: Date().timeIntervalSince1970)])
                self.position += 1
                self.pending[number]?.lease.abandoned = true
            }
        } catch {
            logger.warning("could not record that trial \(number) was given up (\(error)); it is offered again here")
            pending[number]?.lease.abandoned = true
        }
        handedOut.remove(number)
    }
}
