import Foundation
import GaussianProcess
import LinearAlgebra

/// The exact expected hypervolume improvement for two or three measured objectives, each with
/// its own GP (independent posteriors), all minimised, in logs; weighted by observed
/// constraints' probabilities of feasibility like ``ConstrainedLogExpectedImprovement``.
///
/// **Two objectives.** With the front sorted by the first objective, p₁ … pₙ (the second then
/// decreasing), the region a point y adds is cut into vertical strips `[lᵢ, uᵢ)` of the first
/// objective, on each of which the front stands at a level hᵢ of the second (l₀ = −∞, h₀ = r₂;
/// lᵢ = pᵢ,₁, hᵢ = pᵢ,₂; uᵢ = pᵢ₊₁,₁, uₙ = r₁). Its area there is
/// `(uᵢ − max(y₁, lᵢ))⁺ (hᵢ − y₂)⁺`, and with y₁, y₂ independent
///
///     E[HVI] = Σᵢ (EI₁(uᵢ) − EI₁(lᵢ)) · EI₂(hᵢ),
///
/// where EIₖ(c) = E[(c − yₖ)⁺] is the expected improvement of objective k below c (Emmerich et
/// al. 2006's closed form, written with expected improvements).
///
/// **Three objectives.** The same argument one dimension up: the distinct front coordinates of
/// the first two objectives cut the plane below the reference into a grid of cells
/// `[lᵢ, uᵢ) × [l′ⱼ, u′ⱼ)` (the first starting at −∞); above a cell the front stands at
/// `hᵢⱼ = min(r₃, min{p₃ : p₁ ≤ lᵢ, p₂ ≤ l′ⱼ})` — a point of the cell's column is dominated
/// exactly when its third coordinate is at least that — so the column adds
/// `(uᵢ − max(y₁, lᵢ))⁺ (u′ⱼ − max(y₂, l′ⱼ))⁺ (hᵢⱼ − y₃)⁺` and
///
///     E[HVI] = Σᵢⱼ (EI₁(uᵢ) − EI₁(lᵢ)) · (EI₂(u′ⱼ) − EI₂(l′ⱼ)) · EI₃(hᵢⱼ),
///
/// a sum over the grid's columns, from 3(n + 2) expected improvements per candidate. Along a
/// row the columns where the front stands at the same level merge (their widths telescope), so
/// the sum has one term per run of equal levels — a box decomposition of the region not
/// dominated, 4–11× fewer terms than the (n + 1)² cells for fronts of 20–200 points.
///
/// Each term is computed in logs from ``LogExpectedImprovement`` (a difference by `log1mexp`),
/// and the sum by log-sum-exp, so far from the front the acquisition stays finite.
public struct LogExpectedHypervolumeImprovement: Sendable {
    /// One GP per objective, in the front's order.
    public var models: [GaussianProcess]
    /// Nondominated points in the models' (transformed) units, strictly below the reference.
    public let front: [[Double]]
    public let reference: [Double]
    public var constraints: [ConstraintModel]
    /// Per axis but the last: −∞, the front's distinct coordinates, the reference.
    let cuts: [[Double]]
    /// The front's distinct levels on the last axis (and the reference).
    let levels: [Double]
    /// The terms of the sum: in each row (a strip of the first axis for three objectives; the
    /// one row of the plane for two) the cells of the last-but-one axis, merged into runs of
    /// consecutive cells where the front stands at the same level — the widths of a run's cells
    /// telescope to one difference of expected improvements, so a run is one term (4–11× fewer
    /// terms than cells for three-objective fronts of 20–200 points). `from` and `to` index the
    /// cuts of the last-but-one axis.
    let runs: [(row: Int, from: Int, to: Int, level: Int)]

    /// The acquisition for `models.count` (2 or 3) objectives.
    public init(models: [GaussianProcess], front: [[Double]], reference: [Double], constraints: [ConstraintModel]) {
        precondition((2...3).contains(models.count) && reference.count == models.count, "two or three objectives")
        let m = models.count
        self.models = models
        self.front = front.filter { point in point.indices.allSatisfy { point[$0] < reference[$0] } }
            .sorted { $0.lexicographicallyPrecedes($1) }
        self.reference = reference
        self.constraints = constraints
        let front = self.front
        cuts = (0..<(m - 1)).map { axis in
            [-Double.infinity] + Array(Set(front.map { $0[axis] })).sorted() + [reference[axis]]
        }
        levels = Array(Set(front.map { $0[m - 1] } + [reference[m - 1]])).sorted()
        let levelIndex = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
        // The rows' fronts: for three objectives the points whose first coordinate lies at or
        // below the row's lower edge; for two, the one row holds the whole front.
        let rowFronts = m == 2 ? [front] : cuts[0].dropLast().map { lower in front.filter { $0[0] <= lower } }
        var runs: [(row: Int, from: Int, to: Int, level: Int)] = []
        for (row, below) in rowFronts.enumerated() {
            for (column, lower) in cuts[m - 2].dropLast().enumerated() {
                let height = below.filter { $0[m - 2] <= lower }.map { $0[m - 1] }.min() ?? reference[m - 1]
                let level = levelIndex[height]!
                // Cell `column` spans cuts[m − 2][column] ..< cuts[m − 2][column + 1].
                if let last = runs.last, last.row == row, last.level == level {
                    runs[runs.count - 1].to = column + 1
                } else {
                    runs.append((row, column, column + 1, level))
                }
            }
        }
        self.runs = runs
    }

