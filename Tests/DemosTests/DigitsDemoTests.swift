@testable import Demos
import Foundation
import HyperPower
import Testing

@Suite struct DigitsDemoTests {
    @Test func shortRunWritesAReportThatParses() async throws {
        var settings = DigitsDemo.Settings()
        settings.secondsPerMethod = 600
        settings.maximumEvaluations = 4
        settings.seeds = [0]
        settings.folds = 2
        settings.epochs = 2
        settings.profiledConfigurations = 4
        let lines = LineSink()
        let report = try await DigitsDemo.run(settings) { lines.append($0) }
        #expect(report.results.map(\.method) == [.hyperpower, .random, .unknownConstraints])
        #expect(report.results.allSatisfy { $0.evaluations == 4 && $0.trajectory.count == 4 && $0.times.count == 4 })
        #expect(report.results.allSatisfy { zip($0.times, $0.times.dropFirst()).allSatisfy { $0 <= $1 } })
        #expect(lines.count >= 3 * 4)
        #expect(report.admittedShare > 0 && report.admittedShare < 1)
        // The gated methods never propose a configuration predicted to break a budget: by the
        // model, or, once HyperPower has calibrated it, by the corrected cost's upper quantile.
        for result in report.results where result.method != .unknownConstraints {
            for trial in result.trials {
                #expect(trial.predictions["memory"]! <= settings.memoryBudgetBytes)
                let gated = trial.predictionIntervals["latency"]?.upper ?? trial.predictions["latency"]!
                #expect(gated <= 0.95 * report.latencyBudgetMicroseconds + 1e-9)
            }
        }
        // Cross-validated over every digit: the error is a multiple of 1/1797.
        for trial in report.results[0].trials {
            let misclassified = trial.outcome.objective! * 1_797
            #expect(abs(misclassified - misclassified.rounded()) < 1e-6)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hyperpower-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try DemoReportWriter.write(report, to: folder)
        let csv = try String(contentsOf: folder.appendingPathComponent("trials.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n")
        #expect(rows.count == 1 + 12)
        #expect(rows.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 17 })
        let decoded = try JSONDecoder().decode(DigitsDemo.Report.self, from: Data(contentsOf: folder.appendingPathComponent("result.json")))
        #expect(decoded.results.count == 3)
        let svg = try String(contentsOf: folder.appendingPathComponent("best_error.svg"), encoding: .utf8)
        #expect(try XMLDocument(xmlString: svg).rootElement()?.name == "svg")
        let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
        // The page opens with the time plot, then the methods' table.
        let plot = try #require(html.range(of: #"<figure id="best-against-time">"#))
        let table = try #require(html.range(of: #"<table id="methods">"#))
        #expect(plot.lowerBound < table.lowerBound)
        #expect(html.contains(#"<table id="comparisons">"#) && html.contains("HyperPower's study, seed 0"))
    }

    /// The comparison's arithmetic on hand-made runs: when each method first reached the
    /// baseline's final best, the ratio of the two, and the evaluations ratio.
    @Test func comparisonsOnKnownRuns() {
        func run(_ method: Method, _ trajectory: [Double?], _ times: [Double]) -> DigitsDemo.MethodResult {
            let best = trajectory.compactMap { $0 }.min()
            return DigitsDemo.MethodResult(
                method: method, seed: 7, trials: [],
                best: best.map { Trial(number: 0, configuration: Configuration([:]), outcome: .success(objective: $0)) },
                evaluations: trajectory.count, budgetViolations: 0, wallSeconds: times.last ?? 0, trajectory: trajectory, times: times)
        }
        let ours = run(.hyperpower, [0.05, 0.03, 0.02, 0.02, 0.015, 0.015], [1, 2, 3, 4, 5, 6])
        let baseline = run(.unknownConstraints, [nil, 0.04, 0.02], [2, 4, 6])
        let report = DigitsDemo.Report(
            latencyBudgetMicroseconds: 1, energyBudgetMicrojoules: nil, memoryBudgetBytes: 1, latencyModelCrossValidatedRMSPE: nil,
            energyMeter: "", secondsPerMethod: 6, folds: 3, seeds: [7], admittedShare: 0.5, admittedShares: [:],
            results: [ours, baseline])
        let comparison = try! #require(report.comparisons.first)
        #expect(comparison.baselineBest == 0.02)
        #expect(comparison.baselineSeconds == 6)
        #expect(comparison.hyperpowerSeconds == 3)
        #expect(comparison.speedup == 2)
        #expect(comparison.evaluationRateRatio == 2)
        #expect(report.medianBest(of: .hyperpower) == 0.015)
        #expect(ours.bestAgainstTime.map(\.0) == [1, 2, 3, 5, 6])
        let curves = DemoReportWriter.medianCurves(report)
        #expect(curves.map(\.name) == ["hyperpower", "unknown-constraints"])
        #expect(curves[0].points.last!.1 == 1.5 && curves[1].points.last!.1 == 2)
    }

    @Test func badSettingsAreClearErrors() async {
        var settings = DigitsDemo.Settings()
        settings.secondsPerMethod = 0
        await #expect(throws: DemoError.invalidArgument("--seconds must be a positive number of seconds (got 0.0)")) {
            _ = try await DigitsDemo.run(settings) { _ in }
        }
        settings = DigitsDemo.Settings()
        settings.latencyBudgetMicroseconds = -3
        await #expect(throws: DemoError.self) { _ = try await DigitsDemo.run(settings) { _ in } }
        settings = DigitsDemo.Settings()
        settings.memoryBudgetBytes = .nan
        await #expect(throws: DemoError.self) { _ = try await DigitsDemo.run(settings) { _ in } }
        settings = DigitsDemo.Settings()
        settings.folds = 1
        await #expect(throws: DemoError.invalidArgument("--folds must be 2–10 (got 1)")) { _ = try await DigitsDemo.run(settings) { _ in } }
    }
}

/// Collects progress lines from a @Sendable callback. `@unchecked Sendable`: guarded by `lock`.
final class LineSink: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return lines.count }
}

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite struct DigitsDemoEnergyTests {
    @Test func aCPUEnergyMeterAddsAnEnergyConstraint() async throws {
        // A fake RAPL tree whose counter a thread advances, as the kernel would.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hyperpower-rapl-\(UUID().uuidString)")
        let domain = root.appendingPathComponent("intel-rapl:0")
        try FileManager.default.createDirectory(at: domain, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "262143328850\n".write(to: domain.appendingPathComponent("max_energy_range_uj"), atomically: true, encoding: .utf8)
        try "0\n".write(to: domain.appendingPathComponent("energy_uj"), atomically: true, encoding: .utf8)
        let running = LineSink()
        let counter = Thread {
            var microjoules = 0
            while running.count == 0 {
                microjoules += 500
                try? "\(microjoules)\n".write(to: domain.appendingPathComponent("energy_uj"), atomically: true, encoding: .utf8)
                usleep(200)
            }
        }
        counter.start()
        defer { running.append("stop") }

        var settings = DigitsDemo.Settings()
        settings.maximumEvaluations = 3
        settings.seeds = [0]
        settings.folds = 2
        settings.epochs = 1
        settings.profiledConfigurations = 4
        settings.methods = [.hyperpower]
        settings.raplRoot = root
        let lines = LineSink()
        let report = try await DigitsDemo.run(settings) { lines.append($0) }
        let budget = try #require(report.energyBudgetMicrojoules)
        #expect(budget > 0)
        for trial in report.results[0].trials {
            #expect(trial.predictions["energy"] != nil && trial.measurements["energy"] != nil)
            #expect(trial.predictions["energy"]! <= 0.95 * budget + 1e-9)
        }
    }
}
