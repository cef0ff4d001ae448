import ArgumentParser
import BenchmarkProblems
import Foundation
import GaussianProcess
import LinearAlgebra
import NumericalOptimization

/// Fits the GP surrogate to an expensive-objective stand-in and reports how well it predicts.
struct GaussianProcessDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gp",
        abstract: "Fit a Gaussian process to the 6-D Hartmann function (plus 2 irrelevant inputs) and report its accuracy.",
        discussion: """
            Trains on a scrambled Sobol design, fits Matérn-5/2 ARD hyper-parameters by MAP, \
            then measures held-out RMSE, R², the coverage of 95% intervals, and the lengthscales \
            the fit found (the two inputs the function ignores should get long ones). Finally it \
            conditions the model on a few new points without a refit and checks it against a rebuild.
            """)

    @Option(parsing: .unconditional, help: "Number of training points (Sobol design).")
    var points: Int = 150

    @Option(parsing: .unconditional, help: "Number of held-out test points (uniform random).")
    var testPoints: Int = 2000

    @Option(parsing: .unconditional, help: "Seed for the design scrambling, the test points and the fit's restarts.")
    var seed: UInt64 = 1

    @Option(help: "Kernel: matern52, matern32 or squaredExponential.")
    var kernel: String = "matern52"

    @Option(parsing: .unconditional, help: "Standard deviation of Gaussian noise added to the training targets.")
    var noise: Double = 0.01

    func validate() throws {
        guard points >= 2 else { throw ValidationError("--points must be at least 2 (got \(points))") }
        guard points <= 5000 else { throw ValidationError("--points above 5000 would take minutes; choose fewer") }
        guard testPoints >= 1 else { throw ValidationError("--test-points must be at least 1") }
        guard noise >= 0, noise.isFinite else { throw ValidationError("--noise must be a finite value ≥ 0") }
        guard Self.kernels[kernel] != nil else {
            throw ValidationError("unknown --kernel '\(kernel)'; choose one of \(Self.kernels.keys.sorted().joined(separator: ", "))")
        }
    }

    static let kernels: [String: any Kernel] = [
        "matern52": Matern52Kernel(), "matern32": Matern32Kernel(), "squaredExponential": SquaredExponentialKernel(),
    ]

    /// Hartmann 6, minimum −3.32237 (the benchmark problem's function, its first 6 inputs).
    static func hartmann6(_ x: [Double]) -> Double {
        BenchmarkProblem.hartmann6Ball.values(at: Array(x.prefix(6))).objective
    }

    func run() throws {
        let dimension = 8  // inputs 6 and 7 are ignored by the function
        let kernel = Self.kernels[kernel]!
        var generator = SeededGenerator(seed: seed)
        var design = try SobolSequence(dimension: dimension, scrambleSeed: seed)
        let trainingRows = design.nextPoints(points)
        let targets = trainingRows.map { Self.hartmann6($0) + noise * generator.nextStandardNormal() }
        let inputs = Self.matrix(trainingRows)

        print("HyperPower — Gaussian-process surrogate demo")
        print("Objective: 6-D Hartmann function embedded in \(dimension) inputs (inputs 7 and 8 unused), noise σ = \(noise)")
        print("Training: \(points) scrambled-Sobol points; kernel \(kernel.name) with ARD; MAP fit, 4 starts\n")

        let start = Date()
        let fit = try GaussianProcess.fit(
            inputs: inputs, targets: targets, kernel: kernel, options: GaussianProcessFitOptions(seed: seed))
        let fitSeconds = Date().timeIntervalSince(start)
        let model = fit.model
        let h = model.hyperparameters
        print(String(format: "Fit: %.1f ms, %d likelihood evaluations, log posterior %.2f → %.2f (%@)",
                     fitSeconds * 1000, fit.report.evaluations, fit.report.initialLogPosterior,
                     fit.report.finalLogPosterior, "\(fit.report.termination)"))
        print(String(format: "     signal variance %.3f, noise variance %.2e (standardised units), output scale %.3f",
                     h.signalVariance, h.noiseVariance, model.outputScale))
        print("Lengthscales (shorter = the function varies faster along that input):")
        let shortest = h.lengthscales.min() ?? 1
        for (j, lengthscale) in h.lengthscales.enumerated() {
            let bar = String(repeating: "█", count: max(1, Int((30 * shortest / lengthscale).rounded())))
            print(String(format: "  x%d %8.3f  %@%@", j + 1, lengthscale, bar, j >= 6 ? "   (unused by the function)" : ""))
        }

        let testRows = (0..<testPoints).map { _ in (0..<dimension).map { _ in generator.nextUniform() } }
        let truth = testRows.map(Self.hartmann6)
        let predictionStart = Date()
        let posterior = try model.posterior(at: Self.matrix(testRows))
        let predictionSeconds = Date().timeIntervalSince(predictionStart)
        var squaredError = 0.0
        var covered = 0
        let meanTruth = truth.reduce(0, +) / Double(truth.count)
        var totalVariance = 0.0
        for i in truth.indices {
            let error = posterior.mean[i] - truth[i]
            squaredError += error * error
            totalVariance += (truth[i] - meanTruth) * (truth[i] - meanTruth)
            // The test values are noise-free, so the latent function's interval is the one to check.
            if abs(error) <= 1.96 * posterior.variance[i].squareRoot() { covered += 1 }
        }
        let rmse = (squaredError / Double(truth.count)).squareRoot()
        print(String(format: "\nHeld-out (%d uniform points, predicted in %.2f ms): RMSE %.4f, R² %.3f, 95%% interval coverage %.1f%%",
                     testPoints, predictionSeconds * 1000, rmse, 1 - squaredError / totalVariance,
                     100 * Double(covered) / Double(truth.count)))
        print(String(format: "  (the function's spread on the cube: standard deviation %.4f)",
                     (totalVariance / Double(truth.count)).squareRoot()))

        // Fantasies: condition on 5 new points without a refit, and check against a rebuild.
        let extraRows = design.nextPoints(5)
        let extraValues = extraRows.map(Self.hartmann6)
        let fantasyStart = Date()
        let conditioned = try model.conditioned(on: Self.matrix(extraRows), values: extraValues)
        let fantasySeconds = Date().timeIntervalSince(fantasyStart)
        let rebuilt = try GaussianProcess(
            inputs: Self.matrix(trainingRows + extraRows), targets: targets + extraValues, kernel: kernel,
            hyperparameters: h, standardization: (model.outputShift, model.outputScale))
        let probe = Self.matrix(Array(testRows.prefix(200)))
        let a = try conditioned.posterior(at: probe)
        let b = try rebuilt.posterior(at: probe)
        let difference = zip(a.mean, b.mean).map { abs($0 - $1) }.max() ?? 0
        print(String(format: "\nConditioning on 5 new points through the O(n²) factor append: %.3f ms; "
                     + "largest difference from a rebuilt model %.1e", fantasySeconds * 1000, difference))
        print("\nThe constrained optimiser built on this model comes next (issue: Constrained Bayesian optimisation).")
    }

    static func matrix(_ rows: [[Double]]) -> Matrix { Matrix(rowMajor: rows) }
}
