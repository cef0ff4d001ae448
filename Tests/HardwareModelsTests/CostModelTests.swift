import Foundation
@testable import HardwareModels
import Testing

@Suite struct CostModelTests {
    /// Deterministic values in [0, 1).
    struct Values {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) * 0x1.0p-53
        }
    }

    @Test func linearModelRecoversExactCoefficients() throws {
        var values = Values(state: 1)
        let rows = (0..<30).map { _ in [values.next() * 10, values.next(), values.next() * 100] }
        let samples = try ProfiledSamples(
            featureNames: ["a", "b", "c"], features: rows, targets: rows.map { 3 + 2 * $0[0] - 0.5 * $0[1] + 0.01 * $0[2] })
        let model = try LinearCostModel.fit(samples)
        for (weight, expected) in zip(model.weights, [2.0, -0.5, 0.01]) { #expect(abs(weight - expected) < 1e-10) }
        #expect(abs(model.intercept - 3) < 1e-9)
        #expect(model.fitReport.training.rootMeanSquaredPercentageError < 1e-10)
        #expect(model.fitReport.crossValidation!.rootMeanSquaredPercentageError < 1e-9)
        // Log target: y = e^(1 + 0.2a) exactly.
        let exponential = try ProfiledSamples(featureNames: ["a"], features: rows.map { [$0[0]] }, targets: rows.map { exp(1 + 0.2 * $0[0]) })
        let logModel = try LinearCostModel.fit(exponential, logTarget: true)
        #expect(abs(logModel.weights[0] - 0.2) < 1e-10 && abs(logModel.predict([5]) - exp(2)) < 1e-9)
    }

    @Test func nonNegativeWeightsDropANegativeEffect() throws {
        var values = Values(state: 2)
        let rows = (0..<40).map { _ in [values.next(), values.next()] }
        // The true weight of b is negative: NNLS sets it to 0 and fits a alone (closed form).
        let targets = rows.map { 1 + 3 * $0[0] - 2 * $0[1] }
        let samples = try ProfiledSamples(featureNames: ["a", "b"], features: rows, targets: targets)
        let model = try LinearCostModel.fit(samples, nonNegativeWeights: true)
        #expect(model.weights[1] == 0)
        let alone = try LinearCostModel.fit(
            ProfiledSamples(featureNames: ["a"], features: rows.map { [$0[0]] }, targets: targets))
        #expect(abs(model.weights[0] - alone.weights[0]) < 1e-10)
        #expect(model.weights.allSatisfy { $0 >= 0 })
    }

    @Test func sparsePolynomialRecoversAKnownSparseModel() throws {
        var values = Values(state: 3)
        let rows = (0..<120).map { _ in (0..<4).map { _ in values.next() * 2 - 1 } }
        let truth: ([Double]) -> Double = { 5 + 2 * $0[0] * $0[0] - 3 * $0[0] * $0[1] + 0.5 * $0[2] }
        let samples = try ProfiledSamples(featureNames: ["x1", "x2", "x3", "x4"], features: rows, targets: rows.map(truth))
        let model = try SparsePolynomialCostModel.fit(samples, degrees: [1, 2, 3])
        #expect(model.degree >= 2)
        let names = Set(model.activeTerms.map(\.name))
        #expect(names.isSuperset(of: ["x1^2", "x1·x2", "x3"]))
        let test = (0..<50).map { _ in (0..<4).map { _ in values.next() * 2 - 1 } }
        let report = model.evaluate(on: try ProfiledSamples(featureNames: samples.featureNames, features: test, targets: test.map(truth)))
        #expect(report.coefficientOfDetermination > 0.9999)
        #expect(report.rootMeanSquaredPercentageError < 0.01)
        // A linear model cannot: the polynomial is the better model here.
        let linear = try LinearCostModel.fit(samples)
        #expect(linear.evaluate(on: try ProfiledSamples(featureNames: samples.featureNames, features: test, targets: test.map(truth)))
            .coefficientOfDetermination < 0.9)
    }

    struct LassoReference: Decodable {
        let columns: [[Double]]
        let targets: [Double]
        let alphaMax: Double
        let alphas: [Double]
        let coefficients: [[Double]]
    }

    @Test func lassoPathMatchesScikitLearn() throws {
        let url = try #require(Bundle.module.url(forResource: "lasso_reference", withExtension: "json", subdirectory: "Fixtures"))
        let reference = try JSONDecoder().decode(LassoReference.self, from: Data(contentsOf: url))
        #expect(abs(Lasso.maximumLambda(columns: reference.columns, targets: reference.targets) - reference.alphaMax) < 1e-12)
        let path = Lasso.path(columns: reference.columns, targets: reference.targets, lambdas: reference.alphas, tolerance: 1e-13)
        for (solution, expected) in zip(path, reference.coefficients) {
            for (value, target) in zip(solution, expected) { #expect(abs(value - target) < 1e-8, "\(value) vs \(target)") }
        }
    }

    @Test func errorReportMatchesClosedForms() {
        let report = ErrorReport(predictions: [1.1, 1.8, 3.0], measurements: [1, 2, 3])
        // Relative errors 0.1, −0.1, 0: RMSPE √(0.02/3), MAPE 0.2/3.
        #expect(abs(report.rootMeanSquaredPercentageError - (0.02 / 3).squareRoot()) < 1e-12)
        #expect(abs(report.meanAbsolutePercentageError - 0.2 / 3) < 1e-12)
        // R² = 1 − (0.01 + 0.04)/2.
        #expect(abs(report.coefficientOfDetermination - 0.975) < 1e-12)
        let withZero = ErrorReport(predictions: [0.5, 2], measurements: [0, 2])
        #expect(withZero.excludedFromPercentages == 1 && withZero.rootMeanSquaredPercentageError == 0)
    }

    @Test func networkAggregationFollowsNeuralPower() {
        let runtimes = [2.0, 3.0, 5.0]
        let powers = [10.0, 20.0, 4.0]
        #expect(NetworkAggregation.runtime(layerRuntimes: runtimes) == 10)
        #expect(NetworkAggregation.energy(layerRuntimes: runtimes, layerPowers: powers) == 100)
        #expect(NetworkAggregation.power(layerRuntimes: runtimes, layerPowers: powers) == 10)
    }

    @Test func badSamplesAreClearErrors() {
        #expect(throws: HardwareModelError.notEnoughSamples(needed: 1, given: 0)) {
            try ProfiledSamples(featureNames: ["a"], features: [], targets: [])
        }
        #expect(throws: HardwareModelError.featureCountMismatch(sample: 1, expected: 2, actual: 1)) {
            try ProfiledSamples(featureNames: ["a", "b"], features: [[1, 2], [3]], targets: [1, 2])
        }
        #expect(throws: HardwareModelError.self) {
            try ProfiledSamples(featureNames: ["a"], features: [[1], [.nan]], targets: [1, 2])
        }
        #expect(throws: HardwareModelError.self) {
            try ProfiledSamples(featureNames: ["a"], features: [[1], [2]], targets: [1, .infinity])
        }
        let samples = try! ProfiledSamples(featureNames: ["a"], features: [[1], [2], [3]], targets: [1, 0, 2])
        #expect(throws: HardwareModelError.invalidTarget(sample: 1, value: 0, reason: "is not positive; a log target needs positive values")) {
            try LinearCostModel.fit(samples, logTarget: true)
        }
        #expect(throws: HardwareModelError.notEnoughSamples(needed: 4, given: 3)) {
            try SparsePolynomialCostModel.fit(samples)
        }
        // A text field is kept; reading its column as numbers names the line and column.
        #expect(throws: HardwareModelError.malformedTable(reason: "line 2, column 'b': 'x' is not a number")) {
            try NumericTable(csv: "a,b\n1,x\n").column("b")
        }
        #expect(throws: HardwareModelError.self) { try NumericTable(csv: "a,b\n1\n") }
        #expect(throws: HardwareModelError.unknownFeature("c")) { try NumericTable(csv: "a,b\n1,2\n").column("c") }
    }

    /// Tables as editors write them: CRLF or CR line ends, blanks around fields, blank lines,
    /// UTF-8 text, an empty field; the same table however it is written.
    @Test func tablesReadTheSameWhateverTheirLineEndsAndBlanks() throws {
        let plain = try NumericTable(csv: "name,latency\nrésumé,1.5\nnet,2\n,3\n")
        for text in ["name,latency\r\nrésumé,1.5\r\nnet,2\r\n,3\r\n", "name, latency\rrésumé ,\t1.5\r\rnet,2\r,3",
                     " name , latency \n\nrésumé,1.5\nnet , 2\n , 3\n  \n\n"] {
            let table = try NumericTable(csv: text)
            #expect(table.columnNames == plain.columnNames, "\(text.debugDescription)")
            #expect(table.fields == plain.fields, "\(text.debugDescription)")
        }
        #expect(plain.fields == [["résumé", "net", ""], ["1.5", "2", "3"]])
        #expect(try plain.column("latency") == [1.5, 2, 3])
        #expect(throws: HardwareModelError.malformedTable(reason: "the file is empty")) { try NumericTable(csv: " \n\n") }
        #expect(throws: HardwareModelError.malformedTable(reason: "line 3 has 1 fields, the header 2")) {
            try NumericTable(csv: "a,b\n1,2\n\n3\n")
        }
    }
}
