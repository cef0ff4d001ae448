/// A configuration whose cost was measured without training it (a calibrated constraint's
/// profiler, ``Constraint/Calibration/profiler``): the predictions the gate had, the measured
/// costs, and the constraints they break. A profile that breaks one is never trained; every
/// profile teaches the calibrated constraints' corrections.
public struct Profile: Sendable, Codable, Equatable {
    /// The configuration profiled.
    public var configuration: Configuration
    /// The known constraints' predictions for it.
    public var predictions: [String: Double]
    /// The measured costs, under each calibrated constraint's measurement name.
    public var measurements: [String: Double]
    /// The constraints the measurements break (the configuration is then not trained).
    public var violatedConstraints: [String]

    public init(configuration: Configuration, predictions: [String: Double], measurements: [String: Double], violatedConstraints: [String]) {
        self.configuration = configuration
        self.predictions = predictions
        self.measurements = measurements
        self.violatedConstraints = violatedConstraints
    }
}
