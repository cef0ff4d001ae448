import Experiments
import Foundation
import HyperPower
import Hummingbird
import Logging
import NIOCore

/// `hyperpower dashboard`: a local web server that shows every study of a storage (a journal
/// file, or a folder of them) and keeps the pages up to date while workers append to them.
///
/// Pages are the HTML report's views (``StudyReport``), rendered on the server as inline SVG;
/// a page polls its fragment every few seconds and swaps it in when the study changed (the
/// answer is `204 No Content` otherwise, so an idle page costs one small request). Scripts and
/// styles are served by the binary; nothing is fetched from elsewhere. JSON for programs:
/// `/api/studies` and `/api/studies/NAME/trials`.
public struct DashboardServer: Sendable {
    /// Where the studies are: a journal file, a folder of journals, a database.
    public var source: any StudySource
    /// The address to bind (loopback by default: the dashboard has no authentication).
    public var host: String
    /// The port; 0 picks a free one (``run(onStarted:)`` reports it).
    public var port: Int
    /// How often an open page asks for changes, seconds.
    public var refreshSeconds: Double

    /// A server of a journal file or a folder of journals.
    public init(storage: URL, host: String = "127.0.0.1", port: Int = 8080, refreshSeconds: Double = 2) {
        self.init(source: JournalStudySource(root: storage), host: host, port: port, refreshSeconds: refreshSeconds)
    }

    /// A server of the studies of `source`.
    public init(source: any StudySource, host: String = "127.0.0.1", port: Int = 8080, refreshSeconds: Double = 2) {
        self.source = source
        self.host = host
        self.port = port
        self.refreshSeconds = refreshSeconds
    }

    /// Why a journal or folder path cannot be served (no such path, not a journal), or `nil`.
    public static func problem(with storage: String) -> String? {
        JournalStudySource.problem(with: URL(fileURLWithPath: storage))
    }

