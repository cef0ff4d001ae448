/// NeuralPower's network-level models from layer-level predictions (Cai et al. 2017, §3.3):
/// runtime is the sum of layer runtimes, power the runtime-weighted mean of layer powers,
/// energy the sum of layer powers × runtimes.
public enum NetworkAggregation {
    /// `Σ rₗ`.
    public static func runtime(layerRuntimes: [Double]) -> Double { layerRuntimes.reduce(0, +) }

    /// `Σ pₗ rₗ / Σ rₗ` (0 for an empty network).
    public static func power(layerRuntimes: [Double], layerPowers: [Double]) -> Double {
        precondition(layerRuntimes.count == layerPowers.count, "one power per layer runtime")
        let total = runtime(layerRuntimes: layerRuntimes)
        return total > 0 ? energy(layerRuntimes: layerRuntimes, layerPowers: layerPowers) / total : 0
    }

    /// `Σ pₗ rₗ`.
    public static func energy(layerRuntimes: [Double], layerPowers: [Double]) -> Double {
        precondition(layerRuntimes.count == layerPowers.count, "one power per layer runtime")
        return zip(layerRuntimes, layerPowers).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
