import Foundation
import HyperPower
import Testing

@Suite struct SearchSpaceTests {
    static func space() throws -> SearchSpace {
        try SearchSpace {
            Real("learningRate", 1e-4...1e-1, scale: .log)
            Real("momentum", 0...0.99)
            Integer("layers", 1...3)
            Integer("filters", 16...128, scale: .log)
            PowerOfTwo("batchSize", 16...512)
            Ordinal("dropout", [0, 0.25, 0.5])
            Categorical("activation", ["relu", "tanh", "gelu"])
        }
    }

    @Test func encodedDimensionCountsOneHotColumns() throws {
        let space = try Self.space()
        #expect(space.encodedDimension == 6 + 3)
        #expect(space.cardinality == nil)
        let discrete = try SearchSpace { Integer("a", 1...3); Categorical("b", ["x", "y"]); PowerOfTwo("c", 2...8) }
        #expect(discrete.cardinality == 3 * 2 * 3)
    }

    @Test func encodeDecodeRoundTripsAndCanonicalIsStable() throws {
        let space = try Self.space()
        let configuration = Configuration([
            "learningRate": .real(0.003), "momentum": .real(0.9), "layers": .integer(2), "filters": .integer(64),
            "batchSize": .integer(128), "dropout": .real(0.25), "activation": .categorical("tanh"),
        ])
        let point = try space.encode(configuration)
        let decoded = space.decode(point)
        #expect(abs(decoded.double("learningRate") - 0.003) < 1e-15)
        #expect(abs(decoded.double("momentum") - 0.9) < 1e-15)
        #expect(decoded.integer("layers") == 2 && decoded.integer("filters") == 64 && decoded.integer("batchSize") == 128)
        #expect(decoded.double("dropout") == 0.25 && decoded.string("activation") == "tanh")
        // Any point decodes to a valid configuration; canonicalising twice changes nothing.
        var state: UInt64 = 1
        for _ in 0..<500 {
            let random = (0..<space.encodedDimension).map { _ -> Double in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Double(state >> 11) * 0x1.0p-53
            }
            let canonical = space.canonicalize(random)
            let again = space.canonicalize(canonical)
            #expect(zip(canonical, again).allSatisfy { abs($0 - $1) < 1e-12 })
            let c = space.decode(random)
            #expect([16, 32, 64, 128, 256, 512].contains(c.integer("batchSize")))
            #expect((16...128).contains(c.integer("filters")) && (1...3).contains(c.integer("layers")))
            #expect((1e-4...1e-1).contains(c.double("learningRate")))
        }
    }

    /// The columns of real parameters are continuous (a proposal on their face of the cube is
    /// the maximiser's choice); integer, power-of-two, ordinal and one-hot columns are not.
    @Test func onlyRealColumnsAreContinuous() throws {
        let space = try Self.space()
        let base = try space.encode(Configuration([
            "learningRate": .real(0.003), "momentum": .real(0.5), "layers": .integer(2), "filters": .integer(64),
            "batchSize": .integer(128), "dropout": .real(0.25), "activation": .categorical("tanh"),
        ]))
        func columns(changing name: String, to value: ParameterValue) throws -> [Int] {
            var configuration = space.decode(base)
            configuration[name] = value
            let point = try space.encode(configuration)
            return point.indices.filter { point[$0] != base[$0] }
        }
        let real = try columns(changing: "learningRate", to: .real(0.01)) + columns(changing: "momentum", to: .real(0.9))
        let discrete = try columns(changing: "layers", to: .integer(3)) + columns(changing: "filters", to: .integer(100))
            + columns(changing: "batchSize", to: .integer(16)) + columns(changing: "dropout", to: .real(0.5))
            + columns(changing: "activation", to: .categorical("gelu"))
        #expect(real.count == 2 && discrete.count == 6)
        #expect(real.allSatisfy { space.isContinuous(dimension: $0) })
        #expect(!discrete.contains { space.isContinuous(dimension: $0) })
        #expect((0..<space.encodedDimension).filter { space.isContinuous(dimension: $0) }.sorted() == real.sorted())
    }

    @Test func integerBinsAreEqualWidth() throws {
        let space = try SearchSpace { Integer("k", 1...4) }
        let counts = (0..<400).reduce(into: [Int: Int]()) { counts, i in
            counts[space.decode([(Double(i) + 0.5) / 400]).integer("k"), default: 0] += 1
        }
        #expect(counts == [1: 100, 2: 100, 3: 100, 4: 100])
    }

