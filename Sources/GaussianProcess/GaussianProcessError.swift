import LinearAlgebra

/// Data-dependent failures of Gaussian-process regression.
public enum GaussianProcessError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No training points were given.
    case noTrainingData
    /// Training or test inputs have the wrong number of columns.
    case dimensionMismatch(expected: Int, actual: Int)
    /// Inputs and targets disagree in count.
    case countMismatch(inputs: Int, targets: Int)
    /// An input coordinate is NaN or ±∞.
    case nonFiniteInput(point: Int, dimension: Int, value: Double)
    /// A target is NaN or ±∞.
    case nonFiniteTarget(point: Int, value: Double)
    /// The hyper-parameters hold a different number of kernel parameters than the kernel has
    /// for this input dimension.
    case kernelParameterCount(kernel: String, expected: Int, actual: Int)
    /// A hyper-parameter is not positive and finite (or the mean not finite).
    case invalidHyperparameter(name: String, value: Double)
    /// The kernel matrix could not be factorised.
    case factorization(LinearAlgebraError)
    /// Every start of the hyper-parameter fit failed.
    case fitFailed(reason: String)

    public var description: String {
        switch self {
        case .noTrainingData:
            return "a Gaussian process needs at least one training point"
        case let .dimensionMismatch(expected, actual):
            return "points have \(actual) input dimensions, the model has \(expected)"
        case let .countMismatch(inputs, targets):
            return "\(inputs) input points but \(targets) targets"
        case let .nonFiniteInput(point, dimension, value):
            return "input \(point) has \(value) in dimension \(dimension); inputs must be finite"
        case let .nonFiniteTarget(point, value):
            return "target \(point) is \(value); targets must be finite (record failed evaluations separately)"
        case let .kernelParameterCount(kernel, expected, actual):
            return "the \(kernel) kernel has \(expected) parameters for these inputs, the hyper-parameters give \(actual)"
        case let .invalidHyperparameter(name, value):
            return "hyper-parameter \(name) = \(value) is invalid"
        case let .factorization(error):
            return "kernel matrix: \(error)"
        case let .fitFailed(reason):
            return "hyper-parameter fit failed: \(reason)"
        }
    }
}
