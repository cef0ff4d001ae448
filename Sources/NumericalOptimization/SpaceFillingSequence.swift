/// Space-filling points in any dimension, for initial designs and acquisition candidates: the
/// scrambled ``SobolSequence`` in the first ``SobolSequence/maximumDimension`` coordinates and,
/// beyond them, independent uniform coordinates from the scramble seed (padding, as quasi-Monte
/// Carlo libraries pad beyond their direction-number tables). Up to that dimension the points
/// are exactly the Sobol sequence's; beyond it a search space of thousands of one-hot columns
/// still gets a design whose first coordinates are a net, where the Sobol sequence alone would
/// refuse it.
public struct SpaceFillingSequence: Sendable {
    /// The dimension of the points.
    public let dimension: Int
    private var sobol: SobolSequence
    private var padding: SeededGenerator

    /// A sequence in `dimension` dimensions scrambled by `scrambleSeed`.
    ///
    /// - Throws: ``SobolError/invalidDimension(_:)`` for a dimension below 1.
    public init(dimension: Int, scrambleSeed: UInt64) throws(SobolError) {
        guard dimension >= 1 else { throw .invalidDimension(dimension) }
        self.dimension = dimension
        sobol = try SobolSequence(dimension: min(dimension, SobolSequence.maximumDimension), scrambleSeed: scrambleSeed)
        padding = SeededGenerator(seed: scrambleSeed ^ 0x9ADD_1A6E_5EED_0B0E)
    }

    /// The next point.
    public mutating func next() -> [Double] {
        var point = sobol.next()
        if dimension > point.count {
            point.reserveCapacity(dimension)
            for _ in point.count..<dimension { point.append(padding.nextUniform()) }
        }
        return point
    }

    /// The next `count` points.
    public mutating func nextPoints(_ count: Int) -> [[Double]] {
        (0..<count).map { _ in next() }
    }
}
