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

    @Test func everyProblemHasAKnownOrObservedConstraintAndAValidSpace() {
        #expect(BenchmarkProblem.all.count == 8)
        for problem in BenchmarkProblem.all {
            #expect(!problem.constraints.isEmpty)
            #expect(problem.space.parameters.count == problem.optimizer.count)
        }
        #expect(BenchmarkProblem.named("nope") == nil)
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
