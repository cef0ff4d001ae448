/// A dense matrix of `Double` stored column-major in one contiguous buffer, the layout
/// BLAS and LAPACK expect, so that every numerical routine can hand the storage to them
/// without a copy.
///
/// Element `(i, j)` lives at `elements[i + j * rows]`.
public struct Matrix: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Column-major storage, `rows * columns` elements.
    public var elements: [Double]

    /// A `rows × columns` matrix with every element equal to `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.elements = [Double](repeating: value, count: rows * columns)
    }

    /// A matrix over existing column-major storage.
    ///
    /// - Precondition: `elements.count == rows * columns`.
    public init(rows: Int, columns: Int, elements: [Double]) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        precondition(
            elements.count == rows * columns,
            "Matrix storage has \(elements.count) elements, expected \(rows) × \(columns)")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix from row arrays (convenient in tests and examples; copies into column-major order).
    ///
    /// - Precondition: every row has the same length.
    public init(rowMajor rowArrays: [[Double]]) {
        let rows = rowArrays.count
        let columns = rowArrays.first?.count ?? 0
        var elements = [Double](repeating: 0, count: rows * columns)
        for (i, row) in rowArrays.enumerated() {
            precondition(row.count == columns, "Row \(i) has \(row.count) elements, expected \(columns)")
            for (j, value) in row.enumerated() { elements[i + j * rows] = value }
        }
        self.init(rows: rows, columns: columns, elements: elements)
    }

    /// The `n × n` identity.
    public static func identity(_ n: Int) -> Matrix {
        var matrix = Matrix(rows: n, columns: n)
        for i in 0..<n { matrix.elements[i + i * n] = 1 }
        return matrix
    }

    /// A matrix with `values` on its diagonal.
    public static func diagonal(_ values: [Double]) -> Matrix {
        let n = values.count
        var matrix = Matrix(rows: n, columns: n)
        for i in 0..<n { matrix.elements[i + i * n] = values[i] }
        return matrix
    }

    /// Element `(row, column)`.
    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range")
            return elements[row + column * rows]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range")
            elements[row + column * rows] = newValue
        }
    }

    /// Whether the matrix is square.
    public var isSquare: Bool { rows == columns }

    /// A copy of column `j`.
    public func column(_ j: Int) -> [Double] {
        precondition(j >= 0 && j < columns, "Column index out of range")
        return Array(elements[(j * rows)..<((j + 1) * rows)])
    }

    /// A copy of row `i`.
    public func row(_ i: Int) -> [Double] {
        precondition(i >= 0 && i < rows, "Row index out of range")
        return (0..<columns).map { elements[i + $0 * rows] }
    }

    /// A copy of the rows in `range`.
    ///
    /// - Complexity: O(range.count × columns).
    public func rows(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "Row range out of bounds")
        var result = Matrix(rows: range.count, columns: columns)
        for j in 0..<columns {
            for (target, i) in range.enumerated() { result.elements[target + j * range.count] = elements[i + j * rows] }
        }
        return result
    }

    /// A copy of the rows at `indices`, in that order.
    ///
    /// - Complexity: O(indices.count × columns).
    public func rows(_ indices: [Int]) -> Matrix {
        var result = Matrix(rows: indices.count, columns: columns)
        for j in 0..<columns {
            for (target, i) in indices.enumerated() {
                precondition(i >= 0 && i < rows, "Row index \(i) out of range")
                result.elements[target + j * indices.count] = elements[i + j * rows]
            }
        }
        return result
    }

    /// The diagonal of a square matrix.
    public var diagonal: [Double] {
        let n = Swift.min(rows, columns)
        return (0..<n).map { elements[$0 + $0 * rows] }
    }

    /// The transpose.
    ///
    /// - Complexity: O(rows × columns), one copy.
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        elements.withUnsafeBufferPointer { source in
            result.elements.withUnsafeMutableBufferPointer { target in
                for j in 0..<columns {
                    for i in 0..<rows { target[j + i * columns] = source[i + j * rows] }
                }
            }
        }
        return result
    }

    /// The first non-finite element, if any, as `(row, column, value)`.
    ///
    /// LAPACK does not flag NaN (a NaN pivot passes `dpotrf`'s positivity test), so every
    /// factorisation checks this first.
    public var firstNonFiniteElement: (row: Int, column: Int, value: Double)? {
        guard let index = elements.firstIndex(where: { !$0.isFinite }) else { return nil }
        return (index % Swift.max(rows, 1), index / Swift.max(rows, 1), elements[index])
    }

    /// The largest absolute elementwise difference from `other`.
    public func maximumAbsoluteDifference(from other: Matrix) -> Double {
        precondition(rows == other.rows && columns == other.columns, "Matrix shapes differ")
        var largest = 0.0
        for k in elements.indices { largest = Swift.max(largest, abs(elements[k] - other.elements[k])) }
        return largest
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        var lines: [String] = []
        for i in 0..<rows {
            lines.append((0..<columns).map { String(elements[i + $0 * rows]) }.joined(separator: "  "))
        }
        return "Matrix \(rows)×\(columns)\n" + lines.joined(separator: "\n")
    }
}
