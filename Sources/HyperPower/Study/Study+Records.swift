import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

extension Study {
    /// Opens a stored study for reading: its trials, pending trials and header, with no
    /// sampler and no predictors (known constraints keep their names, bounds and directions;
    /// ask and tell are refused). `hyperpower report` reads journals this way.
    ///
    /// - Throws: ``HyperPowerError/storage(reason:)`` when the storage holds no study or a
    ///   record cannot be read.
    public static func load(from storage: any StudyStorage, logger: Logger = Logger(label: "hyperpower")) async throws(HyperPowerError) -> Study {
        let records = try await storage.records(after: 0)
        guard !records.isEmpty else { throw .storage(reason: "\(storage.location) holds no study (no records)") }
        guard let first = records.first, first.event == .header, let header = first.header else {
            throw .storage(reason: "\(storage.location) does not start with a study header")
        }
        let constraints = header.normalizedConstraints.map { summary in
            Constraint(
                name: summary.name, bound: summary.bound, direction: summary.direction,
                kind: summary.known ? .known(predictor: { _ in throw HyperPowerError.storage(reason: "a loaded study has no predictors") })
                    : .observed)
        }
        let study = Study(
            space: header.space, constraints: constraints, objectives: header.objectiveDeclarations,
            sampler: RecordedSampler(name: header.strategy), storage: storage, seed: header.seed, logger: logger,
            readOnly: true)
        await study.applyLoaded(records, header: header)
        return study
    }

    /// Applies what other processes appended since the last look (a study opened with
    /// ``load(from:logger:)`` that a dashboard keeps up to date). Takes no lock: it only reads.
    ///
    /// - Returns: whether anything new was applied.
    @discardableResult
    public func refresh() async throws(HyperPowerError) -> Bool {
        guard opened else { throw .invalidSettings(reason: "refresh() is for a study opened with Study.load") }
        let records = try await storage.records(after: position)
        guard !records.isEmpty else { return false }
        replay(records[...], restoreSampler: false)
        position += records.count
        return true
    }

    /// Records study-level values (user attributes, or what a tool measured once: the share of
    /// the search space the known constraints admit, say); a key set again takes the new value.
    /// They are kept in the storage and read back by ``attributes``.
    public func setAttributes(_ values: [String: JSONValue]) async throws(HyperPowerError) {
        guard !isReadOnly else { throw .invalidSettings(reason: "a study opened with Study.load is read-only") }
        guard !values.isEmpty else { return }
        try await exclusively { () throws(HyperPowerError) in
            try await self.storage.append([.attributes(values)])
            self.position += 1
            self.attributes.merge(values) { _, new in new }
        }
    }

    /// The attribute key under which ``recordAdmittedShares(samples:)`` keeps the shares.
    public static let admittedSharesAttribute = "knownFeasibleShare"

    /// Estimates the share of the search space the known constraints admit (all together and
    /// each alone; ``KnownFeasibleRegion/admittedShares(samples:)``) and records it as the
    /// attribute ``admittedSharesAttribute``: `{"all": s, "byConstraint": {name: s}}`, read by
    /// the report and the dashboard, which have no predictors. Nothing is recorded without a
    /// known constraint.
    public func recordAdmittedShares(samples: Int = 4_096) async throws(HyperPowerError) {
        guard region.hasBoundary else { return }
        let shares = region.admittedShares(samples: samples)
        try await setAttributes([Self.admittedSharesAttribute: .object([
            "all": .number(shares.all), "samples": .integer(Int64(samples)),
            "byConstraint": .object(shares.byConstraint.mapValues { .number($0) }),
        ])])
    }

    func applyLoaded(_ records: [StudyRecord], header: StudyHeader) {
        self.header = header
        replay(records.dropFirst(), restoreSampler: false)
        position = records.count
        opened = true
    }

