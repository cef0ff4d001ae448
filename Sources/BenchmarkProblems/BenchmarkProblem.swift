import Foundation
import HyperPower

/// A constraint of a benchmark problem, in the form `value(x) ≤ bound` or `≥ bound`.
public struct BenchmarkConstraint: Sendable {
    public let name: String
    public let bound: Double
    public let direction: ConstraintDirection
    /// Whether the benchmark treats it as known (a cheap predictor, used as HyperPower's gate)
    /// or observed (reported by the evaluation, learned).
    public let isKnown: Bool
}

/// A constrained test problem with a known optimum, for benchmarks and tests.
///
/// Parameters are named `x1 … xd`. The objective is minimised; observed constraints are
/// reported as measurements of each evaluation, known ones are predictors. Regret is
/// `best feasible value − optimum`.
public struct BenchmarkProblem: Sendable {
    /// The name used on the command line (`branin-disk`).
    public let name: String
    /// The search space.
    public let space: SearchSpace
    /// The best feasible objective value (literature value, checked in the tests).
    public let optimum: Double
    /// A point attaining it (parameters in order), for tests.
    public let optimizer: [Double]
    /// The constraints and which of them count as known.
    public let constraintSpecifications: [BenchmarkConstraint]
    /// Evaluations per run in the quality table.
    public let defaultBudget: Int
    /// Maps a configuration to the raw coordinates x1 … xd.
    let coordinates: @Sendable (Configuration) -> [Double]
    /// The objective and every constraint's value at raw coordinates.
    let function: @Sendable ([Double]) -> (objective: Double, constraints: [String: Double])
    /// Predictors the optimiser's gate uses for known constraints in place of the truth (a
    /// fitted cost model); violations are still judged by `function`.
    var gatePredictors: [String: @Sendable (Configuration) -> Double] = [:]
    /// Known constraints' own formulas, by name: the gate's predictor for each, as a user with
    /// eleven closed-form design rules writes eleven closures that compute neither the
    /// objective nor the other rules. A known constraint without one is predicted from
    /// `function` (a memo of its last point missed every time: the gate asks one constraint
    /// at a time over a batch of candidates).
    var knownConstraintFunctions: [String: @Sendable ([Double]) -> Double] = [:]

    /// The constraints to give the optimiser: known ones with their predictor, observed ones by name.
    public var constraints: [Constraint] {
        let function = self.function
        return constraintSpecifications.map { spec in
            if spec.isKnown, let predictor = gatePredictors[spec.name] {
                // A fitted model gates, and the evaluation measures the truth: the gate is
                // calibrated by it, as a user with a measured metric would declare it.
                return Constraint(
                    name: spec.name, bound: spec.bound, direction: spec.direction, kind: .known(predictor: predictor)
                ).calibrated()
            }
            if spec.isKnown, let formula = knownConstraintFunctions[spec.name] {
                let coordinates = self.coordinates
                return Constraint(
                    name: spec.name, bound: spec.bound, direction: spec.direction,
                    kind: .known(predictor: { formula(coordinates($0)) }))
            }
            if spec.isKnown {
                // No formula of its own: the whole problem function, at the cost that implies.
                let (coordinates, name) = (self.coordinates, spec.name)
                return Constraint(
                    name: spec.name, bound: spec.bound, direction: spec.direction,
                    kind: .known(predictor: { function(coordinates($0)).constraints[name]! }))
            }
            return Constraint(name: spec.name, bound: spec.bound, direction: spec.direction, kind: .observed)
        }
    }

    /// The problem with `formulas` as its known constraints' predictors (each must equal the
    /// function's value of that constraint; `BenchmarkProblemsTests` checks it). A formula of
    /// an observed constraint is not used.
    func withKnownFormulas(_ formulas: [String: @Sendable ([Double]) -> Double]) -> BenchmarkProblem {
        var problem = self
        problem.knownConstraintFunctions.merge(formulas) { _, new in new }
        return problem
    }

    /// The objective as the optimiser sees it: the value and the observed constraints' values,
    /// and the measured values of known constraints whose gate is a fitted model.
    public func evaluate(_ configuration: Configuration) -> Evaluation {
        let (objective, values) = function(coordinates(configuration))
        var measurements: [String: Double] = [:]
        for spec in constraintSpecifications where !spec.isKnown || gatePredictors[spec.name] != nil {
            measurements[spec.name] = values[spec.name]
        }
        return .success(objective: objective, measurements: measurements)
    }

    /// The objective and constraint values at raw coordinates.
    public func values(at x: [Double]) -> (objective: Double, constraints: [String: Double]) { function(x) }

    /// Names of the constraints a configuration truly violates, and whether any is known.
    public func violations(_ configuration: Configuration) -> (all: [String], known: [String]) {
        let values = function(coordinates(configuration)).constraints
        let broken = constraintSpecifications.filter { !$0.direction.isSatisfied(values[$0.name]!, bound: $0.bound) }
        return (broken.map(\.name), broken.filter(\.isKnown).map(\.name))
    }

    /// The raw coordinates of a configuration.
    public func rawCoordinates(_ configuration: Configuration) -> [Double] { coordinates(configuration) }

    /// Every problem, in the order of the quality table: the first wave's eight, then the wider
    /// suite (`WiderProblems.swift`, `NASProblems.swift`).
    public static let all: [BenchmarkProblem] = analytic + nasProblems

    /// The problems defined by formulas (all but the NAS-Bench-201 ones).
    static let analytic: [BenchmarkProblem] = [
        gramacy, gardner1, gardner2, braninDisk, hartmann6Ball, pressureVessel, spring, weldedBeam,
        hartmann6Sum, ackley10, g7, speedReducer,
    ]

    /// The names of ``all``, in order, without loading the NAS-Bench-201 table (a command's
    /// help text lists them).
    public static let names: [String] = analytic.map(\.name) + nasSpecifications.map(\.name)

    /// The problem with this command-line name.
    public static func named(_ name: String) -> BenchmarkProblem? {
        analytic.first { $0.name == name } ?? (name.hasPrefix("nas-") ? nasProblems.first { $0.name == name } : nil)
    }

    static func realCoordinates(_ count: Int) -> @Sendable (Configuration) -> [Double] {
        let names = (1...count).map { "x\($0)" }  // formatted once, not at every prediction
        // Where each name sits among the configuration's ascending names: read by position
        // after one comparison of equal strings, instead of scanning unequal ones.
        let ascending = names.sorted()
        let positions = names.map { ascending.firstIndex(of: $0)! }
        return { configuration in
            let present = configuration.parameterNames
            return names.indices.map { k in
                let position = positions[k]
                if position < present.count, present[position] == names[k], let number = configuration.value(atPosition: position).number {
                    return number
                }
                return configuration.double(names[k])
            }
        }
    }

    static func box(_ ranges: [ClosedRange<Double>]) -> SearchSpace {
        try! SearchSpace(parameters: ranges.enumerated().map { .real(name: "x\($0.offset + 1)", range: $0.element, scale: .linear) })
    }
}
