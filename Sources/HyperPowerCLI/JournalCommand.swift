import ArgumentParser
import Foundation
import HyperPower

/// `hyperpower journal check|repair FILE`.
struct JournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Check a study journal line by line, or write a repaired copy without its unreadable lines.",
        subcommands: [Check.self, Repair.self])

    /// Prints what a study would refuse in a journal; exits 1 when there is anything.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every problem of a journal by line number (exit status 1 if any).")

        @Argument(help: "The journal (JSON Lines).")
        var journal: String

        func run() async throws {
            let inspection = try JournalInspection(url: URL(fileURLWithPath: journal))
            let events = Dictionary(grouping: inspection.records.map(\.record.event.rawValue)) { $0 }.mapValues(\.count)
            print("\(journal): \(inspection.records.count) readable records ("
                + events.keys.sorted().map { "\(events[$0]!) \($0)" }.joined(separator: ", ") + ")")
            if let torn = inspection.tornTail {
                print("  a torn last line (a write cut by a crash; the next writer removes it): \(torn)")
            }
            let problems = inspection.problems
            if problems.isEmpty {
                let study = try await Study.load(from: FileJournalStorage(url: URL(fileURLWithPath: journal), readOnly: true))
                let pending = await study.pendingTrialNumbers.count
                print("OK: \(await study.trials.count) completed trials, \(pending) pending")
                return
            }
            for problem in problems { print("  \(problem)") }
            print("\(problems.count) problem\(problems.count == 1 ? "" : "s"); `hyperpower journal repair \(journal)` writes a copy without unreadable lines")
            throw ExitCode(1)
        }
    }

    /// Writes `FILE.repaired.jsonl` (or `--output`) with the readable records only.
    struct Repair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a copy of a journal without its unreadable lines (the original is never changed).")

        @Argument(help: "The journal (JSON Lines).")
        var journal: String

        @Option(help: "The repaired copy (default: JOURNAL with .repaired.jsonl; must not exist).")
        var output: String?

        func run() async throws {
            let source = URL(fileURLWithPath: journal)
            let target = output.map { URL(fileURLWithPath: $0) }
                ?? source.deletingPathExtension().appendingPathExtension("repaired.jsonl")
            let inspection = try JournalInspection(url: source)
            let dropped = try inspection.writeRepairedCopy(to: target)
            for line in dropped { print("dropped line \(line.number): \(line.excerpt)") }
            if inspection.tornTail != nil { print("dropped the torn last line") }
            // The copy must open as a study: check it the way a study would.
            let study: Study
            do {
                study = try await Study.load(from: FileJournalStorage(url: target, readOnly: true))
            } catch {
                throw CommandFailure("wrote \(target.path), but it does not open as a study: \(error)")
            }
            let pending = await study.pendingTrialNumbers.count
            print("Wrote \(target.path): \(inspection.records.count) records, \(await study.trials.count) completed trials, "
                + "\(pending) pending (\(dropped.count) line\(dropped.count == 1 ? "" : "s") dropped; \(journal) unchanged)")
        }
    }
}
