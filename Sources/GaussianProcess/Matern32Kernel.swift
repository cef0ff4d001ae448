import Foundation

/// The Matérn kernel with ν = 3/2: `κ(r) = (1 + √3 r) e^{−√3 r}`.
///
/// Once-differentiable sample paths, for rougher objectives. `dκ/d(r²) = −(3/2) e^{−√3 r}`.
public struct Matern32Kernel: StationaryKernel {
    public init() {}
    public var name: String { "matern32" }

    public func applyCorrelation(to values: UnsafeMutableBufferPointer<Double>, derivatives: UnsafeMutableBufferPointer<Double>?) {
        let sqrt3 = 3.0.squareRoot()
        for i in values.indices {
            let sr = sqrt3 * values[i].squareRoot()
            let e = exp(-sr)
            values[i] = (1 + sr) * e
            derivatives?[i] = -1.5 * e
        }
    }
}
