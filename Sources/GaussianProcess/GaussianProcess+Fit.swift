import LinearAlgebra
import NumericalOptimization

/// Settings of the maximum-a-posteriori hyper-parameter fit.
public struct GaussianProcessFitOptions: Sendable {
    /// Priors and bounds.
    public var priors: HyperparameterPriors
    /// Extra starts drawn from the priors in a cold fit (besides the prior's mode).
    public var randomRestarts: Int
    /// Extra starts drawn from the priors in a warm-started fit (besides the warm start).
    public var warmRandomRestarts: Int
    /// Seed for the random restarts.
    public var seed: UInt64
    /// The optimiser (its tolerances and limits).
    public var optimizer: BoundedLBFGS

    public init(
        priors: HyperparameterPriors = .default, randomRestarts: Int = 3, warmRandomRestarts: Int = 0,
        seed: UInt64 = 0, optimizer: BoundedLBFGS = BoundedLBFGS(maximumIterations: 200, projectedGradientTolerance: 1e-5)
    ) {
        precondition(randomRestarts >= 0 && warmRandomRestarts >= 0)
        self.priors = priors
        self.randomRestarts = randomRestarts
        self.warmRandomRestarts = warmRandomRestarts
        self.seed = seed
        self.optimizer = optimizer
    }
}

/// What a MAP fit did.
public struct GaussianProcessFitReport: Sendable {
    /// Log posterior (log marginal likelihood + log prior) at the first start.
    public var initialLogPosterior: Double
    /// Log posterior at the chosen hyper-parameters.
    public var finalLogPosterior: Double
    /// Starts tried.
    public var starts: Int
    /// Starts whose kernel matrix could not be factorised at the starting point.
    public var failedStarts: Int
    /// Likelihood evaluations over all starts.
    public var evaluations: Int
    /// How the winning start ended.
    public var termination: TerminationReason
}

/// A fitted model and the report of its fit.
public struct GaussianProcessFit: Sendable {
    public var model: GaussianProcess
    public var report: GaussianProcessFitReport
}

extension GaussianProcess {
    /// Fits the hyper-parameters by maximising the log posterior
    /// `log p(z | θ) + log p(θ)` in log space with bounded L-BFGS from several starts,
    /// and returns the model conditioned on the data with the best ones.
    ///
    /// Starts: the warm start (previous hyper-parameters) when given, otherwise the priors'
    /// mode; then `randomRestarts` (cold) or `warmRandomRestarts` (warm) draws from the
    /// priors, seeded. A start where the kernel matrix cannot be factorised is skipped; a trial
    /// point where it cannot is treated as +∞ and the line search steps back.
    ///
    /// - Throws: ``GaussianProcessError`` for bad data, or
    ///   ``GaussianProcessError/fitFailed(reason:)`` when every start fails.
    /// - Complexity: O(n³) per likelihood evaluation; typically 20–100 evaluations a start.
    public static func fit(
        inputs: Matrix, targets: [Double], kernel: any Kernel = Matern52Kernel(),
        options: GaussianProcessFitOptions = GaussianProcessFitOptions(),
        warmStart: GaussianProcessHyperparameters? = nil
    ) throws(GaussianProcessError) -> GaussianProcessFit {
        try validate(inputs: inputs, targets: targets)
        let d = inputs.columns
        if let warmStart { try warmStart.validate(kernel: kernel, dimension: d) }
        let (shift, scale) = standardization(of: targets)
        let evaluator = MarginalLikelihood(
            inputs: inputs, standardizedTargets: targets.map { ($0 - shift) / scale }, kernel: kernel)
        let priors = options.priors
        let kernelPriors = kernel.parameterPriors(dimension: d, priors: priors)
        let (lower, upper) = priors.logBounds(kernel: kernelPriors)
        let n = Double(inputs.rows)

        var starts: [[Double]] = [warmStart?.logParameters ?? priors.mode(kernel: kernelPriors)]
        var generator = SeededGenerator(seed: options.seed)
        let extra = warmStart == nil ? options.randomRestarts : options.warmRandomRestarts
        for _ in 0..<extra { starts.append(priors.sample(kernel: kernelPriors, using: &generator)) }
        starts = starts.map { start in (0..<start.count).map { min(max(start[$0], lower[$0]), upper[$0]) } }

        // Minimise the negative log posterior per data point (keeps tolerances scale-free in n).
        let objective: ([Double]) -> (value: Double, gradient: [Double]) = { θ in
            guard let (likelihood, likelihoodGradient) = evaluator.evaluate(θ, withGradient: true) else {
                return (.infinity, [Double](repeating: 0, count: θ.count))
            }
            let (prior, priorGradient) = priors.logDensity(θ, kernel: kernelPriors)
            let gradient = (0..<θ.count).map { -(likelihoodGradient[$0] + priorGradient[$0]) / n }
            return (-(likelihood + prior) / n, gradient)
        }

        var best: OptimizationResult?
        var initialLogPosterior = Double.nan
        var failedStarts = 0
        var evaluations = 0
        for (index, start) in starts.enumerated() {
            let result = options.optimizer.minimize(start: start, lower: lower, upper: upper, objective)
            evaluations += result.evaluations
            if index == 0 { initialLogPosterior = -objective(start).value * n }
            if result.termination == .nonFiniteStart {
                failedStarts += 1
                continue
            }
            if best == nil || result.value < best!.value { best = result }
        }
        guard let best else {
            throw .fitFailed(reason: "the kernel matrix could not be factorised at any of \(starts.count) starting points")
        }
        let hyperparameters = GaussianProcessHyperparameters(logParameters: best.point)
        let model = try GaussianProcess(
            inputs: inputs, targets: targets, kernel: kernel, hyperparameters: hyperparameters,
            standardization: (shift, scale))
        let report = GaussianProcessFitReport(
            initialLogPosterior: initialLogPosterior, finalLogPosterior: -best.value * n, starts: starts.count,
            failedStarts: failedStarts, evaluations: evaluations, termination: best.termination)
        return GaussianProcessFit(model: model, report: report)
    }
}
