import Foundation
import GaussianProcess
import LinearAlgebra
import Testing
@testable import HyperPower

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
