import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An append-only JSON Lines journal: one ``StudyRecord`` per line, each append `fsync`'d
/// before it returns. Several processes on one host may share the file: exclusive access is
/// an `flock` on it. Opening a journal that has records resumes its study.
///
/// A crash can tear the last line; it is cut off by the next writer (under the lock) and
/// ignored by readers. An unreadable line anywhere else is an error that names its line number.
///
/// Every system call runs on a serial dispatch queue of this storage, never on a thread of the
/// cooperative pool: a journal waiting for another process's lock, or a slow `fsync`, does not
/// starve the optimiser's other tasks.
public final class FileJournalStorage: StudyStorage, @unchecked Sendable {
    // @unchecked: the mutable file state below is touched only by closures run on `queue`
    // (a serial queue), so it is never accessed concurrently.
    /// The journal file.
    public let url: URL
    /// Opened for reading only (``Study/load(from:logger:)``): no lock, no writes, a torn last line is
    /// skipped rather than cut off.
    public let isReadOnly: Bool

    private let queue = DispatchQueue(label: "hyperpower.journal")
    private let mutex = AsyncMutex()
    private var descriptor: Int32 = -1
    private var holdsLock = false
    /// Bytes, lines and records already read (or written by this storage).
    private var consumedBytes = 0
    private var consumedLines = 0
    private var consumedRecords = 0

