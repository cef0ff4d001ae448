import HyperPower

/// Best-so-far curves: the value of the best feasible evaluation after each evaluation.
public enum Trajectory {
    /// The best value so far after each entry (`nil` entries are infeasible evaluations; the
    /// curve is `nil` until the first feasible one).
    public static func bestSoFar(_ values: [Double?], direction: OptimizationDirection = .minimize) -> [Double?] {
        var best: Double?
        return values.map { value in
            if let value, best == nil || (direction == .minimize ? value < best! : value > best!) { best = value }
            return best
        }
    }

    /// The best feasible primary objective after each trial, in trial-number order.
    public static func bestSoFar(_ trials: [Trial], objective: Objective = .default) -> [Double?] {
        bestSoFar(trials.sorted { $0.number < $1.number }.map { $0.isFeasible ? $0.outcome.objective : nil },
                  direction: objective.direction)
    }

    /// The first evaluation (1-based) at which the curve reaches `target`, `nil` if never.
    public static func evaluationsToReach(
        _ target: Double, in curve: [Double?], direction: OptimizationDirection = .minimize
    ) -> Int? {
        curve.firstIndex { value in
            guard let value else { return false }
            return direction == .minimize ? value <= target : value >= target
        }.map { $0 + 1 }
    }
}
