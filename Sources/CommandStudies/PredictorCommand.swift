import Foundation
import HyperPower
import Synchronization

/// A known constraint's predictor that is a program: it reads a JSON array of configurations
/// (objects, parameter name → value) on its standard input and prints a JSON array of as many
/// numbers, the predicted costs, on its standard output. It runs once per batch of candidates
/// the gate asks about, and answers are cached per configuration for the whole run, so a
/// configuration is never predicted twice.
///
/// A run that fails (non-zero exit, output that is not such an array) throws; the gate then
/// rejects the batch (a prediction of NaN passes no gate).
public final class PredictorCommand: Sendable {
    /// The command line, run by `/bin/sh -c`.
    public let commandLine: String
    /// The folder it runs in (the study file's).
    public let directory: URL
    private let cache = Mutex<[Configuration: Double]>([:])
    private let runs = Mutex(0)

    /// Why a prediction run failed.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(commandLine: String, directory: URL) {
        self.commandLine = commandLine
        self.directory = directory
    }

    /// How many times the program has run.
    public var runCount: Int { runs.withLock { $0 } }

    /// The predictions for `configurations`, running the program once for those not cached.
    public func predict(_ configurations: [Configuration]) throws -> [Double] {
        let known = cache.withLock { cache in configurations.map { cache[$0] } }
        var missing: [Configuration] = []
        var seen = Set<Configuration>()
        for (configuration, value) in zip(configurations, known) where value == nil && seen.insert(configuration).inserted {
            missing.append(configuration)
        }
        if !missing.isEmpty {
            let values = try run(missing)
            cache.withLock { cache in for (configuration, value) in zip(missing, values) { cache[configuration] = value } }
        }
        return cache.withLock { cache in configurations.map { cache[$0] ?? .nan } }
    }

    func run(_ configurations: [Configuration]) throws -> [Double] {
        runs.withLock { $0 += 1 }
        let objects: [[String: JSONScalar]] = configurations.map { configuration in
            configuration.values.mapValues { value in
                switch value {
                case let .real(x): return .number(x)
                case let .integer(n): return .number(Double(n))
                case let .categorical(s): return .string(s)
                }
            }
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hyperpower-predict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("input.json")
        let output = folder.appendingPathComponent("output.json")
        let errors = folder.appendingPathComponent("errors.txt")
        try JSONEncoder().encode(objects).write(to: input)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", commandLine]
        process.currentDirectoryURL = directory
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        do { try process.run() } catch {
            throw Failure(description: "cannot start the predictor `\(commandLine)`: \(error)")
        }
        process.waitUntilExit()
        let tail = ((try? String(contentsOf: errors, encoding: .utf8)) ?? "").split(separator: "\n").suffix(3).joined(separator: "\n")
        guard process.terminationStatus == 0 else {
            throw Failure(description: "the predictor `\(commandLine)` exited with status \(process.terminationStatus)"
                + (tail.isEmpty ? "" : ": \(tail)"))
        }
        let data = (try? Data(contentsOf: output)) ?? Data()
        // Read as a command's result is (JSON5): a predictor in Python writes NaN for a
        // configuration it cannot predict (the gate keeps that one out) without spoiling the others.
        guard let values = try? CommandObjective.resultDecoder().decode([Double].self, from: data),
              values.count == configurations.count else {
            throw Failure(description: "the predictor `\(commandLine)` did not print a JSON array of \(configurations.count) numbers")
        }
        return values
    }
}

/// A number or a string, as a configuration's values are written to a predictor.
enum JSONScalar: Encodable {
    case number(Double)
    case string(String)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .number(x): try container.encode(x)
        case let .string(s): try container.encode(s)
        }
    }
}
