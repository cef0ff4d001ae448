import Logging

/// HyperPower's random variant, the baseline of the paper's comparison: uniform random
/// configurations, rejected when a known constraint's prediction breaks its bound, never
/// repeated. It records trials exactly as ``BayesianOptimizer`` does.
public struct RandomSearch: Sendable {
    /// The study doing the work (strategy ``SearchStrategy/random``).
    public let optimizer: BayesianOptimizer

    public init(
        space: SearchSpace, constraints: [Constraint] = [], seed: UInt64 = 0,
        logger: Logger = Logger(label: "hyperpower"),
        objective: @escaping @Sendable (Configuration) async throws -> Evaluation
    ) {
        optimizer = BayesianOptimizer(
            space: space, constraints: constraints, seed: seed, settings: OptimizerSettings(strategy: .random),
            logger: logger, objective: objective)
    }

    /// Evaluates random known-feasible configurations until the budget is spent.
    public func run(budget: Budget) async throws -> SearchResult {
        try await optimizer.run(budget: budget)
    }
}
