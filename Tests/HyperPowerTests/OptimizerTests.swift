import Foundation
import HyperPower
import Logging
import Testing

/// A logger that keeps test output quiet.
let quietLogger: Logger = {
    var logger = Logger(label: "hyperpower-tests")
    logger.logLevel = .critical
    return logger
}()

struct TestFailure: Error, CustomStringConvertible {
    var description: String { "the trainer crashed" }
}

/// A counter shared with @Sendable objectives.
final class Counter: @unchecked Sendable {
    // Guarded by `lock`; @unchecked because NSLock is not Sendable-annotated on Linux.
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    var count: Int { lock.lock(); defer { lock.unlock() }; return value }
}

@Suite struct OptimizerTests {
    static let square = try! SearchSpace { Real("x", 0...1); Real("y", 0...1) }  // shared with other suites
    /// Known constraint x + y ≤ 1; the objective's minimum (0.8, 0.8) lies outside it.
    static let budgetConstraint = Constraint.known("cost", atMost: 1) { $0.double("x") + $0.double("y") }

    static func bowl(_ c: Configuration) -> Double {
        let dx = c.double("x") - 0.8
        let dy = c.double("y") - 0.8
        return dx * dx + dy * dy
    }

    @Test func thousandsOfSuggestionsNeverViolateAKnownConstraint() async throws {
        // Random search: 2000 suggestions.
        let random = Method.random.optimizer(
            space: Self.square, constraints: [Self.budgetConstraint], seed: 1, logger: quietLogger)
        for _ in 0..<2000 {
            let suggestion = try await random.ask()
            #expect(suggestion.predictions["cost"]! <= 1)
            try await random.tell(suggestion.number, .success(objective: Self.bowl(suggestion.configuration)))
        }
        // Bayesian optimisation: the design and 30 model suggestions, all inside the gate.
        let optimizer = BayesianOptimizer(
            space: Self.square, constraints: [Self.budgetConstraint], seed: 2, logger: quietLogger
        ) { .success(objective: Self.bowl($0)) }
        let result = try await optimizer.run(budget: .evaluations(36))
        #expect(result.trials.count == 36)
        #expect(result.trials.allSatisfy { $0.predictions["cost"]! <= 1 && $0.violatedConstraints.isEmpty })
        // The constrained optimum is (0.5, 0.5) with value 0.18: it gets close.
        #expect(result.best!.outcome.objective! < 0.18 + 0.01)
    }

    @Test func allInfeasibleInitialDesignLeadsToFeasibilitySearchNotAnError() async throws {
        let optimizer = BayesianOptimizer(space: Self.square, seed: 3, logger: quietLogger) { _ in
            .infeasible(reason: "out of memory")
        }
        let result = try await optimizer.run(budget: .evaluations(9))
        #expect(result.trials.count == 9)
        #expect(result.best == nil)
        #expect(result.trials.allSatisfy { $0.outcome == .infeasible(reason: "out of memory") })
        // After the design, suggestions come from the feasibility model, each one new.
        let next = try await optimizer.ask()
        #expect(next.source == .model)
        let points = Set(result.trials.map(\.configuration))
        #expect(!points.contains(next.configuration))
    }

    @Test func objectiveThatThrowsAtFirstDoesNotEndTheRun() async throws {
        let calls = Counter()
        let optimizer = BayesianOptimizer(space: Self.square, seed: 4, logger: quietLogger) { config in
            if calls.next() <= 5 { throw TestFailure() }
            return .success(objective: Self.bowl(config))
        }
        let result = try await optimizer.run(budget: .evaluations(15))
        #expect(result.trials.count == 15)
        #expect(result.trials.prefix(5).allSatisfy { $0.outcome == .failed(message: "the trainer crashed") })
        #expect(result.trials.suffix(10).allSatisfy { $0.outcome.objective != nil })
        #expect(result.best != nil)
    }

    @Test func nonFiniteObjectivesAreFailuresNotData() async throws {
        let optimizer = BayesianOptimizer(space: Self.square, seed: 5, logger: quietLogger) { config in
            .success(objective: config.double("x") < 0.5 ? .nan : Self.bowl(config))
        }
        let result = try await optimizer.run(budget: .evaluations(12))
        for trial in result.trials where trial.configuration.double("x") < 0.5 {
            #expect(trial.outcome == .failed(message: "objective returned nan"))
        }
        #expect(result.best!.configuration.double("x") >= 0.5)
    }

