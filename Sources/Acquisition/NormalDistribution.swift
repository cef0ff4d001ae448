import Foundation

/// The scaled complementary error function `erfcx(x) = e^{x²} erfc(x)`.
///
/// It exists because `erfc` underflows (below 1e-308 for x > 26.5) long before the quantities
/// built from it — `log Φ(z)` for z ≪ 0, the log expected improvement far from the incumbent —
/// stop being useful. Method:
/// - x < 26: `e^{x²} · erfc(x)` with the C library's `erfc` and x² split exactly as
///   `hi + lo` (`lo = fma(x, x, −hi)`), `e^{x²} = e^{hi}(1 + lo)`: the rounding of x² would
///   otherwise cost a relative error of x²·ε (≈ 1.5e-13 at x = 26).
/// - x ≥ 26: the asymptotic series `1/(x√π) Σₖ (−1)ᵏ (2k−1)!!/(2x²)ᵏ`, 12 terms (the
///   truncation error is below 1e-25 at x = 26 and falls with x).
/// - x < −26.6: `+∞` (e^{x²} overflows; erfc(x) → 2).
///
/// Accuracy: within 1e-14 relative of a 60-digit mpmath evaluation from −25 to 1000 (tests).
/// (SciPy's `erfcx` is up to 6e-14 off for x < −6, where it rounds x² before exponentiating.)
public func erfcx(_ x: Double) -> Double {
    if x.isNaN { return .nan }
    if x < -26.6 { return .infinity }
    if x < 26 {
        let high = x * x
        let low = fma(x, x, -high)
        return exp(high) * erfc(x) * (1 + low)
    }
    let inverseTwoXSquared = 1 / (2 * x * x)
    var term = 1.0
    var sum = 1.0
    for k in 1...12 {
        term *= -Double(2 * k - 1) * inverseTwoXSquared
        sum += term
    }
    return sum / (x * Double.pi.squareRoot())
}

/// The standard normal density φ(z).
public func normalPDF(_ z: Double) -> Double {
    exp(-0.5 * z * z) / (2 * Double.pi).squareRoot()
}

/// The standard normal distribution function Φ(z).
public func normalCDF(_ z: Double) -> Double {
    0.5 * erfc(-z / 2.0.squareRoot())
}

/// `log Φ(z)` and its derivative `φ(z)/Φ(z)`, accurate for every finite z.
///
/// - −1 ≤ z ≤ 0: `log(½ erfc(−z/√2))`; z > 0: `log1p(−½ erfc(z/√2))`, which keeps the small
///   negative value accurate instead of rounding Φ to 1 first; derivative `φ/Φ` directly;
/// - z < −1: `log(½ erfcx(−z/√2)) − z²/2`, derivative `√(2/π) / erfcx(−z/√2)`: no underflow
///   down to z = −1e150 and beyond.
///
/// This is the log probability of feasibility of a constraint modelled by a GP (SciPy's
/// `log_ndtr`; tests compare to mpmath down to z = −1000).
public func logNormalCDF(_ z: Double) -> (value: Double, derivative: Double) {
    let sqrt2 = 2.0.squareRoot()
    if z.isNaN { return (.nan, .nan) }
    if z == .infinity { return (0, 0) }
    if z < -1 {
        let u = -z / sqrt2
        let scaled = erfcx(u)
        return (log(0.5 * scaled) - 0.5 * z * z, (2 / Double.pi).squareRoot() / scaled)
    }
    let cdf = 0.5 * erfc(-z / sqrt2)
    // For z > 0, Φ(z) = 1 − ½erfc(z/√2) and log1p keeps the small complement exactly.
    let value = z > 0 ? log1p(-0.5 * erfc(z / sqrt2)) : log(cdf)
    return (value, normalPDF(z) / cdf)
}
