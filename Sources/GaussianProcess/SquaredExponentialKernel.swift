import CVectorMath

/// The squared-exponential (RBF) kernel: `κ(r²) = e^{−r²/2}`.
///
/// Infinitely smooth; often too smooth for real objectives, offered for comparison and for
/// smooth simulators. `dκ/d(r²) = −κ/2`.
public struct SquaredExponentialKernel: StationaryKernel {
    public init() {}
    public var name: String { "squaredExponential" }

    public func applyCorrelation(to values: UnsafeMutableBufferPointer<Double>, derivatives: UnsafeMutableBufferPointer<Double>?) {
        precondition(derivatives == nil || derivatives!.count >= values.count)
        hp_squared_exponential(values.baseAddress, derivatives?.baseAddress, values.count)
    }
}
