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
