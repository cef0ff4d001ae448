import Dispatch
import Foundation
import HyperPower
import Logging

/// Runs a study whose objective is a command (``CommandObjective``): K workers, each with a
/// slot of its own (`HYPERPOWER_SLOT`, and `CUDA_VISIBLE_DEVICES` set to the slot's GPU when
/// GPUs are listed), ask, run the command, tell, until the study has its budget. Cancelling the
/// run stops the commands in flight (their process groups get SIGTERM, then SIGKILL) and gives
/// their trials back to the study (abandoned: a resumed run offers them again).
public struct CommandStudy: Sendable {
    public var file: StudyFile
    public var command: CommandObjective
    public var workers: Int
    /// GPU indices, one per worker slot (cycled when there are more workers than GPUs).
    public var gpus: [String]
    /// Random search behind the same gate instead of HyperPower's sampler (the baseline).
    public var randomSearch: Bool

    public init(file: StudyFile, command: CommandObjective, workers: Int = 1, gpus: [String] = [], randomSearch: Bool = false) {
        self.file = file
        self.command = command
        self.workers = workers
        self.gpus = gpus
        self.randomSearch = randomSearch
    }

    /// The study of the file, in `storage` if given, else its journal when it names one.
    public func makeStudy(logger: Logger, storage: (any StudyStorage)? = nil) -> Study {
        Study(space: file.space, constraints: file.constraints, objectives: file.objectives,
              sampler: randomSearch ? RandomSampler(seed: file.seed) as any Sampler : ConstrainedGPSampler.forObjectives(
                  file.objectives, settings: OptimizerSettings(initialDesignSize: file.initialDesign), seed: file.seed, logger: logger),
              storage: storage ?? file.storage.map { FileJournalStorage(url: $0) as any StudyStorage } ?? InMemoryStorage(),
              seed: file.seed, logger: logger)
    }

    /// The next suggestion, or `nil` once the study has its budget; waits while other workers
    /// hold the last trials (taking over any whose worker dies) and retries a storage that
    /// cannot be reached.
    static func next(_ study: Study, budget: Int) async throws -> Suggestion? {
        while !Task.isCancelled {
            let outcome = try await StudyRunner.retryingUnavailable(study) { () throws(HyperPowerError) in
                try await study.ask(orWaitWithin: budget)
            }
            switch outcome {
            case let .suggestion(suggestion): return suggestion
            case let .full(waitingFor):
                if waitingFor == 0 { return nil }
                try? await Task.sleep(for: StudyRunner.waitInterval(study.leaseDuration))
            }
        }
        return nil
    }

    /// Runs until the study has ``StudyFile/budget`` trials; `progress` gets each finished trial.
    ///
    /// - Throws: study errors (an empty known-feasible region, storage failures); a failed
    ///   command is a failed trial, not an error. Returns normally when cancelled.
    public func run(study: Study, progress: @escaping @Sendable (Trial) -> Void) async throws {
        guard workers >= 1 else { throw CommandObjective.Failure(description: "--workers must be at least 1") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for slot in 0..<workers {
                group.addTask {
                    var environment: [String: String] = [:]
                    if !gpus.isEmpty { environment["CUDA_VISIBLE_DEVICES"] = gpus[slot % gpus.count] }
                    let gpu = gpus.isEmpty ? 0 : Int(gpus[slot % gpus.count]) ?? 0
                    while !Task.isCancelled, let suggestion = try await Self.next(study, budget: file.budget) {
                        let start = DispatchTime.now().uptimeNanoseconds
                        do {
                            let evaluation = try await command.evaluate(
                                suggestion.configuration, trial: suggestion.number, slot: slot, extraEnvironment: environment, gpu: gpu)
                            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                            if Task.isCancelled {
                                await study.abandon(suggestion.number)
                                return
                            }
                            progress(try await StudyRunner.retryingUnavailable(study) { () throws(HyperPowerError) in
                                try await study.tell(suggestion.number, evaluation, evaluationSeconds: seconds)
                            })
                        } catch {
                            if Task.isCancelled || error is CancellationError {
                                await study.abandon(suggestion.number)
                                return
                            }
                            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                            let message = String(describing: error)
                            progress(try await StudyRunner.retryingUnavailable(study) { () throws(HyperPowerError) in
                                try await study.tell(suggestion.number, failure: message, evaluationSeconds: seconds)
                            })
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
