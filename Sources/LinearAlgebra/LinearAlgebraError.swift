/// Data-dependent failures of the linear-algebra layer. Dimension mismatches are programmer
/// errors and stop with a precondition instead.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input holds NaN or ±∞ at `(row, column)`.
    case nonFiniteInput(row: Int, column: Int, value: Double)
    /// The matrix could not be factorised even after adding `maximumJitter` to its diagonal.
    case notPositiveDefinite(order: Int, maximumJitter: Double, meanDiagonal: Double)
    /// A LAPACK routine reported an illegal argument or an unexpected failure.
    case lapackFailure(routine: String, info: Int)

    public var description: String {
        switch self {
        case let .nonFiniteInput(row, column, value):
            return "matrix element (\(row), \(column)) is \(value); NaN and infinity cannot be factorised"
        case let .notPositiveDefinite(order, maximumJitter, meanDiagonal):
            return "the \(order)×\(order) matrix is not positive definite even with jitter "
                + "\(maximumJitter) added to its diagonal (mean diagonal \(meanDiagonal))"
        case let .lapackFailure(routine, info):
            return "LAPACK \(routine) failed with info = \(info)"
        }
    }
}
