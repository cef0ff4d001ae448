import LinearAlgebra

/// Deterministic pseudo-random values for building test matrices (a linear congruential
/// generator: the tests must not depend on the library's own generator).
struct TestValues {
    private var state: UInt64

    init(seed: UInt64) { state = seed &* 6_364_136_223_846_793_005 &+ 1 }

    mutating func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) * 0x1.0p-53 * 2 - 1
    }

    mutating func matrix(rows: Int, columns: Int) -> Matrix {
        Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in next() })
    }

    /// A well-conditioned symmetric positive-definite matrix `B Bᵀ + n·I`.
    mutating func positiveDefinite(_ n: Int) -> Matrix {
        let b = matrix(rows: n, columns: n)
        var a = Matrix.product(b, .none, b, .transposed)
        for i in 0..<n { a[i, i] += Double(n) }
        return a
    }
}

/// Plain triple-loop product, the independent reference for the BLAS wrappers.
func naiveProduct(_ a: Matrix, _ b: Matrix) -> Matrix {
    var c = Matrix(rows: a.rows, columns: b.columns)
    for i in 0..<a.rows {
        for j in 0..<b.columns {
            var sum = 0.0
            for k in 0..<a.columns { sum += a[i, k] * b[k, j] }
            c[i, j] = sum
        }
    }
    return c
}
