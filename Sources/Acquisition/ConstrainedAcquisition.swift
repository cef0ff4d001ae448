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

    public init(objective: GaussianProcess?, incumbent: Double?, constraints: [ConstraintModel]) {
        self.objective = objective
        self.incumbent = incumbent
        self.constraints = constraints
    }

    /// Whether the objective's log EI is part of the acquisition.
    public var usesExpectedImprovement: Bool { objective != nil && incumbent != nil }

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
        if usesExpectedImprovement, let objective, let incumbent {
            guard let posterior = try? objective.posterior(at: points) else {
                return [Double](repeating: -.infinity, count: points.rows)
            }
            for i in 0..<points.rows {
                let sd = Self.standardDeviation(posterior.variance[i], model: objective)
                total[i] += LogExpectedImprovement.value(
                    mean: posterior.mean[i], standardDeviation: sd, incumbent: incumbent).value
            }
        }
        for constraint in constraints {
            guard let posterior = try? constraint.model.posterior(at: points) else {
                return [Double](repeating: -.infinity, count: points.rows)
            }
            for i in 0..<points.rows {
                let sd = Self.standardDeviation(posterior.variance[i], model: constraint.model)
                total[i] += LogProbabilityOfFeasibility.value(
                    mean: posterior.mean[i], standardDeviation: sd, bound: constraint.bound,
                    direction: constraint.direction).value
            }
        }
        return total
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
        if usesExpectedImprovement, let objective, let incumbent {
            guard add(objective, { LogExpectedImprovement.value(mean: $0, standardDeviation: $1, incumbent: incumbent) })
            else { return (-.infinity, gradient) }
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
