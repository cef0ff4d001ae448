import LinearAlgebra

/// Profiled configurations: named features and the measured value (latency, power, memory,
/// energy) for each.
public struct ProfiledSamples: Sendable, Equatable {
    /// Feature names, in column order.
    public let featureNames: [String]
    /// One row of features per sample.
    public let features: [[Double]]
    /// The measured value of each sample.
    public let targets: [Double]

    /// Validated samples.
    ///
    /// - Throws: ``HardwareModelError`` for no samples, rows of the wrong length, or NaN/∞ in
    ///   features or targets.
    public init(featureNames: [String], features: [[Double]], targets: [Double]) throws(HardwareModelError) {
        guard !features.isEmpty else { throw .notEnoughSamples(needed: 1, given: 0) }
        guard features.count == targets.count else {
            throw .malformedTable(reason: "\(features.count) feature rows but \(targets.count) targets")
        }
        for (i, row) in features.enumerated() {
            guard row.count == featureNames.count else {
                throw .featureCountMismatch(sample: i, expected: featureNames.count, actual: row.count)
            }
            if let j = row.firstIndex(where: { !$0.isFinite }) {
                throw .nonFiniteFeature(sample: i, feature: featureNames[j], value: row[j])
            }
        }
        if let i = targets.firstIndex(where: { !$0.isFinite }) {
            throw .invalidTarget(sample: i, value: targets[i], reason: "is not finite")
        }
        self.featureNames = featureNames
        self.features = features
        self.targets = targets
    }

    /// Number of samples.
    public var count: Int { targets.count }

    /// The samples at `indices`.
    public func subset(_ indices: [Int]) -> ProfiledSamples {
        // Rows of a validated set stay valid.
        try! ProfiledSamples(
            featureNames: featureNames, features: indices.map { features[$0] }, targets: indices.map { targets[$0] })
    }

    /// The features as an n × p matrix.
    var matrix: Matrix { Matrix(rowMajor: features) }
}
