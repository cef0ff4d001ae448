/// How the optimiser chooses configurations.
public enum SearchStrategy: String, Sendable, Codable {
    /// Constrained Bayesian optimisation (GP models, log EI × PoF, known-constraint gate).
    case bayesian
    /// Uniform random sampling with known-constraint rejection (HyperPower's random variant).
    case random
}

/// Settings of a study. The defaults are what the benchmarks in `Docs/Benchmarks.md` use.
public struct OptimizerSettings: Sendable {
    /// Bayesian optimisation or random search.
    public var strategy: SearchStrategy
    /// Size of the space-filling initial design (scrambled Sobol, inside the known-feasible
    /// region). `nil`: `2·(D + 1)` for a D-dimensional encoded space, clamped to 5…20
    /// (BoTorch's tutorials use 2(D + 1); Optuna's GP sampler starts from 10).
    public var initialDesignSize: Int?
    /// The GP kernel of every model.
    public var kernel: any StationaryKernel
    /// Priors, restarts and optimiser of the hyper-parameter fits.
    public var fitOptions: GaussianProcessFitOptions
    /// Every `coldFitInterval`-th fit of a model starts cold (with restarts); the others are
    /// warm-started from the previous hyper-parameters.
    public var coldFitInterval: Int
    /// Candidates, refinement and de-duplication of the acquisition maximiser.
    public var maximizer: AcquisitionMaximizer
    /// The constraint-unaware baseline: known constraints are not used as a gate; their
    /// predictor is evaluated after each run and learned like an observed constraint, so
    /// violating configurations are evaluated and learned from.
    public var knownConstraintsAsObserved: Bool
    /// An evaluation running longer is recorded as `.infeasible(reason: "timeout …")` and the
    /// run goes on (the objective's task is cancelled; an objective that never checks for
    /// cancellation keeps running in the background until it returns).
    public var evaluationTimeout: Duration?
    /// Times a thrown error is retried before the trial is recorded as failed (transient
    /// failures: a busy device, a lost connection). Infeasible outcomes are never retried.
    public var retries: Int

    public init(
        strategy: SearchStrategy = .bayesian, initialDesignSize: Int? = nil,
        kernel: any StationaryKernel = Matern52Kernel(),
        fitOptions: GaussianProcessFitOptions = GaussianProcessFitOptions(),
        coldFitInterval: Int = 8,
        maximizer: AcquisitionMaximizer = AcquisitionMaximizer(),
        knownConstraintsAsObserved: Bool = false,
        evaluationTimeout: Duration? = nil,
        retries: Int = 0
    ) {
        self.strategy = strategy
        self.initialDesignSize = initialDesignSize
        self.kernel = kernel
        self.fitOptions = fitOptions
        self.coldFitInterval = coldFitInterval
        self.maximizer = maximizer
        self.knownConstraintsAsObserved = knownConstraintsAsObserved
        self.evaluationTimeout = evaluationTimeout
        self.retries = retries
    }

    func resolvedInitialDesignSize(dimension: Int) -> Int {
        initialDesignSize ?? min(max(2 * (dimension + 1), 5), 20)
    }

    func validate() throws(HyperPowerError) {
        if let size = initialDesignSize, size < 1 { throw .invalidSettings(reason: "initialDesignSize must be ≥ 1, got \(size)") }
        if coldFitInterval < 1 { throw .invalidSettings(reason: "coldFitInterval must be ≥ 1, got \(coldFitInterval)") }
        if retries < 0 { throw .invalidSettings(reason: "retries must be ≥ 0, got \(retries)") }
        if let timeout = evaluationTimeout, timeout <= .zero { throw .invalidSettings(reason: "evaluationTimeout must be positive") }
    }
}

/// Why a run stopped.
public enum StopReason: String, Sendable, Codable {
    case evaluationBudget
    case wallClockBudget
    case searchSpaceExhausted
    case cancelled
}

/// Where a suggestion came from.
public enum SuggestionSource: String, Sendable, Codable {
    /// Enqueued by the user (warm start).
    case enqueued
    /// The space-filling initial design.
    case initialDesign
    /// The maximiser of the constrained acquisition.
    case model
    /// Random search, or a fallback when the models could not be fitted.
    case random
}

/// A configuration to evaluate, from ``BayesianOptimizer/ask()``.
public struct Suggestion: Sendable, Equatable, Codable {
    /// The trial number to pass back to ``BayesianOptimizer/tell(_:_:evaluationSeconds:)``.
    public var number: Int
    /// The configuration.
    public var configuration: Configuration
    /// Known-constraint predictions for it.
    public var predictions: [String: Double]
    /// How it was chosen.
    public var source: SuggestionSource
}

/// The outcome of a run.
public struct SearchResult: Sendable, Codable {
    /// Every completed trial, in order.
    public var trials: [Trial]
    /// Why the run stopped.
    public var stopReason: StopReason
    /// Wall-clock seconds of the run.
    public var wallClockSeconds: Double

    public init(trials: [Trial], stopReason: StopReason, wallClockSeconds: Double) {
        self.trials = trials
        self.stopReason = stopReason
        self.wallClockSeconds = wallClockSeconds
    }

    /// The feasible trial with the smallest objective, if any.
    public var best: Trial? { Self.best(of: trials) }

    static func best(of trials: [Trial]) -> Trial? {
        trials.filter(\.isFeasible).min { $0.outcome.objective! < $1.outcome.objective! }
    }
}
