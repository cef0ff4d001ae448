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
public struct Configuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The values by parameter name.
    public var values: [String: ParameterValue]

    /// A configuration with these values (checked against a space by ``SearchSpace/validated(_:)``).
    public init(_ values: [String: ParameterValue]) { self.values = values }

    /// The value of `name`, if present.
    public subscript(name: String) -> ParameterValue? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// A numeric parameter's value (reals, integers, powers of two, ordinals).
    ///
    /// Stops the program with a message naming the parameter and what it holds (in release
    /// builds too) when `name` is missing or categorical; ``value(_:)`` throws instead.
    public func double(_ name: String) -> Double {
        guard let number = values[name]?.number else { fatalError(mismatch(name, wanted: "a number")) }
        return number
    }

    /// An integer parameter's value (integers, powers of two).
    ///
    /// Stops the program with a message naming the parameter and what it holds (in release
    /// builds too) when `name` is missing or not an integer; ``value(_:)`` throws instead.
    public func integer(_ name: String) -> Int {
        guard case let .integer(value)? = values[name] else { fatalError(mismatch(name, wanted: "an integer")) }
        return value
    }

    /// A categorical parameter's value.
    ///
    /// Stops the program with a message naming the parameter and what it holds (in release
    /// builds too) when `name` is missing or not categorical; ``value(_:)`` throws instead.
    public func string(_ name: String) -> String {
        guard case let .categorical(value)? = values[name] else { fatalError(mismatch(name, wanted: "a category")) }
        return value
    }

    /// The value of `name`.
    ///
    /// - Throws: ``HyperPowerError/invalidConfiguration(parameter:reason:)`` when the
    ///   configuration has no such parameter.
    public func value(_ name: String) throws(HyperPowerError) -> ParameterValue {
        guard let value = values[name] else {
            throw .invalidConfiguration(parameter: name, reason: "no such parameter (the configuration has \(values.keys.sorted()))")
        }
        return value
    }

    /// Why a typed accessor cannot answer: the parameter is missing, or holds another kind.
    func mismatch(_ name: String, wanted: String) -> String {
        guard let value = values[name] else {
            return "configuration has no parameter '\(name)' (it has \(values.keys.sorted()))"
        }
        let (kind, accessor) = switch value {
        case .real: ("a real number", "double")
        case .integer: ("an integer", "integer (or double)")
        case .categorical: ("a category", "string")
        }
        return "parameter '\(name)' holds \(kind) (\(value)), not \(wanted): read it with \(accessor)(\"\(name)\")"
    }

    public var description: String {
        values.keys.sorted().map { "\($0)=\(values[$0]!)" }.joined(separator: ", ")
    }

    public init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: ParameterValue].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }
}
