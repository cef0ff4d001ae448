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
