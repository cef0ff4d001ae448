/// A stationary, isotropic-after-scaling covariance function `k(x, x') = σ² κ(r²)`, where
/// `r² = Σⱼ ((xⱼ − x'ⱼ)/ℓⱼ)²` is the squared distance after dividing each input dimension by
/// its lengthscale (automatic relevance determination, ARD).
///
/// A kernel supplies the correlation `κ(r²)` (with `κ(0) = 1`) and its derivative with
/// respect to `r²`. Everything else — gradients in the lengthscales, the signal variance and
/// the inputs — follows by the chain rule in the GP:
/// `∂k/∂log ℓⱼ = σ² κ′(r²) · (−2 Δⱼ²/ℓⱼ²)` and `∂k/∂xⱼ = σ² κ′(r²) · 2Δⱼ/ℓⱼ²`.
///
/// Kernels work on whole buffers, so that one dynamic call covers n² pairs: the per-pair work
/// is a tight loop the compiler can vectorise, never a call through a protocol per pair.
public protocol StationaryKernel: Sendable {
    /// A short name for reports (`"matern52"`).
    var name: String { get }

    /// Replaces every squared scaled distance in `values` by `κ(r²)`; when `derivatives` is
    /// given (same length), writes `dκ/d(r²)` there.
    func applyCorrelation(to values: UnsafeMutableBufferPointer<Double>, derivatives: UnsafeMutableBufferPointer<Double>?)
}

extension StationaryKernel {
    /// `κ(r²)` for one squared distance (for tests and diagnostics; not for hot loops).
    public func correlation(squaredDistance: Double) -> (value: Double, derivative: Double) {
        var value = squaredDistance
        var derivative = 0.0
        withUnsafeMutablePointer(to: &value) { pv in
            withUnsafeMutablePointer(to: &derivative) { pd in
                applyCorrelation(
                    to: UnsafeMutableBufferPointer(start: pv, count: 1),
                    derivatives: UnsafeMutableBufferPointer(start: pd, count: 1))
            }
        }
        return (value, derivative)
    }
}
