/// Where a study keeps its records: the seam for back ends (a file journal, memory, a
/// database shared by workers on many hosts).
///
/// A storage is an append-only sequence of ``StudyRecord``s with exclusive access. ``Study``
/// takes the access, reads what others appended since it last looked, decides, appends, and
/// releases: so processes (or hosts) sharing a storage never hand out the same trial number
/// twice. A back end implements four operations; it never interprets records.
///
/// Implementations must not block a thread of Swift's cooperative pool on I/O or locks
/// (``FileJournalStorage`` does its `flock` and `fsync` on a thread of its own).
public protocol StudyStorage: Sendable {
    /// Where the records are, for messages (a path, a URL, `memory`).
    var location: String { get }

    /// The records after the first `position` ones, in order (all of them for 0).
    func records(after position: Int) async throws(HyperPowerError) -> [StudyRecord]

    /// Appends records at the end; they are durable when the call returns.
    ///
    /// - Precondition: the caller holds exclusive access.
    func append(_ records: [StudyRecord]) async throws(HyperPowerError)

    /// Waits for exclusive access to the study (other studies sharing the storage, in this
    /// process or another, wait in turn).
    func lock() async throws(HyperPowerError)

    /// Releases exclusive access.
    func unlock() async
}

extension StudyStorage {
    /// Runs `body` with exclusive access to the study; access is released however it ends.
    public func withExclusiveAccess<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> sending T
    ) async throws -> sending T {
        try await lock()
        do {
            let result = try await body()
            await unlock()
            return result
        } catch {
            await unlock()
            throw error
        }
    }
}

extension StudyStorage where Self == InMemoryStorage {
    /// A new storage in this process's memory.
    public static var memory: InMemoryStorage { InMemoryStorage() }
}

#if canImport(Foundation)
import Foundation

extension StudyStorage where Self == FileJournalStorage {
    /// An append-only JSON Lines journal at `url` (see ``FileJournalStorage``).
    public static func journal(_ url: URL) -> FileJournalStorage { FileJournalStorage(url: url) }
}
#endif
