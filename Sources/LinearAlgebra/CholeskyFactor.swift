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
/// Only the lower triangle of `A` is read. When `A` is not numerically positive definite,
/// jitter is added to its diagonal following a ``JitterPolicy``; the amount used is ``jitter``.
///
/// Non-finite input is rejected with ``LinearAlgebraError/nonFiniteInput(row:column:value:)``.
/// LAPACK's `dpotrf` does not reliably flag NaN, and LAPACKE's own NaN scan of the whole
/// matrix costs O(n²) on every call, so the `_work` routines (no scan) are called and the
/// factor's diagonal is checked after `dpotrf` instead: a NaN
/// or ∞ anywhere in row i of the lower triangle reaches Lᵢᵢ (Lᵢᵢ² = Aᵢᵢ − Σₖ Lᵢₖ²) or makes
/// `dpotrf` fail, and either sends the input to a full scan that names the element. The common
/// case thus costs one copy and one `dpotrf`, and the check O(n).
public struct CholeskyFactor: Sendable {
    /// `dpotrf`'s output: the factor in the lower triangle; the strict upper triangle holds
    /// whatever the input had there (LAPACK does not touch it).
    var storage: Matrix
    /// The absolute amount added to the diagonal of `A` before it factorised (0 when none was needed).
    public private(set) var jitter: Double
    /// The policy used, kept for ``appending(crossCovariance:block:)``.
    public let jitterPolicy: JitterPolicy

    /// The order `n` of the factorised matrix.
    public var order: Int { storage.rows }

    /// The lower-triangular factor `L`, with a zero strict upper triangle.
    ///
    /// - Complexity: O(n²): a copy (the stored factor's upper triangle is left as LAPACK found it).
    public var lower: Matrix {
        var copy = storage
        copy.zeroStrictTriangle(.upper)
        return copy
    }

    /// Factorises `matrix` (its lower triangle), adding diagonal jitter if needed.
    ///
    /// - Throws: ``LinearAlgebraError/nonFiniteInput(row:column:value:)`` for NaN or ∞ in the
    ///   lower triangle; ``LinearAlgebraError/notPositiveDefinite(order:maximumJitter:meanDiagonal:)``
    ///   when even the largest jitter fails.
    /// - Complexity: O(n³), ≈ n³/3 flops (one `dpotrf`) and one O(n²) copy; each jitter retry
    ///   costs another copy and `dpotrf`.
    public init(_ matrix: Matrix, jitterPolicy: JitterPolicy = .default) throws(LinearAlgebraError) {
        precondition(matrix.isSquare, "Cholesky needs a square matrix, got \(matrix.rows)×\(matrix.columns)")
        (storage, jitter) = try Self.factorise(matrix, jitterPolicy: jitterPolicy) { matrix }
        self.jitterPolicy = jitterPolicy
    }

    /// Factorises, in place and without a copy, the matrix that `build` writes: for callers that
    /// assemble a large matrix only to factorise it (a GP's kernel matrix).
    ///
    /// `build` must write the whole lower triangle, diagonal included: the matrix it gets may
    /// hold stale values. It may use the strict upper triangle as scratch, which the factor
    /// keeps. It runs again, on a fresh matrix, only when a jitter retry or an error report
    /// needs the original.
    ///
    /// - Parameters:
    ///   - order: n.
    ///   - storage: an n × n matrix to reuse (for example from ``releasingStorage()`` or
    ///     ``takeInverse(fillingUpperTriangle:)`` of an earlier factor), so that repeated
    ///     factorisations do not allocate and page-fault n² fresh doubles each time.
    /// - Throws: as ``init(_:jitterPolicy:)``.
    /// - Complexity: O(n³), one `dpotrf` and one call of `build` in the common case.
    public init(
        order: Int, reusing storage: consuming Matrix? = nil, jitterPolicy: JitterPolicy = .default,
        building build: (inout Matrix) -> Void
    ) throws(LinearAlgebraError) {
        var matrix = storage ?? Matrix(rows: order, columns: order)
        if matrix.rows != order || matrix.columns != order { matrix = Matrix(rows: order, columns: order) }
        build(&matrix)
        (self.storage, jitter) = try Self.factorise(matrix, jitterPolicy: jitterPolicy) {
            var fresh = Matrix(rows: order, columns: order)
            build(&fresh)
            return fresh
        }
        self.jitterPolicy = jitterPolicy
    }

    /// The factor's n × n storage, for reuse by the next factorisation of the same order.
    public consuming func releasingStorage() -> Matrix { storage }

