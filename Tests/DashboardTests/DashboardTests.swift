@testable import Dashboard
import Experiments
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HyperPower
import Logging
import Testing

/// The dashboard over real journals: which files it serves, what it answers, that a page
/// follows a growing study, and (in headless Chromium) what a browser shows.
@Suite(.serialized) struct DashboardTests {
    static let space = try! SearchSpace {
        Real("x", 0...1)
        Integer("width", 8...512, scale: .log)
        Categorical("activation", ["relu", "tanh"])
    }

    static var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// A study of `count` random trials in a journal: a known memory constraint, an observed
    /// latency constraint, and a latency measurement beside its prediction.
    static func writeStudy(at url: URL, trials count: Int, seed: UInt64 = 1) async throws -> Study {
        let constraints: [Constraint] = [
            .known("memory", atMost: 300) { Double($0.integer("width")) },
            .observed("latency", atMost: 0.8),
        ]
        let study = Study(space: space, constraints: constraints, sampler: RandomSampler(seed: seed),
                          storage: FileJournalStorage(url: url), seed: seed, logger: quiet)
        try await study.recordAdmittedShares(samples: 512)
        try await tell(study, count)
        return study
    }

    static func tell(_ study: Study, _ count: Int) async throws {
        for _ in 0..<count {
            let suggestion = try await study.ask()
            let x = suggestion.configuration.double("x")
            let width = Double(suggestion.configuration.integer("width"))
            if x > 0.97 {
                try await study.tell(suggestion.number, failure: "diverged")
            } else {
                try await study.tell(suggestion.number, .success(
                    objective: (x - 0.3) * (x - 0.3) + width / 5000, measurements: ["latency": x, "memory": 1.1 * width]))
            }
        }
    }

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Starts a server on a free port; returns its base URL and the task to cancel.
    static func serve(_ storage: URL) async throws -> (URL, Task<Void, any Error>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = DashboardServer(storage: storage, port: 0, refreshSeconds: 0.2)
        let task = Task { try await server.run(logger: quiet) { port in continuation.yield(port) } }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
        return (URL(string: "http://127.0.0.1:\(port)")!, task)
    }

    static func get(_ url: URL) async throws -> (status: Int, body: String, version: String?) {
        var request = URLRequest(url: url)
        request.cachePolicy = .reloadIgnoringLocalCacheData
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return (http.statusCode, String(decoding: data, as: UTF8.self), http.value(forHTTPHeaderField: "X-Study-Version"))
    }

    @Test func aFolderServesItsJournalsAndNothingElse() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await Self.writeStudy(at: folder.appendingPathComponent("first.jsonl"), trials: 3)
        _ = try await Self.writeStudy(at: folder.appendingPathComponent("second run"), trials: 2, seed: 2)
        try "not a journal\n".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try Data().write(to: folder.appendingPathComponent("empty.jsonl"))
        let catalog = StudyCatalog(root: folder)
        #expect(await catalog.names() == ["first.jsonl", "second run"])
        let summaries = await catalog.summaries()
        #expect(summaries.map(\.trials) == [3, 2])
        #expect(DashboardServer.problem(with: folder.appendingPathComponent("notes.txt").path)?.contains("not a HyperPower journal") == true)
        #expect(DashboardServer.problem(with: folder.appendingPathComponent("missing").path)?.contains("there is no journal") == true)
        #expect(DashboardServer.problem(with: "postgres://localhost/studies") != nil)
        #expect(DashboardServer.problem(with: folder.path) == nil)
    }

    @Test func pagesFollowAGrowingStudy() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let study = try await Self.writeStudy(at: folder.appendingPathComponent("growing.jsonl"), trials: 5)
        let (base, server) = try await Self.serve(folder)
        defer { server.cancel() }

        let index = try await Self.get(base)
        #expect(index.status == 200)
        #expect(index.body.contains(#"data-count="1""#) && index.body.contains("/studies/growing.jsonl"))
        #expect(!index.body.contains("http://") && !index.body.contains("https://"))  // no CDN

        let page = try await Self.get(base.appendingPathComponent("studies/growing.jsonl"))
        #expect(page.body.contains(#"<span id="trial-count">5</span>"#))
        let version = try #require(page.body.firstMatch(of: /data-version="([^"]+)"/).map { String($0.1) })

        // Unchanged: 204 and nothing else.
        var fragment = URLComponents(url: base.appendingPathComponent("fragments/studies/growing.jsonl"), resolvingAgainstBaseURL: false)!
        fragment.queryItems = [URLQueryItem(name: "since", value: version)]
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await Self.get(fragment.url!).status == 204)

        // Another writer appends three trials: the fragment comes back with them and a new version.
        try await Self.tell(study, 3)
        try await Task.sleep(for: .milliseconds(300))
        let changed = try await Self.get(fragment.url!)
        #expect(changed.status == 200)
        #expect(changed.body.contains(#"<span id="trial-count">8</span>"#))
        #expect(changed.version != nil && changed.version != version)

        let trials = try await Self.get(base.appendingPathComponent("api/studies/growing.jsonl/trials"))
        let decoded = try JSONDecoder().decode([Trial].self, from: Data(trials.body.utf8))
        #expect(decoded.count == 8)
        #expect(decoded.allSatisfy { $0.completedAt != nil })
        #expect(try await Self.get(base.appendingPathComponent("studies/absent.jsonl")).status == 404)
        #expect(try await Self.get(base.appendingPathComponent("assets/live.js")).body.contains("X-Study-Version"))
    }

    /// The known-feasible share recorded by the study reaches the page; violations per
    /// constraint are counted.
    @Test func constraintsShowTheirShareAndViolations() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let study = try await Self.writeStudy(at: folder.appendingPathComponent("s.jsonl"), trials: 40)
        let loaded = try await Study.load(from: FileJournalStorage(url: folder.appendingPathComponent("s.jsonl"), readOnly: true))
        let report = await StudyReport(study: loaded, title: "s")
        let shares = try #require(report.admittedShares)
        // width ≤ 300 on a log scale over 8…512: log(300/8)/log(512/8) of the space, up to sampling error.
        let exact = Foundation.log(300.5 / 7.5) / Foundation.log(512.5 / 7.5)
        #expect(abs(shares.all - exact) < 0.06)
        #expect(shares.byConstraint["memory"] == shares.all)
        let broke = await study.trials.filter { $0.violatedConstraints.contains("latency") }.count
        #expect(broke > 0)
        #expect(report.content.contains(#"<tr data-constraint="latency"><th>latency</th><td>observed</td><td>≤ 0.8</td><td>learned (observed)</td><td class="violations">\#(broke)</td>"#))
    }
}