    /// `log EI` below each cut (−∞ below −∞).
    static func logExpectedImprovements(cuts: [Double], mean: Double, sd: Double) -> [Double] {
        cuts.map { cut in
            cut == -.infinity ? -.infinity : LogExpectedImprovement.value(mean: mean, standardDeviation: sd, incumbent: cut).value
        }
    }

    /// `log(EI(upper) − EI(lower))` from the two logs.
    static func logWidth(lower logLower: Double, upper logUpper: Double) -> Double {
        guard logLower > -.infinity else { return logUpper }
        return logLower >= logUpper ? -.infinity : logUpper + logOneMinusExp(logLower - logUpper)
    }

    /// Log widths `log(EI(uᵢ) − EI(lᵢ))` of the intervals between consecutive cuts.
    static func logWidths(cuts: [Double], mean: Double, sd: Double) -> [Double] {
        let logs = logExpectedImprovements(cuts: cuts, mean: mean, sd: sd)
        return (1..<cuts.count).map { logWidth(lower: logs[$0 - 1], upper: logs[$0]) }
    }

    /// `log E[HVI]` for independent `yₖ ~ N(meansₖ, standardDeviationsₖ²)`.
    public func logExpectedImprovement(means: [Double], standardDeviations: [Double]) -> Double {
        let m = models.count
        let rowWidths = m == 2 ? [0.0] : Self.logWidths(cuts: cuts[0], mean: means[0], sd: standardDeviations[0])
        let logs = Self.logExpectedImprovements(cuts: cuts[m - 2], mean: means[m - 2], sd: standardDeviations[m - 2])
        let heights = levels.map {
            LogExpectedImprovement.value(mean: means[m - 1], standardDeviation: standardDeviations[m - 1], incumbent: $0).value
        }
        // Log-sum-exp in one pass: the sum is kept relative to the largest term so far.
        var (top, sum) = (-Double.infinity, 0.0)
        for run in runs {
            let rowWidth = rowWidths[run.row]
            guard rowWidth > -.infinity else { continue }
            let term = rowWidth + Self.logWidth(lower: logs[run.from], upper: logs[run.to]) + heights[run.level]
            guard term > -.infinity else { continue }
            if term > top {
                sum = sum * exp(top - term) + 1
                top = term
            } else {
                sum += exp(term - top)
            }
        }
        return top > -.infinity ? top + log(sum) : -.infinity
    }

    public func values(at points: Matrix) -> [Double] {
        var posteriors: [(mean: [Double], variance: [Double])] = []
        for model in models {
            guard let posterior = try? model.posterior(at: points) else { return [Double](repeating: -.infinity, count: points.rows) }
            posteriors.append((posterior.mean, posterior.variance))
        }
        var total = (0..<points.rows).map { i in
            logExpectedImprovement(
                means: posteriors.map { $0.mean[i] },
                standardDeviations: models.indices.map {
                    ConstrainedLogExpectedImprovement.standardDeviation(posteriors[$0].variance[i], model: models[$0])
                })
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

extension LogExpectedHypervolumeImprovement: AcquisitionFunction {}

/// The two-objective case's former name.
public typealias TwoObjectiveLogExpectedHypervolumeImprovement = LogExpectedHypervolumeImprovement

extension LogExpectedHypervolumeImprovement {
    /// The acquisition for two objectives.
    public init(first: GaussianProcess, second: GaussianProcess, front: [[Double]], reference: [Double], constraints: [ConstraintModel]) {
        self.init(models: [first, second], front: front, reference: reference, constraints: constraints)
    }

    /// `log E[HVI]` for two objectives.
    public func logExpectedImprovement(mean1: Double, sd1: Double, mean2: Double, sd2: Double) -> Double {
        logExpectedImprovement(means: [mean1, mean2], standardDeviations: [sd1, sd2])
    }
}
