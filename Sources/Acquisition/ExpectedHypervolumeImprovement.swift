import Foundation
import GaussianProcess
import LinearAlgebra

/// The exact expected hypervolume improvement for two measured objectives, each with its own
/// GP (independent posteriors), both minimised, in logs; weighted by observed constraints'
/// probabilities of feasibility like ``ConstrainedLogExpectedImprovement``.
///
/// With the front sorted by the first objective, p₁ … pₙ (the second then decreasing), the
/// region a point y adds is cut into vertical strips `[lᵢ, uᵢ)` of the first objective, on each
/// of which the front stands at a level hᵢ of the second (l₀ = −∞, h₀ = r₂; lᵢ = pᵢ,₁,
/// hᵢ = pᵢ,₂; uᵢ = pᵢ₊₁,₁, uₙ = r₁). Its area there is `(uᵢ − max(y₁, lᵢ))⁺ (hᵢ − y₂)⁺`,
/// and with y₁, y₂ independent
///
///     E[HVI] = Σᵢ (EI₁(uᵢ) − EI₁(lᵢ)) · EI₂(hᵢ),
///
/// where EIₖ(c) is the expected improvement of objective k below c (Emmerich et al. 2006's
/// closed form, written with expected improvements). Each term is computed in logs from
/// ``LogExpectedImprovement`` (the difference by `log1mexp`), so far from the front the
/// acquisition stays finite.
public struct TwoObjectiveLogExpectedHypervolumeImprovement: Sendable {
    public var first: GaussianProcess
    public var second: GaussianProcess
    /// Nondominated points `[f₁, f₂]` in the models' (transformed) units.
    public let front: [[Double]]
    public let reference: [Double]
    public var constraints: [ConstraintModel]

    public init(first: GaussianProcess, second: GaussianProcess, front: [[Double]], reference: [Double], constraints: [ConstraintModel]) {
        precondition(reference.count == 2)
        self.first = first
        self.second = second
        self.front = front.filter { $0[0] < reference[0] && $0[1] < reference[1] }.sorted { $0[0] < $1[0] }
        self.reference = reference
        self.constraints = constraints
    }

    /// `log E[HVI]` for independent `y₁ ~ N(μ₁, σ₁²)`, `y₂ ~ N(μ₂, σ₂²)`.
    public func logExpectedImprovement(mean1: Double, sd1: Double, mean2: Double, sd2: Double) -> Double {
        var terms: [Double] = []
        terms.reserveCapacity(front.count + 1)
        var lower = -Double.infinity, level = reference[1]
        for index in 0...front.count {
            let upper = index < front.count ? front[index][0] : reference[0]
            let logUpper = LogExpectedImprovement.value(mean: mean1, standardDeviation: sd1, incumbent: upper).value
            var logWidth = logUpper
            if lower > -.infinity {
                let logLower = LogExpectedImprovement.value(mean: mean1, standardDeviation: sd1, incumbent: lower).value
                if logLower > -.infinity {
                    logWidth = logLower >= logUpper ? -.infinity : logUpper + logOneMinusExp(logLower - logUpper)
                }
            }
            let logHeight = LogExpectedImprovement.value(mean: mean2, standardDeviation: sd2, incumbent: level).value
            let term = logWidth + logHeight
            if term > -.infinity { terms.append(term) }
            if index < front.count { (lower, level) = (front[index][0], front[index][1]) }
        }
        guard let top = terms.max() else { return -.infinity }
        return top + log(terms.reduce(0) { $0 + exp($1 - top) })
    }

    public func values(at points: Matrix) -> [Double] {
        guard let one = try? first.posterior(at: points), let two = try? second.posterior(at: points) else {
            return [Double](repeating: -.infinity, count: points.rows)
        }
        var total = (0..<points.rows).map { i in
            logExpectedImprovement(
                mean1: one.mean[i], sd1: ConstrainedLogExpectedImprovement.standardDeviation(one.variance[i], model: first),
                mean2: two.mean[i], sd2: ConstrainedLogExpectedImprovement.standardDeviation(two.variance[i], model: second))
        }
        guard ConstrainedLogExpectedImprovement.addLogFeasibility(of: constraints, at: points, to: &total) else {
            return [Double](repeating: -.infinity, count: points.rows)
        }
        return total
    }

    /// The value, and its gradient by forward differences (one batch of d + 1 points).
    public func valueAndGradient(at point: [Double]) -> (value: Double, gradient: [Double]) {
        let step = 1e-6
        let shifted = point.indices.map { k -> [Double] in
            var x = point
            x[k] += x[k] + step <= 1 ? step : -step
            return x
        }
        let values = self.values(at: Matrix(rowMajor: [point] + shifted))
        guard values[0] > -.infinity else { return (-.infinity, [Double](repeating: 0, count: point.count)) }
        let gradient = point.indices.map { k -> Double in
            let value = values[k + 1]
            return value.isFinite ? (value - values[0]) / (shifted[k][k] - point[k]) : 0
        }
        return (values[0], gradient)
    }
}

extension TwoObjectiveLogExpectedHypervolumeImprovement: AcquisitionFunction {}
