import Foundation
import Logging
import HyperPower
import NumericalOptimization
import Testing

/// Pareto fronts and hypervolumes against closed forms and an independent inclusion–exclusion
/// computation; ParEGO against random search on a constrained two-objective problem.
@Suite struct ParetoTests {
    @Test func theFrontKeepsWhatNothingDominates() {
        let points: [[Double]] = [[1, 3], [2, 2], [3, 1], [2, 3], [3, 3], [2, 2], [0.5, 5]]
        // (2, 3) and (3, 3) are dominated by (2, 2); the second (2, 2) repeats the first.
        #expect(Pareto.nondominated(points) == [0, 1, 2, 6])
        #expect(Pareto.dominates([1, 1], [1, 2]) && !Pareto.dominates([1, 2], [1, 2]) && !Pareto.dominates([0, 3], [1, 2]))
    }

    @Test func hypervolumesMatchClosedForms() throws {
        // Boxes [1,4]×[3,4], [2,4]×[2,4], [3,4]×[1,4]: 3 + 2 + 1 by the staircase.
        #expect(try Pareto.hypervolume([[1, 3], [2, 2], [3, 1]], reference: [4, 4]) == 6)
        // One point: the box's volume; a point on or past the reference adds nothing.
        #expect(try Pareto.hypervolume([[1, 2, 3]], reference: [2, 4, 7]) == 1 * 2 * 4)
        #expect(try Pareto.hypervolume([[1, 2, 3], [0, 0, 7]], reference: [2, 4, 7]) == 8)
        #expect(try Pareto.hypervolume([], reference: [1, 1]) == 0)
        #expect(try Pareto.hypervolume([[0.25]], reference: [1]) == 0.75)
        // Two 3-D boxes overlapping in [1,2]³ of the reference 2: 1·2·2 + 2·1·2 − 1.
        #expect(try Pareto.hypervolume([[1, 0, 0], [0, 1, 0]], reference: [2, 2, 2]) == 4 + 4 - 2)
    }

    /// The union of the boxes [pᵢ, r] by inclusion–exclusion over every subset: an
    /// independent computation, exponential, fine for eight points.
    static func inclusionExclusion(_ points: [[Double]], reference: [Double]) -> Double {
        var total = 0.0
        for mask in 1..<(1 << points.count) {
            let subset = points.indices.filter { mask & (1 << $0) != 0 }
            let corner = reference.indices.map { i in subset.map { points[$0][i] }.max()! }
            let volume = zip(corner, reference).map { max(0, $1 - $0) }.reduce(1, *)
            total += (subset.count % 2 == 1 ? 1 : -1) * volume
        }
        return total
    }

    @Test func hypervolumesMatchInclusionExclusionOnRandomSets() throws {
        var generator = SeededGenerator(seed: 11)
        for m in 2...4 {
            for _ in 0..<40 {
                let n = Int.random(in: 1...8, using: &generator)
                // Coarse values so that ties in a coordinate occur.
                let points = (0..<n).map { _ in (0..<m).map { _ in Double(Int.random(in: 0...6, using: &generator)) / 4 } }
                let reference = [Double](repeating: 1.25, count: m)
                let expected = Self.inclusionExclusion(points, reference: reference)
                let got = try Pareto.hypervolume(points, reference: reference)
                #expect(abs(got - expected) < 1e-12, "\(points)")
            }
        }
    }

    @Test func badReferencesAreClearErrors() {
        #expect(throws: HyperPowerError.self) { try Pareto.hypervolume([[1, 2]], reference: [3]) }
        #expect(throws: HyperPowerError.self) { try Pareto.hypervolume([[1, 2]], reference: [3, .nan]) }
        #expect(throws: HyperPowerError.self) { try Pareto.hypervolume([[1, 2]], reference: []) }
    }

