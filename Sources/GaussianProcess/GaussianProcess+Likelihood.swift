import Foundation
import LinearAlgebra

/// The log marginal likelihood of a constant-mean GP and its gradient in the log
/// hyper-parameters `θ = [log ℓ₁ … log ℓ_d, log σ², log σₙ², m]`, on standardised targets `z`:
///
///     log p(z | θ) = −½ rᵀ K⁻¹ r − ½ log|K| − (n/2) log 2π,   r = z − m,  K = σ²κ + σₙ²I
///     ∂/∂θᵢ        = ½ tr(W ∂K/∂θᵢ),  W = ααᵀ − K⁻¹,  α = K⁻¹r;     ∂/∂m = Σ α
///
/// (Rasmussen & Williams 2006, eq. 5.9). The trace terms need every element of `K⁻¹`, formed
/// once by `dpotri` in the factor's storage. Then, with `P = W ∘ σ²κ′` (κ′ = dκ/d(r²)) and
/// inputs `s = x/ℓ` centred per dimension (distances do not change; cancellation shrinks):
///
/// - lengthscales: `½ Σₐᵦ Wₐᵦ σ²κ′ₐᵦ (−2Δₐᵦₖ²) = −Σₐᵦ Pₐᵦ (sₐₖ − sᵦₖ)²
///   = −2 Σₐ sₐₖ² (P𝟙)ₐ + 2 sₖᵀ P sₖ`, all d of them from one `dsymm` of P with `[s, 𝟙]`;
/// - signal variance: `½ Σ W ∘ σ²κ = ½ (rᵀα − n − (σₙ² + jitter) tr W)`, because
///   `Σ W ∘ K = αᵀKα − tr(K⁻¹K)`: no pass over the matrix at all;
/// - noise variance: `½ σₙ² tr W`.
///
/// Cost: one `dpotrf`, one `dpotri`, one `dsymm` with d + 1 columns, one O(n²) pass to form P,
/// and n(n+1)/2 kernel evaluations. The kernel matrix is assembled in the matrix that `dpotrf`
/// factorises and `dpotri` inverts, and that storage (and the κ′ buffer) is kept for the next
/// evaluation: a fit evaluates the likelihood dozens of times, and fresh n² buffers would cost
/// a page fault per 4 KiB each time (at n = 1000 that was a fifth of the evaluation).
///
/// An instance is the likelihood of one data set; call it with different hyper-parameters.
/// It keeps mutable buffers, so it is not `Sendable`: use one per task.
public final class MarginalLikelihood {
    let inputs: Matrix
    let standardizedTargets: [Double]
    let kernel: any StationaryKernel
    private var workspace: Matrix?
    private var derivatives: [Double] = []

    init(inputs: Matrix, standardizedTargets: [Double], kernel: any StationaryKernel) {
        self.inputs = inputs
        self.standardizedTargets = standardizedTargets
        self.kernel = kernel
    }

    /// The likelihood of `targets` at `inputs`, standardised as a model would standardise them.
    ///
    /// - Throws: ``GaussianProcessError`` for empty, mismatched or non-finite data.
    public convenience init(
        inputs: Matrix, targets: [Double], kernel: any StationaryKernel = Matern52Kernel()
    ) throws(GaussianProcessError) {
        try GaussianProcess.validate(inputs: inputs, targets: targets)
        let (shift, scale) = GaussianProcess.standardization(of: targets)
        self.init(inputs: inputs, standardizedTargets: targets.map { ($0 - shift) / scale }, kernel: kernel)
    }

    /// `log p(z | θ)` and its gradient in ``GaussianProcessHyperparameters/logParameters``.
    ///
    /// - Throws: ``GaussianProcessError`` for invalid hyper-parameters, or
    ///   ``GaussianProcessError/factorization(_:)`` when the kernel matrix cannot be factorised.
    /// - Complexity: O(n³): one `dpotrf`, one `dpotri`, one `dsymm`; no n² allocation after the first call.
    public func valueAndGradient(
        at hyperparameters: GaussianProcessHyperparameters
    ) throws(GaussianProcessError) -> (value: Double, gradient: [Double]) {
        try hyperparameters.validate(dimension: inputs.columns)
        guard let result = evaluate(hyperparameters.logParameters, withGradient: true) else {
            // Reproduce the factorisation error for the caller.
            do {
                _ = try CholeskyFactor(order: inputs.rows) { matrix in
                    ScaledDistances.fillTrainingCovariance(
                        &matrix, scaledInputs: ScaledDistances.scaled(inputs, lengthscales: hyperparameters.lengthscales),
                        kernel: kernel, signalVariance: hyperparameters.signalVariance,
                        noiseVariance: hyperparameters.noiseVariance, derivatives: nil)
                }
            } catch { throw .factorization(error) }
            throw .fitFailed(reason: "the log marginal likelihood is not finite")
        }
        return result
    }

