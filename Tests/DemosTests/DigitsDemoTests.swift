import Demos
import Foundation
import HyperPower
import Testing

@Suite struct DigitsDemoTests {
    @Test func shortRunWritesAReportThatParses() async throws {
        var settings = DigitsDemo.Settings()
        settings.budget = 4
        settings.epochs = 2
        settings.profiledConfigurations = 4
        let lines = LineSink()
        let report = try await DigitsDemo.run(settings) { lines.append($0) }
        #expect(report.results.map(\.method) == [.hyperpower, .random, .unknownConstraints])
        #expect(report.results.allSatisfy { $0.evaluations == 4 && $0.trajectory.count == 4 })
        #expect(lines.count >= 3 * 4)
        // The gated methods never propose a configuration predicted to break a budget.
        for result in report.results where result.method != .unknownConstraints {
            for trial in result.trials {
                #expect(trial.predictions["memory"]! <= settings.memoryBudgetBytes)
                #expect(trial.predictions["latency"]! <= 0.95 * report.latencyBudgetMicroseconds + 1e-9)
            }
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hyperpower-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try DemoReportWriter.write(report, to: folder)
        let csv = try String(contentsOf: folder.appendingPathComponent("trials.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n")
        #expect(rows.count == 1 + 12)
        #expect(rows.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 15 })
        let decoded = try JSONDecoder().decode(DigitsDemo.Report.self, from: Data(contentsOf: folder.appendingPathComponent("result.json")))
        #expect(decoded.results.count == 3)
        let svg = try String(contentsOf: folder.appendingPathComponent("best_error.svg"), encoding: .utf8)
        #expect(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.contains("</svg>"))
        #expect(try XMLDocument(xmlString: svg).rootElement()?.name == "svg")
    }

    @Test func badSettingsAreClearErrors() async {
        var settings = DigitsDemo.Settings()
        settings.budget = 0
        await #expect(throws: DemoError.invalidArgument("--budget must be at least 1 (got 0)")) {
            _ = try await DigitsDemo.run(settings) { _ in }
        }
        settings = DigitsDemo.Settings()
        settings.latencyBudgetMicroseconds = -3
        await #expect(throws: DemoError.self) { _ = try await DigitsDemo.run(settings) { _ in } }
        settings = DigitsDemo.Settings()
        settings.memoryBudgetBytes = .nan
        await #expect(throws: DemoError.self) { _ = try await DigitsDemo.run(settings) { _ in } }
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
        settings.budget = 3
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
