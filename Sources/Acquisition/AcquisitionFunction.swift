import LinearAlgebra

/// A function of points of the unit cube that a maximiser proposes the best of, for
/// ``AcquisitionMaximizer/maximize(_:in:rounding:excluding:seed:)``.
///
/// Values are in log space by convention (log EI, log PoF): `−∞` means "never here". Pending
/// points (asked, not yet evaluated) are data of the acquisition, given when it is built: a
/// fantasy-conditioned model for ``ConstrainedLogExpectedImprovement``, the joint posterior for a
/// batch acquisition.
public protocol AcquisitionFunction: Sendable {
    /// The acquisition at each row of `points` (m × d), in one batch.
    func values(at points: Matrix) -> [Double]

    /// The acquisition and its gradient at one point.
    func valueAndGradient(at point: [Double]) -> (value: Double, gradient: [Double])
}

extension ConstrainedLogExpectedImprovement: AcquisitionFunction {}
