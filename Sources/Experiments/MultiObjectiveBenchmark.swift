import BenchmarkProblems
import Foundation
import HyperPower
import Logging

/// One method on a constrained multi-objective problem over several seeds: the hypervolume of the
/// truly feasible trials against the true front's, and `log10(true − found)` (the issue's
/// "log hypervolume difference"), with the evaluations that broke a known constraint.
public struct MultiObjectiveBenchmark: Sendable {
    public var problem: MultiObjectiveProblem
    public var method: HyperPower.Method
    public var budget: Int?
    public var seeds: [UInt64]
    public var settings: OptimizerSettings
    public var logger: Logger
    /// Evaluations kept in flight (``BayesianOptimizer/run(budget:concurrency:)``).
    public var concurrency = 1

    public init(
        problem: MultiObjectiveProblem, method: HyperPower.Method, budget: Int? = nil, seeds: [UInt64],
        settings: OptimizerSettings = OptimizerSettings(), logger: Logger = Logger(label: "hyperpower")
    ) {
        self.problem = problem
        self.method = method
        self.budget = budget
        self.seeds = seeds
        self.settings = settings
        self.logger = logger
    }

    public struct SeedReport: Codable, Sendable {
        public var seed: UInt64
        public var hypervolume: Double
        /// log10 of (true − found), floored at 1e-12 of the true hypervolume.
        public var log10HypervolumeDifference: Double
        public var knownConstraintViolations: Int
        public var constraintViolations: Int
        public var frontSize: Int
        public var medianSuggestionSeconds: Double
    }

    public struct Report: Codable, Sendable {
        public var problem: String
        public var method: String
        public var budget: Int
        public var trueHypervolume: Double
        public var reference: [Double]
        public var seeds: [SeedReport]
        public var medianHypervolume: Double?
        public var medianLog10HypervolumeDifference: Double?
    }

    public func run() async throws -> Report {
        let evaluations = budget ?? problem.defaultBudget
        var reports: [SeedReport] = []
        for seed in seeds {
            let problem = self.problem
            let optimizer = method.optimizer(
                space: problem.space, constraints: problem.constraints, objectives: problem.objectives, seed: seed,
                settings: settings, logger: logger, objective: { problem.evaluate($0) })
            let result = try await optimizer.run(budget: .evaluations(evaluations), concurrency: concurrency)
            reports.append(Self.seedReport(seed: seed, trials: result.trials, problem: problem))
        }
        return Report(
            problem: problem.name, method: method.rawValue, budget: evaluations, trueHypervolume: problem.trueHypervolume,
            reference: problem.reference, seeds: reports, medianHypervolume: Statistics.median(reports.map(\.hypervolume)),
            medianLog10HypervolumeDifference: Statistics.median(reports.map(\.log10HypervolumeDifference)))
    }

    /// A run judged by the problem, not by what the optimiser believed.
    public static func seedReport(seed: UInt64, trials: [Trial], problem: MultiObjectiveProblem) -> SeedReport {
        let judged = trials.map { problem.judge($0.configuration) }
        let feasible = judged.filter(\.broken.isEmpty).map(\.objectives)
        let hypervolume = (try? Pareto.hypervolume(feasible, reference: problem.reference)) ?? 0
        let difference = max(problem.trueHypervolume - hypervolume, 1e-12 * problem.trueHypervolume)
        return SeedReport(
            seed: seed, hypervolume: hypervolume, log10HypervolumeDifference: log10(difference),
            knownConstraintViolations: judged.filter { $0.broken.contains(where: \.isKnown) }.count,
            constraintViolations: judged.count - feasible.count,
            frontSize: Pareto.nondominated(feasible).count,
            medianSuggestionSeconds: Statistics.median(trials.map(\.suggestionSeconds)) ?? 0)
    }
}
