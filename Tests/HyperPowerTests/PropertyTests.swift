import Foundation
import HyperPower
import Testing

/// Properties over many random search spaces and constraints, not a few hand-picked ones.
@Suite struct PropertyTests {
    /// Deterministic values independent of the library's generators.
    struct Values {
        var state: UInt64
        init(seed: UInt64) { state = seed &* 6_364_136_223_846_793_005 &+ 1 }
        mutating func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) * 0x1.0p-53
        }
        mutating func integer(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + min(Int(uniform() * Double(range.count)), range.count - 1)
        }
        /// A coordinate of the unit cube, on a bound one time in five.
        mutating func coordinate() -> Double {
            switch integer(0...9) {
            case 0: return 0
            case 1: return 1
            default: return uniform()
            }
        }
    }

    static func randomSpace(_ values: inout Values) throws -> SearchSpace {
        var parameters: [Parameter] = []
        for index in 0..<values.integer(1...6) {
            let name = "p\(index)"
            switch values.integer(0...4) {
            case 0:
                let low = (values.uniform() - 0.5) * pow(10, Double(values.integer(-3...3)))
                let width = values.uniform() * pow(10, Double(values.integer(-6...4))) + 1e-9
                if values.uniform() < 0.5 {
                    parameters.append(.real(name: name, range: low...(low + width), scale: .linear))
                } else {
                    let positive = pow(10, Double(values.integer(-8...2)))
                    parameters.append(.real(name: name, range: positive...(positive * (1.5 + 1e4 * values.uniform())), scale: .log))
                }
            case 1:
                let low = values.integer(-50...50)
                let scale: Scale = low > 0 && values.uniform() < 0.5 ? .log : .linear
                parameters.append(.integer(name: name, range: low...(low + values.integer(1...2000)), scale: scale))
            case 2:
                let low = values.integer(0...8)
                parameters.append(.powerOfTwo(name: name, range: (1 << low)...(1 << (low + values.integer(1...10)))))
            case 3:
                var ordinal: [Double] = []
                var value = values.uniform()
                for _ in 0..<values.integer(2...7) {
                    ordinal.append(value)
                    value += values.uniform() + 1e-6
                }
                parameters.append(.ordinal(name: name, values: ordinal))
            default:
                parameters.append(.categorical(name: name, choices: (0..<values.integer(2...6)).map { "c\($0)" }))
            }
        }
        return try SearchSpace(parameters: parameters)
    }

    /// Every point of the cube decodes to a configuration that validates, encodes inside the
    /// cube and decodes back to itself (a real strictly inside its range within 1e-12, by
    /// rounding; everything else exactly, bounds included).
    @Test func randomSpacesRoundTripThroughTheUnitCube() throws {
        var values = Values(seed: 7)
        for _ in 0..<300 {
            let space = try Self.randomSpace(&values)
            for _ in 0..<20 {
                let point = (0..<space.encodedDimension).map { _ in values.coordinate() }
                let configuration = space.decode(point)
                #expect(try space.validated(configuration) == configuration)
                let encoded = try space.encode(configuration)
                #expect(encoded.count == space.encodedDimension && encoded.allSatisfy { $0 >= 0 && $0 <= 1 })
                // decode's per-kind steps and canonicalize's per-parameter rule agree.
                #expect(space.canonicalize(point) == encoded)
                let again = space.decode(encoded)
                for parameter in space.parameters {
                    let (a, b) = (configuration[parameter.name]!, again[parameter.name]!)
                    if case let .real(_, range, _) = parameter, case let .real(x) = a, case let .real(y) = b,
                       x != range.lowerBound, x != range.upperBound {
                        #expect(abs(x - y) <= 1e-12 * abs(x), "\(parameter): \(x) → \(y)")
                    } else {
                        #expect(a == b, "\(parameter): \(a) → \(b)")
                    }
                }
                // Through JSON too (a journal stores configurations so).
                let decoded = try JSONDecoder().decode(Configuration.self, from: JSONEncoder().encode(configuration))
                #expect(try space.validated(decoded) == configuration)
            }
        }
    }

    /// A configuration the study proposes passes every known constraint at its gate bound:
    /// random spaces, random linear predictors (some answering NaN or ±∞ on part of the space),
    /// random bounds, directions and safety margins.
    @Test func everyProposalSatisfiesEveryPredictorAtItsGateBound() async throws {
        var values = Values(seed: 11)
        var proposals = 0
        for problem in 0..<40 {
            let space = try Self.randomSpace(&values)
            var constraints: [Constraint] = []
            for index in 0..<values.integer(1...3) {
                let weights = (0..<space.encodedDimension).map { _ in values.uniform() * 2 - 1 }
                let breaks = values.uniform() < 0.3  // a predictor that fails on part of the space
                let predictor: @Sendable (Configuration) throws -> Double = { configuration in
                    let point = try space.encode(configuration)
                    let value = zip(weights, point).reduce(0) { $0 + $1.0 * $1.1 }
                    if breaks, point[0] < 0.2 { return [Double.nan, .infinity, -.infinity][Int(point[0] * 15) % 3] }
                    return value
                }
                let direction: ConstraintDirection = values.uniform() < 0.5 ? .atMost : .atLeast
                // A bound that about half of the cube satisfies.
                let bound = (direction == .atMost ? 1 : -1) * 0.1 * values.uniform() + weights.reduce(0, +) / 2
                constraints.append(Constraint(
                    name: "c\(index)", bound: bound, direction: direction, kind: .known(predictor: predictor),
                    safetyMargin: values.uniform() < 0.5 ? 0 : 0.2 * values.uniform()))
            }
            let study = Study(space: space, constraints: constraints, sampler: RandomSampler(seed: UInt64(problem)),
                              seed: UInt64(problem), logger: quietLogger)
            for _ in 0..<15 {
                let suggestion: Suggestion
                do { suggestion = try await study.ask() } catch { break }  // an empty region or an exhausted space
                proposals += 1
                for constraint in constraints {
                    let prediction = try #require(suggestion.predictions[constraint.name])
                    #expect(prediction.isFinite, "problem \(problem): \(constraint.name) predicted \(prediction)")
                    switch constraint.direction {
                    case .atMost: #expect(prediction <= constraint.gateBound, "problem \(problem)")
                    case .atLeast: #expect(prediction >= constraint.gateBound, "problem \(problem)")
                    }
                }
                try await study.tell(suggestion.number, .success(objective: values.uniform()))
            }
        }
        #expect(proposals > 300, "only \(proposals) proposals: the test would check little")
    }
}
