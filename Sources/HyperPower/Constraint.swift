/// A constraint on a configuration, declared by name, bound and direction — never by a sign
/// convention.
///
/// - **Known** constraints have a cheap predictor (a power, memory or latency model, or any
///   closure), evaluated *before* a configuration is run: a configuration predicted to break
///   the bound is never proposed (HyperPower's gate). Predictions are recorded on every trial.
/// - **Observed** constraints are metrics the objective reports in its measurements; each is
///   learned by its own GP, and the acquisition is weighted by its probability of feasibility.
public struct Constraint: Sendable {
    /// How the constraint's value becomes known.
    public enum Kind: Sendable {
        /// Predicted from the configuration before evaluation.
        case known(predictor: @Sendable (Configuration) throws -> Double)
        /// Reported by the objective, under the constraint's name, after evaluation.
        case observed
    }

    /// The metric's name (also the key of its measurement).
    public let name: String
    /// The bound.
    public let bound: Double
    /// Whether values must stay at or below (`atMost`) or at or above (`atLeast`) the bound.
    public let direction: ConstraintDirection
    /// Known or observed.
    public let kind: Kind
    /// For a known constraint: the gate tightens the bound by this fraction of |bound|
    /// (`atMost`: proposes only predictions ≤ bound − margin·|bound|), to absorb model error.
    /// Trials are still judged against the bound itself.
    public let safetyMargin: Double
    /// For a known constraint whose metric the objective also measures: how the gate learns
    /// the model's error from the measurements (``calibrated(by:violationProbability:)``).
    public private(set) var calibration: Calibration?
    /// For a known constraint: predictions for many configurations at once (a predictor that
    /// runs a program or a model once per batch). The gate uses it for its candidate batches;
    /// single predictions go through the kind's predictor.
    public private(set) var batchPredictor: (@Sendable ([Configuration]) throws -> [Double])?

    /// A constraint of any kind; the static constructors (`.known`, `.observed`) read better.
    public init(name: String, bound: Double, direction: ConstraintDirection, kind: Kind, safetyMargin: Double = 0) {
        self.name = name
        self.bound = bound
        self.direction = direction
        self.kind = kind
        self.safetyMargin = safetyMargin
    }

    /// How a calibrated known constraint corrects its predictor with what is measured.
    ///
    /// The optimiser models the residual of the predictor — `log(measured) − log(predicted)`
    /// when the bound and every prediction and measurement are positive (costs), the plain
    /// difference otherwise — with a Gaussian process over the search space, whose constant
    /// mean is the predictor's average bias. The gate then proposes a configuration only if
    /// the corrected cost meets the (margin-tightened) bound with probability at least
    /// 1 − ``violationProbability``: the model's `(1 − δ)` quantile of the cost, not its
    /// prediction, must pass. Where the predictor is right, the residuals are near zero, and
    /// so is their spread: the gate is the hard one. Until ``minimumMeasurements`` trials have
    /// measured the metric, the gate is the predictor's own.
    public struct Calibration: Sendable {
        /// The measurement that reports the metric the predictor predicts (a trial is judged
        /// by it when reported).
        public var measurement: String
        /// δ: the largest probability of breaking the bound a proposal may have under the
        /// corrected model.
        public var violationProbability: Double
        /// Measurements needed before the correction replaces the plain predictor.
        public var minimumMeasurements: Int
        /// Measures the cost of a configuration without training it (runs the network on the
        /// device, reads a profiler), far cheaper than an evaluation. With one, the gate
        /// admits every configuration whose corrected *median* cost meets the bound, and a
        /// proposal whose probability of breaking it exceeds ``profilingThreshold`` — and
        /// every proposal before the correction exists — is profiled before it is trained:
        /// one that breaks the bound is recorded as a ``Profile`` and never trained, and the
        /// sampler is asked again. Every profile is a measurement the correction learns from.
        public var profiler: (@Sendable (Configuration) async throws -> Double)?
        /// The cost of one profile relative to one evaluation (a latency measurement against a
        /// training run: 10⁻³ or less), if declared. Training a proposal unprofiled wastes an
        /// evaluation with probability p (its probability of breaking the bound); profiling it
        /// costs this much: it pays to profile when p exceeds it.
        public var profilingCost: Double?
        /// The most profiles one `ask` may take before it hands out its last proposal as it is.
        public var maximumProfilesPerAsk: Int

