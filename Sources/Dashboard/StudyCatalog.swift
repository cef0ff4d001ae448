import Experiments
import Foundation
import HyperPower

/// The studies of a storage, as the dashboard shows them: a journal file is one study, a
/// folder holds one study per journal file in it (found by their header line, whatever their
/// names). Each study is opened read-only once and brought up to date by reading only what
/// was appended since (``Study/refresh()``); its rendered views are cached until it changes.
actor StudyCatalog {
    /// A journal file or a folder of journals.
    let root: URL
    /// Distinguishes this server's versions from an earlier one's (a page kept open across a
    /// restart then reloads its content).
    let nonce = UInt32.random(in: 0...UInt32.max)
    /// Refresh a study at most this often (seconds), however many pages poll it.
    let refreshInterval: Double

    private var entries: [String: Entry] = [:]
    /// Files found not to be journals, with their size then (looked at again once they change).
    private var rejected: [String: Int] = [:]

    final class Entry {
        let url: URL
        let study: Study
        var changes = 0
        var lastRefresh = Date.distantPast
        var rendered: (version: String, content: String)?
        var error: String?

        init(url: URL, study: Study) {
            self.url = url
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

    init(root: URL, refreshInterval: Double = 0.5) {
        self.root = root
        self.refreshInterval = refreshInterval
    }

    /// Why `root` cannot be served, or `nil`.
    nonisolated static func problem(with root: URL) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            return "there is no journal or folder at \(root.path)"
        }
        if !isDirectory.boolValue && !isJournal(root) { return "\(root.path) is not a HyperPower journal (its first line is not a study header)" }
        return nil
    }

    /// The names of the studies (journal file names), sorted.
    func names() -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [root.lastPathComponent] }
        let files = (try? FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey])) ?? []
        var names: [String] = []
        for file in files {
            let values = try? file.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values?.isRegularFile == true else { continue }
            let name = file.lastPathComponent
            if entries[name] != nil { names.append(name); continue }
            let size = values?.fileSize ?? 0
            if rejected[name] == size { continue }
            if Self.isJournal(file) { names.append(name); rejected[name] = nil } else { rejected[name] = size }
        }
        return names.sorted()
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

    /// The study named `name`, brought up to date (at most every ``refreshInterval`` seconds).
    func entry(_ name: String) async -> Entry? {
        guard names().contains(name) else { return nil }
        let url = isFolder ? root.appendingPathComponent(name) : root
        let entry: Entry
        if let existing = entries[name] {
            entry = existing
        } else {
            do {
                let study = try await Study.load(from: FileJournalStorage(url: url, readOnly: true))
                entry = Entry(url: url, study: study)
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

    private var isFolder: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) && isDirectory.boolValue
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
        for name in names() {
            guard let entry = await entry(name) else { continue }
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