    /// Directions are honoured: accuracy maximised, latency minimised; infeasible trials and
    /// trials missing an objective are not on the front.
    @Test func aStudysFrontFollowsItsObjectivesDirections() async throws {
        let space = try SearchSpace { Real("x", 0...1) }
        let study = Study(space: space, constraints: [.observed("memory", atMost: 10)],
                          objectives: [.maximize("accuracy"), .minimize("latency")],
                          sampler: RandomSampler(seed: 1), seed: 1, logger: quietLogger)
        let told: [(Double, [String: Double])] = [
            (0.90, ["latency": 5, "memory": 1]),   // on the front
            (0.80, ["latency": 6, "memory": 1]),   // dominated by the first
            (0.95, ["latency": 9, "memory": 1]),   // on the front
            (0.99, ["latency": 1, "memory": 20]),  // breaks memory
            (0.97, ["memory": 1]),                 // no latency
            (0.70, ["latency": 2, "memory": 1]),   // on the front
        ]
        for (accuracy, measurements) in told {
            let suggestion = try await study.ask()
            try await study.tell(suggestion.number, .success(objective: accuracy, measurements: measurements))
        }
        #expect(await study.paretoFront.map(\.number) == [0, 2, 5])
        // Reference: accuracy 0.5, latency 10. Minimised: (−0.90, 5), (−0.95, 9), (−0.70, 2)
        // against (−0.5, 10): staircase by the first coordinate.
        let expected = 0.45 * 1 + 0.40 * 4 + 0.20 * 3
        #expect(abs(try await study.hypervolume(reference: [0.5, 10]) - expected) < 1e-12)
        await #expect(throws: HyperPowerError.self) { try await study.hypervolume(reference: [0.5]) }
    }

    /// ZDT1 in two variables under the known constraint x₁ + x₂ ≤ 0.8: the front is
    /// f₂ = 1 − √f₁ for f₁ ≤ 0.8, whose hypervolume against (1, 1) is
    /// ∫₀^0.8 √f df + 0.2·√0.8 = (2/3)·0.8^1.5 + 0.2·√0.8.
    static let zdtSpace = try! SearchSpace { Real("x1", 0...1); Real("x2", 0...1) }
    static let zdtConstraint = Constraint.known("sum", atMost: 0.8) { $0.double("x1") + $0.double("x2") }
    static let zdtObjectives: [Objective] = [.minimize("f1"), .minimize("f2")]
    static let zdtTrueHypervolume = 2.0 / 3 * pow(0.8, 1.5) + 0.2 * 0.8.squareRoot()
    @Sendable static func zdt(_ config: Configuration) -> Evaluation {
        let f1 = config.double("x1"), g = 1 + 9 * config.double("x2")
        return .success(objective: f1, measurements: ["f2": g * (1 - (f1 / g).squareRoot())])
    }

    @Test(.timeLimit(.minutes(2)))
    func parEGOBeatsRandomSearchOnAConstrainedFront() async throws {
        var model: [Double] = [], random: [Double] = []
        var settings = OptimizerSettings()
        settings.frontAcquisition = .parEGO  // on a continuous space the default is the two-GP EHVI
        for seed: UInt64 in [0, 1, 2] {
            let optimizer = BayesianOptimizer(
                space: Self.zdtSpace, constraints: [Self.zdtConstraint], objectives: Self.zdtObjectives, seed: seed,
                settings: settings, logger: quietLogger, objective: Self.zdt)
            let result = try await optimizer.run(budget: .evaluations(30))
            #expect(result.trials.allSatisfy { $0.predictions["sum"]! <= 0.8 })
            model.append(try result.hypervolume(reference: [1, 1]))
            let baseline = try await Method.random.optimizer(
                space: Self.zdtSpace, constraints: [Self.zdtConstraint], objectives: Self.zdtObjectives, seed: seed,
                logger: quietLogger, objective: Self.zdt).run(budget: .evaluations(30))
            random.append(try baseline.hypervolume(reference: [1, 1]))
        }
        let median = { (values: [Double]) in values.sorted()[values.count / 2] }
        print("ParEGO hypervolumes \(model), random \(random), true \(Self.zdtTrueHypervolume)")
        #expect(median(model) > median(random))
        #expect(median(model) > 0.88 * Self.zdtTrueHypervolume)  // measured 0.595–0.610 of 0.656
        #expect(model.allSatisfy { $0 <= Self.zdtTrueHypervolume + 1e-9 })
    }

    /// The sampler a study of these objectives gets (BayesianOptimizer, `Method`, `hyperpower run`):
    /// ParEGO (which hands two or three measured objectives to the expected hypervolume
    /// improvement) for several measured objectives, four and more included; the constrained GP
    /// sampler for one, and for one measured objective with known costs.
    @Test func theSamplerForAFrontIsChosenByItsObjectives() {
        func name(_ objectives: [Objective]) -> String {
            ConstrainedGPSampler.forObjectives(objectives, settings: OptimizerSettings(), seed: 0, logger: Logger(label: "test")).name
        }
        #expect(name([.default]) == "bayesian")
        #expect(name([.minimize("a"), .minimize("b")]) == "parego")
        #expect(name([.minimize("a"), .minimize("b"), .maximize("c"), .minimize("d")]) == "parego")
        #expect(name([.minimize("a"), Objective("cost", .minimize, predictedBy: { _ in 1 })]) == "bayesian")
    }
}
