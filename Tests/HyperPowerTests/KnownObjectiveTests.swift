import Acquisition
import Foundation
import GaussianProcess
import HyperPower
import LinearAlgebra
import NumericalOptimization
import Testing

/// Known (predicted) objectives: the exact expected hypervolume improvement at known costs
/// against the hypervolume itself and numerical integration, and the search of a front whose
/// cost is a model.
@Suite struct KnownObjectiveTests {
    static func noCosts(_ points: Matrix) -> [[Double]?] { [] }

    /// HVI(a, c) from the levels equals HV(front ∪ {q}) − HV(front), computed by `Pareto`'s
    /// exact hypervolume (itself checked against inclusion–exclusion), for one and two costs.
    @Test func improvementsEqualHypervolumeDifferences() throws {
        var generator = SeededGenerator(seed: 11)
        for costs in 1...2 {
            for _ in 0..<60 {
                let dimension = costs + 1
                let count = Int.random(in: 0...7, using: &generator)
                let points = (0..<count).map { _ in (0..<dimension).map { _ in Double.random(in: 0..<1, using: &generator).rounded(toPlaces: 1) } }
                let front = Pareto.nondominated(points).map { points[$0] }
                let reference = [Double](repeating: 1.05, count: dimension)
                let term = KnownCostHypervolume(front: front, reference: reference, costs: Self.noCosts)
                let q = (0..<dimension).map { _ in Double.random(in: -0.1..<1.1, using: &generator).rounded(toPlaces: 1) }
                let before = front.isEmpty ? 0 : try Pareto.hypervolume(front, reference: reference)
                let after = try Pareto.hypervolume(front + [q], reference: reference)
                let improvement = term.improvement(a: q[0], costs: Array(q.dropFirst()))
                #expect(abs(improvement - (after - before)) < 1e-12, "front \(front), q \(q)")
            }
        }
    }

    /// E[HVI] in closed form against the trapezoid rule over the normal density (±12σ, 40,001
    /// nodes), and its derivatives against central differences.
    @Test func theExpectationMatchesNumericalIntegration() {
        let front: [[Double]] = [[0.2, 0.7], [0.4, 0.3], [0.7, 0.1], [0.5, 0.5]]
        let term = KnownCostHypervolume(front: front, reference: [1, 1], costs: Self.noCosts)
        for (mean, sd, cost) in [(0.3, 0.1, 0.2), (0.9, 0.05, 0.05), (0.1, 0.3, 0.6), (2.0, 0.2, 0.0), (0.35, 1e-3, 0.5)] {
            let nodes = 40_000
            var integral = 0.0
            for i in 0...nodes {
                let a = mean - 12 * sd + 24 * sd * Double(i) / Double(nodes)
                let z = (a - mean) / sd
                let density = exp(-0.5 * z * z) / (sd * (2 * Double.pi).squareRoot())
                integral += (i == 0 || i == nodes ? 0.5 : 1) * density * term.improvement(a: a, costs: [cost])
            }
            integral *= 24 * sd / Double(nodes)
            let (value, dMean, dSD) = term.logExpectedImprovement(mean: mean, standardDeviation: sd, costs: [cost])
            #expect(abs(exp(value) - integral) <= 1e-6 * integral + 1e-300, "μ \(mean) σ \(sd) c \(cost): \(exp(value)) against \(integral)")
            let h = 1e-6
            let numericMean = (term.logExpectedImprovement(mean: mean + h, standardDeviation: sd, costs: [cost]).value
                - term.logExpectedImprovement(mean: mean - h, standardDeviation: sd, costs: [cost]).value) / (2 * h)
            let numericSD = (term.logExpectedImprovement(mean: mean, standardDeviation: sd + h * sd, costs: [cost]).value
                - term.logExpectedImprovement(mean: mean, standardDeviation: sd - h * sd, costs: [cost]).value) / (2 * h * sd)
            #expect(abs(dMean - numericMean) <= 1e-4 * max(1, abs(numericMean)))
            #expect(abs(dSD - numericSD) <= 1e-4 * max(1, abs(numericSD)))
        }
        // Beyond the reference in a cost: nothing to gain.
        #expect(term.logExpectedImprovement(mean: 0, standardDeviation: 1, costs: [1.2]).value == -.infinity)
    }

