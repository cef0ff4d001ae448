/// Errors from building a Sobol sequence.
public enum SobolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// More dimensions were asked for than the direction-number table holds.
    case tooManyDimensions(requested: Int, maximum: Int)
    /// Zero or negative dimensions.
    case invalidDimension(Int)

    public var description: String {
        switch self {
        case let .tooManyDimensions(requested, maximum):
            return "a Sobol sequence in \(requested) dimensions was requested, but the direction-number "
                + "table holds \(maximum); use a Latin hypercube or uniform random design beyond that"
        case let .invalidDimension(dimension):
            return "a Sobol sequence needs at least one dimension, got \(dimension)"
        }
    }
}

/// The Sobol low-discrepancy sequence in the unit cube, optionally scrambled, for
/// space-filling initial designs and acquisition-maximiser candidates.
///
/// Direction numbers are Joe & Kuo's (2008) `new-joe-kuo-6.21201`, of which the first
/// ``maximumDimension`` (1024) dimensions are compiled in: enough for a one-hot encoded search
/// space many times larger than the 64 dimensions the optimiser needs. Asking for more throws
/// ``SobolError/tooManyDimensions(requested:maximum:)``; `Scripts/generate_sobol_table.py`
/// regenerates the table with more dimensions (up to 21,201).
///
/// Points are generated in Gray-code order (Antonov & Saleev 1979) with 52-bit integers, so
/// they are exact binary fractions of doubles. Unscrambled, point 0 is the origin and the
/// sequence equals SciPy's `qmc.Sobol(d, scramble=False)`. Scrambling is linear matrix
/// scrambling plus a digital shift (Matoušek 1998; the scheme SciPy uses): a random
/// lower-triangular binary matrix multiplies each dimension's direction numbers and a random
/// 52-bit shift is XOR-ed in. Scrambling keeps the (t, m, s)-net property, so the first
/// 2ᵐ points still have one point in each of 2ᵐ equal slices of every axis, while removing
/// the origin and the sequence's alignment to the grid.
public struct SobolSequence: Sendable {
    /// The largest dimension the compiled direction-number table supports.
    public static let maximumDimension = sobolMaximumDimension

    static let bits = 52

    /// The dimension of the points.
    public let dimension: Int
    /// Number of points produced so far.
    public private(set) var index: UInt64 = 0
    /// Direction integers, `bits` per dimension, dimension-major.
    private let directions: [UInt64]
    /// The current point as 52-bit integers.
    private var current: [UInt64]

    /// A sequence in `dimension` dimensions; `scrambleSeed` scrambles it reproducibly, `nil`
    /// gives the plain sequence.
    ///
    /// - Throws: ``SobolError`` for a dimension outside 1...``maximumDimension``.
    public init(dimension: Int, scrambleSeed: UInt64? = nil) throws(SobolError) {
        guard dimension >= 1 else { throw .invalidDimension(dimension) }
        guard dimension <= Self.maximumDimension else {
            throw .tooManyDimensions(requested: dimension, maximum: Self.maximumDimension)
        }
        self.dimension = dimension
        var directions = Self.directionIntegers(dimension: dimension)
        var current = [UInt64](repeating: 0, count: dimension)
        if let seed = scrambleSeed {
            var generator = SeededGenerator(seed: seed)
            Self.scramble(&directions, shift: &current, dimension: dimension, using: &generator)
        }
        self.directions = directions
        self.current = current
    }

    /// The table's rows (polynomial, then initial mⱼ), parsed once: every maximiser call starts
    /// a sequence, and splitting the 1,023-line table each time cost more than drawing the points.
    static let directionNumberRows: [[UInt64]] = sobolDirectionNumberTable.split(separator: "\n").map { line in
        line.split(separator: " ").map { UInt64($0)! }
    }

    /// The unscrambled direction integers vⱼ = mⱼ·2^(bits−j) from the Bratley–Fox recurrence.
    static func directionIntegers(dimension: Int) -> [UInt64] {
        let b = bits
        var directions = [UInt64](repeating: 0, count: dimension * b)
        // Dimension 0: the van der Corput sequence, mⱼ = 1.
        for j in 0..<b { directions[j] = 1 << UInt64(b - 1 - j) }
        guard dimension > 1 else { return directions }
        let rows = directionNumberRows
        for d in 1..<dimension {
            let numbers = rows[d - 1]
            let polynomial = numbers[0]
            let degree = 63 - polynomial.leadingZeroBitCount
            var m = [UInt64](repeating: 0, count: b)
            for j in 0..<min(degree, b) { m[j] = numbers[1 + j] }
            if degree < b {
                for j in degree..<b {
                    // m_j = m_{j−s} ⊕ 2^s m_{j−s} ⊕ Σ_{k=1}^{s−1} a_k 2^k m_{j−k}.
                    var value = m[j - degree] ^ (m[j - degree] << UInt64(degree))
                    for k in 1..<degree where (polynomial >> UInt64(degree - k)) & 1 == 1 {
                        value ^= m[j - k] << UInt64(k)
                    }
                    m[j] = value
                }
            }
            for j in 0..<b { directions[d * b + j] = m[j] << UInt64(b - 1 - j) }
        }
        return directions
    }

    /// Linear matrix scrambling and a digital shift.
    static func scramble(
        _ directions: inout [UInt64], shift: inout [UInt64], dimension: Int, using generator: inout SeededGenerator
    ) {
        let b = bits
        let mask: UInt64 = (1 << UInt64(b)) - 1
        for d in 0..<dimension {
            // Row k of the lower-triangular matrix, as a mask over digits (bit b−1 is the most
            // significant digit): digit k of the result is the parity of v & row[k].
            var rows = [UInt64](repeating: 0, count: b)
            for k in 0..<b {
                let ownBit: UInt64 = 1 << UInt64(b - 1 - k)
                // Random bits on the more significant digits 0..<k, the unit diagonal on k.
                let higher = k == 0 ? 0 : (generator.next() & mask) & ~((ownBit << 1) - 1)
                rows[k] = higher | ownBit
            }
            for j in 0..<b {
                let v = directions[d * b + j]
                var scrambled: UInt64 = 0
                for k in 0..<b where (v & rows[k]).nonzeroBitCount & 1 == 1 {
                    scrambled |= 1 << UInt64(b - 1 - k)
                }
                directions[d * b + j] = scrambled
            }
            shift[d] = generator.next() & mask
        }
    }

    /// The next point, each coordinate in [0, 1).
    public mutating func next() -> [Double] {
        let scale = 1 / Double(UInt64(1) << UInt64(Self.bits))
        let point = current.map { Double($0) * scale }
        // Gray-code step: flip by the direction of the lowest zero bit of the index.
        let bit = (~index).trailingZeroBitCount
        precondition(bit < Self.bits, "Sobol sequence exhausted after 2^\(Self.bits) points")
        for d in 0..<dimension { current[d] ^= directions[d * Self.bits + bit] }
        index += 1
        return point
    }

    /// The next `count` points, one array of `dimension` coordinates each.
    public mutating func nextPoints(_ count: Int) -> [[Double]] {
        (0..<count).map { _ in next() }
    }
}
