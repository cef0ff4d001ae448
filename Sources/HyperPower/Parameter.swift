import Foundation

/// How a numeric parameter is mapped to the unit cube.
public enum Scale: String, Sendable, Codable, Equatable {
    /// Uniform in the value.
    case linear
    /// Uniform in the logarithm of the value (learning rates, weight decays, widths).
    case log
}

/// One hyper-parameter of a search space.
public enum Parameter: Sendable, Equatable, Codable {
    /// A real number in a closed range.
    case real(name: String, range: ClosedRange<Double>, scale: Scale)
    /// An integer in a closed range.
    case integer(name: String, range: ClosedRange<Int>, scale: Scale)
    /// A power of two in a closed range of powers of two (batch sizes, layer widths).
    case powerOfTwo(name: String, range: ClosedRange<Int>)
    /// One of an ordered list of numbers (e.g. dropout 0, 0.25, 0.5).
    case ordinal(name: String, values: [Double])
    /// One of unordered choices, one-hot encoded in the model.
    case categorical(name: String, choices: [String])

    /// The parameter's name.
    public var name: String {
        switch self {
        case let .real(name, _, _), let .integer(name, _, _), let .powerOfTwo(name, _),
            let .ordinal(name, _), let .categorical(name, _):
            return name
        }
    }

    /// Columns this parameter takes in the unit cube (one per category for categoricals).
    public var encodedWidth: Int {
        if case let .categorical(_, choices) = self { return choices.count }
        return 1
    }

    /// Number of distinct values, or `nil` for a real parameter.
    public var cardinality: Int? {
        switch self {
        case .real: return nil
        case let .integer(_, range, _): return range.upperBound - range.lowerBound + 1
        case let .powerOfTwo(_, range): return Self.exponent(range.upperBound) - Self.exponent(range.lowerBound) + 1
        case let .ordinal(_, values): return values.count
        case let .categorical(_, choices): return choices.count
        }
    }

    static func exponent(_ value: Int) -> Int { Int.bitWidth - 1 - value.leadingZeroBitCount }

    /// Checks the definition; the error names the parameter.
    func validate() throws(HyperPowerError) {
        func fail(_ reason: String) -> HyperPowerError { .invalidParameter(name: name, reason: reason) }
        if name.isEmpty { throw .invalidParameter(name: name, reason: "the name is empty") }
        switch self {
        case let .real(_, range, scale):
            guard range.lowerBound.isFinite, range.upperBound.isFinite else { throw fail("the range \(range) is not finite") }
            guard range.lowerBound < range.upperBound else { throw fail("the range \(range) is empty") }
            if scale == .log, range.lowerBound <= 0 { throw fail("log scale needs a positive range, got \(range)") }
            if scale == .linear, !(range.upperBound - range.lowerBound).isFinite {
                throw fail("the range \(range) is wider than a double holds; rescale the parameter or use a log scale")
            }
        case let .integer(_, range, scale):
            guard range.lowerBound < range.upperBound else { throw fail("the range \(range) holds a single value") }
            // Every value must be a distinct double for the unit cube's bins (and the count an Int).
            let (width, overflow) = range.upperBound.subtractingReportingOverflow(range.lowerBound)
            if overflow || width >= 1 << 53 {
                throw fail("the range \(range) holds more than 2^53 values; use a Real parameter (on a log scale) for it")
            }
            if scale == .log, range.lowerBound <= 0 { throw fail("log scale needs a positive range, got \(range)") }
        case let .powerOfTwo(_, range):
            for bound in [range.lowerBound, range.upperBound] where bound <= 0 || bound & (bound - 1) != 0 {
                throw fail("\(bound) is not a power of two")
            }
            guard range.lowerBound < range.upperBound else { throw fail("the range \(range) holds a single value") }
        case let .ordinal(_, values):
            guard values.count >= 2 else { throw fail("an ordinal needs at least 2 values, got \(values.count)") }
            guard values.allSatisfy(\.isFinite) else { throw fail("values must be finite") }
            guard Set(values).count == values.count else { throw fail("values repeat") }
        case let .categorical(_, choices):
            guard choices.count >= 2 else {
                throw fail("a categorical needs at least 2 choices, got \(choices.count)\(choices.isEmpty ? "" : " (\(choices[0]))")")
            }
            guard Set(choices).count == choices.count else { throw fail("categories repeat") }
        }
    }
}

/// Anything that describes a parameter: the building blocks of ``SearchSpace/init(_:)``.
public protocol ParameterDescription {
    /// The parameter described.
    var parameter: Parameter { get }
}

extension Parameter: ParameterDescription {
    /// The parameter itself.
    public var parameter: Parameter { self }
}

