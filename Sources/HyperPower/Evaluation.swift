/// What the objective returns for one configuration.
public enum Evaluation: Sendable, Equatable {
    /// The run finished: the objective value to minimise (e.g. validation error) and any
    /// measurements (observed constraints by name, measured hardware metrics, anything else).
    case success(objective: Double, measurements: [String: Double] = [:])
    /// The configuration cannot run (e.g. out of memory): a failure the feasibility model
    /// learns from, never proposed again.
    case infeasible(reason: String, measurements: [String: Double] = [:])
}

/// How a trial ended.
public enum TrialOutcome: Sendable, Equatable, Codable {
    /// The objective returned a finite value.
    case success(objective: Double)
    /// The objective reported the configuration infeasible.
    case infeasible(reason: String)
    /// The objective threw, or returned a value that is not finite; the message says which.
    case failed(message: String)

    /// The objective value of a success.
    public var objective: Double? {
        if case let .success(objective) = self { return objective }
        return nil
    }
}

/// One evaluated configuration and everything recorded about it.
public struct Trial: Sendable, Equatable, Codable {
    /// 0-based position in the study.
    public var number: Int
    /// The configuration evaluated.
    public var configuration: Configuration
    /// How it ended.
    public var outcome: TrialOutcome
    /// Predictions of the known constraints, by name, made before the evaluation.
    public var predictions: [String: Double]
    /// What the objective reported (for known constraints too, so that model error is visible).
    public var measurements: [String: Double]
    /// Constraints this trial broke: known ones by measurement when the objective reported it,
    /// else by prediction; observed ones by measurement (a missing measurement counts as broken).
    public var violatedConstraints: [String]
    /// Seconds spent choosing the configuration.
    public var suggestionSeconds: Double
    /// Seconds the objective took.
    public var evaluationSeconds: Double

    /// A success that broke no constraint.
    public var isFeasible: Bool { outcome.objective != nil && violatedConstraints.isEmpty }
}
