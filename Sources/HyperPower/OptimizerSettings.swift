/// Settings of ``BayesianOptimizer``: the models and the maximiser of its
/// ``ConstrainedGPSampler``, and the run loop's timeout and retries. The defaults are what the
/// benchmarks in `Docs/Benchmarks.md` use.
public struct OptimizerSettings: Sendable {
    /// Size of the space-filling initial design (scrambled Sobol, inside the known-feasible
    /// region). `nil`: ``SpaceFillingDesign/defaultSize(space:objectiveCount:)``.
    public var initialDesignSize: Int?
    /// The GP kernel of every model.
    public var kernel: any Kernel
    /// Priors, restarts and optimiser of the hyper-parameter fits. Left at its default noise
    /// bounds, a space of at most six real parameters fits with a noise floor of 1e-8 instead of
    /// 1e-6 (`Docs/GaussianProcess.md`); bounds set here are used as they are.
    public var fitOptions: GaussianProcessFitOptions
    /// Every `coldFitInterval`-th fit of a model starts cold (with restarts); the others are
    /// warm-started from the previous hyper-parameters.
    public var coldFitInterval: Int
    /// Candidates, refinement and de-duplication of the acquisition maximiser.
    public var maximizer: AcquisitionMaximizer
    /// An evaluation running longer is recorded as `.infeasible(reason: "timeout …")` and the
    /// run goes on (see ``StudyRunner/evaluationTimeout``).
    public var evaluationTimeout: Duration?
    /// Times a thrown error is retried before the trial is recorded as failed (transient
    /// failures: a busy device, a lost connection). Infeasible outcomes are never retried.
    public var retries: Int
    /// How long a trial stays reserved to this optimiser's study without a heartbeat before
    /// other workers sharing its storage offer it again (``Study/leaseDuration``).
    public var leaseDuration: Duration = .seconds(90)
    /// With two or three measured objectives: how the front is searched.
    public var frontAcquisition: FrontAcquisition = .automatic

    /// The acquisition for two or three measured objectives (one measured and known ones always
    /// use the exact expected hypervolume improvement at the known costs; four or more measured
    /// ones use ParEGO).
    public enum FrontAcquisition: String, Sendable, Codable {
        /// The expected hypervolume improvement when the space has a real parameter, ParEGO
        /// when every parameter is discrete — what measured better on each class
        /// (`Docs/MultiObjective.md`).
        case automatic
        /// Random augmented-Chebyshev scalarisations modelled by one GP (``ParEGOSampler``).
        case parEGO
        /// The exact log expected hypervolume improvement over a GP per objective (two or three).
        case expectedHypervolumeImprovement

        /// Whether a front over `space` is searched by the expected hypervolume improvement.
        public func usesHypervolume(space: SearchSpace) -> Bool {
            switch self {
            case .parEGO: return false
            case .expectedHypervolumeImprovement: return true
            case .automatic:
                return space.parameters.contains { parameter in
                    if case .real = parameter { return true }
                    return false
                }
            }
        }
    }

    /// Settings; every default is the one the benchmarks use.
    public init(
        initialDesignSize: Int? = nil,
        kernel: any Kernel = Matern52Kernel(),
        fitOptions: GaussianProcessFitOptions = GaussianProcessFitOptions(),
        coldFitInterval: Int = 8,
        maximizer: AcquisitionMaximizer = AcquisitionMaximizer(),
        evaluationTimeout: Duration? = nil,
        retries: Int = 0
    ) {
        self.initialDesignSize = initialDesignSize
        self.kernel = kernel
        self.fitOptions = fitOptions
        self.coldFitInterval = coldFitInterval
        self.maximizer = maximizer
        self.evaluationTimeout = evaluationTimeout
        self.retries = retries
    }

    /// The initial design size for a search over `space` with `objectiveCount` objectives.
    public func resolvedInitialDesignSize(space: SearchSpace, objectiveCount: Int) -> Int {
        initialDesignSize ?? SpaceFillingDesign.defaultSize(space: space, objectiveCount: objectiveCount)
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
    /// The evaluations (of the run or of the study) were spent.
    case evaluationBudget
    /// The wall-clock limit passed.
    case wallClockBudget
    /// Every configuration of a finite space was evaluated or pending.
    case searchSpaceExhausted
    /// The run's task was cancelled.
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

/// A configuration to evaluate, from ``Study/ask()``.
public struct Suggestion: Sendable, Equatable, Codable {
    /// The trial number to pass back to ``Study/tell(_:_:evaluationSeconds:)``.
    public var number: Int
    /// The configuration.
    public var configuration: Configuration
    /// Known-constraint predictions for it.
    public var predictions: [String: Double]
    /// How it was chosen.
    public var source: SuggestionSource
    /// Calibrated constraints' corrected cost intervals for it (``Trial/predictionIntervals``).
    public var predictionIntervals: [String: PredictionInterval]? = nil
}

/// The outcome of a run.
public struct SearchResult: Sendable, Codable {
    /// Every completed trial of the study, in order.
    public var trials: [Trial]
    /// Why the run stopped.
    public var stopReason: StopReason
    /// Wall-clock seconds of the run.
    public var wallClockSeconds: Double
    /// The primary objective (its direction decides what is best).
    public var objective: Objective
    /// Every objective of the study, the primary one first (the Pareto front's axes).
    public var objectives: [Objective]
    /// Configurations profiled without training (calibrated constraints with a profiler).
    public var profiles: [Profile]

    /// A result of `trials`, judged in `objective`'s direction.
    public init(
        trials: [Trial], stopReason: StopReason, wallClockSeconds: Double, objective: Objective = .default, profiles: [Profile] = [],
        objectives: [Objective]? = nil
    ) {
        self.trials = trials
        self.stopReason = stopReason
        self.wallClockSeconds = wallClockSeconds
        self.objective = objective
        self.objectives = objectives ?? [objective]
        self.profiles = profiles
    }

    enum CodingKeys: String, CodingKey { case trials, stopReason, wallClockSeconds, objective, objectives, profiles }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        trials = try container.decode([Trial].self, forKey: .trials)
        stopReason = try container.decode(StopReason.self, forKey: .stopReason)
        wallClockSeconds = try container.decode(Double.self, forKey: .wallClockSeconds)
        objective = try container.decode(Objective.self, forKey: .objective)
        objectives = try container.decodeIfPresent([Objective].self, forKey: .objectives) ?? [objective]  // results before #14
        profiles = try container.decodeIfPresent([Profile].self, forKey: .profiles) ?? []  // results before profiles
    }

    /// The best feasible trial, if any.
    public var best: Trial? { Self.best(of: trials, objective: objective) }

    /// The feasible trials no other feasible trial beats in every objective (``Pareto/front(of:objectives:)``);
    /// with one objective, the best trial and any that tie it.
    public var paretoFront: [Trial] { Pareto.front(of: trials, objectives: objectives) }

    /// The hypervolume the feasible trials dominate up to `reference` (in the objectives' own
    /// units and order).
    public func hypervolume(reference: [Double]) throws(HyperPowerError) -> Double {
        try Pareto.hypervolume(of: trials, objectives: objectives, reference: reference)
    }

    /// The feasible trial with the best primary objective value, if any.
    public static func best(of trials: [Trial], objective: Objective = .default) -> Trial? {
        trials.lazy.filter(\.isFeasible).min { objective.isBetter($0.outcome.objective!, than: $1.outcome.objective!) }
    }
}
