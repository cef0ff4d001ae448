import Foundation
import Testing

/// The `hyperpower` executable, run as a user would.
@Suite struct CommandLineTests {
    /// Runs the executable; returns (status, stdout, stderr). Output goes to files and the exit
    /// is awaited, so no cooperative thread blocks on a pipe.
    static func run(_ arguments: [String]) async throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = try CrashRecoveryTests.executable()
        process.arguments = arguments
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hyperpower-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputURL = directory.appendingPathComponent("out")
        let errorURL = directory.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL)
        let errors = try FileHandle(forWritingTo: errorURL)
        process.standardOutput = output
        process.standardError = errors
        try await CrashRecoveryTests.runToExit(process)
        try output.close()
        try errors.close()
        return (process.terminationStatus, try String(contentsOf: outputURL, encoding: .utf8),
                try String(contentsOf: errorURL, encoding: .utf8))
    }

    @Test(.timeLimit(.minutes(2)))
    func shortNASDemoWritesJSONThatParses() async throws {
        let (status, output, errors) = try await Self.run(
            ["demo", "nas", "--device", "fpga", "--latency-budget", "3", "--budget", "8", "--json"])
        #expect(status == 0, "\(errors)")
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        #expect(reports.count == 1)
        let runs = try #require(reports[0]["runs"] as? [[String: Any]])
        #expect(runs.map { $0["method"] as? String } == ["hyperpower", "random", "exact-random"])
        for run in runs {
            #expect(run["evaluations"] as? Int == 8)
            #expect((run["trueBudgetViolations"] as? Int) == 0)  // fitted on 50 cells the FPGA model is exact
            #expect((run["bestFeasibleAccuracy"] as? Double).map { $0 > 10 && $0 <= 94.37 } ?? false)
        }
        #expect((reports[0]["trueBestFeasibleAccuracy"] as? Double).map { abs($0 - 93.4) < 0.01 } ?? false)
    }

    @Test func badArgumentsGetClearErrors() async throws {
        let cases: [([String], String)] = [
            (["demo", "--budget", "0"], "--budget must be at least 1"),
            (["demo", "--memory-budget", "nan"], "--memory-budget must be a positive number"),
            (["demo", "nas", "--device", "abacus"], "unknown --device 'abacus'"),
            (["benchmark", "--problem", "nope"], "unknown --problem 'nope'"),
            (["benchmark", "--problem", "all", "--journal", "/tmp/x.jsonl"], "--journal keeps one study"),
            (["cost-model", "--target", "lat_fpga_ms", "--train", "10"], "give --features A,B,… or --nb201"),
        ]
        for (arguments, message) in cases {
            let (status, _, errors) = try await Self.run(arguments)
            #expect(status != 0, "\(arguments) should fail")
            #expect(errors.contains(message), "\(arguments): \(errors)")
        }
    }
}
