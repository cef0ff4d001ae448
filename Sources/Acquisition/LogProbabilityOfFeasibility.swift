/// Which side of its bound a constraint must stay on.
public enum ConstraintDirection: String, Sendable, Codable, Equatable {
    /// value ≤ bound.
    case atMost
    /// value ≥ bound.
    case atLeast

    /// Whether `value` satisfies the constraint.
    public func isSatisfied(_ value: Double, bound: Double) -> Bool {
        self == .atMost ? value <= bound : value >= bound
    }
}

/// Log probability that a constraint modelled by a Gaussian holds, with its gradient in the
/// posterior mean and standard deviation.
public enum LogProbabilityOfFeasibility {
    /// `log P(g ≤ bound)` (`atMost`) or `log P(g ≥ bound)` (`atLeast`) for
    /// `g ~ N(mean, standardDeviation²)`: `log Φ(w)` with `w = (bound − μ)/σ` or `(μ − bound)/σ`,
    /// through ``logNormalCDF(_:)`` so it stays finite and informative far into the infeasible
    /// region. With σ = 0 it is 0 or −∞.
    public static func value(
        mean: Double, standardDeviation: Double, bound: Double, direction: ConstraintDirection
    ) -> (value: Double, meanDerivative: Double, standardDeviationDerivative: Double) {
        let sign = direction == .atMost ? 1.0 : -1.0
        guard standardDeviation > 0 else {
            return direction.isSatisfied(mean, bound: bound) ? (0, 0, 0) : (-.infinity, 0, 0)
        }
        let w = sign * (bound - mean) / standardDeviation
        let (value, slope) = logNormalCDF(w)
        return (value, -sign * slope / standardDeviation, -w * slope / standardDeviation)
    }
}
