import CLapack

/// The solution of a linear least-squares problem `min ‖A x − b‖₂`.
public struct LeastSquaresSolution: Sendable, Equatable {
    /// The minimiser `x` (for a rank-deficient `A`, the minimum-norm basic solution that
    /// LAPACK's rank-revealing QR gives).
    public var coefficients: [Double]
    /// The numerical rank of `A` found by the column-pivoted QR.
    public var rank: Int
    /// `‖A x − b‖₂²`.
    public var residualSumOfSquares: Double
}

/// Least squares by QR with column pivoting (LAPACK `dgelsy`), which copes with collinear
/// columns (rank-deficient designs are common in cost-model fitting) instead of failing.
///
/// - Parameters:
///   - design: `A`, `m × n`.
///   - target: `b`, `m` values.
///   - reciprocalConditionThreshold: columns whose contribution is below this relative to the
///     largest are treated as dependent (LAPACK's `rcond`).
/// - Throws: ``LinearAlgebraError/nonFiniteInput(row:column:value:)`` for NaN or ∞ in `A` or `b`.
/// - Complexity: O(m·n²).
public func leastSquares(
    _ design: Matrix, _ target: [Double], reciprocalConditionThreshold: Double = 1e-12
) throws(LinearAlgebraError) -> LeastSquaresSolution {
    let m = design.rows
    let n = design.columns
    precondition(target.count == m, "leastSquares: target has \(target.count) values, expected \(m)")
    if let bad = design.firstNonFiniteElement { throw .nonFiniteInput(row: bad.row, column: bad.column, value: bad.value) }
    if let i = target.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteInput(row: i, column: n, value: target[i]) }
    guard n > 0 else {
        return LeastSquaresSolution(coefficients: [], rank: 0, residualSumOfSquares: target.reduce(0) { $0 + $1 * $1 })
    }
    var a = design
    let ldb = max(m, n)
    var b = [Double](repeating: 0, count: ldb)
    for i in 0..<m { b[i] = target[i] }
    var pivots = [Int32](repeating: 0, count: n)
    var rank: Int32 = 0
    let info = a.elements.withUnsafeMutableBufferPointer { pa in
        b.withUnsafeMutableBufferPointer { pb in
            pivots.withUnsafeMutableBufferPointer { pj in
                LAPACKE_dgelsy(
                    LAPACK_COL_MAJOR, Int32(m), Int32(n), 1, pa.baseAddress, Int32(max(m, 1)),
                    pb.baseAddress, Int32(ldb), pj.baseAddress, reciprocalConditionThreshold, &rank)
            }
        }
    }
    if info != 0 { throw .lapackFailure(routine: "dgelsy", info: Int(info)) }
    let coefficients = Array(b[0..<n])
    let fitted = design.multiplied(by: coefficients)
    var residual = 0.0
    for i in 0..<m { residual += (fitted[i] - target[i]) * (fitted[i] - target[i]) }
    return LeastSquaresSolution(coefficients: coefficients, rank: Int(rank), residualSumOfSquares: residual)
}
