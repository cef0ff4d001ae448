import Foundation
import HyperPower
import Testing

/// Active profiling: a calibrated constraint's profiler measures uncertain proposals before
/// they are trained (the problem of ``CalibratedConstraintTests``: maximise x + y, true cost
/// 1 + 4(x + y) ms ≤ 5 ms, a model that predicts 60% of it).
@Suite struct ActiveProfilingTests {
    static let space = CalibratedConstraintTests.space
    static let bound = CalibratedConstraintTests.bound
    @Sendable static func trueCost(_ config: Configuration) -> Double { CalibratedConstraintTests.trueCost(config) }

    static func optimizer(
        profiler: (@Sendable (Configuration) async throws -> Double)?, limit: Int = 20, storage: any StudyStorage = .memory
    ) -> BayesianOptimizer {
        let constraint = Constraint.known("latency", atMost: bound) { 0.6 * trueCost($0) }
            .calibrated(by: "measured latency", profiler: profiler, maximumProfilesPerAsk: limit)
        return BayesianOptimizer(space: space, constraints: [constraint], seed: 1, storage: storage, logger: quietLogger) { config in
            .success(objective: -(config.double("x") + config.double("y")), measurements: ["measured latency": trueCost(config)])
        }
    }

    @Test func profilingKeepsViolatorsFromBeingTrained() async throws {
        let result = try await Self.optimizer(profiler: { Self.trueCost($0) }).run(budget: .evaluations(30))
        let violations = result.trials.filter { Self.trueCost($0.configuration) > Self.bound }.count
        // Without profiling the same calibrated study trains 3 violators, the plain gate 23.
        #expect(violations <= 1, "\(violations) trained configurations broke the bound")
        #expect(!result.profiles.isEmpty)
        let rejected = result.profiles.filter { !$0.violatedConstraints.isEmpty }
        #expect(!rejected.isEmpty, "the 60% model's gate proposes violators; profiling must catch some")
        for profile in result.profiles {
            let measured = try #require(profile.measurements["measured latency"])
            #expect(measured == Self.trueCost(profile.configuration))
            #expect(profile.violatedConstraints.isEmpty == (measured <= Self.bound))
            #expect(profile.predictions["latency"] == 0.6 * measured)
        }
        // A configuration that profiled over the bound is never trained.
        let trained = Set(result.trials.map(\.configuration))
        #expect(rejected.allSatisfy { !trained.contains($0.configuration) })
        let best = try #require(result.best)
        #expect(-best.outcome.objective! > 0.9)
    }

    @Test func oneAskTakesAtMostItsLimitOfProfilesThenHandsOutItsProposal() async throws {
        // A profiler that calls everything too slow: every ask profiles its limit, then gives up.
        let optimizer = Self.optimizer(profiler: { _ in 1e9 }, limit: 3)
        for expected in [3, 6, 9] {
            _ = try await optimizer.ask()
            #expect(await optimizer.study.profiles.count == expected)
        }
    }

    @Test func aFailingProfilerLeavesTheProposalUnprofiled() async throws {
        struct Broken: Error {}
        let result = try await Self.optimizer(profiler: { _ in throw Broken() }).run(budget: .evaluations(8))
        #expect(result.trials.count == 8)
        #expect(result.profiles.isEmpty)
    }

    /// A profiler answering NaN or ±∞ profiles nothing (JSON could not journal the number):
    /// the study runs on, journaled, with every trial recorded.
    @Test func aNonFiniteProfileIsNotRecordedAndTheJournalKeepsEveryTrial() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("profiles-nan-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let result = try await Self.optimizer(
            profiler: { config in config.double("x") > 0.5 ? .nan : Self.trueCost(config) }, storage: .journal(url)
        ).run(budget: .evaluations(12))
        #expect(result.trials.count == 12)
        #expect(result.profiles.allSatisfy { $0.measurements.values.allSatisfy(\.isFinite) })
        let reloaded = try await Study.load(from: FileJournalStorage(url: url, readOnly: true))
        #expect(await reloaded.trials.count == 12)
    }

    @Test func profilesAreJournaledAndResumed() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("profiles-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let first = try await Self.optimizer(profiler: { Self.trueCost($0) }, storage: .journal(url)).run(budget: .evaluations(12))
        #expect(!first.profiles.isEmpty)
        let resumed = Self.optimizer(profiler: { Self.trueCost($0) }, storage: .journal(url))
        let again = try await resumed.run(budget: .evaluations(1))  // one more evaluation
        #expect(again.trials.count == 13)
        #expect(Array(again.profiles.prefix(first.profiles.count)) == first.profiles)
    }

    @Test func aDeclaredProfilingCostLowersTheThresholdAndMustBePositive() async {
        let base = Constraint.known("latency", atMost: 5) { Self.trueCost($0) }
        #expect(base.calibrated(profiler: { _ in 1 }).calibration?.profilingThreshold == 0.1)
        #expect(base.calibrated(profiler: { _ in 1 }, profilingCost: 0.001).calibration?.profilingThreshold == 0.001)
        #expect(base.calibrated(violationProbability: 0.05, profiler: { _ in 1 }, profilingCost: 0.3)
            .calibration?.profilingThreshold == 0.05)
        let optimizer = BayesianOptimizer(
            space: Self.space, constraints: [base.calibrated(profiler: { _ in 1 }, profilingCost: -1)], logger: quietLogger)
        await #expect(throws: HyperPowerError.invalidConstraint(name: "latency", reason: "the profiling cost -1.0 is not a positive number")) {
            try await optimizer.ask()
        }
    }

    @Test func theLimitMustBePositive() async {
        let optimizer = Self.optimizer(profiler: { Self.trueCost($0) }, limit: 0)
        await #expect(throws: HyperPowerError.invalidConstraint(name: "latency", reason: "the profiles per ask must be at least 1 (got 0)")) {
            try await optimizer.ask()
        }
    }
}

extension ActiveProfilingTests {
    /// `hyperpower report` on a calibrated, profiled study: the calibration and profile lines.
    @Test(.timeLimit(.minutes(2)))
    func reportPrintsTheCalibrationAndTheProfiles() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hyperpower-calibrated-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("study.jsonl")
        let result = try await Self.optimizer(profiler: { Self.trueCost($0) }, storage: .journal(url)).run(budget: .evaluations(14))
        let rejected = result.profiles.filter { !$0.violatedConstraints.isEmpty }.count
        let page = folder.appendingPathComponent("report.html")
        let (status, output, errors) = try await CommandLineTests.run(["report", url.path, "--html", page.path])
        #expect(status == 0, "\(errors)")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains(#"<span id="trial-count">14</span> trials"#))
        #expect(html.contains("\(result.profiles.count) configurations profiled without training"))
        #expect(output.contains("Calibrated 'latency' on "), "\(output)")
        #expect(output.contains("MAPE 40.0% plain → "), "the plain model is 40% low on every trial: \(output)")
        #expect(output.contains("Profiled without training: \(result.profiles.count) configurations, \(rejected) of them over a bound"),
                "\(output)")
    }
}
