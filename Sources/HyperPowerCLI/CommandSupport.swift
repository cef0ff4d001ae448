import ArgumentParser
import Foundation
import HyperPower

/// A failure while a command runs (not a usage mistake): printed as one line, without the usage.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Helpers shared by the commands.
enum CommandSupport {
    /// `--front-acquisition`: `automatic`, `parego` or `ehvi` (`nil` when not given).
    static func frontAcquisition(_ text: String?) throws -> OptimizerSettings.FrontAcquisition? {
        switch text {
        case nil: return nil
        case "automatic": return .automatic
        case "parego": return .parEGO
        case "ehvi": return .expectedHypervolumeImprovement
        default: throw ValidationError("unknown --front-acquisition '\(text!)'; choose automatic, parego or ehvi")
        }
    }

    /// Prints a value as pretty, key-sorted JSON.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Writes `text` to `path`, or fails with one line naming the path.
    static func write(_ text: String, to path: String) throws {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure("cannot write \(path): \(HyperPowerError.reason(of: error))")
        }
    }

    /// Creates `path` (a folder) if needed and checks that a file can be written in it, before
    /// any work whose results would go there.
    static func prepareOutputFolder(_ path: String) throws {
        let folder = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let probe = folder.appendingPathComponent(".hyperpower-write-check-\(getpid())")
            try Data().write(to: probe)
            try FileManager.default.removeItem(at: probe)
        } catch {
            throw CommandFailure("cannot write into the folder \(path): \(HyperPowerError.reason(of: error))")
        }
    }

    /// Checks, before any work, that the file `path` can be written (its folder exists and is
    /// writable; the file itself is replaced at the end).
    static func checkWritableFile(_ path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw CommandFailure("cannot write \(path): the folder \(folder) does not exist")
        }
        guard access(folder, W_OK) == 0 else {
            throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

import ArgumentParser
import HyperPower

extension HyperPower.Method: ExpressibleByArgument {}

/// The one spelling of seeds across commands: `--seed S` (the first) and `--seeds K` (runs S …
/// S + K − 1). `--first-seed` is accepted for `--seed`, as `benchmark` spelled it before.
struct SeedOptions: ParsableArguments {
    @Option(name: [.customLong("seed"), .customLong("first-seed")], parsing: .unconditional, help: "First seed; runs use seed, seed + 1, …")
    var first: UInt64 = 0

    @Option(name: .customLong("seeds"), parsing: .unconditional, help: "Number of seeds (runs).")
    var count: Int = 1

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--seeds must be at least 1 (got \(count))") }
    }

    /// The seeds of the runs.
    var values: [UInt64] { (0..<UInt64(count)).map { first + $0 } }
}
