import Foundation

/// A CSV table with a header row (comma-separated, no quoting), read by column: profile tables
/// as people have them, with text columns (architecture strings, device names) beside the
/// numbers. A column is parsed as numbers only when it is used as one, and a value that is not
/// a number is then an error naming its line and column.
public struct NumericTable: Sendable {
    /// Column names, in file order.
    public let columnNames: [String]
    /// The fields of each column, as written (trimmed), each `rowCount` long.
    public let fields: [[String]]

    /// Number of data rows.
    public var rowCount: Int { fields.first?.count ?? 0 }

    /// Parses CSV text.
    ///
    /// - Throws: ``HardwareModelError/malformedTable(reason:)`` for an empty file, a repeated
    ///   column name, or a row with the wrong number of fields (naming the line).
    public init(csv text: String) throws(HardwareModelError) {
        // Bytes, not Characters: grapheme breaking took most of the time of reading the
        // 15,625-row NAS-Bench-201 table. Separators and blanks are ASCII; fields are UTF-8.
        var lines: [[String]] = []
        var text = text
        text.withUTF8 { bytes in
            var fields: [String] = []
            var fieldStart = 0
            var lineIsEmpty = true
            func field(_ start: Int, _ end: Int) -> String {
                var (a, b) = (start, end)
                while a < b, Self.isBlank(bytes[a]) { a += 1 }
                while b > a, Self.isBlank(bytes[b - 1]) { b -= 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[a..<b]), as: UTF8.self)
            }
            for index in 0...bytes.count {
                let byte: UInt8 = index < bytes.count ? bytes[index] : 0x0A
                if byte == 0x0A || byte == 0x0D {
                    // A line ends (LF, CRLF or CR); empty lines are skipped.
                    if !lineIsEmpty {
                        fields.append(field(fieldStart, index))
                        lines.append(fields)
                    }
                    fields = []
                    fieldStart = index + 1
                    lineIsEmpty = true
                } else {
                    lineIsEmpty = false
                    if byte == 0x2C {
                        fields.append(field(fieldStart, index))
                        fieldStart = index + 1
                    }
                }
            }
        }
        while let last = lines.last, last.allSatisfy(\.isEmpty), last.count == 1 { lines.removeLast() }
        guard let names = lines.first else { throw .malformedTable(reason: "the file is empty") }
        guard Set(names).count == names.count else { throw .malformedTable(reason: "the header repeats a column name") }
        var columns = [[String]](repeating: [], count: names.count)
        for (offset, fields) in lines.dropFirst().enumerated() {
            guard fields.count == names.count else {
                throw .malformedTable(reason: "line \(offset + 2) has \(fields.count) fields, the header \(names.count)")
            }
            for (j, field) in fields.enumerated() { columns[j].append(field) }
        }
        self.columnNames = names
        self.fields = columns
    }

    /// A space or a tab (the blanks trimmed around a field).
    @inline(__always) static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// Reads a CSV file.
    public init(contentsOf url: URL) throws(HardwareModelError) {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .malformedTable(reason: "cannot read \(url.path): \(error.localizedDescription)")
        }
        try self.init(csv: text)
    }

    /// The values of a column, as numbers.
    ///
    /// - Throws: ``HardwareModelError/unknownFeature(_:)`` for a column the table lacks;
    ///   ``HardwareModelError/malformedTable(reason:)`` naming the line of a value that is not a
    ///   number.
    public func column(_ name: String) throws(HardwareModelError) -> [Double] {
        let text = try textColumn(name)
        var values: [Double] = []
        values.reserveCapacity(text.count)
        for (row, field) in text.enumerated() {
            guard let value = Double(field) else {
                throw .malformedTable(reason: "line \(row + 2), column '\(name)': '\(field)' is not a number")
            }
            values.append(value)
        }
        return values
    }

    /// The fields of a column, as written.
    public func textColumn(_ name: String) throws(HardwareModelError) -> [String] {
        guard let index = columnNames.firstIndex(of: name) else { throw .unknownFeature(name) }
        return fields[index]
    }

    /// Samples with the given feature columns and target column.
    public func samples(features: [String], target: String) throws(HardwareModelError) -> ProfiledSamples {
        try samples(inputs: features.map { .numeric(name: $0) }, target: target).samples
    }

    /// Samples from numeric and categorical columns: each categorical column becomes one 0/1
    /// feature per distinct value (sorted), named `column=value`; columns not named are ignored.
    /// Returns the inputs as a saved model declares them.
    public func samples(
        numeric: [String], categorical: [String], target: String
    ) throws(HardwareModelError) -> (samples: ProfiledSamples, inputs: [SavedCostModel.Input]) {
        var inputs: [SavedCostModel.Input] = numeric.map { .numeric(name: $0) }
        for name in categorical {
            inputs.append(.categorical(name: name, values: Array(Set(try textColumn(name))).sorted()))
        }
        return try samples(inputs: inputs, target: target)
    }

    func samples(inputs: [SavedCostModel.Input], target: String) throws(HardwareModelError)
        -> (samples: ProfiledSamples, inputs: [SavedCostModel.Input])
    {
        var featureColumns: [[Double]] = []
        for input in inputs {
            switch input {
            case let .numeric(name): featureColumns.append(try column(name))
            case let .categorical(name, values):
                let text = try textColumn(name)
                for value in values { featureColumns.append(text.map { $0 == value ? 1 : 0 }) }
            }
        }
        let targets = try column(target)
        let rows = (0..<rowCount).map { i in featureColumns.map { $0[i] } }
        let samples = try ProfiledSamples(featureNames: SavedCostModel.featureNames(of: inputs), features: rows, targets: targets)
        return (samples, inputs)
    }
}
