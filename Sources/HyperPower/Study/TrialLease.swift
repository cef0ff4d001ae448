import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Who evaluates a pending trial, and until when the others leave it to them.
///
/// A worker (one ``Study`` instance, in any process on any host) that is handed a trial holds
/// its lease for ``Study/leaseDuration`` and renews it with heartbeat records while it
/// evaluates. A pending trial is offered again — once, to the one worker whose `ask` sees it
/// first under the storage's exclusive access — when its lease expired, when its worker gave
/// it up (``Study/abandon(_:)``, a cancelled run), or sooner when its worker is known to be
/// gone: a process on this host that no longer exists, or a ``Study`` of this process that was
/// released.
struct TrialLease: Sendable, Equatable {
    /// The holder (`host:pid:token`), `nil` for records of earlier versions.
    var worker: String?
    /// The process that asked (every version records it).
    var process: Int32?
    /// When the lease was taken or last renewed (seconds since 1970, the holder's clock).
    var renewedAt: Double?
    /// How long it lasts from `renewedAt`.
    var seconds: Double?
    /// The holder gave the trial up.
    var abandoned = false

    /// Whether a lease still holds at `now`, as `observer` sees it.
    enum State: Equatable {
        /// Its worker is (as far as anyone can tell) evaluating the trial.
        case held
        /// Given up, or not renewed in time.
        case expired
        /// Its worker is known gone: a process of this host that no longer exists, or a
        /// released ``Study`` of this process.
        case holderGone
    }

    /// The lease's state at `now`, as `observer` sees it.
    func state(now: Double, observer: WorkerIdentity) -> State {
        if abandoned { return .expired }
        if worker == observer.id { return .held }
        guard let worker, let holder = WorkerIdentity(parsing: worker) else {
            // An earlier version's record: the process id is all there is (one host).
            guard let process else { return .expired }
            return process == getpid() || !WorkerIdentity.processExists(process) ? .holderGone : .held
        }
        if holder.host == observer.host {
            // A worker of this host that is gone: without waiting for its lease.
            let gone = holder.process == getpid() ? !WorkerIdentity.isLive(holder.id) : !WorkerIdentity.processExists(holder.process)
            if gone { return .holderGone }
        }
        guard let renewedAt, let seconds else { return .held }
        return now > renewedAt + seconds ? .expired : .held
    }
}

/// The identity of one ``Study`` instance as a worker: `host:pid:token`.
struct WorkerIdentity: Sendable, Equatable {
    var host: String
    var process: Int32
    var token: String

    var id: String { "\(host):\(process):\(token)" }

    /// A new identity for a study of this process (registered as live until ``retire()``).
    static func make() -> WorkerIdentity {
        let token = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let identity = WorkerIdentity(host: hostName, process: getpid(), token: token)
        live.withLock { _ = $0.insert(identity.id) }
        return identity
    }

    init(host: String, process: Int32, token: String) {
        (self.host, self.process, self.token) = (host, process, token)
    }

    /// Parses `host:pid:token` (the host may itself hold colons).
    init?(parsing id: String) {
        let parts = id.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, let process = Int32(parts[parts.count - 2]) else { return nil }
        self.init(host: parts.dropLast(2).joined(separator: ":"), process: process, token: String(parts[parts.count - 1]))
    }

    /// Marks this identity's study as released: its pending trials may be taken over at once.
    func retire() { Self.live.withLock { _ = $0.remove(id) } }

    /// Identities of the studies of this process that are still in use.
    private static let live = Mutex<Set<String>>([])

    static func isLive(_ id: String) -> Bool { live.withLock { $0.contains(id) } }

    static func processExists(_ process: Int32) -> Bool {
        kill(process, 0) == 0 || errno != ESRCH
    }

    /// This host's name (`HYPERPOWER_WORKER_HOST` overrides it: tests, containers sharing a
    /// host name).
    static let hostName: String = {
        if let name = ProcessInfo.processInfo.environment["HYPERPOWER_WORKER_HOST"], !name.isEmpty { return name }
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()
}
