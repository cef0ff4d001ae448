import LinearAlgebra
import Testing

@Suite struct LeastSquaresTests {
    @Test func exactLinearDataIsRecovered() throws {
        // y = 2 + 3 x₁ − x₂ on a small design with an intercept column.
        let rows: [[Double]] = [[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 2, 3], [1, -1, 4], [1, 3, -2]]
        let design = Matrix(rowMajor: rows)
        let target = rows.map { 2 + 3 * $0[1] - $0[2] }
        let solution = try leastSquares(design, target)
        #expect(solution.rank == 3)
        for (value, expected) in zip(solution.coefficients, [2.0, 3, -1]) { #expect(abs(value - expected) < 1e-12) }
        #expect(solution.residualSumOfSquares < 1e-20)
    }

    @Test func overdeterminedFitMatchesNormalEquations() throws {
        // Closed form for a line through (0,1), (1,2), (2,2), (3,4): slope 0.9, intercept 0.9.
        let design = Matrix(rowMajor: [[1, 0], [1, 1], [1, 2], [1, 3]])
        let solution = try leastSquares(design, [1, 2, 2, 4])
        #expect(abs(solution.coefficients[0] - 0.9) < 1e-12)
        #expect(abs(solution.coefficients[1] - 0.9) < 1e-12)
        // Residuals: 0.1, 0.2, −0.7, 0.4 → RSS 0.7.
        #expect(abs(solution.residualSumOfSquares - 0.7) < 1e-12)
    }

    @Test func collinearColumnsGiveReducedRankNotFailure() throws {
        let design = Matrix(rowMajor: [[1, 2], [2, 4], [3, 6], [4, 8]])
        let solution = try leastSquares(design, [1, 2, 3, 4])
        #expect(solution.rank == 1)
        #expect(solution.residualSumOfSquares < 1e-20)
    }

    @Test func nonFiniteDataIsRejected() {
        #expect(throws: LinearAlgebraError.self) { try leastSquares(Matrix(rowMajor: [[1], [.nan]]), [1, 2]) }
        #expect(throws: LinearAlgebraError.self) { try leastSquares(Matrix(rowMajor: [[1], [2]]), [1, .infinity]) }
    }
}
