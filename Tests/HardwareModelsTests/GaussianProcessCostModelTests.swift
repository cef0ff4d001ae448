import Foundation
import HardwareModels
import Testing

/// The GP cost model on a cost with an interaction, whose truth is known in closed form.
@Suite struct GaussianProcessCostModelTests {
    /// y = 2·exp(a + a·b): multiplicative, with an interaction no linear model of a, b has.
    static func cost(_ x: [Double]) -> Double { 2 * exp(x[0] + x[0] * x[1]) }

    static func samples(count: Int, state: UInt64) throws -> ProfiledSamples {
        var values = CostModelTests.Values(state: state)
        let rows = (0..<count).map { _ in [values.next() * 2, values.next() * 2] }
        return try ProfiledSamples(featureNames: ["a", "b"], features: rows, targets: rows.map(cost))
    }

    @Test func learnsAnInteractionALinearModelMissesAndSaysHowSureItIs() throws {
        let training = try Self.samples(count: 40, state: 11)
        let heldOut = try Self.samples(count: 200, state: 12)
        let model = try GaussianProcessCostModel.fit(training)
        let linear = try LinearCostModel.fit(training)
        let gpError = model.evaluate(on: heldOut).meanAbsolutePercentageError
        let linearError = linear.evaluate(on: heldOut).meanAbsolutePercentageError
        #expect(gpError < 0.03, "GP held-out MAPE \(gpError)")
        #expect(gpError * 5 < linearError, "GP \(gpError) against linear \(linearError)")
        #expect(model.fitReport.crossValidation != nil)
        #expect(model.fitReport.crossValidation!.meanAbsolutePercentageError < 0.1)
        // The central 90% interval covers most held-out truths, and it widens away from the data.
        let covered = zip(heldOut.features, heldOut.targets).filter { features, truth in
            let interval = model.predictionInterval(features, z: 1.6448536269514722)
            return interval.lower <= truth && truth <= interval.upper
        }.count
        #expect(covered >= 150, "\(covered) of 200 inside the 90% intervals")
        let inside = model.predictiveDistribution([1, 1]).standardDeviation
        let outside = model.predictiveDistribution([6, 6]).standardDeviation
        #expect(outside > 3 * inside)
        let interval = model.predictionInterval([1, 1], z: 1.6448536269514722)
        #expect(interval.lower < interval.median && interval.median < interval.upper)
        #expect(abs(interval.median - model.predict([1, 1])) < 1e-12)
    }

    @Test func badInputIsAnErrorOrNaN() throws {
        let two = try ProfiledSamples(featureNames: ["a"], features: [[1], [2]], targets: [1, 2])
        #expect(throws: HardwareModelError.notEnoughSamples(needed: 3, given: 2)) { try GaussianProcessCostModel.fit(two) }
        let zero = try ProfiledSamples(featureNames: ["a"], features: [[1], [2], [3]], targets: [1, 0, 2])
        #expect(throws: HardwareModelError.invalidTarget(sample: 1, value: 0, reason: "must be positive for a log target")) {
            try GaussianProcessCostModel.fit(zero)
        }
        let linearTarget = try GaussianProcessCostModel.fit(zero, logTarget: false, crossValidationFolds: nil)
        #expect(linearTarget.predict([2]).isFinite)
        #expect(linearTarget.predict([1, 2]).isNaN)  // the wrong number of features
        #expect(linearTarget.predictiveDistribution([.nan]).mean.isNaN)
    }
}

/// `LinearCostModel`'s predictive intervals against ordinary least squares in numpy
/// (`Fixtures/linear_interval_reference.py`).
@Suite struct LinearCostModelIntervalTests {
    @Test func fullRankMatchesOLS() throws {
        let rows: [[Double]] = [[0.1, 0.5, 1.0], [0.4, 0.2, 0.0], [0.9, 0.7, 2.0], [0.3, 0.9, 1.5], [0.6, 0.1, 0.5],
                                [0.8, 0.4, 1.0], [0.2, 0.6, 2.5], [0.7, 0.8, 0.2], [0.5, 0.3, 1.8], [0.05, 0.95, 0.7],
                                [0.95, 0.05, 2.2], [0.45, 0.55, 1.1]]
        let noise = [0.03, -0.02, 0.05, -0.04, 0.01, 0.02, -0.03, 0.04, -0.01, 0.02, -0.05, 0.0]
        let targets = zip(rows, noise).map { 1 + 2 * $0[0] - $0[1] + 0.5 * $0[2] + $1 }
        let model = try LinearCostModel.fit(ProfiledSamples(featureNames: ["a", "b", "c"], features: rows, targets: targets))
        for (x, mean, sd) in [([0.5, 0.5, 1.0], 2.0053137876748433, 0.031101608370614882),
                              ([2.0, -1.0, 4.0], 7.933272433343667, 0.06690274464680762)] {
            let predictive = try #require(model.predictiveDistribution(x))
            #expect(abs(predictive.mean - mean) < 1e-10)
            #expect(abs(predictive.standardDeviation - sd) < 1e-9 * sd)
        }
        let interval = try #require(model.predictionInterval([0.5, 0.5, 1.0], z: 1.6448536269514722))
        #expect(abs(interval.upper - (2.0053137876748433 + 1.6448536269514722 * 0.031101608370614882)) < 1e-9)
    }

    @Test func rankDeficientOneHotMatchesAFullRankReparameterisation() throws {
        let levels = [(0, 0), (0, 1), (1, 2), (2, 0), (1, 1), (2, 2), (0, 2), (1, 0), (2, 1), (0, 0)]
        func oneHot(_ f: Int, _ g: Int) -> [Double] { (0..<3).map { $0 == f ? 1.0 : 0 } + (0..<3).map { $0 == g ? 1.0 : 0 } }
        let targets = [1.0, 1.5, 2.6, 2.1, 2.0, 3.3, 1.9, 1.6, 2.8, 1.1]
        let samples = try ProfiledSamples(
            featureNames: ["f0", "f1", "f2", "g0", "g1", "g2"], features: levels.map(oneHot), targets: targets)
        let model = try LinearCostModel.fit(samples, logTarget: true)
        for ((f, g), mean, sd) in [((1, 2), 0.9536982808198772, 0.06726953869487211), ((2, 2), 1.2359706060031614, 0.06726953869487211)] {
            let predictive = try #require(model.predictiveDistribution(oneHot(f, g)))
            #expect(abs(predictive.mean - mean) < 1e-9)
            #expect(abs(predictive.standardDeviation - sd) < 1e-8 * sd)
            let interval = try #require(model.predictionInterval(oneHot(f, g), z: 1))
            #expect(abs(interval.median - exp(mean)) < 1e-8)
        }
        // Non-negative weights and saturated fits have no interval.
        #expect(try LinearCostModel.fit(samples, nonNegativeWeights: true).predictiveDistribution(oneHot(0, 0)) == nil)
    }
}