/// A real parameter: `Real("learningRate", 1e-4...1e-1, scale: .log)`.
public struct Real: ParameterDescription {
    /// The parameter described.
    public let parameter: Parameter
    /// A real parameter over `range`, sampled uniformly on the given scale.
    ///
    /// Swift checks a range written with `...` itself and stops the program on a reversed one
    /// (`2...1`) before the library sees it; for bounds computed at run time, use
    /// ``init(_:from:to:scale:)``, which throws instead.
    public init(_ name: String, _ range: ClosedRange<Double>, scale: Scale = .linear) {
        parameter = .real(name: name, range: range, scale: scale)
    }

    /// A real parameter from `lower` to `upper`.
    ///
    /// - Throws: ``HyperPowerError/invalidParameter(name:reason:)`` naming the parameter when
    ///   the bounds are reversed, equal or NaN (write `try` inside the `SearchSpace` block); the
    ///   space reports infinite ones.
    public init(_ name: String, from lower: Double, to upper: Double, scale: Scale = .linear) throws(HyperPowerError) {
        self.init(name, try orderedBounds(name, lower, upper), scale: scale)  // the space checks finiteness
    }
}

/// An integer parameter: `Integer("layers", 1...3)`.
public struct Integer: ParameterDescription {
    /// The parameter described.
    public let parameter: Parameter
    /// An integer parameter over `range` (equal bins, or logarithmic with `.log`). For bounds
    /// computed at run time, ``init(_:from:to:scale:)`` throws where `...` would stop the program.
    public init(_ name: String, _ range: ClosedRange<Int>, scale: Scale = .linear) {
        parameter = .integer(name: name, range: range, scale: scale)
    }

    /// An integer parameter from `lower` to `upper`, both included.
    ///
    /// - Throws: ``HyperPowerError/invalidParameter(name:reason:)`` when `lower ≥ upper`.
    public init(_ name: String, from lower: Int, to upper: Int, scale: Scale = .linear) throws(HyperPowerError) {
        self.init(name, try orderedBounds(name, lower, upper), scale: scale)
    }
}

/// A power-of-two parameter: `PowerOfTwo("batchSize", 16...512)`.
public struct PowerOfTwo: ParameterDescription {
    /// The parameter described.
    public let parameter: Parameter
    /// The powers of two in `range` (whose bounds must be powers of two).
    public init(_ name: String, _ range: ClosedRange<Int>) {
        parameter = .powerOfTwo(name: name, range: range)
    }

    /// The powers of two from `lower` to `upper`.
    ///
    /// - Throws: ``HyperPowerError/invalidParameter(name:reason:)`` when `lower ≥ upper` (the
    ///   space checks that both are powers of two).
    public init(_ name: String, from lower: Int, to upper: Int) throws(HyperPowerError) {
        self.init(name, try orderedBounds(name, lower, upper))
    }
}

/// An ordinal parameter: `Ordinal("dropout", [0, 0.25, 0.5])`.
public struct Ordinal: ParameterDescription {
    /// The parameter described.
    public let parameter: Parameter
    /// One of `values`, in their order (at least two, increasing).
    public init(_ name: String, _ values: [Double]) {
        parameter = .ordinal(name: name, values: values)
    }
}

/// A categorical parameter: `Categorical("activation", ["relu", "tanh"])`.
public struct Categorical: ParameterDescription {
    /// The parameter described.
    public let parameter: Parameter
    /// One of `choices`, unordered (one-hot encoded).
    public init(_ name: String, _ choices: [String]) {
        parameter = .categorical(name: name, choices: choices)
    }
}

/// `lower...upper`, or an error naming the parameter where `...` would stop the program
/// (reversed or equal bounds, or NaN).
private func orderedBounds<Bound: Comparable>(_ name: String, _ lower: Bound, _ upper: Bound) throws(HyperPowerError) -> ClosedRange<Bound> {
    guard lower < upper else {
        throw .invalidParameter(name: name, reason: "the lower bound \(lower) is not below the upper bound \(upper)")
    }
    return lower...upper
}

/// Collects parameter descriptions in a `SearchSpace { … }` block.
@resultBuilder
public enum SearchSpaceBuilder {
    /// One parameter (`Real(…)`, `Integer(…)`, …).
    public static func buildExpression(_ expression: some ParameterDescription) -> [Parameter] { [expression.parameter] }
    /// Parameters built elsewhere.
    public static func buildExpression(_ expression: [Parameter]) -> [Parameter] { expression }
    /// The parameters of a block, in order.
    public static func buildBlock(_ components: [Parameter]...) -> [Parameter] { components.flatMap { $0 } }
    /// Parameters declared under an `if`.
    public static func buildOptional(_ component: [Parameter]?) -> [Parameter] { component ?? [] }
    /// The first branch of an `if … else`.
    public static func buildEither(first component: [Parameter]) -> [Parameter] { component }
    /// The second branch of an `if … else`.
    public static func buildEither(second component: [Parameter]) -> [Parameter] { component }
    /// Parameters declared in a `for` loop.
    public static func buildArray(_ components: [[Parameter]]) -> [Parameter] { components.flatMap { $0 } }
}
