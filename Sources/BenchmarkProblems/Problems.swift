import Foundation
import HyperPower

extension BenchmarkProblem {
    /// Gramacy et al. (2016), "Modeling an augmented Lagrangian for blackbox constrained
    /// optimization": min x₁ + x₂ on [0, 1]² s.t.
    /// c₁ = 1.5 − x₁ − 2x₂ − 0.5 sin(2π(x₁² − 2x₂)) ≤ 0 and c₂ = x₁² + x₂² − 1.5 ≤ 0.
    /// f* = 0.599788 at (0.1954, 0.4044). **Known**: c₂ (a cheap analytic bound, like a memory
    /// model). **Observed**: c₁.
    public static let gramacy = BenchmarkProblem(
        name: "gramacy", space: box([0...1, 0...1]), optimum: 0.599788, optimizer: [0.19540, 0.40440],
        constraintSpecifications: [
            BenchmarkConstraint(name: "c1", bound: 0, direction: .atMost, isKnown: false),
            BenchmarkConstraint(name: "c2", bound: 0, direction: .atMost, isKnown: true),
        ],
        defaultBudget: 40, coordinates: realCoordinates(2)
    ) { x in
        let c1 = 1.5 - x[0] - 2 * x[1] - 0.5 * sin(2 * Double.pi * (x[0] * x[0] - 2 * x[1]))
        return (x[0] + x[1], ["c1": c1, "c2": gramacyC2(x)])
    }.withKnownFormulas(["c2": gramacyC2])

    @Sendable static func gramacyC2(_ x: [Double]) -> Double { x[0] * x[0] + x[1] * x[1] - 1.5 }

    /// Gardner et al. (2014), "Bayesian optimization with inequality constraints", problem 1:
    /// min cos(2x₁)cos(x₂) + sin(x₁) on [0, 6]² s.t. cos(x₁)cos(x₂) − sin(x₁)sin(x₂) ≤ 0.5.
    /// f* = −2 at (3π/2, 0). **Observed**: the constraint (no known one).
    public static let gardner1 = BenchmarkProblem(
        name: "gardner1", space: box([0...6, 0...6]), optimum: -2, optimizer: [3 * Double.pi / 2, 0],
        constraintSpecifications: [BenchmarkConstraint(name: "c", bound: 0.5, direction: .atMost, isKnown: false)],
        defaultBudget: 40, coordinates: realCoordinates(2)
    ) { x in
        (cos(2 * x[0]) * cos(x[1]) + sin(x[0]), ["c": cos(x[0]) * cos(x[1]) - sin(x[0]) * sin(x[1])])
    }

    /// Gardner et al. (2014), problem 2: min sin(x₁) + x₂ on [0, 6]² s.t. sin(x₁)sin(x₂) ≤ −0.95.
    /// f* = 0.253236 at (3π/2, arcsin 0.95). **Observed**: the constraint.
    public static let gardner2 = BenchmarkProblem(
        name: "gardner2", space: box([0...6, 0...6]), optimum: 0.253236, optimizer: [3 * Double.pi / 2, asin(0.95)],
        constraintSpecifications: [BenchmarkConstraint(name: "c", bound: -0.95, direction: .atMost, isKnown: false)],
        defaultBudget: 40, coordinates: realCoordinates(2)
    ) { x in
        (sin(x[0]) + x[1], ["c": sin(x[0]) * sin(x[1])])
    }

    /// Branin on [−5, 10] × [0, 15] s.t. the disk (x₁ − 2.5)² + (x₂ − 7.5)² ≤ 50 (as in
    /// Gardner et al. 2014 / Gelbart et al. 2014). f* = 0.397887 at (π, 2.275), inside the disk.
    /// **Known**: the disk.
    public static let braninDisk = BenchmarkProblem(
        name: "branin-disk", space: box([-5...10, 0...15]), optimum: 0.397887, optimizer: [Double.pi, 2.275],
        constraintSpecifications: [BenchmarkConstraint(name: "disk", bound: 50, direction: .atMost, isKnown: true)],
        defaultBudget: 40, coordinates: realCoordinates(2)
    ) { x in
        let b = 5.1 / (4 * Double.pi * Double.pi)
        let c = 5 / Double.pi
        let t = 1 / (8 * Double.pi)
        let term = x[1] - b * x[0] * x[0] + c * x[0] - 6
        let value = term * term + 10 * (1 - t) * cos(x[0]) + 10
        return (value, ["disk": braninDisk(x)])
    }.withKnownFormulas(["disk": braninDisk])

    @Sendable static func braninDisk(_ x: [Double]) -> Double { (x[0] - 2.5) * (x[0] - 2.5) + (x[1] - 7.5) * (x[1] - 7.5) }

