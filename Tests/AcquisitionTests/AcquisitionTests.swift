import Acquisition
import Foundation
import GaussianProcess
import LinearAlgebra
import Testing

@Suite struct AcquisitionTests {
    @Test func logExpectedImprovementMatchesItsDefinitionAndGradients() {
        // EI = σ h(z) by direct integration where it does not underflow.
        for (mean, sd, incumbent) in [(0.0, 1.0, 0.5), (2.0, 0.3, 1.0), (-1.0, 2.0, -3.0), (0.2, 0.05, 0.1)] {
            let z = (incumbent - mean) / sd
            let direct = sd * (exp(-z * z / 2) / (2 * Double.pi).squareRoot() + z * 0.5 * erfc(-z / 2.0.squareRoot()))
            let result = LogExpectedImprovement.value(mean: mean, standardDeviation: sd, incumbent: incumbent)
            #expect(abs(result.value - log(direct)) < 1e-12)
            let h = 1e-6
            let dMean = (LogExpectedImprovement.value(mean: mean + h, standardDeviation: sd, incumbent: incumbent).value
                - LogExpectedImprovement.value(mean: mean - h, standardDeviation: sd, incumbent: incumbent).value) / (2 * h)
            let dSD = (LogExpectedImprovement.value(mean: mean, standardDeviation: sd + h, incumbent: incumbent).value
                - LogExpectedImprovement.value(mean: mean, standardDeviation: sd - h, incumbent: incumbent).value) / (2 * h)
            #expect(abs(result.meanDerivative - dMean) <= 1e-6 * max(1, abs(dMean)))
            #expect(abs(result.standardDeviationDerivative - dSD) <= 1e-6 * max(1, abs(dSD)))
        }
        // Far from the incumbent it stays finite and keeps decreasing.
        let far = LogExpectedImprovement.value(mean: 1000, standardDeviation: 1, incumbent: 0).value
        let farther = LogExpectedImprovement.value(mean: 1001, standardDeviation: 1, incumbent: 0).value
        #expect(far.isFinite && farther < far)
        #expect(LogExpectedImprovement.value(mean: 1, standardDeviation: 0, incumbent: 0).value == -.infinity)
    }

    @Test func logProbabilityOfFeasibilityRespectsDirection() {
        let atMost = LogProbabilityOfFeasibility.value(mean: 1, standardDeviation: 2, bound: 3, direction: .atMost)
        #expect(abs(atMost.value - log(0.5 * erfc(-1 / 2.0.squareRoot()))) < 1e-14)  // Φ(1)
        let atLeast = LogProbabilityOfFeasibility.value(mean: 1, standardDeviation: 2, bound: 3, direction: .atLeast)
        #expect(abs(atLeast.value - log(0.5 * erfc(1 / 2.0.squareRoot()))) < 1e-14)  // Φ(−1)
        for direction in [ConstraintDirection.atMost, .atLeast] {
            let h = 1e-6
            let r = LogProbabilityOfFeasibility.value(mean: 0.4, standardDeviation: 0.7, bound: 1.1, direction: direction)
            let dMean = (LogProbabilityOfFeasibility.value(mean: 0.4 + h, standardDeviation: 0.7, bound: 1.1, direction: direction).value
                - LogProbabilityOfFeasibility.value(mean: 0.4 - h, standardDeviation: 0.7, bound: 1.1, direction: direction).value) / (2 * h)
            let dSD = (LogProbabilityOfFeasibility.value(mean: 0.4, standardDeviation: 0.7 + h, bound: 1.1, direction: direction).value
                - LogProbabilityOfFeasibility.value(mean: 0.4, standardDeviation: 0.7 - h, bound: 1.1, direction: direction).value) / (2 * h)
            #expect(abs(r.meanDerivative - dMean) < 1e-7 && abs(r.standardDeviationDerivative - dSD) < 1e-7)
        }
        // Deep in the infeasible region: finite, not −∞.
        #expect(LogProbabilityOfFeasibility.value(mean: 1000, standardDeviation: 1, bound: 0, direction: .atMost).value.isFinite)
    }

    static func models() throws -> ConstrainedLogExpectedImprovement {
        var state: UInt64 = 7
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) * 0x1.0p-53
        }
        let rows = (0..<15).map { _ in [uniform(), uniform()] }
        let x = Matrix(rowMajor: rows)
        let hp = GaussianProcessHyperparameters(lengthscales: [0.4, 0.6], signalVariance: 1, noiseVariance: 1e-4)
        let objective = try GaussianProcess(inputs: x, targets: rows.map { sin(5 * $0[0]) + $0[1] }, hyperparameters: hp)
        let constraint = try GaussianProcess(inputs: x, targets: rows.map { $0[0] + $0[1] }, hyperparameters: hp)
        return ConstrainedLogExpectedImprovement(
            objective: objective, incumbent: -0.5,
            constraints: [ConstraintModel(model: constraint, bound: 1.0, direction: .atMost)])
    }

    @Test func constrainedAcquisitionGradientMatchesFiniteDifferences() throws {
        let acquisition = try Self.models()
        for point in [[0.3, 0.2], [0.8, 0.7], [0.55, 0.05]] {
            let (value, gradient) = acquisition.valueAndGradient(at: point)
            #expect(abs(value - acquisition.values(at: Matrix(rowMajor: [point]))[0]) < 1e-10)
            for k in 0..<2 {
                let h = 1e-6
                var plus = point
                var minus = point
                plus[k] += h
                minus[k] -= h
                let numeric = (acquisition.valueAndGradient(at: plus).value - acquisition.valueAndGradient(at: minus).value) / (2 * h)
                #expect(abs(gradient[k] - numeric) <= 1e-5 * max(1, abs(numeric)), "∂/∂x\(k) at \(point)")
            }
        }
    }

    @Test func withoutAnIncumbentOnlyFeasibilityCounts() throws {
        var acquisition = try Self.models()
        acquisition.incumbent = nil
        #expect(!acquisition.usesExpectedImprovement)
        let point = [0.3, 0.2]
        let constraint = acquisition.constraints[0]
        let posterior = try constraint.model.posterior(at: Matrix(rowMajor: [point]))
        let expected = LogProbabilityOfFeasibility.value(
            mean: posterior.mean[0], standardDeviation: posterior.variance[0].squareRoot(), bound: 1, direction: .atMost).value
        #expect(abs(acquisition.values(at: Matrix(rowMajor: [point]))[0] - expected) < 1e-9)
    }
}
