import Foundation
import HyperPower

/// The second-wave suite: problems of classes the first eight do not cover — an inactive
/// linear outcome constraint, ten dimensions with unknown constraints, a known-feasible
/// region under 1% of the box with an integer, a purely categorical space (below,
/// `NASProblems.swift`). Reference values: `Tests/BenchmarkProblemsTests/Fixtures/
/// wider_suite_reference.py` (numpy/scipy).
extension BenchmarkProblem {
    /// Hartmann-6 on [0, 1]⁶ s.t. Σxᵢ ≤ 3 (BoTorch's closed-loop constrained tutorial).
    /// f* = −3.32237 at the unconstrained optimum (Σx* ≈ 2.07: the constraint is inactive
    /// there, but half the box breaks it). **Observed**: the sum.
    public static let hartmann6Sum = BenchmarkProblem(
        name: "hartmann6-sum", space: box(Array(repeating: 0...1, count: 6)), optimum: -3.32237,
        optimizer: [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573],
        constraintSpecifications: [BenchmarkConstraint(name: "sum", bound: 3, direction: .atMost, isKnown: false)],
        defaultBudget: 40, coordinates: realCoordinates(6)
    ) { x in
        (hartmann6(x), ["sum": x.reduce(0, +)])
    }

    /// Ackley-10 on [−5, 10]¹⁰ s.t. Σxᵢ ≤ 0 and ‖x‖₂ ≤ 5 (SCBO: Eriksson & Poloczek 2021).
    /// f* = 0 at the origin. About 2·10⁻⁵ of the box is feasible. **Observed**: both.
    public static let ackley10 = BenchmarkProblem(
        name: "ackley10", space: box(Array(repeating: -5...10, count: 10)), optimum: 0,
        optimizer: Array(repeating: 0, count: 10),
        constraintSpecifications: [
            BenchmarkConstraint(name: "sum", bound: 0, direction: .atMost, isKnown: false),
            BenchmarkConstraint(name: "norm", bound: 5, direction: .atMost, isKnown: false),
        ],
        defaultBudget: 100, coordinates: realCoordinates(10)
    ) { x in
        let d = Double(x.count)
        let squares = x.reduce(0) { $0 + $1 * $1 }
        let cosines = x.reduce(0) { $0 + cos(2 * Double.pi * $1) }
        let value = -20 * exp(-0.2 * (squares / d).squareRoot()) - exp(cosines / d) + 20 + exp(1)
        return (max(value, 0), ["sum": x.reduce(0, +), "norm": squares.squareRoot()])
    }

    /// G7 of the CEC 2006 constrained suite (Hock & Schittkowski 1981, problem 113): ten
    /// variables in [−10, 10], a quadratic objective, three linear and five nonlinear
    /// constraints ≤ 0. f* = 24.3062091 at the point below (six constraints active). No uniform
    /// sample of 200,000 is feasible. **Known**: the three linear constraints (what a linear
    /// cost model predicts exactly; about 21% of the box passes them). **Observed**: the five
    /// nonlinear ones.
    public static let g7 = BenchmarkProblem(
        name: "g7", space: box(Array(repeating: -10...10, count: 10)), optimum: 24.3062091,
        optimizer: [
            2.17199634142692, 2.3636830416034, 8.77392573913157, 5.09598443745173, 0.990654756560493,
            1.43057392853463, 1.32164415364306, 9.82872576524495, 8.2800915887356, 8.3759266477347,
        ],
        constraintSpecifications: (1...8).map { k in
            BenchmarkConstraint(name: "g\(k)", bound: 0, direction: .atMost, isKnown: k <= 3)
        },
        defaultBudget: 100, coordinates: realCoordinates(10)
    ) { x in
        let value = x[0] * x[0] + x[1] * x[1] + x[0] * x[1] - 14 * x[0] - 16 * x[1] + pow(x[2] - 10, 2)
            + 4 * pow(x[3] - 5, 2) + pow(x[4] - 3, 2) + 2 * pow(x[5] - 1, 2) + 5 * x[6] * x[6]
            + 7 * pow(x[7] - 11, 2) + 2 * pow(x[8] - 10, 2) + pow(x[9] - 7, 2) + 45
        return (value, Dictionary(uniqueKeysWithValues: zip(constraintNames, g7Constraints.map { $0(x) })))
    }.withKnownFormulas(Dictionary(uniqueKeysWithValues: zip(constraintNames, g7Constraints)))

