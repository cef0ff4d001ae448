import CommandStudies
import Foundation
import HyperPower
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

    /// `--objectives accuracy,latency`: the front's hypervolume against the table's true front,
    /// within a budget the 50-cell FPGA model gates exactly.
    @Test(.timeLimit(.minutes(2)))
    func shortNASFrontDemoWritesJSONThatParses() async throws {
        let (status, output, errors) = try await Self.run(
            ["demo", "nas", "--objectives", "accuracy,latency", "--device", "fpga", "--latency-budget", "3", "--budget", "12", "--json"])
        #expect(status == 0, "\(errors)")
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        #expect(reports.count == 1)
        let trueFront = try #require(reports[0]["trueFront"] as? [[Double]])
        #expect(!trueFront.isEmpty && trueFront.allSatisfy { $0[0] > 80 && $0[1] <= 3 })
        let runs = try #require(reports[0]["runs"] as? [[String: Any]])
        #expect(runs.map { $0["method"] as? String } == ["hyperpower", "hyperpower, known latency", "random"])
        for run in runs {
            #expect(run["evaluations"] as? Int == 12)
            #expect((run["trueBudgetViolations"] as? Int) == 0)
            #expect((run["hypervolumeRatio"] as? Double).map { $0 > 0 && $0 <= 1 + 1e-12 } ?? false, "\(run)")
        }
    }

    /// `benchmark --problem branin-currin`: a two-objective problem judged by its true front.
    @Test(.timeLimit(.minutes(2)))
    func frontBenchmarkWritesJSONThatParses() async throws {
        let (status, output, errors) = try await Self.run(
            ["benchmark", "--problem", "branin-currin", "--seeds", "1", "--budget", "12", "--json"])
        #expect(status == 0, "\(errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(report["problem"] as? String == "branin-currin" && report["budget"] as? Int == 12)
        let seeds = try #require(report["seeds"] as? [[String: Any]])
        #expect(seeds.count == 1 && seeds[0]["knownConstraintViolations"] as? Int == 0)
        let volume = try #require(seeds[0]["hypervolume"] as? Double), truth = try #require(report["trueHypervolume"] as? Double)
        #expect(volume > 0 && volume < truth)
        let (badStatus, _, badErrors) = try await Self.run(["benchmark", "--problem", "c2-dtlz2", "--front-acquisition", "nope"])
        #expect(badStatus != 0 && badErrors.contains("choose automatic, parego or ehvi"), "\(badErrors)")
    }

    @Test func badArgumentsGetClearErrors() async throws {
        let cases: [([String], String)] = [
            (["demo", "--seconds", "0"], "--seconds must be a positive number (got 0.0)"),
            (["demo", "--seeds", "0"], "--seeds must be at least 1 (got 0)"),
            (["demo", "--folds", "1"], "--folds must be 2–10 (got 1)"),
            (["demo", "--memory-budget", "nan"], "--memory-budget must be a positive number"),
            (["demo", "nas", "--device", "abacus"], "unknown --device 'abacus'"),
            (["demo", "nas", "--objectives", "latency"], "--objectives must be accuracy or accuracy,latency (got 'latency')"),
            (["demo", "nas", "--objectives", "accuracy,latency", "--reference-accuracy", "100"], "--reference-accuracy must be a percentage below 100"),
            (["benchmark", "--problem", "nope"], "unknown --problem 'nope'"),
            (["benchmark", "--problem", "all", "--journal", "/tmp/x.jsonl"], "--journal keeps one study"),
            (["cost-model", "--target", "lat_fpga_ms", "--train", "10"], "give --features A,B,… (numeric), --categorical C,D,…, or --nb201"),
            // A negative number is the option's value, not an unknown option.
            (["benchmark", "--problem", "gramacy", "--budget", "-1"], "--budget must be at least 1 (got -1)"),
            (["demo", "--epochs", "-2"], "--epochs must be at least 1 (got -2)"),
        ]
        for (arguments, message) in cases {
            let (status, _, errors) = try await Self.run(arguments)
            #expect(status != 0, "\(arguments) should fail")
            #expect(errors.contains(message), "\(arguments): \(errors)")
        }
    }

    /// An output folder that cannot be written is refused before any training, in one line.
    @Test func unwritableOutputsFailBeforeAnyWork() async throws {
        let (status, output, errors) = try await Self.run(["demo", "mlp", "--output", "/proc/hyperpower-nope", "--seconds", "2"])
        #expect(status != 0)
        #expect(errors.contains("cannot write into the folder /proc/hyperpower-nope"), "\(errors)")
        #expect(!errors.contains("NSCocoaErrorDomain") && !errors.contains("Usage:"), "\(errors)")
        #expect(!output.contains("HyperPower demo"), "started before checking its output: \(output)")

        let journal = try await Self.shortJournal()
        defer { try? FileManager.default.removeItem(at: journal.deletingLastPathComponent()) }
        let (svgStatus, _, svgErrors) = try await Self.run(["report", journal.path, "--svg", "/tmp/hyperpower-no-such-folder/p.svg"])
        #expect(svgStatus != 0)
        #expect(svgErrors.contains("cannot write /tmp/hyperpower-no-such-folder/p.svg: the folder"), "\(svgErrors)")
        #expect(!svgErrors.contains("NSCocoaErrorDomain"))
    }

    /// `journal check` lists every bad line by number; `journal repair` writes a copy without
    /// them that opens as the same study, and never changes the original.
    @Test func journalCheckAndRepair() async throws {
        let journal = try await Self.shortJournal()
        let folder = journal.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (okStatus, okOutput, _) = try await Self.run(["journal", "check", journal.path])
        #expect(okStatus == 0)
        #expect(okOutput.contains("OK: 6 completed trials, 0 pending"), "\(okOutput)")

        var lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.insert("{\"event\": broken", at: 3)             // becomes line 4
        lines.insert("garbage", at: lines.count - 1)          // the last line, before the final newline
        let damaged = folder.appendingPathComponent("damaged.jsonl")
        try lines.joined(separator: "\n").write(to: damaged, atomically: true, encoding: .utf8)
        let original = try Data(contentsOf: damaged)

        let (status, output, _) = try await Self.run(["journal", "check", damaged.path])
        #expect(status == 1)
        #expect(output.contains("line 4 is not a study record"), "\(output)")
        #expect(output.contains("line \(lines.count - 1) is not a study record: garbage"), "\(output)")

        // The study itself refuses it, naming the first bad line.
        let (reportStatus, _, reportErrors) = try await Self.run(["report", damaged.path])
        #expect(reportStatus != 0)
        #expect(reportErrors.contains("line 4 of"), "\(reportErrors)")

        // Garbage only on the last line (ending in a newline) is named by its number too.
        let lastOnly = folder.appendingPathComponent("last-only.jsonl")
        let clean = try String(contentsOf: journal, encoding: .utf8)
        try (clean + "garbage\n").write(to: lastOnly, atomically: true, encoding: .utf8)
        let lineCount = clean.split(separator: "\n").count + 1
        let (lastStatus, _, lastErrors) = try await Self.run(["report", lastOnly.path])
        #expect(lastStatus != 0)
        #expect(lastErrors.contains("line \(lineCount) of") && !lastErrors.contains("middle"), "\(lastErrors)")

        let repaired = folder.appendingPathComponent("repaired.jsonl")
        let (repairStatus, repairOutput, repairErrors) = try await Self.run(["journal", "repair", damaged.path, "--output", repaired.path])
        #expect(repairStatus == 0, "\(repairErrors)")
        #expect(repairOutput.contains("dropped line 4") && repairOutput.contains("dropped line \(lines.count - 1)"), "\(repairOutput)")
        #expect(repairOutput.contains("6 completed trials"), "\(repairOutput)")
        #expect(try Data(contentsOf: damaged) == original)
        #expect(try Data(contentsOf: repaired) == Data(contentsOf: journal))

        // A copy is never written over an existing file.
        let (againStatus, _, againErrors) = try await Self.run(["journal", "repair", damaged.path, "--output", repaired.path])
        #expect(againStatus != 0 && againErrors.contains("exists"), "\(againErrors)")
    }

    /// A journal whose first line is not the header is refused, even if a header comes later.
    @Test func aHeaderAfterTheFirstLineIsRefused() async throws {
        let journal = try await Self.shortJournal()
        defer { try? FileManager.default.removeItem(at: journal.deletingLastPathComponent()) }
        var lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.append(lines.removeFirst())
        try (lines.joined(separator: "\n") + "\n").write(to: journal, atomically: true, encoding: .utf8)
        let (status, _, errors) = try await Self.run(["report", journal.path])
        #expect(status != 0)
        #expect(errors.contains("does not start with a study header"), "\(errors)")
    }

    /// A six-trial study journal in a fresh folder, written by the library.
    static func shortJournal() async throws -> URL {
        let folder = try Self.temporaryFolder("hyperpower-journal")
        let url = folder.appendingPathComponent("study.jsonl")
        let optimizer = RandomSearch(space: OptimizerTests.square, seed: 3, storage: .journal(url), logger: quietLogger) {
            .success(objective: OptimizerTests.bowl($0))
        }
        _ = try await optimizer.run(budget: .evaluations(6))
        return url
    }
}

