import Foundation

/// The NAS-Bench-201 cell space with real accuracies and device latencies (a compact copy
/// ships as a resource; provenance and licences in `Resources/NB201-NOTICE.md`).
///
/// A cell is a DAG on nodes 0…3 with 6 edges, each one of 5 operations; 5⁶ = 15,625 cells.
public struct NASBench201: Sendable {
    /// Operation codes, in the table's order.
    public static let operationNames = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
    /// Edge names `to_from`, in the order of the operations vector.
    public static let edgeNames = ["e1_0", "e2_0", "e2_1", "e3_0", "e3_1", "e3_2"]
    /// (from, to) of each edge.
    public static let edges = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]

    /// One architecture and its measurements.
    public struct Architecture: Sendable {
        public var index: Int
        /// The operation code (0…4) on each of the 6 edges.
        public var operations: [Int]
        /// The smallest index computing the same function.
        public var isoClass: Int
        /// CIFAR-10 test accuracy after 200 epochs (%).
        public var accuracy: Double
        /// CIFAR-10 test and validation accuracy after 12 epochs (%).
        public var accuracy12EpochsTest: Double
        public var accuracy12EpochsValidation: Double
        public var parameters: Double
        public var flops: Double
        /// Batch-1 latency in ms, by device (see ``NASBench201/devices``).
        public var latencies: [String: Double]
    }

    /// Every architecture, by index.
    public let architectures: [Architecture]
    /// Architecture index by operations vector.
    let indexByOperations: [[Int]: Int]
    /// Device names (the table's `lat_…_ms` columns without the prefix and suffix), e.g.
    /// `pixel3`, `raspi4`, `fpga`, `eyeriss_asic`, `cpu_xeon_gold6226`, `gpu_titanx_b1`.
    public let devices: [String]

    /// The shipped CSV table (`Resources/nb201.csv`).
    public static var shippedTableURL: URL? { Bundle.module.url(forResource: "nb201", withExtension: "csv") }

    /// Loads the shipped table.
    public static func load() throws(HardwareModelError) -> NASBench201 {
        guard let url = shippedTableURL else {
            throw .malformedTable(reason: "the NAS-Bench-201 resource is missing from the bundle")
        }
        return try NASBench201(table: NumericTable(contentsOf: url))
    }

    /// Reads a table with the shipped file's columns.
    public init(table: NumericTable) throws(HardwareModelError) {
        let latencyColumns = table.columnNames.filter { $0.hasPrefix("lat_") && $0.hasSuffix("_ms") }
        devices = latencyColumns.map { String($0.dropFirst(4).dropLast(3)) }
        let index = try table.column("arch_index")
        var operations: [[Double]] = []
        for edge in Self.edgeNames { operations.append(try table.column(edge)) }
        let iso = try table.column("iso_class")
        let accuracy = try table.column("cifar10_test_acc")
        let test12 = try table.column("cifar10_test_acc_12ep")
        let valid12 = try table.column("cifar10_valid_acc_12ep")
        let parameters = try table.column("params")
        let flops = try table.column("flops")
        var latencies: [[Double]] = []
        for column in latencyColumns { latencies.append(try table.column(column)) }
        let devices = self.devices
        architectures = (0..<table.rowCount).map { row in
            Architecture(
                index: Int(index[row]), operations: operations.map { Int($0[row]) }, isoClass: Int(iso[row]),
                accuracy: accuracy[row], accuracy12EpochsTest: test12[row], accuracy12EpochsValidation: valid12[row],
                parameters: parameters[row], flops: flops[row],
                latencies: Dictionary(uniqueKeysWithValues: zip(devices, latencies.map { $0[row] })))
        }
        var lookup: [[Int]: Int] = [:]
        for architecture in architectures { lookup[architecture.operations] = architecture.index }
        indexByOperations = lookup
    }

    /// The architecture with these 6 edge operations (codes 0…4); NAS-Bench-201's indices
    /// follow its own creation order, not a positional encoding.
    public func architecture(operations: [Int]) -> Architecture? {
        indexByOperations[operations].map { architectures[$0] }
    }

    // MARK: - Features

    /// Names of ``oneHotFeatures(_:)``: `e1_0=nor_conv_3x3`, …
    public static let oneHotFeatureNames: [String] = edgeNames.flatMap { edge in operationNames.map { "\(edge)=\($0)" } }

    /// One indicator per (edge, operation): 30 features.
    public static func oneHotFeatures(_ operations: [Int]) -> [Double] {
        operations.flatMap { op in (0..<operationNames.count).map { $0 == op ? 1.0 : 0.0 } }
    }

    /// Names of ``operationCounts(_:)``: `count(nor_conv_3x3)`, …
    public static let operationCountNames = operationNames.map { "count(\($0))" }

    /// How many edges carry each operation: 5 features.
    public static func operationCounts(_ operations: [Int]) -> [Double] {
        (0..<operationNames.count).map { op in Double(operations.filter { $0 == op }.count) }
    }

    /// Names of ``effectiveOperationCounts(_:)``.
    public static let effectiveOperationCountNames = operationNames.map { "effective(\($0))" }

    /// Operation counts over the *effective* cell: an edge computes nothing unless it lies on a
    /// path of non-`none` edges from the input (node 0) to the output (node 3). Such dead
    /// edges (a convolution feeding a node that reaches no output) cost latency on some
    /// devices' estimates but not on others', and never affect accuracy.
    public static func effectiveOperationCounts(_ operations: [Int]) -> [Double] {
        let effective = effectiveEdges(operations)
        return (0..<operationNames.count).map { op in
            Double(operations.indices.filter { effective[$0] && operations[$0] == op }.count)
        }
    }

    /// Whether each edge lies on an input→output path of non-`none` edges.
    public static func effectiveEdges(_ operations: [Int]) -> [Bool] {
        precondition(operations.count == 6, "a NAS-Bench-201 cell has 6 edges")
        var fromInput = [true, false, false, false]
        for node in 1...3 {
            fromInput[node] = edges.indices.contains { e in edges[e].1 == node && operations[e] != 0 && fromInput[edges[e].0] }
        }
        var toOutput = [false, false, false, true]
        for node in stride(from: 2, through: 0, by: -1) {
            toOutput[node] = edges.indices.contains { e in edges[e].0 == node && operations[e] != 0 && toOutput[edges[e].1] }
        }
        return edges.indices.map { e in operations[e] != 0 && fromInput[edges[e].0] && toOutput[edges[e].1] }
    }

    /// Whether the cell's output depends on its input at all (341 cells do not).
    public static func isConnected(_ operations: [Int]) -> Bool { effectiveEdges(operations).contains(true) }

    /// Feature sets for the cost models.
    public enum FeatureSet: String, Sendable, CaseIterable {
        /// The 30 one-hot (edge, operation) indicators.
        case oneHot
        /// One-hot plus the 5 effective-cell operation counts.
        case oneHotAndEffective
        /// The 5 operation counts.
        case counts
        /// The 5 effective-cell operation counts.
        case effectiveCounts
    }

    /// The names of a feature set.
    public static func featureNames(_ set: FeatureSet) -> [String] {
        switch set {
        case .oneHot: return oneHotFeatureNames
        case .oneHotAndEffective: return oneHotFeatureNames + effectiveOperationCountNames
        case .counts: return operationCountNames
        case .effectiveCounts: return effectiveOperationCountNames
        }
    }

    /// The features of a cell in a feature set.
    public static func features(_ operations: [Int], _ set: FeatureSet) -> [Double] {
        switch set {
        case .oneHot: return oneHotFeatures(operations)
        case .oneHotAndEffective: return oneHotFeatures(operations) + effectiveOperationCounts(operations)
        case .counts: return operationCounts(operations)
        case .effectiveCounts: return effectiveOperationCounts(operations)
        }
    }

    /// Samples of a device's latency for the architectures at `indices`.
    public func latencySamples(
        device: String, features set: FeatureSet, indices: [Int]
    ) throws(HardwareModelError) -> ProfiledSamples {
        guard devices.contains(device) else { throw .unknownFeature("device '\(device)' (have \(devices.joined(separator: ", ")))") }
        return try ProfiledSamples(
            featureNames: Self.featureNames(set),
            features: indices.map { Self.features(architectures[$0].operations, set) },
            targets: indices.map { architectures[$0].latencies[device]! })
    }
}
