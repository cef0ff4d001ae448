import Foundation

/// How well predictions match measurements.
///
/// - RMSPE = √mean(((ŷ − y)/y)²) — NeuralPower's and HyperPower's figure of merit; requires
///   y ≠ 0 (samples with y = 0 are counted in `excludedFromPercentages` and left out of it);
/// - MAPE = mean |ŷ − y|/|y|;
/// - R² = 1 − Σ(ŷ − y)² / Σ(y − ȳ)²;
/// - RMSE in the target's units.
public struct ErrorReport: Sendable, Equatable, Codable, CustomStringConvertible {
    public var count: Int
    public var rootMeanSquaredPercentageError: Double
    public var meanAbsolutePercentageError: Double
    public var coefficientOfDetermination: Double
    public var rootMeanSquaredError: Double
    public var excludedFromPercentages: Int

    /// The report of `predictions` against `measurements`.
    public init(predictions: [Double], measurements: [Double]) {
        precondition(predictions.count == measurements.count, "predictions and measurements differ in count")
        let n = measurements.count
        var squaredPercentage = 0.0
        var absolutePercentage = 0.0
        var percentageCount = 0
        var squaredError = 0.0
        let mean = measurements.reduce(0, +) / Double(max(n, 1))
        var total = 0.0
        for (prediction, measurement) in zip(predictions, measurements) {
            let error = prediction - measurement
            squaredError += error * error
            total += (measurement - mean) * (measurement - mean)
            if measurement != 0 {
                let relative = error / measurement
                squaredPercentage += relative * relative
                absolutePercentage += abs(relative)
                percentageCount += 1
            }
        }
        count = n
        rootMeanSquaredPercentageError = percentageCount > 0 ? (squaredPercentage / Double(percentageCount)).squareRoot() : .nan
        meanAbsolutePercentageError = percentageCount > 0 ? absolutePercentage / Double(percentageCount) : .nan
        coefficientOfDetermination = total > 0 ? 1 - squaredError / total : .nan
        rootMeanSquaredError = n > 0 ? (squaredError / Double(n)).squareRoot() : .nan
        excludedFromPercentages = n - percentageCount
    }

    public var description: String {
        String(format: "RMSPE %.2f%%, MAPE %.2f%%, R² %.4f, RMSE %.4g (n = %d)",
               100 * rootMeanSquaredPercentageError, 100 * meanAbsolutePercentageError,
               coefficientOfDetermination, rootMeanSquaredError, count)
    }
}

/// Deterministic k-fold assignment: a seeded shuffle, then folds of near-equal size.
func foldAssignment(count: Int, folds: Int, seed: UInt64) -> [Int] {
    var order = Array(0..<count)
    var state = seed &+ 0x9E37_79B9_7F4A_7C15
    for i in stride(from: count - 1, to: 0, by: -1) {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let j = Int((state >> 33) % UInt64(i + 1))
        order.swapAt(i, j)
    }
    var assignment = [Int](repeating: 0, count: count)
    for (position, index) in order.enumerated() { assignment[index] = position % folds }
    return assignment
}
