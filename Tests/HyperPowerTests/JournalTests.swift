import Foundation
import HyperPower
import Testing

@Suite struct JournalTests {
    static let square = OptimizerTests.square
    static let constraint = OptimizerTests.budgetConstraint

    static func temporaryJournal() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("hyperpower-journal-\(UUID().uuidString).jsonl")
    }

    static func optimizer(_ url: URL, seed: UInt64 = 31) -> BayesianOptimizer {
        BayesianOptimizer(
            space: square, constraints: [constraint], seed: seed, storage: .journal(url), logger: quietLogger
        ) { .success(objective: OptimizerTests.bowl($0)) }
    }

    @Test func aReopenedJournalHasEveryTrialAndResumesIdentically() async throws {
        // Uninterrupted, in memory.
        let reference = BayesianOptimizer(space: Self.square, constraints: [Self.constraint], seed: 31, logger: quietLogger) {
            .success(objective: OptimizerTests.bowl($0))
        }
        let uninterrupted = try await reference.run(budget: .evaluations(14)).trials.map(\.configuration)

        // Interrupted after 9, resumed from the journal by a new optimiser.
        let url = Self.temporaryJournal()
        defer { try? FileManager.default.removeItem(at: url) }
        _ = try await Self.optimizer(url).run(budget: .evaluations(9))
        let resumed = Self.optimizer(url)
        let result = try await resumed.run(budget: .evaluations(5))
        #expect(result.trials.count == 14)
        #expect(result.trials.map(\.number) == Array(0..<14))
        #expect(result.trials.map(\.configuration) == uninterrupted)
        // Every line is valid JSON with an event.
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1 + 2 * 14)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(["header", "asked", "completed"].contains(object?["event"] as? String ?? ""))
        }
    }

    @Test func aTornLastLineIsIgnoredNotFatal() async throws {
        let url = Self.temporaryJournal()
        defer { try? FileManager.default.removeItem(at: url) }
        _ = try await Self.optimizer(url).run(budget: .evaluations(5))
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"event":"completed","trial":5,"res"#.utf8))
        try handle.close()
        let resumed = Self.optimizer(url)
        let result = try await resumed.run(budget: .evaluations(2))
        #expect(result.trials.count == 7)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(!text.contains(#""res"#) || text.contains(#""result""#))
        #expect(text.split(separator: "\n").allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
    }

    @Test func aJournalFromAnotherStudyIsRefused() async throws {
        let url = Self.temporaryJournal()
        defer { try? FileManager.default.removeItem(at: url) }
        _ = try await Self.optimizer(url).run(budget: .evaluations(2))
        let otherSpace = try SearchSpace { Real("x", 0...2); Real("y", 0...1) }
        let other = BayesianOptimizer(space: otherSpace, constraints: [Self.constraint], seed: 31, storage: .journal(url), logger: quietLogger) {
            .success(objective: OptimizerTests.bowl($0))
        }
        do {
            _ = try await other.run(budget: .evaluations(1))
            Issue.record("a journal of another space was accepted")
        } catch let error as HyperPowerError {
            guard case let .journalMismatch(path, reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(path == url.path && reason.contains("search space"))
        }
        try "not a journal\n".write(to: url, atomically: true, encoding: .utf8)
        await #expect(throws: HyperPowerError.self) { try await Self.optimizer(url).ask() }
    }

    @Test func aTrialPendingWhenItsProcessDiedIsOfferedAgain() async throws {
        let url = Self.temporaryJournal()
        defer { try? FileManager.default.removeItem(at: url) }
        // A study of this process that was released stands for a process that died.
        func firstWorker() async throws -> Suggestion {
            let first = Self.optimizer(url)
            for _ in 0..<3 {
                let s = try await first.ask()
                try await first.tell(s.number, .success(objective: OptimizerTests.bowl(s.configuration)))
            }
            return try await first.ask()  // never told
        }
        let abandoned = try await firstWorker()
        let second = Self.optimizer(url)
        let offered = try await second.ask()
        #expect(offered.number == abandoned.number && offered.configuration == abandoned.configuration)
        try await second.tell(offered.number, .success(objective: 1))
        let next = try await second.ask()
        #expect(next.number == abandoned.number + 1)
    }

    @Test func twoOptimisersSharingAJournalNeverDuplicate() async throws {
        let url = Self.temporaryJournal()
        defer { try? FileManager.default.removeItem(at: url) }
        let a = Self.optimizer(url)
        _ = try await a.ask()  // opens the journal and writes the header
        let b = Self.optimizer(url)
        var asked: [Suggestion] = []
        for round in 0..<10 {
            let optimizer = round % 2 == 0 ? b : a
            let s = try await optimizer.ask()
            asked.append(s)
            try await optimizer.tell(s.number, .success(objective: OptimizerTests.bowl(s.configuration)))
        }
        #expect(Set(asked.map(\.number)).count == 10)
        #expect(Set(asked.map(\.configuration)).count == 10)
        let seenByA = await a.trials.count
        let seenByB = await b.trials.count
        #expect(seenByA >= 9 && seenByB >= 9)
    }
}