    /// Wraps an existing factor (used by appends).
    init(storage: Matrix, jitter: Double, jitterPolicy: JitterPolicy) {
        self.storage = storage
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

    /// `dpotrf` on `initial` in place, then with escalating jitter on copies of `original()`.
    static func factorise(
        _ initial: consuming Matrix, jitterPolicy: JitterPolicy, original: () -> Matrix
    ) throws(LinearAlgebraError) -> (Matrix, Double) {
        var factor = initial
        let n = factor.rows
        if n == 0 { return (factor, 0) }
        var info = potrf(&factor)
        if info == 0 && hasFiniteDiagonal(factor) { return (factor, 0) }
        if info < 0 { throw .lapackFailure(routine: "dpotrf", info: Int(info)) }

        // Rare path: name a non-finite element, or retry with jitter.
        let matrix = original()
        try checkLowerTriangleFinite(matrix)
        let meanDiagonal = matrix.diagonal.reduce(0, +) / Double(n)
        let jitters = meanDiagonal > 0 ? jitterPolicy.absoluteJitters(meanDiagonal: meanDiagonal) : []
        for jitter in jitters {
            factor = matrix
            factor.elements.withUnsafeMutableBufferPointer { p in
                for i in 0..<n { p[i + i * n] += jitter }
            }
            info = potrf(&factor)
            if info == 0 && hasFiniteDiagonal(factor) { return (factor, jitter) }
        }
        throw .notPositiveDefinite(order: n, maximumJitter: jitters.last ?? 0, meanDiagonal: meanDiagonal)
    }

    static func hasFiniteDiagonal(_ matrix: Matrix) -> Bool {
        let n = matrix.rows
        return matrix.elements.withUnsafeBufferPointer { p in
            var sum = 0.0
            for i in 0..<n { sum += p[i + i * n] }
            // Any NaN or ∞ makes the sum non-finite; a finite sum of positive pivots cannot overflow
            // unless a pivot is ≥ 1e308, which is as useless as infinity.
            return sum.isFinite
        }
    }

    static func potrf(_ matrix: inout Matrix) -> Int32 {
        let n = Int32(matrix.rows)
        return matrix.elements.withUnsafeMutableBufferPointer { p in
            LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, Triangle.lower.lapack, n, p.baseAddress, n)
        }
    }

    /// `log det(A + jitter · I) = 2 Σ log Lᵢᵢ`.
    ///
    /// - Complexity: O(n).
    public var logDeterminant: Double {
        let n = order
        return storage.elements.withUnsafeBufferPointer { p in
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
        let info = storage.elements.withUnsafeBufferPointer { pl in
            solution.elements.withUnsafeMutableBufferPointer { pb in
                LAPACKE_dpotrs_work(
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
        storage.elements.withUnsafeBufferPointer { pl in
            rightHandSides.elements.withUnsafeMutableBufferPointer { pb in
                if rightHandSides.columns == 1 {
                    // One vector (the maximiser's gradient steps): `dtrsv` reads the factor in
                    // place, where `dtrsm` packs all of it first (7.5% of G7's profile was
                    // that packing).
                    cblas_dtrsv(CblasColMajor, CblasLower, transpose.cblas, CblasNonUnit, n, pl.baseAddress, n, pb.baseAddress, 1)
                } else {
                    cblas_dtrsm(
                        CblasColMajor, CblasLeft, CblasLower, transpose.cblas, CblasNonUnit,
                        n, Int32(rightHandSides.columns), 1, pl.baseAddress, n, pb.baseAddress, n)
                }
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
    ///   strided pass (the upper triangle then holds whatever the factor's storage held).
    /// - Complexity: O(n³), ≈ 2n³/3 flops, plus one O(n²) copy of the factor.
    public func inverse(fillingUpperTriangle: Bool = true) -> Matrix {
        Self.invert(storage, fillingUpperTriangle: fillingUpperTriangle)
    }

    /// ``inverse(fillingUpperTriangle:)`` computed in the factor's own storage, which it
    /// consumes: no O(n²) copy when the factor is no longer needed.
    public consuming func takeInverse(fillingUpperTriangle: Bool = true) -> Matrix {
        Self.invert(storage, fillingUpperTriangle: fillingUpperTriangle)
    }

    private static func invert(_ factor: consuming Matrix, fillingUpperTriangle: Bool) -> Matrix {
        var inverse = factor
        guard inverse.rows > 0 else { return inverse }
        let n = Int32(inverse.rows)
        let info = inverse.elements.withUnsafeMutableBufferPointer { p in
            LAPACKE_dpotri_work(LAPACK_COL_MAJOR, Triangle.lower.lapack, n, p.baseAddress, n)
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
