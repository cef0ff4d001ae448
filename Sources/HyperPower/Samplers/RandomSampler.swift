import NumericalOptimization

/// Uniform random configurations inside the known-feasible region (HyperPower's random
/// variant, the baseline of the paper's comparison), never repeated.
public struct RandomSampler: Sampler {
    var generator: SeededGenerator

    /// A sampler whose draws follow from `seed` (a study's seed gives a study's draws).
    public init(seed: UInt64) {
        generator = SeededGenerator(seed: seed ^ 0x5EED_0F_4A9D_0B5E)
    }

    public var name: String { "random" }

    public mutating func suggest(_ context: SamplingContext) throws(HyperPowerError) -> SamplerProposal {
        let point = try SamplingSupport.randomFeasiblePoint(context, generator: &generator)
        return SamplerProposal(configuration: context.space.decode(point), source: .random)
    }

    struct State: Codable {
        var random: SeededGenerator
    }

    public func state() throws(HyperPowerError) -> JSONValue? {
        do { return try JSONValue(encoding: State(random: generator)) } catch {
            throw .storage(reason: "cannot encode the random sampler's state: \(error)")
        }
    }

    public mutating func restore(_ state: JSONValue) throws(HyperPowerError) {
        do { generator = try state.decoded(as: State.self).random } catch {
            throw .storage(reason: "cannot restore the random sampler's state: \(error)")
        }
    }
}
