import Foundation
import HyperPower
import Logging
import NumericalOptimization
import Testing

/// Bad inputs found by trying the library as a new user would: each gets a clear error (or,
/// for a programming mistake, a stop whose message names the parameter), never a silent wrong
/// answer.
@Suite struct HardeningTests {
    /// A predictor answering −∞ for an `atMost` bound (or +∞ for `atLeast`) is broken, not
    /// cheap: it passes no gate, and no trial is proposed on its word.
    @Test func nonFinitePredictionsNeverPassTheGate() async throws {
        let atMost = Constraint.known("latency", atMost: 10) { _ in -.infinity }
        let atLeast = Constraint.known("throughput", atLeast: 10) { _ in .infinity }
        for constraint in [atMost, atLeast] {
            #expect(!constraint.passesGate(constraint.direction == .atMost ? -.infinity : .infinity))
            #expect(!constraint.passesGate(.nan))
            #expect(!constraint.isSatisfied(by: constraint.direction == .atMost ? -.infinity : .infinity))
        }
        #expect(atMost.passesGate(9.5) && atLeast.passesGate(10.5))

        // Half the square predicts −∞: every trial the optimiser runs has a finite prediction.
        let broken = Constraint.known("latency", atMost: 1.2) { config in
            config.double("x") < 0.5 ? -.infinity : config.double("x") + config.double("y")
        }
        let optimizer = BayesianOptimizer(
            space: OptimizerTests.square, constraints: [broken], seed: 4, logger: quietLogger
        ) { .success(objective: OptimizerTests.bowl($0)) }
        let result = try await optimizer.run(budget: .evaluations(15))
        #expect(result.trials.count == 15)
        for trial in result.trials {
            let prediction = try #require(trial.predictions["latency"])
            #expect(prediction.isFinite && prediction <= 1.2, "trial \(trial.number) ran on a prediction of \(prediction)")
        }
        // A gate through which nothing finite passes is an empty region, said so.
        let nothing = BayesianOptimizer(
            space: OptimizerTests.square, constraints: [atMost], seed: 4, logger: quietLogger
        ) { .success(objective: OptimizerTests.bowl($0)) }
        await #expect(throws: HyperPowerError.self) { try await nothing.ask() }
    }

