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
    /// With `k*` the cross-covariance and `s = x/ℓ`, `∂k*ₐ/∂xₖ = σ²κ′(r²ₐ)·2(sₖ − sₐₖ)/ℓₖ`, so
    /// `∂μ/∂xₖ = Σₐ αₐ ∂k*ₐ/∂xₖ` and `∂σ²/∂xₖ = −2 Σₐ (K⁻¹k*)ₐ ∂k*ₐ/∂xₖ`. Both sums over the
    /// training set are done for all m points at once with two `dgemm`s.
    ///
    /// - Throws: ``GaussianProcessError`` for the wrong dimension or non-finite points.
    /// - Complexity: O(n²·m) (two `dtrsm`) plus O(n·m·d).
    public func posteriorWithGradients(at points: Matrix) throws(GaussianProcessError) -> PosteriorWithGradients {
        let scaledPoints = try checkedTestPoints(points)
        let m = points.rows
        let d = dimension
        var result = PosteriorWithGradients(
            mean: [Double](repeating: 0, count: m), variance: [Double](repeating: 0, count: m),
            meanGradient: Matrix(rows: m, columns: d), varianceGradient: Matrix(rows: m, columns: d))
        let blockSize = predictionBlockSize(m)
        for blockStart in stride(from: 0, to: m, by: max(blockSize, 1)) {
            let block = blockStart..<min(blockStart + blockSize, m)
            addPosteriorWithGradients(scaledPoints: scaledPoints.rows(block), at: block, to: &result)
        }
        return result
    }

    /// One block of ``posteriorWithGradients(at:)``: writes rows `block` of `result`.
    private func addPosteriorWithGradients(
        scaledPoints: Matrix, at block: Range<Int>, to result: inout PosteriorWithGradients
    ) {
        let (cross, maybeDerivative) = crossCovariance(scaledPoints: scaledPoints, withDerivative: true)
        // A = α ∘ σ²κ′ column by column; B = (K⁻¹k*) ∘ σ²κ′ is formed below in the same storage.
        var weightedByAlpha = maybeDerivative!
        var weightedBySolve = weightedByAlpha
        let m = block.count
        let n = count
        let d = dimension
        let standardizedMean = cross.multiplied(by: alpha, .transposed)

        // V = L⁻¹k* for the variances, then U = L⁻ᵀV = K⁻¹k* for their gradients.
        var whitened = cross
        factor.solveTriangularInPlace(&whitened)
        let signal = hyperparameters.signalVariance
        let variance = whitened.columnSquaredNorms().map { max(signal - $0, 0) }
        factor.solveTriangularInPlace(&whitened, .transposed)

        var alphaSums = [Double](repeating: 0, count: m)
        var solveSums = [Double](repeating: 0, count: m)
        weightedByAlpha.elements.withUnsafeMutableBufferPointer { pa in
            weightedBySolve.elements.withUnsafeMutableBufferPointer { pb in
                whitened.elements.withUnsafeBufferPointer { pu in
                    alpha.withUnsafeBufferPointer { pα in
                        for j in 0..<m {
                            var sumA = 0.0
                            var sumB = 0.0
                            for a in 0..<n {
                                let index = a + j * n
                                pa[index] *= pα[a]
                                pb[index] *= pu[index]
                                sumA += pa[index]
                                sumB += pb[index]
                            }
                            alphaSums[j] = sumA
                            solveSums[j] = sumB
                        }
                    }
                }
            }
        }
        let projectedAlpha = Matrix.product(scaledInputs, .transposed, weightedByAlpha, .none)  // d × m
        let projectedSolve = Matrix.product(scaledInputs, .transposed, weightedBySolve, .none)  // d × m

        let scale = outputScale
        for (j, point) in block.enumerated() {
            result.mean[point] = (standardizedMean[j] + hyperparameters.mean) * scale + outputShift
            result.variance[point] = variance[j] * scale * scale
        }
        for k in 0..<d {
            let inverseLengthscale = 1 / hyperparameters.lengthscales[k]
            for (j, point) in block.enumerated() {
                let t = scaledPoints[j, k]
                result.meanGradient[point, k] =
                    2 * inverseLengthscale * (t * alphaSums[j] - projectedAlpha[k, j]) * scale
                result.varianceGradient[point, k] =
                    -4 * inverseLengthscale * (t * solveSums[j] - projectedSolve[k, j]) * scale * scale
            }
        }
    }
}