    @Test func objectiveValuesThatBreakTheModelFitDoNotEndTheRun() async throws {
        // ±1e300 overflows every variance: the fits fail, the optimiser falls back and goes on.
        let optimizer = BayesianOptimizer(space: Self.square, seed: 15, logger: quietLogger) { config in
            .success(objective: config.double("x") < 0.5 ? -1e300 : 1e300)
        }
        let result = try await optimizer.run(budget: .evaluations(14))
        #expect(result.trials.count == 14)
        #expect(Set(result.trials.map(\.configuration)).count == 14)
        #expect(result.best!.outcome.objective == -1e300)
    }

    @Test func finiteSpaceIsExhaustedWithoutRepeats() async throws {
        let space = try SearchSpace { Integer("a", 1...3); Categorical("b", ["x", "y", "z"]) }
        let optimizer = BayesianOptimizer(space: space, seed: 6, logger: quietLogger) { config in
            .success(objective: Double(config.integer("a")) + (config.string("b") == "y" ? 0 : 1))
        }
        let result = try await optimizer.run(budget: .evaluations(20))
        #expect(result.stopReason == .searchSpaceExhausted)
        #expect(result.trials.count == 9)
        #expect(Set(result.trials.map(\.configuration)).count == 9)
        #expect(result.best!.outcome.objective == 1)
    }

    @Test func sameSeedGivesTheSameSequence() async throws {
        func run(seed: UInt64) async throws -> [Configuration] {
            let optimizer = BayesianOptimizer(
                space: Self.square, constraints: [Self.budgetConstraint], seed: seed, logger: quietLogger
            ) { .success(objective: Self.bowl($0)) }
            return try await optimizer.run(budget: .evaluations(12)).trials.map(\.configuration)
        }
        let first = try await run(seed: 7)
        #expect(try await run(seed: 7) == first)
        #expect(try await run(seed: 8) != first)
    }

