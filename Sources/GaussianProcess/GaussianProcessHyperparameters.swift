import Foundation

/// The hyper-parameters of an exact GP with a constant mean, a kernel and Gaussian noise, all
/// on the *standardised* output scale (targets shifted to mean 0 and divided by their standard
/// deviation inside the model), inputs in the unit cube.
///
/// The kernel's own parameters (``kernelParameters``: for every kernel in this module, one
/// lengthscale per input dimension) come first; the signal variance, the noise variance and
/// the mean are the GP's.
public struct GaussianProcessHyperparameters: Sendable, Equatable, Codable {
    /// The kernel's parameters, each positive (see ``Kernel/parameterCount(dimension:)``).
    public var kernelParameters: [Double]
    /// Signal variance σ² > 0 (the kernel's amplitude).
    public var signalVariance: Double
    /// Observation-noise variance σₙ² > 0.
    public var noiseVariance: Double
    /// The constant prior mean.
    public var mean: Double

    public init(kernelParameters: [Double], signalVariance: Double = 1, noiseVariance: Double = 1e-4, mean: Double = 0) {
        self.kernelParameters = kernelParameters
        self.signalVariance = signalVariance
        self.noiseVariance = noiseVariance
        self.mean = mean
    }

    /// Hyper-parameters of a kernel whose parameters are lengthscales (every kernel here).
    public init(lengthscales: [Double], signalVariance: Double = 1, noiseVariance: Double = 1e-4, mean: Double = 0) {
        self.init(kernelParameters: lengthscales, signalVariance: signalVariance, noiseVariance: noiseVariance, mean: mean)
    }

    /// The kernel's parameters read as lengthscales (what they are for every kernel here).
    public var lengthscales: [Double] { kernelParameters }

    /// The unconstrained parameter vector the fit works in:
    /// `[log θ₁ … log θ_p, log σ², log σₙ², mean]`, θ the kernel's parameters.
    public var logParameters: [Double] {
        kernelParameters.map { log($0) } + [log(signalVariance), log(noiseVariance), mean]
    }

    /// The inverse of ``logParameters``.
    public init(logParameters θ: [Double]) {
        let p = θ.count - 3
        precondition(p >= 0, "a parameter vector needs at least 3 entries")
        self.init(
            kernelParameters: θ[0..<p].map { exp($0) }, signalVariance: exp(θ[p]),
            noiseVariance: exp(θ[p + 1]), mean: θ[p + 2])
    }

    // The journal's sampler state stores warm starts under "lengthscales" (format 2).
    private enum CodingKeys: String, CodingKey {
        case kernelParameters = "lengthscales", signalVariance, noiseVariance, mean
    }

    func validate(kernel: any Kernel, dimension: Int) throws(GaussianProcessError) {
        let expected = kernel.parameterCount(dimension: dimension)
        guard kernelParameters.count == expected else {
            throw .kernelParameterCount(kernel: kernel.name, expected: expected, actual: kernelParameters.count)
        }
        for (j, value) in kernelParameters.enumerated() where !(value > 0 && value.isFinite) {
            throw .invalidHyperparameter(name: kernel.parameterName(j, dimension: dimension), value: value)
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
