/// A seeded Fisher–Yates shuffle: reproducible splits and profiled subsets from a seed, the same
/// on every platform (the standard library's shuffles are not specified across versions).
public struct SplitShuffle: Sendable {
    var state: UInt64

    public init(seed: UInt64) { state = seed ^ 0xA5A5_5A5A_C3C3_3C3C }

    /// `values` in a random order.
    public mutating func shuffled(_ values: [Int]) -> [Int] {
        var result = values
        for i in stride(from: result.count - 1, to: 0, by: -1) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            result.swapAt(i, Int((state >> 33) % UInt64(i + 1)))
        }
        return result
    }
}
