import LinearAlgebra
import Testing

@Suite struct MatrixTests {
    @Test func storageIsColumnMajor() {
        let m = Matrix(rowMajor: [[1, 2, 3], [4, 5, 6]])
        #expect(m.elements == [1, 4, 2, 5, 3, 6])
        #expect(m[1, 2] == 6)
        #expect(m.row(1) == [4, 5, 6])
        #expect(m.column(2) == [3, 6])
        #expect(m.transposed == Matrix(rowMajor: [[1, 4], [2, 5], [3, 6]]))
    }

    @Test func gemmMatchesNaiveProductInEveryTransposeCombination() {
        var values = TestValues(seed: 1)
        let a = values.matrix(rows: 7, columns: 5)
        let b = values.matrix(rows: 5, columns: 4)
        #expect(Matrix.product(a, .none, b, .none).maximumAbsoluteDifference(from: naiveProduct(a, b)) < 1e-13)
        #expect(Matrix.product(a.transposed, .transposed, b, .none).maximumAbsoluteDifference(from: naiveProduct(a, b)) < 1e-13)
        #expect(Matrix.product(a, .none, b.transposed, .transposed).maximumAbsoluteDifference(from: naiveProduct(a, b)) < 1e-13)
        var c = Matrix(rows: 7, columns: 4, repeating: 1)
        Matrix.multiply(a, .none, b, .none, alpha: 2, beta: 3, into: &c)
        let expected = naiveProduct(a, b)
        for k in c.elements.indices { #expect(abs(c.elements[k] - (2 * expected.elements[k] + 3)) < 1e-13) }

        // One-column and one-row results take dgemv: every transpose combination, with α and β.
        for (rows, inner, columns) in [(7, 5, 1), (1, 5, 4), (1, 5, 1)] {
            let left = values.matrix(rows: rows, columns: inner)
            let right = values.matrix(rows: inner, columns: columns)
            let reference = naiveProduct(left, right)
            for transposeLeft in [Transpose.none, .transposed] {
                for transposeRight in [Transpose.none, .transposed] {
                    let l = transposeLeft == .none ? left : left.transposed
                    let r = transposeRight == .none ? right : right.transposed
                    #expect(Matrix.product(l, transposeLeft, r, transposeRight).maximumAbsoluteDifference(from: reference) < 1e-13)
                    var accumulated = Matrix(rows: rows, columns: columns, repeating: 1)
                    Matrix.multiply(l, transposeLeft, r, transposeRight, alpha: 2, beta: 3, into: &accumulated)
                    for k in accumulated.elements.indices {
                        #expect(abs(accumulated.elements[k] - (2 * reference.elements[k] + 3)) < 1e-13)
                    }
                }
            }
        }
    }

    @Test func gemvAndSyrkMatchNaiveProducts() {
        var values = TestValues(seed: 2)
        let a = values.matrix(rows: 6, columns: 3)
        let x = [0.5, -1.5, 2.0]
        let y = a.multiplied(by: x)
        let reference = naiveProduct(a, Matrix(rows: 3, columns: 1, elements: x))
        for i in 0..<6 { #expect(abs(y[i] - reference.elements[i]) < 1e-14) }
        let yt = a.multiplied(by: y, .transposed)
        let referenceT = naiveProduct(a.transposed, Matrix(rows: 6, columns: 1, elements: y))
        for i in 0..<3 { #expect(abs(yt[i] - referenceT.elements[i]) < 1e-13) }

        var gram = Matrix(rows: 6, columns: 6)
        Matrix.symmetricRankUpdate(a, into: &gram)
        gram.symmetrize(from: .lower)
        #expect(gram.maximumAbsoluteDifference(from: naiveProduct(a, a.transposed)) < 1e-13)
        var gramT = Matrix(rows: 3, columns: 3)
        Matrix.symmetricRankUpdate(a, .transposed, into: &gramT)
        gramT.symmetrize(from: .lower)
        #expect(gramT.maximumAbsoluteDifference(from: naiveProduct(a.transposed, a)) < 1e-13)
        #expect(abs(dot([1, 2, 3], [4, 5, 6]) - 32) == 0)
    }
}
