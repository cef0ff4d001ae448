import Foundation
import HyperPower

/// A constrained test problem with two or three objectives, all minimised, and a known true
/// front: its hypervolume up to ``reference`` (computed independently by
/// `Benchmarks/Peers/true_fronts.py` on dense grids, or in closed form; checked in the tests). A
/// run is judged by the hypervolume of its truly feasible trials and `log10(true − found)`.
///
/// Parameters are named `x1 … xd`; the first objective (`f1`) is the evaluation's value, the
/// others (`f2`, `f3`) measurements, as a user with several measured objectives would report them.
public struct MultiObjectiveProblem: Sendable {
    public let name: String
    public let space: SearchSpace
    /// `f1`, `f2` (and `f3`), minimised.
    public let objectives: [Objective]
    public let constraintSpecifications: [BenchmarkConstraint]
    /// The hypervolume's reference point.
    public let reference: [Double]
    /// The true front's hypervolume up to ``reference``.
    public let trueHypervolume: Double
    /// Evaluations per run by default.
    public let defaultBudget: Int
    let function: @Sendable ([Double]) -> (objectives: [Double], constraints: [String: Double])

    /// The objectives and constraint values at raw coordinates.
    public func values(at x: [Double]) -> (objectives: [Double], constraints: [String: Double]) { function(x) }

    func coordinates(_ configuration: Configuration) -> [Double] {
        space.parameters.map { configuration.double($0.name) }
    }

    /// Known constraints with their closed form as the predictor, observed ones by name.
    public var constraints: [Constraint] {
        constraintSpecifications.map { spec in
            guard spec.isKnown else {
                return Constraint(name: spec.name, bound: spec.bound, direction: spec.direction, kind: .observed)
            }
            let (function, name, problem) = (self.function, spec.name, self)
            return Constraint(
                name: spec.name, bound: spec.bound, direction: spec.direction,
                kind: .known(predictor: { function(problem.coordinates($0)).constraints[name]! }))
        }
    }

    /// `f1` as the value, the further objectives and the observed constraints as measurements.
    public func evaluate(_ configuration: Configuration) -> Evaluation {
        let (objectives, values) = function(coordinates(configuration))
        var measurements: [String: Double] = [:]
        for k in objectives.indices.dropFirst() { measurements["f\(k + 1)"] = objectives[k] }
        for spec in constraintSpecifications where !spec.isKnown { measurements[spec.name] = values[spec.name] }
        return .success(objective: objectives[0], measurements: measurements)
    }

    /// A configuration judged by the problem: its objectives and the constraints it truly
    /// breaks (one evaluation of the formulas).
    public func judge(_ configuration: Configuration) -> (objectives: [Double], broken: [BenchmarkConstraint]) {
        let (objectives, values) = function(coordinates(configuration))
        return (objectives, constraintSpecifications.filter { !$0.direction.isSatisfied(values[$0.name]!, bound: $0.bound) })
    }

    /// Hypervolume of the truly feasible configurations up to the reference.
    public func hypervolume(of configurations: [Configuration]) -> Double {
        let points = configurations.map(judge).filter(\.broken.isEmpty).map(\.objectives)
        return (try? Pareto.hypervolume(points, reference: reference)) ?? 0
    }

    public static let all: [MultiObjectiveProblem] = [braninCurrin, c2dtlz2, dtlz2Three]
    public static var names: [String] { all.map(\.name) }
    public static func named(_ name: String) -> MultiObjectiveProblem? { all.first { $0.name == name } }

