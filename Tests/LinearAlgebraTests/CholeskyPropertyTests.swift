import LinearAlgebra
import Testing

/// Properties of the Cholesky factor over many random matrices near singularity (the jitter
/// path), not a few hand-picked ones.
@Suite struct CholeskyPropertyTests {
    /// `B Bᵀ` with B of rank r < n (positive semi-definite, numerically singular), scaled by
    /// 10^s, plus a diagonal that is 0, tiny or small: the factor always exists, reports the
    /// jitter it added within the policy's limit, reconstructs `A + jitter·I`, and solves with
    /// a small residual.
    @Test func nearSingularMatricesFactoriseWithReportedJitter() throws {
        var values = TestValues(seed: 2026)
        var jittered = 0
        for trial in 0..<300 {
            let n = 2 + trial % 23
            let rank = max(1, Int((values.next() + 1) / 2 * Double(n - 1)))
            let b = values.matrix(rows: n, columns: rank)
            var a = Matrix.product(b, .none, b, .transposed)
            let scale = pow10(Int((values.next() + 1) * 6) - 6)  // 1e-6 … 1e6
            let diagonal = [0.0, 1e-14, 1e-9][trial % 3]
            for index in a.elements.indices { a.elements[index] *= scale }
            for i in 0..<n { a[i, i] += diagonal * scale }
            let meanDiagonal = (0..<n).reduce(0.0) { $0 + a[$1, $1] } / Double(n)

            let factor = try CholeskyFactor(a)
            if factor.jitter > 0 { jittered += 1 }
            #expect(factor.jitter >= 0 && factor.jitter <= 1e-4 * meanDiagonal * (1 + 1e-12), "trial \(trial)")
            var shifted = a
            for i in 0..<n { shifted[i, i] += factor.jitter }
            let size = a.elements.map(abs).max()!
            #expect(factor.reconstructed().maximumAbsoluteDifference(from: shifted) <= 1e-12 * size * Double(n),
                    "trial \(trial): n \(n), rank \(rank), scale \(scale)")
            #expect(factor.logDeterminant.isFinite)

            // (A + jitter·I) x = y for y in its range: the residual is small against ‖A‖‖x‖.
            let x = (0..<n).map { _ in values.next() }
            let y = shifted.multiplied(by: x)
            let solved = factor.solve(y)
            let residual = zip(shifted.multiplied(by: solved), y).map { abs($0 - $1) }.max()!
            let solutionSize = solved.map(abs).max()!
            #expect(residual <= 1e-8 * size * max(solutionSize, 1) * Double(n), "trial \(trial): residual \(residual)")
        }
        // The sample really exercises the jitter path (and the plain one).
        #expect(jittered > 50, "\(jittered) of 300 needed jitter")
        #expect(jittered < 300, "\(jittered) of 300 needed jitter")
    }

    private func pow10(_ k: Int) -> Double { (0..<abs(k)).reduce(1.0) { acc, _ in k < 0 ? acc / 10 : acc * 10 } }
}
