import Foundation

/// What the objective returns for one configuration.
public enum Evaluation: Sendable, Equatable {
    /// The run finished: the primary objective's value (by default minimised, e.g. validation
    /// error) and any measurements (observed constraints by name, further objectives by name,
    /// measured hardware metrics, anything else).
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
    /// Every objective's value by name, for a success (the primary one is also
    /// ``TrialOutcome/objective``); a further objective the evaluation did not report is absent.
    public var objectiveValues: [String: Double]
    /// For calibrated known constraints whose correction existed when the trial was chosen:
    /// the corrected cost's median and central `1 − 2δ` interval, by name.
    public var predictionIntervals: [String: PredictionInterval]
    /// When the study recorded the outcome (`nil` in journals written before HyperPower 0.2's
    /// dashboard): the wall-clock axis of the report's and the dashboard's plots.
    public var completedAt: Date?

    /// A trial record (the study builds them; tests and importers may too). Without
    /// `objectiveValues`, a success records its value under `objective`.
    public init(
        number: Int, configuration: Configuration, outcome: TrialOutcome, predictions: [String: Double] = [:],
        measurements: [String: Double] = [:], violatedConstraints: [String] = [], suggestionSeconds: Double = 0,
        evaluationSeconds: Double = 0, objectiveValues: [String: Double]? = nil,
        predictionIntervals: [String: PredictionInterval] = [:], completedAt: Date? = nil
    ) {
        self.predictionIntervals = predictionIntervals
        self.completedAt = completedAt
        self.number = number
        self.configuration = configuration
        self.outcome = outcome
        self.predictions = predictions
        self.measurements = measurements
        self.violatedConstraints = violatedConstraints
        self.suggestionSeconds = suggestionSeconds
        self.evaluationSeconds = evaluationSeconds
        self.objectiveValues = objectiveValues ?? outcome.objective.map { [Objective.defaultName: $0] } ?? [:]
    }

    enum CodingKeys: String, CodingKey {
        case number, configuration, outcome, predictions, measurements, violatedConstraints, suggestionSeconds,
             evaluationSeconds, objectiveValues, predictionIntervals, completedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        number = try container.decode(Int.self, forKey: .number)
        configuration = try container.decode(Configuration.self, forKey: .configuration)
        outcome = try container.decode(TrialOutcome.self, forKey: .outcome)
        predictions = try container.decode([String: Double].self, forKey: .predictions)
        measurements = try container.decode([String: Double].self, forKey: .measurements)
        violatedConstraints = try container.decode([String].self, forKey: .violatedConstraints)
        suggestionSeconds = try container.decode(Double.self, forKey: .suggestionSeconds)
        evaluationSeconds = try container.decode(Double.self, forKey: .evaluationSeconds)
        // Format 1 had one objective, unnamed in the record.
        objectiveValues = try container.decodeIfPresent([String: Double].self, forKey: .objectiveValues)
            ?? outcome.objective.map { [Objective.defaultName: $0] } ?? [:]
        predictionIntervals = try container.decodeIfPresent([String: PredictionInterval].self, forKey: .predictionIntervals) ?? [:]
        completedAt = try container.decodeIfPresent(Date.self, forKey: .completedAt)
    }

    /// A success that broke no constraint.
    public var isFeasible: Bool { outcome.objective != nil && violatedConstraints.isEmpty }
}

/// A calibrated constraint's corrected cost at a configuration: its median and the central
/// interval between its δ and 1 − δ quantiles (δ the calibration's violation probability).
public struct PredictionInterval: Sendable, Equatable, Codable {
    public var lower: Double
    public var median: Double
    public var upper: Double
    /// δ: the interval runs from the δ to the 1 − δ quantile.
    public var violationProbability: Double
    /// The measurement of the cost the interval predicts.
    public var measurement: String

    public init(lower: Double, median: Double, upper: Double, violationProbability: Double, measurement: String) {
        self.lower = lower
        self.median = median
        self.upper = upper
        self.violationProbability = violationProbability
        self.measurement = measurement
    }
}
