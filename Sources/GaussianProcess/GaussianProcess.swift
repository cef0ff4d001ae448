import LinearAlgebra

/// The posterior of a GP at a batch of points, in the units of the training targets.
public struct Posterior: Sendable {
    /// Posterior mean of the latent function at each point.
    public var mean: [Double]
    /// Posterior variance of the latent function (noise excluded), clamped at 0.
    public var variance: [Double]
}

/// Exact Gaussian-process regression with a constant mean, a kernel (``Kernel``; Matérn-5/2
/// ARD by default) and Gaussian observation noise.
///
/// Inputs are points of the unit cube (rows of an n × d matrix; the optimiser maps search
/// spaces there). Targets are standardised inside the model — shifted by their mean and
/// divided by their standard deviation — so that hyper-parameters and priors mean the same on
/// any output scale; a constant output (standard deviation 0) keeps a scale of 1 instead of
/// failing. Predictions come back in the original units.
///
/// The model holds the Cholesky factor `L` of `K + σₙ²I` (with jitter if needed, see
/// ``jitter``) and `α = (K + σₙ²I)⁻¹(z − m)`, and the kernel's features of the training inputs
/// (for the stationary kernels, the inputs divided by the lengthscales), so a batch of m
/// predictions costs one cross-kernel (O(n·m·d)), one `dgemv` for the means and one `dtrsm` for the variances
/// (O(n²·m)).
public struct GaussianProcess: Sendable {
    /// The covariance function.
    public let kernel: any Kernel
    /// The hyper-parameters (standardised output scale).
    public let hyperparameters: GaussianProcessHyperparameters
    /// Training inputs, n × d.
    public let inputs: Matrix
    /// Training targets in their original units.
    public let targets: [Double]
    /// The shift subtracted from targets before modelling (their mean, unless given).
    public let outputShift: Double
    /// The scale targets are divided by (their standard deviation, or 1 when that is 0).
    public let outputScale: Double

    /// The kernel's features of the training inputs.
    let features: Matrix
    let factor: CholeskyFactor
    let alpha: [Double]

    /// Number of training points.
    public var count: Int { inputs.rows }
    /// Input dimension.
    public var dimension: Int { inputs.columns }
    /// The diagonal jitter the factorisation needed beyond the noise variance (standardised scale).
    public var jitter: Double { factor.jitter }

    /// A GP conditioned on `inputs` and `targets` with fixed hyper-parameters.
    ///
    /// - Parameters:
    ///   - inputs: n × d training inputs.
    ///   - targets: n finite values.
    ///   - standardization: `(shift, scale)` to use instead of the targets' mean and
    ///     standard deviation (fantasy models and tests keep a parent's).
    /// - Throws: ``GaussianProcessError`` for empty, mismatched or non-finite data, invalid
    ///   hyper-parameters, or a kernel matrix that cannot be factorised even with jitter.
    /// - Complexity: O(n²·d + n³).
    public init(
        inputs: Matrix, targets: [Double], kernel: any Kernel = Matern52Kernel(),
        hyperparameters: GaussianProcessHyperparameters,
        standardization: (shift: Double, scale: Double)? = nil
    ) throws(GaussianProcessError) {
        try Self.validate(inputs: inputs, targets: targets)
        try hyperparameters.validate(kernel: kernel, dimension: inputs.columns)
        let (shift, scale) = standardization ?? Self.standardization(of: targets)
        let standardized = targets.map { ($0 - shift) / scale }
        let features = kernel.features(of: inputs, parameters: hyperparameters.kernelParameters)
        let factor: CholeskyFactor
        do {
            factor = try CholeskyFactor(order: inputs.rows) { matrix in
                kernel.fillCovariance(
                    &matrix, features: features, parameters: hyperparameters.kernelParameters,
                    signalVariance: hyperparameters.signalVariance, noiseVariance: hyperparameters.noiseVariance,
                    workspace: nil)
            }
        } catch { throw .factorization(error) }
        self.kernel = kernel
        self.hyperparameters = hyperparameters
        self.inputs = inputs
        self.targets = targets
        self.outputShift = shift
        self.outputScale = scale
        self.features = features
        self.factor = factor
        self.alpha = factor.solve(standardized.map { $0 - hyperparameters.mean })
    }

