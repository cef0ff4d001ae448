import Foundation

/// The Yeo–Johnson power transform (Yeo & Johnson 2000) of standardised values, with λ
/// fitted by maximum likelihood: makes skewed, heavy-tailed objective values (costs spanning
/// orders of magnitude) look Gaussian to the GP, as HEBO does (Cowen-Rivers et al. 2022).
/// Monotone increasing, so the order of values — and the incumbent — is kept.
///
/// With `z = (y − mean)/sd`:
/// `ψ(z) = ((z+1)^λ − 1)/λ` for z ≥ 0 (log(z+1) at λ = 0) and
/// `ψ(z) = −((1−z)^(2−λ) − 1)/(2−λ)` for z < 0 (−log(1−z) at λ = 2).
/// λ maximises the profile log-likelihood `−(n/2)·log var(ψ(z)) + (λ−1)·Σ sign(z)·log(|z|+1)`
/// over [−2, 4] (golden-section search).
struct PowerTransform: Sendable {
    let mean: Double
    let scale: Double
    let lambda: Double

    init(fitting values: [Double]) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.count > 1 ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1) : 0
        let scale = variance > 0 && variance.isFinite ? variance.squareRoot() : 1
        self.mean = mean
        self.scale = scale
        let standardized = values.map { ($0 - mean) / scale }
        guard values.count >= 3, variance > 0 else {
            self.lambda = 1
            return
        }
        let jacobian = standardized.reduce(0) { $0 + ($1 >= 0 ? 1 : -1) * log1p(abs($1)) }
        func logLikelihood(_ lambda: Double) -> Double {
            let transformed = standardized.map { Self.apply($0, lambda) }
            let m = transformed.reduce(0, +) / n
            let v = transformed.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n
            guard v > 0, v.isFinite else { return -.infinity }
            return -0.5 * n * log(v) + (lambda - 1) * jacobian
        }
        // Golden-section search for the maximum on [−2, 4].
        let ratio = (5.0.squareRoot() - 1) / 2
        var low = -2.0
        var high = 4.0
        var a = high - ratio * (high - low)
        var b = low + ratio * (high - low)
        var fa = logLikelihood(a)
        var fb = logLikelihood(b)
        for _ in 0..<60 {
            if fa < fb {
                low = a; a = b; fa = fb
                b = low + ratio * (high - low); fb = logLikelihood(b)
            } else {
                high = b; b = a; fb = fa
                a = high - ratio * (high - low); fa = logLikelihood(a)
            }
        }
        self.lambda = 0.5 * (low + high)
    }

    /// ψ((y − mean)/scale).
    func callAsFunction(_ y: Double) -> Double { Self.apply((y - mean) / scale, lambda) }

    static func apply(_ z: Double, _ lambda: Double) -> Double {
        if z >= 0 {
            return abs(lambda) < 1e-12 ? log1p(z) : (pow(z + 1, lambda) - 1) / lambda
        }
        return abs(lambda - 2) < 1e-12 ? -log1p(-z) : -(pow(1 - z, 2 - lambda) - 1) / (2 - lambda)
    }
}
