import Synchronization

/// A first-come first-served lock for async code: `lock()` suspends the task (it never blocks
/// a thread) until the holder calls `unlock()`.
///
/// Actors are re-entrant across `await`, so an actor whose critical section awaits (storage
/// I/O) takes one of these to keep two of its own calls from interleaving; a ``StudyStorage``
/// shared by several studies of one process takes one to keep their exclusive accesses apart.
public final class AsyncMutex: Sendable {
    private struct State {
        var locked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// An unlocked mutex.
    public init() {}

    /// Suspends until the mutex is this caller's.
    public func lock() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state -> Bool in
                if state.locked {
                    state.waiters.append(continuation)
                    return false
                }
                state.locked = true
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    /// Releases the mutex (to the next waiter, if any).
    public func unlock() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            precondition(state.locked, "unlock of an AsyncMutex that is not locked")
            if state.waiters.isEmpty {
                state.locked = false
                return nil
            }
            return state.waiters.removeFirst()  // ownership passes straight to the next waiter
        }
        next?.resume()
    }

    /// Runs `body` holding the mutex.
    public func withLock<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> sending T) async rethrows -> sending T {
        await lock()
        defer { unlock() }
        return try await body()
    }
}
