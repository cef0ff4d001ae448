import BenchmarkProblems
import HyperPower
import Logging
import Testing

@Suite struct BenchmarkProblemsTests {
    @Test(arguments: BenchmarkProblem.all.map(\.name))
    func literatureOptimumHasTheStatedValueAndIsFeasible(name: String) {
        let problem = BenchmarkProblem.named(name)!
        let (value, constraints) = problem.values(at: problem.optimizer)
        // Literature points are rounded to 4–7 digits: the value agrees to 1e-4 relative.
        #expect(abs(value - problem.optimum) <= 1e-4 * max(1, abs(problem.optimum)), "\(name): f = \(value)")
        for spec in problem.constraintSpecifications {
            // Optima sit on active constraints; allow the rounding of the published point.
            let slack = 1e-3 * max(1, abs(spec.bound))
            let satisfied = spec.direction == .atMost
                ? constraints[spec.name]! <= spec.bound + slack : constraints[spec.name]! >= spec.bound - slack
            #expect(satisfied, "\(name): \(spec.name) = \(constraints[spec.name]!) vs \(spec.bound)")
        }
    }

    /// A known constraint's predictor (its own formula, or the problem's function memoised)
    /// gives the value the problem judges violations by, at any configuration, whichever
    /// constraint is asked first.
    @Test(arguments: BenchmarkProblem.all.map(\.name))
    func knownConstraintPredictorsAgreeWithTheProblem(name: String) throws {
        let problem = BenchmarkProblem.named(name)!
        let known = problem.constraints.filter { constraint in
            problem.constraintSpecifications.contains { $0.name == constraint.name && $0.isKnown } && constraint.calibration == nil
        }
        var state: UInt64 = 0x9E3779B97F4A7C15
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        for trial in 0..<50 {
            let configuration = problem.space.decode((0..<problem.space.encodedDimension).map { _ in uniform() })
            let truth = problem.values(at: problem.rawCoordinates(configuration)).constraints
            let order = trial.isMultiple(of: 2) ? known : known.reversed()
            for constraint in order {
                let predicted = try #require(constraint.prediction(for: configuration))
                #expect(predicted == truth[constraint.name]!, "\(name).\(constraint.name)")
            }
        }
    }

    @Test func everyProblemHasAKnownOrObservedConstraintAndAValidSpace() {
        #expect(BenchmarkProblem.all.count == 15)
        #expect(BenchmarkProblem.all.map(\.name) == BenchmarkProblem.names)
        for problem in BenchmarkProblem.all {
            #expect(!problem.constraints.isEmpty)
            #expect(problem.space.parameters.count == problem.optimizer.count)
        }
        #expect(BenchmarkProblem.named("nope") == nil)
    }

    /// Values from `Fixtures/wider_suite_reference.py` (numpy/scipy, independent of this code).
    @Test func widerSuiteMatchesTheIndependentReference() throws {
        #expect(abs(BenchmarkProblem.speedReducer.values(at: BenchmarkProblem.speedReducer.optimizer).objective - 2996.3481649685295) < 1e-9)
        #expect(abs(BenchmarkProblem.g7.values(at: BenchmarkProblem.g7.optimizer).objective - 24.30620906817991) < 1e-9)
        let fpga = try #require(BenchmarkProblem.named("nas-fpga"))
        let pixel = try #require(BenchmarkProblem.named("nas-pixel3"))
        #expect(abs(fpga.optimum - (100 - 93.397)) < 1e-9)
        #expect(abs(pixel.optimum - (100 - 93.625)) < 1e-9)
        let raspi = try #require(BenchmarkProblem.named("nas-raspi4"))
        #expect(abs(raspi.optimum - (100 - 93.51)) < 1e-9)
        // The reference's optimal cells, through the search space (categories by name).
        let operations = NASBench201.operationNames
        for (problem, cell) in [(fpga, [0, 3, 1, 1, 1, 2]), (pixel, [2, 2, 3, 1, 0, 2]), (raspi, [1, 3, 0, 2, 1, 2])] {
            let configuration = Configuration(
                Dictionary(uniqueKeysWithValues: zip(NASBench201.edgeNames, cell.map { ParameterValue.categorical(operations[$0]) })))
            #expect(abs(problem.values(at: problem.rawCoordinates(configuration)).objective - problem.optimum) < 1e-9)
            #expect(problem.violations(configuration).all.isEmpty)
        }
    }

    /// The tiny known-feasible region: under 1% of uniform samples pass all eleven known
    /// constraints of the speed reducer (the reference: 0.18%), yet the optimiser's first asks
    /// find feasible points.
    @Test func speedReducerHasATinyKnownFeasibleRegionThatTheOptimizerStillSamples() async throws {
        let problem = BenchmarkProblem.speedReducer
        var generator = SeededGenerator(seed: 3)
        let region = KnownFeasibleRegion(space: problem.space, constraints: problem.constraints)
        let passing = (0..<20_000).filter { _ in
            region.contains((0..<problem.space.encodedDimension).map { _ in generator.nextUniform() })
        }.count
        #expect(passing > 0 && passing < 200, "\(passing) of 20,000")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let optimizer = BayesianOptimizer(space: problem.space, constraints: problem.constraints, seed: 2, logger: logger) {
            problem.evaluate($0)
        }
        let result = try await optimizer.run(budget: .evaluations(12))
        #expect(result.trials.count == 12)
        #expect(result.trials.allSatisfy { problem.violations($0.configuration).known.isEmpty })
    }

    @Test func shortHyperPowerRunOnBraninDiskNeverBreaksTheKnownConstraint() async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let problem = BenchmarkProblem.braninDisk
        let optimizer = BayesianOptimizer(space: problem.space, constraints: problem.constraints, seed: 1, logger: logger) {
            problem.evaluate($0)
        }
        let result = try await optimizer.run(budget: .evaluations(25))
        #expect(result.trials.allSatisfy { problem.violations($0.configuration).known.isEmpty })
        // Loose smoke bound; the benchmark command measures the real figures.
        #expect(result.best!.outcome.objective! - problem.optimum < 0.5)
    }
}
