import ArgumentParser
import BenchmarkProblems
import Dispatch
import Experiments
import Foundation
import HyperPower
import Logging

/// `hyperpower benchmark`: runs a method on a constrained test problem over several seeds.
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Run an optimiser on a constrained test problem with a known optimum, over several seeds.",
        discussion: """
            Problems: \(BenchmarkProblem.names.joined(separator: ", ")), or 'all'; with two objectives \
            and a known true front: \(MultiObjectiveProblem.names.joined(separator: ", ")) (judged by the \
            hypervolume of the truly feasible trials).
            Methods: hyperpower (known constraints gate the search), unknown-constraints (the \
            constraint-unaware baseline: known constraints are learned like observed ones), \
            random (random search with known-constraint rejection).
            """)

    @Option(help: "The problem's name, or 'all'.")
    var problem: String

    @Option(help: "hyperpower, unknown-constraints or random.")
    var method: Method = .hyperpower

    @OptionGroup var seeds: SeedOptions

    @Option(parsing: .unconditional, help: "Evaluations per run (default: the problem's own, 40 or 60).")
    var budget: Int?

    @Option(parsing: .unconditional, help: "Acquisition candidates per suggestion (default: the library's).")
    var candidates: Int?

    @Option(parsing: .unconditional, help: "Candidates refined by gradient ascent per suggestion (default: the library's).")
    var refinedStarts: Int?

    @Option(help: "The GP kernel: matern52 (default), matern32, rbf or hamming (categorical overlap).")
    var kernel: String?

    @Option(parsing: .unconditional, help: "Candidates drawn around the best points per suggestion (default: the library's; 0: off).")
    var localCandidates: Int?

    @Option(parsing: .unconditional, help: "Initial design size (default: the library's, 2(D+1) clamped to 5…10, or 5…20 with a categorical parameter or several objectives).")
    var initialDesign: Int?

    @Option(help: "With two or three measured objectives: automatic (the default: ehvi when the space has a real parameter, else parego), parego (ParEGO scalarisations) or ehvi (a GP per objective, the exact expected hypervolume improvement).")
    var frontAcquisition: String?

    @Option(parsing: .unconditional, help: "Evaluations kept in flight (pending points enter the models as fantasies).")
    var concurrency: Int = 1

    @Option(help: "Keep the study in this journal (JSON Lines); resume it if it exists. Needs --seeds 1 and one problem.")
    var journal: String?

    @Option(help: "Keep the study in this storage: a journal's path or postgresql://USER@HOST[:PORT]/DATABASE (with --study). Workers started with the same storage and study share it. Needs --seeds 1 and one problem.")
    var storage: String?

    @Option(help: "The study's name in a PostgreSQL --storage.")
    var study: String?

    @Option(parsing: .unconditional, help: "Sleep this many ms in each evaluation, to simulate an expensive objective (crash and concurrency tests).")
    var evaluationDelay: Int = 0

    @Flag(help: "Write one JSON document instead of the table.")
    var json = false

    @Flag(help: "Log every trial.")
    var verbose = false

    func validate() throws {
        guard problem == "all" || BenchmarkProblem.named(problem) != nil || MultiObjectiveProblem.named(problem) != nil else {
            throw ValidationError(
                "unknown --problem '\(problem)'; choose one of \((BenchmarkProblem.names + MultiObjectiveProblem.names).joined(separator: ", ")), or all")
        }
        if MultiObjectiveProblem.named(problem) != nil && (journal != nil || storage != nil) {
            throw ValidationError("--journal and --storage are for the single-objective problems")
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1 (got \(concurrency))") }
        guard evaluationDelay >= 0 else { throw ValidationError("--evaluation-delay must be ≥ 0 ms") }
        if journal != nil && storage != nil { throw ValidationError("give --journal or --storage, not both") }
        if (journal != nil || storage != nil) && (seeds.count != 1 || problem == "all") {
            throw ValidationError("--journal keeps one study: use it with --seeds 1 and a single --problem")
        }
        if let budget, budget < 1 { throw ValidationError("--budget must be at least 1 (got \(budget))") }
        if let candidates, candidates < 1 { throw ValidationError("--candidates must be at least 1") }
        if let refinedStarts, refinedStarts < 0 { throw ValidationError("--refined-starts must be at least 0") }
        if let kernel, !["matern52", "matern32", "rbf", "hamming"].contains(kernel) {
            throw ValidationError("unknown --kernel '\(kernel)'; choose matern52, matern32, rbf or hamming")
        }
        if let localCandidates, localCandidates < 0 { throw ValidationError("--local-candidates must be at least 0") }
        if let initialDesign, initialDesign < 1 { throw ValidationError("--initial-design must be at least 1") }
    }

    func run() async throws {
        // Ctrl-C stops cleanly: the running study finishes its evaluations in flight, records
        // them, and the journal stays consistent.
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let work = Task { try await self.runBenchmarks() }
        interrupt.setEventHandler {
            FileHandle.standardError.write(Data("\ninterrupted: finishing the evaluations in flight\n".utf8))
            work.cancel()
        }
        interrupt.resume()
        defer { interrupt.cancel() }
        try await work.value
    }

    func runBenchmarks() async throws {
        if let front = MultiObjectiveProblem.named(problem) { return try await benchmarkFront(front) }
        let problems = problem == "all" ? BenchmarkProblem.all : [BenchmarkProblem.named(problem)!]
        var reports: [BenchmarkExperiment.Report] = []
        for problem in problems {
            let report = try await benchmark(problem)
            reports.append(report)
            if !json { printTable(report) }
        }
        if json {
            if reports.count == 1 { try CommandSupport.printJSON(reports[0]) } else { try CommandSupport.printJSON(reports) }
        }
    }

    /// The optimiser settings and the logger the options ask for.
    func settingsAndLogger() throws -> (OptimizerSettings, Logger) {
        var logger = Logger(label: "hyperpower")
        logger.logLevel = verbose ? .info : .warning
        var settings = OptimizerSettings()
        if let candidates { settings.maximizer.candidates = candidates }
        if let refinedStarts { settings.maximizer.refinedStarts = refinedStarts }
        if let localCandidates { settings.maximizer.localCandidates = localCandidates }
        switch kernel {
        case "matern32": settings.kernel = Matern32Kernel()
        case "rbf": settings.kernel = SquaredExponentialKernel()
        case "hamming": settings.kernel = HammingKernel()
        default: break
        }
        if let initialDesign { settings.initialDesignSize = initialDesign }
        if let front = try CommandSupport.frontAcquisition(frontAcquisition) { settings.frontAcquisition = front }
        return (settings, logger)
    }

    func benchmark(_ problem: BenchmarkProblem) async throws -> BenchmarkExperiment.Report {
        let (settings, logger) = try settingsAndLogger()
        let experiment = BenchmarkExperiment(
            problem: problem, method: method, budget: budget, seeds: seeds.values, settings: settings,
            concurrency: concurrency, journal: journal.map { URL(fileURLWithPath: $0) },
            storage: try storage.map { try StorageOption.open($0, study: study, logger: logger) },
            evaluationDelay: .milliseconds(evaluationDelay), logger: logger)
        return try await experiment.run()
    }

    /// A multi-objective problem: the hypervolume of each run against the true front's.
    func benchmarkFront(_ problem: MultiObjectiveProblem) async throws {
        let (settings, logger) = try settingsAndLogger()
        var benchmark = MultiObjectiveBenchmark(
            problem: problem, method: method, budget: budget, seeds: seeds.values, settings: settings, logger: logger)
        benchmark.concurrency = concurrency
        let report = try await benchmark.run()
        if json { return try CommandSupport.printJSON(report) }
        print("\(report.problem) — method \(report.method), \(report.budget) evaluations, true front's hypervolume "
            + "\(report.trueHypervolume) up to \(report.reference)")
        print("  seed   hypervolume  log10(true − found)  front size  known viol.  any viol.  median suggest (ms)")
        for s in report.seeds {
            print(String(format: "  %4llu  %12.6g  %19.2f  %10d  %11d  %9d  %19.1f", s.seed, s.hypervolume, s.log10HypervolumeDifference,
                         s.frontSize, s.knownConstraintViolations, s.constraintViolations, s.medianSuggestionSeconds * 1000))
        }
        print(String(format: "  median hypervolume %.6g (%.2f%% of the true front's), median log10 difference %.2f\n",
                     report.medianHypervolume ?? .nan, 100 * (report.medianHypervolume ?? .nan) / report.trueHypervolume,
                     report.medianLog10HypervolumeDifference ?? .nan))
    }

    func printTable(_ report: BenchmarkExperiment.Report) {
        print("\(report.problem) — method \(report.method), \(report.budget) evaluations, optimum \(report.optimum)")
        print("  seed  best feasible        regret  log10  known viol.  any viol.  first feasible  median suggest (ms)")
        for s in report.seeds {
            let best = s.bestFeasible.map { String(format: "%13.6g", $0) } ?? "            —"
            let regret = s.regret.map { String(format: "%13.3e", $0) } ?? "            —"
            let log10Regret = s.log10Regret.map { String(format: "%6.2f", $0) } ?? "     —"
            let first = s.firstFeasibleIteration.map { String(format: "%15d", $0) } ?? "              —"
            print(String(format: "  %4llu  %@  %@  %@  %11d  %9d  %@  %19.1f", s.seed, best, regret, log10Regret,
                         s.knownConstraintViolations, s.constraintViolations, first, s.medianSuggestionSeconds * 1000))
        }
        let summary = report.summary
        let regret = summary.medianRegret.map { String(format: "%.3e", $0) } ?? "—"
        let iqr = summary.regretInterquartileRange.map { String(format: "[%.3e, %.3e]", $0[0], $0[1]) } ?? "—"
        print("  median regret \(regret), IQR \(iqr), runs without a feasible point \(summary.runsWithoutFeasiblePoint)")
        print(String(format: "  median known-constraint violations %.1f, any-constraint violations %.1f, first feasible %@, suggestion %.1f ms\n",
                     summary.medianKnownConstraintViolations, summary.medianConstraintViolations,
                     summary.medianFirstFeasibleIteration.map { String(format: "%.1f", $0) } ?? "—",
                     summary.medianSuggestionSeconds * 1000))
        if let share = summary.medianShareOnBounds {
            print(String(format: "  median share of real coordinates on a bound of their range %.2f\n", share))
        }
    }

}
