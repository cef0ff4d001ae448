import Testing
@testable import HyperPower

/// The objective's Yeo–Johnson warp: λ by maximum likelihood on the standardised values, as
/// SciPy's `yeojohnson_normmax`, within the range of the study's kind. References from SciPy
/// 1.17.1, computed once:
///
///     import numpy as np, scipy.stats as st
///     v = np.array([...]); z = (v - v.mean()) / v.std(ddof=1)
///     st.yeojohnson_normmax(z, brack=None)
@Suite struct PowerTransformTests {
    static let rightSkewed = [0.12, 0.3, 0.45, 0.8, 1.1, 2.0, 3.5, 7.0, 15.0, 40.0, 60.0, 90.0]  // SciPy λ −1.2144462730341978
    static let leftSkewed = [20.1, 20.5, 19.8, 21.0, 20.7, 18.2, 12.5, 20.9, 21.3, 8.0, 20.2, 19.9]  // 3.4012974485567646
    static let mild = [0.3, 1.2, 0.7, 2.2, 1.9, 0.1, 1.4, 0.9, 2.8, 0.5, 1.6, 1.1]  // 0.6475826989292252

    @Test func lambdaIsSciPysMaximumLikelihoodWithinItsRange() {
        #expect(abs(PowerTransform(fitting: Self.leftSkewed).lambda - 3.4012974485567646) < 1e-6)
        #expect(abs(PowerTransform(fitting: Self.mild).lambda - 0.6475826989292252) < 1e-6)
        // A front's objectives may saturate (λ < 0); one objective's warp stops at the logarithm.
        #expect(abs(PowerTransform(fitting: Self.rightSkewed, lambdas: PowerTransform.frontLambdas).lambda - -1.2144462730341978) < 1e-6)
        let single = PowerTransform(fitting: Self.rightSkewed)
        #expect(abs(single.lambda) < 1e-6)
        // At λ ≥ 0 the bad side is unbounded: the worst value stays far above the rest, where a
        // saturating warp puts it near the next (slope from the walls of a valley kept).
        let saturating = PowerTransform(fitting: Self.rightSkewed, lambdas: PowerTransform.frontLambdas)
        let gap = { (t: PowerTransform) in (t(90) - t(60)) / (t(60) - t(0.12)) }
        #expect(gap(single) > 3 * gap(saturating))
        // Monotone: the incumbent maps to the warped incumbent.
        for t in [single, saturating] {
            let sorted = Self.rightSkewed.sorted().map { t($0) }
            #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $0 < $1 })
        }
    }

    /// The warp does not care about the values' magnitude: scaled by 2¹⁰⁰⁰ or 2⁻¹⁰⁰⁰ (whose
    /// squares overflow or underflow), the values fit the same λ and map to the same warped
    /// values (to the bit for a power of two) — the moments are taken over a power of two near the largest value.
    @Test func theWarpIsTheSameAtEveryMagnitude() {
        for (values, lambdas) in [(Self.rightSkewed, PowerTransform.frontLambdas), (Self.leftSkewed, PowerTransform.singleObjectiveLambdas),
                                  (Self.mild.map { -$0 }, PowerTransform.singleObjectiveLambdas)] {
            let plain = PowerTransform(fitting: values, lambdas: lambdas)
            // A power of two scales exactly; 1e200 rounds each value once.
            for (factor, tolerance) in [(0x1p1000, 0.0), (0x1p-1000, 0.0), (1e200, 1e-6)] {
                let scaled = PowerTransform(fitting: values.map { $0 * factor }, lambdas: lambdas)
                #expect(abs(scaled.lambda - plain.lambda) <= tolerance, "λ at a factor of \(factor)")
                for value in values {
                    let warped = scaled(value * factor)
                    #expect(warped.isFinite && abs(warped - plain(value)) <= tolerance, "\(value) at a factor of \(factor)")
                }
            }
        }
    }
}