    /// Bounds computed at run time are checked by the library, which names the parameter (a
    /// reversed `...` range is Swift's own stop, before any library code runs).
    /// A diverged run's metrics (NaN, ±∞) cannot be written as JSON: they are left out of the
    /// trial, which the journal then keeps with the rest (before, the journal's append failed and
    /// the whole result was lost: the trial was recorded as failed). An observed constraint
    /// measured as NaN counts as not reported, so broken.
    @Test func nonFiniteMeasurementsAreLeftOutAndTheTrialIsJournaled() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nan-measurements-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let space = try SearchSpace(parameters: [.real(name: "x", range: 0...1, scale: .linear)])
        let study = Study(space: space, constraints: [.observed("mem", atMost: 5)], sampler: RandomSampler(seed: 1),
                          storage: FileJournalStorage(url: url), seed: 1, logger: quietLogger)
        let first = try await study.ask()
        let told = try await study.tell(first.number, .success(objective: 0.3, measurements: ["mem": .nan, "energy": .infinity, "loss": 0.3]))
        #expect(told.measurements == ["loss": 0.3])
        #expect(told.outcome.objective == 0.3 && told.violatedConstraints == ["mem"])
        let second = try await study.ask()
        // A duration that JSON cannot hold either is recorded as 0.
        let secondTold = try await study.tell(second.number, .success(objective: 0.2, measurements: ["mem": 1]), evaluationSeconds: .nan)
        #expect(secondTold.evaluationSeconds == 0)
        let reloaded = try await Study.load(from: FileJournalStorage(url: url, readOnly: true))
        let trials = await reloaded.trials
        #expect(trials.map(\.measurements) == [["loss": 0.3], ["mem": 1]])
        #expect(trials.map { $0.outcome.objective } == [0.3, 0.2])
    }

    @Test func reversedBoundsAreAClearError() throws {
        let (low, high) = (2.0, 1.0)
        #expect(throws: HyperPowerError.invalidParameter(name: "x", reason: "the lower bound 2.0 is not below the upper bound 1.0")) {
            try SearchSpace { try Real("x", from: low, to: high) }
        }
        #expect(throws: HyperPowerError.self) { try SearchSpace { try Real("x", from: 0, to: .infinity) } }
        #expect(throws: HyperPowerError.invalidParameter(name: "n", reason: "the lower bound 5 is not below the upper bound 5")) {
            try SearchSpace { try Integer("n", from: 5, to: 5) }
        }
        #expect(throws: HyperPowerError.self) { try SearchSpace { try PowerOfTwo("b", from: 64, to: 16) } }
        let space = try SearchSpace {
            try Real("x", from: low - 1, to: high + 1, scale: .linear)
            try Integer("n", from: 1, to: 4)
            try PowerOfTwo("b", from: 16, to: 64)
        }
        #expect(space.parameters.map(\.name) == ["x", "n", "b"])
    }

    /// An objective in the 1e200s (finite, but its squares overflow) is modelled like any other:
    /// every suggestion after the initial design comes from the model, and the search closes in
    /// on the optimum. Before, the warp's variance overflowed, every fit failed and the study
    /// fell back to random points without an error.
    @Test func objectivesOfAnyMagnitudeAreModelled() async throws {
        for factor in [1e200, 1e-200] {
            let optimizer = BayesianOptimizer(space: OptimizerTests.square, seed: 3, logger: quietLogger)
            var sources: [SuggestionSource] = []
            for _ in 0..<20 {
                let suggestion = try await optimizer.ask()
                sources.append(suggestion.source)
                _ = try await optimizer.tell(suggestion.number, .success(objective: factor * (1 + OptimizerTests.bowl(suggestion.configuration))))
            }
            #expect(!sources.contains(.random), "factor \(factor): \(sources)")
            #expect(sources.filter { $0 == .model }.count >= 10)
            let best = try #require(await optimizer.best?.outcome.objective)
            #expect(best / factor - 1 < 0.01, "factor \(factor): best \(best)")
        }
    }

    /// A measured objective of a front that the trainer does not report leaves its trial out of
    /// the front, and the log says which objective and why (before, the front stayed empty
    /// without a word).
    @Test func aMissingObjectiveIsNamedInTheLog() async throws {
        let lines = CapturedLines()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(lines: lines) }
        let optimizer = BayesianOptimizer(
            space: OptimizerTests.square, objectives: [.minimize("error"), .minimize("energy")], seed: 2, logger: logger
        ) { config in
            .success(objective: config.double("x"), measurements: config.double("y") < 0.5 ? ["energy": config.double("y")] : [:])
        }
        let result = try await optimizer.run(budget: .evaluations(12))
        let unreported = result.trials.filter { $0.objectiveValues["energy"] == nil }.map(\.number)
        #expect(!unreported.isEmpty && unreported.count < 12)
        let warnings = lines.values.filter { $0.contains("no finite value for the objective 'energy'") }
        #expect(warnings.count == unreported.count)
        for number in unreported { #expect(warnings.contains { $0.hasPrefix("trial \(number) ") }) }
        #expect(!result.paretoFront.isEmpty && result.paretoFront.allSatisfy { $0.objectiveValues["energy"] != nil })
    }

    /// An enqueued configuration is not gated, so its known constraint's predictor may fail on
    /// it: the suggestion is journaled without that prediction (JSON has no NaN; before, every
    /// ask failed on the same queued configuration and the study could not go on), and the
    /// trial counts as breaking the constraint.
    @Test func anEnqueuedConfigurationWhosePredictorFailsIsJournaled() async throws {
        struct Unpredictable: Error {}
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("enqueued-nan-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let constraint = Constraint.known("latency", atMost: 1) { config in
            guard config.double("x") < 0.9 else { throw Unpredictable() }
            return config.double("x")
        }
        let study = Study(space: OptimizerTests.square, constraints: [constraint], sampler: RandomSampler(seed: 2),
                          storage: FileJournalStorage(url: url), seed: 2, logger: quietLogger)
        try await study.enqueue(Configuration(["x": .real(0.95), "y": .real(0.5)]))
        let first = try await study.ask()
        #expect(first.configuration.double("x") == 0.95 && first.predictions["latency"] == nil)
        let trial = try await study.tell(first.number, .success(objective: 1))
        #expect(trial.violatedConstraints == ["latency"])
        let second = try await study.ask()
        try await study.tell(second.number, .success(objective: 2))
        let reloaded = try await Study.load(from: FileJournalStorage(url: url, readOnly: true))
        #expect(await reloaded.trials.count == 2)
    }

    /// The constrained GP sampler used directly for a front it cannot search (four measured
    /// objectives here) says so, once, and names the sampler that can; the sampler
    /// `forObjectives` gives for them (ParEGO) does not.
    @Test func aSamplerThatSearchesOnlyTheFirstObjectiveSaysSo() async throws {
        let objectives: [Objective] = [.minimize("a"), .minimize("b"), .minimize("c"), .minimize("d")]
        for direct in [true, false] {
            let lines = CapturedLines()
            let logger = Logger(label: "test") { _ in CapturingLogHandler(lines: lines) }
            let sampler: any Sampler = direct
                ? ConstrainedGPSampler(settings: OptimizerSettings(initialDesignSize: 3), seed: 1, logger: logger)
                : ConstrainedGPSampler.forObjectives(objectives, settings: OptimizerSettings(initialDesignSize: 3), seed: 1, logger: logger)
            let study = Study(space: OptimizerTests.square, objectives: objectives, sampler: sampler, seed: 1, logger: logger)
            for _ in 0..<6 {
                let suggestion = try await study.ask()
                let (x, y) = (suggestion.configuration.double("x"), suggestion.configuration.double("y"))
                try await study.tell(suggestion.number, .success(objective: x, measurements: ["b": y, "c": x * y, "d": (x - y) * (x - y)]))
            }
            let warnings = lines.values.filter { $0.contains("searches only the first of these 4 objectives") }
            #expect(warnings.count == (direct ? 1 : 0), "\(lines.values)")
        }
    }

    /// A space of more encoded columns than the Sobol table's 1,024 runs: its design and the
    /// maximiser's candidates are Sobol points padded with uniform coordinates. Before, the first
    /// `ask` threw `invalidSettings` (1,030 reals here; a space of 210 categoricals of five
    /// choices, 1,050 one-hot columns, runs the same way through `hyperpower run`).
    @Test func aSpaceWiderThanTheSobolTableRuns() async throws {
        let dimension = SobolSequence.maximumDimension + 6
        let space = try SearchSpace { for k in 0..<dimension { Real("x\(k)", 0...1) } }
        let optimizer = BayesianOptimizer(
            space: space, seed: 1, settings: OptimizerSettings(initialDesignSize: 3), logger: quietLogger
        ) { config in .success(objective: (0..<dimension).reduce(0) { $0 + abs(config.double("x\($1)") - 0.5) }) }
        var sources: [SuggestionSource] = []
        for _ in 0..<5 {
            let suggestion = try await optimizer.ask()
            sources.append(suggestion.source)
            let value = (0..<dimension).reduce(0) { $0 + abs(suggestion.configuration.double("x\($1)") - 0.5) }
            _ = try await optimizer.tell(suggestion.number, .success(objective: value))
        }
        #expect(sources == [.initialDesign, .initialDesign, .initialDesign, .model, .model])
        #expect(Set(await optimizer.trials.map(\.configuration)).count == 5)
    }

    /// Ranges a double cannot carry are refused with the parameter's name — a linear real range
    /// whose width overflows (its values came back NaN), an integer range of more than 2⁵³
    /// values (its discrete steps overflowed `Int` and stopped the program) — and the widest
    /// integer range accepted runs.
    @Test func rangesBeyondADoubleAreRefusedAndTheWidestIntegersRun() async throws {
        #expect(throws: HyperPowerError.invalidParameter(
            name: "x", reason: "the range -1e+308...1e+308 is wider than a double holds; rescale the parameter or use a log scale")) {
            try SearchSpace { Real("x", -1e308...1e308) }
        }
        _ = try SearchSpace { Real("x", 1e-300...1e300, scale: .log) }
        #expect(throws: HyperPowerError.self) { try SearchSpace { Integer("m", -4_000_000_000_000_000_000...4_000_000_000_000_000_000) } }
        #expect(throws: HyperPowerError.self) { try SearchSpace { Integer("m", Int.min...Int.max) } }
        #expect(throws: HyperPowerError.self) { try SearchSpace { Integer("n", 1...(Int.max / 2), scale: .log) } }
        let wide = 1 << 52
        let space = try SearchSpace { Integer("n", -wide...(wide - 1)); Integer("k", 1...1_000_000_000_000, scale: .log) }
        let optimizer = BayesianOptimizer(space: space, seed: 5, settings: OptimizerSettings(initialDesignSize: 4), logger: quietLogger) { config in
            .success(objective: abs(Double(config.integer("n")) - 1e15) / 1e15 + abs(log(Double(config.integer("k"))) - 10))
        }
        let result = try await optimizer.run(budget: .evaluations(8))
        #expect(result.trials.count == 8 && result.trials.allSatisfy { $0.outcome.objective?.isFinite == true })
        #expect(result.trials.allSatisfy { abs($0.configuration.integer("n")) <= wide })
    }

    /// Asking ahead of any result (workers that have not told yet) is expected: the random
    /// points beyond the design are logged at info, not as warnings.
    @Test func askingAheadOfResultsIsNotAWarning() async throws {
        let lines = CapturedLines()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(lines: lines) }
        let optimizer = BayesianOptimizer(space: OptimizerTests.square, seed: 6, logger: logger)
        var configurations = Set<Configuration>()
        for _ in 0..<14 { configurations.insert(try await optimizer.ask().configuration) }
        #expect(configurations.count == 14)
        #expect(lines.values.isEmpty, "\(lines.values)")
    }

    /// A categorical with one choice is refused like every other single-valued parameter.
    @Test func aSingleChoiceCategoricalIsRefused() {
        #expect(throws: HyperPowerError.invalidParameter(name: "c", reason: "a categorical needs at least 2 choices, got 1 (only)")) {
            try SearchSpace { Categorical("c", ["only"]) }
        }
        #expect(throws: HyperPowerError.self) { try SearchSpace { Categorical("c", []) } }
    }

    /// Enqueuing a configuration twice evaluates it once; so does enqueuing one already evaluated.
    @Test func duplicateEnqueuesAreEvaluatedOnce() async throws {
        let optimizer = BayesianOptimizer(space: OptimizerTests.square, seed: 5, logger: quietLogger) {
            .success(objective: OptimizerTests.bowl($0))
        }
        let configuration = Configuration(["x": .real(0.25), "y": .real(0.5)])
        #expect(try await optimizer.enqueue(configuration))
        #expect(try await !optimizer.enqueue(configuration))
        let result = try await optimizer.run(budget: .evaluations(6))
        #expect(result.trials.filter { $0.configuration == configuration }.count == 1)
        #expect(try await !optimizer.enqueue(configuration))  // evaluated already
        #expect(Set(result.trials.map(\.configuration)).count == result.trials.count)

        // Two studies sharing a storage: one evaluates a configuration the other had queued.
        let storage = InMemoryStorage()
        let first = Study(space: OptimizerTests.square, sampler: RandomSampler(seed: 1), storage: storage, seed: 1, logger: quietLogger)
        let second = Study(space: OptimizerTests.square, sampler: RandomSampler(seed: 1), storage: storage, seed: 1, logger: quietLogger)
        try await first.enqueue(configuration)
        try await second.enqueue(configuration)
        let a = try await first.ask()
        try await first.tell(a.number, .success(objective: 1))
        let b = try await second.ask()
        #expect(a.configuration == configuration)
        #expect(b.configuration != configuration, "the second study ran the configuration again")
    }

    /// A typed accessor used on the wrong kind stops with a message that names the parameter,
    /// what it holds and the accessor to use (`fatalError`: in release builds too).
    @Test func typedAccessorsNameTheParameterWhenMisused() async throws {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let configuration = Configuration(["rate": .real(0.3)])
            _ = configuration.integer("rate")
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("parameter 'rate' holds a real number (0.3), not an integer: read it with double(\"rate\")"), "\(message)")
        let configuration = Configuration(["rate": .real(0.3)])
        #expect(throws: HyperPowerError.self) { try configuration.value("missing") }
        let rate = try configuration.value("rate")
        #expect(rate == .real(0.3))
    }

    /// A known-feasible region of about 0.1% of a 7-D box (a ball of radius 0.3): the first
    /// `ask` used to throw `knownFeasibleRegionEmpty` when the 64 × 16 Sobol points of the
    /// initial design missed it, though random search behind the same gate finds points there.
    @Test(arguments: [UInt64(0), 1, 2, 3, 4])
    func aTinyFeasibleRegionIsSearchedNotDeclaredEmpty(seed: UInt64) async throws {
        let space = try SearchSpace { for k in 0..<7 { Real("x\(k)", 0...1) } }
        let ball = Constraint.known("distance", atMost: 0.3 * 0.3) { config in
            (0..<7).reduce(0) { sum, k in let d = config.double("x\(k)") - 0.5; return sum + d * d }
        }
        let optimizer = BayesianOptimizer(space: space, constraints: [ball], seed: seed, logger: quietLogger) { config in
            .success(objective: config.double("x0") + config.double("x1"))
        }
        let result = try await optimizer.run(budget: .evaluations(20))
        #expect(result.trials.count == 20)
        #expect(result.trials.allSatisfy { ($0.predictions["distance"] ?? .infinity) <= 0.09 })
    }

    /// The study and `journal check` read lines the same way (one scanner): a whitespace-only
    /// line is skipped by both, a bad line is reported by both with the same number.
    @Test func theStudyAndTheInspectionAgreeOnEveryLine() async throws {
        let url = try await CommandLineTests.shortJournal()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.insert("  \r", at: 2)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        #expect(try JournalInspection(url: url).problems.isEmpty)
        let study = try await Study.load(from: FileJournalStorage(url: url, readOnly: true))
        #expect(await study.trials.count == 6)

        lines.insert("not json", at: 5)  // line 6
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        #expect(try JournalInspection(url: url).badLines.map(\.number) == [6])
        let error = await #expect(throws: HyperPowerError.self) {
            try await Study.load(from: FileJournalStorage(url: url, readOnly: true))
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("line 6 of"))
    }
}

/// The warning lines a logger received.
final class CapturedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var values: [String] { lock.withLock { lines } }
}

/// A log handler that keeps the messages of warnings and worse.
struct CapturingLogHandler: LogHandler {
    let lines: CapturedLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .warning
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        if event.level >= .warning { lines.append(event.message.description) }
    }
}
