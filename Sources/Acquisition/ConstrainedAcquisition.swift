import Foundation
import GaussianProcess
import LinearAlgebra

/// A constraint learned from observations: a GP of the constraint's value and its bound.
public struct ConstraintModel: Sendable {
    /// The GP of the constrained quantity.
    public var model: GaussianProcess
    /// The bound.
    public var bound: Double
    /// Which side of the bound is feasible.
    public var direction: ConstraintDirection

    public init(model: GaussianProcess, bound: Double, direction: ConstraintDirection) {
        self.model = model
        self.bound = bound
        self.direction = direction
    }
}

/// The constrained acquisition of HyperPower, for minimisation:
///
///     α(x) = log EI(x) + Σᵢ log PoFᵢ(x)
///
/// where EI is the expected improvement of the objective GP below the best feasible value
/// observed (the incumbent) and PoFᵢ the probability that observed constraint i holds (Gardner
/// et al. 2014; Gelbart, Snoek & Adams 2014; in logs, Ament et al. 2023). Until a feasible
/// point has been observed there is no incumbent and α = Σᵢ log PoFᵢ: the search looks for
/// feasibility first. Known constraints are not part of α: the maximiser never evaluates α
/// outside the known-feasible region (−∞ there by construction).
public struct ConstrainedLogExpectedImprovement: Sendable {
    /// The objective's GP (`nil` before any successful evaluation: then only PoF counts).
    public var objective: GaussianProcess?
    /// The best feasible objective value observed, or `nil` if none.
    public var incumbent: Double?
    /// Observed constraints.
    public var constraints: [ConstraintModel]
    /// With known costs as further objectives: the log expected hypervolume improvement
    /// replaces log EI (the incumbent is then unused).
    public var hypervolume: KnownCostHypervolume?

    public init(objective: GaussianProcess?, incumbent: Double?, constraints: [ConstraintModel], hypervolume: KnownCostHypervolume? = nil) {
        self.objective = objective
        self.incumbent = incumbent
        self.constraints = constraints
        self.hypervolume = hypervolume
    }

    /// Whether the objective's log EI (or log EHVI) is part of the acquisition.
    public var usesExpectedImprovement: Bool { objective != nil && (incumbent != nil || hypervolume != nil) }

    /// The objective's term at one point: log EHVI at the point's known costs, else log EI.
    func improvementTerm(
        mean: Double, standardDeviation: Double, costs: [Double]?
    ) -> (value: Double, meanDerivative: Double, standardDeviationDerivative: Double) {
        if let hypervolume {
            guard let costs else { return (-.infinity, 0, 0) }
            return hypervolume.logExpectedImprovement(mean: mean, standardDeviation: standardDeviation, costs: costs)
        }
        return LogExpectedImprovement.value(mean: mean, standardDeviation: standardDeviation, incumbent: incumbent ?? .infinity)
    }

    /// Posterior standard deviation with a floor far below any meaningful uncertainty, so that
    /// points that coincide with observations keep a finite gradient.
    static func standardDeviation(_ variance: Double, model: GaussianProcess) -> Double {
        max(variance, 1e-20 * model.outputScale * model.outputScale).squareRoot()
    }

    /// α at each row of `points` (n × d). Points where a model cannot predict give −∞.
    ///
    /// - Complexity: one batch posterior per model.
    public func values(at points: Matrix) -> [Double] {
        var total = [Double](repeating: 0, count: points.rows)
        if usesExpectedImprovement, let objective {
            guard let posterior = try? objective.posterior(at: points) else {
                return [Double](repeating: -.infinity, count: points.rows)
            }
            let costs = hypervolume?.costs(points)
            for i in 0..<points.rows {
                let sd = Self.standardDeviation(posterior.variance[i], model: objective)
                total[i] += improvementTerm(mean: posterior.mean[i], standardDeviation: sd, costs: costs?[i]).value
            }
        }
        guard Self.addLogFeasibility(of: constraints, at: points, to: &total) else {
            return [Double](repeating: -.infinity, count: points.rows)
        }
        return total
    }

    /// Adds each constraint's log probability of feasibility at the rows of `points` to
    /// `total`; `false` when a model cannot predict.
    static func addLogFeasibility(of constraints: [ConstraintModel], at points: Matrix, to total: inout [Double]) -> Bool {
        for constraint in constraints {
            guard let posterior = try? constraint.model.posterior(at: points) else { return false }
            for i in 0..<points.rows {
                let sd = standardDeviation(posterior.variance[i], model: constraint.model)
                total[i] += LogProbabilityOfFeasibility.value(
                    mean: posterior.mean[i], standardDeviation: sd, bound: constraint.bound,
                    direction: constraint.direction).value
            }
        }
        return true
    }

    /// α and ∇α at one point, from each model's posterior gradients:
    /// `∂α/∂x = Σ_models (∂α/∂μ ∂μ/∂x + ∂α/∂σ ∂σ²/∂x / (2σ))`.
    public func valueAndGradient(at point: [Double]) -> (value: Double, gradient: [Double]) {
        let d = point.count
        let matrix = Matrix(rows: 1, columns: d, elements: point)
        var value = 0.0
        var gradient = [Double](repeating: 0, count: d)
        func add(
            _ model: GaussianProcess,
            _ term: (Double, Double) -> (value: Double, meanDerivative: Double, standardDeviationDerivative: Double)
        ) -> Bool {
            guard let posterior = try? model.posteriorWithGradients(at: matrix) else { return false }
            let sd = Self.standardDeviation(posterior.variance[0], model: model)
            let (v, dMean, dSD) = term(posterior.mean[0], sd)
            value += v
            for k in 0..<d {
                gradient[k] += dMean * posterior.meanGradient[0, k] + dSD * posterior.varianceGradient[0, k] / (2 * sd)
            }
            return true
        }
        if usesExpectedImprovement, let objective {
            if let hypervolume {
                // The known costs' part of the gradient by forward differences of the costs.
                let steps = (0..<d).map { k -> [Double] in
                    var x = point
                    x[k] += x[k] + 1e-6 <= 1 ? 1e-6 : -1e-6
                    return x
                }
                let costs = hypervolume.costs(Matrix(rowMajor: [point] + steps))
                guard let here = costs[0] else { return (-.infinity, gradient) }
                var base: (mean: Double, sd: Double, value: Double)?
                guard add(objective, { mean, sd in
                    let term = hypervolume.logExpectedImprovement(mean: mean, standardDeviation: sd, costs: here)
                    base = (mean, sd, term.value)
                    return term
                }), let base else { return (-.infinity, gradient) }
                let center = base.value
                for k in 0..<d {
                    guard let moved = costs[k + 1] else { continue }
                    let shifted = hypervolume.logExpectedImprovement(mean: base.mean, standardDeviation: base.sd, costs: moved).value
                    guard shifted.isFinite, center.isFinite else { continue }
                    gradient[k] += (shifted - center) / (steps[k][k] - point[k])
                }
            } else {
                guard add(objective, { improvementTerm(mean: $0, standardDeviation: $1, costs: nil) })
                else { return (-.infinity, gradient) }
            }
        }
        for constraint in constraints {
            guard add(constraint.model, {
                LogProbabilityOfFeasibility.value(
                    mean: $0, standardDeviation: $1, bound: constraint.bound, direction: constraint.direction)
            }) else { return (-.infinity, gradient) }
        }
        return (value, gradient)
    }
}
