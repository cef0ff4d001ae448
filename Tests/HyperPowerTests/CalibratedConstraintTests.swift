import Foundation
import HyperPower
import Testing

/// Calibrated known constraints: the gate learns its predictor's error from measurements.
@Suite struct CalibratedConstraintTests {
    /// Maximise x + y on the unit square; the true cost is 1 + 4(x + y) ms, the bound 5 ms
    /// (feasible: x + y ≤ 1, the optimum on the boundary).
    static let space = try! SearchSpace { Real("x", 0...1); Real("y", 0...1) }
    static let bound = 5.0
    @Sendable static func trueCost(_ config: Configuration) -> Double { 1 + 4 * (config.double("x") + config.double("y")) }

    /// A study whose predictor is `factor × the true cost`, calibrated or not; returns the
    /// trials that broke the true bound and the best truly feasible x + y.
    static func run(factor: Double, calibrated: Bool, evaluations: Int = 30, seed: UInt64 = 1) async throws
        -> (violations: Int, best: Double, trials: [Trial])
    {
        let known = Constraint.known("latency", atMost: bound) { factor * trueCost($0) }
        let optimizer = BayesianOptimizer(
            space: space, constraints: [calibrated ? known.calibrated(by: "measured latency") : known], seed: seed,
            logger: quietLogger
        ) { config in
            .success(objective: -(config.double("x") + config.double("y")), measurements: ["measured latency": trueCost(config)])
        }
        let result = try await optimizer.run(budget: .evaluations(evaluations))
        let feasible = result.trials.filter { trueCost($0.configuration) <= bound }
        let best = feasible.map { $0.configuration.double("x") + $0.configuration.double("y") }.max() ?? 0
        return (result.trials.count - feasible.count, best, result.trials)
    }

    @Test func aModelThatUnderPredictsLearnsItsBiasAndStopsBreakingTheBudget() async throws {
        // The model predicts 60% of the true cost: its gate admits x + y up to 1.83.
        let plain = try await Self.run(factor: 0.6, calibrated: false)
        let calibrated = try await Self.run(factor: 0.6, calibrated: true)
        #expect(plain.violations >= 15, "the uncalibrated gate's violations: \(plain.violations)")
        #expect(calibrated.violations <= 12, "the calibrated gate's violations: \(calibrated.violations)")
        #expect(calibrated.violations * 2 <= plain.violations)
        // The initial design is gated by the plain model; after it, few proposals break.
        let modelPhase = calibrated.trials.dropFirst(SpaceFillingDesign.defaultSize(dimension: 2))
        let modelViolations = modelPhase.filter { Self.trueCost($0.configuration) > Self.bound }.count
        #expect(modelViolations * 4 <= modelPhase.count, "\(modelViolations) of \(modelPhase.count) model proposals broke the bound")
        #expect(calibrated.best > 0.9, "best truly feasible x + y \(calibrated.best)")
        // Model-phase trials carry the corrected interval; its median beats the plain model.
        let withIntervals = calibrated.trials.filter { $0.predictionIntervals["latency"] != nil }
        #expect(withIntervals.count >= modelPhase.count - 1)
        var plainError = 0.0
        var correctedError = 0.0
        for trial in withIntervals {
            let interval = trial.predictionIntervals["latency"]!
            let measured = trial.measurements["measured latency"]!
            #expect(interval.measurement == "measured latency")
            #expect(interval.violationProbability == Constraint.Calibration.defaultViolationProbability)
            #expect(interval.lower <= interval.median && interval.median <= interval.upper)
            plainError += abs(trial.predictions["latency"]! - measured) / measured
            correctedError += abs(interval.median - measured) / measured
        }
        #expect(correctedError * 10 < plainError, "corrected \(correctedError) against plain \(plainError)")
        // Trials are judged by the measurement, not the optimistic prediction.
        for trial in calibrated.trials where trial.outcome.objective != nil {
            #expect(trial.violatedConstraints.contains("latency") == (Self.trueCost(trial.configuration) > Self.bound))
        }
    }

    @Test func aModelThatOverPredictsLearnsToVisitWhatItCalledInfeasible() async throws {
        // The model predicts 150% of the true cost: its gate stops at x + y ≤ 0.58.
        let plain = try await Self.run(factor: 1.5, calibrated: false)
        let calibrated = try await Self.run(factor: 1.5, calibrated: true)
        #expect(plain.best <= (Self.bound / 1.5 - 1) / 4 + 1e-9)  // 0.583
        #expect(plain.violations == 0)
        #expect(calibrated.best > 0.9, "the calibrated gate's best x + y: \(calibrated.best)")
        #expect(calibrated.violations <= 8)
    }

    @Test func anExactModelKeepsTheHardGate() async throws {
        let calibrated = try await Self.run(factor: 1, calibrated: true)
        #expect(calibrated.violations == 0)
        #expect(calibrated.best > 0.95)
    }

