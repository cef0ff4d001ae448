import Foundation
import LinearAlgebra

/// The expected hypervolume improvement of one modelled objective at known costs: every
/// objective but the first is *known* at a candidate (a cost model's prediction), the first is
/// a Gaussian `a ~ N(μ, σ²)`. All objectives are minimised.
///
/// A candidate `q = (a, c)` adds to the hypervolume dominated by the front `P` (up to the
/// reference `r`) the region `{(z, u) : c ≤ u ≤ r_c, a ≤ z < min(r_a, h(u))}` with
/// `h(u) = min{p_a : p ∈ P, p_c ≤ u}` — a step function of the costs `u`, constant on the cells
/// of the grid that the front's cost coordinates cut between `c` and `r_c`. So
///
///     HVI(a) = Σ_cells vol(cell) · (h_cell − a)⁺,   E[HVI] = Σ_levels W_h · EI(μ, σ; h),
///
/// a sum of ordinary expected improvements below each distinct level h, weighted by the cost
/// volume W_h where the front stands at h: exact, in closed form (the one-random-objective case
/// of Emmerich's EHVI). Its logarithm is a log-sum-exp of log EIs (``LogExpectedImprovement``),
/// finite far from the front. One or two known costs: the grid has (m + 2)^k cells for a front
/// of m points.
public struct KnownCostHypervolume: Sendable {
    /// The front and the pending points believed at their means: rows `[a, c₁, …, c_k]`,
    /// minimised; only those below the reference in every coordinate (the others add nothing).
    public let front: [[Double]]
    /// The reference point `[r_a, r_c₁, …]`: only what it bounds counts.
    public let reference: [Double]
    /// The known costs at the rows of a matrix of unit-cube points (`nil` where a predictor
    /// fails: the point is never proposed).
    public var costs: @Sendable (Matrix) -> [[Double]?]

    public init(front: [[Double]], reference: [Double], costs: @escaping @Sendable (Matrix) -> [[Double]?]) {
        precondition(reference.count >= 2 && front.allSatisfy { $0.count == reference.count })
        self.front = front.filter { p in p.indices.allSatisfy { p[$0] < reference[$0] } }
        self.reference = reference
        self.costs = costs
    }

    /// The distinct levels `h` below which an improvement of the modelled objective counts at
    /// costs `c`, each with the cost volume `W_h` where it does (empty when `c` is not below
    /// the reference in every cost).
    public func levels(costs c: [Double]) -> [(level: Double, volume: Double)] {
        let k = reference.count - 1
        precondition(c.count == k)
        for j in 0..<k where !(c[j] < reference[j + 1]) { return [] }
        let points = front
        var cuts: [[Double]] = []
        for j in 0..<k {
            var values = [c[j], reference[j + 1]]
            for p in points where p[j + 1] > c[j] { values.append(p[j + 1]) }
            cuts.append(Array(Set(values)).sorted())
        }
        var volumes: [Double: Double] = [:]
        var index = [Int](repeating: 0, count: k)
        outer: while true {
            var volume = 1.0
            var lower = [Double](repeating: 0, count: k)
            for j in 0..<k {
                lower[j] = cuts[j][index[j]]
                volume *= cuts[j][index[j] + 1] - lower[j]
            }
            var level = reference[0]
            for p in points where p[0] < level {
                var below = true
                for j in 0..<k where p[j + 1] > lower[j] { below = false; break }
                if below { level = p[0] }
            }
            if volume > 0 { volumes[level, default: 0] += volume }
            for j in 0..<k {
                index[j] += 1
                if index[j] + 1 < cuts[j].count { continue outer }
                index[j] = 0
            }
            break
        }
        return volumes.map { (level: $0.key, volume: $0.value) }.sorted { $0.level < $1.level }
    }

    /// The exact hypervolume improvement of the point `(a, c)` (for tests and reports).
    public func improvement(a: Double, costs c: [Double]) -> Double {
        levels(costs: c).reduce(0) { $0 + $1.volume * max($1.level - a, 0) }
    }

    /// `log E[HVI]` at known costs with `a ~ N(mean, sd²)`, and its derivatives in the mean and
    /// the standard deviation (a log-sum-exp of ``LogExpectedImprovement`` terms).
    public func logExpectedImprovement(
        mean: Double, standardDeviation: Double, costs c: [Double]
    ) -> (value: Double, meanDerivative: Double, standardDeviationDerivative: Double) {
        let terms = levels(costs: c).compactMap { level -> (Double, Double, Double)? in
            let ei = LogExpectedImprovement.value(mean: mean, standardDeviation: standardDeviation, incumbent: level.level)
            guard ei.value > -.infinity else { return nil }
            return (ei.value + log(level.volume), ei.meanDerivative, ei.standardDeviationDerivative)
        }
        guard let top = terms.map(\.0).max() else { return (-.infinity, 0, 0) }
        var total = 0.0, dMean = 0.0, dSD = 0.0
        for (value, m, s) in terms {
            let weight = exp(value - top)
            total += weight
            dMean += weight * m
            dSD += weight * s
        }
        return (top + log(total), dMean / total, dSD / total)
    }
}