    static let space = try! SearchSpace { Real("size", 0...1); Real("shape", 0...1) }
    /// The cost is the size (a cost model); the error falls with size when the shape is 0.3.
    @Sendable static func cost(_ config: Configuration) -> Double { config.double("size") }
    @Sendable static func error(_ config: Configuration) -> Double {
        1 - config.double("size").squareRoot() * (1 - 4 * pow(config.double("shape") - 0.3, 2))
    }
    /// The front is error = 1 − √cost, cost ∈ [0, 1]; up to the reference (1.1, 1.1) it
    /// dominates ∫₀¹ (1.1 − (1 − √c)) dc = 0.1 + 2/3 over costs to 1, and 0.1 · 1.1 beyond.
    static let trueHypervolume = 0.1 + 2.0 / 3 + 0.11

    @Test func aKnownObjectiveIsRecordedAsItsPredictionAndNeverModelled() async throws {
        let optimizer = BayesianOptimizer(
            space: Self.space, objectives: [.minimize("error"), .minimize("cost", predictedBy: Self.cost)], seed: 1,
            logger: quietLogger) { config in .success(objective: Self.error(config)) }
        let result = try await optimizer.run(budget: .evaluations(14))
        #expect(result.trials.count == 14)
        for trial in result.trials {
            #expect(trial.objectiveValues["cost"] == Self.cost(trial.configuration))
            #expect(trial.predictions["cost"] == Self.cost(trial.configuration))
        }
        #expect(!result.paretoFront.isEmpty)
    }

    /// A known objective predicted in batches (a program run once per batch) is asked for the
    /// candidates together, and the study runs exactly as with the same costs one by one.
    @Test func aBatchPredictedObjectiveRunsAsThePerConfigurationOne() async throws {
        final class Batches: @unchecked Sendable {
            let lock = NSLock()
            var sizes: [Int] = []
            func record(_ size: Int) { lock.withLock { sizes.append(size) } }
        }
        let batches = Batches()
        let batched = Objective("cost", .minimize) { (configurations: [Configuration]) in
            batches.record(configurations.count)
            return configurations.map(Self.cost)
        }
        var runs: [SearchResult] = []
        for cost in [Objective.minimize("cost", predictedBy: Self.cost), batched] {
            let optimizer = BayesianOptimizer(
                space: Self.space, objectives: [.minimize("error"), cost], seed: 3, logger: quietLogger
            ) { config in .success(objective: Self.error(config)) }
            runs.append(try await optimizer.run(budget: .evaluations(14)))
        }
        #expect(runs[1].trials.map(\.configuration) == runs[0].trials.map(\.configuration))
        #expect(runs[1].trials.map { $0.objectiveValues["cost"] } == runs[0].trials.map { $0.objectiveValues["cost"] })
        #expect((batches.sizes.max() ?? 0) > 100, "the candidates are predicted together: \(batches.sizes.max() ?? 0)")
    }

