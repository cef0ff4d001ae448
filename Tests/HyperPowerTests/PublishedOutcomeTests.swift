import Foundation
@testable import HyperPower
import Synchronization
import Testing

/// Outcomes are appended without the storage's exclusive access (`StudyStorage.publish`): a
/// worker recognises its own when it reads them back, another worker's outcome that lands first
/// counts, an outcome written twice under one id (a retry after a lost answer) counts once, and
/// a gone worker's trials wait the storage's grace.
@Suite struct PublishedOutcomeTests {
    static let space = LeaseTests.space

    static func study(_ storage: any StudyStorage, seed: UInt64 = 5) -> Study {
        Study(space: space, sampler: RandomSampler(seed: seed), storage: storage, seed: seed, logger: quietLogger)
    }

    static func storages() -> [any StudyStorage] {
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("hyperpower-publish-\(UUID().uuidString).jsonl")
        return [InMemoryStorage(), FileJournalStorage(url: journal)]
    }

    @Test func anOutcomeReadBackIsCountedOnce() async throws {
        for storage in Self.storages() {
            let (one, two) = (Self.study(storage), Self.study(storage))
            for round in 0..<3 {
                let a = try await one.ask()
                let b = try await two.ask()
                try await two.tell(b.number, .success(objective: Double(round)))
                try await one.tell(a.number, .success(objective: Double(round) + 0.5))
            }
            _ = try await one.ask()  // reads back its own three outcomes and the other's
            _ = try await two.ask()
            for study in [one, two] {
                #expect(await study.trials.count == 6, "\(storage.location)")
                #expect(await study.lateResults.isEmpty)
                #expect(Set(await study.trials.map(\.number)) == Set(0..<6))
            }
            let loaded = try await Study.load(from: storage, logger: quietLogger)
            #expect(await loaded.trials.map(\.number).sorted() == Array(0..<6))
            #expect(Set(await loaded.trials.compactMap(\.outcome.objective)) == [0, 0.5, 1, 1.5, 2, 2.5])
            #expect(await loaded.pendingTrialNumbers == [6, 7])
        }
    }

    /// The worker holds a fresh lease but another worker's outcome for the trial is already
    /// stored (the trial was taken over): the first outcome in the storage counts, everywhere.
    @Test func anotherWorkersOutcomeThatLandsFirstCountsAndTheLaterOneIsLate() async throws {
        let storage = InMemoryStorage()
        let holder = Self.study(storage)
        let held = try await holder.ask()
        let other = Self.study(storage)
        _ = try await other.completedTrialCount()
        let entry = try #require(await other.pending[held.number])
        let first = await other.makeTrial(entry, outcome: .success(objective: 1), measurements: [:], evaluationSeconds: 0)
        try await storage.publish([.outcome(first, id: "the-other-workers")])

        try await holder.tell(held.number, .success(objective: 2))
        _ = try await holder.completedTrialCount()  // reads the storage
        #expect(await holder.trials.map(\.outcome.objective) == [1])
        #expect(await holder.lateResults.map(\.outcome.objective) == [2])
        let loaded = try await Study.load(from: storage, logger: quietLogger)
        #expect(await loaded.trials.map(\.outcome.objective) == [1])
        #expect(await loaded.lateResults.map(\.outcome.objective) == [2])
    }

    /// One trial asked and told with objective 3, the tell's answer lost after the record was stored.
    static func tellWithALostAnswer() async throws -> (LostAnswerStorage, Study, Suggestion) {
        let storage = LostAnswerStorage()
        let study = Self.study(storage)
        let suggestion = try await study.ask()
        storage.loseNextAnswer()
        await #expect(throws: HyperPowerError.self) { try await study.tell(suggestion.number, .success(objective: 3)) }
        return (storage, study, suggestion)
    }

    /// A publish that reaches the storage but whose answer is lost (a connection dropped after
    /// the commit): the tell throws, the retried tell writes the record again under the same id,
    /// and it counts once.
    @Test func anOutcomeWrittenTwiceUnderOneIdCountsOnce() async throws {
        let (storage, study, suggestion) = try await Self.tellWithALostAnswer()
        #expect(await study.pendingTrialNumbers == [suggestion.number], "undone: the trial is pending again")
        try await study.tell(suggestion.number, .success(objective: 3))
        let outcomes = try await storage.records(after: 0).filter { $0.event == .completed }
        #expect(outcomes.count == 2 && outcomes[0].id != nil && outcomes[0].id == outcomes[1].id)
        _ = try await study.ask()
        #expect(await study.trials.count == 1)
        #expect(await study.lateResults.isEmpty)
        let loaded = try await Study.load(from: storage, logger: quietLogger)
        #expect(await loaded.trials.count == 1)
        #expect(await loaded.lateResults.isEmpty)
    }

