import Foundation
import HyperPower
import NumericalOptimization
import Synchronization
import Testing

/// Issue #16's guarantees that a unit test can check: enumeration of small discrete spaces,
/// sampling in regions too small for uniform draws, and a joint diagnosis of an empty region.
@Suite struct SearchQualityTests {
    /// The default initial design: 2(D + 1) points capped at 10 for one objective over a space
    /// without categorical parameters, at 20 with a categorical parameter or several objectives.
    @Test func theDefaultInitialDesignDependsOnTheSpaceAndTheObjectives() async throws {
        let reals = try SearchSpace(parameters: (1...6).map { .real(name: "x\($0)", range: 0...1, scale: .linear) })
        let withChoice = try SearchSpace(parameters: reals.parameters + [.categorical(name: "op", choices: ["a", "b", "c"])])
        let square = try SearchSpace(parameters: [.real(name: "x", range: 0...1, scale: .linear), .real(name: "y", range: 0...1, scale: .linear)])
        #expect(SpaceFillingDesign.defaultSize(space: reals, objectiveCount: 1) == 10)
        #expect(SpaceFillingDesign.defaultSize(space: reals, objectiveCount: 2) == 14)
        #expect(SpaceFillingDesign.defaultSize(space: withChoice, objectiveCount: 1) == 20)
        #expect(SpaceFillingDesign.defaultSize(space: square, objectiveCount: 1) == 6)
        #expect(SpaceFillingDesign.defaultSize(dimension: 0) == 5)
        #expect(OptimizerSettings(initialDesignSize: 3).resolvedInitialDesignSize(space: reals, objectiveCount: 1) == 3)
        // A study asks exactly that many design points before the model's first proposal.
        let study = Study(space: reals, sampler: ConstrainedGPSampler(seed: 2, logger: quietLogger), seed: 2, logger: quietLogger)
        var sources: [SuggestionSource] = []
        for _ in 0..<11 {
            let suggestion = try await study.ask()
            sources.append(suggestion.source)
            let x = (1...6).map { suggestion.configuration.double("x\($0)") }
            try await study.tell(suggestion.number, .success(objective: x.reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) }))
        }
        #expect(sources == Array(repeating: .initialDesign, count: 10) + [.model])
    }

    @Test func smallDiscreteSpacesEnumerateEveryConfigurationOnce() throws {
        let space = try SearchSpace {
            Categorical("op", ["conv", "pool", "skip"])
            Integer("depth", 2...5)
            PowerOfTwo("width", 16...64)
            Ordinal("dropout", [0, 0.25, 0.5])
        }
        let points = try #require(space.enumeratedPoints(limit: 1000))
        #expect(points.count == space.cardinality)
        #expect(points.count == 3 * 4 * 3 * 3)
        #expect(Set(points).count == points.count)
        // Each is canonical: decoding and encoding gives it back.
        #expect(try points.allSatisfy { try space.encode(space.decode($0)) == $0 })
        #expect(space.enumeratedPoints(limit: 107) == nil)
        let mixed = try SearchSpace {
            Categorical("op", ["conv", "pool"])
            Real("rate", 0...1)
        }
        #expect(mixed.enumeratedPoints(limit: 1_000_000) == nil)
    }

    /// A gate over an enumerable space calls its predictor once per configuration, however
    /// often it is asked (a sampler scores every configuration at every suggestion), and
    /// answers as it does point by point; the enumeration is the same every time.
    @Test func aGateOverAnEnumerableSpacePredictsEachConfigurationOnce() throws {
        let space = try SearchSpace {
            Categorical("op", ["conv", "pool", "skip"])
            Integer("depth", 2...5)
            PowerOfTwo("width", 16...64)
        }
        let calls = Mutex(0)
        let memory = Constraint.known("memory", atMost: 150) { configuration in
            calls.withLock { $0 += 1 }
            return Double(configuration.integer("depth") * configuration.integer("width"))
        }
        let region = KnownFeasibleRegion(space: space, constraints: [memory])
        let points = try #require(space.enumeratedPoints(limit: 1000))
        #expect(space.enumeratedPoints(limit: 1000) == points)
        let first = region.contains(points: points)
        let second = region.contains(points: points)
        #expect(first == second)
        #expect(calls.withLock { $0 } == points.count, "one prediction per configuration")
        #expect(first == points.map { point in
            let configuration = space.decode(point)
            return Double(configuration.integer("depth") * configuration.integer("width")) <= 150
        })
        #expect(first.contains(true) && first.contains(false))
    }

    /// The neighbours are computed on the encoded point's columns; they are exactly what setting
    /// each discrete parameter of the decoded configuration to each alternative and encoding
    /// the whole configuration gives (the first implementation, written out here), in order.
    @Test func discreteNeighboursEqualReEncodedConfigurations() throws {
        let space = try SearchSpace {
            Integer("small", 1...5)
            Integer("large", 1...4000, scale: .log)
            Real("rate", 1e-4...1, scale: .log)
            PowerOfTwo("width", 8...512)
            Ordinal("dropout", [0, 0.1, 0.25, 0.5])
            Categorical("activation", ["relu", "tanh", "gelu"])
            Integer("plain", -40...40)
        }
        var generator = SeededGenerator(seed: 9)
        for _ in 0..<50 {
            let point = (0..<space.encodedDimension).map { _ in generator.nextUniform() }
            let configuration = space.decode(point)
            var reference: [[Double]] = []
            for parameter in space.parameters {
                // The documented rule: every other value of at most 32, else steps of ±1, ±2, ±4, …
                func indices(from index: Int, count: Int) -> [Int] {
                    if count <= 32 { return (0..<count).filter { $0 != index } }
                    return sequence(first: 1) { $0 * 2 }.prefix { $0 < count }
                        .flatMap { [index - $0, index + $0] }.filter { $0 >= 0 && $0 < count }
                }
                let values: [ParameterValue]
                switch parameter {
                case .real: continue
                case let .categorical(_, choices): values = choices.map { .categorical($0) }
                case let .integer(name, range, _):
                    values = indices(from: configuration.integer(name) - range.lowerBound, count: range.count)
                        .map { .integer(range.lowerBound + $0) }
                case let .powerOfTwo(name, range):
                    let low = range.lowerBound.trailingZeroBitCount
                    values = indices(from: configuration.integer(name).trailingZeroBitCount - low,
                                     count: range.upperBound.trailingZeroBitCount - low + 1).map { .integer(1 << (low + $0)) }
                case let .ordinal(name, choices):
                    values = indices(from: choices.firstIndex(of: configuration.double(name))!, count: choices.count).map { .real(choices[$0]) }
                }
                for value in values where value != configuration[parameter.name] {
                    var neighbour = configuration
                    neighbour[parameter.name] = value
                    reference.append(try space.encode(neighbour))
                }
            }
            #expect(space.discreteNeighbours(of: point) == reference)
        }
    }

    /// Discrete neighbours are a coordinate-wise line search: every other value of a small
    /// integer parameter, steps of ±1, ±2, ±4, … of a large one; the others stay put.
    @Test func discreteNeighboursSearchEachCoordinate() throws {
        let space = try SearchSpace {
            Integer("small", 1...5)
            Integer("large", 1...99)
            Real("rate", 0...1)
        }
        let point = try space.encode(Configuration(["small": .integer(2), "large": .integer(13), "rate": .real(0.4)]))
        let neighbours = space.discreteNeighbours(of: point).map(space.decode)
        let small = neighbours.filter { $0.integer("large") == 13 }.map { $0.integer("small") }.sorted()
        #expect(small == [1, 3, 4, 5])
        let large = neighbours.filter { $0.integer("small") == 2 }.map { $0.integer("large") }.sorted()
        #expect(large == [5, 9, 11, 12, 14, 15, 17, 21, 29, 45, 77])
        #expect(neighbours.allSatisfy { abs($0.double("rate") - 0.4) < 1e-12 })
    }

    /// A ball of radius 10⁻³ in 4-D is ~5·10⁻¹² of the box: uniform draws never hit it. With
    /// one known member (enqueued), the study still proposes new configurations inside it.
    @Test func aRegionTooSmallForUniformDrawsIsSampledFromItsKnownMembers() async throws {
        let space = try SearchSpace { for k in 0..<4 { Real("x\(k)", 0...1) } }
        let radius = 1e-3
        let ball = Constraint.known("distance", atMost: radius * radius) { config in
            (0..<4).reduce(0) { sum, k in let d = config.double("x\(k)") - 0.37; return sum + d * d }
        }
        let optimizer = BayesianOptimizer(space: space, constraints: [ball], seed: 4, logger: quietLogger) { config in
            .success(objective: config.double("x0") - config.double("x1"))
        }
        var centre = Configuration([:])
        for k in 0..<4 { centre["x\(k)"] = .real(0.37) }
        #expect(try await optimizer.enqueue(centre))
        let result = try await optimizer.run(budget: .evaluations(8))
        #expect(result.trials.count == 8)
        #expect(result.trials.allSatisfy { ($0.predictions["distance"] ?? .infinity) <= radius * radius })
        #expect(Set(result.trials.map(\.configuration)).count == 8)
    }

    /// Without a known member, a descent on the constraints' violation finds one: a ball of
    /// radius 10⁻³ in 4-D and a ball of radius 0.3 in 20-D (about 10⁻¹² of the box each) used to
    /// end the study with `knownFeasibleRegionEmpty` at its first `ask`; now every trial lies
    /// inside, and they differ.
    @Test(arguments: [(4, 1e-3, 0.37), (20, 0.3, 0.7)])
    func aTinyRegionWithoutKnownMembersIsFoundByDescent(dimension: Int, radius: Double, centre: Double) async throws {
        let space = try SearchSpace { for k in 0..<dimension { Real("x\(k)", 0...1) } }
        let ball = Constraint.known("distance", atMost: radius) { config in
            (0..<dimension).reduce(0) { sum, k in let d = config.double("x\(k)") - centre; return sum + d * d }.squareRoot()
        }
        let optimizer = BayesianOptimizer(space: space, constraints: [ball], seed: 4, logger: quietLogger) { config in
            .success(objective: config.double("x0") - config.double("x1"))
        }
        let result = try await optimizer.run(budget: .evaluations(12))
        #expect(result.trials.count == 12)
        #expect(result.trials.allSatisfy { ($0.predictions["distance"] ?? .infinity) <= radius })
        #expect(Set(result.trials.map(\.configuration)).count == 12)
    }

    /// Two constraints that each pass half the box but exclude each other: the error says
    /// that none passes jointly, beside each one's own figures.
    @Test func anEmptyRegionReportsTheJointCount() async throws {
        let space = try SearchSpace { Real("x", 0...1) }
        let low = Constraint.known("low", atMost: 0.3) { $0.double("x") }
        let high = Constraint.known("high", atLeast: 0.7) { $0.double("x") }
        let optimizer = BayesianOptimizer(space: space, constraints: [low, high], seed: 2, logger: quietLogger) {
            .success(objective: $0.double("x"))
        }
        do {
            _ = try await optimizer.ask()
            Issue.record("expected an error")
        } catch {
            guard case let .knownFeasibleRegionEmpty(details) = error else { Issue.record("wrong error \(error)"); return }
            #expect(details.contains("0 of 10000 uniform samples pass every known constraint jointly"), "\(details)")
            #expect(details.contains("'low'") && details.contains("'high'"))
            #expect(details.contains("a descent on the summed scaled violation"), "\(details)")
        }
    }
}
