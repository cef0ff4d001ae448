import CVectorMath
import Foundation
import Testing

/// The vectorised exponential behind the kernels, against the C library's `exp`.
@Suite struct VectorMathTests {
    @Test func vectorExponentialIsWithinTwoUlpOfTheCLibrary() {
        // A dense sweep of the kernels' domain [−745, 0] plus the positive side to 709.
        var inputs = (0..<200_001).map { -745.0 + 745.0 * Double($0) / 200_000 }
        inputs += (0..<10_001).map { 709.0 * Double($0) / 10_000 }
        inputs += [-1e-300, -5e-324, 0, -0.5 * log(2.0), 0.5 * log(2.0)]
        var outputs = [Double](repeating: 0, count: inputs.count)
        hp_exp(inputs, &outputs, inputs.count)
        var worstUlps = 0.0
        for (x, value) in zip(inputs, outputs) {
            let reference = exp(x)
            if reference < 2.2250738585072014e-308 {
                // Subnormal results: absolute error within a few subnormal steps.
                #expect(abs(value - reference) <= 4 * 4.9406564584124654e-324)
                continue
            }
            worstUlps = max(worstUlps, abs(value - reference) / reference.ulp)
        }
        #expect(worstUlps <= 2, "worst error \(worstUlps) ulp")
    }

    @Test func kernelsMatchTheirScalarFormulas() {
        let squared = (0..<1_003).map { Double($0) * 0.013 }
        for (name, function) in [("matern52", hp_matern52), ("matern32", hp_matern32), ("se", hp_squared_exponential)] as [(String, (UnsafeMutablePointer<Double>?, UnsafeMutablePointer<Double>?, Int) -> Void)] {
            var values = squared
            var derivatives = [Double](repeating: 0, count: squared.count)
            function(&values, &derivatives, values.count)
            for (i, r2) in squared.enumerated() {
                let r = r2.squareRoot()
                let (value, derivative): (Double, Double)
                switch name {
                case "matern52":
                    value = (1 + 5.0.squareRoot() * r + 5 * r2 / 3) * exp(-5.0.squareRoot() * r)
                    derivative = -(5.0 / 6) * (1 + 5.0.squareRoot() * r) * exp(-5.0.squareRoot() * r)
                case "matern32":
                    value = (1 + 3.0.squareRoot() * r) * exp(-3.0.squareRoot() * r)
                    derivative = -1.5 * exp(-3.0.squareRoot() * r)
                default:
                    value = exp(-0.5 * r2)
                    derivative = -0.5 * value
                }
                #expect(abs(values[i] - value) <= 1e-15 * max(value, 1e-300) + 1e-300, "\(name) at r² = \(r2)")
                #expect(abs(derivatives[i] - derivative) <= 1e-15 * abs(derivative) + 1e-300, "\(name)′ at r² = \(r2)")
            }
        }
    }

    /// The squared distances equal a plain loop's to the bit — each a sum over the columns in
    /// order, with a multiply and an add per term — for row counts that are not multiples of
    /// the eight-row blocks, an odd number of test points, and more than 64 columns (the
    /// heap-allocated path).
    @Test(arguments: [(1, 1, 1), (7, 3, 2), (8, 2, 5), (21, 9, 30), (100, 33, 6), (13, 4, 70)])
    func squaredDistancesMatchAPlainLoopExactly(n: Int, m: Int, d: Int) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(n * 1_000_003 + m * 1_009 + d)
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) * 0x1p-53 * 6 - 3
        }
        let s = (0..<(n * d)).map { _ in uniform() }
        var t = (0..<(m * d)).map { _ in uniform() }
        if m > 1 { for k in 0..<d { t[1 + k * m] = s[min(2, n - 1) + k * n] } }  // a duplicate: distance 0
        var out = [Double](repeating: .nan, count: n * m)
        hp_squared_distances(s, n, t, m, d, &out)
        for j in 0..<m {
            for a in 0..<n {
                var sum = 0.0
                for k in 0..<d {
                    let difference = s[a + k * n] - t[j + k * m]
                    sum = sum + difference * difference
                }
                #expect(out[a + j * n].bitPattern == sum.bitPattern, "row \(a), point \(j)")
            }
        }
        if m > 1 { #expect(out[min(2, n - 1) + n] == 0) }
    }
}
