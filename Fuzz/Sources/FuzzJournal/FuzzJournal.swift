import Dispatch
import Foundation
import FuzzSupport
import HyperPower

// Fuzzes the journal reader as `hyperpower report` and a resuming study use it: the input is
// written to a file, opened read-only with Study.load (read, decode, header check, replay) and
// line by line with JournalInspection. Any input must give a study or a HyperPowerError; a
// study must be consistent (every trial numbered once, none both pending and completed).

let path = "/dev/shm/hyperpower-fuzz-journal-\(getpid()).jsonl"

@_cdecl("FuzzJournal_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzJournal(data!, size) }
}

func fuzzJournal(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let url = URL(fileURLWithPath: path)
    guard (try? bytes.write(to: url)) != nil else { fatalError("cannot write \(path)") }
    let done = DispatchSemaphore(value: 0)
    Task {
        defer { done.signal() }
        do {
            let study = try await Study.load(from: FileJournalStorage(url: url, readOnly: true))
            let completed = await study.trials.map(\.number)
            let pending = await study.pendingTrialNumbers
            require(Set(completed).count == completed.count, "a trial number completed twice: \(completed)")
            require(Set(completed).isDisjoint(with: pending), "a trial both pending and completed")
            _ = await study.best
        } catch {
            _ = "\(error)"
        }
    }
    done.wait()
    if let inspection = try? JournalInspection(url: url) {
        _ = inspection.problems
        require(inspection.records.map(\.line) == inspection.records.map(\.line).sorted(), "records out of order")
    }
    return 0
}