    /// Value and gradient at `θ`, or `nil` when the kernel matrix cannot be factorised.
    func evaluate(_ θ: [Double], withGradient: Bool) -> (value: Double, gradient: [Double])? {
        let n = inputs.rows
        let d = inputs.columns
        let hyperparameters = GaussianProcessHyperparameters(logParameters: θ)
        guard (try? hyperparameters.validate(dimension: d)) != nil else { return nil }
        let scaled = ScaledDistances.scaled(inputs, lengthscales: hyperparameters.lengthscales)
        if withGradient && derivatives.count != n * (n + 1) / 2 {
            derivatives = [Double](repeating: 0, count: n * (n + 1) / 2)
        }
        let signal = hyperparameters.signalVariance
        let noise = hyperparameters.noiseVariance
        let reusable = workspace.take()
        let factorOrNil = derivatives.withUnsafeMutableBufferPointer { pd in
            try? CholeskyFactor(order: n, reusing: reusable) { matrix in
                ScaledDistances.fillTrainingCovariance(
                    &matrix, scaledInputs: scaled, kernel: kernel, signalVariance: signal, noiseVariance: noise,
                    derivatives: withGradient ? pd : nil)
            }
        }
        guard let factor = factorOrNil else { return nil }
        let residual = standardizedTargets.map { $0 - hyperparameters.mean }
        let alpha = factor.solve(residual)
        let fit = dot(residual, alpha)
        let value = -0.5 * fit - 0.5 * factor.logDeterminant - 0.5 * Double(n) * log(2 * Double.pi)
        guard value.isFinite, withGradient else {
            workspace = factor.releasingStorage()
            return value.isFinite ? (value, []) : nil
        }

        let jitter = factor.jitter
        // P = (ααᵀ − K⁻¹) ∘ σ²κ′ in the lower triangle of K⁻¹'s storage; zero diagonal (Δ = 0 there).
        var weights = factor.takeInverse(fillingUpperTriangle: false)
        var traceW = 0.0
        weights.elements.withUnsafeMutableBufferPointer { pw in
            derivatives.withUnsafeBufferPointer { pd in
                alpha.withUnsafeBufferPointer { pa in
                    for b in 0..<n {
                        let column = pw.baseAddress! + b * n
                        let packed = pd.baseAddress! + ScaledDistances.packedOffset(column: b, order: n) - b
                        let alphaB = pa[b]
                        traceW += alphaB * alphaB - column[b]
                        column[b] = 0
                        for a in (b + 1)..<max(n, b + 1) {
                            column[a] = (pa[a] * alphaB - column[a]) * packed[a]
                        }
                    }
                }
            }
        }

        // [s − mean(s), 𝟙]: centring leaves every Δ unchanged and keeps the expansion accurate.
        var augmented = Matrix(rows: n, columns: d + 1)
        scaled.elements.withUnsafeBufferPointer { ps in
            augmented.elements.withUnsafeMutableBufferPointer { pa in
                for k in 0..<d {
                    var mean = 0.0
                    for a in 0..<n { mean += ps[a + k * n] }
                    mean /= Double(n)
                    for a in 0..<n { pa[a + k * n] = ps[a + k * n] - mean }
                }
                for a in 0..<n { pa[a + d * n] = 1 }
            }
        }
        let product = Matrix.symmetricProduct(weights, triangle: .lower, augmented)  // n × (d+1)
        var gradient = [Double](repeating: 0, count: d + 3)
        augmented.elements.withUnsafeBufferPointer { pa in
            product.elements.withUnsafeBufferPointer { pp in
                for k in 0..<d {
                    var sum = 0.0
                    for a in 0..<n {
                        let s = pa[a + k * n]
                        sum += s * (s * pp[a + d * n] - pp[a + k * n])
                    }
                    gradient[k] = -2 * sum
                }
            }
        }
        gradient[d] = 0.5 * (fit - Double(n) - (noise + jitter) * traceW)
        gradient[d + 1] = 0.5 * noise * traceW
        gradient[d + 2] = alpha.reduce(0, +)
        workspace = weights
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

extension GaussianProcess {
    /// The log marginal likelihood of `targets` (standardised as a model would) and its
    /// gradient in ``GaussianProcessHyperparameters/logParameters``, without building a
    /// model. To evaluate it many times on the same data, keep a ``MarginalLikelihood``.
    ///
    /// - Throws: ``GaussianProcessError`` for bad data or hyper-parameters, or
    ///   ``GaussianProcessError/factorization(_:)`` when the kernel matrix cannot be factorised.
    /// - Complexity: O(n³) (one `dpotrf`, one `dpotri`) plus O(n²·d).
    public static func logMarginalLikelihood(
        inputs: Matrix, targets: [Double], kernel: any StationaryKernel = Matern52Kernel(),
        hyperparameters: GaussianProcessHyperparameters
    ) throws(GaussianProcessError) -> (value: Double, gradient: [Double]) {
        try MarginalLikelihood(inputs: inputs, targets: targets, kernel: kernel).valueAndGradient(at: hyperparameters)
    }
}