    /// Opens the study on first use (writing its header, or checking it and replaying the
    /// records), then applies records that other studies appended since the last look.
    /// Must hold the storage's exclusive access.
    func synchronise() async throws(HyperPowerError) {
        let records = try await storage.records(after: position)
        if opened {
            replay(records[...], restoreSampler: true)
            position += records.count
            return
        }
        guard let first = records.first else {
            let header = ownHeader
            try await storage.append([.header(header)])
            self.header = header
            position = 1
            opened = true
            return
        }
        guard first.event == .header, let header = first.header else {
            throw .journalMismatch(path: storage.location, reason: "its first record is not a HyperPower study header")
        }
        if let reason = header.mismatch(with: ownHeader) {
            throw .journalMismatch(path: storage.location, reason: reason)
        }
        self.header = header
        replay(records.dropFirst(), restoreSampler: true)
        position = records.count
        opened = true
        if !trials.isEmpty || !pending.isEmpty {
            let again = reofferable(now: Date().timeIntervalSince1970).count
            logger.info("resumed \(storage.location): \(trials.count) trials, \(pending.count) pending (\(again) to offer again now)")
        }
    }

    /// Applies records to the in-memory state.
    func replay(_ records: ArraySlice<StudyRecord>, restoreSampler: Bool) {
        for record in records {
            switch record.event {
            case .header:
                continue
            case .asked:
                guard let number = record.trial, let suggestion = record.suggestion else { continue }
                nextNumber = max(nextNumber, number + 1)
                if trialIndex[number] != nil { continue }
                var lease = TrialLease(worker: record.worker, process: record.process, renewedAt: record.time, seconds: record.lease)
                // This study's own record, whose append it took for failed (a connection lost
                // after the server committed it): nobody evaluates it, so it is offered again.
                if record.worker == worker.id && !handedOut.contains(number) { lease.abandoned = true }
                if pending[number] != nil {
                    pending[number]!.lease = lease  // offered again: the lease changes hands
                } else {
                    pending[number] = PendingTrial(suggestion: suggestion, suggestionSeconds: 0, lease: lease)
                }
                if restoreSampler, let state = record.state {
                    do { try sampler.restore(state) } catch {
                        logger.warning("trial \(number): \(error); the sampler goes on from its own state")
                    }
                }
            case .heartbeat:
                guard let worker = record.worker, let time = record.time else { continue }
                for number in record.trials ?? [] where pending[number]?.lease.worker == worker {
                    pending[number]!.lease.renewedAt = time
                    if let lease = record.lease { pending[number]!.lease.seconds = lease }
                }
            case .abandoned:
                guard let number = record.trial, pending[number]?.lease.worker == record.worker else { continue }
                pending[number]!.lease.abandoned = true
            case .profiled:
                if let profile = record.profile { profiles.append(profile) }
            case .attributes:
                attributes.merge(record.attributes ?? [:]) { _, new in new }
            case .completed, .infeasible, .failed:
                guard let trial = record.result else { continue }
                if let id = record.id {
                    if unreadOutcomes.remove(id) != nil { continue }  // this study's own, applied when published
                    if outcomeIDs[trial.number] == id { continue }  // written twice: a retry after a lost answer
                }
                if let index = trialIndex[trial.number] {
                    if let own = outcomeIDs[trial.number], unreadOutcomes.contains(own) {
                        // This study published an outcome, but another worker's came first: that one counts.
                        lateResults.append(trials[index])
                        trials[index] = trial
                        outcomeIDs[trial.number] = record.id
                    } else {
                        lateResults.append(trial)  // a second result after a re-offer: kept, not counted
                    }
                    continue
                }
                count(trial, id: record.id)
                pending[trial.number] = nil
                nextNumber = max(nextNumber, trial.number + 1)
            }
        }
    }
}

extension Study {
    /// Counts a completed trial (the first outcome recorded for its number).
    func count(_ trial: Trial, id: String?) {
        trialIndex[trial.number] = trials.count
        trials.append(trial)
        if let id { outcomeIDs[trial.number] = id }
    }

    /// The counted trial numbered `number`.
    func countedTrial(_ number: Int) -> Trial? { trialIndex[number].map { trials[$0] } }
}

/// The sampler of a loaded study: it has only the name it was recorded with.
struct RecordedSampler: Sampler {
    var name: String
    mutating func suggest(_ context: SamplingContext) throws(HyperPowerError) -> SamplerProposal {
        throw .invalidSettings(reason: "a study opened with Study.load is read-only")
    }
}
