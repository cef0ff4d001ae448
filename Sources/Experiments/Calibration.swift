import HyperPower

/// How well known-constraint predictions matched what the objective measured.
public enum Calibration {
    /// For each metric that trials both predicted and measured, the error report of the
    /// predictions (RMSPE, MAPE, R²), by name.
    public static func predictedAgainstMeasured(_ trials: [Trial]) -> [String: ErrorReport] {
        let names = Set(trials.flatMap { $0.predictions.keys }).intersection(trials.flatMap { $0.measurements.keys })
        var reports: [String: ErrorReport] = [:]
        for name in names {
            let pairs = trials.compactMap { trial in
                trial.predictions[name].flatMap { predicted in trial.measurements[name].map { (predicted, $0) } }
            }.filter { $0.0.isFinite && $0.1.isFinite }
            guard !pairs.isEmpty else { continue }
            reports[name] = ErrorReport(predictions: pairs.map(\.0), measurements: pairs.map(\.1))
        }
        return reports
    }
}
