import Foundation
import GaussianProcess
import LinearAlgebra
import Testing

/// The kernel seam: a kernel of another family (``HammingKernel``) works through the whole GP —
/// likelihood, gradient, fit, posterior, fantasies — with no change to the GP.
@Suite struct KernelTests {
    struct Reference: Decodable {
        var inputs: [[Double]]
        var targets: [Double]
        var points: [[Double]]
        var lengthscales: [Double]
        var signalVariance: Double
        var noiseVariance: Double
        var mean: Double
        var logMarginalLikelihood: Double
        var posteriorMean: [Double]
        var posteriorVariance: [Double]
    }

    static func reference() throws -> (Reference, GaussianProcessHyperparameters) {
        let url = Bundle.module.url(forResource: "hamming_reference", withExtension: "json", subdirectory: "Fixtures")!
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        let hyperparameters = GaussianProcessHyperparameters(
            kernelParameters: reference.lengthscales, signalVariance: reference.signalVariance,
            noiseVariance: reference.noiseVariance, mean: reference.mean)
        return (reference, hyperparameters)
    }

    @Test func hammingKernelMatchesNumpy() throws {
        let (reference, hyperparameters) = try Self.reference()
        let model = try GaussianProcess(
            inputs: Matrix(rowMajor: reference.inputs), targets: reference.targets, kernel: HammingKernel(),
            hyperparameters: hyperparameters)
        // The model's likelihood is on the standardised scale, as the reference's.
        #expect(abs(model.logMarginalLikelihood - reference.logMarginalLikelihood) < 1e-9)
        let posterior = try model.posterior(at: Matrix(rowMajor: reference.points))
        for j in reference.points.indices {
            #expect(abs(posterior.mean[j] - reference.posteriorMean[j]) < 1e-9, "mean \(j)")
            #expect(abs(posterior.variance[j] - reference.posteriorVariance[j]) < 1e-9, "variance \(j)")
        }
        let joint = try model.jointPosterior(at: Matrix(rowMajor: reference.points))
        for j in reference.points.indices {
            #expect(abs(joint.covariance[j, j] - reference.posteriorVariance[j]) < 1e-9)
        }
        // Fantasies extend the factor: the same as a model built from all points.
        let extra = Matrix(rowMajor: [reference.points[0]])
        let conditioned = try model.conditioned(on: extra, values: [0.5])
        let rebuilt = try GaussianProcess(
            inputs: Matrix(rowMajor: reference.inputs + [reference.points[0]]), targets: reference.targets + [0.5],
            kernel: HammingKernel(), hyperparameters: hyperparameters,
            standardization: (model.outputShift, model.outputScale))
        let a = try conditioned.posterior(at: Matrix(rowMajor: reference.points))
        let b = try rebuilt.posterior(at: Matrix(rowMajor: reference.points))
        for j in reference.points.indices {
            #expect(abs(a.mean[j] - b.mean[j]) < 1e-9 && abs(a.variance[j] - b.variance[j]) < 1e-9)
        }
    }

