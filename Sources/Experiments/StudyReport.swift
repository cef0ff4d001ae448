import Foundation
import HyperPower

/// A study as one self-contained HTML page: the summary and best configuration, best-so-far
/// against evaluations and against time, predicted against measured for every known constraint
/// with a measured counterpart (with the calibrated intervals), and the trials as a table that
/// sorts by any column. Inline SVG and a few lines of inline script; nothing is fetched.
public struct StudyReport: Sendable {
    public var title: String
    public var trials: [Trial]
    public var profiles: [Profile]
    public var objective: Objective
    /// Constraint bounds by name, drawn on the calibration plots (`nil`: none drawn).
    public var bounds: [String: Double]

    public init(title: String, trials: [Trial], profiles: [Profile] = [], objective: Objective = .default, bounds: [String: Double] = [:]) {
        self.title = title
        self.trials = trials.sorted { $0.number < $1.number }
        self.profiles = profiles
        self.objective = objective
        self.bounds = bounds
    }

    /// The page.
    public var html: String {
        var sections: [String] = []
        sections.append(summary)
        let bestSoFar = Trajectory.bestSoFar(trials, objective: objective)
        if bestSoFar.contains(where: { $0 != nil }) {
            let plot = LinePlot(title: "Best feasible \(objective.name) against evaluations", yLabel: "best feasible \(objective.name)",
                                series: [LinePlot.Series(name: objective.name, values: bestSoFar)])
            sections.append("<h2>Best so far</h2>\n<figure id=\"best-against-evaluations\">\(plot.svg)</figure>")
            var elapsed = 0.0
            var points: [(Double, Double)] = []
            for (trial, best) in zip(trials, bestSoFar) {
                elapsed += trial.suggestionSeconds + trial.evaluationSeconds
                if let best { points.append((elapsed, best)) }
            }
            let timePlot = ScatterPlot(title: "Best feasible \(objective.name) against time",
                                       xLabel: "seconds of suggestions and evaluations, summed", yLabel: "best feasible \(objective.name)",
                                       points: points, connected: true)
            sections.append("<figure id=\"best-against-time\">\(timePlot.svg)</figure>")
        }
        sections.append(contentsOf: calibration)
        sections.append(table)
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
            <style>
            body { font-family: sans-serif; margin: 2em; color: #222; }
            table { border-collapse: collapse; font-size: 13px; }
            th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: right; }
            th { background: #f0f0f0; cursor: pointer; }
            tr.feasible td.outcome { color: #2a7a2a; } tr.violated td.outcome, tr.failed td.outcome { color: #b22; }
            figure { margin: 1em 0; }
            </style></head><body>
            <h1>\(Self.escape(title))</h1>
            \(sections.joined(separator: "\n"))
            <script>
            document.querySelectorAll('table.sortable th').forEach(function (header, column) {
              header.addEventListener('click', function () {
                var body = header.closest('table').tBodies[0];
                var rows = Array.from(body.rows);
                var ascending = header.dataset.order !== 'ascending';
                header.dataset.order = ascending ? 'ascending' : 'descending';
                rows.sort(function (a, b) {
                  var x = a.cells[column].dataset.value || a.cells[column].textContent;
                  var y = b.cells[column].dataset.value || b.cells[column].textContent;
                  var nx = parseFloat(x), ny = parseFloat(y);
                  var order = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y) : nx - ny;
                  return ascending ? order : -order;
                });
                rows.forEach(function (row) { body.appendChild(row); });
              });
            });
            </script>
            </body></html>

            """
    }

    var summary: String {
        let feasible = trials.filter(\.isFeasible).count
        let failed = trials.filter { if case .failed = $0.outcome { return true } else { return false } }.count
        let infeasible = trials.filter { if case .infeasible = $0.outcome { return true } else { return false } }.count
        let violated = trials.count - feasible - failed - infeasible
        var lines = ["<p id=\"counts\"><span id=\"trial-count\">\(trials.count)</span> trials: \(feasible) feasible, "
            + "\(violated) broke a constraint, \(infeasible) infeasible, \(failed) failed"
            + (profiles.isEmpty ? "" : "; \(profiles.count) configurations profiled without training, "
                + "\(profiles.filter { !$0.violatedConstraints.isEmpty }.count) of them over a bound") + ".</p>"]
        if let best = SearchResult.best(of: trials, objective: objective) {
            lines.append("<h2>Best feasible trial</h2>")
            lines.append("<p>Trial \(best.number): \(Self.escape(objective.name)) "
                + "<strong id=\"best-value\">\(Self.format(best.outcome.objective!))</strong></p>")
            var rows = best.configuration.values.keys.sorted().map { "<tr><th>\(Self.escape($0))</th><td>\(Self.escape(Self.format(best.configuration.values[$0]!)))</td></tr>" }
            rows += best.measurements.keys.sorted().map { "<tr><th>\(Self.escape($0)) (measured)</th><td>\(Self.format(best.measurements[$0]!))</td></tr>" }
            rows += best.predictions.keys.sorted().map { "<tr><th>\(Self.escape($0)) (predicted)</th><td>\(Self.format(best.predictions[$0]!))</td></tr>" }
            lines.append("<table id=\"best-configuration\">\(rows.joined())</table>")
        } else {
            lines.append("<p id=\"best-value\">No feasible trial yet.</p>")
        }
        return lines.joined(separator: "\n")
    }

    /// Predicted against measured for each metric the trials both predicted and measured.
    var calibration: [String] {
        var sections: [String] = []
        let reports = Calibration.predictedAgainstMeasured(trials)
        let intervals = Dictionary(uniqueKeysWithValues: Calibration.intervals(trials).map { ($0.name, $0) })
        for name in reports.keys.sorted() {
            let points = trials.compactMap { trial -> (Double, Double)? in
                guard let predicted = trial.predictions[name], let measured = trial.measurements[name],
                      predicted.isFinite, measured.isFinite else { return nil }
                return (predicted, measured)
            }
            let report = reports[name]!
            let plot = ScatterPlot(title: "'\(name)': measured against predicted", xLabel: "predicted", yLabel: "measured",
                                   points: points, diagonal: true, bound: bounds[name])
            var text = String(format: "%d trials: MAPE %.1f%%, Kendall τ %.2f", report.count, 100 * report.meanAbsolutePercentageError, report.kendallTau)
            if let interval = intervals[name] {
                text += String(format: "; calibrated: MAPE %.1f%% corrected, measured above the %.0f%% quantile %d times",
                               100 * interval.corrected.meanAbsolutePercentageError, 100 * (1 - interval.violationProbability), interval.aboveUpper)
            }
            sections.append("<h2>Calibration of '\(Self.escape(name))'</h2>\n<p>\(Self.escape(text))</p>\n<figure class=\"calibration\">\(plot.svg)</figure>")
        }
        return sections
    }

    var table: String {
        let parameters = Array(Set(trials.flatMap { $0.configuration.values.keys })).sorted()
        let predicted = Array(Set(trials.flatMap { $0.predictions.keys })).sorted()
        let measured = Array(Set(trials.flatMap { $0.measurements.keys })).sorted()
        var header = ["trial", "outcome", objective.name] + parameters
        header += predicted.map { "\($0) (predicted)" } + measured.map { "\($0) (measured)" } + ["seconds"]
        var rows: [String] = []
        for trial in trials {
            let (outcome, kind): (String, String)
            switch trial.outcome {
            case .success: (outcome, kind) = trial.isFeasible ? ("feasible", "feasible") : ("broke " + trial.violatedConstraints.joined(separator: ", "), "violated")
            case let .infeasible(reason): (outcome, kind) = ("infeasible: " + reason, "infeasible")
            case let .failed(message): (outcome, kind) = ("failed: " + (message.split(separator: "\n").first.map(String.init) ?? ""), "failed")
            }
            var cells = ["<td>\(trial.number)</td>", "<td class=\"outcome\">\(Self.escape(outcome))</td>",
                         "<td>\(trial.outcome.objective.map(Self.format) ?? "")</td>"]
            cells += parameters.map { "<td>\(Self.escape(trial.configuration.values[$0].map(Self.format) ?? ""))</td>" }
            cells += predicted.map { "<td>\(trial.predictions[$0].map(Self.format) ?? "")</td>" }
            cells += measured.map { "<td>\(trial.measurements[$0].map(Self.format) ?? "")</td>" }
            cells.append("<td>\(Self.format(trial.evaluationSeconds))</td>")
            rows.append("<tr class=\"\(kind)\">\(cells.joined())</tr>")
        }
        return """
            <h2>Trials</h2>
            <table id="trials" class="sortable"><thead><tr>\(header.map { "<th>\(Self.escape($0))</th>" }.joined())</tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody></table>
            """
    }

    /// A value as reports print it (5 significant digits; also `hyperpower run`'s progress lines).
    public static func format(_ value: Double) -> String { String(format: "%.5g", value) }

    /// A parameter value as reports print it (reals to 5 significant digits).
    public static func format(_ value: ParameterValue) -> String {
        if case let .real(x) = value { return format(x) }
        return "\(value)"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// An SVG scatter plot (optionally a connected step line, the diagonal y = x, and a bound on both
/// axes): inline, no scripts.
public struct ScatterPlot: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var points: [(Double, Double)]
    public var connected = false
    public var diagonal = false
    public var bound: Double?

    public init(title: String, xLabel: String, yLabel: String, points: [(Double, Double)], connected: Bool = false,
                diagonal: Bool = false, bound: Double? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.points = points.filter { $0.0.isFinite && $0.1.isFinite }
        self.connected = connected
        self.diagonal = diagonal
        self.bound = bound
    }

    public var svg: String {
        let width = 560.0, height = 420.0
        let (left, right, top, bottom) = (80.0, 20.0, 30.0, 50.0)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        var xs = points.map(\.0), ys = points.map(\.1)
        if diagonal { xs += ys; ys = xs }
        if let bound { xs.append(bound); ys.append(bound) }
        func range(_ values: [Double]) -> (Double, Double) {
            var low = values.min() ?? 0, high = values.max() ?? 1
            if high - low < 1e-12 * max(1, abs(high)) { low -= 0.5; high += 0.5 }
            let padding = 0.05 * (high - low)
            return (low - padding, high + padding)
        }
        let (xLow, xHigh) = range(xs), (yLow, yHigh) = range(ys)
        func x(_ v: Double) -> Double { left + plotWidth * (v - xLow) / (xHigh - xLow) }
        func y(_ v: Double) -> Double { top + plotHeight * (1 - (v - yLow) / (yHigh - yLow)) }
        var body: [String] = [##"<rect x="\##(left)" y="\##(top)" width="\##(plotWidth)" height="\##(plotHeight)" fill="white" stroke="#444"/>"##]
        for tick in 0...4 {
            let vx = xLow + (xHigh - xLow) * Double(tick) / 4, vy = yLow + (yHigh - yLow) * Double(tick) / 4
            body.append(##"<text x="\##(x(vx))" y="\##(top + plotHeight + 18)" text-anchor="middle" font-size="12">\##(String(format: "%.3g", vx))</text>"##)
            body.append(##"<text x="\##(left - 8)" y="\##(y(vy) + 4)" text-anchor="end" font-size="12">\##(String(format: "%.3g", vy))</text>"##)
        }
        if diagonal {
            let low = max(xLow, yLow), high = min(xHigh, yHigh)
            body.append(##"<line x1="\##(x(low))" y1="\##(y(low))" x2="\##(x(high))" y2="\##(y(high))" stroke="#999" stroke-dasharray="4 3"/>"##)
        }
        if let bound {
            body.append(##"<line x1="\##(x(bound))" y1="\##(top)" x2="\##(x(bound))" y2="\##(top + plotHeight)" stroke="#d62728" stroke-dasharray="2 2"/>"##)
            body.append(##"<line x1="\##(left)" y1="\##(y(bound))" x2="\##(left + plotWidth)" y2="\##(y(bound))" stroke="#d62728" stroke-dasharray="2 2"/>"##)
        }
        if connected, points.count > 1 {
            var path = "M \(x(points[0].0)) \(y(points[0].1))"
            for k in 1..<points.count { path += " H \(x(points[k].0)) V \(y(points[k].1))" }
            body.append(##"<path d="\##(path)" fill="none" stroke="#1f77b4" stroke-width="2"/>"##)
        }
        for (px, py) in points {
            body.append(##"<circle cx="\##(x(px))" cy="\##(y(py))" r="3" fill="#1f77b4" fill-opacity="0.7"/>"##)
        }
        body.append(##"<text x="\##(left + plotWidth / 2)" y="\##(height - 10)" text-anchor="middle" font-size="13">\##(StudyReport.escape(xLabel))</text>"##)
        body.append(##"<text x="18" y="\##(top + plotHeight / 2)" text-anchor="middle" font-size="13" transform="rotate(-90 18 \##(top + plotHeight / 2))">\##(StudyReport.escape(yLabel))</text>"##)
        body.append(##"<text x="\##(left)" y="18" font-size="14">\##(StudyReport.escape(title))</text>"##)
        return ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="\##(height)" viewBox="0 0 \##(width) \##(height)">"##
            + body.joined() + "</svg>"
    }
}
