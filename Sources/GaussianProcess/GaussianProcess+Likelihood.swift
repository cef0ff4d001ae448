import Foundation
import LinearAlgebra

/// The log marginal likelihood of a constant-mean GP and its gradient in the log
/// hyper-parameters `θ = [log θ₁ … log θ_p (the kernel's), log σ², log σₙ², m]`, on
/// standardised targets `z`:
///
///     log p(z | θ) = −½ rᵀ K⁻¹ r − ½ log|K| − (n/2) log 2π,   r = z − m,  K = σ²κ + σₙ²I
///     ∂/∂θᵢ        = ½ tr(W ∂K/∂θᵢ),  W = ααᵀ − K⁻¹,  α = K⁻¹r;     ∂/∂m = Σ α
///
/// (Rasmussen & Williams 2006, eq. 5.9). The trace terms need every element of `K⁻¹`, formed
/// once by `dpotri` in the factor's storage. Then:
///
/// - the kernel's parameters: ``Kernel/parameterGradient(weights:features:parameters:workspace:)``
///   (for the stationary kernels one `dsymm` with d + 1 columns gives all d lengthscales);
/// - signal variance: `½ Σ W ∘ σ²κ = ½ (rᵀα − n − (σₙ² + jitter) tr W)`, because
///   `Σ W ∘ K = αᵀKα − tr(K⁻¹K)`: no pass over the matrix at all, for any kernel;
/// - noise variance: `½ σₙ² tr W`.
///
/// Cost: one `dpotrf`, one `dpotri`, one O(n²) pass to form W, the kernel's gradient, and
/// n(n+1)/2 kernel evaluations. The kernel matrix is assembled in the matrix that `dpotrf`
/// factorises and `dpotri` inverts, and that storage (and the kernel's workspace) is kept for
/// the next evaluation: a fit evaluates the likelihood dozens of times, and fresh n² buffers
/// would cost a page fault per 4 KiB each time (at n = 1000 that was a fifth of the evaluation).
///
/// An instance is the likelihood of one data set; call it with different hyper-parameters.
/// It keeps mutable buffers, so it is not `Sendable`: use one per task.
public final class MarginalLikelihood {
    let inputs: Matrix
    let standardizedTargets: [Double]
    let kernel: any Kernel
    private var workspace: Matrix?
    private let kernelWorkspace = KernelWorkspace()

    init(inputs: Matrix, standardizedTargets: [Double], kernel: any Kernel) {
        self.inputs = inputs
        self.standardizedTargets = standardizedTargets
        self.kernel = kernel
    }

    /// The likelihood of `targets` at `inputs`, standardised as a model would standardise them.
    ///
    /// - Throws: ``GaussianProcessError`` for empty, mismatched or non-finite data.
    public convenience init(
        inputs: Matrix, targets: [Double], kernel: any Kernel = Matern52Kernel()
    ) throws(GaussianProcessError) {
        try GaussianProcess.validate(inputs: inputs, targets: targets)
        let (shift, scale) = GaussianProcess.standardization(of: targets)
        self.init(inputs: inputs, standardizedTargets: targets.map { ($0 - shift) / scale }, kernel: kernel)
    }

    /// `log p(z | θ)` and its gradient in ``GaussianProcessHyperparameters/logParameters``.
    ///
    /// - Throws: ``GaussianProcessError`` for invalid hyper-parameters, or
    ///   ``GaussianProcessError/factorization(_:)`` when the kernel matrix cannot be factorised.
    /// - Complexity: O(n³): one `dpotrf`, one `dpotri`, the kernel's gradient; no n² allocation after the first call.
    public func valueAndGradient(
        at hyperparameters: GaussianProcessHyperparameters
    ) throws(GaussianProcessError) -> (value: Double, gradient: [Double]) {
        try hyperparameters.validate(kernel: kernel, dimension: inputs.columns)
        guard let result = evaluate(hyperparameters.logParameters, withGradient: true) else {
            // Reproduce the factorisation error for the caller.
            do {
                let parameters = hyperparameters.kernelParameters
                let features = kernel.features(of: inputs, parameters: parameters)
                _ = try CholeskyFactor(order: inputs.rows) { matrix in
                    kernel.fillCovariance(
                        &matrix, features: features, parameters: parameters,
                        signalVariance: hyperparameters.signalVariance,
                        noiseVariance: hyperparameters.noiseVariance, workspace: nil)
                }
            } catch { throw .factorization(error) }
            throw .fitFailed(reason: "the log marginal likelihood is not finite")
        }
        return result
    }

    /// Value and gradient at `θ`, or `nil` when the kernel matrix cannot be factorised.
    func evaluate(_ θ: [Double], withGradient: Bool) -> (value: Double, gradient: [Double])? {
        let n = inputs.rows
        let hyperparameters = GaussianProcessHyperparameters(logParameters: θ)
        guard (try? hyperparameters.validate(kernel: kernel, dimension: inputs.columns)) != nil else { return nil }
        let parameters = hyperparameters.kernelParameters
        let features = kernel.features(of: inputs, parameters: parameters)
        let signal = hyperparameters.signalVariance
        let noise = hyperparameters.noiseVariance
        let reusable = workspace.take()
        let kernelWorkspace = withGradient ? self.kernelWorkspace : nil
        let factorOrNil = try? CholeskyFactor(order: n, reusing: reusable) { matrix in
            kernel.fillCovariance(
                &matrix, features: features, parameters: parameters, signalVariance: signal, noiseVariance: noise,
                workspace: kernelWorkspace)
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
        // W = ααᵀ − K⁻¹ in the lower triangle of K⁻¹'s storage.
        var weights = factor.takeInverse(fillingUpperTriangle: false)
        var traceW = 0.0
        weights.elements.withUnsafeMutableBufferPointer { pw in
            alpha.withUnsafeBufferPointer { pa in
                for b in 0..<n {
                    let column = pw.baseAddress! + b * n
                    let alphaB = pa[b]
                    for a in b..<n { column[a] = pa[a] * alphaB - column[a] }
                    traceW += column[b]
                }
            }
        }
        let kernelGradient = kernel.parameterGradient(
            weights: &weights, features: features, parameters: parameters, workspace: self.kernelWorkspace)
        var gradient = kernelGradient
        gradient.append(0.5 * (fit - Double(n) - (noise + jitter) * traceW))
        gradient.append(0.5 * noise * traceW)
        gradient.append(alpha.reduce(0, +))
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
        inputs: Matrix, targets: [Double], kernel: any Kernel = Matern52Kernel(),
        hyperparameters: GaussianProcessHyperparameters
    ) throws(GaussianProcessError) -> (value: Double, gradient: [Double]) {
        try MarginalLikelihood(inputs: inputs, targets: targets, kernel: kernel).valueAndGradient(at: hyperparameters)
    }
}
