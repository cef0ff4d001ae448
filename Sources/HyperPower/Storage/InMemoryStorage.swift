import Synchronization

/// Records kept in this process's memory. Several studies may share one instance (workers in
/// one process); they take turns through its lock.
public final class InMemoryStorage: StudyStorage {
    private let stored = Mutex<[StudyRecord]>([])
    private let mutex = AsyncMutex()

    /// An empty storage.
    public init() {}

    public var location: String { "memory" }

    public func records(after position: Int) async throws(HyperPowerError) -> [StudyRecord] {
        stored.withLock { records in position < records.count ? Array(records[position...]) : [] }
    }

    public func append(_ records: [StudyRecord]) async throws(HyperPowerError) {
        stored.withLock { $0.append(contentsOf: records) }
    }

    public func lock() async throws(HyperPowerError) { await mutex.lock() }

    public func unlock() async { mutex.unlock() }
}
