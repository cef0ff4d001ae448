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
        let width = 720.0, height = 420.0
        let (left, right, top, bottom) = (70.0, 190.0, 30.0, 50.0)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let evaluations = max(report.results.map(\.trajectory.count).max() ?? 1, 2)
        let values = report.results.flatMap { $0.trajectory.compactMap { $0 } }.map { 100 * $0 }
        var low = values.min() ?? 0, high = values.max() ?? 1
        if high - low < 1e-9 { low -= 0.5; high += 0.5 }
        let padding = 0.05 * (high - low)
        low = max(0, low - padding); high += padding
        func x(_ evaluation: Int) -> Double { left + plotWidth * Double(evaluation - 1) / Double(evaluations - 1) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (value - low) / (high - low)) }
        let colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
        var body: [String] = []
        body.append(##"<rect x="\##(left)" y="\##(top)" width="\##(plotWidth)" height="\##(plotHeight)" fill="white" stroke="#444"/>"##)
        for tick in 0...4 {
            let value = low + (high - low) * Double(tick) / 4
            body.append(##"<line x1="\##(left - 5)" y1="\##(y(value))" x2="\##(left)" y2="\##(y(value))" stroke="#444"/>"##)
            body.append(##"<text x="\##(left - 8)" y="\##(y(value) + 4)" text-anchor="end" font-size="12">\##(String(format: "%.2f", value))%</text>"##)
        }
        for tick in Set([1, evaluations / 4, evaluations / 2, 3 * evaluations / 4, evaluations]).filter({ $0 >= 1 }).sorted() {
            body.append(##"<line x1="\##(x(tick))" y1="\##(top + plotHeight)" x2="\##(x(tick))" y2="\##(top + plotHeight + 5)" stroke="#444"/>"##)
            body.append(##"<text x="\##(x(tick))" y="\##(top + plotHeight + 20)" text-anchor="middle" font-size="12">\##(tick)</text>"##)
        }
        body.append(##"<text x="\##(left + plotWidth / 2)" y="\##(height - 10)" text-anchor="middle" font-size="13">evaluations</text>"##)
        body.append(##"<text x="18" y="\##(top + plotHeight / 2)" text-anchor="middle" font-size="13" transform="rotate(-90 18 \##(top + plotHeight / 2))">best feasible validation error</text>"##)
        for (index, result) in report.results.enumerated() {
            let colour = colours[index % colours.count]
            let points = result.trajectory.enumerated().compactMap { offset, value in
                value.map { String(format: "%.1f,%.1f", x(offset + 1), y(100 * $0)) }
            }
            if !points.isEmpty {
                body.append(##"<polyline fill="none" stroke="\##(colour)" stroke-width="2" points="\##(points.joined(separator: " "))"/>"##)
            }
            let legendY = top + 20 * Double(index) + 10
            body.append(##"<line x1="\##(width - right + 15)" y1="\##(legendY)" x2="\##(width - right + 40)" y2="\##(legendY)" stroke="\##(colour)" stroke-width="2"/>"##)
            body.append(##"<text x="\##(width - right + 45)" y="\##(legendY + 4)" font-size="12">\##(result.method.rawValue)</text>"##)
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif">
            <title>Best feasible validation error against evaluations</title>
            \(body.joined(separator: "\n"))
            </svg>

            """
    }
}
