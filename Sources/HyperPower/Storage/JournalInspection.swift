import Foundation

/// A line-by-line reading of a journal file that does not stop at the first bad line: what
/// `hyperpower journal check` reports and `hyperpower journal repair` keeps.
///
/// A study refuses a journal with an unreadable line in the middle (it cannot know what the
/// line held); this reads past such lines, so that a user can see every one of them and write
/// a copy without them. The original file is never changed.
public struct JournalInspection: Sendable {
    /// A line that is not a study record.
    public struct BadLine: Sendable, Equatable {
        /// 1-based line number in the file.
        public var number: Int
        /// The first 120 characters of the line.
        public var excerpt: String
    }

    /// The journal inspected.
    public let url: URL
    /// Readable records with their line numbers, in file order.
    public let records: [(line: Int, record: StudyRecord)]
    /// The raw bytes of each readable line (without its newline), in file order.
    let recordLines: [Data]
    /// Lines that are not study records (blank lines are not counted).
    public let badLines: [BadLine]
    /// Bytes after the last newline: a write torn by a crash (readers skip it, the next writer
    /// cuts it off), or `nil`.
    public let tornTail: String?

    /// Reads the journal at `url`.
    ///
    /// - Throws: ``HyperPowerError/storage(reason:)`` when the file cannot be read.
    public init(url: URL) throws(HyperPowerError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .storage(reason: "cannot read \(url.path): \(HyperPowerError.reason(of: error))")
        }
        self.url = url
        let bytes = [UInt8](data)
        var records: [(line: Int, record: StudyRecord)] = []
        var lines: [Data] = []
        var bad: [BadLine] = []
        let (end, _) = FileJournalStorage.scanLines(bytes, firstLine: 1) { number, line, record in
            if let record {
                records.append((number, record))
                lines.append(Data(line))
            } else {
                bad.append(BadLine(number: number, excerpt: FileJournalStorage.excerpt(line)))
            }
        }
        self.records = records
        self.recordLines = lines
        self.badLines = bad
        self.tornTail = end < bytes.count ? FileJournalStorage.excerpt(bytes[end...]) : nil
    }

    /// What keeps a study from opening this journal, worst first: no header as the first
    /// readable record, a header after the first line, unreadable lines. Empty when it opens.
    public var problems: [String] {
        var problems: [String] = []
        if let first = records.first {
            if first.record.event != .header {
                problems.append("the first record (line \(first.line)) is not a study header")
            }
        } else {
            problems.append("no readable record")
        }
        for (line, record) in records.dropFirst() where record.event == .header {
            problems.append("line \(line) holds a second study header")
        }
        for line in badLines {
            problems.append("line \(line.number) is not a study record: \(line.excerpt)")
        }
        return problems
    }

    /// Writes a copy with only the readable records (their lines byte for byte) to `copy`,
    /// which must not exist. A copy whose first record is not a header would still not open, so
    /// that is refused.
    ///
    /// - Returns: the lines left out (unreadable ones), for the report.
    /// - Throws: ``HyperPowerError/storage(reason:)`` when `copy` exists, cannot be written, or
    ///   the journal has no header to start it with.
    @discardableResult
    public func writeRepairedCopy(to copy: URL) throws(HyperPowerError) -> [BadLine] {
        guard records.first?.record.event == .header else {
            throw .storage(reason: "\(url.path) has no study header as its first readable record: nothing to repair from")
        }
        if let second = records.dropFirst().first(where: { $0.record.event == .header }) {
            throw .storage(reason: "line \(second.line) of \(url.path) holds a second study header: two studies in one file cannot be repaired")
        }
        guard !FileManager.default.fileExists(atPath: copy.path) else {
            throw .storage(reason: "\(copy.path) exists; the repaired copy needs a new file")
        }
        var output = Data()
        for line in recordLines {
            output.append(line)
            output.append(0x0A)
        }
        do { try output.write(to: copy, options: .withoutOverwriting) } catch {
            throw .storage(reason: "cannot write \(copy.path): \(HyperPowerError.reason(of: error))")
        }
        return badLines
    }
}
