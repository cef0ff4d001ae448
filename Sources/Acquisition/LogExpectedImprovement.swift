import Foundation

/// `log h(z)` with `h(z) = φ(z) + zΦ(z)`, and its derivative `Φ(z)/h(z)`, accurate for every z.
///
/// The expected improvement of `f ~ N(μ, σ²)` below an incumbent `y*` is `σ·h(z)` with
/// `z = (y* − μ)/σ`. Evaluated naively, `h(z)` underflows to 0 for z below about −38, which
/// flattens the acquisition landscape and stalls its optimiser: the reason for LogEI
/// (Ament, Daulton, Eriksson, Balandat & Bakshy, "Unexpected Improvements to Expected
/// Improvement for Bayesian Optimization", NeurIPS 2023, eq. 9). Three branches:
///
/// - z > −1: `log(φ(z) + zΦ(z))` directly (no cancellation: h(−1) ≈ 0.083);
/// - −1/√ε < z ≤ −1: `−z²/2 − ½log(2π) + log1mexp(log(erfcx(−z/√2)·|z|) + ½log(π/2))`, from
///   `h(z) = φ(z)·(1 − |z|√(π/2)·erfcx(−z/√2))` for z < 0;
/// - z ≤ −1/√ε ≈ −6.7e7: `−z²/2 − ½log(2π) − 2 log|z|` (the asymptote `h ≈ φ(z)/z²`).
///
/// `log1mexp(a) = log(1 − eᵃ)` uses `log(−expm1(a))` for a > −ln 2 and `log1p(−eᵃ)` otherwise
/// (Mächler 2012). The derivative follows from `h′(z) = Φ(z)`: `Φ/h = √(π/2)·erfcx(u) /
/// (1 − |z|√(π/2)·erfcx(u))`, `u = −z/√2`, in the middle branch, and `−z − 2/z` in the last.
public func logH(_ z: Double) -> (value: Double, derivative: Double) {
    let halfLog2Pi = 0.5 * log(2 * Double.pi)
    let halfLogHalfPi = 0.5 * log(Double.pi / 2)
    if z.isNaN { return (.nan, .nan) }
    if z > -1 {
        let cdf = normalCDF(z)
        let h = normalPDF(z) + z * cdf
        return (log(h), cdf / h)
    }
    if z > -1 / Double.ulpOfOne.squareRoot() {
        let scaled = erfcx(-z / 2.0.squareRoot())
        let a = log(scaled * -z) + halfLogHalfPi  // log(|z|√(π/2) erfcx(u)) < 0
        let oneMinusExp = -expm1(a)  // 1 − |z|√(π/2) erfcx(u), accurate near 0
        let value = -0.5 * z * z - halfLog2Pi + logOneMinusExp(a)
        return (value, (Double.pi / 2).squareRoot() * scaled / oneMinusExp)
    }
    return (-0.5 * z * z - halfLog2Pi - 2 * log(-z), -z - 2 / z)
}

/// `log(1 − eᵃ)` for a < 0 (Mächler 2012, "Accurately computing log(1 − exp(−|a|))").
func logOneMinusExp(_ a: Double) -> Double {
    a > -log(2.0) ? log(-expm1(a)) : log1p(-exp(a))
}

/// Log expected improvement below an incumbent, for minimisation, with its gradient in the
/// posterior mean and standard deviation.
public enum LogExpectedImprovement {
    /// `log E[max(y* − f, 0)]` for `f ~ N(mean, standardDeviation²)`.
    ///
    /// `log EI = log h(z) + log σ`, `z = (y* − μ)/σ`; `∂/∂μ = −(log h)′(z)/σ`,
    /// `∂/∂σ = (1 − z·(log h)′(z))/σ`. With σ = 0 the improvement is deterministic:
    /// `log(y* − μ)`, or −∞ when μ ≥ y*.
    public static func value(
        mean: Double, standardDeviation: Double, incumbent: Double
    ) -> (value: Double, meanDerivative: Double, standardDeviationDerivative: Double) {
        guard standardDeviation > 0 else {
            let improvement = incumbent - mean
            return improvement > 0 ? (log(improvement), -1 / improvement, 0) : (-.infinity, 0, 0)
        }
        let z = (incumbent - mean) / standardDeviation
        let (logh, slope) = logH(z)
        return (logh + log(standardDeviation), -slope / standardDeviation, (1 - z * slope) / standardDeviation)
    }
}
