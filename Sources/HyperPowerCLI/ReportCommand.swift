import ArgumentParser
import Experiments
import Foundation
import HyperPower
import Logging

/// `hyperpower report JOURNAL`: summarise a study from its journal.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a study kept in a journal or a PostgreSQL database: best feasible trial, counts per outcome, predicted vs measured metrics.")

    @Argument(help: "The journal (JSON Lines) of a study, or a postgresql:// URL (with --study).")
    var journal: String

    @Option(help: "The study's name, when the storage is a PostgreSQL database.")
    var study: String?

    @Option(help: "Also write an SVG plot of the best feasible objective against evaluations.")
    var svg: String?

    @Option(help: "Also write the study as one self-contained HTML page (plots, calibration, a sortable trials table).")
    var html: String?

    func run() async throws {
        if let svg { try CommandSupport.checkWritableFile(svg) }
        if let html { try CommandSupport.checkWritableFile(html) }
        let study: Study
        do {
            study = try await Study.load(from: try StorageOption.open(journal, study: self.study, readOnly: true, logger: Logger(label: "hyperpower")))
        } catch let error as ValidationError {
            throw error
        } catch {
            throw CommandFailure("cannot read \(journal) as a HyperPower study: \(error)")
        }
        let trials = await study.trials
        let objective = study.objective
        let counts = Dictionary(grouping: trials) { trial -> String in
            switch trial.outcome {
            case .success: return trial.isFeasible ? "feasible" : "violated a constraint"
            case .infeasible: return "infeasible"
            case .failed: return "failed"
            }
        }.mapValues(\.count)
        let pending = await study.pendingTrialNumbers.count
        let late = await study.lateResults.count
        print("\(study.storage.location): \(trials.count) completed trials, \(pending) pending"
            + (late > 0 ? ", \(late) late results (told after the trial was offered again and completed; not counted)" : ""))
        for key in counts.keys.sorted() { print("  \(key): \(counts[key]!)") }
        let objectives = study.objectives
        if objectives.count > 1 {
            // A front study: its Pareto front, as `hyperpower run` ends with it.
            print(RunCommand.frontSummary(trials, objectives: objectives))
        } else if let best = SearchResult.best(of: trials, objective: objective) {
            print("Best feasible: trial \(best.number), \(objective.name) \(best.outcome.objective!)  [\(best.configuration)]")
        } else {
            print("No feasible trial yet.")
        }
        let calibration = Calibration.predictedAgainstMeasured(trials)
        for name in calibration.keys.sorted() {
            let report = calibration[name]!
            print(String(format: "Predicted vs measured '%@': %d trials, RMSPE %.1f%%, MAPE %.1f%%, Kendall τ %.2f", name,
                         report.count, 100 * report.rootMeanSquaredPercentageError, 100 * report.meanAbsolutePercentageError,
                         report.kendallTau))
        }
        for report in Calibration.intervals(trials) {
            let delta = report.violationProbability
            print(String(format: "Calibrated '%@' on %d trials: MAPE %.1f%% plain → %.1f%% corrected; measured above the %.0f%% quantile %d times (%.0f%%, calibrated ≤ %.0f%%), below the %.0f%% quantile %d times",
                         report.name, report.count, 100 * report.plain.meanAbsolutePercentageError,
                         100 * report.corrected.meanAbsolutePercentageError, 100 * (1 - delta), report.aboveUpper,
                         100 * Double(report.aboveUpper) / Double(max(report.count, 1)), 100 * delta, 100 * delta, report.belowLower))
        }
        let profiles = await study.profiles
        if !profiles.isEmpty {
            let rejected = profiles.filter { !$0.violatedConstraints.isEmpty }.count
            print("Profiled without training: \(profiles.count) configurations, \(rejected) of them over a bound (never trained)")
        }
        if let shares = StudyReport.AdmittedShares(attribute: await study.attributes[Study.admittedSharesAttribute]) {
            let each = shares.byConstraint.keys.sorted().map { String(format: "'%@' %.1f%%", $0, 100 * shares.byConstraint[$0]!) }
            print(String(format: "The known constraints admit %.1f%% of the search space (%@)", 100 * shares.all, each.joined(separator: ", ")))
        }
        if let html {
            let name = self.study ?? URL(fileURLWithPath: journal).lastPathComponent
            let report = await StudyReport(study: study, title: "HyperPower study: \(name)")
            try CommandSupport.write(report.html, to: html)
            print("Wrote \(html)")
        }
        if let svg {
            let plot = LinePlot(
                title: "Best feasible \(objective.name) against evaluations", yLabel: "best feasible \(objective.name)",
                series: [LinePlot.Series(name: objective.name, values: Trajectory.bestSoFar(trials, objective: objective))], stepped: true)
            try CommandSupport.write(plot.svg, to: svg)
            print("Wrote \(svg)")
        }
    }
}
