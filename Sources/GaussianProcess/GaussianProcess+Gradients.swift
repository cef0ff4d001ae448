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
        let (cross, maybeDerivative) = crossCovariance(scaledPoints: scaledPoints, withDerivative: true)
        let derivative = maybeDerivative!
        let m = points.rows
        let n = count
        let d = dimension
        let standardizedMean = cross.multiplied(by: alpha, .transposed)

        // V = L⁻¹k* for the variances, then U = L⁻ᵀV = K⁻¹k* for their gradients.
        var whitened = cross
        factor.solveTriangularInPlace(&whitened)
        let signal = hyperparameters.signalVariance
        let variance = whitened.columnSquaredNorms().map { max(signal - $0, 0) }
        factor.solveTriangularInPlace(&whitened, .transposed)

        // A = α ∘ σ²κ′ and B = (K⁻¹k*) ∘ σ²κ′, column by column, and their column sums.
        var weightedByAlpha = derivative
        var weightedBySolve = derivative
        var alphaSums = [Double](repeating: 0, count: m)
        var solveSums = [Double](repeating: 0, count: m)
        weightedByAlpha.elements.withUnsafeMutableBufferPointer { pa in
            weightedBySolve.elements.withUnsafeMutableBufferPointer { pb in
                whitened.elements.withUnsafeBufferPointer { pu in
                    for j in 0..<m {
                        var sumA = 0.0
                        var sumB = 0.0
                        for a in 0..<n {
                            let index = a + j * n
                            pa[index] *= alpha[a]
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
        let projectedAlpha = Matrix.product(scaledInputs, .transposed, weightedByAlpha)  // d × m
        let projectedSolve = Matrix.product(scaledInputs, .transposed, weightedBySolve)  // d × m

        var meanGradient = Matrix(rows: m, columns: d)
        var varianceGradient = Matrix(rows: m, columns: d)
        let scale = outputScale
        for k in 0..<d {
            let inverseLengthscale = 1 / hyperparameters.lengthscales[k]
            for j in 0..<m {
                let t = scaledPoints[j, k]
                meanGradient[j, k] = 2 * inverseLengthscale * (t * alphaSums[j] - projectedAlpha[k, j]) * scale
                varianceGradient[j, k] =
                    -4 * inverseLengthscale * (t * solveSums[j] - projectedSolve[k, j]) * scale * scale
            }
        }
        let mean = standardizedMean.map { ($0 + hyperparameters.mean) * scale + outputShift }
        return PosteriorWithGradients(
            mean: mean, variance: variance.map { $0 * scale * scale },
            meanGradient: meanGradient, varianceGradient: varianceGradient)
    }
}
