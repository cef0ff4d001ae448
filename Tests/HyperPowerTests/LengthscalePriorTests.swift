import Foundation
import GaussianProcess
import Testing
@testable import HyperPower

/// Which lengthscale prior each encoded column gets: real parameters the short prior, the
/// objective model's one-hot columns the long one that scales with √D, everything else the
/// dimension-scaled discrete prior.
@Suite struct LengthscalePriorTests {
    @Test func theObjectivesOneHotColumnsGetTheLongPrior() throws {
        let space = try SearchSpace {
            Real("rate", 1e-4...1e-1, scale: .log)
            Categorical("op", ["conv", "pool", "skip"])
            Integer("depth", 2...5)
        }
        let kinds = ConstrainedGPSampler.columnKinds(of: space)
        #expect(kinds == [.real, .oneHot, .oneHot, .oneHot, .ordered])
        let discrete = ConstrainedGPSampler.lengthscalePrior(parameters: 3)
        let oneHot = ConstrainedGPSampler.oneHotLengthscalePrior(columns: 5)
        #expect(ConstrainedGPSampler.columnLengthscalePriors(kinds: kinds, parameters: 3, isObjective: true)
            == [ConstrainedGPSampler.realLengthscalePrior, oneHot, oneHot, oneHot, discrete])
        #expect(ConstrainedGPSampler.columnLengthscalePriors(kinds: kinds, parameters: 3, isObjective: false)
            == [ConstrainedGPSampler.realLengthscalePrior, discrete, discrete, discrete, discrete])
        // Median ℓ = 1.65·√D: NAS-Bench-201's 30 one-hot columns, about 9.
        let median = exp(ConstrainedGPSampler.oneHotLengthscalePrior(columns: 30).location)
        #expect(abs(median - exp(0.5) * 30.0.squareRoot()) < 1e-9 && median > 3 * exp(discrete.location))
    }
}

/// The noise floor: 1e-8 for spaces of at most six real parameters, the default 1e-6 for the
/// rest, and a user's own bounds untouched.
@Suite struct NoiseFloorTests {
    @Test func fewRealParametersGetTheLowerFloor() {
        let six = [ConstrainedGPSampler.ColumnKind](repeating: .real, count: 6)
        #expect(ConstrainedGPSampler.noiseFloor(kinds: six, parameters: 6) == 1e-8)
        #expect(ConstrainedGPSampler.noiseFloor(kinds: six + [.real], parameters: 7) == nil)
        #expect(ConstrainedGPSampler.noiseFloor(kinds: [.real, .ordered], parameters: 2) == nil)
        #expect(ConstrainedGPSampler.noiseFloor(kinds: [.real, .oneHot, .oneHot], parameters: 2) == nil)
        #expect(ConstrainedGPSampler.noiseFloor(kinds: nil, parameters: 2) == nil)
    }

    @Test func theFitReachesBelowTheDefaultFloorUnlessTheUserSetsBounds() throws {
        // A smooth noise-free function of two reals on a 10 × 10 grid: the likelihood wants no noise.
        let points = (0..<100).map { [Double($0 % 10) / 9, Double($0 / 10) / 9] }
        let targets = points.map { sin(3 * $0[0]) + cos(2 * $0[1]) }
        func fittedNoise(_ settings: OptimizerSettings) throws -> Double {
            var sampler = ConstrainedGPSampler(settings: settings, seed: 3)
            sampler.columnKinds = [.real, .real]
            sampler.parameterCountHint = 2
            let model = sampler.fitModel(
                "objective", inputs: Matrix(rowMajor: points), targets: targets, number: 1, pending: [], isObjective: true)
            return try #require(model).hyperparameters.noiseVariance
        }
        let automatic = try fittedNoise(OptimizerSettings())
        #expect(automatic < HyperparameterPriors.defaultNoiseVarianceBounds.lowerBound && automatic >= 1e-8 * (1 - 1e-9))
        var settings = OptimizerSettings()
        settings.fitOptions.priors.noiseVarianceBounds = 1e-5...1
        #expect(try fittedNoise(settings) >= 1e-5 * (1 - 1e-9))  // at the user's floor (through exp ∘ log)
    }
}
