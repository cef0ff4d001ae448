import Experiments
import Foundation
import HyperPower

/// Where a dashboard finds its studies: their names now, and a storage to read each from.
///
/// ``JournalStudySource`` serves a journal file or a folder of journals; a database storage
/// gives its own (`hyperpower dashboard --storage postgresql://…` builds one from
/// `PostgresStudyStorage`).
public protocol StudySource: Sendable {
    /// What is served, for the page's title and messages (a path, a URL without its password).
    var description: String { get }
    /// The names of the studies there now, sorted.
    func names() async -> [String]
    /// A storage to read the study `name` from (the dashboard only reads).
    func storage(for name: String) throws -> any StudyStorage
}

/// A source from two closures (a database's list of studies and its storages).
public struct ClosureStudySource: StudySource {
    public let description: String
    private let list: @Sendable () async -> [String]
    private let open: @Sendable (String) throws -> any StudyStorage

    public init(
        description: String, names: @escaping @Sendable () async -> [String],
        storage: @escaping @Sendable (String) throws -> any StudyStorage
    ) {
        self.description = description
        self.list = names
        self.open = storage
    }

    public func names() async -> [String] { await list().sorted() }
    public func storage(for name: String) throws -> any StudyStorage { try open(name) }
}

/// A journal file (one study) or a folder holding one study per journal file in it (found by
/// their header line, whatever their names).
public actor JournalStudySource: StudySource {
    /// A journal file or a folder of journals.
    public let root: URL
    /// Files found not to be journals, with their size then (looked at again once they change).
    private var rejected: [String: Int] = [:]
    /// Files found to be journals (not read again).
    private var accepted: Set<String> = []

    public init(root: URL) { self.root = root }

    public nonisolated var description: String { root.path }

    /// Why `root` cannot be served, or `nil`.
    public nonisolated static func problem(with root: URL) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            return "there is no journal or folder at \(root.path)"
        }
        if !isDirectory.boolValue && !isJournal(root) { return "\(root.path) is not a HyperPower journal (its first line is not a study header)" }
        return nil
    }

    public func names() -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [root.lastPathComponent] }
        let files = (try? FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey])) ?? []
        var names: [String] = []
        for file in files {
            let values = try? file.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values?.isRegularFile == true else { continue }
            let name = file.lastPathComponent
            if accepted.contains(name) { names.append(name); continue }
            let size = values?.fileSize ?? 0
            if rejected[name] == size { continue }
            if Self.isJournal(file) {
                names.append(name)
                accepted.insert(name)
                rejected[name] = nil
            } else {
                rejected[name] = size
            }
        }
        return names.sorted()
    }

    public nonisolated func storage(for name: String) -> any StudyStorage {
        var isDirectory: ObjCBool = false
        let folder = FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) && isDirectory.boolValue
        return FileJournalStorage(url: folder ? root.appendingPathComponent(name) : root, readOnly: true)
    }

    /// Whether a file's first line is a study header (reads at most 4 MiB of it).
    nonisolated static func isJournal(_ file: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return false }
        defer { try? handle.close() }
        var line = Data()
        while line.count < 4 << 20 {
            guard let chunk = try? handle.read(upToCount: 64 << 10), !chunk.isEmpty else { return false }
            if let end = chunk.firstIndex(of: 0x0A) {
                line.append(chunk[chunk.startIndex..<end])
                break
            }
            line.append(chunk)
        }
        guard let record = try? JSONDecoder().decode(StudyRecord.self, from: line) else { return false }
        return record.event == .header
    }
}

/// The studies of a source, as the dashboard shows them. Each study is opened read-only once
/// and brought up to date by reading only what was appended since (``Study/refresh()``); its
/// rendered views are cached until it changes.
actor StudyCatalog {
    /// Where the studies are.
    let source: any StudySource
    /// Distinguishes this server's versions from an earlier one's (a page kept open across a
    /// restart then reloads its content).
    let nonce = UInt32.random(in: 0...UInt32.max)
    /// Refresh a study at most this often (seconds), however many pages poll it.
    let refreshInterval: Double

    private var entries: [String: Entry] = [:]

    final class Entry {
        let study: Study
        var changes = 0
        var lastRefresh = Date.distantPast
        var rendered: (version: String, content: String)?
        var error: String?

        init(study: Study) {
            self.study = study
        }
    }

    /// One study's line in the index.
    struct Summary: Sendable, Codable, Equatable {
        var name: String
        var sampler: String
        var trials: Int
        var feasible: Int
        var running: Int
        var best: Double?
        var objective: String
        var version: String
        var error: String?
    }

    init(source: any StudySource, refreshInterval: Double = 0.5) {
        self.source = source
        self.refreshInterval = refreshInterval
    }

    /// A catalogue of a journal file or a folder of journals.
    init(root: URL, refreshInterval: Double = 0.5) {
        self.init(source: JournalStudySource(root: root), refreshInterval: refreshInterval)
    }

    /// The names of the studies, sorted.
    func names() async -> [String] { await source.names() }

    /// The study named `name`, brought up to date (at most every ``refreshInterval`` seconds).
    func entry(_ name: String, known: Bool = false) async -> Entry? {
        if !known, entries[name] == nil, !(await names().contains(name)) { return nil }
        let entry: Entry
        if let existing = entries[name] {
            entry = existing
        } else {
            do {
                let study = try await Study.load(from: try source.storage(for: name))
                entry = Entry(study: study)
                entries[name] = entry
            } catch {
                return nil
            }
        }
        if Date().timeIntervalSince(entry.lastRefresh) >= refreshInterval {
            entry.lastRefresh = Date()
            do {
                if try await entry.study.refresh() { entry.changes += 1 }
                entry.error = nil
            } catch {
                entry.error = "\(error)"
            }
        }
        return entry
    }

    func version(of entry: Entry) -> String { "\(nonce)-\(entry.changes)" }

    /// A study's views and their version (rendered again only after the study changed).
    func content(_ name: String) async -> (version: String, content: String)? {
        guard let entry = await entry(name) else { return nil }
        let version = version(of: entry)
        if let rendered = entry.rendered, rendered.version == version { return rendered }
        var content = await StudyReport(study: entry.study, title: name).content
        if let error = entry.error {
            content = "<p class=\"error\">Could not read the latest records: \(StudyReport.escape(error))</p>\n" + content
        }
        entry.rendered = (version, content)
        return (version, content)
    }

    /// Every study's summary.
    func summaries() async -> [Summary] {
        var summaries: [Summary] = []
        for name in await names() {
            guard let entry = await entry(name, known: true) else { continue }
            let study = entry.study
            let trials = await study.trials
            summaries.append(Summary(
                name: name, sampler: await study.recordedHeader?.samplerName ?? "", trials: trials.count,
                feasible: trials.filter(\.isFeasible).count, running: await study.pendingTrialNumbers.count,
                best: await study.best?.outcome.objective, objective: study.objective.name, version: version(of: entry),
                error: entry.error))
        }
        return summaries
    }

    /// A study's trials (the JSON API).
    func trials(_ name: String) async -> [Trial]? {
        guard let entry = await entry(name) else { return nil }
        return await entry.study.trials
    }
}
