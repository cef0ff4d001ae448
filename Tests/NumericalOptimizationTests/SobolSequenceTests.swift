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

    /// Up to the table's dimension the space-filling sequence is the scrambled Sobol sequence;
    /// beyond it the first 1,024 coordinates still are, and the padding is uniform, in [0, 1),
    /// reproducible from the seed, and its columns differ.
    @Test func theSpaceFillingSequenceIsSobolThenUniformPadding() throws {
        var sobol = try SobolSequence(dimension: 7, scrambleSeed: 11)
        var filling = try SpaceFillingSequence(dimension: 7, scrambleSeed: 11)
        #expect(sobol.nextPoints(64) == filling.nextPoints(64))

        let wide = SobolSequence.maximumDimension + 300
        var head = try SobolSequence(dimension: SobolSequence.maximumDimension, scrambleSeed: 5)
        var padded = try SpaceFillingSequence(dimension: wide, scrambleSeed: 5)
        var again = try SpaceFillingSequence(dimension: wide, scrambleSeed: 5)
        let points = padded.nextPoints(256)
        #expect(points == again.nextPoints(256))
        #expect(points.allSatisfy { $0.count == wide && $0.allSatisfy { $0 >= 0 && $0 < 1 } })
        #expect(points.map { Array($0.prefix(SobolSequence.maximumDimension)) } == head.nextPoints(256))
        for column in [SobolSequence.maximumDimension, wide - 1] {
            let values = points.map { $0[column] }
            let mean = values.reduce(0, +) / 256
            #expect(abs(mean - 0.5) < 0.06, "column \(column): mean \(mean)")
            #expect(Set(values).count == 256)
        }
        #expect(points.map { $0[SobolSequence.maximumDimension] } != points.map { $0[wide - 1] })
        #expect(throws: SobolError.invalidDimension(0)) { try SpaceFillingSequence(dimension: 0, scrambleSeed: 1) }
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