    /// Hartmann-6 on [0, 1]⁶ s.t. ‖x‖₂ ≤ 1 (BoTorch's constrained-Hartmann example).
    /// f* = −3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573), ‖x*‖ ≈ 0.946.
    /// **Known**: the norm bound.
    public static let hartmann6Ball: BenchmarkProblem = {
        @Sendable func norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        var problem = BenchmarkProblem(
            name: "hartmann6", space: box(Array(repeating: 0...1, count: 6)), optimum: -3.32237,
            optimizer: [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573],
            constraintSpecifications: [BenchmarkConstraint(name: "norm", bound: 1, direction: .atMost, isKnown: true)],
            defaultBudget: 60, coordinates: realCoordinates(6)
        ) { x in
            (hartmann6(x), ["norm": norm(x)])
        }
        problem.knownConstraintFunctions = ["norm": norm]
        return problem
    }()

    /// Pressure vessel design (Kannan & Kramer 1994): shell and head thicknesses x₁, x₂ are
    /// multiples of 0.0625 in (here) 1…99 × 0.0625, radius x₃ and length x₄ in [10, 200].
    /// min 0.6224x₁x₃x₄ + 1.7781x₂x₃² + 3.1661x₁²x₄ + 19.84x₁²x₃ s.t. g₁ = −x₁ + 0.0193x₃ ≤ 0,
    /// g₂ = −x₂ + 0.00954x₃ ≤ 0, g₃ = −πx₃²x₄ − (4/3)πx₃³ + 1 296 000 ≤ 0.
    /// f* = 6059.714 at (0.8125, 0.4375, 42.0984, 176.6366). **Known**: g₁, g₂ (thickness design
    /// rules). **Observed**: g₃ (the volume). Parameters `x1`, `x2` are integers (multiples).
    public static let pressureVessel = BenchmarkProblem(
        name: "pressure-vessel",
        space: try! SearchSpace {
            Integer("x1", 1...99)
            Integer("x2", 1...99)
            Real("x3", 10...200)
            Real("x4", 10...200)
        },
        optimum: 6059.714, optimizer: [0.8125, 0.4375, 42.0984456, 176.6365958],
        constraintSpecifications: [
            BenchmarkConstraint(name: "g1", bound: 0, direction: .atMost, isKnown: true),
            BenchmarkConstraint(name: "g2", bound: 0, direction: .atMost, isKnown: true),
            BenchmarkConstraint(name: "g3", bound: 0, direction: .atMost, isKnown: false),
        ],
        defaultBudget: 60,
        coordinates: { c in [0.0625 * Double(c.integer("x1")), 0.0625 * Double(c.integer("x2")), c.double("x3"), c.double("x4")] }
    ) { x in
        let value = 0.6224 * x[0] * x[2] * x[3] + 1.7781 * x[1] * x[2] * x[2] + 3.1661 * x[0] * x[0] * x[3]
            + 19.84 * x[0] * x[0] * x[2]
        let g3 = -Double.pi * x[2] * x[2] * x[3] - 4.0 / 3.0 * Double.pi * x[2] * x[2] * x[2] + 1_296_000
        return (value, ["g1": pressureVesselG1(x), "g2": pressureVesselG2(x), "g3": g3])
    }.withKnownFormulas(["g1": pressureVesselG1, "g2": pressureVesselG2])

    @Sendable static func pressureVesselG1(_ x: [Double]) -> Double { -x[0] + 0.0193 * x[2] }
    @Sendable static func pressureVesselG2(_ x: [Double]) -> Double { -x[1] + 0.00954 * x[2] }

    /// Tension/compression spring design (Arora 1989; Belegundu 1982): wire diameter
    /// x₁ ∈ [0.05, 2], coil diameter x₂ ∈ [0.25, 1.3], active coils x₃ ∈ [2, 15].
    /// min (x₃ + 2)x₂x₁² s.t. g₁ = 1 − x₂³x₃/(71785x₁⁴) ≤ 0,
    /// g₂ = (4x₂² − x₁x₂)/(12566(x₂x₁³ − x₁⁴)) + 1/(5108x₁²) − 1 ≤ 0,
    /// g₃ = 1 − 140.45x₁/(x₂²x₃) ≤ 0, g₄ = (x₁ + x₂)/1.5 − 1 ≤ 0.
    /// f* = 0.0126652 at (0.051689, 0.356718, 11.288966). **Known**: g₄ (outer-diameter
    /// geometry). **Observed**: g₁ (deflection), g₂ (shear stress), g₃ (surge frequency).
    public static let spring = BenchmarkProblem(
        name: "spring", space: box([0.05...2, 0.25...1.3, 2...15]), optimum: 0.0126652,
        optimizer: [0.0516890, 0.3567180, 11.2889660],
        constraintSpecifications: [
            BenchmarkConstraint(name: "g1", bound: 0, direction: .atMost, isKnown: false),
            BenchmarkConstraint(name: "g2", bound: 0, direction: .atMost, isKnown: false),
            BenchmarkConstraint(name: "g3", bound: 0, direction: .atMost, isKnown: false),
            BenchmarkConstraint(name: "g4", bound: 0, direction: .atMost, isKnown: true),
        ],
        defaultBudget: 60, coordinates: realCoordinates(3)
    ) { x in
        let (d, coil, n) = (x[0], x[1], x[2])
        let g1 = 1 - coil * coil * coil * n / (71785 * pow(d, 4))
        let g2 = (4 * coil * coil - d * coil) / (12566 * (coil * pow(d, 3) - pow(d, 4))) + 1 / (5108 * d * d) - 1
        let g3 = 1 - 140.45 * d / (coil * coil * n)
        return ((n + 2) * coil * d * d, ["g1": g1, "g2": g2, "g3": g3, "g4": springG4(x)])
    }.withKnownFormulas(["g4": springG4])

