/// Summary statistics of experiment results.
public enum Statistics {
    /// The `q`-quantile with linear interpolation between order statistics (numpy's default,
    /// `method="linear"`); `nil` for no values.
    public static func quantile(_ values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        precondition(q >= 0 && q <= 1, "a quantile lies in [0, 1]")
        let sorted = values.sorted()
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
    }

    /// The median (numpy's), `nil` for no values.
    public static func median(_ values: [Double]) -> Double? { quantile(values, 0.5) }

    /// The 25% and 75% quantiles, `nil` for no values.
    public static func interquartileRange(_ values: [Double]) -> (lower: Double, upper: Double)? {
        guard let lower = quantile(values, 0.25), let upper = quantile(values, 0.75) else { return nil }
        return (lower, upper)
    }
}
