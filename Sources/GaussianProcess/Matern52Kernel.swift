import CVectorMath

/// The Matérn kernel with ν = 5/2: `κ(r) = (1 + √5 r + 5r²/3) e^{−√5 r}`.
///
/// Twice differentiable sample paths: smooth enough for gradient-based acquisition
/// maximisation, rough enough for real objectives (Snoek et al. 2012 recommend it for
/// hyper-parameter optimisation; it is the default in BoTorch and here).
///
/// `dκ/d(r²) = −(5/6)(1 + √5 r) e^{−√5 r}`, finite at r = 0.
public struct Matern52Kernel: StationaryKernel {
    public init() {}
    public var name: String { "matern52" }

    public func applyCorrelation(to values: UnsafeMutableBufferPointer<Double>, derivatives: UnsafeMutableBufferPointer<Double>?) {
        precondition(derivatives == nil || derivatives!.count >= values.count)
        hp_matern52(values.baseAddress, derivatives?.baseAddress, values.count)
    }
}
