import Foundation
import NumericalOptimization
import Testing

@Suite struct SobolSequenceTests {
    struct Reference: Decodable {
        let dimension: Int
        let points: [[Double]]
    }

    static func reference() throws -> Reference {
        let url = try #require(Bundle.module.url(forResource: "sobol_reference", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    @Test func unscrambledSequenceEqualsScipy() throws {
        let reference = try Self.reference()
        var sequence = try SobolSequence(dimension: reference.dimension)
        let points = sequence.nextPoints(reference.points.count)
        for (i, (point, expected)) in zip(points, reference.points).enumerated() {
            #expect(point == expected, "point \(i) differs")
        }
        #expect(sequence.index == UInt64(reference.points.count))
    }

    @Test func scrambledPointsKeepTheNetProperty() throws {
        // The first 2^m points of a (scrambled) Sobol sequence put exactly one point in each of
        // the 2^m equal slices of every axis.
        let count = 256
        var sequence = try SobolSequence(dimension: 70, scrambleSeed: 7)
        let points = sequence.nextPoints(count)
        for d in 0..<70 {
            let slots = Set(points.map { Int($0[d] * Double(count)) })
            #expect(slots.count == count, "dimension \(d) is not stratified")
        }
        #expect(points.allSatisfy { $0.allSatisfy { $0 >= 0 && $0 < 1 } })
        #expect(points[0] != [Double](repeating: 0, count: 70))
    }

    @Test func scramblingIsReproducibleAndSeedDependent() throws {
        var a = try SobolSequence(dimension: 5, scrambleSeed: 1)
        var b = try SobolSequence(dimension: 5, scrambleSeed: 1)
        var c = try SobolSequence(dimension: 5, scrambleSeed: 2)
        let pa = a.nextPoints(16)
        #expect(pa == b.nextPoints(16))
        #expect(pa != c.nextPoints(16))
    }

    @Test func dimensionsOutsideTheTableAreTypedErrors() {
        #expect(throws: SobolError.tooManyDimensions(requested: SobolSequence.maximumDimension + 1, maximum: SobolSequence.maximumDimension)) {
            try SobolSequence(dimension: SobolSequence.maximumDimension + 1)
        }
        #expect(throws: SobolError.invalidDimension(0)) { try SobolSequence(dimension: 0) }
        #expect(SobolSequence.maximumDimension >= 64)
        #expect((try? SobolSequence(dimension: SobolSequence.maximumDimension)) != nil)
    }

    @Test func seededGeneratorIsReproducible() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        let draws = (0..<10).map { _ in a.next() }
        #expect(draws == (0..<10).map { _ in b.next() })
        var c = SeededGenerator(seed: 3)
        let uniforms = (0..<10_000).map { _ in c.nextUniform() }
        let mean = uniforms.reduce(0, +) / 10_000
        #expect(abs(mean - 0.5) < 0.02)
        let normals = (0..<10_000).map { _ in c.nextStandardNormal() }
        let normalMean = normals.reduce(0, +) / 10_000
        let normalVariance = normals.reduce(0) { $0 + ($1 - normalMean) * ($1 - normalMean) } / 9_999
        #expect(abs(normalMean) < 0.05 && abs(normalVariance - 1) < 0.05)
    }
}
