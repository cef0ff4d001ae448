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

    /// How a calibrated constraint's corrected intervals held up against what was measured.
    public struct IntervalReport: Sendable, Codable, Equatable {
        /// The constraint.
        public var name: String
        /// Trials with an interval and a measurement.
        public var count: Int
        /// δ of the intervals (the last trial's).
        public var violationProbability: Double
        /// Measured above the interval's upper end (the `1 − δ` quantile): at most δ if calibrated.
        public var aboveUpper: Int
        /// Measured below the lower end.
        public var belowLower: Int
        /// The plain predictor's error on these trials.
        public var plain: ErrorReport
        /// The corrected median's error on these trials.
        public var corrected: ErrorReport
    }

    /// For each calibrated constraint, its intervals against the measurements, over the trials
    /// that recorded both (``Trial/predictionIntervals``).
    public static func intervals(_ trials: [Trial]) -> [IntervalReport] {
        let names = Set(trials.flatMap { $0.predictionIntervals.keys }).sorted()
        return names.compactMap { name in
            let rows = trials.compactMap { trial -> (PredictionInterval, Double, Double)? in
                guard let interval = trial.predictionIntervals[name], let measured = trial.measurements[interval.measurement],
                      let predicted = trial.predictions[name], measured.isFinite, predicted.isFinite else { return nil }
                return (interval, measured, predicted)
            }
            guard let last = rows.last else { return nil }
            return IntervalReport(
                name: name, count: rows.count, violationProbability: last.0.violationProbability,
                aboveUpper: rows.filter { $0.1 > $0.0.upper }.count, belowLower: rows.filter { $0.1 < $0.0.lower }.count,
                plain: ErrorReport(predictions: rows.map(\.2), measurements: rows.map(\.1)),
                corrected: ErrorReport(predictions: rows.map(\.0.median), measurements: rows.map(\.1)))
        }
    }
}
