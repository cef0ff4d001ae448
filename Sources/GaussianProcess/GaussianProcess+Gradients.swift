import LinearAlgebra

/// The posterior at a batch of points together with its gradients in the input point.
public struct PosteriorWithGradients: Sendable {
    /// Posterior means (original units).
    public var mean: [Double]
    /// Posterior variances of the latent function (original units², noise excluded).
    public var variance: [Double]
    /// `∂mean/∂x`: row i is the gradient at point i (m × d).
    public var meanGradient: Matrix
    /// `∂variance/∂x`: row i is the gradient at point i (m × d).
    public var varianceGradient: Matrix
}

extension GaussianProcess {
    /// Posterior mean and variance at the rows of `points` (m × d) and their gradients with
    /// respect to each point, for gradient-based acquisition maximisation.
    ///
    /// With `k*` the cross-covariance, `∂μ/∂x = Σₐ αₐ ∂k*ₐ/∂x` and
    /// `∂σ²/∂x = −2 Σₐ (K⁻¹k*)ₐ ∂k*ₐ/∂x`; the kernel forms both sums over the training set for
    /// all m points at once (``Kernel/inputGradient(of:weights:features:pointFeatures:parameters:)``:
    /// one `dgemm` each for the stationary kernels).
    ///
    /// - Throws: ``GaussianProcessError`` for the wrong dimension or non-finite points.
    /// - Complexity: O(n²·m) (two `dtrsm`) plus O(n·m·d).
    public func posteriorWithGradients(at points: Matrix) throws(GaussianProcessError) -> PosteriorWithGradients {
        let pointFeatures = try checkedTestPoints(points)
        let m = points.rows
        let d = dimension
        var result = PosteriorWithGradients(
            mean: [Double](repeating: 0, count: m), variance: [Double](repeating: 0, count: m),
            meanGradient: Matrix(rows: m, columns: d), varianceGradient: Matrix(rows: m, columns: d))
        let blockSize = predictionBlockSize(m)
        for blockStart in stride(from: 0, to: m, by: max(blockSize, 1)) {
            let block = blockStart..<min(blockStart + blockSize, m)
            addPosteriorWithGradients(pointFeatures: pointFeatures.rows(block), at: block, to: &result)
        }
        return result
    }

    /// One block of ``posteriorWithGradients(at:)``: writes rows `block` of `result`.
    private func addPosteriorWithGradients(
        pointFeatures: Matrix, at block: Range<Int>, to result: inout PosteriorWithGradients
    ) {
        var cross = crossCovariance(pointFeatures: pointFeatures, withDerivatives: true)
        let standardizedMean = cross.values.multiplied(by: alpha, .transposed)

        // V = L⁻¹k* for the variances, then U = L⁻ᵀV = K⁻¹k* for their gradients.
        var whitened = Matrix(rows: 0, columns: 0)
        swap(&whitened, &cross.values)
        factor.solveTriangularInPlace(&whitened)
        let signal = hyperparameters.signalVariance
        let variance = whitened.columnSquaredNorms().map { max(signal - $0, 0) }
        factor.solveTriangularInPlace(&whitened, .transposed)

        let gradients = kernel.inputGradients(
            derivatives: cross.derivatives.take(), weights: [Matrix(rows: count, columns: 1, elements: alpha), whitened],
            features: features, pointFeatures: pointFeatures, parameters: hyperparameters.kernelParameters)
        let (meanGradient, solveGradient) = (gradients[0], gradients[1])

        let scale = outputScale
        for (j, point) in block.enumerated() {
            result.mean[point] = (standardizedMean[j] + hyperparameters.mean) * scale + outputShift
            result.variance[point] = variance[j] * scale * scale
        }
        for k in 0..<dimension {
            for (j, point) in block.enumerated() {
                result.meanGradient[point, k] = meanGradient[j, k] * scale
                result.varianceGradient[point, k] = -2 * solveGradient[j, k] * scale * scale
            }
        }
    }
}
