import Foundation
import NumericalOptimization

/// A normal distribution on the logarithm of a positive hyper-parameter (a log-normal prior
/// on the parameter itself).
public struct LogNormalPrior: Sendable, Equatable, Codable {
    /// Mean of the log.
    public var location: Double
    /// Standard deviation of the log.
    public var scale: Double

    public init(location: Double, scale: Double) {
        precondition(scale > 0, "a log-normal prior needs a positive scale")
        self.location = location
        self.scale = scale
    }

    /// `log N(θ; location, scale²)` and its derivative in θ = log(parameter).
    func logDensity(_ θ: Double) -> (value: Double, derivative: Double) {
        let z = (θ - location) / scale
        return (-0.5 * z * z - log(scale) - 0.5 * log(2 * Double.pi), -z / scale)
    }
}

/// Priors and bounds for the MAP fit, on the standardised output scale and unit-cube inputs.
///
/// The defaults, and why:
/// - **Lengthscales**: log ℓ ~ N(√2 + ½ log d, √3) — the dimension-scaled prior of Hvarfner,
///   Hellsten & Nardi (ICML 2024), BoTorch's default since 0.12. Its median grows like √d, so
///   in many dimensions the model starts from smooth functions instead of overfitting; the
///   wide √3 lets data pull lengthscales down where dimensions matter.
/// - **Signal variance**: log σ² ~ N(0, 1). Targets are standardised, so the signal variance
///   should be near 1; one unit of log-scale allows a factor ≈ 7 either way at 2σ. (BoTorch
///   drops the outputscale with the dimension-scaled prior; we keep it, weakly tied to 1,
///   because a constant or near-constant output needs a way to shrink the signal.)
/// - **Noise variance**: log σₙ² ~ N(−8, 2): a median noise of 3e-4 of the output variance,
///   and wide enough (2σ reaches e⁻⁴ ≈ 2%) for a noisy objective's data to pull it up. BoTorch's
///   N(−4, 1) was measured first: on the deterministic benchmark problems it smoothed over the
///   optimum (Hartmann-6 at 60 evaluations, median regret 0.037 against 2e-4 with N(−8, 2);
///   `Docs/Benchmarks.md`). A floor (default 1e-6) keeps the kernel matrix well conditioned for
///   noise-free objectives with repeated points.
/// - **Constant mean**: flat within its bounds.
public struct HyperparameterPriors: Sendable, Equatable {
    /// Prior on each lengthscale; `nil` means the dimension-scaled default.
    public var lengthscale: LogNormalPrior?
    /// A prior per input column, overriding ``lengthscale`` when it has one entry per
    /// lengthscale (continuous and one-hot columns of a mixed space want different ones).
    public var columnLengthscales: [LogNormalPrior]?
    /// Prior on the signal variance.
    public var signalVariance: LogNormalPrior
    /// Prior on the noise variance.
    public var noiseVariance: LogNormalPrior
    /// Bounds on each lengthscale.
    public var lengthscaleBounds: ClosedRange<Double>
    /// Bounds on the signal variance.
    public var signalVarianceBounds: ClosedRange<Double>
    /// Bounds on the noise variance; the lower bound is the noise floor.
    public var noiseVarianceBounds: ClosedRange<Double>
    /// Bounds on the constant mean.
    public var meanBounds: ClosedRange<Double>

    /// The default bounds on the noise variance (of standardised targets): a floor of 1e-6.
    public static let defaultNoiseVarianceBounds: ClosedRange<Double> = 1e-6...10

    public init(
        lengthscale: LogNormalPrior? = nil,
        signalVariance: LogNormalPrior = LogNormalPrior(location: 0, scale: 1),
        noiseVariance: LogNormalPrior = LogNormalPrior(location: -8, scale: 2),
        lengthscaleBounds: ClosedRange<Double> = 1e-2...1e3,
        signalVarianceBounds: ClosedRange<Double> = 1e-3...1e2,
        noiseVarianceBounds: ClosedRange<Double> = HyperparameterPriors.defaultNoiseVarianceBounds,
        meanBounds: ClosedRange<Double> = -10...10
    ) {
        precondition(lengthscaleBounds.lowerBound > 0 && signalVarianceBounds.lowerBound > 0 && noiseVarianceBounds.lowerBound > 0,
                     "variance and lengthscale bounds must be positive")
        self.lengthscale = lengthscale
        self.signalVariance = signalVariance
        self.noiseVariance = noiseVariance
        self.lengthscaleBounds = lengthscaleBounds
        self.signalVarianceBounds = signalVarianceBounds
        self.noiseVarianceBounds = noiseVarianceBounds
        self.meanBounds = meanBounds
    }

    /// The default priors described above.
    public static let `default` = HyperparameterPriors()

    /// The lengthscale prior in `dimension` dimensions.
    public func lengthscalePrior(dimension: Int) -> LogNormalPrior {
        lengthscale ?? LogNormalPrior(location: 2.0.squareRoot() + 0.5 * log(Double(max(dimension, 1))), scale: 3.0.squareRoot())
    }

    /// Lower and upper bounds of the log-parameter vector, the kernel's parameters first.
    func logBounds(kernel: [KernelParameterPrior]) -> (lower: [Double], upper: [Double]) {
        let lower = kernel.map { log($0.bounds.lowerBound) }
            + [log(signalVarianceBounds.lowerBound), log(noiseVarianceBounds.lowerBound), meanBounds.lowerBound]
        let upper = kernel.map { log($0.bounds.upperBound) }
            + [log(signalVarianceBounds.upperBound), log(noiseVarianceBounds.upperBound), meanBounds.upperBound]
        return (lower, upper)
    }

    /// The prior's mode in log-parameter space (the default starting point of a cold fit).
    func mode(kernel: [KernelParameterPrior]) -> [Double] {
        kernel.map(\.prior.location) + [signalVariance.location, noiseVariance.location, 0]
    }

    /// A draw from the priors (mean drawn from N(0, 0.5²)), used for random restarts.
    func sample(kernel: [KernelParameterPrior], using generator: inout SeededGenerator) -> [Double] {
        kernel.map { $0.prior.location + $0.prior.scale * generator.nextStandardNormal() }
            + [signalVariance.location + signalVariance.scale * generator.nextStandardNormal(),
               noiseVariance.location + noiseVariance.scale * generator.nextStandardNormal(),
               0.5 * generator.nextStandardNormal()]
    }

    /// Log prior density of θ (kernel parameters first) and its gradient.
    func logDensity(_ θ: [Double], kernel: [KernelParameterPrior]) -> (value: Double, gradient: [Double]) {
        let p = kernel.count
        precondition(θ.count == p + 3, "one prior per kernel parameter")
        var value = 0.0
        var gradient = [Double](repeating: 0, count: θ.count)
        for k in 0..<p {
            let (v, g) = kernel[k].prior.logDensity(θ[k])
            value += v
            gradient[k] = g
        }
        let (vs, gs) = signalVariance.logDensity(θ[p])
        let (vn, gn) = noiseVariance.logDensity(θ[p + 1])
        value += vs + vn
        gradient[p] = gs
        gradient[p + 1] = gn
        return (value, gradient)
    }
}