    /// The journal at `url` (created by the first write unless `readOnly`).
    public init(url: URL, readOnly: Bool = false) {
        self.url = url
        self.isReadOnly = readOnly
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    public var location: String { url.path }

    public func records(after position: Int) async throws(HyperPowerError) -> [StudyRecord] {
        try await onQueue { () throws(HyperPowerError) in try self.readRecords(after: position) }
    }

    public func append(_ records: [StudyRecord]) async throws(HyperPowerError) {
        let data = try encode(records)
        guard !data.isEmpty else { return }
        try await onQueue { () throws(HyperPowerError) in try self.writeLines(data, count: records.count, consumed: true) }
    }

    /// Writes at the end under the lock, without counting the records as read: they come back
    /// from ``records(after:)``.
    public func publish(_ records: [StudyRecord]) async throws(HyperPowerError) {
        guard !isReadOnly else { throw .storage(reason: "\(url.path) was opened read-only") }
        let data = try encode(records)
        guard !data.isEmpty else { return }
        try await holdingLock { () throws(HyperPowerError) in
            try await onQueue { () throws(HyperPowerError) in
                try self.openIfNeeded()
                try self.cutTornLine()
                try self.writeLines(data, count: records.count, consumed: false)
            }
        }
    }

    private func encode(_ records: [StudyRecord]) throws(HyperPowerError) -> Data {
        var lines = Data()
        let encoder = JSONEncoder()
        for record in records {
            do { lines.append(try encoder.encode(record)) } catch {
                throw .storage(reason: "cannot encode a record for \(url.path): \(error)")
            }
            lines.append(0x0A)
        }
        return lines
    }

    public func lock() async throws(HyperPowerError) {
        await mutex.lock()
        do {
            try await onQueue { () throws(HyperPowerError) in
                try self.openIfNeeded()
                while flock(self.descriptor, self.isReadOnly ? LOCK_SH : LOCK_EX) != 0 {
                    let code = errno
                    if code == EINTR { continue }
                    throw .storage(reason: "cannot lock \(self.url.path): \(String(cString: strerror(code)))")
                }
                self.holdsLock = true
            }
        } catch {
            mutex.unlock()
            throw error
        }
    }

    public func unlock() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                if self.holdsLock { flock(self.descriptor, LOCK_UN) }
                self.holdsLock = false
                continuation.resume()
            }
        }
        mutex.unlock()
    }

    // MARK: - On the queue

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws(HyperPowerError) -> T) async throws(HyperPowerError) -> T {
        let result: Result<T, HyperPowerError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(HyperPowerError) { continuation.resume(returning: .success(try body())) } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    private func openIfNeeded() throws(HyperPowerError) {
        guard descriptor < 0 else { return }
        let flags = isReadOnly ? O_RDONLY | O_CLOEXEC : O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC
        let opened = open(url.path, flags, 0o644)
        guard opened >= 0 else {
            let code = errno
            throw .storage(reason: "cannot open the journal \(url.path): \(String(cString: strerror(code)))")
        }
        descriptor = opened
    }

    private func readRecords(after position: Int) throws(HyperPowerError) -> [StudyRecord] {
        if isReadOnly && !FileManager.default.fileExists(atPath: url.path) {
            throw .storage(reason: "there is no journal at \(url.path)")
        }
        try openIfNeeded()
        if position < consumedRecords {
            // A reader starting over (a new study on this storage): read from the beginning.
            (consumedBytes, consumedLines, consumedRecords) = (0, 0, 0)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            throw .storage(reason: "cannot stat \(url.path): \(String(cString: strerror(code)))")
        }
        let size = Int(status.st_size)
        guard size > consumedBytes else { return [] }
        var buffer = [UInt8](repeating: 0, count: size - consumedBytes)
        let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, size - consumedBytes, off_t(consumedBytes)) }
        guard read == size - consumedBytes else {
            let code = errno
            throw .storage(reason: "cannot read \(url.path): \(read < 0 ? String(cString: strerror(code)) : "short read")")
        }
        var records: [StudyRecord] = []
        let (start, nextLine) = try Self.scanLines(buffer, firstLine: consumedLines + 1) {
            (number, line, record) throws(HyperPowerError) in
            guard let record else {
                throw .storage(reason: "line \(number) of \(url.path) is not a study record: \(Self.excerpt(line))")
            }
            records.append(record)
        }
        if start < buffer.count && holdsLock && !isReadOnly {
            // A line without its newline is a write torn by a crash: cut it off so that the next
            // append starts a clean line. (Readers without the lock leave it to the writer.)
            guard ftruncate(descriptor, off_t(consumedBytes + start)) == 0 else {
                let code = errno
                throw .storage(reason: "cannot cut a torn line off \(url.path): \(String(cString: strerror(code)))")
            }
        }
        consumedBytes += start
        consumedLines = nextLine - 1
        let skip = max(position - consumedRecords, 0)
        consumedRecords += records.count
        return Array(records.dropFirst(skip))
    }

    /// Visits each complete line of `bytes` (one ending in a newline) with its number (the
    /// first is `firstLine`), its bytes and its record, `nil` when it is not one. Blank lines
    /// (spaces, tabs, carriage returns) are skipped. The one reading of journal lines, shared by
    /// the storage (which stops at a bad line) and ``JournalInspection`` (which lists them).
    ///
    /// - Returns: the offset just past the last newline (bytes after it are a torn line) and
    ///   the number the next line would have.
    static func scanLines<Failure: Error>(
        _ bytes: [UInt8], firstLine: Int,
        _ visit: (_ number: Int, _ line: ArraySlice<UInt8>, _ record: StudyRecord?) throws(Failure) -> Void
    ) throws(Failure) -> (end: Int, nextLine: Int) {
        let decoder = JSONDecoder()
        var start = 0
        var number = firstLine
        for index in bytes.indices where bytes[index] == 0x0A {
            let line = bytes[start..<index]
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                try visit(number, line, try? decoder.decode(StudyRecord.self, from: Data(line)))
            }
            number += 1
            start = index + 1
        }
        return (start, number)
    }

    /// The first 120 bytes of a line, for messages.
    static func excerpt(_ line: some Collection<UInt8>) -> String { String(decoding: line.prefix(120), as: UTF8.self) }

    /// Cuts off a last line without its newline (a write torn by a crash), as a reader with the
    /// lock does, so that an append that did not read first still starts a clean line.
    private func cutTornLine() throws(HyperPowerError) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            throw .storage(reason: "cannot stat \(url.path): \(String(cString: strerror(code)))")
        }
        var end = Int(status.st_size)
        var byte: UInt8 = 0
        guard end > 0, pread(descriptor, &byte, 1, off_t(end - 1)) == 1, byte != 0x0A else { return }
        // Back to the byte after the last newline (or the start of the file).
        var chunk = [UInt8](repeating: 0, count: 4_096)
        search: while end > 0 {
            let start = max(end - chunk.count, 0)
            let read = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, end - start, off_t(start)) }
            guard read == end - start else { break }
            for index in stride(from: read - 1, through: 0, by: -1) where chunk[index] == 0x0A {
                end = start + index + 1
                break search
            }
            end = start
        }
        guard ftruncate(descriptor, off_t(end)) == 0 else {
            let code = errno
            throw .storage(reason: "cannot cut a torn line off \(url.path): \(String(cString: strerror(code)))")
        }
    }

    /// Appends whole lines and `fsync`s them; `consumed`: count them as read when nothing
    /// was appended since the last read.
    private func writeLines(_ lines: Data, count: Int, consumed: Bool) throws(HyperPowerError) {
        guard !isReadOnly else { throw .storage(reason: "\(url.path) was opened read-only") }
        try openIfNeeded()
        var status = stat()
        let sized = fstat(descriptor, &status) == 0
        let atEnd = sized && Int(status.st_size) == consumedBytes
        var offset = 0
        while offset < lines.count {
            let written = lines.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, lines.count - offset) }
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                // Leave no partial line behind (the lock is held): the file is as it was.
                if sized { _ = ftruncate(descriptor, status.st_size) }
                throw .storage(reason: "cannot append to \(url.path): \(String(cString: strerror(code)))")
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else {
            let code = errno
            throw .storage(reason: "cannot flush \(url.path) to disk: \(String(cString: strerror(code)))")
        }
        if atEnd && consumed {
            consumedBytes += lines.count
            consumedLines += count
            consumedRecords += count
        }
    }
}
