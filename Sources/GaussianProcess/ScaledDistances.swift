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

    /// The lower triangle (diagonal included) of the n × n squared-distance matrix among the
    /// rows of `s`, packed column by column: n(n+1)/2 values.
    static func packedLowerTriangle(_ s: Matrix) -> [Double] {
        let n = s.rows
        let d = s.columns
        var packed = [Double](repeating: 0, count: n * (n + 1) / 2)
        s.elements.withUnsafeBufferPointer { ps in
            packed.withUnsafeMutableBufferPointer { out in
                for b in 0..<n {
                    let offset = packedOffset(column: b, order: n) - b
                    for k in 0..<d {
                        let column = ps.baseAddress! + k * n
                        let xb = column[b]
                        for a in b..<n {
                            let difference = column[a] - xb
                            out[offset + a] += difference * difference
                        }
                    }
                }
            }
        }
        return packed
    }

    /// The n × m matrix of squared distances between the rows of `s` (n × d, training) and
    /// the rows of `t` (m × d, test), both already scaled.
    static func cross(_ s: Matrix, _ t: Matrix) -> Matrix {
        let n = s.rows
        let m = t.rows
        let d = s.columns
        var result = Matrix(rows: n, columns: m)
        s.elements.withUnsafeBufferPointer { ps in
            t.elements.withUnsafeBufferPointer { pt in
                result.elements.withUnsafeMutableBufferPointer { out in
                    for j in 0..<m {
                        let target = out.baseAddress! + j * n
                        for k in 0..<d {
                            let column = ps.baseAddress! + k * n
                            let tj = pt[j + k * m]
                            for a in 0..<n {
                                let difference = column[a] - tj
                                target[a] += difference * difference
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