        /// A proposal is profiled when its probability of breaking the bound exceeds this:
        /// the smaller of δ (the risk a trained configuration may carry) and the declared
        /// ``profilingCost`` (the risk above which a profile is cheaper than the expected waste).
        public var profilingThreshold: Double { min(violationProbability, profilingCost ?? violationProbability) }

        /// The default δ, chosen on NAS-Bench-201 (Pixel 3 ≤ 10 ms, FPGA ≤ 3 ms; see
        /// `Docs/HardwareModels.md`).
        public static let defaultViolationProbability = 0.1

        public init(
            measurement: String, violationProbability: Double = defaultViolationProbability, minimumMeasurements: Int = 3,
            profiler: (@Sendable (Configuration) async throws -> Double)? = nil, profilingCost: Double? = nil,
            maximumProfilesPerAsk: Int = 20
        ) {
            self.profilingCost = profilingCost
            self.measurement = measurement
            self.violationProbability = violationProbability
            self.minimumMeasurements = minimumMeasurements
            self.profiler = profiler
            self.maximumProfilesPerAsk = maximumProfilesPerAsk
        }

        /// The δ the gate applies: ``violationProbability``, or ½ (the median) when a profiler
        /// checks the uncertain proposals.
        public var gateViolationProbability: Double { profiler == nil ? violationProbability : 0.5 }
    }

    /// This known constraint, calibrated by a measurement of the metric it predicts: the
    /// objective reports the measured cost under `measurement` (by default the constraint's
    /// name), the optimiser learns the predictor's error from it, and the gate proposes only
    /// configurations that meet the bound with probability ≥ 1 − `violationProbability` under
    /// the corrected model (``Calibration``). A trial is judged by its measurement.
    ///
    /// ```swift
    /// let latency = Constraint.known("latency", atMost: 10, predictedBy: model, features: cellFeatures)
    ///     .calibrated(by: "measured latency")
    /// ```
    ///
    /// With a `profiler` (a cheap measurement of the cost without training), proposals the
    /// corrected model is unsure of are profiled first, and those that break the bound are
    /// never trained (``Calibration/profiler``).
    public func calibrated(
        by measurement: String? = nil, violationProbability: Double = Calibration.defaultViolationProbability,
        profiler: (@Sendable (Configuration) async throws -> Double)? = nil, profilingCost: Double? = nil,
        maximumProfilesPerAsk: Int = 20
    ) -> Constraint {
        var copy = self
        copy.calibration = Calibration(
            measurement: measurement ?? name, violationProbability: violationProbability, profiler: profiler,
            profilingCost: profilingCost, maximumProfilesPerAsk: maximumProfilesPerAsk)
        return copy
    }

    /// The measurement that judges a trial: the calibration's, else the constraint's name.
    public var measurementKey: String { calibration?.measurement ?? name }

    /// A known constraint `predictor(config) ≤ bound`.
    public static func known(
        _ name: String, atMost bound: Double, predictedBy predictor: @escaping @Sendable (Configuration) throws -> Double
    ) -> Constraint {
        Constraint(name: name, bound: bound, direction: .atMost, kind: .known(predictor: predictor))
    }

    /// A known constraint `predictor(config) ≥ bound`.
    public static func known(
        _ name: String, atLeast bound: Double, predictedBy predictor: @escaping @Sendable (Configuration) throws -> Double
    ) -> Constraint {
        Constraint(name: name, bound: bound, direction: .atLeast, kind: .known(predictor: predictor))
    }

    /// A known constraint `model(features(config)) ≤ bound`, from a fitted hardware cost model
    /// (`LinearCostModel`, `SparsePolynomialCostModel`, …), optionally with a safety margin.
    public static func known(
        _ name: String, atMost bound: Double, predictedBy model: some CostModel, safetyMargin: Double = 0,
        features: @escaping @Sendable (Configuration) throws -> [Double]
    ) -> Constraint {
        Constraint(name: name, bound: bound, direction: .atMost,
                   kind: .known(predictor: { try model.predict(features($0)) }), safetyMargin: safetyMargin)
    }

    /// A known constraint `model(features(config)) ≥ bound`.
    public static func known(
        _ name: String, atLeast bound: Double, predictedBy model: some CostModel, safetyMargin: Double = 0,
        features: @escaping @Sendable (Configuration) throws -> [Double]
    ) -> Constraint {
        Constraint(name: name, bound: bound, direction: .atLeast,
                   kind: .known(predictor: { try model.predict(features($0)) }), safetyMargin: safetyMargin)
    }

