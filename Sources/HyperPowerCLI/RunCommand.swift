import ArgumentParser
import CommandStudies
import Dispatch
import Experiments
import Foundation
import HyperPower
import Logging

/// `hyperpower run STUDY -- command {parameter} …`: optimise any training command.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Optimise a training command in any language, under the study file's budgets.",
        discussion: """
            Each trial fills the command's {parameter} placeholders from the configuration and \
            runs it in a process group of its own. The command reports its result as the last \
            line of its standard output that is a JSON object — {"validation_error": 0.071, \
            "latency_ms": 8.2} — or writes that object to the file named by $HYPERPOWER_RESULT. \
            A non-zero exit, no result or a run past --timeout is a failed trial (the last lines \
            of stderr are kept). Each worker has $HYPERPOWER_SLOT (0…K−1) and, with --gpus, \
            $CUDA_VISIBLE_DEVICES set to its own GPU. Ctrl-C stops the commands in flight; with \
            a journal (storage: in the study file) the same command resumes the study.
            Example: hyperpower run Examples/python-trainer/study.yaml -- python3 Examples/python-trainer/train.py --lr {learning_rate} --hidden {hidden}
            """)

    @Argument(help: "The study file (YAML or JSON; `hyperpower init` writes an example).")
    var study: String

    @Option(parsing: .unconditional, help: "Commands run at once.")
    var workers: Int = 1

    @Option(help: "GPUs for the workers' slots, comma-separated (sets CUDA_VISIBLE_DEVICES per slot).")
    var gpus: String?

    @Option(parsing: .unconditional, help: "Seconds a command may run before its process group is stopped.")
    var timeout: Double?

    @Option(help: "bayesian (HyperPower, the default) or random (random search behind the same known-constraint gate: the baseline).")
    var sampler: String = "bayesian"

    @Option(parsing: .unconditional, help: "The seed, instead of the study file's (a study in a journal keeps the seed it started with).")
    var seed: UInt64?

    @Flag(help: "Record the peak resident memory of each command's process tree as the measurement peak_rss_mb (usable as an observed constraint).")
    var peakMemory = false

    @Flag(help: "Record the CPU package energy (RAPL; root on recent kernels) during each command as cpu_energy_j.")
    var cpuEnergy = false

    @Flag(help: "Sample the slot's GPU with nvidia-smi during each command: gpu_peak_watts, gpu_energy_j, gpu_peak_memory_mib.")
    var gpuPower = false

    @Option(help: "Keep the study here instead of the study file's storage: a journal's path, or postgresql://USER@HOST[:PORT]/DATABASE with --study — workers on any host started with the same file, storage and study share it.")
    var storage: String?

    @Option(help: "The study's name in a PostgreSQL --storage.")
    var studyName: String?

    @Argument(parsing: .postTerminator, help: "The training command, after --.")
    var command: [String] = []

    func validate() throws {
        guard ["bayesian", "random"].contains(sampler) else { throw ValidationError("--sampler must be bayesian or random (got \(sampler))") }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1 (got \(workers))") }
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
        guard !command.isEmpty else { throw ValidationError("give the training command after --, e.g. -- python3 train.py --lr {learning_rate}") }
    }

    func run() async throws {
        var file: StudyFile
        do { file = try StudyFile.load(from: URL(fileURLWithPath: study)) } catch {
            throw CommandFailure("\(study): \(error)")
        }
        if let seed { file.seed = seed }
        var objective: CommandObjective
        do {
            objective = try CommandObjective(template: command, space: file.space, objectiveName: file.objective.name, timeout: timeout)
        } catch { throw CommandFailure("\(error)") }
        objective.measuresPeakMemory = peakMemory
        objective.measuresCPUEnergy = cpuEnergy
        objective.measuresGPU = gpuPower
        let gpuList = (gpus ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        do { try objective.checkMeters(gpu: gpuList.first.flatMap { Int($0) } ?? 0) } catch { throw CommandFailure("\(error)") }
        var logger = Logger(label: "hyperpower")
        logger.logLevel = .warning
        let runner = CommandStudy(
            file: file, command: objective, workers: workers,
            gpus: (gpus ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            randomSearch: sampler == "random")
        let study = runner.makeStudy(logger: logger, storage: try storage.map { try StorageOption.open($0, study: studyName, logger: logger) })
        let objectiveName = file.objective.name
        let measured = file.constraints.map { $0.calibration?.measurement ?? $0.name }
        let metered = (peakMemory ? ["peak_rss_mb"] : []) + (cpuEnergy ? ["cpu_energy_j"] : [])
            + (gpuPower ? ["gpu_peak_watts", "gpu_energy_j", "gpu_peak_memory_mib"] : [])
        // Further objectives first (a front's), then what the constraints and meters measure.
        let further = file.objectives.dropFirst().map(\.name)
        let rest = measured + metered.filter { !measured.contains($0) }
        let shown = further + rest.filter { !further.contains($0) }
        // Open the study first: a journal of another study is refused before anything is said.
        do { _ = try await study.completedTrialCount() } catch { throw CommandFailure("\(error)") }
        print("\(study.storage.location): \(file.budget) evaluations of `\(command.joined(separator: " "))`, \(workers) at a time")

        // The share of the space the known constraints admit, once per study: the report and the
        // dashboard show it (they have no predictors).
        if !file.constraints.filter(\.isKnown).isEmpty {
            do {
                if await study.attributes[Study.admittedSharesAttribute] == nil { try await study.recordAdmittedShares() }
            } catch { throw CommandFailure("\(error)") }
        }

        // Ctrl-C cancels the run: the commands in flight are stopped and their trials given back.
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .main)
        let task = Task {
            try await runner.run(study: study) { trial in
                print(Self.progressLine(trial, objective: objectiveName, measured: shown))
            }
        }
        interrupt.setEventHandler { task.cancel() }
        interrupt.resume()
        defer { interrupt.cancel() }
        do { try await task.value } catch { throw CommandFailure("\(error)") }

        let trials = await study.trials
        let pending = await study.pendingTrialNumbers.count
        if task.isCancelled {
            print("Interrupted: \(trials.count) trials kept\(pending > 0 ? ", \(pending) given back" : ""); run the same command to resume.")
        }
        printSummary(trials, file: file)
        if let journal = file.storage {
            // The study as one page beside its journal (`hyperpower report --html` writes it anew).
            let page = journal.deletingPathExtension().appendingPathExtension("html")
            let report = await StudyReport(study: study, title: "HyperPower study: \(journal.lastPathComponent)")
            do {
                try report.html.write(to: page, atomically: true, encoding: .utf8)
                print("Report: \(page.path)")
            } catch {
                print("Could not write the report \(page.path): \(error)")
            }
        }
        if task.isCancelled { throw ExitCode(130) }
    }

    /// The Pareto front of the feasible trials that report every objective, one line per trial
    /// in the order of the first objective, with exact values (as the journal keeps them).
    static func frontSummary(_ trials: [Trial], objectives: [Objective]) -> String {
        let front = Pareto.front(of: trials, objectives: objectives)
        guard !front.isEmpty else { return "No feasible trial reports every objective (\(objectives.map(\.name).joined(separator: ", ")))." }
        let first = objectives[0]
        let sorted = front.sorted { first.minimized($0.objectiveValues[first.name]!) < first.minimized($1.objectiveValues[first.name]!) }
        var lines = ["Pareto front: \(front.count) trial\(front.count == 1 ? "" : "s") (\(objectives.map { "\($0.name) \($0.direction == .minimize ? "↓" : "↑")" }.joined(separator: ", ")))"]
        for trial in sorted {
            let values = objectives.map { "\($0.name) \(trial.objectiveValues[$0.name]!)" }.joined(separator: "  ")
            lines.append("  trial \(trial.number)  \(values)  [\(configurationText(trial.configuration))]")
        }
        return lines.joined(separator: "\n")
    }

    /// `name=value` for each parameter, values shortened for a line.
    static func configurationText(_ configuration: Configuration) -> String {
        configuration.parameterNames.map { "\($0)=\(StudyReport.format(configuration[$0]!))" }.joined(separator: " ")
    }

    static func progressLine(_ trial: Trial, objective: String, measured: [String]) -> String {
        let seconds = String(format: "%6.1f s", trial.evaluationSeconds)
        let configuration = configurationText(trial.configuration)
        switch trial.outcome {
        case let .success(value):
            // A known objective's value is its prediction, among the trial's objective values.
            let measurements = measured.compactMap { name in
                (trial.measurements[name] ?? trial.objectiveValues[name]).map { "\(name) \(StudyReport.format($0))" }
            }
            // A constraint with neither a measurement nor a prediction was not reported: it counts
            // as broken, and the line says why.
            let unreported = trial.violatedConstraints.filter { trial.measurements[$0] == nil && trial.predictions[$0] == nil }
            let broken = trial.violatedConstraints.filter { !unreported.contains($0) }
            let violated = (broken.isEmpty ? "" : "  breaks \(broken.joined(separator: ", "))")
                + (unreported.isEmpty ? "" : "  did not report \(unreported.joined(separator: ", ")) (counted as broken)")
            return "trial \(trial.number)  \(objective) \(StudyReport.format(value))"
                + (measurements.isEmpty ? "" : "  " + measurements.joined(separator: "  ")) + violated + "  \(seconds)  [\(configuration)]"
        case let .infeasible(reason):
            return "trial \(trial.number)  infeasible: \(reason)  \(seconds)  [\(configuration)]"
        case let .failed(message):
            let first = message.split(separator: "\n").first.map(String.init) ?? message
            return "trial \(trial.number)  failed: \(first)  \(seconds)  [\(configuration)]"
        }
    }

    func printSummary(_ trials: [Trial], file: StudyFile) {
        let feasible = trials.filter(\.isFeasible).count
        let failed = trials.filter { if case .failed = $0.outcome { return true } else { return false } }.count
        let broke = trials.filter { $0.outcome.objective != nil && !$0.isFeasible }.count
        print("\n\(trials.count) trials: \(feasible) feasible, \(broke) broke a constraint, \(failed) failed")
        if file.objectives.count > 1 {
            print(Self.frontSummary(trials, objectives: file.objectives))
            return
        }
        guard let best = SearchResult.best(of: trials, objective: file.objective) else {
            print("No feasible trial.")
            return
        }
        // Exact values (the shortest decimal that reads back as the same double), as the journal
        // keeps them: the best configuration is copied from here to be trained again.
        print("Best: trial \(best.number), \(file.objective.name) \(best.outcome.objective!)")
        let width = (best.configuration.values.keys.map(\.count) + best.measurements.keys.map(\.count)).max() ?? 0
        for name in best.configuration.parameterNames {
            print("  \(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(best.configuration[name]!)")
        }
        for name in best.measurements.keys.sorted() {
            print("  \(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(best.measurements[name]!) (measured)")
        }
    }
}
