import ArgumentParser
import Foundation
import HyperPower

/// `hyperpower report JOURNAL`: summarise a study from its journal.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a study kept in a journal: best feasible trial, counts per outcome, predicted vs measured metrics.")

    @Argument(help: "The journal (JSON Lines) of a study.")
    var journal: String

    @Option(help: "Also write an SVG plot of the best feasible objective against evaluations.")
    var svg: String?

    func run() async throws {
        let study: Study
        do {
            study = try await Study.load(from: FileJournalStorage(url: URL(fileURLWithPath: journal), readOnly: true))
        } catch {
            throw ValidationError("cannot read \(journal) as a HyperPower study: \(error)")
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
        print("\(journal): \(trials.count) completed trials, \(pending) pending")
        for key in counts.keys.sorted() { print("  \(key): \(counts[key]!)") }
        if let best = SearchResult.best(of: trials, objective: objective) {
            print("Best feasible: trial \(best.number), \(objective.name) \(best.outcome.objective!)  [\(best.configuration)]")
        } else {
            print("No feasible trial yet.")
        }
        let names = Set(trials.flatMap { $0.predictions.keys }).intersection(trials.flatMap { $0.measurements.keys }).sorted()
        for name in names {
            let pairs = trials.compactMap { t in t.predictions[name].flatMap { p in t.measurements[name].map { (p, $0) } } }
            let relative = pairs.filter { $0.1 != 0 }.map { ($0.0 - $0.1) / $0.1 }
            let rmspe = (relative.map { $0 * $0 }.reduce(0, +) / Double(max(relative.count, 1))).squareRoot()
            print(String(format: "Predicted vs measured '%@': %d trials, RMSPE %.1f%%", name, pairs.count, 100 * rmspe))
        }
        if let svg {
            var best: Double?
            let trajectory = trials.sorted { $0.number < $1.number }.map { trial -> Double? in
                if trial.isFeasible { best = min(best ?? .infinity, trial.outcome.objective!) }
                return best
            }
            try Self.plot(trajectory).write(toFile: svg, atomically: true, encoding: .utf8)
            print("Wrote \(svg)")
        }
    }

    /// A minimal line plot of the best feasible objective.
    static func plot(_ values: [Double?]) -> String {
        let (width, height, margin) = (640.0, 360.0, 50.0)
        let known = values.compactMap { $0 }
        let low = known.min() ?? 0, high = max(known.max() ?? 1, (known.min() ?? 0) + 1e-12)
        let count = max(values.count, 2)
        let points = values.enumerated().compactMap { index, value in
            value.map {
                String(format: "%.1f,%.1f", margin + (width - 2 * margin) * Double(index) / Double(count - 1),
                       height - margin - (height - 2 * margin) * ($0 - low) / (high - low))
            }
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif">
            <title>Best feasible objective against evaluations</title>
            <rect x="\(margin)" y="\(margin)" width="\(width - 2 * margin)" height="\(height - 2 * margin)" fill="white" stroke="#444"/>
            <polyline fill="none" stroke="#1f77b4" stroke-width="2" points="\(points.joined(separator: " "))"/>
            <text x="\(margin)" y="\(margin - 10)" font-size="12">best \(known.min().map { String($0) } ?? "none"), first feasible \(known.max().map { String($0) } ?? "none")</text>
            <text x="\(width / 2)" y="\(height - 15)" text-anchor="middle" font-size="12">evaluations (\(values.count))</text>
            </svg>

            """
    }
}