    /// Serves until the task is cancelled or the process gets SIGINT or SIGTERM; `onStarted`
    /// receives the port it listens on.
    public func run(logger: Logger = Logger(label: "hyperpower.dashboard"), onStarted: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let catalog = StudyCatalog(source: source)
        let router = Router()
        let refresh = refreshSeconds
        router.get("/") { _, _ -> Response in
            let summaries = await catalog.summaries()
            let content = Self.indexContent(summaries, storage: catalog.source.description)
            return Self.html(Self.page(title: "HyperPower: \(Self.shortName(catalog.source.description))", content: content,
                                       source: "/fragments/index", version: Self.indexVersion(summaries), refresh: refresh))
        }
        router.get("/fragments/index") { request, _ -> Response in
            let summaries = await catalog.summaries()
            let version = Self.indexVersion(summaries)
            if request.uri.queryParameters.get("since") == version { return Response(status: .noContent) }
            var response = Self.html(Self.indexContent(summaries, storage: catalog.source.description))
            response.headers[.init("X-Study-Version")!] = version
            return response
        }
        router.get("/studies/{name}") { _, context -> Response in
            let name = try context.parameters.require("name")
            guard let (version, content) = await catalog.content(name) else { return Self.notFound(name) }
            return Self.html(Self.page(title: name, content: content, source: "/fragments/studies/\(Self.pathComponent(name))",
                                       version: version, refresh: refresh, back: true))
        }
        router.get("/fragments/studies/{name}") { request, context -> Response in
            let name = try context.parameters.require("name")
            guard let (version, content) = await catalog.content(name) else { return Self.notFound(name) }
            if request.uri.queryParameters.get("since") == version { return Response(status: .noContent) }
            var response = Self.html(content)
            response.headers[.init("X-Study-Version")!] = version
            return response
        }
        router.get("/api/studies") { _, _ -> Response in
            Self.json(try JSONEncoder().encode(await catalog.summaries()))
        }
        router.get("/api/studies/{name}/trials") { _, context -> Response in
            let name = try context.parameters.require("name")
            guard let trials = await catalog.trials(name) else { return Self.notFound(name) }
            return Self.json(try JSONEncoder().encode(trials))
        }
        router.get("/assets/report.css") { _, _ in Self.asset(StudyReport.style, type: "text/css; charset=utf-8") }
        router.get("/assets/report.js") { _, _ in Self.asset(StudyReport.script, type: "text/javascript; charset=utf-8") }
        router.get("/assets/live.js") { _, _ in Self.asset(Self.liveScript, type: "text/javascript; charset=utf-8") }

        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "hyperpower"),
            onServerRunning: { channel in await onStarted(channel.localAddress?.port ?? 0) }, logger: quiet)
        try await app.runService()
    }

    // MARK: - Pages

    /// A page title's name for a source: a path's last component, a URL as it is.
    static func shortName(_ description: String) -> String {
        description.contains("://") ? description : URL(fileURLWithPath: description).lastPathComponent
    }

    static func page(title: String, content: String, source: String, version: String, refresh: Double, back: Bool = false) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(StudyReport.escape(title))</title>
        <link rel="stylesheet" href="/assets/report.css"></head><body>
        <p id="live">\(back ? "<a href=\"/\">All studies</a> · " : "")live: this page follows the study</p>
        <h1>\(StudyReport.escape(title))</h1>
        <main id="content" data-source="\(StudyReport.escape(source))" data-version="\(StudyReport.escape(version))" data-refresh="\(refresh)">
        \(content)
        </main>
        <script src="/assets/report.js"></script>
        <script src="/assets/live.js"></script>
        </body></html>

        """
    }

    static func indexContent(_ summaries: [StudyCatalog.Summary], storage: String) -> String {
        guard !summaries.isEmpty else {
            return "<p id=\"study-count\" data-count=\"0\">No study in \(StudyReport.escape(storage)) yet; this page shows them as they appear.</p>"
        }
        let rows = summaries.map { summary in
            "<tr><td style=\"text-align:left\"><a href=\"/studies/\(Self.pathComponent(summary.name))\">\(StudyReport.escape(summary.name))</a></td>"
                + "<td>\(StudyReport.escape(summary.sampler))</td><td class=\"trials\">\(summary.trials)</td><td>\(summary.feasible)</td>"
                + "<td>\(summary.running)</td><td>\(StudyReport.escape(summary.objective))</td>"
                + "<td class=\"best\">\(summary.best.map(StudyReport.format) ?? "")</td>"
                + "<td>\(summary.error.map { StudyReport.escape($0) } ?? "")</td></tr>"
        }
        return """
            <p id="study-count" data-count="\(summaries.count)">\(summaries.count) \(summaries.count == 1 ? "study" : "studies") in \(StudyReport.escape(storage))</p>
            <table id="studies" class="sortable"><thead><tr><th>study</th><th>sampler</th><th>trials</th><th>feasible</th><th>running</th>\
            <th>objective</th><th>best feasible</th><th>problem</th></tr></thead>
            <tbody>\(rows.joined(separator: "\n"))</tbody></table>
            """
    }

    static func indexVersion(_ summaries: [StudyCatalog.Summary]) -> String {
        summaries.map { "\($0.name):\($0.version):\($0.running)" }.joined(separator: ",")
    }

    static func pathComponent(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? name
    }

    /// Polls the page's fragment and swaps it in when the study changed; records when the
    /// first content was laid out, for the browser tests: on the body, `data-rendered-ms`
    /// (milliseconds since the navigation started), `data-server-ms` (request to the first
    /// byte of the answer) and `data-browser-ms` (first byte to laid out).
    static let liveScript = """
        (function () {
          function rendered() {
            void document.body.offsetHeight;
            var now = performance.now(), navigation = performance.getEntriesByType('navigation')[0];
            document.body.dataset.renderedMs = now.toFixed(0);
            if (navigation) {
              document.body.dataset.serverMs = (navigation.responseStart - navigation.requestStart).toFixed(0);
              document.body.dataset.browserMs = (now - navigation.responseStart).toFixed(0);
            }
          }
          if (document.readyState === 'complete') rendered(); else window.addEventListener('load', rendered);
          var main = document.getElementById('content');
          var live = document.getElementById('live');
          if (!main || !main.dataset.source) return;
          var interval = 1000 * (parseFloat(main.dataset.refresh) || 2);
          function note(text) { var span = document.getElementById('live-state'); if (!span) { span = document.createElement('span'); span.id = 'live-state'; live.appendChild(span); } span.textContent = ' · ' + text; }
          function poll() {
            fetch(main.dataset.source + '?since=' + encodeURIComponent(main.dataset.version), { cache: 'no-store' })
              .then(function (response) {
                if (response.status !== 200) { note('checked ' + new Date().toLocaleTimeString()); return; }
                var version = response.headers.get('X-Study-Version');
                return response.text().then(function (html) {
                  main.innerHTML = html;
                  main.dataset.version = version;
                  if (window.hyperpowerReport) window.hyperpowerReport.refresh();
                  note('updated ' + new Date().toLocaleTimeString());
                });
              })
              .catch(function () { note('the server does not answer; trying again'); })
              .finally(function () { setTimeout(poll, interval); });
          }
          setTimeout(poll, interval);
        })();
        """

    // MARK: - Responses

    static func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ data: Data) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "max-age=60"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func notFound(_ name: String) -> Response {
        Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: "no study named \(name) in this storage\n")))
    }
}
