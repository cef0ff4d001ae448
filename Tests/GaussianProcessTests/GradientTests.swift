import GaussianProcess
import LinearAlgebra
import Testing

/// Every analytic gradient against central finite differences.
@Suite struct GradientTests {
    static func data(n: Int = 12, d: Int = 3, seed: UInt64 = 11) -> (Matrix, [Double]) {
        var values = TestValues(seed: seed)
        let x = values.points(n, d)
        let y = rows(x).map { 3 * testFunction($0) + 10 }
        return (x, y)
    }

    static let hyperparameters = GaussianProcessHyperparameters(
        lengthscales: [0.4, 0.8, 1.3], signalVariance: 1.4, noiseVariance: 0.02, mean: -0.1)

    @Test(arguments: [0, 1, 2])
    func kernelDerivativeMatchesFiniteDifferences(kernelIndex: Int) {
        let kernel = allKernels[kernelIndex]
        for r2 in [0.01, 0.3, 1.0, 4.5] {
            let h = 1e-6 * r2
            let analytic = kernel.correlation(squaredDistance: r2).derivative
            let numeric = (kernel.correlation(squaredDistance: r2 + h).value - kernel.correlation(squaredDistance: r2 - h).value) / (2 * h)
            #expect(relativeError(analytic, numeric) < 1e-7)
        }
        #expect(kernel.correlation(squaredDistance: 0).value == 1)
    }

    @Test(arguments: [0, 1, 2])
    func logMarginalLikelihoodGradientMatchesFiniteDifferences(kernelIndex: Int) throws {
        let kernel = allKernels[kernelIndex]
        let (x, y) = Self.data()
        let gp = try GaussianProcess(inputs: x, targets: y, kernel: kernel, hyperparameters: Self.hyperparameters)
        let analytic = gp.logMarginalLikelihoodGradient()
        let θ = Self.hyperparameters.logParameters
        #expect(analytic.count == θ.count)
        let numeric = try centralDifferences(at: θ) { p in
            try GaussianProcess(
                inputs: x, targets: y, kernel: kernel, hyperparameters: GaussianProcessHyperparameters(logParameters: p)
            ).logMarginalLikelihood
        }
        for i in θ.indices {
            #expect(abs(analytic[i] - numeric[i]) <= 1e-6 * max(1, abs(numeric[i])), "parameter \(i): \(analytic[i]) vs \(numeric[i])")
        }
    }

    @Test(arguments: [0, 1, 2])
    func inputGradientsMatchFiniteDifferences(kernelIndex: Int) throws {
        let kernel = allKernels[kernelIndex]
        let (x, y) = Self.data()
        let gp = try GaussianProcess(inputs: x, targets: y, kernel: kernel, hyperparameters: Self.hyperparameters)
        var values = TestValues(seed: 99)
        let points = values.points(5, 3)
        let result = try gp.posteriorWithGradients(at: points)
        for i in 0..<5 {
            for k in 0..<3 {
                let h = 1e-6
                var plus = points.row(i)
                var minus = plus
                plus[k] += h
                minus[k] -= h
                let p = try gp.posterior(at: Matrix(rows: 1, columns: 3, elements: plus))
                let m = try gp.posterior(at: Matrix(rows: 1, columns: 3, elements: minus))
                let meanNumeric = (p.mean[0] - m.mean[0]) / (2 * h)
                let varianceNumeric = (p.variance[0] - m.variance[0]) / (2 * h)
                #expect(abs(result.meanGradient[i, k] - meanNumeric) <= 1e-6 * max(1, abs(meanNumeric)))
                #expect(abs(result.varianceGradient[i, k] - varianceNumeric) <= 1e-6 * max(1, abs(varianceNumeric)))
            }
        }
    }
}
