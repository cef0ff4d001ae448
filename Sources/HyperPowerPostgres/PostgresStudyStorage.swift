import Foundation
import HyperPower
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO

/// A study kept in a PostgreSQL database, shared by workers on any number of hosts.
///
/// ```swift
/// import HyperPowerPostgres
/// let storage = try PostgresStudyStorage(url: "postgresql://hp@db.lab:5432/studies", study: "resnet-pixel3")
/// let optimizer = BayesianOptimizer(space: space, constraints: constraints, storage: storage) { … }
/// let result = try await optimizer.run(budget: .studyEvaluations(200))
/// ```
///
/// Every worker holds one connection. The records are rows of `hyperpower_records` (the study's
/// name, a position from 1, the event, the trial number, the record as `jsonb`); exclusive
/// access is a session-level advisory lock on the study's name (`pg_advisory_lock`), held by the
/// worker's connection from its read of the new records to its append and released at once —
/// and by the server when the connection dies with the worker. An append is one `INSERT` in
/// autocommit: durable (with the server's default `synchronous_commit = on`) when it returns.
/// The rows' positions are checked: an append that finds its positions taken (a lock lost with
/// its connection) fails without writing. An outcome needs no critical section (``publish(_:)``):
/// one statement takes the lock for its own transaction and appends after the last record.
///
/// The schema (``schemaVersion``) is created by the first worker, under an advisory lock of its
/// own, and checked by every other; a database with a newer schema is refused with a message.
/// A lost connection is reconnected by the next call; a call that could not reach the server
/// throws ``HyperPowerError/storageUnavailable(reason:)``, which ``StudyRunner`` retries.
public actor PostgresStudyStorage: StudyStorage {
    /// The version of the tables this library writes (`hyperpower_schema.version`).
    public static let schemaVersion = 1

    /// The server, user, database and study, for messages (never the password).
    public nonisolated let location: String
    /// The study's name (several studies share one database).
    public nonisolated let study: String
    /// The server, user and database, for messages (never the password).
    public nonisolated let database: String
    nonisolated let configuration: PostgresConnection.Configuration
    nonisolated let logger: Logger
    private let mutex = AsyncMutex()
    private var connection: PostgresConnection?
    private var connectionCount = 0
    private var schemaChecked = false
    /// Records appended or read so far by this storage (the next position is one past it).
    private var known = 0
    /// Whether this storage holds the study's advisory lock (between `lock()` and `unlock()`).
    private var holdsLock = false
    /// Whether an append of this critical section handed the lock over to its own commit
    /// (`unlock()` then has nothing to send).
    private var lockHandedOver = false
    /// The records `lock()` read with the lock, after position `prefetchedAfter`, for the
    /// `records(after:)` that follows it.
    private var prefetched: [String]?
    private var prefetchedAfter = 0

    /// A storage for `study` in the database that `url` names:
    /// `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE` or, over a Unix socket,
    /// `postgresql://USER@/DATABASE?host=/run/postgresql` (libpq's form; the port, default
    /// 5432, names the socket file). `sslmode=require` is not supported yet (the connection is
    /// plain: use a socket, loopback, or a tunnel).
    ///
    /// - Throws: ``HyperPowerError/invalidSettings(reason:)`` for a URL or study name it cannot use.
    public init(url: String, study: String, logger: Logger = Logger(label: "hyperpower.postgres")) throws(HyperPowerError) {
        guard !study.isEmpty, study.count <= 200, !study.contains(where: { $0.isNewline }) else {
            throw .invalidSettings(reason: "a study name must be 1–200 characters without line breaks (got '\(study)')")
        }
        let parsed = try Self.parse(url)
        self.configuration = parsed.configuration
        self.location = "\(parsed.description) (study \(study))"
        self.database = parsed.description
        self.study = study
        self.logger = logger
    }

    deinit {
        // Closed when the storage goes; the callback keeps the connection until it is.
        if let connection { connection.close().whenComplete { _ in _ = connection } }
    }

    // MARK: - StudyStorage

    public func records(after position: Int) async throws(HyperPowerError) -> [StudyRecord] {
        let rows: [String]
        if let prefetched, prefetchedAfter == position {
            rows = prefetched  // read by `lock()` in the same round trip as the lock
            self.prefetched = nil
        } else {
            prefetched = nil
            rows = try await run("read the study's records") { connection in
                var texts: [String] = []
                let sequence = try await connection.query(
                    "SELECT record::text FROM hyperpower_records WHERE study = \(self.study) AND position > \(position) ORDER BY position",
                    logger: self.logger)
                for try await text in sequence.decode(String.self) { texts.append(text) }
                return texts
            }
        }
        let decoder = JSONDecoder()
        var records: [StudyRecord] = []
        records.reserveCapacity(rows.count)
        for (offset, text) in rows.enumerated() {
            do { records.append(try decoder.decode(StudyRecord.self, from: Data(text.utf8))) } catch {
                throw .storage(reason: "record \(position + offset + 1) of \(location) is not a study record: \(text.prefix(120))")
            }
        }
        known = max(known, position + records.count)
        return records
    }

    /// The records as the append functions take them: JSON texts, event names, trial numbers
    /// (`""` for none).
    private func columns(_ records: [StudyRecord]) throws(HyperPowerError) -> (records: [String], events: [String], trials: [String]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var texts: [String] = [], events: [String] = [], trials: [String] = []
        for record in records {
            do { texts.append(String(decoding: try encoder.encode(record), as: UTF8.self)) } catch {
                throw .storage(reason: "cannot encode a record for \(location): \(error)")
            }
            events.append(record.event.rawValue)
            trials.append(record.trial.map(String.init) ?? "")
        }
        return (texts, events, trials)
    }

    /// One round trip: the server takes the study's lock for the insert's transaction (waiting
    /// for a worker in its critical section), appends after the last record, and commits.
    /// This storage's reading position does not move: the records come back from
    /// `records(after:)`.
    public func publish(_ records: [StudyRecord]) async throws(HyperPowerError) {
        guard !records.isEmpty else { return }
        let (recordTexts, eventNames, trialTexts) = try columns(records)
        // One connection carries one statement at a time, and a session that holds the study's
        // lock would pass its own transaction lock: wait for this worker's critical section.
        await mutex.lock()
        defer { mutex.unlock() }
        try await run("append to the study") { connection in
            try await connection.query(
                "SELECT \(unescaped: Self.publishFunction)(\(self.study), \(recordTexts)::text[], \(eventNames)::text[], \(trialTexts)::text[])",
                logger: self.logger)
            return ()
        }
    }

    public func append(_ records: [StudyRecord]) async throws(HyperPowerError) {
        guard !records.isEmpty else { return }
        let (recordTexts, eventNames, trialTexts) = try columns(records)
        let first = known + 1
        if holdsLock && lockHandedOver {
            // A second append in one critical section: take the lock again first.
            try await run("take the study's lock", timeout: Self.lockTimeout) { connection in
                try await connection.query("SELECT pg_advisory_lock(hashtextextended(\("hyperpower:" + self.study), 0))", logger: self.logger)
                return ()
            }
            lockHandedOver = false
        }
        // Within a critical section (not for the study's header, which the first section
        // follows with another append), the append hands the lock over to its own commit:
        // the next worker gets it the moment these rows are visible, one round trip sooner.
        let handOver = holdsLock && first > 1
        let inserted = try await run("append to the study") { connection in
            // One statement: all the records or none, at the positions that follow what this
            // worker has seen (the primary key refuses positions another worker took).
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.appendFunction)(\(self.study), \(first), \(recordTexts)::text[], \(eventNames)::text[], \(trialTexts)::text[], \(handOver))",
                logger: self.logger)
            var count = 0
            for try await value in rows.decode(Int.self) { count = value }
            return count
        }
        if handOver { lockHandedOver = true }
        guard inserted == records.count else {
            throw .storageUnavailable(reason: "\(location): another worker appended meanwhile (the exclusive access was lost with a connection); nothing was written")
        }
        known += records.count
    }

    /// Takes the study's advisory lock and, in the same round trip, reads the records after the
    /// last one this storage knows (the `records(after:)` that follows gets them).
    public func lock() async throws(HyperPowerError) {
        await mutex.lock()
        let after = known
        do {
            let rows = try await run("take the study's lock", timeout: Self.lockTimeout) { connection in
                var texts: [String] = []
                let sequence = try await connection.query(
                    "SELECT \(unescaped: Self.lockFunction)(\(self.study), \(after))", logger: self.logger)
                for try await text in sequence.decode(String?.self) { if let text { texts.append(text) } }
                return texts
            }
            (prefetched, prefetchedAfter, holdsLock, lockHandedOver) = (rows, after, true, false)
        } catch {
            mutex.unlock()
            throw error
        }
    }

    public func unlock() async {
        defer {
            (prefetched, holdsLock, lockHandedOver) = (nil, false, false)
            mutex.unlock()
        }
        // Handed over to an append's commit, or gone with its connection: nothing to send.
        guard !lockHandedOver, let connection, !connection.isClosed else { return }
        let (key, logger) = ("hyperpower:" + study, self.logger)
        do {
            try await Self.withTimeout(Self.statementTimeout) {
                try await connection.query("SELECT pg_advisory_unlock(hashtextextended(\(key), 0))", logger: logger)
                return ()
            }
        } catch {
            // A lock whose connection is gone is released by the server.
            logger.debug("unlock of \(location): \(error)")
            drop(connection)
        }
    }

    // MARK: - Studies in a database

    /// The studies the database holds, by name, with their record counts.
    public static func studies(url: String, logger: Logger = Logger(label: "hyperpower.postgres")) async throws(HyperPowerError) -> [(name: String, records: Int)] {
        let storage = try PostgresStudyStorage(url: url, study: "-", logger: logger)
        let studies = try await storage.studiesInDatabase()
        await storage.close()
        return studies
    }

    /// The studies of this storage's database, by name, with their record counts (on this
    /// storage's connection: a dashboard lists them every few seconds).
    public func studiesInDatabase() async throws(HyperPowerError) -> [(name: String, records: Int)] {
        try await run("list the studies") { connection in
            var result: [(name: String, records: Int)] = []
            let rows = try await connection.query(
                "SELECT study, count(*) FROM hyperpower_records GROUP BY study ORDER BY study", logger: self.logger)
            for try await (name, count) in rows.decode((String, Int).self) { result.append((name, count)) }
            return result
        }
    }

    /// Runs one SQL statement on this storage's connection (administration, tests).
    func execute(_ sql: String) async throws(HyperPowerError) {
        try await run("run \(sql)") { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: self.logger)
            return ()
        }
    }

    /// Closes the connection (a later call opens a new one).
    public func close() async {
        if let connection { try? await connection.close() }
        connection = nil
    }

    // MARK: - Connection

    /// How long one statement may take before the connection is taken for dead (a server
    /// that vanished without a FIN, a half-closed socket): the lock's wait is the longest, as
    /// another worker holds it while its sampler computes.
    static let lockTimeout: Duration = .seconds(120)
    static let statementTimeout: Duration = .seconds(30)

    /// Runs `body` on the connection (opened, with the schema checked, if needed) within
    /// `timeout`; a connection failure or a timeout closes it and throws
    /// ``HyperPowerError/storageUnavailable(reason:)``.
    private func run<T: Sendable>(
        _ what: String, timeout: Duration = statementTimeout, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws(HyperPowerError) -> T {
        let connection = try await connected()
        do {
            return try await Self.withTimeout(timeout) { try await body(connection) }
        } catch let error as PSQLError where error.code == .server {
            // A key taken by another worker (a lock lost with a connection), a server shutting
            // down or starting (class 57), a connection failure (08), too many connections (53):
            // retry after reconnecting and reading.
            let state = error.serverInfo?[.sqlState] ?? ""
            if state == "23505" || state.hasPrefix("57") || state.hasPrefix("08") || state.hasPrefix("53") {
                drop(connection)
                throw .storageUnavailable(reason: "\(location): cannot \(what): \(Self.describe(error))")
            }
            throw .storage(reason: "\(location): cannot \(what): \(Self.describe(error))")
        } catch {
            // Anything else is the connection's: drop it; the next call reconnects.
            drop(connection)
            throw .storageUnavailable(reason: "\(location): cannot \(what): \(Self.describe(error))")
        }
    }

    /// Closes a connection without waiting for it (a half-closed one may never answer).
    private func drop(_ connection: PostgresConnection) {
        connection.close().whenComplete { _ in _ = connection }
        if self.connection === connection { self.connection = nil }
    }

    struct Timeout: Error, CustomStringConvertible {
        var duration: Duration
        var description: String { "no answer within \(duration)" }
    }

    /// `body`'s result, or ``Timeout`` once `duration` passed. On a timeout the body is
    /// cancelled but *not awaited*: a statement on a connection whose socket went silent may
    /// never answer its cancellation (a task group waits for every child and hung the whole
    /// test process that way), so the caller goes on, drops the connection and reconnects.
    static func withTimeout<T: Sendable>(_ duration: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let race = NIOLockedValueBox(TimeoutRace())
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let work = Task {
                    let result: Result<T, any Error>
                    do { result = .success(try await body()) } catch { result = .failure(error) }
                    let (won, timer) = race.withLockedValue { state -> (Bool, Task<Void, Never>?) in
                        guard !state.finished else { return (false, nil) }
                        state.finished = true
                        return (true, state.timer)
                    }
                    guard won else { return }
                    timer?.cancel()  // nil when the body finished before the timer was stored
                    continuation.resume(with: result)
                }
                let timer = Task {
                    try? await Task.sleep(for: duration)
                    guard !Task.isCancelled else { return }
                    let won = race.withLockedValue { state in
                        guard !state.finished else { return false }
                        state.finished = true
                        return true
                    }
                    guard won else { return }
                    work.cancel()
                    continuation.resume(throwing: Timeout(duration: duration))
                }
                let late = race.withLockedValue { state -> Bool in
                    state.work = work
                    state.timer = timer
                    return state.finished
                }
                if late { timer.cancel() }
            }
        } onCancel: {
            race.withLockedValue { $0.work }?.cancel()
        }
    }

    private struct TimeoutRace {
        var finished = false
        var work: Task<Void, Never>?
        var timer: Task<Void, Never>?
    }

    private func connected() async throws(HyperPowerError) -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        connection = nil
        let opened: PostgresConnection
        do {
            connectionCount += 1
            let (configuration, id, logger) = (self.configuration, connectionCount, self.logger)
            opened = try await Self.withTimeout(Self.statementTimeout) {
                try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
            }
        } catch let error as PSQLError where ["28", "3D", "42"].contains((error.serverInfo?[.sqlState] ?? "").prefix(2)) {
            // A refused login, a missing database, a missing privilege: retrying will not help.
            throw .storage(reason: "cannot connect to \(location): \(Self.describe(error))")
        } catch {
            throw .storageUnavailable(reason: "cannot connect to \(location): \(Self.describe(error))")
        }
        if !schemaChecked {
            do throws(HyperPowerError) {
                try await Self.prepareSchema(opened, location: location, logger: logger)
            } catch {
                opened.close().whenComplete { _ in _ = opened }
                throw error
            }
            schemaChecked = true
        }
        // A statement of a worker that died (one waiting for the study's lock, say) ends within
        // 10 ms instead of committing later (PostgreSQL 14 and later; older servers refuse the
        // setting, and ``goneWorkerGrace`` covers them too).
        _ = try? await Self.withTimeout(Self.statementTimeout) { [logger] in
            try await opened.query("SET client_connection_check_interval = 10", logger: logger)
        }
        connection = opened
        return opened
    }

    /// A second: a statement that a worker sent before it died is finished (or, on
    /// PostgreSQL 14 and later, cancelled) well within it.
    public nonisolated var goneWorkerGrace: Duration { .seconds(1) }

    /// Creates the tables if the database has none, under an advisory lock of their own, and
    /// refuses a database whose schema this library does not know.
    static func prepareSchema(_ connection: PostgresConnection, location: String, logger: Logger) async throws(HyperPowerError) {
        do {
            try await connection.query("SELECT pg_advisory_lock(hashtextextended('hyperpower:schema', 0))", logger: logger)
            do {
                try await createTables(connection, location: location, logger: logger)
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(hashtextextended('hyperpower:schema', 0))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(hashtextextended('hyperpower:schema', 0))", logger: logger)
        } catch let error as HyperPowerError {
            throw error
        } catch let error as PSQLError where error.code == .server {
            throw .storage(reason: "\(location): cannot prepare the tables: \(describe(error))")
        } catch {
            throw .storageUnavailable(reason: "\(location): cannot prepare the tables: \(describe(error))")
        }
    }

    private static func createTables(_ connection: PostgresConnection, location: String, logger: Logger) async throws {
        try await connection.query("CREATE TABLE IF NOT EXISTS hyperpower_schema (version integer NOT NULL)", logger: logger)
        var versions: [Int] = []
        for try await version in try await connection.query("SELECT version FROM hyperpower_schema", logger: logger).decode(Int.self) {
            versions.append(version)
        }
        if let version = versions.max(), version > schemaVersion {
            throw HyperPowerError.storage(
                reason: "\(location) has HyperPower schema version \(version); this library knows up to \(schemaVersion): upgrade it")
        }
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS hyperpower_records (
                study text NOT NULL,
                position bigint NOT NULL,
                event text NOT NULL,
                trial integer,
                record jsonb NOT NULL,
                written_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (study, position)
            )
            """, logger: logger)
        if versions.isEmpty {
            try await connection.query("INSERT INTO hyperpower_schema (version) VALUES (\(schemaVersion))", logger: logger)
        }
        for statement in Self.functionsSQL { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
    }

    /// The server-side halves of a critical section (versioned by name: a changed body gets a
    /// new name, and workers of both versions keep working). `lockFunction` takes the study's
    /// advisory lock, then reads the records after a position with a fresh snapshot (a volatile
    /// function's statements each take one, so the previous holder's commit is seen).
    /// `appendFunction` inserts at checked positions and, when asked, hands the session lock
    /// over to a transaction lock on the same key, released by the commit that makes the rows
    /// visible. `publishFunction` is a whole append without a critical section (an outcome): it
    /// takes that transaction lock itself, reads the last position with a fresh snapshot, and
    /// inserts after it.
    static let lockFunction = "hyperpower_lock_and_read_v1"
    static let appendFunction = "hyperpower_append_v1"
    static let publishFunction = "hyperpower_publish_v1"
    static let functionsSQL = [
        """
        CREATE OR REPLACE FUNCTION \(lockFunction)(p_study text, p_after bigint) RETURNS SETOF text
        LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
            PERFORM pg_advisory_lock(hashtextextended('hyperpower:' || p_study, 0));
            RETURN QUERY SELECT record::text FROM hyperpower_records
                WHERE study = p_study AND position > p_after ORDER BY position;
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION \(appendFunction)(
            p_study text, p_first bigint, p_records text[], p_events text[], p_trials text[], p_hand_over boolean
        ) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
        DECLARE
            inserted bigint;
        BEGIN
            INSERT INTO hyperpower_records (study, position, event, trial, record)
            SELECT p_study, p_first + r.ordinality - 1, r.event, NULLIF(r.trial, '')::integer, r.record::jsonb
            FROM unnest(p_records, p_events, p_trials) WITH ORDINALITY AS r(record, event, trial, ordinality)
            WHERE NOT EXISTS (SELECT 1 FROM hyperpower_records WHERE study = p_study AND position >= p_first);
            GET DIAGNOSTICS inserted = ROW_COUNT;
            IF p_hand_over THEN
                PERFORM pg_advisory_xact_lock(hashtextextended('hyperpower:' || p_study, 0));
                PERFORM pg_advisory_unlock(hashtextextended('hyperpower:' || p_study, 0));
            END IF;
            RETURN inserted;
        END $$
        """,
        """
        CREATE OR REPLACE FUNCTION \(publishFunction)(p_study text, p_records text[], p_events text[], p_trials text[])
        RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
        DECLARE
            last bigint;
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtextextended('hyperpower:' || p_study, 0));
            SELECT coalesce(max(position), 0) INTO last FROM hyperpower_records WHERE study = p_study;
            INSERT INTO hyperpower_records (study, position, event, trial, record)
            SELECT p_study, last + r.ordinality, r.event, NULLIF(r.trial, '')::integer, r.record::jsonb
            FROM unnest(p_records, p_events, p_trials) WITH ORDINALITY AS r(record, event, trial, ordinality);
            RETURN last;
        END $$
        """,
    ]

    /// A server error's message (and its SQLSTATE), else the error's own description.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let info = error.serverInfo, let message = info[.message] {
            return message + (info[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }

    // MARK: - URL

    struct ParsedURL {
        var configuration: PostgresConnection.Configuration
        var description: String
    }

    /// Reads `postgresql://` (or `postgres://`) URLs, with a host or a socket folder.
    static func parse(_ text: String) throws(HyperPowerError) -> ParsedURL {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgresql" || scheme == "postgres" else {
            throw .invalidSettings(reason: "not a PostgreSQL URL: '\(text)' (postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE)")
        }
        let user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        var database = String(components.path.drop { $0 == "/" })
        if database.isEmpty { database = user }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let port = components.port ?? query["port"].flatMap(Int.init) ?? 5432
        let host = (components.host?.isEmpty == false ? components.host : nil) ?? query["host"]
        if let mode = query["sslmode"], !["disable", "allow", "prefer"].contains(mode) {
            throw .invalidSettings(reason: "sslmode=\(mode) is not supported (the connection is plain: use a socket, loopback or a tunnel)")
        }
        if let host, host.hasPrefix("/") {
            let socket = (host as NSString).appendingPathComponent(".s.PGSQL.\(port)")
            return ParsedURL(
                configuration: .init(unixSocketPath: socket, username: user, password: password, database: database),
                description: "postgresql://\(user)@/\(database)?host=\(host)")
        }
        guard let host else {
            throw .invalidSettings(reason: "'\(text)' names no host (postgresql://USER@HOST/DATABASE, or ?host=/socket/folder)")
        }
        return ParsedURL(
            configuration: .init(host: host, port: port, username: user, password: password, database: database, tls: .disable),
            description: "postgresql://\(user)@\(host):\(port)/\(database)")
    }
}

extension StudyStorage where Self == PostgresStudyStorage {
    /// The study `study` in the PostgreSQL database at `url` (see ``PostgresStudyStorage``).
    public static func postgres(url: String, study: String) throws(HyperPowerError) -> PostgresStudyStorage {
        try PostgresStudyStorage(url: url, study: study)
    }
}