extension CommandLineTests {
    /// A profile table with a text column and a categorical feature, fitted and saved from the
    /// command line, then loaded by the library.
    @Test(.timeLimit(.minutes(2)))
    func costModelReadsTextColumnsEncodesCategoriesAndSaves() async throws {
        let folder = try Self.temporaryFolder("hyperpower-cost")
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("profile.csv")
        try SavedCostModelCSV.text.write(to: csv, atomically: true, encoding: .utf8)
        let saved = folder.appendingPathComponent("model.json")
        let (status, output, errors) = try await Self.run(
            ["cost-model", "--csv", csv.path, "--target", "latency", "--features", "filters", "--categorical", "kernel",
             "--train", "8", "--budget", "20", "--save", saved.path])
        #expect(status == 0, "\(errors)")
        #expect(output.contains("linear model on 3 features"), "\(output)")
        #expect(output.contains("gate at ≤ 20"), "\(output)")
        #expect(output.contains("Wrote \(saved.path): linear model on all 12 rows, 3 features from 2 inputs"), "\(output)")
        let model = try SavedCostModel.load(from: saved)
        #expect(model.featureNames == ["filters", "kernel=k3", "kernel=k5"])
        // latency = 1 + 0.5·filters + (3 | 1) + small: the saved linear model recovers it.
        #expect(abs(try model.predict(row: ["filters": "20", "kernel": "k5"]) - 14) < 0.05)
        // As Docs/HardwareModels.md plugs it into a known constraint.
        let constraint = Constraint.known("latency", atMost: 20, predictedBy: model) { config in
            try model.features(row: ["filters": "\(config.integer("filters"))", "kernel": config.string("kernel")])
        }
        let configuration = Configuration(["filters": .integer(20), "kernel": .categorical("k5")])
        #expect(abs(constraint.prediction(for: configuration)! - 14) < 0.05)

        let (badStatus, _, badErrors) = try await Self.run(
            ["cost-model", "--csv", csv.path, "--target", "latency", "--features", "arch", "--train", "8"])
        #expect(badStatus != 0)
        #expect(badErrors.contains("column 'arch': 'net-0' is not a number"), "\(badErrors)")
    }
}

