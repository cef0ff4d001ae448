import Foundation
import Synchronization

/// Typed hyper-parameters and their map to the unit cube, where the models live.
///
/// Encoding, per parameter (each takes one column, a categorical one per category):
/// - real: `(v − lo)/(hi − lo)`, or the same on logarithms for `.log`;
/// - integer (linear), power of two, ordinal: k values → k equal bins of [0, 1]; a value maps
///   to its bin's centre, any point of the bin decodes to it (powers of two are bins over the
///   exponents, so they are log-scaled);
/// - integer (log): the real log map, rounded to the nearest integer on decoding;
/// - categorical: one-hot; decoding takes the largest coordinate.
///
/// ``canonicalize(_:)`` = encode ∘ decode: the representative of a point's configuration,
/// used to round the acquisition's optimum and to recognise duplicates.
public struct SearchSpace: Sendable, Equatable, Codable {
    /// The parameters, in declaration order.
    public let parameters: [Parameter]
    /// The dimension of the unit cube the models see.
    public let encodedDimension: Int
    /// The parameters' names in ascending order (a decoded configuration shares this array).
    let ascendingNames: [String]
    /// `parameters[ascendingOrder[k]]` is named `ascendingNames[k]`.
    let ascendingOrder: [Int]
    /// The inverse: `parameters[i]` is named `ascendingNames[ascendingPositions[i]]`.
    let ascendingPositions: [Int]
    /// Each parameter's first encoded column, in declaration order.
    let firstColumns: [Int]
    /// ``decode(_:)``'s rule for each parameter in ascending-name order, without the names and
    /// choices a copy of a ``Parameter`` retains (the gate decodes thousands of points per
    /// suggestion).
    let decodeSteps: [DecodeStep]

    /// One parameter's decoding: numeric kinds inline, the others by their parameter.
    enum DecodeStep: Sendable {
        case real(column: Int, range: ClosedRange<Double>, scale: Scale)
        case integer(column: Int, range: ClosedRange<Int>, scale: Scale)
        case powerOfTwo(column: Int, lowExponent: Int, count: Int)
        case other(index: Int)
    }

    /// A space from parameter descriptions.
    ///
    /// - Throws: ``HyperPowerError`` naming the parameter for an empty range, a log scale over
    ///   a non-positive range, a duplicate name, empty or repeated categories.
    public init(parameters: [Parameter]) throws(HyperPowerError) {
        guard !parameters.isEmpty else { throw .emptySearchSpace }
        var names = Set<String>()
        for parameter in parameters {
            try parameter.validate()
            guard names.insert(parameter.name).inserted else { throw .duplicateParameter(name: parameter.name) }
        }
        self.parameters = parameters
        self.encodedDimension = parameters.reduce(0) { $0 + $1.encodedWidth }
        ascendingOrder = parameters.indices.sorted { parameters[$0].name < parameters[$1].name }
        ascendingNames = ascendingOrder.map { parameters[$0].name }
        var positions = [Int](repeating: 0, count: parameters.count)
        for (k, index) in ascendingOrder.enumerated() { positions[index] = k }
        ascendingPositions = positions
        var column = 0
        let firstColumns = parameters.map { parameter in
            defer { column += parameter.encodedWidth }
            return column
        }
        self.firstColumns = firstColumns
        decodeSteps = ascendingOrder.map { index in
            switch parameters[index] {
            case let .real(_, range, scale): return .real(column: firstColumns[index], range: range, scale: scale)
            case let .integer(_, range, scale): return .integer(column: firstColumns[index], range: range, scale: scale)
            case let .powerOfTwo(_, range):
                return .powerOfTwo(column: firstColumns[index], lowExponent: Parameter.exponent(range.lowerBound),
                                   count: parameters[index].cardinality!)
            case .ordinal, .categorical: return .other(index: index)
            }
        }
    }

    private enum CodingKeys: String, CodingKey { case parameters, encodedDimension }

