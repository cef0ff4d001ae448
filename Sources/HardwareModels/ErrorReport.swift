import Foundation

/// How well predictions match measurements.
///
/// - RMSPE = √mean(((ŷ − y)/y)²) — NeuralPower's and HyperPower's figure of merit; requires
///   y ≠ 0 (samples with y = 0 are counted in `excludedFromPercentages` and left out of it);
/// - MAPE = mean |ŷ − y|/|y|;
/// - R² = 1 − Σ(ŷ − y)² / Σ(y − ȳ)²;
/// - RMSE in the target's units;
/// - Kendall's τ-b between predictions and measurements: whether the model *orders*
///   configurations right, which is what a search needs from it (1: the same order).
///
/// RMSPE and MAPE are dominated by the cheapest samples (a 1 ms prediction 0.5 ms off is 50%),
/// so for a gate, ``GateAccuracy`` at the budget says more.
public struct ErrorReport: Sendable, Equatable, Codable, CustomStringConvertible {
    public var count: Int
    public var rootMeanSquaredPercentageError: Double
    public var meanAbsolutePercentageError: Double
    public var coefficientOfDetermination: Double
    public var rootMeanSquaredError: Double
    public var excludedFromPercentages: Int
    /// Kendall's τ-b (NaN with fewer than two samples or a constant side).
    public var kendallTau: Double

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
        kendallTau = Self.kendallTau(predictions, measurements)
    }

    enum CodingKeys: String, CodingKey {
        case count, rootMeanSquaredPercentageError, meanAbsolutePercentageError, coefficientOfDetermination,
             rootMeanSquaredError, excludedFromPercentages, kendallTau
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        count = try container.decode(Int.self, forKey: .count)
        rootMeanSquaredPercentageError = try container.decode(Double.self, forKey: .rootMeanSquaredPercentageError)
        meanAbsolutePercentageError = try container.decode(Double.self, forKey: .meanAbsolutePercentageError)
        coefficientOfDetermination = try container.decode(Double.self, forKey: .coefficientOfDetermination)
        rootMeanSquaredError = try container.decode(Double.self, forKey: .rootMeanSquaredError)
        excludedFromPercentages = try container.decode(Int.self, forKey: .excludedFromPercentages)
        // Reports written before τ was added lack it.
        kendallTau = try container.decodeIfPresent(Double.self, forKey: .kendallTau) ?? .nan
    }

    public var description: String {
        String(format: "RMSPE %.2f%%, MAPE %.2f%%, R² %.4f, Kendall τ %.3f, RMSE %.4g (n = %d)",
               100 * rootMeanSquaredPercentageError, 100 * meanAbsolutePercentageError,
               coefficientOfDetermination, kendallTau, rootMeanSquaredError, count)
    }

    /// Kendall's τ-b of two samples, in O(n log n) (Knight 1966, as SciPy's `kendalltau`):
    /// sort by (x, y) counting ties in x and joint ties, then merge-sort by y counting the
    /// exchanges (discordant pairs) and ties in y. τ-b = (P − Q) / √((n₀ − n₁)(n₀ − n₂)).
    public static func kendallTau(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "the samples differ in count")
        let n = x.count
        guard n >= 2, !x.contains(where: \.isNaN), !y.contains(where: \.isNaN) else { return .nan }
        let order = (0..<n).sorted { x[$0] != x[$1] ? x[$0] < x[$1] : y[$0] < y[$1] }
        func tiedPairs(_ equal: (Int, Int) -> Bool, in sequence: [Int]) -> Int {
            var pairs = 0
            var run = 1
            for k in 1..<sequence.count {
                if equal(sequence[k - 1], sequence[k]) { run += 1 } else { pairs += run * (run - 1) / 2; run = 1 }
            }
            return pairs + run * (run - 1) / 2
        }
        let tiesX = tiedPairs({ x[$0] == x[$1] }, in: order)
        let tiesXY = tiedPairs({ x[$0] == x[$1] && y[$0] == y[$1] }, in: order)
        // Bottom-up merge sort by y, counting the exchanges.
        var values = order.map { y[$0] }
        var buffer = values
        var exchanges = 0
        var width = 1
        while width < n {
            var start = 0
            while start < n {
                let middle = min(start + width, n)
                let end = min(start + 2 * width, n)
                var (i, j, k) = (start, middle, start)
                while i < middle && j < end {
                    if values[j] < values[i] {
                        buffer[k] = values[j]
                        exchanges += middle - i
                        j += 1
                    } else {
                        buffer[k] = values[i]
                        i += 1
                    }
                    k += 1
                }
                while i < middle { buffer[k] = values[i]; i += 1; k += 1 }
                while j < end { buffer[k] = values[j]; j += 1; k += 1 }
                start += 2 * width
            }
            swap(&values, &buffer)
            width *= 2
        }
        let tiesY = tiedPairs({ values[$0] == values[$1] }, in: Array(0..<n))
        let total = n * (n - 1) / 2
        let numerator = Double(total - tiesX - tiesY + tiesXY - 2 * exchanges)
        let denominator = (Double(total - tiesX) * Double(total - tiesY)).squareRoot()
        return denominator > 0 ? numerator / denominator : .nan
    }
}

/// How well a cost model *gates* at a budget (cost ≤ budget): the share of configurations it
/// wrongly calls feasible (predicted within the budget, measured over it: trainings the gate
/// would waste) and wrongly calls infeasible (predicted over, measured within: configurations
/// the search never sees).
public struct GateAccuracy: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The budget (an upper bound on the cost).
    public var budget: Double
    public var count: Int
    /// Configurations truly within the budget.
    public var trulyFeasible: Int
    /// Predicted within, measured over.
    public var wronglyFeasible: Int
    /// Predicted over, measured within.
    public var wronglyInfeasible: Int

    /// The gate accuracy of `predictions` against `measurements` at `budget`.
    public init(predictions: [Double], measurements: [Double], budget: Double) {
        precondition(predictions.count == measurements.count, "predictions and measurements differ in count")
        self.budget = budget
        count = measurements.count
        trulyFeasible = measurements.filter { $0 <= budget }.count
        wronglyFeasible = zip(predictions, measurements).filter { $0 <= budget && !($1 <= budget) }.count
        wronglyInfeasible = zip(predictions, measurements).filter { !($0 <= budget) && $1 <= budget }.count
    }

    /// Share of all configurations judged right.
    public var accuracy: Double { count > 0 ? 1 - Double(wronglyFeasible + wronglyInfeasible) / Double(count) : .nan }
    /// Of the configurations the gate admits, the share that break the budget.
    public var falseFeasibleRate: Double {
        let admitted = trulyFeasible - wronglyInfeasible + wronglyFeasible
        return admitted > 0 ? Double(wronglyFeasible) / Double(admitted) : .nan
    }
    /// Of the truly feasible configurations, the share the gate rejects.
    public var falseInfeasibleRate: Double { trulyFeasible > 0 ? Double(wronglyInfeasible) / Double(trulyFeasible) : .nan }

    public var description: String {
        String(format: "at ≤ %g: accuracy %.1f%%; %.1f%% of admitted break it, %.1f%% of the truly feasible rejected (n = %d)",
               budget, 100 * accuracy, 100 * falseFeasibleRate, 100 * falseInfeasibleRate, count)
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
