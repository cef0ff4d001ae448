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
            then runs HyperPower, random search with the same gate and the constraint-unaware \
            baseline at the same budget. Writes trials.csv, result.json and best_error.svg to --output.
            """)

    @Option(parsing: .unconditional, help: "Trainings per method.")
    var budget: Int = 30

    @Option(parsing: .unconditional, help: "Seed of the optimisers, the profiling and the training.")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Inference latency budget (batch of 1) in µs (default: the median of the profiled configurations).")
    var latencyBudget: Double?

    @Option(parsing: .unconditional, help: "Model memory budget (weights + inference activations, fp32) in kB.")
    var memoryBudget: Double = 1000

    @Option(parsing: .unconditional, help: "Training epochs per evaluation.")
    var epochs: Int = 15

    @Option(help: "Report folder.")
    var output: String = "report"

    func validate() throws {
        guard budget >= 1 else { throw ValidationError("--budget must be at least 1 (got \(budget))") }
        if let latencyBudget, !(latencyBudget > 0 && latencyBudget.isFinite) {
            throw ValidationError("--latency-budget must be a positive number of µs (got \(latencyBudget))")
        }
        guard memoryBudget > 0, memoryBudget.isFinite else { throw ValidationError("--memory-budget must be a positive number of kB") }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1 (got \(epochs))") }
        guard !output.isEmpty else { throw ValidationError("--output must name a folder") }
    }

    func run() async throws {
        var settings = DigitsDemo.Settings()
        settings.budget = budget
        settings.seed = seed
        settings.latencyBudgetMicroseconds = latencyBudget
        settings.memoryBudgetBytes = memoryBudget * 1000
        settings.epochs = epochs
        try CommandSupport.prepareOutputFolder(output)
        print("HyperPower demo: an MLP on the UCI handwritten digits (1,797 8×8 images; 1,348 train, 449 validation)")
        print("Search: layers 1–3, units 16–512, learning rate 1e-4–1e-1, batch 16–256, weight decay 1e-6–1e-2; \(epochs) epochs\n")
        let start = Date()
        let report = try await DigitsDemo.run(settings) { line in print(line) }
        let folder = URL(fileURLWithPath: output)
        do {
            try DemoReportWriter.write(report, to: folder)
        } catch {
            throw CommandFailure("cannot write the report into \(output): \(HyperPowerError.reason(of: error))")
        }
        print("\nmethod               best error  layers×units  lr       batch  wd       latency µs (pred/meas)  memory kB  evals  broke a budget  wall s")
        for result in report.results {
            let name = result.method.rawValue.padding(toLength: 19, withPad: " ", startingAt: 0)
            guard let best = result.best else {
                print("\(name)  no feasible configuration in \(result.evaluations) evaluations (\(result.budgetViolations) broke a budget)")
                continue
            }
            let c = best.configuration
            print(String(format: "%@  %9.2f%%  %6d×%-5d  %.1e  %5d  %.0e  %10.1f / %-10.1f  %9.0f  %5d  %14d  %6.1f",
                         name, 100 * best.outcome.objective!, c.integer("layers"), c.integer("units"), c.double("learningRate"),
                         c.integer("batchSize"), c.double("weightDecay"), best.predictions["latency"] ?? .nan,
                         best.measurements["latency"] ?? .nan, (best.measurements["memory"] ?? .nan) / 1000,
                         result.evaluations, result.budgetViolations, result.wallSeconds))
        }
        print(String(format: "\nReport: %@/trials.csv, result.json, best_error.svg (total %.0f s)", folder.path, Date().timeIntervalSince(start)))
    }
}
