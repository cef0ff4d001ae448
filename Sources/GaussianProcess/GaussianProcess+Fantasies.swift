import LinearAlgebra

extension GaussianProcess {
    /// This model conditioned on extra points, with the same hyper-parameters and the same
    /// output standardisation, without refactorising: the Cholesky factor is extended in
    /// O(n²·k) (``CholeskyFactor/appending(crossCovariance:block:)``).
    ///
    /// Used for fantasies — pending evaluations given a believed value (kriging believer,
    /// constant liar) so that parallel suggestions differ — and for cheap updates between
    /// hyper-parameter refits. The result equals a model built from all points with these
    /// hyper-parameters and this standardisation.
    ///
    /// - Parameters:
    ///   - points: k × d new inputs.
    ///   - values: k targets in original units.
    /// - Throws: ``GaussianProcessError`` for mismatched or non-finite data, or a factor that
    ///   cannot be extended.
    /// - Complexity: O(n²·k + n·k·d + k³) for the factor and O((n+k)²) for the new weights.
    public func conditioned(on points: Matrix, values: [Double]) throws(GaussianProcessError) -> GaussianProcess {
        guard points.rows == values.count else { throw .countMismatch(inputs: points.rows, targets: values.count) }
        if let i = values.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteTarget(point: count + i, value: values[i]) }
        let pointFeatures = try checkedTestPoints(points)
        let k = points.rows
        guard k > 0 else { return self }
        let cross = crossCovariance(pointFeatures: pointFeatures, withDerivatives: false).values
        var block = kernel.covariance(
            amongFeatures: pointFeatures, parameters: hyperparameters.kernelParameters,
            signalVariance: hyperparameters.signalVariance)
        for i in 0..<k { block[i, i] += hyperparameters.noiseVariance }
        let extended: CholeskyFactor
        do {
            extended = try factor.appending(crossCovariance: cross, block: block)
        } catch { throw .factorization(error) }

        let allInputs = Self.stacked(inputs, points)
        let allFeatures = Self.stacked(features, pointFeatures)
        let allTargets = targets + values
        let residual = allTargets.map { ($0 - outputShift) / outputScale - hyperparameters.mean }
        return GaussianProcess(
            kernel: kernel, hyperparameters: hyperparameters, inputs: allInputs, targets: allTargets,
            outputShift: outputShift, outputScale: outputScale, features: allFeatures,
            factor: extended, alpha: extended.solve(residual))
    }

    /// Rows of `top` followed by rows of `bottom`.
    static func stacked(_ top: Matrix, _ bottom: Matrix) -> Matrix {
        let rows = top.rows + bottom.rows
        var result = Matrix(rows: rows, columns: top.columns)
        for k in 0..<top.columns {
            for i in 0..<top.rows { result.elements[i + k * rows] = top.elements[i + k * top.rows] }
            for i in 0..<bottom.rows { result.elements[top.rows + i + k * rows] = bottom.elements[i + k * bottom.rows] }
        }
        return result
    }
}
