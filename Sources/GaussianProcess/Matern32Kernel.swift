import CVectorMath

/// The Matérn kernel with ν = 3/2: `κ(r) = (1 + √3 r) e^{−√3 r}`.
///
/// Once-differentiable sample paths, for rougher objectives. `dκ/d(r²) = −(3/2) e^{−√3 r}`.
public struct Matern32Kernel: StationaryKernel {
    public init() {}
    public var name: String { "matern32" }

    public func applyCorrelation(to values: UnsafeMutableBufferPointer<Double>, derivatives: UnsafeMutableBufferPointer<Double>?) {
        precondition(derivatives == nil || derivatives!.count >= values.count)
        hp_matern32(values.baseAddress, derivatives?.baseAddress, values.count)
    }
}
