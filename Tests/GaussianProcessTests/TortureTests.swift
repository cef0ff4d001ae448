import GaussianProcess
import LinearAlgebra
import Testing

/// Data that breaks naive GP code: nothing may crash and predictions must stay finite.
@Suite struct TortureTests {
    static func expectFinite(_ gp: GaussianProcess, dimension: Int) throws {
        var values = TestValues(seed: 1)
        let posterior = try gp.posterior(at: values.points(20, dimension))
        #expect(posterior.mean.allSatisfy { $0.isFinite })
        #expect(posterior.variance.allSatisfy { $0.isFinite && $0 >= 0 })
        let gradients = try gp.posteriorWithGradients(at: values.points(5, dimension))
        #expect(gradients.meanGradient.elements.allSatisfy { $0.isFinite })
        #expect(gradients.varianceGradient.elements.allSatisfy { $0.isFinite })
    }

    @Test func twoIdenticalPoints() throws {
        let x = Matrix(rowMajor: [[0.3, 0.6], [0.3, 0.6], [0.9, 0.1]])
        let fit = try GaussianProcess.fit(inputs: x, targets: [1.0, 1.2, -0.5])
        try Self.expectFinite(fit.model, dimension: 2)
        // Tiny noise floor and no noise at all (a singular kernel matrix that needs jitter).
        let exact = try GaussianProcess(
            inputs: x, targets: [1.0, 1.0, -0.5],
            hyperparameters: GaussianProcessHyperparameters(lengthscales: [0.5, 0.5], signalVariance: 1, noiseVariance: 1e-300))
        #expect(exact.jitter > 0)
        try Self.expectFinite(exact, dimension: 2)
    }

    @Test func twentyPointsWithin1e8OfEachOther() throws {
        var values = TestValues(seed: 2)
        let centre = [0.4, 0.5, 0.6]
        var elements = [Double](repeating: 0, count: 60)
        for i in 0..<20 { for k in 0..<3 { elements[i + k * 20] = centre[k] + 1e-8 * (values.uniform() - 0.5) } }
        let x = Matrix(rows: 20, columns: 3, elements: elements)
        let y = (0..<20).map { _ in values.uniform() }
        let fit = try GaussianProcess.fit(inputs: x, targets: y)
        try Self.expectFinite(fit.model, dimension: 3)
    }

    @Test func constantTargets() throws {
        var values = TestValues(seed: 3)
        let x = values.points(10, 2)
        let fit = try GaussianProcess.fit(inputs: x, targets: [Double](repeating: 4.2, count: 10))
        try Self.expectFinite(fit.model, dimension: 2)
        #expect(fit.model.outputScale == 1)
        let posterior = try fit.model.posterior(at: values.points(5, 2))
        for mean in posterior.mean { #expect(abs(mean - 4.2) < 1e-6) }
    }

    @Test(arguments: [1e6, 1e-6])
    func targetsOnExtremeScalesGiveScaledPredictions(scale: Double) throws {
        var values = TestValues(seed: 4)
        let x = values.points(15, 2)
        let y = rows(x).map(testFunction)
        let unit = try GaussianProcess.fit(inputs: x, targets: y)
        let scaled = try GaussianProcess.fit(inputs: x, targets: y.map { $0 * scale + 3 * scale })
        try Self.expectFinite(scaled.model, dimension: 2)
        // Standardisation makes the fit scale-invariant: same hyper-parameters, scaled predictions.
        let test = values.points(10, 2)
        let a = try unit.model.posterior(at: test)
        let b = try scaled.model.posterior(at: test)
        for i in 0..<10 {
            #expect(abs(b.mean[i] / scale - 3 - a.mean[i]) < 1e-6)
            #expect(abs(b.variance[i] / (scale * scale) - a.variance[i]) < 1e-6)
        }
    }

    @Test func singlePoint() throws {
        let fit = try GaussianProcess.fit(inputs: Matrix(rowMajor: [[0.5]]), targets: [2])
        try Self.expectFinite(fit.model, dimension: 1)
    }

    @Test func badInputGivesClearErrors() throws {
        let hp = GaussianProcessHyperparameters(lengthscales: [0.5, 0.5])
        var x = Matrix(rowMajor: [[0.1, 0.2], [0.3, 0.4]])
        x[1, 0] = .nan
        let error = #expect(throws: GaussianProcessError.self) {
            try GaussianProcess(inputs: x, targets: [1, 2], hyperparameters: hp)
        }
        guard case let .nonFiniteInput(point, dimension, value)? = error else {
            Issue.record("expected nonFiniteInput, got \(String(describing: error))")
            return
        }
        #expect(point == 1 && dimension == 0 && value.isNaN)
        do {
            _ = try GaussianProcess.fit(inputs: x, targets: [1, 2])
            Issue.record("NaN input was accepted")
        } catch {
            #expect(error.description.contains("input 1 has nan in dimension 0"))
        }
        let good = Matrix(rowMajor: [[0.1, 0.2], [0.3, 0.4]])
        #expect(throws: GaussianProcessError.nonFiniteTarget(point: 0, value: .infinity)) {
            try GaussianProcess(inputs: good, targets: [.infinity, 2], hyperparameters: hp)
        }
        #expect(throws: GaussianProcessError.countMismatch(inputs: 2, targets: 3)) {
            try GaussianProcess(inputs: good, targets: [1, 2, 3], hyperparameters: hp)
        }
        #expect(throws: GaussianProcessError.noTrainingData) {
            try GaussianProcess(inputs: Matrix(rows: 0, columns: 2), targets: [], hyperparameters: hp)
        }
        #expect(throws: GaussianProcessError.invalidHyperparameter(name: "lengthscale[1]", value: -1)) {
            try GaussianProcess(inputs: good, targets: [1, 2], hyperparameters: GaussianProcessHyperparameters(lengthscales: [1, -1]))
        }
        let gp = try GaussianProcess(inputs: good, targets: [1, 2], hyperparameters: hp)
        #expect(throws: GaussianProcessError.dimensionMismatch(expected: 2, actual: 3)) {
            try gp.posterior(at: Matrix(rowMajor: [[0.1, 0.2, 0.3]]))
        }
        #expect(throws: GaussianProcessError.self) { try gp.posterior(at: Matrix(rowMajor: [[0.1, .infinity]])) }
    }
}
