import Foundation
import LinearAlgebra

/// The UCI handwritten digits (1,797 images of 8×8, 10 classes), shipped as a resource with
/// its CC BY 4.0 attribution (`Resources/DIGITS-NOTICE.md`).
public struct DigitsDataset: Sendable {
    /// Pixels scaled to [0, 1], one row per image (n × 64).
    public let images: Matrix
    /// Class labels 0…9.
    public let labels: [Int]

    public static let classCount = 10

    /// Loads the shipped copy.
    public static func load() throws -> DigitsDataset {
        guard let url = Bundle.module.url(forResource: "digits", withExtension: "csv") else {
            throw DemoError.missingResource("digits.csv")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        var rows: [[Double]] = []
        var labels: [Int] = []
        for (number, line) in text.split(separator: "\n").enumerated() {
            let values = line.split(separator: ",").compactMap { Double($0) }
            guard values.count == 65, let label = values.last, (0...9).contains(Int(label)) else {
                throw DemoError.malformedData("digits.csv line \(number + 1)")
            }
            rows.append(values.dropLast().map { $0 / 16 })
            labels.append(Int(label))
        }
        return DigitsDataset(images: Matrix(rowMajor: rows), labels: labels)
    }

    /// A fixed, seeded split: `validationFraction` of the images (stratified by class) held out.
    public func split(validationFraction: Double = 0.25, seed: UInt64 = 0) -> (training: DigitsDataset, validation: DigitsDataset) {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        var training: [Int] = []
        var validation: [Int] = []
        for digit in 0..<Self.classCount {
            var members = labels.indices.filter { labels[$0] == digit }
            for i in stride(from: members.count - 1, to: 0, by: -1) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                members.swapAt(i, Int((state >> 33) % UInt64(i + 1)))
            }
            let cut = Int((Double(members.count) * validationFraction).rounded())
            validation += members.prefix(cut)
            training += members.dropFirst(cut)
        }
        return (subset(training.sorted()), subset(validation.sorted()))
    }

    /// The images at `indices`.
    public func subset(_ indices: [Int]) -> DigitsDataset {
        DigitsDataset(images: images.rows(indices), labels: indices.map { labels[$0] })
    }

    public var count: Int { labels.count }
}

/// Failures of the demos.
public enum DemoError: Error, CustomStringConvertible, Equatable {
    case missingResource(String)
    case malformedData(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .missingResource(name): return "the resource \(name) is missing from the bundle"
        case let .malformedData(place): return "malformed data at \(place)"
        case let .invalidArgument(reason): return reason
        }
    }
}