    @Test func theCorrectedCostsQuantileIsWhatTheGateTests() {
        let correction = CostCorrection(scale: .logarithmic(offset: 0), violationProbability: 0.1) { _ in (0.1, 0.2) }
        let z = 1.2815515655446004  // scipy.stats.norm.ppf(0.9)
        let interval = correction.interval(prediction: 5, at: [0.5])
        #expect(abs(interval.mean - 5 * exp(0.1)) < 1e-12)
        #expect(abs(interval.upper - 5 * exp(0.1 + z * 0.2)) < 1e-9)
        #expect(abs(interval.lower - 5 * exp(0.1 - z * 0.2)) < 1e-9)
        #expect(correction.quantile(prediction: 5, at: [0.5], direction: .atMost) == interval.upper)
        #expect(correction.quantile(prediction: 5, at: [0.5], direction: .atLeast) == interval.lower)
        // With an offset, log(cost + offset) carries the residual: a prediction of 0 (or less)
        // becomes log(offset).
        let offset = CostCorrection(scale: .logarithmic(offset: 1), violationProbability: 0.1) { _ in (0.5, 0) }
        #expect(abs(offset.quantile(prediction: -3, at: [0], direction: .atMost) - (exp(0.5) - 1)) < 1e-12)
        #expect(abs(offset.quantile(prediction: 4, at: [0], direction: .atMost) - (5 * exp(0.5) - 1)) < 1e-12)
        let linear = CostCorrection(scale: .linear, violationProbability: 0.1) { _ in (-1, 0.5) }
        #expect(abs(linear.quantile(prediction: 5, at: [0], direction: .atMost) - (4 + z * 0.5)) < 1e-9)

        // A region corrected by it admits a point only when the quantile passes.
        let space = try! SearchSpace { Real("x", 0...1) }
        let constraint = Constraint.known("c", atMost: 5) { 4 * $0.double("x") + 1 }.calibrated()
        let region = KnownFeasibleRegion(space: space, constraints: [constraint])
        let corrected = region.corrected(by: ["c": correction])
        // Prediction 4.5 passes alone; its upper quantile 4.5·e^(0.1 + 0.256) = 6.4 does not.
        #expect(region.contains([0.875]))
        #expect(!corrected.contains([0.875]))
        #expect(corrected.contains([0.4]))  // prediction 2.6, quantile 3.7
        #expect(corrected.margin([0.875]) < 0 && region.margin([0.875]) > 0)
    }

    @Test func theUnawareBaselineLearnsTheMeasurementNotThePrediction() async throws {
        let known = Constraint.known("latency", atMost: Self.bound) { 0.6 * Self.trueCost($0) }.calibrated(by: "measured latency")
        let optimizer = Method.unknownConstraints.optimizer(
            space: Self.space, constraints: [known], seed: 2, logger: quietLogger,
            objective: { config in
                .success(objective: -(config.double("x") + config.double("y")), measurements: ["measured latency": Self.trueCost(config)])
            })
        let result = try await optimizer.run(budget: .evaluations(8))
        for trial in result.trials {
            #expect(trial.measurements["latency"] == Self.trueCost(trial.configuration))
            #expect(trial.violatedConstraints.contains("latency") == (Self.trueCost(trial.configuration) > Self.bound))
        }
    }

    @Test func theBatchGateAgreesWithThePointGate() {
        let space = try! SearchSpace { Real("x", 0...1); Real("y", 0...1) }
        let constraints = [
            Constraint.known("c", atMost: 5) { 1 + 6 * $0.double("x") * $0.double("y") }.calibrated(),
            Constraint.known("d", atLeast: 0.2) { $0.double("x") + 0.1 * $0.double("y") },
        ]
        let residual: @Sendable ([Double]) -> (mean: Double, standardDeviation: Double) = { point in (0.3 * point[0] - 0.1, 0.05 + 0.2 * point[1]) }
        let correction = CostCorrection(
            scale: .logarithmic(offset: 0), violationProbability: 0.1, residuals: { points in points.map(residual) })
        var generator = SeededGenerator(seed: 5)
        let points = (0..<2_000).map { _ in [generator.nextUniform(), generator.nextUniform()] }
        for region in [KnownFeasibleRegion(space: space, constraints: constraints),
                       KnownFeasibleRegion(space: space, constraints: constraints).corrected(by: ["c": correction])] {
            let batch = region.contains(points: points)
            #expect(batch == points.map { region.contains($0) })
            #expect(batch.contains(true) && batch.contains(false))
        }
    }

    @Test func badCalibrationsAreRefusedWithTheirReason() async {
        let space = try! SearchSpace { Real("x", 0...1) }
        let cases: [(Constraint, String)] = [
            (Constraint.observed("c", atMost: 1).calibrated(), "only a known constraint (one with a predictor) can be calibrated"),
            (Constraint.known("c", atMost: 1) { $0.double("x") }.calibrated(violationProbability: 0.7),
             "the violation probability 0.7 is not in (0, 0.5)"),
            (Constraint.known("c", atMost: 1) { $0.double("x") }.calibrated(by: ""), "the calibrating measurement's name is empty"),
        ]
        for (constraint, reason) in cases {
            let optimizer = BayesianOptimizer(space: space, constraints: [constraint], logger: quietLogger)
            await #expect(throws: HyperPowerError.invalidConstraint(name: "c", reason: reason)) { try await optimizer.ask() }
        }
    }
}