    /// The same, but the worker reads the stored outcome before it retries: the retry finds
    /// its outcome recorded and writes nothing more.
    @Test func aRetryAfterTheOutcomeWasReadBackWritesNothing() async throws {
        let (storage, study, suggestion) = try await Self.tellWithALostAnswer()
        _ = try await study.completedTrialCount()  // reads the outcome that did land
        try await study.tell(suggestion.number, .success(objective: 3))
        #expect(try await storage.records(after: 0).filter { $0.event == .completed }.count == 1)
        #expect(await study.trials.count == 1)
        #expect(await study.lateResults.isEmpty)
    }

    @Test func aPublishAfterATornLineStartsACleanLine() async throws {
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("hyperpower-torn-\(UUID().uuidString).jsonl")
        let study = Self.study(FileJournalStorage(url: journal))
        let suggestion = try await study.ask()
        // A crashed process's half-written line.
        let handle = try FileHandle(forWritingTo: journal)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"event\":\"comp".utf8))
        try handle.close()
        try await study.tell(suggestion.number, .success(objective: 1))
        let loaded = try await Study.load(from: FileJournalStorage(url: journal, readOnly: true), logger: quietLogger)
        #expect(await loaded.trials.map(\.outcome.objective) == [1])
        let text = try String(contentsOf: journal, encoding: .utf8)
        #expect(!text.contains("{\"event\":\"comp{"))
    }

    @Test func aPublishToAReadOnlyJournalIsRefused() async throws {
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("hyperpower-ro-\(UUID().uuidString).jsonl")
        _ = try await Self.study(FileJournalStorage(url: journal)).ask()
        let readOnly = FileJournalStorage(url: journal, readOnly: true)
        await #expect(throws: HyperPowerError.self) { try await readOnly.publish([.attributes(["a": .integer(1)])]) }
    }

    /// A worker of this process that went away leaves its trial to the others only after the
    /// storage's grace, counted from when a study first saw it gone.
    @Test func aGoneWorkersTrialWaitsTheStoragesGrace() async throws {
        let storage = GracefulStorage(grace: .seconds(5))
        var gone: Study? = Self.study(storage)
        let left = try await gone!.ask()
        gone = nil
        let other = Self.study(storage)
        _ = try await other.completedTrialCount()
        let now = Date().timeIntervalSince1970
        #expect(await other.reofferable(now: now).isEmpty, "offered before the grace")
        #expect(await other.reofferable(now: now + 4.9).isEmpty)
        #expect(await other.reofferable(now: now + 5.1) == [left.number])
        // Without a grace (a journal, memory): at once.
        let memory = InMemoryStorage()
        var released: Study? = Self.study(memory)
        let held = try await released!.ask()
        released = nil
        let survivor = Self.study(memory)
        _ = try await survivor.completedTrialCount()
        #expect(await survivor.reofferable(now: Date().timeIntervalSince1970) == [held.number])
    }
}

/// Memory that can lose the answer of its next publish after storing the records (a database
/// connection dropped after the commit).
final class LostAnswerStorage: StudyStorage {
    private let memory = InMemoryStorage()
    private let lose = Mutex(false)

    var location: String { "lost-answer" }
    func loseNextAnswer() { lose.withLock { $0 = true } }
    func records(after position: Int) async throws(HyperPowerError) -> [StudyRecord] { try await memory.records(after: position) }
    func append(_ records: [StudyRecord]) async throws(HyperPowerError) { try await memory.append(records) }
    func lock() async throws(HyperPowerError) { try await memory.lock() }
    func unlock() async { await memory.unlock() }

    func publish(_ records: [StudyRecord]) async throws(HyperPowerError) {
        try await memory.publish(records)
        if lose.withLock({ state in defer { state = false }; return state }) {
            throw .storageUnavailable(reason: "the connection closed before the answer")
        }
    }
}

/// Memory with a grace for gone workers, as a database has.
final class GracefulStorage: StudyStorage {
    private let memory = InMemoryStorage()
    let goneWorkerGrace: Duration

    init(grace: Duration) { goneWorkerGrace = grace }

    var location: String { "graceful" }
    func records(after position: Int) async throws(HyperPowerError) -> [StudyRecord] { try await memory.records(after: position) }
    func append(_ records: [StudyRecord]) async throws(HyperPowerError) { try await memory.append(records) }
    func lock() async throws(HyperPowerError) { try await memory.lock() }
    func unlock() async { await memory.unlock() }
}
