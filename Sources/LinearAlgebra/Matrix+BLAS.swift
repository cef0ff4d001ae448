import CLapack

/// Whether a BLAS operand is used as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transposed

    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Which triangle of a symmetric result BLAS writes.
public enum Triangle: Sendable {
    case lower
    case upper

    var cblas: CBLAS_UPLO { self == .lower ? CblasLower : CblasUpper }
    var lapack: CChar { CChar(UInt8(ascii: self == .lower ? "L" : "U")) }
}

extension Matrix {
    /// General matrix product `c ← alpha · op(a) · op(b) + beta · c` (BLAS `dgemm`).
    ///
    /// - Precondition: the shapes agree.
    /// - Complexity: O(m·n·k), 2·m·n·k flops.
    public static func multiply(
        _ a: Matrix, _ transposeA: Transpose = .none,
        _ b: Matrix, _ transposeB: Transpose = .none,
        alpha: Double = 1, beta: Double = 0, into c: inout Matrix
    ) {
        let m = transposeA == .none ? a.rows : a.columns
        let k = transposeA == .none ? a.columns : a.rows
        let kB = transposeB == .none ? b.rows : b.columns
        let n = transposeB == .none ? b.columns : b.rows
        precondition(k == kB, "gemm: inner dimensions \(k) and \(kB) differ")
        precondition(c.rows == m && c.columns == n, "gemm: result is \(c.rows)×\(c.columns), expected \(m)×\(n)")
        guard m > 0, n > 0 else { return }
        if k == 0 {
            for index in c.elements.indices { c.elements[index] *= beta }
            return
        }
        if n == 1 || m == 1 {
            // A one-column or one-row result is a matrix–vector product: `dgemv` reads the
            // matrix in place, where `dgemm` packs it first (the maximiser's one-point
            // gradients). A one-column op(b) or one-row op(a) is contiguous either way.
            a.elements.withUnsafeBufferPointer { pa in
                b.elements.withUnsafeBufferPointer { pb in
                    c.elements.withUnsafeMutableBufferPointer { pc in
                        if n == 1 {
                            cblas_dgemv(
                                CblasColMajor, transposeA.cblas, Int32(a.rows), Int32(a.columns), alpha,
                                pa.baseAddress, Int32(Swift.max(a.rows, 1)), pb.baseAddress, 1, beta, pc.baseAddress, 1)
                        } else {
                            // cᵀ = op(b)ᵀ · op(a)ᵀ; c is 1 × n, contiguous.
                            let flipped = transposeB == .none ? CblasTrans : CblasNoTrans
                            cblas_dgemv(
                                CblasColMajor, flipped, Int32(b.rows), Int32(b.columns), alpha,
                                pb.baseAddress, Int32(Swift.max(b.rows, 1)), pa.baseAddress, 1, beta, pc.baseAddress, 1)
                        }
                    }
                }
            }
            return
        }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(
                        CblasColMajor, transposeA.cblas, transposeB.cblas,
                        Int32(m), Int32(n), Int32(k), alpha,
                        pa.baseAddress, Int32(Swift.max(a.rows, 1)),
                        pb.baseAddress, Int32(Swift.max(b.rows, 1)),
                        beta, pc.baseAddress, Int32(Swift.max(c.rows, 1)))
                }
            }
        }
    }

    /// The product `op(a) · op(b)` (BLAS `dgemm`).
    ///
    /// - Complexity: O(m·n·k).
    public static func product(
        _ a: Matrix, _ transposeA: Transpose = .none, _ b: Matrix, _ transposeB: Transpose = .none
    ) -> Matrix {
        let m = transposeA == .none ? a.rows : a.columns
        let n = transposeB == .none ? b.columns : b.rows
        var c = Matrix(rows: m, columns: n)
        multiply(a, transposeA, b, transposeB, into: &c)
        return c
    }

    /// `self · other` (BLAS `dgemm`).
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix { product(lhs, .none, rhs, .none) }

    /// Matrix–vector product `alpha · op(self) · x + beta · y` (BLAS `dgemv`).
    ///
    /// - Complexity: O(rows × columns).
    public func multiplied(
        by x: [Double], _ transpose: Transpose = .none, alpha: Double = 1, adding y: [Double]? = nil, beta: Double = 0
    ) -> [Double] {
        let inputLength = transpose == .none ? columns : rows
        let outputLength = transpose == .none ? rows : columns
        precondition(x.count == inputLength, "gemv: vector has \(x.count) elements, expected \(inputLength)")
        var result = y ?? [Double](repeating: 0, count: outputLength)
        precondition(result.count == outputLength, "gemv: accumulator has \(result.count) elements, expected \(outputLength)")
        guard outputLength > 0 else { return result }
        guard inputLength > 0 else { return result.map { $0 * (y == nil ? 0 : beta) } }
        elements.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                result.withUnsafeMutableBufferPointer { py in
                    cblas_dgemv(
                        CblasColMajor, transpose.cblas, Int32(rows), Int32(columns), alpha,
                        pa.baseAddress, Int32(Swift.max(rows, 1)), px.baseAddress, 1,
                        y == nil ? 0 : beta, py.baseAddress, 1)
                }
            }
        }
        return result
    }

    /// Symmetric rank-k update `c ← alpha · op(a) · op(a)ᵀ + beta · c` (BLAS `dsyrk`), writing
    /// only `triangle` of `c`; call ``symmetrize(from:)`` when the full matrix is needed.
    ///
    /// With `.none`, `op(a) = a` (`c` is `a.rows × a.rows`); with `.transposed`, `op(a) = aᵀ`.
    ///
    /// - Complexity: O(n²·k), n²·k flops.
    public static func symmetricRankUpdate(
        _ a: Matrix, _ transpose: Transpose = .none, alpha: Double = 1, beta: Double = 0,
        into c: inout Matrix, triangle: Triangle = .lower
    ) {
        let n = transpose == .none ? a.rows : a.columns
        let k = transpose == .none ? a.columns : a.rows
        precondition(c.rows == n && c.columns == n, "syrk: result is \(c.rows)×\(c.columns), expected \(n)×\(n)")
        guard n > 0 else { return }
        a.elements.withUnsafeBufferPointer { pa in
            c.elements.withUnsafeMutableBufferPointer { pc in
                cblas_dsyrk(
                    CblasColMajor, triangle.cblas, transpose.cblas, Int32(n), Int32(k), alpha,
                    pa.baseAddress, Int32(Swift.max(a.rows, 1)), beta, pc.baseAddress, Int32(n))
            }
        }
    }

    /// Symmetric matrix product `op(a) · b` where only `triangle` of the square `a` is read
    /// (BLAS `dsymm`, left side).
    ///
    /// - Complexity: O(n²·k), 2·n²·k flops for an n × n `a` and n × k `b`.
    public static func symmetricProduct(_ a: Matrix, triangle: Triangle = .lower, _ b: Matrix) -> Matrix {
        precondition(a.isSquare && a.rows == b.rows, "symm: a is \(a.rows)×\(a.columns), b has \(b.rows) rows")
        var c = Matrix(rows: b.rows, columns: b.columns)
        guard b.rows > 0, b.columns > 0 else { return c }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    cblas_dsymm(
                        CblasColMajor, CblasLeft, triangle.cblas, Int32(b.rows), Int32(b.columns), 1,
                        pa.baseAddress, Int32(a.rows), pb.baseAddress, Int32(b.rows), 0, pc.baseAddress, Int32(b.rows))
                }
            }
        }
        return c
    }

    /// The squared Euclidean norm of each column (BLAS `ddot` per column, vectorised, unlike a
    /// plain Swift reduction, which strict floating-point order keeps scalar).
    ///
    /// - Complexity: O(rows × columns).
    public func columnSquaredNorms() -> [Double] {
        guard rows > 0 else { return [Double](repeating: 0, count: columns) }
        return elements.withUnsafeBufferPointer { p in
            (0..<columns).map { j in
                let column = p.baseAddress! + j * rows
                return cblas_ddot(Int32(rows), column, 1, column, 1)
            }
        }
    }

    /// Copies one triangle of a square matrix onto the other.
    ///
    /// - Complexity: O(n²).
    public mutating func symmetrize(from triangle: Triangle = .lower) {
        precondition(isSquare, "symmetrize needs a square matrix")
        let n = rows
        elements.withUnsafeMutableBufferPointer { p in
            for j in 0..<n {
                for i in (j + 1)..<Swift.max(n, j + 1) {
                    if triangle == .lower { p[j + i * n] = p[i + j * n] } else { p[i + j * n] = p[j + i * n] }
                }
            }
        }
    }

    /// Sets the strict upper (or lower) triangle to zero.
    mutating func zeroStrictTriangle(_ triangle: Triangle) {
        let n = rows
        elements.withUnsafeMutableBufferPointer { p in
            for j in 0..<columns {
                if triangle == .upper {
                    for i in 0..<Swift.min(j, n) { p[i + j * n] = 0 }
                } else {
                    for i in Swift.min(j + 1, n)..<n { p[i + j * n] = 0 }
                }
            }
        }
    }
}

/// Dot product of two vectors (BLAS `ddot`).
public func dot(_ x: [Double], _ y: [Double]) -> Double {
    precondition(x.count == y.count, "dot: lengths \(x.count) and \(y.count) differ")
    guard !x.isEmpty else { return 0 }
    return x.withUnsafeBufferPointer { px in
        y.withUnsafeBufferPointer { py in cblas_ddot(Int32(x.count), px.baseAddress, 1, py.baseAddress, 1) }
    }
}