/// Headless Chromium (Debian's `chromium`) loads the dashboard of a 1,000-trial study and the
/// static report, reads their DOM, and saves screenshots into `.build/screenshots`. Skipped
/// when there is no Chromium, unless `HYPERPOWER_BROWSER_TESTS=1` (CI sets it) makes that a
/// failure.
@Suite(.serialized) struct BrowserTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let required = ProcessInfo.processInfo.environment["HYPERPOWER_BROWSER_TESTS"] == "1"

    static func browser(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                             "--no-first-run", "--user-data-dir=\(FileManager.default.temporaryDirectory.path)/hp-chromium-\(getpid())"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static var screenshots: URL {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/screenshots")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func chromiumShowsTheDashboardAndTheReport() async throws {
        guard Self.chromium != nil else {
            #expect(!Self.required, "HYPERPOWER_BROWSER_TESTS=1 but no Chromium is installed (apt-get install chromium)")
            return
        }
        let folder = try DashboardTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let study = try await DashboardTests.writeStudy(at: folder.appendingPathComponent("thousand.jsonl"), trials: 1_000)
        let best = try #require(await study.best)
        let (base, server) = try await DashboardTests.serve(folder)
        defer { server.cancel() }

        // The dashboard, through the DOM after its scripts ran.
        let page = base.appendingPathComponent("studies/thousand.jsonl").absoluteString
        let dom = try Self.browser(["--dump-dom", page])
        #expect(dom.contains(#"<span id="trial-count">1000</span>"#))
        #expect(dom.contains(#"<strong id="best-value">\#(StudyReport.format(best.outcome.objective!))</strong>"#))
        #expect(dom.contains(#"id="parallel-coordinates""#) && dom.contains(#"id="known-feasible-share""#))
        #expect(dom.contains("1000 shown"))  // the table's script ran
        // The live script ran and timed the layout (the figure itself is `make dashboard-timing`'s:
        // a timed assertion here would fail on a loaded CI machine).
        #expect(dom.firstMatch(of: /data-browser-ms="(\d+)"/) != nil)
        _ = try Self.browser(["--screenshot=\(Self.screenshots.path)/dashboard-study.png", "--window-size=1280,2000", page])
        _ = try Self.browser(["--screenshot=\(Self.screenshots.path)/dashboard-index.png", "--window-size=1280,500", base.absoluteString])
        #expect(FileManager.default.fileExists(atPath: "\(Self.screenshots.path)/dashboard-study.png"))

        // The static report, from a file.
        let report = folder.appendingPathComponent("report.html")
        try await StudyReport(study: study, title: "thousand").html.write(to: report, atomically: true, encoding: .utf8)
        let reportDOM = try Self.browser(["--dump-dom", report.absoluteString])
        #expect(reportDOM.contains(#"<span id="trial-count">1000</span>"#))
        #expect(reportDOM.contains("1000 shown"))
        _ = try Self.browser(["--screenshot=\(Self.screenshots.path)/report.png", "--window-size=1280,3000", report.absoluteString])
        #expect(FileManager.default.fileExists(atPath: "\(Self.screenshots.path)/report.png"))
    }
}
