import Foundation
@testable import HyperPower
import Testing

/// Trial leases: a trial whose worker hangs, gives it up or goes away is offered again once,
/// to one worker; a heartbeat keeps a lease; a late result is kept and not counted twice; a
/// study-wide budget is finished by the workers that survive.
@Suite struct LeaseTests {
    static let space = try! SearchSpace { Real("x", 0...1); Real("y", 0...1) }

    static func study(_ storage: InMemoryStorage, lease: Duration = .seconds(90), seed: UInt64 = 5) -> Study {
        Study(space: space, sampler: RandomSampler(seed: seed), storage: storage, seed: seed, leaseDuration: lease,
              logger: quietLogger)
    }

    /// When `worker` (synchronised with the storage first) would offer `number` again, judged
    /// at `seconds` after the lease's last renewal: deterministic, whatever the machine's load.
    static func offersAgain(_ number: Int, _ worker: Study, secondsAfterRenewal seconds: Double) async throws -> Bool {
        _ = try await worker.completedTrialCount()
        guard let renewed = await worker.pending[number]?.lease.renewedAt else { return false }
        return await worker.reofferable(now: renewed + seconds).contains(number)
    }

    @Test func anExpiredLeaseIsOfferedAgainOnceAndTheLateResultIsKeptNotCounted() async throws {
        let storage = InMemoryStorage()
        let hung = Self.study(storage, lease: .milliseconds(300))
        let held = try await hung.ask()
        await hung.suspendHeartbeat()
        let other = Self.study(storage)
        #expect(try await !Self.offersAgain(held.number, other, secondsAfterRenewal: 0.25), "a live lease would be taken over")
        #expect(try await Self.offersAgain(held.number, other, secondsAfterRenewal: 0.35))
        try await Task.sleep(for: .milliseconds(350))
        let again = try await other.ask()
        #expect(again.number == held.number && again.configuration == held.configuration)
        // Only once: a third worker does not get it too.
        let third = Self.study(storage)
        let next = try await third.ask()
        #expect(next.number != held.number)

        try await other.tell(again.number, .success(objective: 1))
        let late = try await hung.tell(held.number, .success(objective: 2))  // recorded, not refused
        #expect(late.outcome.objective == 2)

        let loaded = try await Study.load(from: storage, logger: quietLogger)
        let trials = await loaded.trials
        #expect(trials.filter { $0.number == held.number }.map(\.outcome.objective) == [1], "counted once, the first result")
        #expect(await loaded.lateResults.map(\.outcome.objective) == [2], "the late result is kept")
        #expect(await hung.lateResults.count == 1)
        #expect(await hung.trials.count == 1)
    }

    @Test(.timeLimit(.minutes(5)))
    func aHeartbeatRenewsTheLease() async throws {
        let storage = InMemoryStorage()
        let slow = Self.study(storage, lease: .milliseconds(300))
        let held = try await slow.ask()
        let asked = try #require(await slow.pending[held.number]?.lease.renewedAt)
        // Heartbeats every 100 ms: wait for two (however long a loaded machine takes).
        while try await storage.records(after: 0).filter({ $0.event == .heartbeat }).count < 2 {
            try await Task.sleep(for: .milliseconds(50))
        }
        let heartbeats = try await storage.records(after: 0).filter { $0.event == .heartbeat }
        #expect(heartbeats.allSatisfy { $0.trials == [held.number] && $0.lease == 0.3 })
        let other = Self.study(storage, lease: .milliseconds(300))
        _ = try await other.completedTrialCount()
        let renewed = try #require(await other.pending[held.number]?.lease.renewedAt)
        #expect(renewed > asked, "the other worker sees the renewal")
        #expect(try await !Self.offersAgain(held.number, other, secondsAfterRenewal: 0.25))
        try await slow.tell(held.number, .success(objective: 0))
        // Nothing held: the heartbeat stops.
        let count = try await storage.records(after: 0).filter { $0.event == .heartbeat }.count
        try await Task.sleep(for: .milliseconds(400))
        #expect(try await storage.records(after: 0).filter { $0.event == .heartbeat }.count <= count + 1)
    }

    @Test func aTrialGivenUpIsOfferedAtOnceByAnyWorker() async throws {
        let storage = InMemoryStorage()
        let first = Self.study(storage)
        let held = try await first.ask()
        await first.abandon(held.number)
        let other = Self.study(storage)
        let again = try await other.ask()
        #expect(again.number == held.number && again.configuration == held.configuration)
        // The worker that gave it up does not get it back.
        let next = try await first.ask()
        #expect(next.number != held.number)
    }

    @Test func aReleasedStudyOfThisProcessLeavesItsTrialsAtOnceALiveOneKeepsThem() async throws {
        let storage = InMemoryStorage()
        let live = Self.study(storage)
        let kept = try await live.ask()
        var gone: Study? = Self.study(storage)
        let left = try await gone!.ask()
        gone = nil
        let other = Self.study(storage)
        let offered = try await other.ask()
        #expect(offered.number == left.number)
        let next = try await other.ask()
        #expect(next.number != kept.number, "a live study's trial was taken")
    }

    /// A study budget with a worker that holds the last trial and then goes away: the
    /// surviving worker waits, takes the trial over, and the study ends complete.
    @Test(.timeLimit(.minutes(5)))
    func survivorsFinishAStudyBudgetWhoseWorkerWentAway() async throws {
        let storage = InMemoryStorage()
        var holder: Study? = Self.study(storage)
        let held = try await holder!.ask()
        let survivor = Self.study(storage, lease: .milliseconds(200))
        let runner = StudyRunner(study: survivor) { config in .success(objective: config.double("x")) }
        let run = Task { try await runner.run(budget: .studyEvaluations(6)) }
        // The survivor does 5 and waits for the holder's trial.
        while try await Study.load(from: storage, logger: quietLogger).trials.count < 5 { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await Study.load(from: storage, logger: quietLogger).trials.count == 5)
        holder = nil  // the holder goes away without an outcome
        let result = try await run.value
        #expect(result.trials.count == 6)
        #expect(result.trials.contains { $0.number == held.number })
        let loaded = try await Study.load(from: storage, logger: quietLogger)
        #expect(await loaded.pendingTrialNumbers.isEmpty)
        #expect(Set(await loaded.trials.map(\.number)).count == 6)
    }
}