    @Test func configurationIsCodable() throws {
        let configuration = Configuration(["lr": .real(0.5), "layers": .integer(3), "act": .categorical("relu")])
        let data = try JSONEncoder().encode(configuration)
        let decoded = try JSONDecoder().decode(Configuration.self, from: data)
        #expect(decoded == configuration)
        // An integral real comes back as an integer; validation restores the type.
        let space = try SearchSpace { Real("lr", 0...1); Integer("layers", 1...3); Categorical("act", ["relu", "tanh"]) }
        let integral = try JSONDecoder().decode(Configuration.self, from: Data(#"{"lr": 1, "layers": 2, "act": "relu"}"#.utf8))
        #expect(try space.validated(integral)["lr"] == .real(1))
    }

    /// Found by the configuration fuzzer: a log-scale bound came back as exp(log(b)) ≠ b

    /// A configuration is stored as ascending names and their values, not as a dictionary:
    /// equality, hashing, lookups and edits must still behave as the dictionary's.
    @Test func configurationBehavesAsItsDictionary() throws {
        // 20 names: more than the 16 that are scanned, so lookups bisect.
        var dictionary: [String: ParameterValue] = [:]
        for k in 0..<20 { dictionary["p\(19 - k)"] = k % 3 == 0 ? .categorical("c\(k)") : .real(Double(k)) }
        let forward = Configuration(dictionary)
        var built = Configuration([:])
        for (name, value) in dictionary.sorted(by: { $0.key > $1.key }) { built[name] = value }
        #expect(built == forward && built.hashValue == forward.hashValue)
        #expect(forward.values == dictionary && forward.parameterNames == dictionary.keys.sorted())
        for (name, value) in dictionary { #expect(forward[name] == value && built[name] == value) }
        #expect(forward["p20"] == nil && forward["p"] == nil && forward[""] == nil)
        for (position, name) in forward.parameterNames.enumerated() { #expect(forward.value(atPosition: position) == dictionary[name]) }
        built["p7"] = nil
        built["p7"] = nil
        #expect(built["p7"] == nil && built.parameterNames.count == 19 && built != forward)
        built["p7"] = dictionary["p7"]
        #expect(built == forward)
        built.values["extra"] = .integer(1)
        #expect(built.parameterNames == (dictionary.keys + ["extra"]).sorted() && built.integer("extra") == 1)
        #expect(Set([forward, Configuration(dictionary), built]).count == 2)
        #expect(forward.description == dictionary.keys.sorted().map { "\($0)=\(dictionary[$0]!)" }.joined(separator: ", "))

        // A space's decoding equals the configuration built from its dictionary, and encodes the same
        // through the by-position path as a hand-built one with the names in another order.
        let space = try Self.space()
        var state: UInt64 = 7
        for _ in 0..<200 {
            let point = (0..<space.encodedDimension).map { _ -> Double in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Double(state >> 11) / Double(1 << 53)
            }
            let decoded = space.decode(point)
            let rebuilt = Configuration(decoded.values)
            #expect(decoded == rebuilt && decoded.hashValue == rebuilt.hashValue)
            #expect(try space.encode(decoded) == space.encode(rebuilt))
            #expect(try space.encode(decoded) == space.canonicalize(point))
        }
        let spaceData = try JSONEncoder().encode(space)
        #expect(try JSONDecoder().decode(SearchSpace.self, from: spaceData) == space)
        let object = try JSONSerialization.jsonObject(with: spaceData) as? [String: Any]
        #expect(Set(object?.keys ?? [:].keys) == ["parameters", "encodedDimension"])
        // A duplicate parameter in a stored space is refused when it is read, as when it is built.
        let twice = try JSONEncoder().encode(["parameters": space.parameters + space.parameters.prefix(1)])
        #expect(throws: HyperPowerError.self) { try JSONDecoder().decode(SearchSpace.self, from: twice) }
    }
    /// (1e-4 → 1.0000000000000009e-4). Bounds now decode exactly.
    @Test func logScaleBoundsRoundTripExactly() throws {
        let space = try SearchSpace { Real("lr", 1e-4...1e-1, scale: .log); Real("wd", 3e-7...0.7, scale: .log) }
        for corner in [[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]] {
            let configuration = space.decode(corner)
            let expected = Configuration([
                "lr": .real(corner[0] == 0 ? 1e-4 : 1e-1), "wd": .real(corner[1] == 0 ? 3e-7 : 0.7),
            ])
            #expect(configuration == expected)
            #expect(space.decode(try space.encode(expected)) == expected)
        }
    }

    @Test func invalidSpacesNameTheParameter() {
        #expect(throws: HyperPowerError.invalidParameter(name: "lr", reason: "the range 0.5...0.5 is empty")) {
            try SearchSpace { Real("lr", 0.5...0.5) }
        }
        #expect(throws: HyperPowerError.invalidParameter(name: "lr", reason: "log scale needs a positive range, got 0.0...1.0")) {
            try SearchSpace { Real("lr", 0...1, scale: .log) }
        }
        #expect(throws: HyperPowerError.duplicateParameter(name: "x")) {
            try SearchSpace { Real("x", 0...1); Integer("x", 1...2) }
        }
        #expect(throws: HyperPowerError.invalidParameter(name: "act", reason: "a categorical needs at least 2 choices, got 0")) {
            try SearchSpace { Categorical("act", []) }
        }
        #expect(throws: HyperPowerError.invalidParameter(name: "batch", reason: "24 is not a power of two")) {
            try SearchSpace { PowerOfTwo("batch", 24...64) }
        }
        #expect(throws: HyperPowerError.emptySearchSpace) { try SearchSpace(parameters: []) }
        #expect(throws: HyperPowerError.self) { try SearchSpace { Integer("n", 3...3) } }
    }

    @Test func configurationsOutsideTheSpaceAreRejected() throws {
        let space = try SearchSpace { Real("lr", 0...1); Categorical("act", ["relu", "tanh"]) }
        #expect(throws: HyperPowerError.invalidConfiguration(parameter: "lr", reason: "2.0 is outside 0.0...1.0")) {
            try space.encode(Configuration(["lr": .real(2), "act": .categorical("relu")]))
        }
        #expect(throws: HyperPowerError.invalidConfiguration(parameter: "act", reason: "missing")) {
            try space.encode(Configuration(["lr": .real(0.2)]))
        }
        #expect(throws: HyperPowerError.invalidConfiguration(parameter: "extra", reason: "not in the search space")) {
            try space.validated(Configuration(["lr": .real(0.2), "act": .categorical("relu"), "extra": .integer(1)]))
        }
    }
}
