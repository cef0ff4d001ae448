import CVectorMath
import LinearAlgebra

/// Squared scaled distances, the O(n²·d) part of every kernel evaluation.
///
/// Inputs are pre-divided by their lengthscales, so `r²ₐᵦ = Σₖ (sₐₖ − sᵦₖ)²` with `s = x/ℓ`.
/// Differences are formed explicitly (not through ‖a‖² + ‖b‖² − 2aᵀb, which loses every
/// digit for points 1e-8 apart), in loops over contiguous columns that vectorise.
enum ScaledDistances {
    /// `x` (n × d, column-major) with column k divided by `lengthscales[k]`.
    static func scaled(_ x: Matrix, lengthscales: [Double]) -> Matrix {
        var scaled = x
        let n = x.rows
        scaled.elements.withUnsafeMutableBufferPointer { p in
            for k in 0..<x.columns {
                let inverse = 1 / lengthscales[k]
                for i in 0..<n { p[i + k * n] *= inverse }
            }
        }
        return scaled
    }

    /// Offset of column `b` in a packed lower triangle of order `n` (column b holds rows b..<n).
    @inline(__always)
    static func packedOffset(column b: Int, order n: Int) -> Int { b * n - b * (b - 1) / 2 }

    /// Writes `σ²κ(r²) + σₙ²I` into the lower triangle of `matrix` (n × n; whatever it held is
    /// overwritten), column by column: the squared distances of column b's rows b..<n are summed over
    /// the d dimensions, then turned into covariances by one kernel call on that contiguous
    /// segment. When `derivatives` is given (n(n+1)/2 values), `σ² dκ/d(r²)` is stored there,
    /// packed column by column in the same order.
    ///
    /// - Complexity: O(n²·d) and n(n+1)/2 kernel evaluations.
    static func fillTrainingCovariance(
        _ matrix: inout Matrix, scaledInputs s: Matrix, kernel: some StationaryKernel,
        signalVariance: Double, noiseVariance: Double, derivatives: UnsafeMutableBufferPointer<Double>?
    ) {
        let n = s.rows
        let d = s.columns
        s.elements.withUnsafeBufferPointer { ps in
            matrix.elements.withUnsafeMutableBufferPointer { pm in
                for b in 0..<n {
                    let column = pm.baseAddress! + b * n
                    if d == 0 {
                        for a in b..<n { column[a] = 0 }
                    }
                    for k in 0..<d {
                        let inputColumn = ps.baseAddress! + k * n
                        let xb = inputColumn[b]
                        if k == 0 {
                            for a in b..<n {
                                let difference = inputColumn[a] - xb
                                column[a] = difference * difference
                            }
                        } else {
                            for a in b..<n {
                                let difference = inputColumn[a] - xb
                                column[a] += difference * difference
                            }
                        }
                    }
                    let segment = UnsafeMutableBufferPointer(start: column + b, count: n - b)
                    if let derivatives {
                        let offset = packedOffset(column: b, order: n)
                        let derivativeSegment = UnsafeMutableBufferPointer(
                            start: derivatives.baseAddress! + offset, count: n - b)
                        kernel.applyCorrelation(to: segment, derivatives: derivativeSegment)
                        for i in derivativeSegment.indices { derivativeSegment[i] *= signalVariance }
                    } else {
                        kernel.applyCorrelation(to: segment, derivatives: nil)
                    }
                    for i in segment.indices { segment[i] *= signalVariance }
                    column[b] += noiseVariance
                }
            }
        }
    }

    /// The n × m matrix of squared distances between the rows of `s` (n × d, training) and
    /// the rows of `t` (m × d, test), both already scaled.
    static func cross(_ s: Matrix, _ t: Matrix) -> Matrix {
        let n = s.rows
        let m = t.rows
        let d = s.columns
        var result = Matrix(rows: n, columns: m)
        guard n > 0, m > 0, d > 0 else { return result }
        // In C: eight training rows against two test points per pass, the sums in registers
        // (`hp_squared_distances`; the same order of operations, so the same bits, as the loop
        // over j, k, a it replaces, which stored every partial sum).
        s.elements.withUnsafeBufferPointer { ps in
            t.elements.withUnsafeBufferPointer { pt in
                result.elements.withUnsafeMutableBufferPointer { out in
                    hp_squared_distances(ps.baseAddress!, n, pt.baseAddress!, m, d, out.baseAddress!)
                }
            }
        }
        return result
    }
}
