import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a study keeps its trials.
public enum StudyStorage: Sendable {
    /// In this process only.
    case memory
    /// An append-only JSON Lines journal: every ask and every outcome is a line, flushed and
    /// `fsync`'d before the call returns. Opening an existing journal resumes the study; several
    /// processes may share one file (an exclusive `flock` serialises their asks and tells).
    case journal(URL)
}

/// The first line of a journal: what study it belongs to.
struct JournalHeader: Codable, Equatable {
    struct ConstraintSummary: Codable, Equatable {
        var name: String
        var bound: Double
        var direction: ConstraintDirection
        var known: Bool
    }

    var format: Int
    var library: String
    var space: SearchSpace
    var constraints: [ConstraintSummary]
    var seed: UInt64
    var strategy: SearchStrategy
    var knownConstraintsAsObserved: Bool

    /// Why `other` describes a different study, or `nil`.
    func mismatch(with other: JournalHeader) -> String? {
        if space != other.space { return "its search space differs from this optimiser's" }
        if constraints != other.constraints { return "its constraints differ from this optimiser's" }
        if seed != other.seed { return "it was started with seed \(seed), this optimiser has \(other.seed)" }
        if strategy != other.strategy || knownConstraintsAsObserved != other.knownConstraintsAsObserved {
            return "it was started with another search strategy"
        }
        return nil
    }
}

/// What an `asked` line restores on resume: the optimiser's own state after that suggestion.
struct OptimizerState: Codable {
    var warmStarts: [String: GaussianProcessHyperparameters]
    var fitCounts: [String: Int]
    var random: SeededGenerator
}

/// One journal line.
struct JournalRecord: Codable {
    enum Event: String, Codable { case header, asked, completed, infeasible, failed }

    var event: Event
    var header: JournalHeader?
    /// The trial number (asked and outcome lines).
    var trial: Int?
    var suggestion: Suggestion?
    var result: Trial?
    /// The process that asked (to tell orphaned trials from ones another live process evaluates).
    var process: Int32?
    var state: OptimizerState?
}

/// The journal file: appends under an exclusive lock, reads what others appended.
final class JournalFile {
    let url: URL
    private let descriptor: Int32
    /// Bytes already read and applied.
    private var consumed: Int = 0

    init(url: URL) throws(HyperPowerError) {
        self.url = url
        descriptor = open(url.path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .storage(reason: "cannot open the journal \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    func lock() { while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {} }
    func unlock() { flock(descriptor, LOCK_UN) }

    /// Complete lines appended since the last call. Must hold the lock. A final line without its
    /// newline is a write torn by a crash: it is cut off (the file is truncated to its start).
    func newLines() throws(HyperPowerError) -> [Data] {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .storage(reason: "cannot stat the journal") }
        let size = Int(status.st_size)
        guard size > consumed else { return [] }
        var buffer = [UInt8](repeating: 0, count: size - consumed)
        let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, size - consumed, off_t(consumed)) }
        guard read == size - consumed else { throw .storage(reason: "short read of the journal") }
        var lines: [Data] = []
        var start = 0
        for (index, byte) in buffer.enumerated() where byte == 0x0A {
            if index > start { lines.append(Data(buffer[start..<index])) }
            start = index + 1
        }
        if start < buffer.count {
            // Torn last line: drop it so that the next append starts a clean line.
            guard ftruncate(descriptor, off_t(consumed + start)) == 0 else {
                throw .storage(reason: "cannot cut a torn line off the journal")
            }
        }
        consumed += start
        return lines
    }

    /// Appends one line and makes it durable. Must hold the lock.
    func append(_ data: Data) throws(HyperPowerError) {
        var line = data
        line.append(0x0A)
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, line.count) }
        guard written == line.count, fsync(descriptor) == 0 else {
            throw .storage(reason: "cannot append to the journal: \(String(cString: strerror(errno)))")
        }
        consumed += line.count
    }
}
