import GaussianProcess
import LinearAlgebra
import NumericalOptimization
import Testing

@Suite struct FitTests {
    @Test func mapFitIncreasesTheLogPosteriorAndPredictsHeldOutPoints() throws {
        var values = TestValues(seed: 5)
        let x = values.points(40, 3)
        let y = rows(x).map(testFunction)
        let fit = try GaussianProcess.fit(inputs: x, targets: y)
        #expect(fit.report.finalLogPosterior > fit.report.initialLogPosterior)
        #expect(fit.report.starts == 4)
        // The third input matters least per unit of range: its lengthscale is the longest... of
        // the two it is compared with here, the fast sin(6x₁) dimension must be the shortest.
        let ℓ = fit.model.hyperparameters.lengthscales
        #expect(ℓ[0] < ℓ[1] && ℓ[0] < ℓ[2])
        // Held-out accuracy: RMSE well below the function's spread (≈ 0.8).
        let test = values.points(200, 3)
        let posterior = try fit.model.posterior(at: test)
        let truth = rows(test).map(testFunction)
        let rmse = (zip(posterior.mean, truth).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / 200).squareRoot()
        #expect(rmse < 0.05)
    }

    @Test func warmStartFromTheOptimumStaysThereInFewEvaluations() throws {
        var values = TestValues(seed: 6)
        let x = values.points(30, 2)
        let y = rows(x).map(testFunction)
        let cold = try GaussianProcess.fit(inputs: x, targets: y)
        let warm = try GaussianProcess.fit(inputs: x, targets: y, warmStart: cold.model.hyperparameters)
        #expect(warm.report.starts == 1)
        #expect(warm.report.finalLogPosterior >= cold.report.finalLogPosterior - 1e-6)
        #expect(warm.report.evaluations < cold.report.evaluations)
    }

    @Test func fitIsReproducibleForASeed() throws {
        var values = TestValues(seed: 7)
        let x = values.points(20, 2)
        let y = rows(x).map(testFunction)
        let a = try GaussianProcess.fit(inputs: x, targets: y, options: GaussianProcessFitOptions(seed: 3))
        let b = try GaussianProcess.fit(inputs: x, targets: y, options: GaussianProcessFitOptions(seed: 3))
        #expect(a.model.hyperparameters == b.model.hyperparameters)
    }
}
