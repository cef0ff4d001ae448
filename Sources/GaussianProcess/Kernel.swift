import LinearAlgebra

/// A covariance function `k(x, x′) = σ² κ_θ(x, x′)` that owns its hyper-parameters θ and their
/// gradients.
///
/// The GP owns what every kernel shares — the signal variance σ², the noise variance σₙ² and
/// the constant mean — and a kernel owns the rest: how many parameters it has for a given input
/// dimension, their priors and bounds, the correlation `κ_θ`, and the derivatives the fit and
/// the acquisition need. All kernel parameters are positive and fitted in log space; they sit
/// first in ``GaussianProcessHyperparameters/logParameters``.
///
/// Kernels work on whole matrices, so that one dynamic call covers n² pairs. The stationary
/// kernels (``StationaryKernel``: Matérn, squared exponential) get every requirement from one
/// function of the squared scaled distance, and keep the fast paths of the first design
/// (distances from pre-scaled inputs, the lengthscale gradient from one `dsymm`). A kernel of
/// another family — ``HammingKernel`` for categorical inputs — is one new file.
///
/// The contract, with `F` the kernel's ``features(of:parameters:)`` of the training inputs:
/// - ``fillCovariance(_:features:parameters:signalVariance:noiseVariance:workspace:)`` writes
///   the lower triangle of `σ²κ + σₙ²I`; given a workspace, it keeps there what
///   ``parameterGradient(weights:features:parameters:workspace:)`` will need;
/// - `parameterGradient` returns `½ Σₐᵦ Wₐᵦ ∂Kₐᵦ/∂log θᵢ` for a symmetric W given in its lower
///   triangle (the likelihood's `ααᵀ − K⁻¹`);
/// - ``crossCovariance(features:pointFeatures:parameters:signalVariance:withDerivatives:)``
///   returns `σ²κ(xₐ, tⱼ)` (n × m) and, when asked, the derivatives that
///   ``inputGradients(derivatives:weights:features:pointFeatures:parameters:)`` needs to return
///   `Gⱼₖ = Σₐ Wₐⱼ ∂k(xₐ, tⱼ)/∂tⱼₖ` (m × d) for the posterior's gradients in the test points.
public protocol Kernel: Sendable {
    /// A short name for reports (`"matern52"`).
    var name: String { get }

    /// The number of the kernel's hyper-parameters for inputs with `dimension` columns.
    func parameterCount(dimension: Int) -> Int

    /// The name of parameter `index` in errors and reports (`"lengthscale[2]"`).
    func parameterName(_ index: Int, dimension: Int) -> String

    /// A log-normal prior and bounds for each parameter, derived from the fit's priors.
    func parameterPriors(dimension: Int, priors: HyperparameterPriors) -> [KernelParameterPrior]

    /// What the kernel keeps of the rows of `points` (m × d) under `parameters`; computed
    /// once per model for the training inputs and once per batch for test points (the
    /// stationary kernels divide each column by its lengthscale).
    func features(of points: Matrix, parameters: [Double]) -> Matrix

    /// Writes `σ²κ + σₙ²I` of the training set into the lower triangle of `matrix` (n × n,
    /// diagonal included; the upper triangle is left alone). With a `workspace`, keeps there
    /// what ``parameterGradient(weights:features:parameters:workspace:)`` needs.
    func fillCovariance(
        _ matrix: inout Matrix, features: Matrix, parameters: [Double], signalVariance: Double,
        noiseVariance: Double, workspace: KernelWorkspace?)

    /// `½ Σₐᵦ Wₐᵦ ∂Kₐᵦ/∂log θᵢ` for each kernel parameter, `K` the covariance of the last
    /// ``fillCovariance(_:features:parameters:signalVariance:noiseVariance:workspace:)`` with
    /// this workspace, and `W` symmetric, given in the lower triangle of `weights` (which the
    /// kernel may overwrite).
    func parameterGradient(
        weights: inout Matrix, features: Matrix, parameters: [Double], workspace: KernelWorkspace) -> [Double]