    /// A known constraint whose predictor answers for a batch of configurations at once (one
    /// program run or model call per batch of candidates); a single prediction is a batch of one.
    public static func known(
        _ name: String, bound: Double, direction: ConstraintDirection,
        batchPredictedBy predictor: @escaping @Sendable ([Configuration]) throws -> [Double]
    ) -> Constraint {
        var constraint = Constraint(name: name, bound: bound, direction: direction, kind: .known(predictor: { configuration in
            let values = try predictor([configuration])
            return values.count == 1 ? values[0] : .nan
        }))
        constraint.batchPredictor = predictor
        return constraint
    }

    /// The predictions for many configurations (the batch predictor when there is one; NaN for
    /// every configuration when it throws or answers the wrong count); `nil` for an observed
    /// constraint.
    public func predictions(for configurations: [Configuration]) -> [Double]? {
        guard isKnown else { return nil }
        guard let batchPredictor, !configurations.isEmpty else { return configurations.map { prediction(for: $0)! } }
        guard let values = try? batchPredictor(configurations), values.count == configurations.count else {
            return [Double](repeating: .nan, count: configurations.count)
        }
        return values.map { $0.isNaN ? .nan : $0 }
    }

    /// An observed constraint: the objective reports `name` ≤ bound among its measurements.
    public static func observed(_ name: String, atMost bound: Double) -> Constraint {
        Constraint(name: name, bound: bound, direction: .atMost, kind: .observed)
    }

    /// An observed constraint: the objective reports `name` ≥ bound among its measurements.
    public static func observed(_ name: String, atLeast bound: Double) -> Constraint {
        Constraint(name: name, bound: bound, direction: .atLeast, kind: .observed)
    }

    /// Whether the constraint is known (has a predictor).
    public var isKnown: Bool {
        if case .known = kind { return true }
        return false
    }

    /// The prediction for a configuration, or `nil` for an observed constraint. A predictor
    /// that throws or returns NaN gives NaN; NaN and ±∞ pass no gate and satisfy no bound.
    public func prediction(for configuration: Configuration) -> Double? {
        guard case let .known(predictor) = kind else { return nil }
        guard let value = try? predictor(configuration), !value.isNaN else { return .nan }
        return value
    }

    /// Whether `value` satisfies the constraint. A value that is not finite never does: a
    /// model or meter answering −∞ for a latency bound is broken, not fast.
    public func isSatisfied(by value: Double) -> Bool {
        value.isFinite && direction.isSatisfied(value, bound: bound)
    }

    /// The bound the gate applies: the bound tightened by the safety margin.
    public var gateBound: Double {
        direction == .atMost ? bound - safetyMargin * abs(bound) : bound + safetyMargin * abs(bound)
    }

    /// Whether a prediction passes the gate (``gateBound``); NaN and ±∞ never do.
    public func passesGate(_ prediction: Double) -> Bool {
        prediction.isFinite && direction.isSatisfied(prediction, bound: gateBound)
    }

    func validate() throws(HyperPowerError) {
        if name.isEmpty { throw .invalidConstraint(name: name, reason: "the name is empty") }
        if !bound.isFinite { throw .invalidConstraint(name: name, reason: "the bound \(bound) is not finite") }
        if !(safetyMargin >= 0 && safetyMargin < 1) {
            throw .invalidConstraint(name: name, reason: "the safety margin \(safetyMargin) is not in [0, 1)")
        }
        if let calibration {
            if !isKnown {
                throw .invalidConstraint(name: name, reason: "only a known constraint (one with a predictor) can be calibrated")
            }
            if calibration.measurement.isEmpty { throw .invalidConstraint(name: name, reason: "the calibrating measurement's name is empty") }
            if !(calibration.violationProbability > 0 && calibration.violationProbability < 0.5) {
                throw .invalidConstraint(
                    name: name, reason: "the violation probability \(calibration.violationProbability) is not in (0, 0.5)")
            }
            if let cost = calibration.profilingCost, !(cost > 0 && cost.isFinite) {
                throw .invalidConstraint(name: name, reason: "the profiling cost \(cost) is not a positive number")
            }
            if calibration.maximumProfilesPerAsk < 1 {
                throw .invalidConstraint(name: name, reason: "the profiles per ask must be at least 1 (got \(calibration.maximumProfilesPerAsk))")
            }
            if calibration.minimumMeasurements < 2 {
                throw .invalidConstraint(name: name, reason: "a calibration needs at least 2 measurements (got \(calibration.minimumMeasurements))")
            }
        }
    }
}