    /// Internal memberwise initialiser for fantasies.
    init(
        kernel: any Kernel, hyperparameters: GaussianProcessHyperparameters, inputs: Matrix,
        targets: [Double], outputShift: Double, outputScale: Double, features: Matrix,
        factor: CholeskyFactor, alpha: [Double]
    ) {
        self.kernel = kernel
        self.hyperparameters = hyperparameters
        self.inputs = inputs
        self.targets = targets
        self.outputShift = outputShift
        self.outputScale = outputScale
        self.features = features
        self.factor = factor
        self.alpha = alpha
    }

    static func validate(inputs: Matrix, targets: [Double]) throws(GaussianProcessError) {
        guard inputs.rows > 0 else { throw .noTrainingData }
        guard inputs.rows == targets.count else { throw .countMismatch(inputs: inputs.rows, targets: targets.count) }
        try validateFinite(inputs)
        if let i = targets.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteTarget(point: i, value: targets[i]) }
    }

    static func validateFinite(_ points: Matrix) throws(GaussianProcessError) {
        if let bad = points.firstNonFiniteElement {
            throw .nonFiniteInput(point: bad.row, dimension: bad.column, value: bad.value)
        }
    }

    /// Mean and standard deviation (unbiased; 1 when n = 1 or the targets are constant).
    static func standardization(of targets: [Double]) -> (shift: Double, scale: Double) {
        let n = Double(targets.count)
        let mean = targets.reduce(0, +) / n
        guard targets.count > 1 else { return (mean, 1) }
        let variance = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let deviation = variance.squareRoot()
        // A spread at the level of rounding error in the mean is a constant output.
        guard deviation.isFinite, deviation > 1e-12 * max(abs(mean), .leastNormalMagnitude) else { return (mean, 1) }
        return (mean, deviation)
    }

    /// `σ²κ` between the training points and test points given by their features (n × m),
    /// with what the input gradients need when asked.
    func crossCovariance(pointFeatures: Matrix, withDerivatives: Bool) -> CrossCovariance {
        kernel.crossCovariance(
            features: features, pointFeatures: pointFeatures, parameters: hyperparameters.kernelParameters,
            signalVariance: hyperparameters.signalVariance, withDerivatives: withDerivatives)
    }

    /// The kernel's features of `points`, after checking their dimension and finiteness.
    func checkedTestPoints(_ points: Matrix) throws(GaussianProcessError) -> Matrix {
        guard points.columns == dimension else { throw .dimensionMismatch(expected: dimension, actual: points.columns) }
        try Self.validateFinite(points)
        return kernel.features(of: points, parameters: hyperparameters.kernelParameters)
    }

    /// Points per block in batch predictions: an n × block cross-covariance of about 64K
    /// doubles (512 KiB) stays in cache between the kernel, the `dgemv` and the `dtrsm`, and
    /// is small enough to be recycled by the allocator instead of page-faulted afresh.
    func predictionBlockSize(_ m: Int) -> Int { min(m, max(32, 65_536 / max(count, 1))) }

    /// Posterior mean and variance of the latent function at the rows of `points` (m × d).
    ///
    /// - Throws: ``GaussianProcessError`` for the wrong dimension or non-finite points.
    /// - Complexity: O(n·m·d) for the cross-kernel, O(n·m) for the means (`dgemv`) and
    ///   O(n²·m) for the variances (`dtrsm`), in blocks of points.
    public func posterior(at points: Matrix) throws(GaussianProcessError) -> Posterior {
        let pointFeatures = try checkedTestPoints(points)
        let m = points.rows
        var mean = [Double](repeating: 0, count: m)
        var variance = [Double](repeating: 0, count: m)
        let signal = hyperparameters.signalVariance
        let scale2 = outputScale * outputScale
        let blockSize = predictionBlockSize(m)
        for blockStart in stride(from: 0, to: m, by: max(blockSize, 1)) {
            let block = blockStart..<min(blockStart + blockSize, m)
            var cross = crossCovariance(pointFeatures: pointFeatures.rows(block), withDerivatives: false).values
            let standardizedMean = cross.multiplied(by: alpha, .transposed)
            factor.solveTriangularInPlace(&cross)
            let explained = cross.columnSquaredNorms()
            for (j, point) in block.enumerated() {
                variance[point] = max(signal - explained[j], 0) * scale2
                mean[point] = (standardizedMean[j] + hyperparameters.mean) * outputScale + outputShift
            }
        }
        return Posterior(mean: mean, variance: variance)
    }
}
