import Experiments
import Foundation
import HyperPower

/// Writes the demo's report folder: `index.html` (the comparison, opening with best error
/// against time, then HyperPower's first study in full), `trials.csv`, `result.json` and
/// `best_error.svg` (the time plot alone).
public enum DemoReportWriter {
    public static func write(_ report: DigitsDemo.Report, to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try csv(report).write(to: folder.appendingPathComponent("trials.csv"), atomically: true, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: folder.appendingPathComponent("result.json"))
        try svg(report).write(to: folder.appendingPathComponent("best_error.svg"), atomically: true, encoding: .utf8)
        try html(report).write(to: folder.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
    }

    /// One row per trial of every method and seed.
    public static func csv(_ report: DigitsDemo.Report) -> String {
        var lines = ["method,seed,trial,layers,units,learningRate,batchSize,weightDecay,outcome,validationError,"
            + "predictedLatencyMicroseconds,measuredLatencyMicroseconds,memoryBytes,violated,suggestionSeconds,evaluationSeconds,secondsSinceStart"]
        for result in report.results {
            for (index, trial) in result.trials.enumerated() {
                let c = trial.configuration
                let outcome: String
                switch trial.outcome {
                case .success: outcome = "success"
                case .infeasible: outcome = "infeasible"
                case .failed: outcome = "failed"
                }
                let fields: [String] = [
                    result.method.rawValue, "\(result.seed)", "\(trial.number)", "\(c.integer("layers"))", "\(c.integer("units"))",
                    "\(c.double("learningRate"))", "\(c.integer("batchSize"))", "\(c.double("weightDecay"))", outcome,
                    trial.outcome.objective.map { "\($0)" } ?? "", trial.predictions["latency"].map { "\($0)" } ?? "",
                    trial.measurements["latency"].map { "\($0)" } ?? "", trial.measurements["memory"].map { "\($0)" } ?? "",
                    trial.violatedConstraints.joined(separator: ";"), "\(trial.suggestionSeconds)", "\(trial.evaluationSeconds)",
                    index < result.times.count ? "\(result.times[index])" : "",
                ]
                lines.append(fields.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Each method's median (over seeds) best feasible error, in %, against seconds.
    public static func medianCurves(_ report: DigitsDemo.Report) -> [ScatterPlot.Series] {
        let end = report.results.map { $0.times.last ?? 0 }.max() ?? 0
        let grid = (0...200).map { end * Double($0) / 200 }
        return report.results.map(\.method).uniqued().map { method in
            let runs = report.results(of: method)
            var points: [(Double, Double)] = []
            for t in grid {
                let values = runs.map { run -> Double? in
                    guard run.times.last.map({ $0 >= t }) ?? false else { return run.trajectory.last ?? nil }
                    guard let index = run.times.lastIndex(where: { $0 <= t }) else { return nil }
                    return run.trajectory[index]
                }
                guard values.allSatisfy({ $0 != nil }) else { continue }
                let sorted = values.map { $0! }.sorted()
                let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
                if points.last?.1 != 100 * median || t == grid.last { points.append((t, 100 * median)) }
            }
            return ScatterPlot.Series(name: method.rawValue, points: points)
        }
    }

    /// Best feasible error against wall-clock seconds, the median over seeds of each method.
    public static func svg(_ report: DigitsDemo.Report) -> String {
        ScatterPlot(
            title: "Best feasible cross-validated error (%) against time, median of \(report.seeds.count) seeds",
            xLabel: "seconds since the method started", yLabel: "best feasible error, %", series: medianCurves(report),
            connected: true
        ).svg
    }

    /// The comparison page.
    public static func html(_ report: DigitsDemo.Report) -> String {
        func percent(_ value: Double?) -> String { value.map { String(format: "%.2f%%", 100 * $0) } ?? "none" }
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.1f s", $0) } ?? "not reached" }
        var methods: [String] = []
        for method in report.results.map(\.method).uniqued() {
            let runs = report.results(of: method)
            let evaluations = runs.map(\.evaluations)
            let minutes = runs.reduce(0) { $0 + $1.wallSeconds } / 60
            methods.append("<tr><th>\(method.rawValue)</th><td class=\"median-best\">\(percent(report.medianBest(of: method)))</td>"
                + "<td>\(runs.map { percent($0.best?.outcome.objective) }.joined(separator: ", "))</td>"
                + "<td class=\"over-budget\">\(runs.reduce(0) { $0 + $1.budgetViolations })</td>"
                + "<td>\(evaluations.map(String.init).joined(separator: ", "))</td>"
                + "<td>\(String(format: "%.1f", Double(evaluations.reduce(0, +)) / max(minutes, 1e-9)))</td></tr>")
        }
        let comparisons = report.comparisons.map { c in
            "<tr><th>\(c.seed)</th><td>\(percent(c.baselineBest))</td><td>\(seconds(c.baselineSeconds))</td>"
                + "<td>\(seconds(c.hyperpowerSeconds))</td><td>\(c.speedup.map { String(format: "%.1f×", $0) } ?? "–")</td>"
                + "<td>\(String(format: "%.1f×", c.evaluationRateRatio))</td></tr>"
        }
        var sections = [
            "<figure id=\"best-against-time\">\(svg(report))</figure>",
            String(format: "<p>Each method had %.0f s of wall clock per seed on this machine (suggestions, %d-fold cross-validated trainings on all 1,797 digits and measurements all count). ",
                   report.secondsPerMethod, report.folds)
                + String(format: "Budgets: inference latency ≤ %.1f µs (a model fitted on profiled configurations, leave-one-out RMSPE %.1f%%), memory ≤ %.0f kB (exact); together they admit %.1f%% of the search space.</p>",
                         report.latencyBudgetMicroseconds, 100 * (report.latencyModelCrossValidatedRMSPE ?? .nan),
                         report.memoryBudgetBytes / 1000, 100 * report.admittedShare),
            """
            <table id="methods"><thead><tr><th>method</th><th>median best error</th><th>best error per seed</th><th>trainings over a budget</th>\
            <th>evaluations per seed</th><th>evaluations per minute</th></tr></thead><tbody>\(methods.joined(separator: "\n"))</tbody></table>
            """,
        ]
        if !comparisons.isEmpty {
            sections.append("""
                <h2>HyperPower against the constraint-unaware baseline</h2>
                <table id="comparisons"><thead><tr><th>seed</th><th>baseline's final best error</th><th>baseline reached it after</th>\
                <th>HyperPower reached it after</th><th>speed-up</th><th>evaluations per minute, HyperPower ÷ baseline</th></tr></thead>
                <tbody>\(comparisons.joined(separator: "\n"))</tbody></table>
                """)
        }
        if let first = report.results(of: .hyperpower).first {
            let study = StudyReport(
                title: "HyperPower, seed \(first.seed)", trials: first.trials,
                constraints: [
                    .init(name: "memory", bound: report.memoryBudgetBytes, isKnown: true),
                    .init(name: "latency", bound: report.latencyBudgetMicroseconds, isKnown: true),
                ] + (report.energyBudgetMicrojoules.map { [.init(name: "energy", bound: $0, isKnown: true)] } ?? []),
                admittedShares: .init(all: report.admittedShare, byConstraint: report.admittedShares, samples: 4_096),
                space: DigitsDemo.space)
            sections.append("<h2>HyperPower's study, seed \(first.seed)</h2>\n" + study.content)
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>HyperPower demo: the digits under budgets</title>
            <style>
            \(StudyReport.style)
            </style></head><body>
            <h1>HyperPower demo: an MLP on the UCI digits under memory and latency budgets</h1>
            <main id="content">
            \(sections.joined(separator: "\n"))
            </main>
            <script>
            \(StudyReport.script)
            </script>
            </body></html>

            """
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