    @Test func hammingLikelihoodGradientMatchesFiniteDifferences() throws {
        let (reference, hyperparameters) = try Self.reference()
        let x = Matrix(rowMajor: reference.inputs)
        let likelihood = try MarginalLikelihood(inputs: x, targets: reference.targets, kernel: HammingKernel())
        let analytic = try likelihood.valueAndGradient(at: hyperparameters).gradient
        let θ = hyperparameters.logParameters
        #expect(analytic.count == θ.count)
        let numeric = try centralDifferences(at: θ) { p in
            try likelihood.valueAndGradient(at: GaussianProcessHyperparameters(logParameters: p)).value
        }
        for i in θ.indices {
            #expect(abs(analytic[i] - numeric[i]) <= 1e-6 * max(1, abs(numeric[i])), "parameter \(i): \(analytic[i]) vs \(numeric[i])")
        }
        // Between category changes the posterior does not move: its input gradient is zero.
        let model = try GaussianProcess(inputs: x, targets: reference.targets, kernel: HammingKernel(), hyperparameters: hyperparameters)
        let withGradients = try model.posteriorWithGradients(at: Matrix(rowMajor: reference.points))
        #expect(withGradients.meanGradient.elements.allSatisfy { $0 == 0 })
        let plain = try model.posterior(at: Matrix(rowMajor: reference.points))
        #expect(zip(withGradients.mean, plain.mean).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    /// A fitted Hamming GP learns which column matters: on a target that depends on the first
    /// column only, the fit makes that column's lengthscale the shortest, and predicts an unseen
    /// combination from the categories it shares with the data.
    @Test func hammingFitLearnsTheRelevantColumn() throws {
        let effect: [Double] = [2, -1, 0.5]
        var rowsOfX: [[Double]] = []
        var targets: [Double] = []
        for a in 0..<3 {
            for b in 0..<3 {
                for c in 0..<2 where (a + b + c) % 3 != 0 {  // leave some combinations out
                    rowsOfX.append([Double(a), Double(b), Double(c)])
                    targets.append(effect[a])
                }
            }
        }
        let fit = try GaussianProcess.fit(inputs: Matrix(rowMajor: rowsOfX), targets: targets, kernel: HammingKernel())
        let lengthscales = fit.model.hyperparameters.kernelParameters
        #expect(lengthscales[0] < lengthscales[1] && lengthscales[0] < lengthscales[2], "\(lengthscales)")
        let unseen = Matrix(rowMajor: [[0, 0, 0], [1, 2, 0], [2, 1, 0]])  // each has a + b + c ≡ 0 (mod 3)
        let prediction = try fit.model.posterior(at: unseen)
        for (j, a) in [0, 1, 2].enumerated() {
            #expect(abs(prediction.mean[j] - effect[a]) < 0.1, "\(prediction.mean[j]) vs \(effect[a])")
        }
    }

    @Test func hyperparametersOfTheWrongKernelAreAClearError() throws {
        let x = Matrix(rowMajor: [[0, 1], [1, 0]])
        let wrong = GaussianProcessHyperparameters(kernelParameters: [1, 1, 1])
        #expect(throws: GaussianProcessError.kernelParameterCount(kernel: "hamming", expected: 2, actual: 3)) {
            try GaussianProcess(inputs: x, targets: [1, 2], kernel: HammingKernel(), hyperparameters: wrong)
        }
        #expect(throws: GaussianProcessError.invalidHyperparameter(name: "lengthscale[1]", value: 0)) {
            try GaussianProcess(
                inputs: x, targets: [1, 2], kernel: HammingKernel(),
                hyperparameters: GaussianProcessHyperparameters(kernelParameters: [1, 0]))
        }
    }

    /// Warm starts saved by format-2 journals keep decoding: the kernel's parameters are stored
    /// under the key they had when they were all lengthscales.
    @Test func hyperparametersDecodeFromTheFormat2Key() throws {
        let json = #"{"lengthscales":[0.5,2],"signalVariance":1.5,"noiseVariance":0.001,"mean":0.25}"#
        let decoded = try JSONDecoder().decode(GaussianProcessHyperparameters.self, from: Data(json.utf8))
        #expect(decoded == GaussianProcessHyperparameters(kernelParameters: [0.5, 2], signalVariance: 1.5, noiseVariance: 0.001, mean: 0.25))
        let reencoded = try JSONDecoder().decode(GaussianProcessHyperparameters.self, from: JSONEncoder().encode(decoded))
        #expect(reencoded == decoded)
    }
}

/// Per-column lengthscale priors (continuous and one-hot columns of a mixed space): used when
/// there is one per lengthscale, ignored otherwise, and they move a MAP fit's lengthscales.
@Suite struct ColumnPriorTests {
    @Test func columnPriorsApplyOnlyWithOnePerLengthscale() {
        var priors = HyperparameterPriors()
        let short = LogNormalPrior(location: -0.5, scale: 0.7)
        let long = LogNormalPrior(location: 2, scale: 0.5)
        priors.columnLengthscales = [short, long, short]
        let perColumn = Matern52Kernel().parameterPriors(dimension: 3, priors: priors)
        #expect(perColumn.map(\.prior) == [short, long, short])
        let mismatched = Matern52Kernel().parameterPriors(dimension: 4, priors: priors)
        #expect(mismatched.allSatisfy { $0.prior == priors.lengthscalePrior(dimension: 4) })
    }

    @Test func aTightColumnPriorHoldsItsLengthscale() throws {
        // y = sin(6x₀) + x₁ on 30 points: free priors fit a short ℓ₀; a tight prior at ℓ₀ = 5 holds it there.
        let points = (0..<30).map { i in [Double(i % 10) / 9, Double(i / 10) / 2] }
        let targets = points.map { sin(6 * $0[0]) + $0[1] }
        let inputs = Matrix(rowMajor: points)
        var free = GaussianProcessFitOptions()
        free.seed = 1
        var held = free
        held.priors.columnLengthscales = [LogNormalPrior(location: log(5), scale: 0.01), LogNormalPrior(location: 0, scale: 1)]
        let freeFit = try GaussianProcess.fit(inputs: inputs, targets: targets, options: free)
        let heldFit = try GaussianProcess.fit(inputs: inputs, targets: targets, options: held)
        #expect(freeFit.model.hyperparameters.lengthscales[0] < 2)
        #expect(abs(heldFit.model.hyperparameters.lengthscales[0] - 5) < 0.5)
    }
}
