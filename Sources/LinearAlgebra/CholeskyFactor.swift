import Foundation
import CLapack

/// How much diagonal jitter a Cholesky factorisation may add when the matrix is not
/// numerically positive definite.
///
/// Jitter is relative to the mean of the diagonal so that it means the same on any scale:
/// the first attempt adds nothing, the next `initialRelativeJitter · mean(diag)`, then ten
/// times more each time, up to `maximumRelativeJitter · mean(diag)`. Past that the
/// factorisation throws ``LinearAlgebraError/notPositiveDefinite(order:maximumJitter:meanDiagonal:)``.
public struct JitterPolicy: Sendable, Equatable {
    public var initialRelativeJitter: Double
    public var maximumRelativeJitter: Double

    public init(initialRelativeJitter: Double = 1e-10, maximumRelativeJitter: Double = 1e-4) {
        precondition(initialRelativeJitter > 0 && maximumRelativeJitter >= initialRelativeJitter)
        self.initialRelativeJitter = initialRelativeJitter
        self.maximumRelativeJitter = maximumRelativeJitter
    }

    /// 1e-10 · mean diagonal, ×10 per retry, up to 1e-4 · mean diagonal.
    public static let `default` = JitterPolicy()
    /// No jitter at all: a matrix that is not numerically positive definite throws at once.
    public static let none = JitterPolicy(initialRelativeJitter: .infinity, maximumRelativeJitter: .infinity)

    /// The absolute jitters to try after the unjittered attempt fails.
    func absoluteJitters(meanDiagonal: Double) -> [Double] {
        guard initialRelativeJitter.isFinite else { return [] }
        var jitters: [Double] = []
        var relative = initialRelativeJitter
        while relative <= maximumRelativeJitter * (1 + 1e-12) {
            jitters.append(relative * meanDiagonal)
            relative *= 10
        }
        return jitters
    }
}

/// The Cholesky factor `L` of a symmetric positive-definite matrix `A + jitter · I = L Lᵀ`,
/// computed by LAPACK's `dpotrf`, with the solves, log-determinant and inverse that use it.
///
/// Only the lower triangle of `A` is read. Non-finite input is rejected before LAPACK sees
/// it. When `A` is not numerically positive definite, jitter is added to its diagonal
/// following a ``JitterPolicy``; the amount used is ``jitter``.
public struct CholeskyFactor: Sendable {
    /// The lower-triangular factor; its strict upper triangle is zero.
    public private(set) var lower: Matrix
    /// The absolute amount added to the diagonal of `A` before it factorised (0 when none was needed).
    public private(set) var jitter: Double
    /// The policy used, kept for ``appending(crossCovariance:block:)``.
    public let jitterPolicy: JitterPolicy

    /// The order `n` of the factorised matrix.
    public var order: Int { lower.rows }

    /// Factorises `matrix` (its lower triangle), adding diagonal jitter if needed.
    ///
    /// - Throws: ``LinearAlgebraError/nonFiniteInput(row:column:value:)`` for NaN or ∞ in the
    ///   lower triangle; ``LinearAlgebraError/notPositiveDefinite(order:maximumJitter:meanDiagonal:)``
    ///   when even the largest jitter fails.
    /// - Complexity: O(n³), ≈ n³/3 flops (one `dpotrf`), plus one O(n²) copy per retry.
    public init(_ matrix: Matrix, jitterPolicy: JitterPolicy = .default) throws(LinearAlgebraError) {
        precondition(matrix.isSquare, "Cholesky needs a square matrix, got \(matrix.rows)×\(matrix.columns)")
        try Self.checkLowerTriangleFinite(matrix)
        let (factor, jitter) = try Self.factorise(matrix, jitterPolicy: jitterPolicy)
        self.lower = factor
        self.jitter = jitter
        self.jitterPolicy = jitterPolicy
    }

    /// Wraps an existing lower-triangular factor (used by tests and by appends).
    init(lower: Matrix, jitter: Double, jitterPolicy: JitterPolicy) {
        self.lower = lower
        self.jitter = jitter
        self.jitterPolicy = jitterPolicy
    }

    static func checkLowerTriangleFinite(_ matrix: Matrix) throws(LinearAlgebraError) {
        let n = matrix.rows
        let badIndex: Int? = matrix.elements.withUnsafeBufferPointer { p in
            for j in 0..<n {
                for i in j..<n where !p[i + j * n].isFinite { return i + j * n }
            }
            return nil
        }
        if let index = badIndex {
            throw .nonFiniteInput(row: index % n, column: index / n, value: matrix.elements[index])
        }
    }

    /// `dpotrf` with the jitter escalation; returns the factor with a zeroed upper triangle.
    static func factorise(
        _ matrix: Matrix, jitterPolicy: JitterPolicy
    ) throws(LinearAlgebraError) -> (Matrix, Double) {
        let n = matrix.rows
        if n == 0 { return (matrix, 0) }
        var factor = matrix
        var info = potrf(&factor)
        if info == 0 {
            factor.zeroStrictTriangle(.upper)
            return (factor, 0)
        }
        if info < 0 { throw .lapackFailure(routine: "dpotrf", info: Int(info)) }
        let meanDiagonal = matrix.diagonal.reduce(0, +) / Double(n)
        let jitters = meanDiagonal > 0 ? jitterPolicy.absoluteJitters(meanDiagonal: meanDiagonal) : []
        for jitter in jitters {
            factor = matrix
            factor.elements.withUnsafeMutableBufferPointer { p in
                for i in 0..<n { p[i + i * n] += jitter }
            }
            info = potrf(&factor)
            if info == 0 {
                factor.zeroStrictTriangle(.upper)
                return (factor, jitter)
            }
        }
        throw .notPositiveDefinite(order: n, maximumJitter: jitters.last ?? 0, meanDiagonal: meanDiagonal)
    }

