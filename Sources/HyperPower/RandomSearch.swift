import Logging

/// HyperPower's random variant, the baseline of the paper's comparison: a study with a
/// ``RandomSampler`` — uniform random configurations, rejected when a known constraint's
/// prediction breaks its bound, never repeated.
public struct RandomSearch: Sendable {
    /// The optimiser doing the work (its study's sampler is a ``RandomSampler``).
    public let optimizer: BayesianOptimizer

    /// Random search of `objective` over `space` behind the known constraints.
    public init(
        space: SearchSpace, constraints: [Constraint] = [], objectives: [Objective] = [.default], seed: UInt64 = 0,
        storage: any StudyStorage = .memory, logger: Logger = Logger(label: "hyperpower"),
        objective: @escaping @Sendable (Configuration) async throws -> Evaluation
    ) {
        optimizer = BayesianOptimizer(
            space: space, constraints: constraints, objectives: objectives, sampler: RandomSampler(seed: seed), seed: seed,
            storage: storage, logger: logger, objective: objective)
    }

    /// The study.
    public var study: Study { optimizer.study }

    /// Evaluates random known-feasible configurations until the budget is spent.
    public func run(budget: Budget, concurrency: Int = 1) async throws -> SearchResult {
        try await optimizer.run(budget: budget, concurrency: concurrency)
    }
}
