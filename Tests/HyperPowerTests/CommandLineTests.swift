import Foundation
import Testing

/// The `hyperpower` executable, run as a user would.
@Suite struct CommandLineTests {
    /// Runs the executable; returns (status, stdout, stderr).
    static func run(_ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = try CrashRecoveryTests.executable()
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test(.timeLimit(.minutes(2)))
    func shortNASDemoWritesJSONThatParses() throws {
        let (status, output, errors) = try Self.run(
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

    @Test func badArgumentsGetClearErrors() throws {
        let cases: [([String], String)] = [
            (["demo", "--budget", "0"], "--budget must be at least 1"),
            (["demo", "--memory-budget", "nan"], "--memory-budget must be a positive number"),
            (["demo", "nas", "--device", "abacus"], "unknown --device 'abacus'"),
            (["benchmark", "--problem", "nope"], "unknown --problem 'nope'"),
            (["benchmark", "--problem", "all", "--journal", "/tmp/x.jsonl"], "--journal keeps one study"),
            (["cost-model", "--target", "lat_fpga_ms", "--train", "10"], "give --features A,B,… or --nb201"),
        ]
        for (arguments, message) in cases {
            let (status, _, errors) = try Self.run(arguments)
            #expect(status != 0, "\(arguments) should fail")
            #expect(errors.contains(message), "\(arguments): \(errors)")
        }
    }
}
