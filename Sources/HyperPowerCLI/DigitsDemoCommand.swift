import ArgumentParser
import Demos
import Foundation
import HyperPower

/// `hyperpower demo` (what `make demo` runs): tune an MLP on the UCI digits under memory and
/// latency budgets on this machine, against random search and the constraint-unaware baseline.
struct DigitsDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlp",
        abstract: "Tune a BLAS MLP on the UCI digits under memory and latency budgets; compare with the baselines.",
        discussion: """
            Profiles a dozen configurations' inference latency on this CPU, fits a latency model, \
            then gives HyperPower, random search with the same gate and the constraint-unaware \
            baseline the same wall-clock budget per seed, scoring each configuration by k-fold \
            cross-validation on all 1,797 digits. Writes index.html, trials.csv, result.json and \
            best_error.svg to --output.
            """)

    @Option(parsing: .unconditional, help: "Wall-clock seconds per method and seed.")
    var seconds: Double = 15

    @Option(parsing: .unconditional, help: "Seeds to run (seed, seed+1, …); the table reports medians over them.")
    var seeds: Int = 3

    @Option(parsing: .unconditional, help: "The first seed (optimisers, training, profiling).")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Also stop a method after this many evaluations.")
    var maxEvaluations: Int?

    @Option(parsing: .unconditional, help: "Cross-validation folds over all 1,797 digits.")
    var folds: Int = 5

    @Option(parsing: .unconditional, help: "Inference latency budget (a batch of 32) in µs (default: the median of the profiled configurations).")
    var latencyBudget: Double?

    @Option(parsing: .unconditional, help: "Model memory budget (weights + inference activations, fp32) in kB.")
    var memoryBudget: Double = 1000

    @Option(parsing: .unconditional, help: "Training epochs per evaluation.")
    var epochs: Int = 15

    @Flag(help: "Print every trial, not only each method's summary.")
    var verbose = false

    @Option(help: "Report folder.")
    var output: String = "report"

    func validate() throws {
        guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be a positive number (got \(seconds))") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1 (got \(seeds))") }
        if let maxEvaluations, maxEvaluations < 1 { throw ValidationError("--max-evaluations must be at least 1 (got \(maxEvaluations))") }
        guard (2...10).contains(folds) else { throw ValidationError("--folds must be 2–10 (got \(folds))") }
        if let latencyBudget, !(latencyBudget > 0 && latencyBudget.isFinite) {
            throw ValidationError("--latency-budget must be a positive number of µs (got \(latencyBudget))")
        }
        guard memoryBudget > 0, memoryBudget.isFinite else { throw ValidationError("--memory-budget must be a positive number of kB") }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1 (got \(epochs))") }
        guard !output.isEmpty else { throw ValidationError("--output must name a folder") }
    }

    func run() async throws {
        var settings = DigitsDemo.Settings()
        settings.secondsPerMethod = seconds
        settings.seeds = (0..<UInt64(seeds)).map { seed &+ $0 }
        settings.maximumEvaluations = maxEvaluations
        settings.folds = folds
        settings.latencyBudgetMicroseconds = latencyBudget
        settings.memoryBudgetBytes = memoryBudget * 1000
        settings.epochs = epochs
        try CommandSupport.prepareOutputFolder(output)
        print("HyperPower demo: an MLP on the UCI handwritten digits (1,797 8×8 images, \(folds)-fold cross-validated error)")
        print("Search: layers 1–3, units 16–512, learning rate 1e-4–1e-1, batch 16–256, weight decay 1e-6–1e-2; \(epochs) epochs")
        print(String(format: "Each method gets %.0f s of wall clock per seed, %d seeds\n", seconds, seeds))
        let start = Date()
        let verbose = self.verbose
        let report = try await DigitsDemo.run(settings) { line in
            if verbose || !line.hasPrefix("[seed") { print(line) }
        }
        let folder = URL(fileURLWithPath: output)
        do {
            try DemoReportWriter.write(report, to: folder)
        } catch {
            throw CommandFailure("cannot write the report into \(output): \(HyperPowerError.reason(of: error))")
        }
        func percent(_ value: Double?) -> String { value.map { String(format: "%.2f%%", 100 * $0) } ?? "none" }
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        print("\n" + pad("method", 21) + pad("median best error", 19) + pad("per seed", 25) + pad("over a budget", 15)
              + pad("evaluations per seed", 22) + "per minute")
        for method in settings.methods {
            let runs = report.results(of: method)
            let evaluations = runs.map(\.evaluations)
            let minutes = runs.reduce(0) { $0 + $1.wallSeconds } / 60
            print(pad(method.rawValue, 21) + pad(percent(report.medianBest(of: method)), 19)
                  + pad(runs.map { percent($0.best?.outcome.objective) }.joined(separator: ", "), 25)
                  + pad("\(runs.reduce(0) { $0 + $1.budgetViolations })", 15)
                  + pad(evaluations.map(String.init).joined(separator: ", "), 22)
                  + String(format: "%.1f", Double(evaluations.reduce(0, +)) / max(minutes, 1e-9)))
        }
        let comparisons = report.comparisons
        if !comparisons.isEmpty {
            print("\nHyperPower against the constraint-unaware baseline (the same wall clock):")
            print(pad("seed", 6) + pad("baseline's best", 17) + pad("baseline took", 15) + pad("HyperPower took", 17) + pad("speed-up", 10)
                  + "evaluations per minute, ratio")
            for c in comparisons {
                print(pad("\(c.seed)", 6) + pad(percent(c.baselineBest), 17)
                      + pad(c.baselineSeconds.map { String(format: "%.1f s", $0) } ?? "–", 15)
                      + pad(c.hyperpowerSeconds.map { String(format: "%.1f s", $0) } ?? "not reached", 17)
                      + pad(c.speedup.map { String(format: "%.1f×", $0) } ?? "–", 10) + String(format: "%.1f×", c.evaluationRateRatio))
            }
            // A seed on which HyperPower never reached the baseline's best counts as no speed-up (0×).
            let speedups = comparisons.map { $0.speedup ?? 0 }.sorted()
            let reached = comparisons.filter { $0.hyperpowerSeconds != nil }.count
            let ratios = comparisons.map(\.evaluationRateRatio).sorted()
            print(String(format: "HyperPower reached the baseline's final best error on %d of %d seeds; median speed-up %.1f×, median %.1f× the evaluations per minute.",
                         reached, comparisons.count, speedups[speedups.count / 2], ratios[ratios.count / 2]))
        }
        print(String(format: "\nReport: %@/index.html (opens with best error against time), trials.csv, result.json, best_error.svg (total %.0f s)",
                     folder.path, Date().timeIntervalSince(start)))
    }
}
