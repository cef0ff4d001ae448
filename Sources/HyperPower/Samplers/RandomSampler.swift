import NumericalOptimization

/// Uniform random configurations inside the known-feasible region (HyperPower's random
/// variant, the baseline of the paper's comparison), never repeated.
public struct RandomSampler: Sampler {
    var generator: SeededGenerator

    /// A sampler whose draws follow from `seed` (a study's seed gives a study's draws).
    public init(seed: UInt64) {
        generator = SamplingSupport.randomGenerator(seed: seed)
    }

    public var name: String { "random" }

    public mutating func suggest(_ context: SamplingContext) throws(HyperPowerError) -> SamplerProposal {
        let point = try SamplingSupport.randomFeasiblePoint(context, generator: &generator)
        return SamplerProposal(configuration: context.space.decode(point), source: .random)
    }

    public func state() throws(HyperPowerError) -> JSONValue? { try SamplingSupport.encodeState(of: generator) }

    public mutating func restore(_ state: JSONValue) throws(HyperPowerError) {
        generator = try SamplingSupport.decodeState(state)
    }
}
