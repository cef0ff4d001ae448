import Foundation
import LinearAlgebra

/// The log marginal likelihood of a constant-mean GP and its gradient in the log
/// hyper-parameters `θ = [log ℓ₁ … log ℓ_d, log σ², log σₙ², m]`, on standardised targets `z`:
///
///     log p(z | θ) = −½ (z − m)ᵀ K⁻¹ (z − m) − ½ log|K| − (n/2) log 2π,   K = σ²κ + σₙ²I
///     ∂/∂θᵢ        = ½ tr((ααᵀ − K⁻¹) ∂K/∂θᵢ)   for the kernel parameters,   ∂/∂m = Σ α
///
/// (Rasmussen & Williams 2006, eq. 5.9). The trace terms need every element of `K⁻¹`, formed
/// once by `dpotri` from the factor; each term is then an O(n²) pass over the packed lower
/// triangle: `∂K/∂log ℓₖ = σ²κ′(r²)(−2Δₖ²/ℓₖ²)`, `∂K/∂log σ² = σ²κ`, `∂K/∂log σₙ² = σₙ²I`.
struct MarginalLikelihood {
    let inputs: Matrix
    let standardizedTargets: [Double]
    let kernel: any StationaryKernel

    /// Value and gradient at `θ`, or `nil` when the kernel matrix cannot be factorised.
    ///
    /// - Complexity: O(n³) (one `dpotrf`, one `dpotri`) plus O(n²·d).
    func evaluate(_ θ: [Double], withGradient: Bool) -> (value: Double, gradient: [Double])? {
        let n = inputs.rows
        let d = inputs.columns
        let hyperparameters = GaussianProcessHyperparameters(logParameters: θ)
        guard (try? hyperparameters.validate(dimension: d)) != nil else { return nil }
        let scaled = ScaledDistances.scaled(inputs, lengthscales: hyperparameters.lengthscales)
        var correlations = ScaledDistances.packedLowerTriangle(scaled)
        var derivatives = [Double](repeating: 0, count: withGradient ? correlations.count : 0)
        correlations.withUnsafeMutableBufferPointer { pk in
            if withGradient {
                derivatives.withUnsafeMutableBufferPointer { pd in kernel.applyCorrelation(to: pk, derivatives: pd) }
            } else {
                kernel.applyCorrelation(to: pk, derivatives: nil)
            }
        }
        let covariance = GaussianProcess.trainingCovariance(
            packedCorrelations: correlations, order: n, hyperparameters: hyperparameters)
        guard let factor = try? CholeskyFactor(covariance) else { return nil }
        let residual = standardizedTargets.map { $0 - hyperparameters.mean }
        let alpha = factor.solve(residual)
        let value = -0.5 * dot(residual, alpha) - 0.5 * factor.logDeterminant - 0.5 * Double(n) * log(2 * Double.pi)
        guard value.isFinite else { return nil }
        guard withGradient else { return (value, []) }

        let inverse = factor.inverse(fillingUpperTriangle: false)
        let signal = hyperparameters.signalVariance
        var signalTerm = 0.0
        var noiseTrace = 0.0
        // Overwrite the packed κ′ with P = weight · Wₐᵦ · σ²κ′ₐᵦ, W = ααᵀ − K⁻¹, weight 2 off the diagonal.
        inverse.elements.withUnsafeBufferPointer { pi in
            correlations.withUnsafeBufferPointer { pk in
                derivatives.withUnsafeMutableBufferPointer { pd in
                    for b in 0..<n {
                        let offset = ScaledDistances.packedOffset(column: b, order: n) - b
                        let alphaB = alpha[b]
                        let diagonal = alphaB * alphaB - pi[b + b * n]
                        noiseTrace += diagonal
                        signalTerm += diagonal * pk[offset + b]
                        pd[offset + b] = 0
                        for a in (b + 1)..<max(n, b + 1) {
                            let w = 2 * (alpha[a] * alphaB - pi[a + b * n])
                            signalTerm += w * pk[offset + a]
                            pd[offset + a] = w * signal * pd[offset + a]
                        }
                    }
                }
            }
        }
        var gradient = [Double](repeating: 0, count: d + 3)
        scaled.elements.withUnsafeBufferPointer { ps in
            derivatives.withUnsafeBufferPointer { pd in
                for b in 0..<n {
                    let offset = ScaledDistances.packedOffset(column: b, order: n) - b
                    for k in 0..<d {
                        let column = ps.baseAddress! + k * n
                        let xb = column[b]
                        var sum = 0.0
                        for a in (b + 1)..<max(n, b + 1) {
                            let difference = column[a] - xb
                            sum += pd[offset + a] * difference * difference
                        }
                        gradient[k] -= sum
                    }
                }
            }
        }
        gradient[d] = 0.5 * signal * signalTerm
        gradient[d + 1] = 0.5 * hyperparameters.noiseVariance * noiseTrace
        gradient[d + 2] = alpha.reduce(0, +)
        return (value, gradient)
    }
}

extension GaussianProcess {
    /// The log marginal likelihood of the standardised targets under this model's
    /// hyper-parameters (add `−n·log(outputScale)` for the original units).
    ///
    /// - Complexity: O(n²), from the stored factor.
    public var logMarginalLikelihood: Double {
        let residual = targets.map { ($0 - outputShift) / outputScale - hyperparameters.mean }
        return -0.5 * dot(residual, alpha) - 0.5 * factor.logDeterminant - 0.5 * Double(count) * log(2 * Double.pi)
    }

    /// The gradient of ``logMarginalLikelihood`` with respect to
    /// ``GaussianProcessHyperparameters/logParameters``.
    ///
    /// - Complexity: O(n³) (a fresh factor and one `dpotri`) plus O(n²·d).
    public func logMarginalLikelihoodGradient() -> [Double] {
        let evaluator = MarginalLikelihood(
            inputs: inputs, standardizedTargets: targets.map { ($0 - outputShift) / outputScale }, kernel: kernel)
        // The model exists, so its kernel matrix factorises: evaluate cannot return nil here.
        return evaluator.evaluate(hyperparameters.logParameters, withGradient: true)!.gradient
    }
}