/// The profile table of the command-line test (as in `SavedCostModelTests`).
enum SavedCostModelCSV {
    static let text: String = {
        var lines = ["arch,filters,kernel,device,latency"]
        for (i, filters) in [8.0, 16, 32, 8, 16, 32, 64, 64, 24, 48, 12, 40].enumerated() {
            let kernel = i % 2 == 0 ? "k5" : "k3"
            lines.append("net-\(i),\(filters),\(kernel),pixel,\(1 + 0.5 * filters + (kernel == "k5" ? 3 : 1) + 0.01 * Double(i % 3))")
        }
        return lines.joined(separator: "\n") + "\n"
    }()
}

extension CommandLineTests {
    /// `hyperpower init` then `hyperpower run` on a shell command, with a failing trial, then a
    /// resume that has nothing left to do.
    @Test(.timeLimit(.minutes(2)))
    func initThenRunAShellCommand() async throws {
        let folder = try Self.temporaryFolder("hyperpower-run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let example = folder.appendingPathComponent("example.yaml")
        let (initStatus, initOutput, initErrors) = try await Self.run(["init", example.path])
        #expect(initStatus == 0, "\(initErrors)")
        #expect(initOutput.contains("Wrote"))
        let (againStatus, _, againErrors) = try await Self.run(["init", example.path])
        #expect(againStatus != 0 && againErrors.contains("exists"), "\(againErrors)")
        #expect(try StudyFile.load(from: example).space.parameters.count == 5)

        let study = folder.appendingPathComponent("study.yaml")
        try """
            objective: {name: loss}
            parameters:
              - {name: x, type: real, low: -2, high: 2}
              - {name: n, type: integer, low: 1, high: 3}
            budget: 6
            storage: study.jsonl
            """.write(to: study, atomically: true, encoding: .utf8)
        // loss = x², except that n = 3 crashes.
        let script = #"if [ "$2" = 3 ]; then echo 'boom' >&2; exit 2; fi; awk -v x="$1" 'BEGIN { printf "{\"loss\": %.12g}\n", x * x }'"#
        let arguments = ["run", study.path, "--workers", "2", "--", "/bin/sh", "-c", script, "sh", "{x}", "{n}"]
        let (status, output, errors) = try await Self.run(arguments)
        #expect(status == 0, "\(errors)")
        let lines = output.split(separator: "\n").filter { $0.hasPrefix("trial ") }
        #expect(lines.count == 6, "\(output)")
        #expect(lines.allSatisfy { $0.contains("loss ") || $0.contains("failed: the command exited with status 2") }, "\(output)")
        #expect(output.contains("6 trials: "), "\(output)")
        #expect(output.contains("Best: trial "), "\(output)")
        // The best configuration is printed exactly as the journal keeps it.
        let bestX = try #require(output.split(separator: "\n").first { $0.hasPrefix("  x ") }).split(separator: " ").last!
        #expect(Double(bestX) != nil, "\(output)")
        let journal = try String(contentsOf: folder.appendingPathComponent("study.jsonl"), encoding: .utf8)
        #expect(journal.contains("\"x\":\(bestX)"), "\(bestX) not in the journal")
        let page = try String(contentsOf: folder.appendingPathComponent("study.html"), encoding: .utf8)
        #expect(page.contains(#"<span id="trial-count">6</span> trials"#))

        let (resumeStatus, resumeOutput, resumeErrors) = try await Self.run(arguments)
        #expect(resumeStatus == 0, "\(resumeErrors)")
        #expect(!resumeOutput.contains("\ntrial "), "\(resumeOutput)")
        #expect(resumeOutput.contains("6 trials: "), "\(resumeOutput)")

        let (badStatus, _, badErrors) = try await Self.run(["run", study.path, "--", "echo", "{y}"])
        #expect(badStatus != 0 && badErrors.contains("placeholder {y} names no parameter"), "\(badErrors)")
    }
}

extension CommandLineTests {
    /// A new folder under the temporary directory, named by `prefix` and a UUID.
    static func temporaryFolder(_ prefix: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// An observed constraint the command does not report counts as broken, and the trial's line
    /// says it was not reported (not that the bound was broken).
    @Test(.timeLimit(.minutes(5)))
    func anUnreportedConstraintIsNamedAsSuch() async throws {
        let folder = try Self.temporaryFolder("hyperpower-unreported")
        defer { try? FileManager.default.removeItem(at: folder) }
        let study = folder.appendingPathComponent("study.yaml")
        try """
            objective: {name: loss}
            parameters:
              - {name: x, type: real, low: 0, high: 1}
            constraints:
              - {name: mem, atMost: 5}
            budget: 4
            storage: study.jsonl
            """.write(to: study, atomically: true, encoding: .utf8)
        // mem is reported (and broken) only when x > 0.5.
        let script = #"awk -v x="$1" 'BEGIN { if (x > 0.5) printf "{\"loss\": %.6g, \"mem\": 9}\n", x; else printf "{\"loss\": %.6g}\n", x }'"#
        let (status, output, errors) = try await Self.run(["run", study.path, "--", "/bin/sh", "-c", script, "sh", "{x}"])
        #expect(status == 0, "\(errors)")
        let lines = output.split(separator: "\n").filter { $0.hasPrefix("trial ") }
        #expect(lines.count == 4, "\(output)")
        #expect(lines.contains { $0.contains("mem 9") } && lines.contains { !$0.contains("mem 9") }, "\(output)")
        for line in lines {
            let reported = line.contains("mem 9")
            #expect(line.contains(reported ? "breaks mem" : "did not report mem (counted as broken)"), "\(line)")
            #expect(!(reported && line.contains("did not report")), "\(line)")
        }
    }
}

extension CommandLineTests {
    /// `objectives:` in a study file: the command reports both, each trial's line shows both,
    /// and the summary lists the Pareto front of the feasible trials — exactly the nondominated
    /// ones among those in the journal, in the order of the first objective.
    @Test(.timeLimit(.minutes(5)))
    func runWithTwoObjectivesPrintsTheFront() async throws {
        let folder = try Self.temporaryFolder("hyperpower-front")
        defer { try? FileManager.default.removeItem(at: folder) }
        let study = folder.appendingPathComponent("study.yaml")
        try """
            objectives:
              - {name: error}
              - {name: cost, direction: minimize}
            parameters:
              - {name: x, type: real, low: 0, high: 1}
            constraints:
              - {name: mem, atMost: 0.9}
            budget: 12
            storage: study.jsonl
            """.write(to: study, atomically: true, encoding: .utf8)
        // error falls and cost rises with x: every feasible trial is on the front; mem = x
        // breaks its bound above 0.9.
        let script = #"awk -v x="$1" 'BEGIN { printf "{\"error\": %.9g, \"cost\": %.9g, \"mem\": %.9g}\n", (1 - x) * (1 - x), x, x }'"#
        let (status, output, errors) = try await Self.run(["run", study.path, "--", "/bin/sh", "-c", script, "sh", "{x}"])
        #expect(status == 0, "\(errors)")
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("trial ") }.allSatisfy { $0.contains(" cost ") }, "\(output)")
        let frontStart = try #require(lines.firstIndex { $0.hasPrefix("Pareto front: ") }, "\(output)")
        let listed = lines[(frontStart + 1)...].prefix { $0.hasPrefix("  trial ") }.map { line in
            Int(line.split(separator: " ")[1])!
        }
        // The journal's trials, judged here: feasible (mem ≤ 0.9), then nondominated.
        let journal = try String(contentsOf: folder.appendingPathComponent("study.jsonl"), encoding: .utf8)
        // The sampler is the one a front needs (as BayesianOptimizer picks it), not the
        // single-objective one, which would have searched the first objective alone.
        let header = try #require(journal.split(separator: "\n").first)
        #expect(header.contains(#""strategy":"parego""#), "\(header)")
        var points: [Int: [Double]] = [:]
        for line in journal.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let result = object["result"] as? [String: Any], let number = result["number"] as? Int,
                  let measurements = result["measurements"] as? [String: Double],
                  let outcome = result["outcome"] as? [String: Any], let success = outcome["success"] as? [String: Double]
            else { continue }
            if measurements["mem"]! <= 0.9 { points[number] = [success["objective"]!, measurements["cost"]!] }
        }
        let expected = points.filter { candidate in
            !points.values.contains { other in
                other != candidate.value && other[0] <= candidate.value[0] && other[1] <= candidate.value[1]
            }
        }.sorted { $0.value[0] < $1.value[0] }.map(\.key)
        #expect(!expected.isEmpty)
        #expect(listed == expected, "\(output)")
        // `report` on the journal lists the same front.
        let (reportStatus, report, _) = try await Self.run(["report", folder.appendingPathComponent("study.jsonl").path])
        #expect(reportStatus == 0)
        let front = lines[frontStart...].prefix { $0.hasPrefix("Pareto front: ") || $0.hasPrefix("  trial ") }
        #expect(!front.isEmpty && report.contains(front.joined(separator: "\n")), "\(report)")
    }

    /// `kill -9` of `hyperpower run` mid-study: the same command resumes it, re-offers the trial
    /// that was in flight, and ends with exactly the budget, each trial once.
    @Test(.timeLimit(.minutes(2)))
    func runResumesAfterKillNine() async throws {
        let folder = try Self.temporaryFolder("hyperpower-kill")
        defer { try? FileManager.default.removeItem(at: folder) }
        let study = folder.appendingPathComponent("study.yaml")
        try "parameters: [{name: x, type: real, low: 0, high: 1}]\nbudget: 8\nstorage: study.jsonl\n"
            .write(to: study, atomically: true, encoding: .utf8)
        let slow = ["run", study.path, "--", "/bin/sh", "-c", #"sleep 0.6; echo "{\"objective\": $1}""#, "sh", "{x}"]
        let process = Process()
        process.executableURL = try CrashRecoveryTests.executable()
        process.arguments = slow
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until two trials are in the journal, then kill -9. The wait blocks this thread
        // (a loaded cooperative pool could wake a Task.sleep after the whole study had run).
        let journal = folder.appendingPathComponent("study.jsonl")
        for _ in 0..<400 {
            let completed = ((try? String(contentsOf: journal, encoding: .utf8)) ?? "").components(separatedBy: "\"completed\"").count - 1
            if completed >= 2 { break }
            usleep(25_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let before = try await Study.load(from: FileJournalStorage(url: journal, readOnly: true)).trials.count
        #expect(before >= 2 && before < 8, "\(before) trials before the kill")

        let (status, output, errors) = try await Self.run(slow)
        #expect(status == 0, "\(errors)")
        #expect(output.contains("8 trials: 8 feasible"), "\(output)")
        let trials = try await Study.load(from: FileJournalStorage(url: journal, readOnly: true)).trials
        #expect(trials.map(\.number).sorted() == Array(0..<8))
    }
}
