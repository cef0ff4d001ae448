import Foundation

/// Helpers shared by the commands.
enum CommandSupport {
    /// Prints a value as pretty, key-sorted JSON.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

import ArgumentParser
import HyperPower

extension HyperPower.Method: ExpressibleByArgument {}

/// The one spelling of seeds across commands: `--seed S` (the first) and `--seeds K` (runs S …
/// S + K − 1). `--first-seed` is accepted for `--seed`, as `benchmark` spelled it before.
struct SeedOptions: ParsableArguments {
    @Option(name: [.customLong("seed"), .customLong("first-seed")], help: "First seed; runs use seed, seed + 1, …")
    var first: UInt64 = 0

    @Option(name: .customLong("seeds"), help: "Number of seeds (runs).")
    var count: Int = 1

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--seeds must be at least 1 (got \(count))") }
    }

    /// The seeds of the runs.
    var values: [UInt64] { (0..<UInt64(count)).map { first + $0 } }
}
