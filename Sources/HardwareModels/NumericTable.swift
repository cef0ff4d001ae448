import Foundation

/// A CSV table of numbers with a header row (comma-separated, no quoting), read by column.
public struct NumericTable: Sendable {
    /// Column names, in file order.
    public let columnNames: [String]
    /// Values by column, each `rowCount` long.
    public let columns: [[Double]]

    /// Number of data rows.
    public var rowCount: Int { columns.first?.count ?? 0 }

    /// Parses CSV text.
    ///
    /// - Throws: ``HardwareModelError/malformedTable(reason:)`` naming the line and column of a
    ///   value that is not a number, or a row with the wrong number of fields.
    public init(csv text: String) throws(HardwareModelError) {
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        guard let header = lines.first else { throw .malformedTable(reason: "the file is empty") }
        let names = header.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard Set(names).count == names.count else { throw .malformedTable(reason: "the header repeats a column name") }
        var columns = [[Double]](repeating: [], count: names.count)
        for (offset, line) in lines.dropFirst().enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == names.count else {
                throw .malformedTable(reason: "line \(offset + 2) has \(fields.count) fields, the header \(names.count)")
            }
            for (j, field) in fields.enumerated() {
                guard let value = Double(field.trimmingCharacters(in: .whitespaces)) else {
                    throw .malformedTable(reason: "line \(offset + 2), column '\(names[j])': '\(field)' is not a number")
                }
                columns[j].append(value)
            }
        }
        self.columnNames = names
        self.columns = columns
    }

    /// Reads a CSV file.
    public init(contentsOf url: URL) throws(HardwareModelError) {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .malformedTable(reason: "cannot read \(url.path): \(error.localizedDescription)")
        }
        try self.init(csv: text)
    }

    /// The values of a column.
    public func column(_ name: String) throws(HardwareModelError) -> [Double] {
        guard let index = columnNames.firstIndex(of: name) else { throw .unknownFeature(name) }
        return columns[index]
    }

    /// Samples with the given feature columns and target column.
    public func samples(features: [String], target: String) throws(HardwareModelError) -> ProfiledSamples {
        var featureColumns: [[Double]] = []
        for name in features { featureColumns.append(try column(name)) }
        let targets = try column(target)
        let rows = (0..<rowCount).map { i in featureColumns.map { $0[i] } }
        return try ProfiledSamples(featureNames: features, features: rows, targets: targets)
    }
}