    /// G7's eight constraints, g₁ … g₈ (each ≤ 0).
    static let g7Constraints: [@Sendable ([Double]) -> Double] = [
        { x in -105 + 4 * x[0] + 5 * x[1] - 3 * x[6] + 9 * x[7] },
        { x in 10 * x[0] - 8 * x[1] - 17 * x[6] + 2 * x[7] },
        { x in -8 * x[0] + 2 * x[1] + 5 * x[8] - 2 * x[9] - 12 },
        { x in 3 * pow(x[0] - 2, 2) + 4 * pow(x[1] - 3, 2) + 2 * x[2] * x[2] - 7 * x[3] - 120 },
        { x in 5 * x[0] * x[0] + 8 * x[1] + pow(x[2] - 6, 2) - 2 * x[3] - 40 },
        { x in x[0] * x[0] + 2 * pow(x[1] - 2, 2) - 2 * x[0] * x[1] + 14 * x[4] - 6 * x[5] },
        { x in 0.5 * pow(x[0] - 8, 2) + 2 * pow(x[1] - 4, 2) + 3 * x[4] * x[4] - x[5] - 30 },
        { x in -3 * x[0] + 6 * x[1] + 12 * pow(x[8] - 8, 2) - 7 * x[9] },
    ]

    /// `g1 … g11`, formatted once.
    static let constraintNames = (1...11).map { "g\($0)" }

    /// Speed reducer (Golinski 1970; the bounds of BoTorch's `SpeedReducer`): face width x₁,
    /// module x₂, teeth x₃ (an integer, 17…28), shaft lengths x₄, x₅ and diameters x₆, x₇;
    /// the gearbox's weight s.t. eleven design rules (bending and surface stress, shaft
    /// deflections and stresses, geometry). f* = 2996.34816 at (3.5, 0.7, 17, 7.3, 7.8,
    /// 3.350215, 5.286683). About 0.2% of the box is feasible. **Known**: all eleven (closed-form
    /// design rules, checked before building anything) — a tiny known-feasible region.
    public static let speedReducer = BenchmarkProblem(
        name: "speed-reducer",
        space: try! SearchSpace {
            Real("x1", 2.6...3.6)
            Real("x2", 0.7...0.8)
            Integer("x3", 17...28)
            Real("x4", 7.3...8.3)
            Real("x5", 7.8...8.3)
            Real("x6", 2.9...3.9)
            Real("x7", 5.0...5.5)
        },
        optimum: 2996.34816, optimizer: [3.5, 0.7, 17, 7.3, 7.8, 3.350214666096447, 5.286683229757916],
        constraintSpecifications: (1...11).map { BenchmarkConstraint(name: "g\($0)", bound: 0, direction: .atMost, isKnown: true) },
        defaultBudget: 60,
        coordinates: realCoordinates(7)  // x3 is an integer: read as a number
    ) { x in
        let (x1, x2, x3, x4, x5, x6, x7) = (x[0], x[1], x[2], x[3], x[4], x[5], x[6])
        let value = 0.7854 * x1 * x2 * x2 * (3.3333 * x3 * x3 + 14.9334 * x3 - 43.0934)
            - 1.508 * x1 * (x6 * x6 + x7 * x7) + 7.4777 * (pow(x6, 3) + pow(x7, 3)) + 0.7854 * (x4 * x6 * x6 + x5 * x7 * x7)
        return (value, Dictionary(uniqueKeysWithValues: zip(constraintNames, speedReducerRules.map { $0(x) })))
    }.withKnownFormulas(Dictionary(uniqueKeysWithValues: zip(constraintNames, speedReducerRules)))

    /// The speed reducer's eleven design rules, g₁ … g₁₁ (each ≤ 0), at (x₁, …, x₇).
    static let speedReducerRules: [@Sendable ([Double]) -> Double] = [
        { x in 27 / (x[0] * x[1] * x[1] * x[2]) - 1 },
        { x in 397.5 / (x[0] * x[1] * x[1] * x[2] * x[2]) - 1 },
        { x in 1.93 * pow(x[3], 3) / (x[1] * x[2] * pow(x[5], 4)) - 1 },
        { x in 1.93 * pow(x[4], 3) / (x[1] * x[2] * pow(x[6], 4)) - 1 },
        { x in (pow(745 * x[3] / (x[1] * x[2]), 2) + 16.9e6).squareRoot() / (110 * pow(x[5], 3)) - 1 },
        { x in (pow(745 * x[4] / (x[1] * x[2]), 2) + 157.5e6).squareRoot() / (85 * pow(x[6], 3)) - 1 },
        { x in x[1] * x[2] / 40 - 1 },
        { x in 5 * x[1] / x[0] - 1 },
        { x in x[0] / (12 * x[1]) - 1 },
        { x in (1.5 * x[5] + 1.9) / x[3] - 1 },
        { x in (1.1 * x[6] + 1.9) / x[4] - 1 },
    ]

    /// Hartmann-6 (minimisation form, f* = −3.32237).
    static func hartmann6(_ x: [Double]) -> Double {
        let alpha = [1.0, 1.2, 3.0, 3.2]
        let a: [[Double]] = [
            [10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14],
        ]
        let p: [[Double]] = [
            [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
            [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
        ]
        var value = 0.0
        for i in 0..<4 {
            var exponent = 0.0
            for j in 0..<6 { exponent -= a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]) }
            value -= alpha[i] * exp(exponent)
        }
        return value
    }
}
