import LinearAlgebra
import Testing

@Suite struct CholeskyFactorTests {
    @Test func factorReconstructsTheMatrixWithoutJitter() throws {
        var values = TestValues(seed: 3)
        let a = values.positiveDefinite(40)
        let factor = try CholeskyFactor(a)
        #expect(factor.jitter == 0)
        #expect(factor.reconstructed().maximumAbsoluteDifference(from: a) < 1e-11)
        // Strict upper triangle is zero.
        for j in 0..<40 { for i in 0..<j { #expect(factor.lower[i, j] == 0) } }
    }

    @Test func logDeterminantMatchesClosedForm() throws {
        // det [[4, 2], [2, 3]] = 8.
        let factor = try CholeskyFactor(Matrix(rowMajor: [[4, 2], [2, 3]]))
        #expect(abs(factor.logDeterminant - log(8.0)) < 1e-14)
        let diagonal = try CholeskyFactor(Matrix.diagonal([2, 5, 7]))
        #expect(abs(diagonal.logDeterminant - log(70.0)) < 1e-14)
    }

    @Test func solvesAndInverse() throws {
        var values = TestValues(seed: 4)
        let a = values.positiveDefinite(25)
        let factor = try CholeskyFactor(a)
        let b = values.matrix(rows: 25, columns: 3)
        let x = factor.solve(b)
        #expect(naiveProduct(a, x).maximumAbsoluteDifference(from: b) < 1e-11)
        let vector = (0..<25).map { Double($0) }
        let solution = factor.solve(vector)
        let residual = a.multiplied(by: solution)
        for i in 0..<25 { #expect(abs(residual[i] - vector[i]) < 1e-10) }

        // L⁻¹B and L⁻ᵀ(L⁻¹B) = A⁻¹B.
        let whitened = factor.solveTriangular(b)
        #expect(naiveProduct(factor.lower, whitened).maximumAbsoluteDifference(from: b) < 1e-12)
        let twice = factor.solveTriangular(whitened, .transposed)
        #expect(twice.maximumAbsoluteDifference(from: x) < 1e-12)
        // One right-hand side takes `dtrsv`: the same solution as a column of `dtrsm`'s.
        for column in 0..<3 {
            let single = Matrix(rows: 25, columns: 1, elements: (0..<25).map { b[$0, column] })
            let alone = factor.solveTriangular(single)
            let aloneTransposed = factor.solveTriangular(alone, .transposed)
            for i in 0..<25 {
                #expect(abs(alone[i, 0] - whitened[i, column]) < 1e-12)
                #expect(abs(aloneTransposed[i, 0] - twice[i, column]) < 1e-12)
            }
        }

        let inverse = factor.inverse()
        #expect(naiveProduct(a, inverse).maximumAbsoluteDifference(from: .identity(25)) < 1e-12)
        #expect(inverse.maximumAbsoluteDifference(from: inverse.transposed) == 0)
    }

    @Test func singularMatrixGetsReportedJitter() throws {
        // Rank one: v vᵀ.
        let v = [1.0, 2, 3, 4]
        var a = Matrix(rows: 4, columns: 4)
        for i in 0..<4 { for j in 0..<4 { a[i, j] = v[i] * v[j] } }
        let factor = try CholeskyFactor(a)
        let meanDiagonal = (1.0 + 4 + 9 + 16) / 4
        #expect(factor.jitter > 0)
        #expect(factor.jitter <= 1e-4 * meanDiagonal * (1 + 1e-12))
        var jittered = a
        for i in 0..<4 { jittered[i, i] += factor.jitter }
        #expect(factor.reconstructed().maximumAbsoluteDifference(from: jittered) < 1e-12)
    }

    @Test func indefiniteMatrixThrowsTypedError() {
        let a = Matrix(rowMajor: [[1, 0], [0, -1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 2, maximumJitter: 0, meanDiagonal: 0)) {
            try CholeskyFactor(a)
        }
        let b = Matrix(rowMajor: [[1, 3], [3, 1]])
        do {
            _ = try CholeskyFactor(b)
            Issue.record("expected an error")
        } catch let error as LinearAlgebraError {
            guard case let .notPositiveDefinite(order, maximumJitter, meanDiagonal) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(order == 2 && meanDiagonal == 1)
            #expect(abs(maximumJitter - 1e-4) < 1e-12)
            #expect(error.description.contains("not positive definite"))
        } catch { Issue.record("untyped error") }
        #expect(throws: LinearAlgebraError.self) { try CholeskyFactor(b, jitterPolicy: .none) }
    }

    @Test func nonFiniteInputIsRejectedBeforeLapack() {
        var a = Matrix.identity(3)
        a[2, 1] = .nan
        #expect(throws: LinearAlgebraError.self) { try CholeskyFactor(a) }
        do {
            _ = try CholeskyFactor(a)
        } catch {
            guard case let .nonFiniteInput(row, column, value) = error else { Issue.record("wrong error"); return }
            #expect(row == 2 && column == 1 && value.isNaN)
        }
        a[2, 1] = 0
        a[0, 0] = .infinity
        #expect(throws: LinearAlgebraError.self) { try CholeskyFactor(a) }
    }

    @Test func appendEqualsRefactorising() throws {
        var values = TestValues(seed: 5)
        let full = values.positiveDefinite(35)
        let n = 30
        let k = 5
        var top = Matrix(rows: n, columns: n)
        var cross = Matrix(rows: n, columns: k)
        var block = Matrix(rows: k, columns: k)
        for j in 0..<35 {
            for i in 0..<35 {
                if i < n && j < n { top[i, j] = full[i, j] }
                if i < n && j >= n { cross[i, j - n] = full[i, j] }
                if i >= n && j >= n { block[i - n, j - n] = full[i, j] }
            }
        }
        let appended = try CholeskyFactor(top).appending(crossCovariance: cross, block: block)
        let direct = try CholeskyFactor(full)
        #expect(appended.order == 35)
        #expect(appended.lower.maximumAbsoluteDifference(from: direct.lower) < 1e-12)
        #expect(abs(appended.logDeterminant - direct.logDeterminant) < 1e-10)
        // Appending one column at a time gives the same factor.
        var incremental = try CholeskyFactor(top)
        for r in 0..<k {
            let column = Matrix(rows: incremental.order, columns: 1, elements: (0..<incremental.order).map { full[$0, n + r] })
            incremental = try incremental.appending(
                crossCovariance: column, block: Matrix(rows: 1, columns: 1, elements: [full[n + r, n + r]]))
        }
        #expect(incremental.lower.maximumAbsoluteDifference(from: direct.lower) < 1e-12)
    }

    @Test func appendCarriesJitterToTheNewBlock() throws {
        // Two identical rows need jitter; the appended block gets the same jitter.
        let a = Matrix(rowMajor: [[1, 1], [1, 1]])
        let factor = try CholeskyFactor(a)
        #expect(factor.jitter > 0)
        let cross = Matrix(rows: 2, columns: 1, elements: [0.5, 0.5])
        let block = Matrix(rows: 1, columns: 1, elements: [2])
        let appended = try factor.appending(crossCovariance: cross, block: block)
        var full = Matrix(rowMajor: [[1, 1, 0.5], [1, 1, 0.5], [0.5, 0.5, 2]])
        for i in 0..<3 { full[i, i] += factor.jitter }
        #expect(appended.reconstructed().maximumAbsoluteDifference(from: full) < 1e-12)
        #expect(throws: LinearAlgebraError.self) {
            try factor.appending(crossCovariance: Matrix(rows: 2, columns: 1, elements: [.nan, 0]), block: block)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
