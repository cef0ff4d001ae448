import Experiments
import Foundation
import HyperPower
import Testing

/// The HTML report: what it counts, what it plots, that it is self-contained and escaped.
@Suite struct StudyReportTests {
    static func trial(_ number: Int, x: Double, outcome: TrialOutcome, latency: (predicted: Double, measured: Double)? = nil,
                      violated: [String] = []) -> Trial {
        Trial(number: number, configuration: Configuration(["x": .real(x), "kind": .categorical("a")]), outcome: outcome,
              predictions: latency.map { ["latency": $0.predicted] } ?? [:], measurements: latency.map { ["latency": $0.measured] } ?? [:],
              violatedConstraints: violated, suggestionSeconds: 0.01, evaluationSeconds: 1)
    }

    static let trials = [
        trial(0, x: 0.5, outcome: .success(objective: 0.3), latency: (4, 5)),
        trial(1, x: 0.9, outcome: .success(objective: 0.1), latency: (8, 12), violated: ["latency"]),
        trial(2, x: 0.2, outcome: .failed(message: "CUDA <out of memory> & more\nsecond line")),
        trial(3, x: 0.4, outcome: .success(objective: 0.2), latency: (6, 7)),
    ]

    @Test func countsPlotsAndTheBestFeasibleTrial() {
        let html = StudyReport(title: "demo <study>", trials: Self.trials, constraints: [.init(name: "latency", bound: 10, isKnown: true)]).html
        #expect(html.contains(#"<span id="trial-count">4</span> trials: 2 feasible, 1 broke a constraint, 0 infeasible, 1 failed"#))
        #expect(html.contains(#"<strong id="best-value">0.2</strong>"#))  // trial 1 (0.1) broke the latency bound
        #expect(html.components(separatedBy: "<tr class=").count - 1 == 4)
        // Best vs time, vs evaluations, calibration, parallel coordinates.
        #expect(html.components(separatedBy: "<svg").count - 1 == 4)
        #expect(html.components(separatedBy: "data-trial=").count - 1 == 3)  // one line per trial that ran
        #expect(html.contains(#"<tr data-constraint="latency"><th>latency</th><td>known</td><td>≤ 10</td><td>not recorded</td><td class="violations">1</td>"#))
        #expect(html.contains(#"<option value="failed">failed</option>"#))
        #expect(html.contains("Calibration of &#39;latency&#39;") || html.contains("Calibration of 'latency'"))
        #expect(html.contains("3 trials: MAPE"))
        // Escaped, self-contained.
        #expect(html.contains("demo &lt;study&gt;"))
        #expect(html.contains("failed: CUDA &lt;out of memory&gt; &amp; more"))
        #expect(!html.contains("<out of memory>"))
        let external = html.components(separatedBy: "http").count - 1
        let namespaces = html.components(separatedBy: "http://www.w3.org/2000/svg").count - 1
        #expect(external == namespaces)
    }

    /// Two objectives: the front's trials, plotted as a staircase and listed, best first.
    @Test func severalObjectivesPlotTheirParetoFront() {
        func trial(_ number: Int, _ accuracy: Double, _ latency: Double, violated: [String] = []) -> Trial {
            Trial(number: number, configuration: Configuration(["x": .real(Double(number))]), outcome: .success(objective: accuracy),
                  violatedConstraints: violated, objectiveValues: ["accuracy": accuracy, "latency": latency])
        }
        let trials = [trial(0, 0.90, 5), trial(1, 0.80, 6), trial(2, 0.95, 9), trial(3, 0.99, 1, violated: ["memory"]), trial(4, 0.70, 2)]
        let html = StudyReport(title: "front", trials: trials, objective: .maximize("accuracy"),
                               objectives: [.maximize("accuracy"), .minimize("latency")]).html
        #expect(html.contains("3 of 4 feasible trials are on the front of accuracy, latency."))
        let table = html.components(separatedBy: #"<table class="pareto">"#).last!.components(separatedBy: "</table>").first!
        #expect(table.components(separatedBy: "<tr><td>").dropFirst().map { $0.prefix { $0 != "<" } } == ["2", "0", "4"])
        #expect(html.contains(#"<figure id="pareto-front">"#))
        // One objective: no front section.
        #expect(!StudyReport(title: "one", trials: Self.trials).html.contains("Pareto front"))
    }

    @Test func aStudyWithoutAFeasibleTrialSaysSo() {
        let html = StudyReport(title: "none", trials: [Self.trials[2]]).html
        #expect(html.contains("No feasible trial yet."))
        #expect(!html.contains("<svg"))
    }
}