    @Test func aKnownFirstObjectiveIsRefused() async {
        let optimizer = BayesianOptimizer(
            space: Self.space, objectives: [.minimize("cost", predictedBy: Self.cost), .minimize("error")], seed: 1,
            logger: quietLogger) { config in .success(objective: Self.error(config)) }
        await #expect {
            _ = try await optimizer.run(budget: .evaluations(2))
        } throws: { error in
            guard let error = error as? HyperPowerError, case let .invalidSettings(reason) = error else { return false }
            return reason.contains("cannot be known")
        }
    }

    /// The front of a known cost and a measured error: EHVI reaches most of the true front's
    /// hypervolume in 30 evaluations, more than random search on the same seeds.
    @Test(.timeLimit(.minutes(2)))
    func theHypervolumeAcquisitionFindsTheFrontOfAKnownCost() async throws {
        var model: [Double] = [], random: [Double] = []
        let objectives: [Objective] = [.minimize("error"), .minimize("cost", predictedBy: Self.cost)]
        for seed: UInt64 in [0, 1, 2] {
            let optimizer = BayesianOptimizer(space: Self.space, objectives: objectives, seed: seed, logger: quietLogger) { config in
                .success(objective: Self.error(config))
            }
            let result = try await optimizer.run(budget: .evaluations(30))
            model.append(try result.hypervolume(reference: [1.1, 1.1]))
            let baseline = try await Method.random.optimizer(
                space: Self.space, constraints: [], objectives: objectives, seed: seed, logger: quietLogger,
                objective: { config in .success(objective: Self.error(config)) }
            ).run(budget: .evaluations(30))
            random.append(try baseline.hypervolume(reference: [1.1, 1.1]))
        }
        let median = { (values: [Double]) in values.sorted()[values.count / 2] }
        print("known-cost EHVI hypervolumes \(model), random \(random), true \(Self.trueHypervolume)")
        #expect(median(model) > median(random))
        #expect(median(model) > 0.94 * Self.trueHypervolume)  // measured 0.951–0.968 of the true front
        #expect(model.allSatisfy { $0 <= Self.trueHypervolume + 1e-9 })
    }
}

extension Double {
    fileprivate func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}

/// The expected hypervolume improvement for two measured objectives.
@Suite struct TwoObjectiveHypervolumeTests {
    /// The closed form against a 2-D trapezoid rule over both normal densities (±7σ, 241 nodes
    /// each) of the improvement computed by `Pareto.hypervolume` differences.
    @Test func theClosedFormMatchesNumericalIntegration() throws {
        let front: [[Double]] = [[0.2, 0.7], [0.4, 0.3], [0.7, 0.1]]
        let reference = [1.0, 1.0]
        let model = try GaussianProcess(
            inputs: Matrix(rowMajor: [[0.0], [1.0]]), targets: [0, 1], kernel: Matern52Kernel(),
            hyperparameters: GaussianProcessHyperparameters(lengthscales: [1]))
        let acquisition = TwoObjectiveLogExpectedHypervolumeImprovement(
            first: model, second: model, front: front, reference: reference, constraints: [])
        let before = try Pareto.hypervolume(front, reference: reference)
        for (m1, s1, m2, s2) in [(0.3, 0.1, 0.4, 0.2), (0.5, 0.05, 0.5, 0.05), (0.9, 0.2, 0.05, 0.1)] {
            var integral = 0.0
            for (y1, w1) in Self.trapezoidNodes(mean: m1, sd: s1, halfWidth: 7, intervals: 240) {
                for (y2, w2) in Self.trapezoidNodes(mean: m2, sd: s2, halfWidth: 7, intervals: 240) {
                    integral += w1 * w2 * (try Pareto.hypervolume(front + [[y1, y2]], reference: reference) - before)
                }
            }
            let closed = exp(acquisition.logExpectedImprovement(mean1: m1, sd1: s1, mean2: m2, sd2: s2))
            #expect(abs(closed - integral) <= 2e-3 * integral, "μ (\(m1), \(m2)) σ (\(s1), \(s2)): \(closed) against \(integral)")
        }
    }

    /// Nodes and weights of the trapezoid rule for a normal density over mean ± halfWidth·sd.
    static func trapezoidNodes(mean: Double, sd: Double, halfWidth: Double, intervals: Int) -> [(Double, Double)] {
        (0...intervals).map { i in
            let y = mean - halfWidth * sd + 2 * halfWidth * sd * Double(i) / Double(intervals)
            let z = (y - mean) / sd
            let weight = (i == 0 || i == intervals ? 0.5 : 1) * 2 * halfWidth * sd / Double(intervals)
            return (y, weight * exp(-0.5 * z * z) / (sd * (2 * Double.pi).squareRoot()))
        }
    }