    static func potrf(_ matrix: inout Matrix) -> Int32 {
        let n = Int32(matrix.rows)
        return matrix.elements.withUnsafeMutableBufferPointer { p in
            LAPACKE_dpotrf(LAPACK_COL_MAJOR, Triangle.lower.lapack, n, p.baseAddress, n)
        }
    }

    /// `log det(A + jitter · I) = 2 Σ log Lᵢᵢ`.
    ///
    /// - Complexity: O(n).
    public var logDeterminant: Double {
        let n = order
        return lower.elements.withUnsafeBufferPointer { p in
            var sum = 0.0
            for i in 0..<n { sum += log(p[i + i * n]) }
            return 2 * sum
        }
    }

    /// Solves `(A + jitter · I) X = B` (LAPACK `dpotrs`).
    ///
    /// - Complexity: O(n²·k) for `k` right-hand sides.
    public func solve(_ rightHandSides: Matrix) -> Matrix {
        precondition(rightHandSides.rows == order, "solve: right-hand side has \(rightHandSides.rows) rows, expected \(order)")
        var solution = rightHandSides
        guard order > 0, rightHandSides.columns > 0 else { return solution }
        let n = Int32(order)
        let info = lower.elements.withUnsafeBufferPointer { pl in
            solution.elements.withUnsafeMutableBufferPointer { pb in
                LAPACKE_dpotrs(
                    LAPACK_COL_MAJOR, Triangle.lower.lapack, n, Int32(rightHandSides.columns),
                    pl.baseAddress, n, pb.baseAddress, n)
            }
        }
        precondition(info == 0, "dpotrs rejected its arguments (info = \(info))")
        return solution
    }

    /// Solves `(A + jitter · I) x = b` for one vector.
    ///
    /// - Complexity: O(n²).
    public func solve(_ rightHandSide: [Double]) -> [Double] {
        solve(Matrix(rows: rightHandSide.count, columns: 1, elements: rightHandSide)).elements
    }

    /// Solves `L X = B` (or `Lᵀ X = B` with `.transposed`) by triangular substitution (BLAS `dtrsm`).
    ///
    /// `L⁻¹ B` whitens: the posterior variance of a GP is `k** − ‖L⁻¹ k*‖²`.
    ///
    /// - Complexity: O(n²·k) for `k` right-hand sides, n²·k flops.
    public func solveTriangular(_ rightHandSides: Matrix, _ transpose: Transpose = .none) -> Matrix {
        var solution = rightHandSides
        solveTriangularInPlace(&solution, transpose)
        return solution
    }

    /// In-place form of ``solveTriangular(_:_:)``.
    public func solveTriangularInPlace(_ rightHandSides: inout Matrix, _ transpose: Transpose = .none) {
        precondition(rightHandSides.rows == order, "solveTriangular: right-hand side has \(rightHandSides.rows) rows, expected \(order)")
        guard order > 0, rightHandSides.columns > 0 else { return }
        let n = Int32(order)
        lower.elements.withUnsafeBufferPointer { pl in
            rightHandSides.elements.withUnsafeMutableBufferPointer { pb in
                cblas_dtrsm(
                    CblasColMajor, CblasLeft, CblasLower, transpose.cblas, CblasNonUnit,
                    n, Int32(rightHandSides.columns), 1, pl.baseAddress, n, pb.baseAddress, n)
            }
        }
    }

    /// `(A + jitter · I)⁻¹`, full and symmetric (LAPACK `dpotri`).
    ///
    /// Use a solve instead wherever one suffices; the inverse exists for the log-likelihood
    /// gradient, whose trace terms `tr((ααᵀ − K⁻¹) ∂K/∂θ)` need every element of `K⁻¹`.
    ///
    /// - Parameter fillingUpperTriangle: copy the lower triangle onto the upper one (the
    ///   default); pass `false` when only the lower triangle will be read, to skip an O(n²)
    ///   strided pass.
    /// - Complexity: O(n³), ≈ 2n³/3 flops.
    public func inverse(fillingUpperTriangle: Bool = true) -> Matrix {
        var inverse = lower
        guard order > 0 else { return inverse }
        let n = Int32(order)
        let info = inverse.elements.withUnsafeMutableBufferPointer { p in
            LAPACKE_dpotri(LAPACK_COL_MAJOR, Triangle.lower.lapack, n, p.baseAddress, n)
        }
        // A factor with a positive diagonal is never singular; only illegal arguments can fail.
        precondition(info == 0, "dpotri failed (info = \(info))")
        if fillingUpperTriangle { inverse.symmetrize(from: .lower) }
        return inverse
    }

    /// Reconstructs `A + jitter · I = L Lᵀ` (for tests and diagnostics).
    ///
    /// - Complexity: O(n³).
    public func reconstructed() -> Matrix {
        var product = Matrix(rows: order, columns: order)
        Matrix.symmetricRankUpdate(lower, into: &product)
        product.symmetrize(from: .lower)
        return product
    }
}
