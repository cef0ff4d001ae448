import Foundation

/// The hyper-parameters of an exact GP with a constant mean, a stationary ARD kernel and
/// Gaussian noise, all on the *standardised* output scale (targets shifted to mean 0 and
/// divided by their standard deviation inside the model), inputs in the unit cube.
public struct GaussianProcessHyperparameters: Sendable, Equatable, Codable {
    /// One lengthscale per input dimension, ℓⱼ > 0.
    public var lengthscales: [Double]
    /// Signal variance σ² > 0 (the kernel's amplitude).
    public var signalVariance: Double
    /// Observation-noise variance σₙ² > 0.
    public var noiseVariance: Double
    /// The constant prior mean.
    public var mean: Double

    public init(lengthscales: [Double], signalVariance: Double = 1, noiseVariance: Double = 1e-4, mean: Double = 0) {
        self.lengthscales = lengthscales
        self.signalVariance = signalVariance
        self.noiseVariance = noiseVariance
        self.mean = mean
    }

    /// The number of input dimensions.
    public var dimension: Int { lengthscales.count }

    /// The unconstrained parameter vector the fit works in:
    /// `[log ℓ₁ … log ℓ_d, log σ², log σₙ², mean]`.
    public var logParameters: [Double] {
        lengthscales.map { log($0) } + [log(signalVariance), log(noiseVariance), mean]
    }

    /// The inverse of ``logParameters``.
    public init(logParameters θ: [Double]) {
        let d = θ.count - 3
        precondition(d >= 0, "a parameter vector needs at least 3 entries")
        self.init(
            lengthscales: θ[0..<d].map { exp($0) }, signalVariance: exp(θ[d]),
            noiseVariance: exp(θ[d + 1]), mean: θ[d + 2])
    }

    func validate(dimension expected: Int) throws(GaussianProcessError) {
        guard lengthscales.count == expected else {
            throw .dimensionMismatch(expected: expected, actual: lengthscales.count)
        }
        for (j, value) in lengthscales.enumerated() where !(value > 0 && value.isFinite) {
            throw .invalidHyperparameter(name: "lengthscale[\(j)]", value: value)
        }
        if !(signalVariance > 0 && signalVariance.isFinite) {
            throw .invalidHyperparameter(name: "signalVariance", value: signalVariance)
        }
        if !(noiseVariance > 0 && noiseVariance.isFinite) {
            throw .invalidHyperparameter(name: "noiseVariance", value: noiseVariance)
        }
        if !mean.isFinite { throw .invalidHyperparameter(name: "mean", value: mean) }
    }
}
