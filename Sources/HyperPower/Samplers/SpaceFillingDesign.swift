import NumericalOptimization

/// The space-filling initial design: scrambled Sobol points inside the known-feasible region
/// (drawing up to 64× the design size; padded with uniform coordinates beyond 1,024 dimensions,
/// ``SpaceFillingSequence``), then random feasible points if the gate let fewer
/// through. ``ConstrainedGPSampler`` starts with it; it is a sampler on its own too.
public struct SpaceFillingDesign: Sampler {
    /// Points in the design; `nil` for ``defaultSize(space:objectiveCount:)``.
    public var size: Int?
    var seed: UInt64
    var design: [[Double]]?
    var cursor = 0
    /// Two canonical points closer than this (max-norm) are the same configuration.
    public var duplicateTolerance = 1e-9
    /// Draws the random points (fill-ins, and a composing sampler's fallbacks).
    var generator: SeededGenerator

    /// A design of `size` points (the default for the space when `nil`), scrambled by `seed`.
    public init(size: Int? = nil, seed: UInt64) {
        self.size = size
        self.seed = seed
        self.generator = SamplingSupport.randomGenerator(seed: seed)
    }

    /// `2·(D + 1)` for a D-dimensional encoded space, clamped to 5…`cap` (BoTorch's tutorials use
    /// 2(D + 1); Optuna's GP sampler starts from 10). The one place this formula lives.
    public static func defaultSize(dimension: Int, cap: Int = 20) -> Int { min(max(2 * (dimension + 1), 5), max(cap, 5)) }

    /// The default design size for a search: ``defaultSize(dimension:cap:)`` of the encoded
    /// dimension, capped at 10 (Optuna's) for one objective over a space without categorical
    /// parameters, and at 20 otherwise. Measured (30 seeds, `Docs/Benchmarks.md`): one
    /// objective over 6–10 real dimensions gains from the model phase's extra evaluations
    /// (Hartmann-6 with Σx ≤ 3, Ackley-10, G7), while the one-hot relaxation of NAS-Bench-201's
    /// 30 columns and the three-objective front of DTLZ2 lose half their seeds with 10 points.
    public static func defaultSize(space: SearchSpace, objectiveCount: Int) -> Int {
        let categorical = space.parameters.contains { if case .categorical = $0 { true } else { false } }
        return defaultSize(dimension: space.encodedDimension, cap: categorical || objectiveCount > 1 ? 20 : 10)
    }

    /// The fewest Sobol points drawn when the gate rejects most of them.
    static let minimumDraws = 16_384

    /// The design size for a search over `space` with `objectiveCount` objectives.
    public func resolvedSize(space: SearchSpace, objectiveCount: Int) -> Int {
        size ?? Self.defaultSize(space: space, objectiveCount: objectiveCount)
    }

    public var name: String { "space-filling" }

    public mutating func suggest(_ context: SamplingContext) throws(HyperPowerError) -> SamplerProposal {
        var point = try nextPoint(context)
        if point == nil { point = try randomPoint(context) }
        return SamplerProposal(configuration: context.space.decode(point!), source: .initialDesign)
    }

    public func state() throws(HyperPowerError) -> JSONValue? { try SamplingSupport.encodeState(of: generator) }

    public mutating func restore(_ state: JSONValue) throws(HyperPowerError) {
        generator = try SamplingSupport.decodeState(state)
    }

    /// A uniform random feasible point that repeats nothing, from this design's generator.
    mutating func randomPoint(_ context: SamplingContext) throws(HyperPowerError) -> [Double] {
        try SamplingSupport.randomFeasiblePoint(context, generator: &generator, tolerance: duplicateTolerance)
    }

    /// The next design point, or `nil` once the study has as many trials (completed and
    /// pending) as the design has points. Fills with random feasible points when the gate let
    /// fewer Sobol points through.
    mutating func nextPoint(_ context: SamplingContext) throws(HyperPowerError) -> [Double]? {
        let size = resolvedSize(space: context.space, objectiveCount: context.objectives.count)
        guard context.trials.count + context.pending.count < size else { return nil }
        if design == nil {
            var sequence: SpaceFillingSequence
            do {
                sequence = try SpaceFillingSequence(dimension: context.space.encodedDimension, scrambleSeed: seed)
            } catch {
                throw .invalidSettings(reason: "\(error)")
            }
            // Sobol points until the design is full: at least 64 per design point, and at least
            // 16,384 in all, so that a region of a few thousandths of the box still gets a
            // space-filling design. Fewer (or none) are filled with random feasible points,
            // whose search says whether the region is empty.
            var points: [[Double]] = []
            var drawn = 0
            let limit = max(64 * size, Self.minimumDraws)
            while points.count < size && drawn < limit {
                let point = context.space.canonicalize(sequence.next())
                drawn += 1
                if context.region.contains(point) && !SamplingSupport.isDuplicate(point, of: points, tolerance: duplicateTolerance) {
                    points.append(point)
                }
            }
            design = points
        }
        let excluded = context.excludedPoints
        while let points = design, cursor < points.count {
            let point = points[cursor]
            cursor += 1
            if !SamplingSupport.isDuplicate(point, of: excluded, tolerance: duplicateTolerance) { return point }
        }
        return try randomPoint(context)
    }
}
