import Logging

/// The methods the paper compares, built one way for the CLI, the demos and the benchmarks.
///
/// - ``hyperpower``: the constrained GP sampler; known constraints gate the search.
/// - ``unknownConstraints``: the constraint-unaware baseline, as a transform of the problem —
///   every known constraint is declared observed, and its predictor's value is reported as a
///   measurement after each evaluation, so violating configurations are evaluated and learned
///   from (``constraintUnaware(_:objective:)``).
/// - ``random``: random search behind the known-constraint gate.
public enum Method: String, CaseIterable, Sendable, Codable {
    /// The constrained GP sampler behind the known-constraint gate.
    case hyperpower
    /// The constraint-unaware baseline: known constraints learned as observed ones.
    case unknownConstraints = "unknown-constraints"
    /// Random search behind the known-constraint gate.
    case random

    /// An optimiser of this method. Without an objective it is driven by ask and tell (the
    /// constraint-unaware baseline then needs the known constraints' values among the
    /// measurements told).
    public func optimizer(
        space: SearchSpace, constraints: [Constraint], objectives: [Objective] = [.default], seed: UInt64,
        settings: OptimizerSettings = OptimizerSettings(), storage: any StudyStorage = .memory,
        logger: Logger = Logger(label: "hyperpower"), onTrialCompleted: (@Sendable (Trial) -> Void)? = nil,
        objective: (@Sendable (Configuration) async throws -> Evaluation)? = nil
    ) -> BayesianOptimizer {
        switch self {
        case .hyperpower:
            return BayesianOptimizer(
                space: space, constraints: constraints, objectives: objectives,
                sampler: ConstrainedGPSampler.forObjectives(objectives, settings: settings, seed: seed, logger: logger), seed: seed, settings: settings,
                storage: storage, logger: logger, onTrialCompleted: onTrialCompleted, objective: objective)
        case .unknownConstraints:
            var observed = Self.constraintUnaware(constraints)
            var reporting = objective
            if let objective { (observed, reporting) = Self.constraintUnaware(constraints, objective: objective) }
            return BayesianOptimizer(
                space: space, constraints: observed, objectives: objectives,
                sampler: ConstrainedGPSampler.forObjectives(objectives, settings: settings, seed: seed, logger: logger), seed: seed, settings: settings,
                storage: storage, logger: logger, onTrialCompleted: onTrialCompleted, objective: reporting)
        case .random:
            return BayesianOptimizer(
                space: space, constraints: constraints, objectives: objectives, sampler: RandomSampler(seed: seed),
                seed: seed, settings: settings, storage: storage, logger: logger, onTrialCompleted: onTrialCompleted,
                objective: objective)
        }
    }

    /// The constraint-unaware form of a problem: known constraints become observed ones of the
    /// same name and bound, and the objective reports each one's prediction among its
    /// measurements (unless it measured the metric itself, under the constraint's name or its
    /// calibration's measurement), for successes and infeasible runs.
    public static func constraintUnaware(
        _ constraints: [Constraint], objective: @escaping @Sendable (Configuration) async throws -> Evaluation
    ) -> ([Constraint], @Sendable (Configuration) async throws -> Evaluation) {
        let known = constraints.filter(\.isKnown)
        let observed = constraintUnaware(constraints)
        let reporting: @Sendable (Configuration) async throws -> Evaluation = { configuration in
            func withPredictions(_ measurements: [String: Double]) -> [String: Double] {
                var all = measurements
                for constraint in known where all[constraint.name] == nil {
                    // A calibrated constraint's own measurement, else the prediction.
                    all[constraint.name] = all[constraint.measurementKey] ?? constraint.prediction(for: configuration)
                }
                return all
            }
            switch try await objective(configuration) {
            case let .success(value, measurements): return .success(objective: value, measurements: withPredictions(measurements))
            case let .infeasible(reason, measurements): return .infeasible(reason: reason, measurements: withPredictions(measurements))
            }
        }
        return (observed, reporting)
    }

    /// Known constraints declared observed, with the same names, bounds and directions.
    public static func constraintUnaware(_ constraints: [Constraint]) -> [Constraint] {
        constraints.map { constraint in
            constraint.isKnown
                ? Constraint(name: constraint.name, bound: constraint.bound, direction: constraint.direction, kind: .observed)
                : constraint
        }
    }
}
