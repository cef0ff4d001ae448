import Foundation
import HyperPower

/// A study as one HTML page: the counts and the best configuration, best-so-far against
/// evaluations and against wall-clock time, each constraint's violations and the share of the
/// search space the known ones admit, predicted against measured for every known constraint
/// with a measured counterpart (with the calibrated intervals), parallel coordinates of the
/// configurations, and the trials as a table that sorts by any column and filters by state.
///
/// ``html`` is self-contained (inline SVG, inline style and script; nothing is fetched);
/// ``content`` is the same views without the page around them, which the dashboard serves
/// and swaps in as a study grows.
public struct StudyReport: Sendable {
    public var title: String
    public var trials: [Trial]
    public var profiles: [Profile]
    public var objective: Objective
    /// The study's constraints (bounds drawn on the calibration plots, violations counted).
    public var constraints: [ConstraintSummary]
    /// The share of the search space the known constraints admit, when recorded.
    public var admittedShares: AdmittedShares?
    /// Trials handed out and not yet told.
    public var pendingCount: Int
    /// Further best-so-far curves drawn against time beside the study's (other methods of a
    /// comparison, say), each as (seconds, best) points.
    public var comparisons: [ScatterPlot.Series]
    /// The search space, when known: the parallel coordinates then use its ranges, scales and
    /// category order (else the data's range, linear).
    public var space: SearchSpace?
    /// Every objective, the primary one first; with two or more the report plots the Pareto
    /// front of the first two.
    public var objectives: [Objective]

    /// A constraint as the report shows it.
    public struct ConstraintSummary: Sendable, Equatable {
        public var name: String
        public var bound: Double
        public var direction: ConstraintDirection
        public var isKnown: Bool
        /// The measurement that judges a trial (a calibrated constraint's differs from its name).
        public var measurementKey: String

        public init(name: String, bound: Double, direction: ConstraintDirection = .atMost, isKnown: Bool, measurementKey: String? = nil) {
            self.name = name
            self.bound = bound
            self.direction = direction
            self.isKnown = isKnown
            self.measurementKey = measurementKey ?? name
        }

        public init(_ constraint: Constraint) {
            self.init(name: constraint.name, bound: constraint.bound, direction: constraint.direction, isKnown: constraint.isKnown,
                      measurementKey: constraint.measurementKey)
        }
    }

    /// The share of uniform configurations the gate admits, all known constraints together and
    /// each alone (``Study/recordAdmittedShares(samples:)``).
    public struct AdmittedShares: Sendable, Equatable {
        public var all: Double
        public var byConstraint: [String: Double]
        public var samples: Int

        public init(all: Double, byConstraint: [String: Double], samples: Int) {
            self.all = all
            self.byConstraint = byConstraint
            self.samples = samples
        }

        /// The shares as a study records them (`nil` when the attribute is absent or malformed).
        public init?(attribute: JSONValue?) {
            guard case let .object(fields)? = attribute, let all = Self.number(fields["all"]),
                  case let .object(each)? = fields["byConstraint"] else { return nil }
            self.all = all
            byConstraint = each.compactMapValues(Self.number)
            samples = Self.number(fields["samples"]).map { Int($0) } ?? 0
        }

        static func number(_ value: JSONValue?) -> Double? {
            switch value {
            case let .number(x)?: return x
            case let .integer(x)?: return Double(x)
            case let .unsigned(x)?: return Double(x)
            default: return nil
            }
        }
    }

    public init(
        title: String, trials: [Trial], profiles: [Profile] = [], objective: Objective = .default,
        constraints: [ConstraintSummary] = [], admittedShares: AdmittedShares? = nil, pendingCount: Int = 0,
        comparisons: [ScatterPlot.Series] = [], space: SearchSpace? = nil, objectives: [Objective]? = nil
    ) {
        self.objectives = objectives ?? [objective]
        self.space = space
        self.title = title
        self.trials = trials.sorted { $0.number < $1.number }
        self.profiles = profiles
        self.objective = objective
        self.constraints = constraints
        self.admittedShares = admittedShares
        self.pendingCount = pendingCount
        self.comparisons = comparisons
    }

