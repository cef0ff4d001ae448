import ArgumentParser
import Experiments
import Foundation
import HyperPower
import Logging

/// `hyperpower demo nas`: hardware-aware architecture search over the 15,625 NAS-Bench-201
/// cells with their real CIFAR-10 accuracies and device latencies.
struct NASDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nas",
        abstract: "Hardware-aware NAS on NAS-Bench-201: a latency model fitted on profiled cells gates the search.",
        discussion: """
            Each run profiles --profiled random cells on --device (their measured latency only), \
            fits HyperPower's linear latency model on one-hot cell features, and searches for the \
            most accurate cell whose predicted latency is within --latency-budget. An evaluation \
            looks up the cell's trained accuracy (200 epochs) and reports its measured latency. \
            Methods: hyperpower (the model gates), random (random search, same gate), \
            exact-random (random search gated by the true latencies: an oracle). HyperPower's \
            gate is calibrated by the measured latency (a GP on the model's log residuals; it \
            trains a cell only if P(latency ≤ budget) ≥ 1 − δ) unless --uncalibrated; with \
            --profile-on-demand it first measures (profiles) the latency of cells it is unsure \
            of, using the table as the profiler, and never trains one that profiles over the \
            budget. With --observed-latency, HyperPower also learns the measured latency as an \
            observed constraint.
            """)

    @Option(help: "Device: \(Self.deviceList).")
    var device: String = "pixel3"

    @Option(parsing: .unconditional, help: "Latency budget in ms.")
    var latencyBudget: Double = 10

    @Option(parsing: .unconditional, help: "Evaluations per run.")
    var budget: Int = 100

    @Option(parsing: .unconditional, help: "Profiled cells the latency model is fitted on.")
    var profiled: Int = 50

    @OptionGroup var seeds: SeedOptions

    @Option(parsing: .unconditional, help: "HyperPower's initial design size (default: the library's).")
    var initialDesign: Int?

    @Option(parsing: .unconditional, help: "Report the evaluations each method needs to reach this CIFAR-10 accuracy (%).")
    var targetAccuracy: Double?

    @Flag(help: "Also learn the measured latency as an observed constraint.")
    var observedLatency = false

    @Flag(help: "Gate with the latency model alone: do not learn its error from the measured latencies.")
    var uncalibrated = false

    @Option(parsing: .unconditional, help: "δ of the calibrated gate: the largest probability of breaking the budget a cell may have when it is trained unprofiled.")
    var violationProbability: Double = Constraint.Calibration.defaultViolationProbability

    @Option(parsing: .unconditional, help: "With --profile-on-demand: the cost of profiling a cell relative to training it (a cell is profiled when its probability of breaking the budget exceeds this, or δ).")
    var profilingCost: Double = 0.001

    @Flag(help: "Profile the cells the calibrated gate is unsure of (the table's latency) before training them.")
    var profileOnDemand = false

    @Option(help: "accuracy (one objective, the default) or accuracy,latency: search the accuracy–latency front within --latency-budget and report its hypervolume against the table's true front.")
    var objectives: String = "accuracy"

    @Option(parsing: .unconditional, help: "With --objectives accuracy,latency: the hypervolume's reference accuracy (%); cells below it add nothing.")
    var referenceAccuracy: Double = 80

    @Option(help: "With --objectives accuracy,latency: automatic (the default; parego on this categorical space), parego or ehvi: how HyperPower searches the front of the measured latency.")
    var frontAcquisition: String?

    @Flag(help: "With --objectives accuracy,latency: the known-latency method predicts each cell's latency from the table (a lookup table of measured latencies, as HW-NAS-Bench gives) instead of the 50-cell linear model.")
    var latencyTable = false

    @Flag(help: "Write JSON instead of the table.")
    var json = false

    static let deviceList = "fpga, eyeriss_asic, raspi4, pixel3, pixel2, samsung_a50, samsung_s7, essential_ph1, cpu_xeon_gold6226, gpu_titanx_b1, …"

    func validate() throws {
        guard latencyBudget > 0, latencyBudget.isFinite else { throw ValidationError("--latency-budget must be a positive number of ms") }
        guard budget >= 1 else { throw ValidationError("--budget must be at least 1") }
        guard profilingCost > 0, profilingCost.isFinite else { throw ValidationError("--profiling-cost must be a positive number") }
        if !(violationProbability > 0 && violationProbability < 0.5) {
            throw ValidationError("--violation-probability must be in (0, 0.5) (got \(violationProbability))")
        }
        if uncalibrated && profileOnDemand { throw ValidationError("--profile-on-demand needs the calibrated gate; drop --uncalibrated") }
        guard profiled >= 2 else { throw ValidationError("--profiled must be at least 2 (got \(profiled))") }
        guard ["accuracy", "accuracy,latency"].contains(objectives) else {
            throw ValidationError("--objectives must be accuracy or accuracy,latency (got '\(objectives)')")
        }
        guard referenceAccuracy.isFinite, (0..<100).contains(referenceAccuracy) else {
            throw ValidationError("--reference-accuracy must be a percentage below 100 (got \(referenceAccuracy))")
        }
    }

    typealias SeedReport = NASExperiment.SeedReport


    func run() async throws {
        let bench = try NASBench201.load()
        guard bench.devices.contains(device) else {
            throw ValidationError("unknown --device '\(device)'; choose one of \(bench.devices.joined(separator: ", "))")
        }
        if objectives == "accuracy,latency" { return try await runFront(bench) }
        let experiment = NASExperiment(
            bench: bench, device: device, latencyBudgetMilliseconds: latencyBudget, evaluations: budget,
            profiledCells: profiled, initialDesignSize: initialDesign, observedLatency: observedLatency,
            calibrated: !uncalibrated, violationProbability: violationProbability, profileOnDemand: profileOnDemand,
            profilingCost: profilingCost,
            targetAccuracy: targetAccuracy)
        var reports: [SeedReport] = []
        for seed in seeds.values { reports.append(try await experiment.run(seed: seed)) }
        if json {
            try CommandSupport.printJSON(reports)
        } else {
            printSummary(reports)
        }
    }

    /// `--objectives accuracy,latency`: the front, per seed and in the median.
    func runFront(_ bench: NASBench201) async throws {
        var experiment = NASFrontExperiment(
            bench: bench, device: device, latencyBudgetMilliseconds: latencyBudget, evaluations: budget, profiledCells: profiled,
            referenceAccuracy: referenceAccuracy, knownLatencyFromTable: latencyTable)
        if let front = try CommandSupport.frontAcquisition(frontAcquisition) { experiment.settings.frontAcquisition = front }
        if let initialDesign { experiment.settings.initialDesignSize = initialDesign }
        experiment.calibrated = !uncalibrated
        experiment.violationProbability = violationProbability
        var reports: [NASFrontExperiment.SeedReport] = []
        for seed in seeds.values { reports.append(try await experiment.run(seed: seed)) }
        if json { return try CommandSupport.printJSON(reports) }
        let first = reports[0]
        print("NAS-Bench-201 on \(device): accuracy (maximised) against latency (minimised), latency ≤ \(latencyBudget) ms "
            + "(gated by a linear model on \(profiled) profiled cells; HyperPower's gate "
            + (uncalibrated ? "the model's prediction)" : String(format: "calibrated by the measured latency, δ = %g)", violationProbability)))
        print(String(format: "True front: %d cells; hypervolume %.4g against the reference (accuracy %g%%, latency %g ms)",
                     first.trueFront.count, first.trueHypervolume, referenceAccuracy, first.referenceLatency))
        print("Budget \(budget) evaluations per run; the known-latency method's latency: "
            + (latencyTable ? "the table's measured latency (a lookup table)" : "the linear model's prediction") + "\n")
        print("  seed  method                     hypervolume / true  front size  broke the true budget")
        for report in reports {
            for run in report.runs {
                print(String(format: "  %4llu  ", report.seed) + run.method.padding(toLength: 25, withPad: " ", startingAt: 0)
                    + String(format: "  %17.1f%%  %10d  %21d", 100 * run.hypervolumeRatio, run.frontSize, run.trueBudgetViolations))
            }
        }
        print("\nMedians over \(reports.count) seed(s):")
        for (index, method) in first.runs.map(\.method).enumerated() {
            let ratios = reports.map { $0.runs[index].hypervolumeRatio }
            let violations = reports.map { Double($0.runs[index].trueBudgetViolations) }
            print("  \(method.padding(toLength: 25, withPad: " ", startingAt: 0)) "
                + String(format: "%.1f%% of the true front's hypervolume, broke the true budget %.0f times", 100 * median(ratios), median(violations)))
        }
        print("\nThe true front (accuracy %, latency ms): "
            + first.trueFront.sorted { $0[1] < $1[1] }.map { String(format: "%.2f@%.3g", $0[0], $0[1]) }.joined(separator: " "))
    }

    /// The median, NaN for no values (printed as such in the summary).
    func median(_ values: [Double]) -> Double { Statistics.median(values) ?? .nan }

    func printSummary(_ reports: [SeedReport]) {
        let first = reports[0]
        print("NAS-Bench-201 on \(device), latency ≤ \(latencyBudget) ms: \(first.feasibleCells) feasible cells, "
            + "true best feasible accuracy \(String(format: "%.2f", first.trueBestFeasibleAccuracy))%")
        let gate = uncalibrated ? "the model's prediction" : String(format: "calibrated by the measured latency, δ = %g", violationProbability)
            + (profileOnDemand ? String(format: ", cells profiled first when P(over budget) > %g", min(violationProbability, profilingCost)) : "")
        print("Latency model: linear on one-hot cell features, \(profiled) profiled cells; gate: \(gate); budget \(budget) evaluations\(observedLatency ? "; measured latency learned as an observed constraint" : "")\n")
        print("  seed  model RMSPE  method         best feasible acc.  broke the true budget  profiled  evals to reach HyperPower's best")
        for report in reports {
            for run in report.runs {
                let best = run.bestFeasibleAccuracy.map { String(format: "%17.2f%%", $0) } ?? "                 —"
                let reach = run.evaluationsToReachHyperPower.map { String($0) } ?? "never"
                print(String(format: "  %4llu  %10.1f%%  ", report.seed, 100 * report.latencyModelHeldOutRMSPE)
                    + run.method.padding(toLength: 13, withPad: " ", startingAt: 0)
                    + "  \(best)  " + String(format: "%21d  %8d", run.trueBudgetViolations, run.profiles) + "  \(reach)")
            }
        }
        print("\nMedians over \(reports.count) seed(s):")
        for (index, method) in reports[0].runs.map(\.method).enumerated() {
            let bests = reports.compactMap { $0.runs[index].bestFeasibleAccuracy }
            let violations = reports.map { Double($0.runs[index].trueBudgetViolations) }
            let profiles = reports.map { Double($0.runs[index].profiles) }
            let reach = reports.compactMap { $0.runs[index].evaluationsToReachHyperPower.map(Double.init) }
            let never = reports.filter { $0.runs[index].evaluationsToReachHyperPower == nil }.count
            var line = "  \(method.padding(toLength: 13, withPad: " ", startingAt: 0)) best feasible "
                + String(format: "%.2f%%, broke the true budget %.0f times", median(bests), median(violations))
                + (profiles.contains { $0 > 0 } ? String(format: ", profiled %.0f cells", median(profiles)) : "")
                + ", reached HyperPower's best after "
                + (reach.isEmpty ? "—" : String(format: "%.0f", median(reach))) + " evaluations"
                + (never > 0 ? " (never in \(never) run(s))" : "")
            if let target = targetAccuracy {
                // Runs that never reach the target count as budget + 1 (so the median is honest).
                let toTarget = reports.map { Double($0.runs[index].evaluationsToReachTarget ?? (budget + 1)) }
                let missed = reports.filter { $0.runs[index].evaluationsToReachTarget == nil }.count
                line += String(format: "; reached %.2f%% after %.0f evaluations", target, median(toTarget))
                    + (missed > 0 ? " (missed in \(missed) run(s), counted as \(budget + 1))" : "")
            }
            print(line)
        }
    }
}
