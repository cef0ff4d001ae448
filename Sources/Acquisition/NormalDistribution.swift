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

/// The standard normal quantile Φ⁻¹(p) for 0 < p < 1 (`−∞` at 0, `+∞` at 1, NaN outside):
/// Acklam's rational approximation (relative error 1.15·10⁻⁹), then one Halley step on
/// `Φ(z) − p`, which brings it to within a few ulps of SciPy's `ndtri`.
public func normalQuantile(_ p: Double) -> Double {
    guard p > 0 && p < 1 else { return p == 0 ? -.infinity : p == 1 ? .infinity : .nan }
    let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
    let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
             6.680131188771972e+01, -1.328068155288572e+01]
    let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
    let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
    let low = 0.02425
    var z: Double
    if p < low {
        let q = (-2 * log(p)).squareRoot()
        z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    } else if p <= 1 - low {
        let q = p - 0.5
        let r = q * q
        z = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    } else {
        let q = (-2 * log1p(-p)).squareRoot()
        z = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    }
    // Halley's step; the error is taken on the smaller tail so that it stays accurate.
    let error = z < 0 ? normalCDF(z) - p : (1 - p) - normalCDF(-z)
    let u = error * (2 * Double.pi).squareRoot() * exp(0.5 * z * z)
    z -= u / (1 + 0.5 * z * u)
    return z
}