    /// The report of a study as it stands (a loaded one included: its recorded shares are read
    /// from its attributes).
    public init(study: Study, title: String) async {
        self.init(
            title: title, trials: await study.trials, profiles: await study.profiles, objective: study.objective,
            constraints: study.constraints.map(ConstraintSummary.init),
            admittedShares: AdmittedShares(attribute: await study.attributes[Study.admittedSharesAttribute]),
            pendingCount: await study.pendingTrialNumbers.count, space: study.space, objectives: study.objectives)
    }

    /// The self-contained page.
    public var html: String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
        <style>
        \(Self.style)
        </style></head><body>
        <h1>\(Self.escape(title))</h1>
        <main id="content">
        \(content)
        </main>
        <script>
        \(Self.script)
        </script>
        </body></html>

        """
    }

    /// The views, without the page around them.
    public var content: String {
        var sections: [String] = [summary]
        sections.append(contentsOf: progress)
        sections.append(paretoFront)
        sections.append(constraintTable)
        sections.append(contentsOf: calibration)
        sections.append(parallelCoordinates)
        sections.append(table)
        return sections.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    // MARK: - Views

    var summary: String {
        let feasible = trials.filter(\.isFeasible).count
        let failed = trials.filter { if case .failed = $0.outcome { return true } else { return false } }.count
        let infeasible = trials.filter { if case .infeasible = $0.outcome { return true } else { return false } }.count
        let violated = trials.count - feasible - failed - infeasible
        var lines = ["<p id=\"counts\"><span id=\"trial-count\">\(trials.count)</span> trials: \(feasible) feasible, "
            + "\(violated) broke a constraint, \(infeasible) infeasible, \(failed) failed"
            + (pendingCount > 0 ? "; <span id=\"pending-count\">\(pendingCount)</span> running" : "")
            + (profiles.isEmpty ? "" : "; \(profiles.count) configurations profiled without training, "
                + "\(profiles.filter { !$0.violatedConstraints.isEmpty }.count) of them over a bound") + ".</p>"]
        if let best = SearchResult.best(of: trials, objective: objective) {
            lines.append("<h2>Best feasible trial</h2>")
            lines.append("<p>Trial <span id=\"best-trial\">\(best.number)</span>: \(Self.escape(objective.name)) "
                + "<strong id=\"best-value\">\(Self.format(best.outcome.objective!))</strong></p>")
            var rows = best.configuration.parameterNames.map { "<tr><th>\(Self.escape($0))</th><td>\(Self.escape(Self.format(best.configuration[$0]!)))</td></tr>" }
            rows += best.measurements.keys.sorted().map { "<tr><th>\(Self.escape($0)) (measured)</th><td>\(Self.format(best.measurements[$0]!))</td></tr>" }
            rows += best.predictions.keys.sorted().map { "<tr><th>\(Self.escape($0)) (predicted)</th><td>\(Self.format(best.predictions[$0]!))</td></tr>" }
            lines.append("<table id=\"best-configuration\">\(rows.joined())</table>")
        } else {
            lines.append("<p id=\"best-value\">No feasible trial yet.</p>")
        }
        return lines.joined(separator: "\n")
    }

    /// Best so far against wall-clock time (first: it is what the gate saves) and against
    /// evaluations.
    var progress: [String] {
        let bestSoFar = Trajectory.bestSoFar(trials, objective: objective)
        guard bestSoFar.contains(where: { $0 != nil }) || comparisons.contains(where: { !$0.points.isEmpty }) else { return [] }
        let (points, measured) = Self.bestAgainstTime(trials, objective: objective)
        var series = [ScatterPlot.Series(name: comparisons.isEmpty ? objective.name : title, points: points)]
        series += comparisons
        let timePlot = ScatterPlot(
            title: "Best feasible \(objective.name) against time",
            xLabel: measured ? "seconds since the first trial started" : "seconds of suggestions and evaluations, summed",
            yLabel: "best feasible \(objective.name)", series: series, connected: true)
        let plot = LinePlot(title: "Best feasible \(objective.name) against evaluations", yLabel: "best feasible \(objective.name)",
                            series: [LinePlot.Series(name: objective.name, values: bestSoFar)], stepped: true)
        return ["<h2>Best so far</h2>\n<figure id=\"best-against-time\">\(timePlot.svg)</figure>",
                "<figure id=\"best-against-evaluations\">\(plot.svg)</figure>"]
    }

    /// The best feasible objective against seconds since the study's first trial started, in
    /// order of completion; when a trial lacks its completion time (an older journal), against
    /// the running sum of suggestion and evaluation seconds instead (`measured` false).
    public static func bestAgainstTime(_ trials: [Trial], objective: Objective = .default) -> (points: [(Double, Double)], measured: Bool) {
        let stamped = trials.compactMap { trial in trial.completedAt.map { (trial, $0) } }
        var points: [(Double, Double)] = []
        var best: Double?
        func improve(_ trial: Trial) -> Bool {
            guard trial.isFeasible, let value = trial.outcome.objective else { return false }
            if best == nil || (objective.direction == .minimize ? value < best! : value > best!) { best = value; return true }
            return false
        }
        if !trials.isEmpty && stamped.count == trials.count {
            let start = stamped.map { $0.1.timeIntervalSinceReferenceDate - $0.0.evaluationSeconds - $0.0.suggestionSeconds }.min()!
            for (trial, date) in stamped.sorted(by: { $0.1 < $1.1 }) where improve(trial) {
                points.append((date.timeIntervalSinceReferenceDate - start, best!))
            }
            if let last = stamped.map({ $0.1.timeIntervalSinceReferenceDate }).max(), let best, let end = points.last, end.0 < last - start {
                points.append((last - start, best))
            }
            return (points, true)
        }
        var elapsed = 0.0
        for trial in trials.sorted(by: { $0.number < $1.number }) {
            elapsed += trial.suggestionSeconds + trial.evaluationSeconds
            if improve(trial) { points.append((elapsed, best!)) }
        }
        if let best, let end = points.last, end.0 < elapsed { points.append((elapsed, best)) }
        return (points, false)
    }

    /// Per constraint: its kind and bound, the share of the space a known one admits, the
    /// trials that broke it and the profiled configurations rejected over it.
    var constraintTable: String {
        guard !constraints.isEmpty else { return "" }
        var rows: [String] = []
        for constraint in constraints {
            let broke = trials.filter { $0.violatedConstraints.contains(constraint.name) }.count
            let profiled = profiles.filter { $0.violatedConstraints.contains(constraint.name) }.count
            let share = constraint.isKnown ? admittedShares?.byConstraint[constraint.name].map { Self.percent($0) } ?? "not recorded" : "learned (observed)"
            let side = constraint.direction == .atMost ? "≤" : "≥"
            rows.append("<tr data-constraint=\"\(Self.escape(constraint.name))\"><th>\(Self.escape(constraint.name))</th>"
                + "<td>\(constraint.isKnown ? "known" : "observed")</td><td>\(side) \(Self.format(constraint.bound))</td>"
                + "<td>\(share)</td><td class=\"violations\">\(broke)</td>\(profiles.isEmpty ? "" : "<td>\(profiled)</td>")</tr>")
        }
        var text = ""
        if let shares = admittedShares {
            text = "<p id=\"known-feasible-share\">The known constraints together admit <strong>\(Self.percent(shares.all))</strong> "
                + "of the search space (\(shares.samples) uniform configurations); HyperPower proposes nothing outside it.</p>\n"
        }
        return """
            <h2>Constraints</h2>
            \(text)<table id="constraints"><thead><tr><th>constraint</th><th>kind</th><th>bound</th><th>admitted share of the space</th>\
            <th>trials that broke it</th>\(profiles.isEmpty ? "" : "<th>profiled over it, never trained</th>")</tr></thead>
            <tbody>\(rows.joined(separator: "\n"))</tbody></table>
            """
    }

    /// Predicted against measured for each metric the trials both predicted and measured.
    /// With several objectives: the feasible trials in the plane of the first two, the front
    /// drawn as the staircase it dominates, and the front's trials listed.
    var paretoFront: String {
        guard objectives.count >= 2 else { return "" }
        let (a, b) = (objectives[0], objectives[1])
        let feasible = trials.filter(\.isFeasible).compactMap { trial -> (Trial, Double, Double)? in
            guard let x = trial.objectiveValues[a.name], let y = trial.objectiveValues[b.name] else { return nil }
            return (trial, x, y)
        }
        let front = Pareto.front(of: trials, objectives: Array(objectives.prefix(2)))
        guard !front.isEmpty else { return "" }
        let frontPoints = front.map { ($0.objectiveValues[a.name]!, $0.objectiveValues[b.name]!) }
            .sorted { a.isBetter($0.0, than: $1.0) }
        var plot = ScatterPlot(
            title: "\(a.name) against \(b.name): feasible trials and their Pareto front",
            xLabel: "\(a.name) (\(a.direction == .minimize ? "lower" : "higher") is better)",
            yLabel: "\(b.name) (\(b.direction == .minimize ? "lower" : "higher") is better)",
            series: [ScatterPlot.Series(name: "feasible trials", points: feasible.map { ($0.1, $0.2) }),
                     ScatterPlot.Series(name: "Pareto front", points: frontPoints)])
        plot.connectedSeries = [1]
        var rows = ""
        for trial in front.sorted(by: { a.isBetter($0.objectiveValues[a.name]!, than: $1.objectiveValues[a.name]!) }) {
            let values = objectives.map { Self.format(trial.objectiveValues[$0.name] ?? .nan) }
            rows += "<tr><td>\(trial.number)</td>" + values.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        let header = "<tr><th>trial</th>" + objectives.map { "<th>\(Self.escape($0.name))</th>" }.joined() + "</tr>"
        return "<h2>Pareto front</h2>\n<p>\(front.count) of \(feasible.count) feasible trials are on the front of \(objectives.map { Self.escape($0.name) }.joined(separator: ", ")).</p>\n"
            + "<figure id=\"pareto-front\">\(plot.svg)</figure>\n<table class=\"pareto\">\(header)\n\(rows)</table>"
    }

    var calibration: [String] {
        var sections: [String] = []
        let reports = Calibration.predictedAgainstMeasured(trials)
        let intervals = Dictionary(uniqueKeysWithValues: Calibration.intervals(trials).map { ($0.name, $0) })
        let bounds = Dictionary(constraints.map { ($0.name, $0.bound) }, uniquingKeysWith: { first, _ in first })
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

    /// One vertical axis per parameter and one for the objective; one line per success,
    /// coloured by its objective (feasible) or grey (broke a constraint).
    var parallelCoordinates: String {
        let successes = trials.filter { $0.outcome.objective != nil }
        guard successes.count >= 2 else { return "" }
        let parameters = Array(Set(successes.flatMap { $0.configuration.parameterNames })).sorted()
        let declared = Dictionary((space?.parameters ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var axes = parameters.map { name in
            ParallelAxis(name: name, values: successes.map { $0.configuration[name] }, parameter: declared[name])
        }
        axes.append(ParallelAxis(name: objective.name, values: successes.map { $0.outcome.objective.map(ParameterValue.real) }, parameter: nil))
        let width = max(600.0, 120.0 * Double(axes.count)), height = 380.0
        let (left, right, top, bottom) = (60.0, 100.0, 40.0, 30.0)
        let spacing = axes.count > 1 ? (width - left - right) / Double(axes.count - 1) : 0
        func y(_ unit: Double) -> Double { top + (height - top - bottom) * (1 - unit) }
        // Colour by rank among the feasible trials (a few outliers do not wash the rest out).
        let ranked = successes.compactMap { $0.isFeasible ? $0.outcome.objective : nil }
            .sorted { objective.direction == .minimize ? $0 > $1 : $0 < $1 }
        var body: [String] = []
        // Infeasible lines first, underneath; better feasible lines last, on top.
        let order = successes.indices.sorted { a, b in
            let (fa, fb) = (successes[a].isFeasible, successes[b].isFeasible)
            if fa != fb { return !fa }
            let (va, vb) = (successes[a].outcome.objective!, successes[b].outcome.objective!)
            return objective.direction == .minimize ? va > vb : va < vb
        }
        for index in order {
            let trial = successes[index]
            let coordinates = axes.enumerated().compactMap { k, axis in
                axis.position(index).map { String(format: "%.1f,%.1f", left + spacing * Double(k), y($0)) }
            }
            guard coordinates.count >= 2 else { continue }
            let colour: String
            if trial.isFeasible {
                let value = trial.outcome.objective!
                let rank = Self.insertionIndex(of: value, in: ranked, descending: objective.direction == .minimize)
                colour = Self.colour(goodness: ranked.count > 1 ? Double(rank) / Double(ranked.count - 1) : 1)
            } else {
                colour = "#bbbbbb"
            }
            body.append("<polyline points=\"\(coordinates.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" stroke-opacity=\"0.6\" data-trial=\"\(trial.number)\"/>")
        }
        for (k, axis) in axes.enumerated() {
            let x = left + spacing * Double(k)
            body.append(##"<line x1="\##(x)" y1="\##(y(0))" x2="\##(x)" y2="\##(y(1))" stroke="#333"/>"##)
            body.append(##"<text x="\##(x)" y="\##(top - 22)" text-anchor="middle" font-size="12" font-weight="bold">\##(Self.escape(axis.name))</text>"##)
            body.append(##"<text x="\##(x + 4)" y="\##(y(1) - 4)" font-size="10">\##(Self.escape(axis.highLabel))</text>"##)
            body.append(##"<text x="\##(x + 4)" y="\##(y(0) + 12)" font-size="10">\##(Self.escape(axis.lowLabel))</text>"##)
        }
        let svg = ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="\##(height)" viewBox="0 0 \##(width) \##(height)">"##
            + body.joined() + "</svg>"
        return "<h2>Configurations</h2>\n<p>Parallel coordinates: one line per trial that ran, coloured from worst (yellow) to best (blue) "
            + "\(Self.escape(objective.name)), by rank; grey: broke a constraint.</p>\n"
            + "<figure id=\"parallel-coordinates\">\(svg)</figure>"
    }

    var table: String {
        let parameters = Array(Set(trials.flatMap { $0.configuration.parameterNames })).sorted()
        let predicted = Array(Set(trials.flatMap { $0.predictions.keys })).sorted()
        let measured = Array(Set(trials.flatMap { $0.measurements.keys })).sorted()
        var header = ["trial", "outcome", objective.name] + parameters
        header += predicted.map { "\($0) (predicted)" } + measured.map { "\($0) (measured)" } + ["seconds"]
        var rows: [String] = []
        rows.reserveCapacity(trials.count)
        for trial in trials {
            let (outcome, kind): (String, String)
            switch trial.outcome {
            case .success: (outcome, kind) = trial.isFeasible ? ("feasible", "feasible") : ("broke " + trial.violatedConstraints.joined(separator: ", "), "violated")
            case let .infeasible(reason): (outcome, kind) = ("infeasible: " + reason, "infeasible")
            case let .failed(message): (outcome, kind) = ("failed: " + (message.split(separator: "\n").first.map(String.init) ?? ""), "failed")
            }
            var cells = ["<td>\(trial.number)</td>", "<td class=\"outcome\">\(Self.escape(outcome))</td>",
                         "<td>\(trial.outcome.objective.map(Self.format) ?? "")</td>"]
            cells += parameters.map { "<td>\(Self.escape(trial.configuration[$0].map(Self.format) ?? ""))</td>" }
            cells += predicted.map { "<td>\(trial.predictions[$0].map(Self.format) ?? "")</td>" }
            cells += measured.map { "<td>\(trial.measurements[$0].map(Self.format) ?? "")</td>" }
            cells.append("<td>\(Self.format(trial.evaluationSeconds))</td>")
            rows.append("<tr class=\"\(kind)\">\(cells.joined())</tr>")
        }
        let states = ["all", "feasible", "violated", "infeasible", "failed"]
        let filter = "<label>Show <select id=\"state-filter\">"
            + states.map { "<option value=\"\($0)\">\($0 == "violated" ? "broke a constraint" : $0)</option>" }.joined()
            + "</select></label> <span id=\"shown-count\"></span>"
        return """
            <h2>Trials</h2>
            <p>\(filter) Click a column's header to sort by it.</p>
            <table id="trials" class="sortable"><thead><tr>\(header.map { "<th>\(Self.escape($0))</th>" }.joined())</tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody></table>
            """
    }

    // MARK: - Page resources (inlined by `html`, served by the dashboard)

    /// The page's style sheet.
    public static let style = """
        body { font-family: sans-serif; margin: 2em; color: #222; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: right; }
        th { background: #f0f0f0; }
        table.sortable th { cursor: pointer; }
        tr.feasible td.outcome { color: #2a7a2a; } tr.violated td.outcome, tr.failed td.outcome { color: #b22; }
        figure { margin: 1em 0; }
        #live { font-size: 13px; color: #666; }
        """

    /// The page's script: sorting by a column and filtering by state (delegated, so that it
    /// keeps working when the dashboard swaps the content), and the shown-row count.
    public static let script = """
        (function () {
          var state = { filter: 'all', sortColumn: -1, ascending: true };
          function rows() { var t = document.getElementById('trials'); return t ? Array.from(t.tBodies[0].rows) : []; }
          function applyFilter() {
            var shown = 0;
            rows().forEach(function (row) {
              var visible = state.filter === 'all' || row.classList.contains(state.filter);
              row.style.display = visible ? '' : 'none';
              if (visible) shown += 1;
            });
            var count = document.getElementById('shown-count');
            if (count) count.textContent = shown + ' shown.';
            var select = document.getElementById('state-filter');
            if (select) select.value = state.filter;
          }
          function applySort() {
            var table = document.getElementById('trials');
            if (!table || state.sortColumn < 0) return;
            var column = state.sortColumn, body = table.tBodies[0];
            var sorted = rows().sort(function (a, b) {
              var x = a.cells[column] ? a.cells[column].textContent : '', y = b.cells[column] ? b.cells[column].textContent : '';
              var nx = parseFloat(x), ny = parseFloat(y);
              var order = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y) : nx - ny;
              return state.ascending ? order : -order;
            });
            sorted.forEach(function (row) { body.appendChild(row); });
          }
          document.addEventListener('click', function (event) {
            var header = event.target.closest('table.sortable th');
            if (!header) return;
            var column = Array.from(header.parentNode.children).indexOf(header);
            state.ascending = state.sortColumn === column ? !state.ascending : true;
            state.sortColumn = column;
            applySort();
          });
          document.addEventListener('change', function (event) {
            if (event.target.id !== 'state-filter') return;
            state.filter = event.target.value;
            applyFilter();
          });
          window.hyperpowerReport = { refresh: function () { applySort(); applyFilter(); } };
          applyFilter();
        })();
        """

    // MARK: - Formatting

    /// A value as reports print it (5 significant digits; also `hyperpower run`'s progress lines).
    public static func format(_ value: Double) -> String { String(format: "%.5g", value) }

    /// A parameter value as reports print it (reals to 5 significant digits).
    public static func format(_ value: ParameterValue) -> String {
        if case let .real(x) = value { return format(x) }
        return "\(value)"
    }

    /// The position of `value` in `sorted` (worst first): how many values are worse.
    static func insertionIndex(of value: Double, in sorted: [Double], descending: Bool) -> Int {
        var (low, high) = (0, sorted.count)
        while low < high {
            let middle = (low + high) / 2
            if descending ? sorted[middle] > value : sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return min(low, max(sorted.count - 1, 0))
    }

    static func percent(_ share: Double) -> String { String(format: "%.1f%%", 100 * share) }

    /// Yellow (0) to blue (1).
    static func colour(goodness: Double) -> String {
        let t = min(max(goodness, 0), 1)
        let (r, g, b) = (0.99 + (0.12 - 0.99) * t, 0.80 + (0.47 - 0.80) * t, 0.15 + (0.71 - 0.15) * t)
        return String(format: "#%02x%02x%02x", Int(255 * r), Int(255 * g), Int(255 * b))
    }

    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// One axis of the parallel coordinates: numbers on their declared range and scale (or the
/// data's range, linear, when the parameter is not declared), categories evenly spaced in
/// their declared order (else sorted); each value at a position in 0…1.
struct ParallelAxis {
    var name: String
    var positions: [Double?]
    var lowLabel: String
    var highLabel: String

    init(name: String, values: [ParameterValue?], parameter: Parameter?) {
        self.name = name
        var categories: [String]?
        var range: (Double, Double)?
        var logarithmic = false
        switch parameter {
        case let .real(_, declared, scale)?: range = (declared.lowerBound, declared.upperBound); logarithmic = scale == .log
        case let .integer(_, declared, scale)?: range = (Double(declared.lowerBound), Double(declared.upperBound)); logarithmic = scale == .log
        case let .powerOfTwo(_, declared)?: range = (Double(declared.lowerBound), Double(declared.upperBound)); logarithmic = true
        case let .ordinal(_, choices)?: range = (choices.min() ?? 0, choices.max() ?? 1)
        case let .categorical(_, choices)?: categories = choices
        case nil:
            if !values.allSatisfy({ $0 == nil || $0?.number != nil }) {
                categories = Array(Set(values.compactMap { $0.map(StudyReport.format) })).sorted()
            }
        }
        if let categories {
            let index = Dictionary(categories.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            positions = values.map { value in
                guard let value, let k = index[StudyReport.format(value)] else { return nil }
                return categories.count > 1 ? Double(k) / Double(categories.count - 1) : 0.5
            }
            lowLabel = categories.first ?? ""
            highLabel = categories.count > 1 ? categories.last! : ""
            return
        }
        let numbers = values.map { $0?.number }
        let finite = numbers.compactMap { $0 }.filter(\.isFinite)
        let (low, high) = range ?? (finite.min() ?? 0, finite.max() ?? 1)
        logarithmic = logarithmic && low > 0
        let transform: (Double) -> Double = logarithmic ? { Foundation.log($0) } : { $0 }
        let (a, b) = (transform(low), transform(high))
        positions = numbers.map { value in
            guard let value, value.isFinite, !logarithmic || value > 0 else { return nil }
            return b > a ? min(max((transform(value) - a) / (b - a), 0), 1) : 0.5
        }
        lowLabel = StudyReport.format(low) + (logarithmic ? " (log)" : "")
        highLabel = StudyReport.format(high)
    }

    func position(_ index: Int) -> Double? { positions[index] }
}

/// An SVG scatter plot of one or more series (optionally connected as step lines, with the
/// diagonal y = x, and a bound on both axes, and a legend when there are several): inline,
/// no scripts.
public struct ScatterPlot: Sendable {
    /// One set of points.
    public struct Series: Sendable {
        public var name: String
        public var points: [(Double, Double)]
        public init(name: String, points: [(Double, Double)]) {
            self.name = name
            self.points = points.filter { $0.0.isFinite && $0.1.isFinite }
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var connected = false
    /// Indices of series joined as steps whatever ``connected`` says.
    public var connectedSeries: Set<Int> = []
    public var diagonal = false
    public var bound: Double?

    public init(title: String, xLabel: String, yLabel: String, points: [(Double, Double)], connected: Bool = false,
                diagonal: Bool = false, bound: Double? = nil) {
        self.init(title: title, xLabel: xLabel, yLabel: yLabel, series: [Series(name: "", points: points)], connected: connected,
                  diagonal: diagonal, bound: bound)
    }

    public init(title: String, xLabel: String, yLabel: String, series: [Series], connected: Bool = false,
                diagonal: Bool = false, bound: Double? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.connected = connected
        self.diagonal = diagonal
        self.bound = bound
    }

    /// Every series' points.
    public var points: [(Double, Double)] { series.flatMap(\.points) }

    public var svg: String {
        let width = 560.0, height = 420.0
        let (left, right, top, bottom) = (80.0, 20.0, 30.0, 50.0)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let all = points
        var xs = all.map(\.0), ys = all.map(\.1)
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
        let xTicks = AxisTicks(low: xLow, high: xHigh), yTicks = AxisTicks(low: yLow, high: yHigh)
        for (vx, label) in zip(xTicks.values, xTicks.labels) {
            body.append(##"<line x1="\##(x(vx))" y1="\##(top + plotHeight)" x2="\##(x(vx))" y2="\##(top + plotHeight + 5)" stroke="#444"/>"##)
            body.append(##"<text x="\##(x(vx))" y="\##(top + plotHeight + 18)" text-anchor="middle" font-size="12">\##(label)</text>"##)
        }
        for (vy, label) in zip(yTicks.values, yTicks.labels) {
            body.append(##"<line x1="\##(left - 5)" y1="\##(y(vy))" x2="\##(left)" y2="\##(y(vy))" stroke="#444"/>"##)
            body.append(##"<text x="\##(left - 8)" y="\##(y(vy) + 4)" text-anchor="end" font-size="12">\##(label)</text>"##)
        }
        if diagonal {
            let low = max(xLow, yLow), high = min(xHigh, yHigh)
            body.append(##"<line x1="\##(x(low))" y1="\##(y(low))" x2="\##(x(high))" y2="\##(y(high))" stroke="#999" stroke-dasharray="4 3"/>"##)
        }
        if let bound {
            body.append(##"<line x1="\##(x(bound))" y1="\##(top)" x2="\##(x(bound))" y2="\##(top + plotHeight)" stroke="#d62728" stroke-dasharray="2 2"/>"##)
            body.append(##"<line x1="\##(left)" y1="\##(y(bound))" x2="\##(left + plotWidth)" y2="\##(y(bound))" stroke="#d62728" stroke-dasharray="2 2"/>"##)
        }
        for (k, series) in series.enumerated() {
            let colour = LinePlot.colours[k % LinePlot.colours.count]
            let points = series.points
            if connected || connectedSeries.contains(k), points.count > 1 {
                var path = "M \(x(points[0].0)) \(y(points[0].1))"
                for k in 1..<points.count { path += " H \(x(points[k].0)) V \(y(points[k].1))" }
                body.append(##"<path d="\##(path)" fill="none" stroke="\##(colour)" stroke-width="2"/>"##)
            }
            for (px, py) in points {
                body.append(##"<circle cx="\##(x(px))" cy="\##(y(py))" r="3" fill="\##(colour)" fill-opacity="0.7"/>"##)
            }
            if self.series.count > 1 {
                let ly = top + 16 + 16 * Double(k)
                body.append(##"<line x1="\##(left + plotWidth - 170)" y1="\##(ly - 4)" x2="\##(left + plotWidth - 150)" y2="\##(ly - 4)" stroke="\##(colour)" stroke-width="2"/>"##)
                body.append(##"<text x="\##(left + plotWidth - 145)" y="\##(ly)" font-size="12">\##(StudyReport.escape(series.name))</text>"##)
            }
        }
        body.append(##"<text x="\##(left + plotWidth / 2)" y="\##(height - 10)" text-anchor="middle" font-size="13">\##(StudyReport.escape(xLabel))</text>"##)
        body.append(##"<text x="18" y="\##(top + plotHeight / 2)" text-anchor="middle" font-size="13" transform="rotate(-90 18 \##(top + plotHeight / 2))">\##(StudyReport.escape(yLabel))</text>"##)
        body.append(##"<text x="\##(left)" y="18" font-size="14">\##(StudyReport.escape(title))</text>"##)
        return ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="\##(height)" viewBox="0 0 \##(width) \##(height)">"##
            + body.joined() + "</svg>"
    }
}