    /// Branin–Currin (Daulton, Balandat & Bakshy, NeurIPS 2020) with the disk constraint of
    /// Gelbart et al. (2014), a closed form of the inputs and so *known*:
    /// `50 − (15x₁ − 7.5)² − (15x₂ − 7.5)² ≥ 0`. Reference (80, 12).
    public static let braninCurrin = MultiObjectiveProblem(
        name: "branin-currin", space: BenchmarkProblem.box([0...1, 0...1]),
        objectives: [.minimize("f1"), .minimize("f2")],
        constraintSpecifications: [BenchmarkConstraint(name: "disk", bound: 0, direction: .atLeast, isKnown: true)],
        reference: [80, 12], trueHypervolume: 609.081062, defaultBudget: 40
    ) { x in
        let (u, v) = (15 * x[0] - 5, 15 * x[1])
        let branin = pow(v - 5.1 / (4 * .pi * .pi) * u * u + 5 / .pi * u - 6, 2) + 10 * (1 - 1 / (8 * .pi)) * cos(u) + 10
        let factor = 1 - exp(-1 / (2 * x[1]))  // 1 at x₂ = 0
        let currin = factor * (2300 * pow(x[0], 3) + 1900 * x[0] * x[0] + 2092 * x[0] + 60)
            / (100 * pow(x[0], 3) + 500 * x[0] * x[0] + 4 * x[0] + 20)
        return ([branin, currin], ["disk": 50 - pow(u - 2.5, 2) - pow(v - 7.5, 2)])
    }

    /// C2-DTLZ2 (Deb & Jain 2014), four inputs, two objectives, r = 0.2: the constraint is a
    /// function of the objectives, so *observed* — `c ≤ 0` with
    /// `c = min(minᵢ [(fᵢ − 1)² + f_j² − r²], Σᵢ (fᵢ − 1/√2)² − 2r²)`. Reference (1.1, 1.1).
    public static let c2dtlz2 = MultiObjectiveProblem(
        name: "c2-dtlz2", space: BenchmarkProblem.box(Array(repeating: 0...1, count: 4)),
        objectives: [.minimize("f1"), .minimize("f2")],
        constraintSpecifications: [BenchmarkConstraint(name: "c2", bound: 0, direction: .atMost, isKnown: false)],
        reference: [1.1, 1.1], trueHypervolume: 0.399924, defaultBudget: 60
    ) { x in
        let g = x.dropFirst().reduce(0) { $0 + ($1 - 0.5) * ($1 - 0.5) }
        let (f1, f2) = ((1 + g) * cos(.pi * x[0] / 2), (1 + g) * sin(.pi * x[0] / 2))
        let r = 0.2
        let first = min(pow(f1 - 1, 2) + f2 * f2 - r * r, pow(f2 - 1, 2) + f1 * f1 - r * r)
        let second = pow(f1 - 1 / 2.0.squareRoot(), 2) + pow(f2 - 1 / 2.0.squareRoot(), 2) - 2 * r * r
        return ([f1, f2], ["c2": min(first, second)])
    }

    /// DTLZ2 with three objectives (Deb, Thiele, Laumanns & Zitzler 2002), six inputs — two of
    /// position on the front, four of distance g = Σᵢ₌₃…₆ (xᵢ − ½)² — with an observed
    /// constraint on the distance inputs, `Σᵢ₌₃…₆ |xᵢ − ½| ≤ ½` (1/24 of the box, an L1 ball),
    /// inactive on the front (where g = 0). The front is the unit sphere's positive octant, so
    /// the hypervolume it dominates up to the reference (1.1, 1.1, 1.1) is the box less the
    /// octant of the unit ball: 1.1³ − π/6, in closed form. 80 evaluations.
    public static let dtlz2Three = MultiObjectiveProblem(
        name: "dtlz2-3", space: BenchmarkProblem.box(Array(repeating: 0...1, count: 6)),
        objectives: [.minimize("f1"), .minimize("f2"), .minimize("f3")],
        constraintSpecifications: [BenchmarkConstraint(name: "distance", bound: 0.5, direction: .atMost, isKnown: false)],
        reference: [1.1, 1.1, 1.1], trueHypervolume: 1.331 - Double.pi / 6, defaultBudget: 80
    ) { x in
        let g = x[2...].reduce(0) { $0 + ($1 - 0.5) * ($1 - 0.5) }
        let (a, b) = (Double.pi * x[0] / 2, Double.pi * x[1] / 2)
        let objectives = [(1 + g) * cos(a) * cos(b), (1 + g) * cos(a) * sin(b), (1 + g) * sin(a)]
        return (objectives, ["distance": x[2...].reduce(0) { $0 + abs($1 - 0.5) }])
    }
}
