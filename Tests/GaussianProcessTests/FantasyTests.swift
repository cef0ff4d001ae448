import GaussianProcess
import LinearAlgebra
import Testing

@Suite struct FantasyTests {
    @Test func conditioningEqualsRebuildingWithTheSameHyperparameters() throws {
        var values = TestValues(seed: 8)
        let x = values.points(25, 3)
        let y = rows(x).map(testFunction)
        let fit = try GaussianProcess.fit(inputs: x, targets: y)
        let extra = values.points(4, 3)
        let extraValues = rows(extra).map { testFunction($0) + 0.1 }
        let conditioned = try fit.model.conditioned(on: extra, values: extraValues)
        #expect(conditioned.count == 29)

        var allElements = [Double](repeating: 0, count: 29 * 3)
        for k in 0..<3 {
            for i in 0..<25 { allElements[i + k * 29] = x[i, k] }
            for i in 0..<4 { allElements[25 + i + k * 29] = extra[i, k] }
        }
        let rebuilt = try GaussianProcess(
            inputs: Matrix(rows: 29, columns: 3, elements: allElements), targets: y + extraValues,
            hyperparameters: fit.model.hyperparameters,
            standardization: (fit.model.outputShift, fit.model.outputScale))
        let test = values.points(30, 3)
        let a = try conditioned.posterior(at: test)
        let b = try rebuilt.posterior(at: test)
        for i in 0..<30 {
            #expect(abs(a.mean[i] - b.mean[i]) <= 1e-9 * max(1, abs(b.mean[i])))
            #expect(abs(a.variance[i] - b.variance[i]) <= 1e-9)
        }
        #expect(abs(conditioned.logMarginalLikelihood - rebuilt.logMarginalLikelihood) < 1e-8)
        // At a fantasy point the variance collapses to about the noise level.
        let atFantasy = try conditioned.posterior(at: Matrix(rows: 1, columns: 3, elements: extra.row(0)))
        let before = try fit.model.posterior(at: Matrix(rows: 1, columns: 3, elements: extra.row(0)))
        #expect(atFantasy.variance[0] < before.variance[0])
    }

    @Test func fantasiesRejectBadValues() throws {
        let gp = try GaussianProcess(
            inputs: Matrix(rowMajor: [[0.1], [0.9]]), targets: [0, 1],
            hyperparameters: GaussianProcessHyperparameters(lengthscales: [0.3]))
        #expect(throws: GaussianProcessError.self) { try gp.conditioned(on: Matrix(rowMajor: [[0.5]]), values: [.nan]) }
        #expect(throws: GaussianProcessError.countMismatch(inputs: 1, targets: 2)) {
            try gp.conditioned(on: Matrix(rowMajor: [[0.5]]), values: [1, 2])
        }
    }
}
