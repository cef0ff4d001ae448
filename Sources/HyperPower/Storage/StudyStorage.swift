/// Where a study keeps its records: the seam for back ends (a file journal, memory, a
/// database shared by workers on many hosts).
///
/// A storage is an append-only sequence of ``StudyRecord``s with exclusive access. ``Study``
/// takes the access, reads what others appended since it last looked, decides, appends, and
/// releases: so processes (or hosts) sharing a storage never hand out the same trial number
/// twice. A back end implements four operations (and may implement ``publish(_:)``, the append
/// of an outcome without exclusive access); it never interprets records.
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

    /// Appends records that decide nothing — an outcome, a heartbeat, a trial given up —
    /// without the caller holding exclusive access: after whatever others appended meanwhile,
    /// durable when the call returns. Unlike ``append(_:)``'s, they come back from
    /// ``records(after:)`` like anyone else's (the caller does not know their position), so
    /// the caller must recognise its own (outcome records carry an id).
    ///
    /// The default takes exclusive access for the append; a back end that counts what it has
    /// read (a position it appends after) must implement this itself. A database does it in
    /// one round trip, so a worker's `tell` never waits for its own turn at the lock.
    func publish(_ records: [StudyRecord]) async throws(HyperPowerError)

    /// How long after a worker is known gone (its process on this host no longer exists) its
    /// writes may still land: a database server finishes a statement whose client died. A
    /// pending trial of a gone worker is offered again only this long after a study first saw
    /// the worker gone, so that an outcome in flight is read rather than evaluated twice. Zero
    /// (the default) for storages whose writes end with their process.
    var goneWorkerGrace: Duration { get }
}

extension StudyStorage {
    public var goneWorkerGrace: Duration { .zero }

    public func publish(_ records: [StudyRecord]) async throws(HyperPowerError) {
        try await holdingLock { () throws(HyperPowerError) in try await append(records) }
    }

    /// Runs `body` with exclusive access, released however it ends (``withExclusiveAccess(isolation:_:)``
    /// for the library's own typed errors).
    func holdingLock(_ body: () async throws(HyperPowerError) -> Void) async throws(HyperPowerError) {
        try await lock()
        do throws(HyperPowerError) {
            try await body()
        } catch {
            await unlock()
            throw error
        }
        await unlock()
    }

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