    /// Three objectives: the grid-of-columns closed form against a 3-D trapezoid rule over the
    /// three normal densities (±5σ, 49 nodes each) of the improvement computed by
    /// `Pareto.hypervolume` differences, on a front with ties in a coordinate.
    @Test func theThreeObjectiveClosedFormMatchesNumericalIntegration() throws {
        let front: [[Double]] = [[0.2, 0.7, 0.5], [0.4, 0.3, 0.6], [0.7, 0.1, 0.3], [0.4, 0.6, 0.2], [0.1, 0.9, 0.9]]
        let reference = [1.0, 1.0, 1.0]
        let model = try GaussianProcess(
            inputs: Matrix(rowMajor: [[0.0], [1.0]]), targets: [0, 1], kernel: Matern52Kernel(),
            hyperparameters: GaussianProcessHyperparameters(lengthscales: [1]))
        let acquisition = LogExpectedHypervolumeImprovement(models: [model, model, model], front: front, reference: reference, constraints: [])
        let before = try Pareto.hypervolume(front, reference: reference)
        for (means, sds) in [([0.3, 0.4, 0.4], [0.1, 0.2, 0.15]), ([0.5, 0.5, 0.5], [0.05, 0.05, 0.1]), ([0.9, 0.05, 0.6], [0.2, 0.1, 0.2])] {
            let grids = (0..<3).map { Self.trapezoidNodes(mean: means[$0], sd: sds[$0], halfWidth: 5, intervals: 48) }
            var integral = 0.0
            for (y1, w1) in grids[0] {
                for (y2, w2) in grids[1] {
                    for (y3, w3) in grids[2] {
                        let weight = w1 * w2 * w3
                        guard weight > 1e-12 else { continue }
                        integral += weight * (try Pareto.hypervolume(front + [[y1, y2, y3]], reference: reference) - before)
                    }
                }
            }
            let closed = exp(acquisition.logExpectedImprovement(means: means, standardDeviations: sds))
            print("three-objective EHVI μ \(means) σ \(sds): closed form \(closed), trapezoid \(integral)")
            #expect(abs(closed - integral) <= 5e-3 * integral, "μ \(means) σ \(sds): \(closed) against \(integral)")
        }
        // Far from the front the log stays finite and falls; a point dominating everything adds a lot.
        let far = acquisition.logExpectedImprovement(means: [3, 3, 3], standardDeviations: [0.1, 0.1, 0.1])
        #expect(far.isFinite && far < -100)
        let dominating = exp(acquisition.logExpectedImprovement(means: [0, 0, 0], standardDeviations: [1e-6, 1e-6, 1e-6]))
        #expect(abs(dominating - (1 - before)) < 1e-5)
    }

    @Test(.timeLimit(.minutes(2)))
    func theTwoModelAcquisitionBeatsRandomSearchOnAConstrainedFront() async throws {
        var settings = OptimizerSettings()
        settings.frontAcquisition = .expectedHypervolumeImprovement
        var model: [Double] = [], random: [Double] = []
        for seed: UInt64 in [0, 1, 2] {
            let optimizer = BayesianOptimizer(
                space: ParetoTests.zdtSpace, constraints: [ParetoTests.zdtConstraint], objectives: ParetoTests.zdtObjectives,
                seed: seed, settings: settings, logger: quietLogger, objective: ParetoTests.zdt)
            let result = try await optimizer.run(budget: .evaluations(30))
            #expect(result.trials.allSatisfy { $0.predictions["sum"]! <= 0.8 })
            model.append(try result.hypervolume(reference: [1, 1]))
            let baseline = try await Method.random.optimizer(
                space: ParetoTests.zdtSpace, constraints: [ParetoTests.zdtConstraint], objectives: ParetoTests.zdtObjectives,
                seed: seed, logger: quietLogger, objective: ParetoTests.zdt).run(budget: .evaluations(30))
            random.append(try baseline.hypervolume(reference: [1, 1]))
        }
        let median = { (values: [Double]) in values.sorted()[values.count / 2] }
        print("two-GP EHVI hypervolumes \(model), random \(random), true \(ParetoTests.zdtTrueHypervolume)")
        #expect(median(model) > median(random))
        #expect(median(model) > 0.85 * ParetoTests.zdtTrueHypervolume)
    }
}
