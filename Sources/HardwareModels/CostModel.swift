/// A fitted predictor of a hardware cost (latency, power, memory, energy) from named features.
public protocol CostModel: Sendable {
    /// The features the model expects, in order.
    var featureNames: [String] { get }
    /// The prediction for one feature vector.
    func predict(_ features: [Double]) -> Double
    /// The fit's report on its training data and, where computed, by cross-validation.
    var fitReport: CostModelReport { get }
}

extension CostModel {
    /// Predictions for every sample.
    public func predict(_ samples: ProfiledSamples) -> [Double] { samples.features.map(predict) }

    /// The error report of this model on `samples` (held-out evaluation).
    public func evaluate(on samples: ProfiledSamples) -> ErrorReport {
        ErrorReport(predictions: predict(samples), measurements: samples.targets)
    }
}

/// What every fit returns beside the model.
public struct CostModelReport: Sendable, Equatable, Codable {
    /// Errors on the training samples.
    public var training: ErrorReport
    /// k-fold cross-validation errors (predictions of each fold by a model fitted without it),
    /// if computed.
    public var crossValidation: ErrorReport?
    /// Free-form description of the chosen model (terms, λ, degree).
    public var summary: String
}
