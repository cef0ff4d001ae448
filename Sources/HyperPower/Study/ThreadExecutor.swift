import Foundation
import Synchronization

/// A task executor that runs its jobs on one thread of its own, so that an objective which
/// blocks its thread (synchronous training code, a `waitUntilExit`) holds that thread and not
/// one of the cooperative pool's few: timeouts, other evaluations and the optimiser go on.
/// ``StudyRunner`` runs each evaluation on a new one; the thread ends with its last job
/// once the executor is released.
final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` and `finished` are only touched under `condition`'s lock.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var finished = false

    init(name: String) {
        let thread = Thread { self.runLoop() }  // the thread keeps the executor alive until shutdown
        thread.name = name
        thread.stackSize = 8 << 20  // as a main thread: training code may recurse deeply
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once its queued jobs have run.
    func shutdown() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !finished { condition.wait() }
            if jobs.isEmpty && finished {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
