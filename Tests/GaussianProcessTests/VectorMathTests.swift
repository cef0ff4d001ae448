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
}
