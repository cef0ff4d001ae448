import Foundation
import LinearAlgebra

/// The categorical (overlap, Hamming) kernel with one lengthscale per input column:
///
///     κ(x, x′) = exp(−(1/d) Σₖ δₖ(x, x′)/ℓₖ),   δₖ = 1 when xₖ and x′ₖ differ, else 0,
///
/// the kernel of BoTorch's `CategoricalKernel`. Inputs are category codes (any distinct values
/// per column: indices, or the 0/1 columns of a one-hot encoding); two coordinates closer than
/// ``tolerance`` are the same category. Only equality matters, so the kernel assumes no order
/// between categories, which a stationary kernel on the codes would.
///
/// `∂κ/∂log ℓₖ = κ δₖ/(d ℓₖ)`. The kernel is constant in its inputs between category changes, so
/// its input gradient is zero: an acquisition maximiser must move between categories by
/// discrete steps (the search space's neighbours), not by gradients.
public struct HammingKernel: Kernel {
    /// Coordinates that differ by at most this much are the same category.
    public var tolerance: Double

    public init(tolerance: Double = 1e-9) {
        precondition(tolerance >= 0, "a tolerance cannot be negative")
        self.tolerance = tolerance
    }

    public var name: String { "hamming" }

    public func parameterCount(dimension: Int) -> Int { dimension }

    /// The inputs themselves: the lengthscales weigh mismatches, they do not scale coordinates.
    public func features(of points: Matrix, parameters: [Double]) -> Matrix { points }

    /// `σ²κ + σₙ²I`; the workspace keeps `σ²κ` packed column by column (n(n+1)/2 values).
    public func fillCovariance(
        _ matrix: inout Matrix, features x: Matrix, parameters: [Double], signalVariance: Double,
        noiseVariance: Double, workspace: KernelWorkspace?
    ) {
        let n = x.rows
        let weights = mismatchWeights(parameters)
        var packed: [Double] = []
        packed.reserveCapacity(workspace == nil ? 0 : n * (n + 1) / 2)
        for b in 0..<n {
            for a in b..<n {
                let value = signalVariance * exp(-mismatch(x, a, x, b, weights))
                matrix[a, b] = value + (a == b ? noiseVariance : 0)
                if workspace != nil { packed.append(value) }
            }
        }
        workspace?.buffer = packed
    }

    /// `½ Σₐᵦ Wₐᵦ σ²κₐᵦ δₐᵦₖ/(d ℓₖ)`: each off-diagonal pair of the lower triangle counts twice.
    public func parameterGradient(
        weights: inout Matrix, features x: Matrix, parameters: [Double], workspace: KernelWorkspace
    ) -> [Double] {
        let n = x.rows
        let d = x.columns
        precondition(workspace.buffer.count == n * (n + 1) / 2, "fill the covariance with this workspace first")
        var gradient = [Double](repeating: 0, count: d)
        var offset = 0
        for b in 0..<n {
            for a in (b + 1)..<max(n, b + 1) {
                let weighted = weights[a, b] * workspace.buffer[offset + a - b]
                for k in 0..<d where abs(x[a, k] - x[b, k]) > tolerance { gradient[k] += weighted }
            }
            offset += n - b
        }
        for k in 0..<d { gradient[k] /= Double(d) * parameters[k] }
        return gradient
    }

    public func crossCovariance(
        features x: Matrix, pointFeatures t: Matrix, parameters: [Double], signalVariance: Double,
        withDerivatives: Bool
    ) -> CrossCovariance {
        let weights = mismatchWeights(parameters)
        var values = Matrix(rows: x.rows, columns: t.rows)
        for j in 0..<t.rows {
            for a in 0..<x.rows { values[a, j] = signalVariance * exp(-mismatch(x, a, t, j, weights)) }
        }
        return CrossCovariance(values: values, derivatives: nil)
    }

    /// Zero: the kernel does not change between category changes.
    public func inputGradients(
        derivatives: consuming Matrix?, weights: [Matrix], features: Matrix, pointFeatures: Matrix, parameters: [Double]
    ) -> [Matrix] {
        weights.map { _ in Matrix(rows: pointFeatures.rows, columns: pointFeatures.columns) }
    }

    /// `1/(d ℓₖ)` for each column.
    private func mismatchWeights(_ lengthscales: [Double]) -> [Double] {
        let d = Double(lengthscales.count)
        return lengthscales.map { 1 / (d * $0) }
    }

    /// `Σₖ δₖ/(d ℓₖ)` between row a of `x` and row b of `y`.
    @inline(__always)
    private func mismatch(_ x: Matrix, _ a: Int, _ y: Matrix, _ b: Int, _ weights: [Double]) -> Double {
        var sum = 0.0
        for k in 0..<weights.count where abs(x[a, k] - y[b, k]) > tolerance { sum += weights[k] }
        return sum
    }
}