    @Sendable static func springG4(_ x: [Double]) -> Double { (x[0] + x[1]) / 1.5 - 1 }

    /// Welded beam design (Ragsdell & Phillips 1976; Coello 2000): weld thickness h = x₁ ∈ [0.1, 2],
    /// weld length l = x₂ ∈ [0.1, 10], bar height t = x₃ ∈ [0.1, 10], bar thickness b = x₄ ∈ [0.1, 2];
    /// P = 6000, L = 14, E = 30e6, G = 12e6.
    /// min 1.10471h²l + 0.04811tb(14 + l) s.t. shear τ ≤ 13 600, bending σ = 6PL/(bt²) ≤ 30 000,
    /// h − b ≤ 0, cost 0.10471h² + 0.04811tb(14 + l) − 5 ≤ 0, 0.125 − h ≤ 0,
    /// deflection δ = 4PL³/(Et³b) ≤ 0.25, and P ≤ P_c with the classical buckling load
    /// P_c = 4.013·E·t·b³/(6L²)·(1 − t·√(E/G)/(4L)).
    /// f* = 1.724852 at (0.205730, 3.470489, 9.036624, 0.205730). **Known**: h − b ≤ 0,
    /// the cost bound and h ≥ 0.125 (geometry and price). **Observed**: τ, σ, δ, P − P_c (analyses).
    public static let weldedBeam = BenchmarkProblem(
        name: "welded-beam", space: box([0.1...2, 0.1...10, 0.1...10, 0.1...2]), optimum: 1.724852,
        optimizer: [0.205730, 3.470489, 9.036624, 0.205730],
        constraintSpecifications: [
            BenchmarkConstraint(name: "shear", bound: 13_600, direction: .atMost, isKnown: false),
            BenchmarkConstraint(name: "bending", bound: 30_000, direction: .atMost, isKnown: false),
            BenchmarkConstraint(name: "geometry", bound: 0, direction: .atMost, isKnown: true),
            BenchmarkConstraint(name: "cost", bound: 0, direction: .atMost, isKnown: true),
            BenchmarkConstraint(name: "minimumWeld", bound: 0, direction: .atMost, isKnown: true),
            BenchmarkConstraint(name: "deflection", bound: 0.25, direction: .atMost, isKnown: false),
            BenchmarkConstraint(name: "buckling", bound: 0, direction: .atMost, isKnown: false),
        ],
        defaultBudget: 60, coordinates: realCoordinates(4)
    ) { x in
        let (h, l, t, b) = (x[0], x[1], x[2], x[3])
        let p = 6000.0, length = 14.0, e = 30e6, g = 12e6
        let tauPrime = p / (2.0.squareRoot() * h * l)
        let m = p * (length + l / 2)
        let r = (l * l / 4 + ((h + t) / 2) * ((h + t) / 2)).squareRoot()
        let j = 2 * (2.0.squareRoot() * h * l * (l * l / 12 + ((h + t) / 2) * ((h + t) / 2)))
        let tauDoublePrime = m * r / j
        let tau = (tauPrime * tauPrime + 2 * tauPrime * tauDoublePrime * l / (2 * r) + tauDoublePrime * tauDoublePrime).squareRoot()
        let sigma = 6 * p * length / (b * t * t)
        let delta = 4 * p * length * length * length / (e * t * t * t * b)
        let critical = 4.013 * e * t * b * b * b / (6 * length * length) * (1 - t * (e / g).squareRoot() / (4 * length))
        let value = 1.10471 * h * h * l + 0.04811 * t * b * (14 + l)
        return (value, [
            "shear": tau, "bending": sigma, "geometry": weldedGeometry(x), "cost": weldedCost(x),
            "minimumWeld": weldedMinimumWeld(x), "deflection": delta, "buckling": p - critical,
        ])
    }.withKnownFormulas(["geometry": weldedGeometry, "cost": weldedCost, "minimumWeld": weldedMinimumWeld])

    @Sendable static func weldedGeometry(_ x: [Double]) -> Double { x[0] - x[3] }
    @Sendable static func weldedCost(_ x: [Double]) -> Double { 0.10471 * x[0] * x[0] + 0.04811 * x[2] * x[3] * (14 + x[1]) - 5 }
    @Sendable static func weldedMinimumWeld(_ x: [Double]) -> Double { 0.125 - x[0] }
}
