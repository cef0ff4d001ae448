import GaussianProcess
import LinearAlgebra
import Testing

/// Batch predictions are computed in blocks of points; a batch that spans several blocks must
/// give exactly what one-point calls give.
@Suite struct BatchTests {
    @Test func batchesSpanningSeveralBlocksEqualOnePointCalls() throws {
        var values = TestValues(seed: 21)
        let x = values.points(40, 2)
        let gp = try GaussianProcess(
            inputs: x, targets: rows(x).map(testFunction),
            hyperparameters: GaussianProcessHyperparameters(lengthscales: [0.3, 0.6], noiseVariance: 1e-3))
        // 40 training points → blocks of 65,536 / 40 = 1,638 points: 4,000 points span three blocks.
        let points = values.points(4_000, 2)
        let batch = try gp.posterior(at: points)
        let batchWithGradients = try gp.posteriorWithGradients(at: points)
        for i in [0, 1_637, 1_638, 1_639, 3_275, 3_276, 3_999] {
            let single = try gp.posteriorWithGradients(at: Matrix(rows: 1, columns: 2, elements: points.row(i)))
            #expect(abs(batch.mean[i] - single.mean[0]) <= 1e-12)
            #expect(abs(batch.variance[i] - single.variance[0]) <= 1e-12)
            #expect(abs(batchWithGradients.mean[i] - single.mean[0]) <= 1e-12)
            for k in 0..<2 {
                #expect(abs(batchWithGradients.meanGradient[i, k] - single.meanGradient[0, k]) <= 1e-10)
                #expect(abs(batchWithGradients.varianceGradient[i, k] - single.varianceGradient[0, k]) <= 1e-10)
            }
        }
    }

    @Test func readmeExampleRuns() throws {
        // The calls the README shows, on small data.
        var values = TestValues(seed: 22)
        let points = rows(values.points(40, 3))
        let inputs = Matrix(rowMajor: points)
        let fit = try GaussianProcess.fit(inputs: inputs, targets: points.map(testFunction))
        let candidates = rows(values.points(8, 3))
        let posterior = try fit.model.posterior(at: Matrix(rowMajor: candidates))
        #expect(posterior.mean.count == 8)
        let withGradients = try fit.model.posteriorWithGradients(at: Matrix(rowMajor: candidates))
        #expect(withGradients.meanGradient.rows == 8)
        let pending = rows(values.points(2, 3))
        let fantasy = try fit.model.conditioned(on: Matrix(rowMajor: pending), values: [0.1, 0.2])
        #expect(fantasy.count == 42)
        let more = rows(values.points(5, 3))
        let refit = try GaussianProcess.fit(
            inputs: Matrix(rowMajor: points + more), targets: (points + more).map(testFunction),
            warmStart: fit.model.hyperparameters)
        #expect(refit.report.starts == 1)
    }
}
