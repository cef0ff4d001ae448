import BenchmarkProblems
import Foundation
import HyperPower
import Logging

/// One method on one constrained test problem over several seeds: regret against the known
/// optimum, constraint violations judged by the problem itself (not by what the optimiser
/// believed), and suggestion time. `hyperpower benchmark` prints it; tests and docs use it.
public struct BenchmarkExperiment: Sendable {
    public var problem: BenchmarkProblem
    public var method: HyperPower.Method
    /// Evaluations per run (`nil`: the problem's own).
    public var budget: Int?
    public var seeds: [UInt64]
    public var settings: OptimizerSettings
    public var concurrency: Int
    /// Keep the study in a journal (resumes it; the budget is then the study's total).
    public var journal: URL?
    /// Keep the study in this storage instead (a database shared by workers; one seed; the
    /// budget is then the study's total).
    public var storage: (any StudyStorage)?
    /// Sleep this long in each evaluation (simulates an expensive objective).
    public var evaluationDelay: Duration
    public var logger: Logger

    public init(
        problem: BenchmarkProblem, method: HyperPower.Method, budget: Int? = nil, seeds: [UInt64],
        settings: OptimizerSettings = OptimizerSettings(), concurrency: Int = 1, journal: URL? = nil,
        storage: (any StudyStorage)? = nil, evaluationDelay: Duration = .zero, logger: Logger = Logger(label: "hyperpower")
    ) {
        self.storage = storage
        self.problem = problem
        self.method = method
        self.budget = budget
        self.seeds = seeds
        self.settings = settings
        self.concurrency = concurrency
        self.journal = journal
        self.evaluationDelay = evaluationDelay
        self.logger = logger
    }

    public struct SeedReport: Codable, Sendable {
        public var seed: UInt64
        public var bestFeasible: Double?
        public var regret: Double?
        public var log10Regret: Double?
        public var knownConstraintViolations: Int
        public var constraintViolations: Int
        public var firstFeasibleIteration: Int?
        public var medianSuggestionSeconds: Double
        public var evaluations: Int
        /// The share of real coordinates, over every trial, that lie exactly on a bound of their
        /// range (a maximiser that piles proposals on the faces of the box shows here).
        public var shareOnBounds: Double?
    }

    public struct Summary: Codable, Sendable {
        public var medianRegret: Double?
        public var regretInterquartileRange: [Double]?
        public var medianLog10Regret: Double?
        public var runsWithoutFeasiblePoint: Int
        public var medianKnownConstraintViolations: Double
        public var medianConstraintViolations: Double
        public var medianFirstFeasibleIteration: Double?
        public var medianSuggestionSeconds: Double
        public var medianShareOnBounds: Double?
    }

    public struct Report: Codable, Sendable {
        public var problem: String
        public var method: String
        public var budget: Int
        public var optimum: Double
        public var seeds: [SeedReport]
        public var summary: Summary
    }

    /// Runs every seed.
    public func run() async throws -> Report {
        let evaluations = budget ?? problem.defaultBudget
        var reports: [SeedReport] = []
        for seed in seeds { reports.append(try await run(seed: seed, evaluations: evaluations)) }
        return Report(problem: problem.name, method: method.rawValue, budget: evaluations, optimum: problem.optimum,
                      seeds: reports, summary: Self.summarise(reports))
    }

    func run(seed: UInt64, evaluations: Int) async throws -> SeedReport {
        let (problem, delay) = (self.problem, evaluationDelay)
        let storage: any StudyStorage = self.storage ?? journal.map { FileJournalStorage(url: $0) } ?? InMemoryStorage()
        let shared = self.storage != nil || journal != nil
        let optimizer = method.optimizer(
            space: problem.space, constraints: problem.constraints, seed: seed, settings: settings, storage: storage,
            logger: logger,
            objective: { configuration in
                if delay > .zero { try await Task.sleep(for: delay) }
                return problem.evaluate(configuration)
            })
        // With a journal the budget is the study's total: a resumed run does what is left, and
        // processes sharing the journal stop together.
        let result = try await optimizer.run(
            budget: shared ? .studyEvaluations(evaluations) : .evaluations(evaluations), concurrency: concurrency)
        return Self.seedReport(seed: seed, trials: result.trials, problem: problem)
    }

    /// Regret and violations of one run, judged by the problem.
    public static func seedReport(seed: UInt64, trials: [Trial], problem: BenchmarkProblem) -> SeedReport {
        var known = 0
        var any = 0
        var firstFeasible: Int?
        var values: [Double?] = []
        for (index, trial) in trials.enumerated() {
            let violations = problem.violations(trial.configuration)
            if !violations.known.isEmpty { known += 1 }
            if !violations.all.isEmpty { any += 1 }
            let feasibleValue = violations.all.isEmpty ? trial.outcome.objective : nil
            if feasibleValue != nil && firstFeasible == nil { firstFeasible = index + 1 }
            values.append(feasibleValue)
        }
        let best = Trajectory.bestSoFar(values).last ?? nil
        let regret = best.map { max($0 - problem.optimum, 0) }
        return SeedReport(
            seed: seed, bestFeasible: best, regret: regret, log10Regret: regret.map { log10(max($0, 1e-12)) },
            knownConstraintViolations: known, constraintViolations: any, firstFeasibleIteration: firstFeasible,
            medianSuggestionSeconds: Statistics.median(trials.map(\.suggestionSeconds)) ?? 0, evaluations: trials.count,
            shareOnBounds: shareOnBounds(trials, space: problem.space))
    }

    /// The share of real coordinates of `trials` equal to a bound of their range; `nil` without
    /// real parameters.
    public static func shareOnBounds(_ trials: [Trial], space: SearchSpace) -> Double? {
        var (onBound, total) = (0, 0)
        for trial in trials {
            for parameter in space.parameters {
                guard case let .real(name, range, _) = parameter, case let .real(value)? = trial.configuration[name] else { continue }
                total += 1
                if value == range.lowerBound || value == range.upperBound { onBound += 1 }
            }
        }
        return total > 0 ? Double(onBound) / Double(total) : nil
    }

    /// Medians and quartiles over seeds.
    public static func summarise(_ reports: [SeedReport]) -> Summary {
        let regrets = reports.compactMap(\.regret)
        return Summary(
            medianRegret: Statistics.median(regrets),
            regretInterquartileRange: Statistics.interquartileRange(regrets).map { [$0.lower, $0.upper] },
            medianLog10Regret: Statistics.median(reports.compactMap(\.log10Regret)),
            runsWithoutFeasiblePoint: reports.filter { $0.regret == nil }.count,
            medianKnownConstraintViolations: Statistics.median(reports.map { Double($0.knownConstraintViolations) }) ?? 0,
            medianConstraintViolations: Statistics.median(reports.map { Double($0.constraintViolations) }) ?? 0,
            medianFirstFeasibleIteration: Statistics.median(reports.compactMap { $0.firstFeasibleIteration.map(Double.init) }),
            medianSuggestionSeconds: Statistics.median(reports.map(\.medianSuggestionSeconds)) ?? 0,
            medianShareOnBounds: Statistics.median(reports.compactMap(\.shareOnBounds)))
    }
}
