import Foundation
import HyperPower
import Testing

@Suite struct ReliabilityTests {
    static let square = OptimizerTests.square
    static func bowl(_ c: Configuration) -> Double { OptimizerTests.bowl(c) }

    @Test func fourConcurrentEvaluationsMeetTheBudgetWithoutDuplicates() async throws {
        let active = Counter()
        let peak = PeakCounter()
        let optimizer = BayesianOptimizer(
            space: Self.square, constraints: [OptimizerTests.budgetConstraint], seed: 21, logger: quietLogger
        ) { config in
            peak.enter()
            defer { peak.leave() }
            _ = active.next()
            try await Task.sleep(for: .milliseconds(5))
            return .success(objective: Self.bowl(config))
        }
        let result = try await optimizer.run(budget: .evaluations(24), concurrency: 4)
        #expect(result.trials.count == 24)
        #expect(Set(result.trials.map(\.configuration)).count == 24)
        #expect(result.trials.allSatisfy { $0.predictions["cost"]! <= 1 })
        #expect(peak.maximum > 1 && peak.maximum <= 4)
        #expect(result.best!.outcome.objective! < 0.18 + 0.05)
    }

    @Test func askingSeveralTimesBeforeTellingGivesDistinctSuggestions() async throws {
        let optimizer = BayesianOptimizer(space: Self.square, seed: 22, logger: quietLogger)
        for _ in 0..<8 {
            let s = try await optimizer.ask()
            try await optimizer.tell(s.number, .success(objective: Self.bowl(s.configuration)))
        }
        // Four model-based suggestions in flight at once. Without fantasies they would be the
        // same maximiser, nudged apart only by the 1e-9 de-duplication tolerance; with the
        // kriging believer each pending point removes its own neighbourhood's improvement.
        var pending: [Suggestion] = []
        for _ in 0..<4 { pending.append(try await optimizer.ask()) }
        #expect(pending.allSatisfy { $0.source == .model })
        let points = pending.map { [$0.configuration.double("x"), $0.configuration.double("y")] }
        for i in 0..<4 {
            for j in (i + 1)..<4 {
                let distance = zip(points[i], points[j]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
                #expect(distance > 1e-5, "suggestions \(i) and \(j) coincide")
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func anObjectivePastTheTimeoutIsRecordedInfeasible() async throws {
        let optimizer = BayesianOptimizer(
            space: Self.square, seed: 23, settings: OptimizerSettings(evaluationTimeout: .milliseconds(50)), logger: quietLogger
        ) { config in
            if config.double("x") < 0.5 { try await Task.sleep(for: .seconds(30)) }
            return .success(objective: Self.bowl(config))
        }
        let started = Date()
        let result = try await optimizer.run(budget: .evaluations(8))
        // Without the timeout the slow evaluations alone would take ≥ 4 × 30 s; timers can be late
        // while other suites load the cooperative pool, so the bound is generous.
        #expect(Date().timeIntervalSince(started) < 60)
        for trial in result.trials {
            if trial.configuration.double("x") < 0.5 {
                guard case let .infeasible(reason) = trial.outcome else { Issue.record("expected a timeout"); continue }
                #expect(reason.hasPrefix("timeout after"))
            } else {
                #expect(trial.outcome.objective != nil)
            }
        }
    }

    @Test func transientErrorsAreRetriedAndPersistentOnesRecorded() async throws {
        let calls = Counter()
        let flaky = BayesianOptimizer(
            space: Self.square, seed: 24, settings: OptimizerSettings(retries: 2), logger: quietLogger
        ) { config in
            // Every configuration fails on its first attempt only.
            if calls.next() % 2 == 1 { throw TestFailure() }
            return .success(objective: Self.bowl(config))
        }
        let flakyResult = try await flaky.run(budget: .evaluations(6))
        #expect(flakyResult.trials.allSatisfy { $0.outcome.objective != nil })

        let broken = BayesianOptimizer(
            space: Self.square, seed: 25, settings: OptimizerSettings(retries: 1), logger: quietLogger
        ) { _ in throw TestFailure() }
        let brokenResult = try await broken.run(budget: .evaluations(10))
        #expect(brokenResult.trials.count == 10)
        #expect(brokenResult.best == nil)
        #expect(brokenResult.trials.allSatisfy { $0.outcome == .failed(message: "the trainer crashed (after 2 attempts)") })
    }

    @Test func invalidConcurrencyIsRejected() async {
        let optimizer = BayesianOptimizer(space: Self.square, logger: quietLogger) { .success(objective: Self.bowl($0)) }
        await #expect(throws: HyperPowerError.self) { try await optimizer.run(budget: .evaluations(3), concurrency: 0) }
        let badRetries = BayesianOptimizer(space: Self.square, settings: OptimizerSettings(retries: -1), logger: quietLogger) {
            .success(objective: Self.bowl($0))
        }
        await #expect(throws: HyperPowerError.self) { try await badRetries.run(budget: .evaluations(3)) }
    }
}

/// The largest number of simultaneous holders seen. `@unchecked Sendable`: guarded by `lock`.
final class PeakCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private(set) var maximum = 0
    func enter() { lock.lock(); current += 1; maximum = max(maximum, current); lock.unlock() }
    func leave() { lock.lock(); current -= 1; lock.unlock() }
}
