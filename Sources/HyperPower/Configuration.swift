/// The value of one parameter in a configuration.
public enum ParameterValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A real or ordinal parameter's value.
    case real(Double)
    /// An integer or power-of-two parameter's value.
    case integer(Int)
    /// A categorical parameter's value.
    case categorical(String)

    /// The value as a number (integers converted; `nil` for a category).
    public var number: Double? {
        switch self {
        case let .real(value): return value
        case let .integer(value): return Double(value)
        case .categorical: return nil
        }
    }

    public var description: String {
        switch self {
        case let .real(value): return "\(value)"
        case let .integer(value): return "\(value)"
        case let .categorical(value): return value
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int.self) {
            self = .integer(integer)
        } else if let real = try? container.decode(Double.self) {
            self = .real(real)
        } else {
            self = .categorical(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .real(value): try container.encode(value)
        case let .integer(value): try container.encode(value)
        case let .categorical(value): try container.encode(value)
        }
    }
}

/// A point of a search space: a value for each parameter, by name.
///
/// Encoded as a JSON object `{"learningRate": 0.003, "layers": 2, "activation": "relu"}`.
/// A real value that happens to be integral decodes as ``ParameterValue/integer(_:)``;
/// ``SearchSpace/validated(_:)`` converts it back for a real parameter.
///
/// Stored as two arrays in ascending name order (not a dictionary): a configuration is built
/// for every candidate the known constraints' gate tests, and its predictors read it by name,
/// so building one must not hash every name and reading a value must not hash the one asked
/// (a linear scan of small strings compares their bits; spaces with more than 16 parameters
/// search by bisection). ``values`` gives the dictionary.
public struct Configuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The parameters' names, ascending and unique.
    public private(set) var parameterNames: [String]
    /// `parameterNames[k]`'s value at `entries[k]`.
    private var entries: [ParameterValue]

    /// The values by parameter name.
    public var values: [String: ParameterValue] {
        get { Dictionary(uniqueKeysWithValues: zip(parameterNames, entries)) }
        set { self = Configuration(newValue) }
    }

    /// A configuration with these values (checked against a space by ``SearchSpace/validated(_:)``).
    public init(_ values: [String: ParameterValue]) {
        let sorted = values.sorted { $0.key < $1.key }
        parameterNames = sorted.map(\.key)
        entries = sorted.map(\.value)
    }

    /// A configuration from names already ascending and unique, and their values (a search
    /// space's decoding: the names array is shared with the space, not copied).
    init(ascendingNames names: [String], values: [ParameterValue]) {
        assert(names.count == values.count && zip(names, names.dropFirst()).allSatisfy { $0 < $1 })
        parameterNames = names
        entries = values
    }

    /// The position of `name` in ``parameterNames``.
    @inline(__always)
    func index(of name: String) -> Int? {
        if parameterNames.count <= 16 { return parameterNames.firstIndex(of: name) }
        var low = 0
        var high = parameterNames.count
        while low < high {
            let middle = (low + high) / 2
            if parameterNames[middle] < name { low = middle + 1 } else { high = middle }
        }
        return low < parameterNames.count && parameterNames[low] == name ? low : nil
    }

    /// The value at `position` of ``parameterNames`` (ascending name order): a read that
    /// compares no names, for code that reads many configurations of one space and knows where
    /// its parameters sit (a search space encoding its own decoding; a predictor, which should
    /// check `parameterNames[position]` first — one comparison of equal strings).
    public func value(atPosition position: Int) -> ParameterValue { entries[position] }

    /// The value of `name`, if present.
    public subscript(name: String) -> ParameterValue? {
        get { index(of: name).map { entries[$0] } }
        set {
            if let index = index(of: name) {
                if let newValue { entries[index] = newValue } else {
                    parameterNames.remove(at: index)
                    entries.remove(at: index)
                }
            } else if let newValue {
                let position = parameterNames.firstIndex { $0 > name } ?? parameterNames.count
                parameterNames.insert(name, at: position)
                entries.insert(newValue, at: position)
            }
        }
    }

    /// A numeric parameter's value (reals, integers, powers of two, ordinals).
    ///
    /// Stops the program with a message naming the parameter and what it holds (in release
    /// builds too) when `name` is missing or categorical; ``value(_:)`` throws instead.
    public func double(_ name: String) -> Double {
        guard let number = self[name]?.number else { fatalError(mismatch(name, wanted: "a number")) }
        return number
    }

    /// An integer parameter's value (integers, powers of two).
    ///
    /// Stops the program with a message naming the parameter and what it holds (in release
    /// builds too) when `name` is missing or not an integer; ``value(_:)`` throws instead.
    public func integer(_ name: String) -> Int {
        guard case let .integer(value)? = self[name] else { fatalError(mismatch(name, wanted: "an integer")) }
        return value
    }

    /// A categorical parameter's value.
    ///
    /// Stops the program with a message naming the parameter and what it holds (in release
    /// builds too) when `name` is missing or not categorical; ``value(_:)`` throws instead.
    public func string(_ name: String) -> String {
        guard case let .categorical(value)? = self[name] else { fatalError(mismatch(name, wanted: "a category")) }
        return value
    }

    /// The value of `name`.
    ///
    /// - Throws: ``HyperPowerError/invalidConfiguration(parameter:reason:)`` when the
    ///   configuration has no such parameter.
    public func value(_ name: String) throws(HyperPowerError) -> ParameterValue {
        guard let value = self[name] else {
            throw .invalidConfiguration(parameter: name, reason: "no such parameter (the configuration has \(parameterNames))")
        }
        return value
    }

    /// Why a typed accessor cannot answer: the parameter is missing, or holds another kind.
    func mismatch(_ name: String, wanted: String) -> String {
        guard let value = self[name] else {
            return "configuration has no parameter '\(name)' (it has \(parameterNames))"
        }
        let (kind, accessor) = switch value {
        case .real: ("a real number", "double")
        case .integer: ("an integer", "integer (or double)")
        case .categorical: ("a category", "string")
        }
        return "parameter '\(name)' holds \(kind) (\(value)), not \(wanted): read it with \(accessor)(\"\(name)\")"
    }

    public var description: String {
        zip(parameterNames, entries).map { "\($0)=\($1)" }.joined(separator: ", ")
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([String: ParameterValue].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }
}
