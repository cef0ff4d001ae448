import Foundation

/// Helpers shared by the commands.
enum CommandSupport {
    /// Linear-interpolation quantile (numpy's default); `nil` for no values.
    static func quantile(_ values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
    }

    static func median(_ values: [Double]) -> Double? { quantile(values, 0.5) }

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