    @Test func enqueuedConfigurationsComeFirst() async throws {
        let optimizer = BayesianOptimizer(space: Self.square, seed: 9, logger: quietLogger) { .success(objective: Self.bowl($0)) }
        let warm = Configuration(["x": .real(0.8), "y": .real(0.75)])
        try await optimizer.enqueue(warm)
        let result = try await optimizer.run(budget: .evaluations(3))
        #expect(result.trials[0].configuration == warm)
        await #expect(throws: HyperPowerError.self) {
            try await optimizer.enqueue(Configuration(["x": .real(2), "y": .real(0)]))
        }
    }

    @Test func askAndTellWithMeasurementsAndObservedConstraints() async throws {
        let optimizer = BayesianOptimizer(
            space: Self.square, constraints: [.observed("latency", atMost: 0.5), Self.budgetConstraint], seed: 10,
            logger: quietLogger)
        for _ in 0..<12 {
            let s = try await optimizer.ask()
            let latency = s.configuration.double("x")
            try await optimizer.tell(s.number, .success(objective: Self.bowl(s.configuration), measurements: ["latency": latency, "cost": 0.5]))
        }
        let trials = await optimizer.trials
        for trial in trials {
            #expect(trial.violatedConstraints.contains("latency") == (trial.configuration.double("x") > 0.5))
            // The known constraint's measurement is kept beside its prediction.
            #expect(trial.measurements["cost"] == 0.5 && trial.predictions["cost"] != nil)
        }
        await #expect(throws: HyperPowerError.unknownTrial(number: 99)) { try await optimizer.tell(99, .success(objective: 0)) }
        // An observed constraint that is not reported counts as violated.
        let s = try await optimizer.ask()
        let trial = try await optimizer.tell(s.number, .success(objective: 0))
        #expect(trial.violatedConstraints == ["latency"])
        #expect(!trial.isFeasible)
    }

    @Test func emptyKnownFeasibleRegionExplainsItself() async throws {
        let impossible = Constraint.known("power", atMost: 5) { 12 + 68 * $0.double("x") }
        let optimizer = BayesianOptimizer(space: Self.square, constraints: [impossible], seed: 11, logger: quietLogger) {
            .success(objective: Self.bowl($0))
        }
        do {
            _ = try await optimizer.run(budget: .evaluations(5))
            Issue.record("expected an error")
        } catch let error as HyperPowerError {
            guard case let .knownFeasibleRegionEmpty(details) = error else { Issue.record("wrong error \(error)"); return }
            #expect(details.contains("'power' predicts 12"))
            #expect(details.contains("rejects 10000"))
            #expect(details.contains("at most 5"))
        }
    }

    @Test func invalidConstraintsAndSettingsAreReported() async throws {
        let duplicate = BayesianOptimizer(
            space: Self.square, constraints: [.observed("a", atMost: 1), .observed("a", atLeast: 0)], logger: quietLogger)
        await #expect(throws: HyperPowerError.invalidConstraint(name: "a", reason: "declared twice")) { try await duplicate.ask() }
        let infinite = BayesianOptimizer(space: Self.square, constraints: [.observed("b", atMost: .infinity)], logger: quietLogger)
        await #expect(throws: HyperPowerError.self) { try await infinite.ask() }
        let badSettings = BayesianOptimizer(
            space: Self.square, settings: OptimizerSettings(initialDesignSize: 0), logger: quietLogger)
        await #expect(throws: HyperPowerError.self) { try await badSettings.ask() }
    }

    @Test func constraintUnawareBaselineEvaluatesViolators() async throws {
        // The baseline is a transform of the problem: the known constraint becomes an observed one
        // whose prediction the objective reports as a measurement.
        let optimizer = Method.unknownConstraints.optimizer(
            space: Self.square, constraints: [Self.budgetConstraint], seed: 12, logger: quietLogger,
            objective: { .success(objective: Self.bowl($0)) })
        #expect(optimizer.constraints.allSatisfy { !$0.isKnown })
        let result = try await optimizer.run(budget: .evaluations(20))
        let violators = result.trials.filter { $0.violatedConstraints.contains("cost") }
        #expect(!violators.isEmpty)  // it learns the constraint by breaking it
        #expect(result.trials.allSatisfy { $0.measurements["cost"] != nil && $0.predictions.isEmpty })
        #expect(result.best.map { $0.measurements["cost"]! <= 1 } ?? true)
    }

    @Test func wallClockBudgetStopsTheRun() async throws {
        let optimizer = BayesianOptimizer(space: Self.square, seed: 13, logger: quietLogger) { config in
            try await Task.sleep(for: .milliseconds(20))
            return .success(objective: Self.bowl(config))
        }
        let result = try await optimizer.run(budget: .evaluations(1000, wallClock: .milliseconds(200)))
        // Other tests may load both cores, so no assumption on how many 20 ms trials fit.
        #expect(result.stopReason == .wallClockBudget)
        #expect(result.wallClockSeconds >= 0.2)
        #expect(result.trials.count >= 1 && result.trials.count < 1000)
    }

    @Test func randomSearchRespectsTheGate() async throws {
        let search = RandomSearch(space: Self.square, constraints: [Self.budgetConstraint], seed: 14, logger: quietLogger) {
            .success(objective: Self.bowl($0))
        }
        let result = try await search.run(budget: .evaluations(200))
        #expect(result.trials.count == 200)
        #expect(result.trials.allSatisfy { $0.predictions["cost"]! <= 1 })
    }
}

/// The README's example, with a stand-in trainer.
@Suite struct ReadmeExampleTests {
    struct Run { var validationError: Double; var latency: Double }

    static func train(_ config: Configuration) async throws -> Run {
        let width = Double(config.integer("width"))
        let error = 0.05 + 0.1 * abs(log10(config.double("learningRate")) + 2.5) + 1 / width
            + (config.string("activation") == "relu" ? 0 : 0.02) - 0.01 * Double(config.integer("layers"))
        return Run(validationError: error, latency: Double(config.integer("layers")) * width / 128)
    }

    @Test func readmeExampleRunsAndKeepsItsConstraints() async throws {
        let space = try SearchSpace {
            Integer("layers", 1...3)
            PowerOfTwo("width", 16...512)
            Real("learningRate", 1e-4...1e-1, scale: .log)
            Categorical("activation", ["relu", "tanh"])
        }
        let optimizer = BayesianOptimizer(
            space: space,
            constraints: [
                .known("memory", atMost: 2e6) { config in
                    Double(config.integer("layers") * config.integer("width") * 64 * 4)
                },
                .observed("latency", atMost: 5),
            ],
            seed: 42, logger: quietLogger
        ) { config in
            let run = try await Self.train(config)
            return .success(objective: run.validationError, measurements: ["latency": run.latency])
        }
        let result = try await optimizer.run(budget: .evaluations(25))
        #expect(result.trials.allSatisfy { $0.predictions["memory"]! <= 2e6 })
        let best = try #require(result.best)
        #expect(best.measurements["latency"]! <= 5)
    }
}
