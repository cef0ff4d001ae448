import LinearAlgebra
import NumericalOptimization

/// The joint posterior of a GP at q points: what batch acquisitions (qLogEI, qNEHVI) and
/// Thompson sampling need, beyond the marginals of ``GaussianProcess/posterior(at:)``.
public struct JointPosterior: Sendable {
    /// Posterior mean of the latent function at each point (original units).
    public var mean: [Double]
    /// Posterior covariance of the latent function, q × q (original units², noise excluded).
    public var covariance: Matrix
}

extension GaussianProcess {
    /// The joint posterior of the latent function at the rows of `points` (q × d):
    ///
    ///     μ = m + K*ᵀ α,    Σ = K** − Vᵀ V  with  V = L⁻¹ K*,
    ///
    /// where `K*` (n × q) is the cross-covariance, `K**` (q × q) the prior covariance among the
    /// points and `L` the training factor (Rasmussen & Williams 2006, eq. 2.24).
    ///
    /// - Throws: ``GaussianProcessError`` for the wrong dimension or non-finite points.
    /// - Complexity: O(n·q·d + q²·d) kernels, one `dgemv`, one `dtrsm` (O(n²·q)) and one
    ///   `dgemm` (O(n·q²)).
    public func jointPosterior(at points: Matrix) throws(GaussianProcessError) -> JointPosterior {
        let pointFeatures = try checkedTestPoints(points)
        let q = points.rows
        let scale2 = outputScale * outputScale
        var cross = crossCovariance(pointFeatures: pointFeatures, withDerivatives: false).values
        let standardizedMean = cross.multiplied(by: alpha, .transposed)
        factor.solveTriangularInPlace(&cross)
        var covariance = kernel.covariance(
            amongFeatures: pointFeatures, parameters: hyperparameters.kernelParameters,
            signalVariance: hyperparameters.signalVariance)
        Matrix.multiply(cross, .transposed, cross, .none, alpha: -1, beta: 1, into: &covariance)
        covariance.symmetrize(from: .lower)
        for index in covariance.elements.indices { covariance.elements[index] *= scale2 }
        for i in 0..<q { covariance[i, i] = max(covariance[i, i], 0) }
        let mean = standardizedMean.map { ($0 + hyperparameters.mean) * outputScale + outputShift }
        return JointPosterior(mean: mean, covariance: covariance)
    }

    /// `count` draws of the latent function at the rows of `points` from the joint posterior,
    /// one per row of the result (count × q): `μ + L z` with `L Lᵀ = Σ` (jitter added as the
    /// factorisation needs it; a posterior collapsed at training points is rank-deficient) and
    /// `z` standard normal from `generator`.
    ///
    /// - Throws: ``GaussianProcessError`` for bad points, or a covariance that cannot be
    ///   factorised even with jitter.
    /// - Complexity: ``jointPosterior(at:)`` + O(q³) for the factor + O(count·q²) (one `dgemm`).
    public func samples(
        at points: Matrix, count: Int, using generator: inout SeededGenerator
    ) throws(GaussianProcessError) -> Matrix {
        precondition(count >= 0, "a sample count cannot be negative")
        let posterior = try jointPosterior(at: points)
        let q = points.rows
        let root: CholeskyFactor
        do {
            root = try CholeskyFactor(posterior.covariance, jitterPolicy: JitterPolicy(initialRelativeJitter: 1e-10, maximumRelativeJitter: 1e-3))
        } catch { throw .factorization(error) }
        var normals = Matrix(rows: q, columns: count)
        for index in normals.elements.indices { normals.elements[index] = generator.nextStandardNormal() }
        // (L z)ᵀ, count × q, then add the mean to each row.
        var draws = Matrix.product(normals, .transposed, root.lower, .transposed)
        for j in 0..<q {
            for i in 0..<count { draws[i, j] += posterior.mean[j] }
        }
        return draws
    }
}
