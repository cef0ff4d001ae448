import Foundation
import GaussianProcess
import LinearAlgebra
import Testing

/// The GP against scikit-learn and a direct numpy evaluation, with fixed hyper-parameters
/// (Fixtures/generate_gp_reference.py).
@Suite struct ReferenceTests {
    struct Case: Decodable {
        let kernel: String
        let posteriorMean: [Double]
        let posteriorVariance: [Double]
        let logMarginalLikelihood: Double
        let logMarginalLikelihoodNumpy: Double
        let gradientLogSignal: Double
        let gradientLogLengthscales: [Double]
    }

    struct Reference: Decodable {
        let inputs: [[Double]]
        let targets: [Double]
        let testPoints: [[Double]]
        let lengthscales: [Double]
        let signalVariance: Double
        let noiseVariance: Double
        let mean: Double
        let cases: [Case]
    }

    static let reference: Reference = {
        let url = Bundle.module.url(forResource: "gp_reference", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    static func kernel(named name: String) -> any StationaryKernel {
        allKernels.first { $0.name == name }!
    }

    static func model(for testCase: Case) throws -> GaussianProcess {
        let r = reference
        return try GaussianProcess(
            inputs: Matrix(rowMajor: r.inputs), targets: r.targets, kernel: kernel(named: testCase.kernel),
            hyperparameters: GaussianProcessHyperparameters(
                lengthscales: r.lengthscales, signalVariance: r.signalVariance, noiseVariance: r.noiseVariance,
                mean: r.mean))
    }

    @Test(arguments: reference.cases.map(\.kernel))
    func posteriorMatchesScikitLearn(kernelName: String) throws {
        let testCase = Self.reference.cases.first { $0.kernel == kernelName }!
        let gp = try Self.model(for: testCase)
        let posterior = try gp.posterior(at: Matrix(rowMajor: Self.reference.testPoints))
        for i in posterior.mean.indices {
            #expect(relativeError(posterior.mean[i], testCase.posteriorMean[i]) <= 1e-8)
            #expect(relativeError(posterior.variance[i], testCase.posteriorVariance[i]) <= 1e-8)
        }
    }

    @Test(arguments: reference.cases.map(\.kernel))
    func logMarginalLikelihoodMatchesScikitLearnAndNumpy(kernelName: String) throws {
        let testCase = Self.reference.cases.first { $0.kernel == kernelName }!
        let gp = try Self.model(for: testCase)
        #expect(relativeError(gp.logMarginalLikelihood, testCase.logMarginalLikelihood) <= 1e-8)
        #expect(relativeError(gp.logMarginalLikelihood, testCase.logMarginalLikelihoodNumpy) <= 1e-8)
        // scikit-learn's θ is [log σ², log ℓ₁, …]; ours is [log ℓ…, log σ², log σₙ², m].
        let gradient = gp.logMarginalLikelihoodGradient()
        let d = testCase.gradientLogLengthscales.count
        for k in 0..<d { #expect(relativeError(gradient[k], testCase.gradientLogLengthscales[k]) <= 1e-8) }
        #expect(relativeError(gradient[d], testCase.gradientLogSignal) <= 1e-8)
    }

    @Test func posteriorWithGradientsAgreesWithPosterior() throws {
        let testCase = Self.reference.cases[0]
        let gp = try Self.model(for: testCase)
        let points = Matrix(rowMajor: Self.reference.testPoints)
        let plain = try gp.posterior(at: points)
        let withGradients = try gp.posteriorWithGradients(at: points)
        for i in plain.mean.indices {
            #expect(relativeError(withGradients.mean[i], plain.mean[i]) <= 1e-12)
            #expect(relativeError(withGradients.variance[i], plain.variance[i]) <= 1e-10)
        }
    }
}
