import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension BayesianOptimizer {
    /// The library version written in journal headers.
    public static let libraryVersion = "HyperPower 0.1"

    var journalHeader: JournalHeader {
        JournalHeader(
            format: 1, library: Self.libraryVersion, space: space,
            constraints: constraints.map {
                JournalHeader.ConstraintSummary(name: $0.name, bound: $0.bound, direction: $0.direction, known: $0.isKnown)
            },
            seed: seed, strategy: settings.strategy, knownConstraintsAsObserved: settings.knownConstraintsAsObserved)
    }

    /// Completed trials, after opening the storage (a journal's trials count).
    public func completedTrialCount() throws(HyperPowerError) -> Int {
        try validate()
        if let journal {
            journal.lock()
            defer { journal.unlock() }
            try synchroniseWithJournal()
        }
        return trials.count
    }

    /// Opens the journal: writes its header if new, else checks the header and replays it.
    func openStorage() throws(HyperPowerError) {
        guard case let .journal(url) = storage, journal == nil else { return }
        let file = try JournalFile(url: url)
        file.lock()
        defer { file.unlock() }
        let lines = try file.newLines()
        journal = file
        guard let first = lines.first else {
            try appendToJournal(JournalRecord(event: .header, header: journalHeader))
            return
        }
        guard let record = try? JSONDecoder().decode(JournalRecord.self, from: first), record.event == .header,
            let header = record.header else {
            journal = nil
            throw .journalMismatch(path: url.path, reason: "its first line is not a HyperPower journal header")
        }
        if let reason = header.mismatch(with: journalHeader) {
            journal = nil
            throw .journalMismatch(path: url.path, reason: reason)
        }
        var owners: [Int: Int32] = [:]
        try replay(Array(lines.dropFirst()), owners: &owners)
        // Pending trials whose process is gone are offered again.
        orphans = pending.keys.sorted().filter { number in
            guard let owner = owners[number] else { return true }
            return owner == getpid() || (kill(owner, 0) != 0 && errno == ESRCH)
        }
        if !trials.isEmpty || !pending.isEmpty {
            logger.info("resumed \(url.path): \(trials.count) trials, \(pending.count) pending (\(orphans.count) to offer again)")
        }
    }

    /// Applies lines that other processes appended since this one last looked.
    func synchroniseWithJournal() throws(HyperPowerError) {
        guard let journal else { return }
        var owners: [Int: Int32] = [:]
        try replay(try journal.newLines(), owners: &owners)
    }

    /// Applies journal lines to the in-memory state.
    func replay(_ lines: [Data], owners: inout [Int: Int32]) throws(HyperPowerError) {
        let decoder = JSONDecoder()
        for line in lines {
            guard let record = try? decoder.decode(JournalRecord.self, from: line) else {
                throw .storage(reason: "an unreadable line in the middle of the journal: \(String(decoding: line.prefix(120), as: UTF8.self))")
            }
            switch record.event {
            case .header:
                continue
            case .asked:
                guard let number = record.trial, let suggestion = record.suggestion else { continue }
                if trials.contains(where: { $0.number == number }) { continue }
                pending[number] = suggestion
                pendingPoints[number] = try? space.encode(suggestion.configuration)
                nextNumber = max(nextNumber, number + 1)
                if let process = record.process { owners[number] = process }
                if let state = record.state {
                    warmStarts = state.warmStarts
                    fitCounts = state.fitCounts
                    randomGenerator = state.random
                }
            case .completed, .infeasible, .failed:
                guard let trial = record.result, !trials.contains(where: { $0.number == trial.number }) else { continue }
                trials.append(trial)
                pending[trial.number] = nil
                pendingPoints[trial.number] = nil
                pendingSuggestionSeconds[trial.number] = nil
                nextNumber = max(nextNumber, trial.number + 1)
            }
        }
    }

    func appendToJournal(_ record: JournalRecord) throws(HyperPowerError) {
        guard let journal else { return }
        let data: Data
        do { data = try JSONEncoder().encode(record) } catch { throw .storage(reason: "cannot encode a journal record: \(error)") }
        try journal.append(data)
    }
}
