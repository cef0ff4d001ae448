import Experiments
import Foundation
import HyperPower

/// Writes the demo's report folder: `trials.csv`, `result.json` and `best_error.svg`.
public enum DemoReportWriter {
    public static func write(_ report: DigitsDemo.Report, to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try csv(report).write(to: folder.appendingPathComponent("trials.csv"), atomically: true, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: folder.appendingPathComponent("result.json"))
        try svg(report).write(to: folder.appendingPathComponent("best_error.svg"), atomically: true, encoding: .utf8)
    }

    /// One row per trial of every method.
    public static func csv(_ report: DigitsDemo.Report) -> String {
        var lines = ["method,trial,layers,units,learningRate,batchSize,weightDecay,outcome,validationError,"
            + "predictedLatencyMicroseconds,measuredLatencyMicroseconds,memoryBytes,violated,suggestionSeconds,evaluationSeconds"]
        for result in report.results {
            for trial in result.trials {
                let c = trial.configuration
                let outcome: String
                switch trial.outcome {
                case .success: outcome = "success"
                case .infeasible: outcome = "infeasible"
                case .failed: outcome = "failed"
                }
                let fields: [String] = [
                    result.method.rawValue, "\(trial.number)", "\(c.integer("layers"))", "\(c.integer("units"))",
                    "\(c.double("learningRate"))", "\(c.integer("batchSize"))", "\(c.double("weightDecay"))", outcome,
                    trial.outcome.objective.map { "\($0)" } ?? "", trial.predictions["latency"].map { "\($0)" } ?? "",
                    trial.measurements["latency"].map { "\($0)" } ?? "", trial.measurements["memory"].map { "\($0)" } ?? "",
                    trial.violatedConstraints.joined(separator: ";"), "\(trial.suggestionSeconds)", "\(trial.evaluationSeconds)",
                ]
                lines.append(fields.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Best feasible validation error against evaluations, one line per method.
    public static func svg(_ report: DigitsDemo.Report) -> String {
        LinePlot(
            title: "Best feasible validation error against evaluations", yLabel: "best feasible validation error",
            series: report.results.map { LinePlot.Series(name: $0.method.rawValue, values: $0.trajectory.map { $0.map { 100 * $0 } }) },
            allowsNegative: false, tickFormat: { String(format: "%.2f%%", $0) }
        ).svg
    }
}
