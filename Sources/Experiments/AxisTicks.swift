import Foundation

/// Round tick values for a plot axis: steps of 1, 2 or 5 × 10ᵏ, the one nearest (in ratio) to
/// `(high − low) / target`, so that about `target` ticks fall inside `[low, high]` (the rule of
/// d3-array's `tickStep`), each labelled with as many decimals as the step needs and no more.
struct AxisTicks: Equatable {
    var values: [Double]
    var labels: [String]

    init(low: Double, high: Double, target: Int = 5, integers: Bool = false) {
        guard low.isFinite, high.isFinite, high > low, target >= 2 else {
            values = low.isFinite ? [low] : []
            labels = values.map { String(format: "%g", $0) }
            return
        }
        let rough = (high - low) / Double(target)
        let magnitude = pow(10, floor(log10(rough)))
        let fraction = rough / magnitude
        // The thresholds are the geometric means of 1, 2, 5 and 10: √2, √10, √50.
        var step = (fraction >= 50.0.squareRoot() ? 10 : fraction >= 10.0.squareRoot() ? 5 : fraction >= 2.0.squareRoot() ? 2 : 1) * magnitude
        if integers { step = max(1, step.rounded()) }
        let first = (low / step).rounded(.up), last = (high / step).rounded(.down)
        values = first > last ? [] : stride(from: first, through: last, by: 1).map { $0 * step }
        // A tick computed as k × step may carry a rounding error (0.30000000000000004): the
        // label prints only the decimals the step has; exact zero prints as "0".
        let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
        let huge = values.contains { abs($0) >= 1e6 }, tiny = decimals > 5
        labels = values.map { value in
            if abs(value) < step * 1e-9 { return "0" }
            return huge || tiny ? String(format: "%.3g", value) : String(format: "%.\(decimals)f", value)
        }
    }
}