    /// `σ²κ(xₐ, tⱼ)` between training features (n rows) and test features (m rows), n × m,
    /// with what ``inputGradients(derivatives:weights:features:pointFeatures:parameters:)``
    /// needs when `withDerivatives` is set.
    func crossCovariance(
        features: Matrix, pointFeatures: Matrix, parameters: [Double], signalVariance: Double,
        withDerivatives: Bool) -> CrossCovariance

    /// `Gⱼₖ = Σₐ Wₐⱼ ∂k(xₐ, tⱼ)/∂tⱼₖ` (m × d) for each weight matrix W of n rows and either m
    /// columns or one column used for every test point. `derivatives` is the
    /// ``CrossCovariance/derivatives`` of these features, handed over so that the kernel may
    /// work in its storage (pass it with `take()`).
    func inputGradients(
        derivatives: consuming Matrix?, weights: [Matrix], features: Matrix, pointFeatures: Matrix,
        parameters: [Double]) -> [Matrix]
}

/// A log-normal prior on a positive kernel parameter and the bounds of its fit.
public struct KernelParameterPrior: Sendable, Equatable {
    /// The prior on the parameter's logarithm.
    public var prior: LogNormalPrior
    /// Bounds on the parameter itself (positive).
    public var bounds: ClosedRange<Double>

    public init(prior: LogNormalPrior, bounds: ClosedRange<Double>) {
        precondition(bounds.lowerBound > 0, "kernel parameters are positive: bounds must be too")
        self.prior = prior
        self.bounds = bounds
    }
}

/// The covariance between training and test points, with whatever the kernel needs for the
/// gradients in the test points (for the stationary kernels `σ² dκ/d(r²)`, n × m).
public struct CrossCovariance: Sendable {
    /// `σ²κ(xₐ, tⱼ)`, n × m.
    public var values: Matrix
    /// Kernel-specific data for ``Kernel/inputGradients(derivatives:weights:features:pointFeatures:parameters:)``.
    public var derivatives: Matrix?

    public init(values: Matrix, derivatives: Matrix?) {
        self.values = values
        self.derivatives = derivatives
    }
}

/// Buffers a kernel keeps between filling the training covariance and computing the
/// likelihood's gradient; reused from one likelihood evaluation to the next so that a fit
/// allocates its n² buffers once. One per ``MarginalLikelihood`` (not shared across tasks).
public final class KernelWorkspace {
    /// Storage the kernel sizes and interprets as it likes.
    public var buffer: [Double] = []

    public init() {}

    /// Makes ``buffer`` hold `count` values (contents unspecified when it grows).
    public func reserve(_ count: Int) {
        if buffer.count != count { buffer = [Double](repeating: 0, count: count) }
    }
}

extension Kernel {
    /// `"lengthscale[i]"`: every kernel in this module has one lengthscale per input column.
    public func parameterName(_ index: Int, dimension: Int) -> String { "lengthscale[\(index)]" }

    /// The lengthscale prior and bounds of `priors` for each parameter.
    public func parameterPriors(dimension: Int, priors: HyperparameterPriors) -> [KernelParameterPrior] {
        let count = parameterCount(dimension: dimension)
        if let columns = priors.columnLengthscales, columns.count == count {
            return columns.map { KernelParameterPrior(prior: $0, bounds: priors.lengthscaleBounds) }
        }
        let prior = KernelParameterPrior(prior: priors.lengthscalePrior(dimension: dimension), bounds: priors.lengthscaleBounds)
        return [KernelParameterPrior](repeating: prior, count: count)
    }

    /// `σ²κ` among the rows of `points` themselves (m × m), from their features.
    func covariance(amongFeatures pointFeatures: Matrix, parameters: [Double], signalVariance: Double) -> Matrix {
        crossCovariance(
            features: pointFeatures, pointFeatures: pointFeatures, parameters: parameters,
            signalVariance: signalVariance, withDerivatives: false
        ).values
    }
}