    /// Decodes `{"parameters": […], "encodedDimension": n}`, checking the parameters as
    /// ``init(parameters:)`` does (the dimension is recomputed from them).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(parameters: container.decode([Parameter].self, forKey: .parameters))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(parameters, forKey: .parameters)
        try container.encode(encodedDimension, forKey: .encodedDimension)
    }

    public static func == (lhs: SearchSpace, rhs: SearchSpace) -> Bool { lhs.parameters == rhs.parameters }

    /// A space written with the builder: `try SearchSpace { Real("lr", 1e-4...1e-1, scale: .log) … }`.
    /// Parameters whose bounds are computed at run time can be written with `try` inside the
    /// block (`try Real("x", from: low, to: high)`); their errors come out of this initialiser.
    public init(@SearchSpaceBuilder _ build: () throws -> [Parameter]) throws(HyperPowerError) {
        let parameters: [Parameter]
        do {
            parameters = try build()
        } catch let error as HyperPowerError {
            throw error
        } catch {
            throw .invalidParameter(name: "", reason: "the search space's block threw: \(error)")
        }
        try self.init(parameters: parameters)
    }

    /// The number of distinct configurations, or `nil` if a parameter is real (or it overflows).
    public var cardinality: Int? {
        var total = 1
        for parameter in parameters {
            guard let count = parameter.cardinality else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: count)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// The configuration at a point of the unit cube (coordinates are clamped to [0, 1]).
    ///
    /// - Precondition: `point.count == encodedDimension`.
    public func decode(_ point: [Double]) -> Configuration {
        precondition(point.count == encodedDimension, "point has \(point.count) coordinates, the space \(encodedDimension)")
        var values: [ParameterValue] = []
        values.reserveCapacity(parameters.count)
        for step in decodeSteps {
            switch step {
            case let .real(column, range, scale):
                values.append(.real(Self.realValue(min(max(point[column], 0), 1), range: range, scale: scale)))
            case let .integer(column, range, scale):
                values.append(Self.integerValue(min(max(point[column], 0), 1), range: range, scale: scale))
            case let .powerOfTwo(column, lowExponent, count):
                values.append(Self.powerOfTwoValue(min(max(point[column], 0), 1), lowExponent: lowExponent, count: count))
            case let .other(index):
                values.append(Self.value(of: parameters[index], at: point, column: firstColumns[index]))
            }
        }
        return Configuration(ascendingNames: ascendingNames, values: values)
    }

    /// The value a parameter takes at the point's columns from `column` on (decode's rule).
    static func value(of parameter: Parameter, at point: [Double], column: Int) -> ParameterValue {
        let u = min(max(point[column], 0), 1)
        switch parameter {
        case let .real(_, range, scale):
            return .real(realValue(u, range: range, scale: scale))
        case let .integer(_, range, scale):
            return integerValue(u, range: range, scale: scale)
        case let .powerOfTwo(_, range):
            return powerOfTwoValue(u, lowExponent: Parameter.exponent(range.lowerBound), count: parameter.cardinality!)
        case let .ordinal(_, choices):
            return .real(choices[bin(u, count: choices.count)])
        case let .categorical(_, choices):
            let block = point[column..<(column + choices.count)]
            let best = block.indices.max { block[$0] < block[$1] }! - column
            return .categorical(choices[best])
        }
    }

    /// An integer parameter's value at `u` ∈ [0, 1] (decode's rule).
    static func integerValue(_ u: Double, range: ClosedRange<Int>, scale: Scale) -> ParameterValue {
        if scale == .log {
            let raw = realValue(u, range: Double(range.lowerBound)...Double(range.upperBound), scale: .log)
            return .integer(min(max(Int(raw.rounded()), range.lowerBound), range.upperBound))
        }
        return .integer(range.lowerBound + bin(u, count: range.count))
    }

    /// A power-of-two parameter's value at `u` ∈ [0, 1]: bins over its `count` exponents.
    static func powerOfTwoValue(_ u: Double, lowExponent: Int, count: Int) -> ParameterValue {
        .integer(1 << (lowExponent + bin(u, count: count)))
    }

    /// The canonical point of a configuration in the unit cube.
    ///
    /// - Throws: ``HyperPowerError/invalidConfiguration(parameter:reason:)`` for a missing,
    ///   mistyped or out-of-range value.
    public func encode(_ configuration: Configuration) throws(HyperPowerError) -> [Double] {
        var point: [Double] = []
        point.reserveCapacity(encodedDimension)
        if configuration.parameterNames == ascendingNames {
            // A configuration this space decoded (or with exactly its names): by position.
            for (index, parameter) in parameters.enumerated() {
                try Self.append(configuration.value(atPosition: ascendingPositions[index]), of: parameter, to: &point)
            }
            return point
        }
        for parameter in parameters {
            guard let value = configuration[parameter.name] else {
                throw .invalidConfiguration(parameter: parameter.name, reason: "missing")
            }
            try Self.append(value, of: parameter, to: &point)
        }
        return point
    }

    /// Appends a parameter's encoded columns for `value` (encode's rule).
    static func append(_ value: ParameterValue, of parameter: Parameter, to point: inout [Double]) throws(HyperPowerError) {
        let name = parameter.name
        func fail(_ reason: String) -> HyperPowerError { .invalidConfiguration(parameter: name, reason: reason) }
        switch parameter {
        case let .real(_, range, scale):
            guard let v = value.number, v.isFinite else { throw fail("expected a number, got \(value)") }
            guard range.contains(v) else { throw fail("\(v) is outside \(range)") }
            point.append(unitCoordinate(v, range: range, scale: scale))
        case let .integer(_, range, scale):
            guard case let .integer(v) = value else { throw fail("expected an integer, got \(value)") }
            guard range.contains(v) else { throw fail("\(v) is outside \(range)") }
            if scale == .log {
                point.append(unitCoordinate(Double(v), range: Double(range.lowerBound)...Double(range.upperBound), scale: .log))
            } else {
                point.append(binCentre(v - range.lowerBound, count: range.count))
            }
        case let .powerOfTwo(_, range):
            guard case let .integer(v) = value, v > 0, v & (v - 1) == 0 else {
                throw fail("expected a power of two, got \(value)")
            }
            guard range.contains(v) else { throw fail("\(v) is outside \(range)") }
            point.append(binCentre(Parameter.exponent(v) - Parameter.exponent(range.lowerBound), count: parameter.cardinality!))
        case let .ordinal(_, choices):
            guard let v = value.number, let index = choices.firstIndex(of: v) else {
                throw fail("\(value) is not one of \(choices)")
            }
            point.append(binCentre(index, count: choices.count))
        case let .categorical(_, choices):
            guard case let .categorical(v) = value, let index = choices.firstIndex(of: v) else {
                throw fail("\(value) is not one of \(choices)")
            }
            point.append(contentsOf: (0..<choices.count).map { $0 == index ? 1 : 0 })
        }
    }

    /// `configuration` with each value converted to its parameter's type (an integral real
    /// decoded from JSON as an integer, for example), after checking it belongs to the space.
    public func validated(_ configuration: Configuration) throws(HyperPowerError) -> Configuration {
        var converted = configuration
        for parameter in parameters {
            if case let .real(name, _, _) = parameter, case let .integer(v)? = configuration[name] {
                converted[name] = .real(Double(v))
            }
            if case let .ordinal(name, _) = parameter, case let .integer(v)? = configuration[name] {
                converted[name] = .real(Double(v))
            }
        }
        let extra = Set(converted.values.keys).subtracting(parameters.map(\.name))
        if let name = extra.sorted().first { throw .invalidConfiguration(parameter: name, reason: "not in the search space") }
        _ = try encode(converted)
        return converted
    }

    /// The canonical representative of a point: `encode(decode(point))`.
    public func canonicalize(_ point: [Double]) -> [Double] {
        // Parameter by parameter, without building the configuration: decode always yields a
        // value of its parameter, so encoding it cannot fail.
        var canonical: [Double] = []
        canonical.reserveCapacity(encodedDimension)
        var column = 0
        for parameter in parameters {
            try! Self.append(Self.value(of: parameter, at: point, column: column), of: parameter, to: &canonical)
            column += parameter.encodedWidth
        }
        return canonical
    }

    /// The canonical points one discrete step from `point`'s configuration: each categorical
    /// parameter set to each other category; each integer, power-of-two or ordinal parameter
    /// set to each of its other values when it has at most 32, otherwise moved by ±1, ±2, ±4, …
    /// (`steps(from:count:)`; Optuna's mixed optimiser line-searches discrete coordinates the
    /// same way). Real parameters are left to gradient refinement.
    public func discreteNeighbours(of point: [Double]) -> [[Double]] {
        // Column by column on the canonical point: a neighbour differs from it in one
        // parameter's columns only, so each is a copy with that parameter's value re-encoded
        // (encoding whole configurations made this most of a suggestion over 210 categoricals).
        let base = canonicalize(point)
        var result: [[Double]] = []
        var column = 0
        for parameter in parameters {
            let width = parameter.encodedWidth
            defer { column += width }
            var alternatives: [ParameterValue] = []
            let value = Self.value(of: parameter, at: base, column: column)
            switch (parameter, value) {
            case (.real, _): continue
            case let (.integer(_, range, _), .integer(v)):
                alternatives = Self.steps(from: v - range.lowerBound, count: range.count).map { .integer(range.lowerBound + $0) }
            case let (.powerOfTwo(_, range), .integer(v)):
                let low = Parameter.exponent(range.lowerBound)
                alternatives = Self.steps(from: Parameter.exponent(v) - low, count: parameter.cardinality!).map { .integer(1 << (low + $0)) }
            case let (.ordinal(_, values), .real(v)):
                let index = values.firstIndex(of: v)!
                alternatives = Self.steps(from: index, count: values.count).map { .real(values[$0]) }
            case let (.categorical(_, choices), .categorical(v)):
                alternatives = choices.filter { $0 != v }.map { .categorical($0) }
            default:
                preconditionFailure("a parameter decoded to a value of another kind")
            }
            var columns: [Double] = []
            columns.reserveCapacity(width)
            for alternative in alternatives {
                columns.removeAll(keepingCapacity: true)
                // Values of the parameter's own kind and range always encode.
                try! Self.append(alternative, of: parameter, to: &columns)
                var neighbour = base
                neighbour.replaceSubrange(column..<(column + width), with: columns)
                result.append(neighbour)
            }
        }
        return result
    }

    /// Every value of each discrete parameter, `nil` if one is real.
    var discreteValues: [[ParameterValue]]? {
        var all: [[ParameterValue]] = []
        for parameter in parameters {
            switch parameter {
            case .real: return nil
            case let .integer(_, range, _): all.append(range.map { .integer($0) })
            case let .powerOfTwo(_, range):
                all.append((Parameter.exponent(range.lowerBound)...Parameter.exponent(range.upperBound)).map { .integer(1 << $0) })
            case let .ordinal(_, values): all.append(values.map { .real($0) })
            case let .categorical(_, choices): all.append(choices.map { .categorical($0) })
            }
        }
        return all
    }

    /// The canonical point of every configuration, in lexicographic order of the parameters'
    /// values, when every parameter is discrete and there are at most `limit` configurations.
    ///
    /// - Complexity: O(``cardinality`` × ``encodedDimension``).
    public func enumeratedPoints(limit: Int) -> [[Double]]? {
        guard let count = cardinality, count <= limit else { return nil }
        if let cached = Self.enumerations.withLock({ $0.first { $0.space == self }?.points }) { return cached }
        guard let values = discreteValues else { return nil }
        let points = enumerateAll(values, count: count)
        Self.enumerations.withLock { cache in
            cache.removeAll { $0.space == self }
            cache.insert((self, points), at: 0)
            if cache.count > 4 { cache.removeLast() }
        }
        return points
    }

    /// The last few spaces' enumerations (a sampler enumerates its space at every suggestion).
    private static let enumerations = Mutex<[(space: SearchSpace, points: [[Double]])]>([])

    private func enumerateAll(_ values: [[ParameterValue]], count: Int) -> [[Double]] {
        var points: [[Double]] = []
        points.reserveCapacity(count)
        var digits = [Int](repeating: 0, count: parameters.count)
        for _ in 0..<count {
            var configuration = Configuration([:])
            for (k, parameter) in parameters.enumerated() { configuration[parameter.name] = values[k][digits[k]] }
            // Every combination of the parameters' own values belongs to the space.
            points.append(try! encode(configuration))
            var k = parameters.count - 1
            while k >= 0 {
                digits[k] += 1
                if digits[k] < values[k].count { break }
                digits[k] = 0
                k -= 1
            }
        }
        return points
    }

    /// The indices a discrete parameter at `index` of `count` values may move to in one
    /// neighbour step: every other value when there are at most 32, otherwise steps of
    /// ±1, ±2, ±4, … (a coordinate-wise line search in O(log count) points).
    static func steps(from index: Int, count: Int) -> [Int] {
        if count <= 32 { return (0..<count).filter { $0 != index } }
        var result: [Int] = []
        var step = 1
        while step < count {
            if step <= index { result.append(index - step) }
            if step < count - index { result.append(index + step) }
            let (next, overflow) = step.multipliedReportingOverflow(by: 2)
            if overflow { break }
            step = next
        }
        return result
    }

    static func realValue(_ u: Double, range: ClosedRange<Double>, scale: Scale) -> Double {
        // The bounds exactly (exp(log(b)) is not always b): a user's bound comes back as written.
        if u <= 0 { return range.lowerBound }
        if u >= 1 { return range.upperBound }
        let value: Double
        switch scale {
        case .linear: value = range.lowerBound + u * (range.upperBound - range.lowerBound)
        case .log: value = exp(log(range.lowerBound) + u * (log(range.upperBound) - log(range.lowerBound)))
        }
        return min(max(value, range.lowerBound), range.upperBound)
    }

    static func unitCoordinate(_ v: Double, range: ClosedRange<Double>, scale: Scale) -> Double {
        switch scale {
        case .linear: return (v - range.lowerBound) / (range.upperBound - range.lowerBound)
        case .log: return (log(v) - log(range.lowerBound)) / (log(range.upperBound) - log(range.lowerBound))
        }
    }

    static func bin(_ u: Double, count: Int) -> Int { min(Int(u * Double(count)), count - 1) }
    static func binCentre(_ index: Int, count: Int) -> Double { (Double(index) + 0.5) / Double(count) }
}
