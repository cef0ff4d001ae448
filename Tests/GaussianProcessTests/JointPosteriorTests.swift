import Foundation
import GaussianProcess
import LinearAlgebra
import NumericalOptimization
import Testing

@Suite struct JointPosteriorTests {
    struct Reference: Decodable {
        var inputs: [[Double]]
        var targets: [Double]
        var points: [[Double]]
        var lengthscales: [Double]
        var signalVariance: Double
        var noiseVariance: Double
        var mean: Double
        var posteriorMean: [Double]
        var posteriorCovariance: [[Double]]
    }

    static func reference() throws -> (Reference, GaussianProcess) {
        let url = Bundle.module.url(forResource: "joint_reference", withExtension: "json", subdirectory: "Fixtures")!
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        let model = try GaussianProcess(
            inputs: Matrix(rowMajor: reference.inputs), targets: reference.targets, kernel: Matern52Kernel(),
            hyperparameters: GaussianProcessHyperparameters(
                lengthscales: reference.lengthscales, signalVariance: reference.signalVariance,
                noiseVariance: reference.noiseVariance, mean: reference.mean))
        return (reference, model)
    }

    @Test func jointPosteriorMatchesNumpy() throws {
        let (reference, model) = try Self.reference()
        let joint = try model.jointPosterior(at: Matrix(rowMajor: reference.points))
        for i in reference.points.indices {
            #expect(abs(joint.mean[i] - reference.posteriorMean[i]) < 1e-9 * max(1, abs(reference.posteriorMean[i])))
            for j in reference.points.indices {
                #expect(abs(joint.covariance[i, j] - reference.posteriorCovariance[i][j]) < 1e-9, "Σ[\(i),\(j)]")
            }
        }
        // The marginals are the diagonal.
        let marginal = try model.posterior(at: Matrix(rowMajor: reference.points))
        for i in reference.points.indices {
            #expect(abs(marginal.variance[i] - joint.covariance[i, i]) < 1e-12)
        }
    }

    @Test func samplesHaveThePosteriorMomentsAndAreReproducible() throws {
        let (reference, model) = try Self.reference()
        let points = Matrix(rowMajor: reference.points)
        var generator = SeededGenerator(seed: 7)
        let count = 20_000
        let draws = try model.samples(at: points, count: count, using: &generator)
        #expect(draws.rows == count && draws.columns == reference.points.count)
        let q = reference.points.count
        let means = (0..<q).map { j in (0..<count).reduce(0.0) { $0 + draws[$1, j] } / Double(count) }
        for j in 0..<q {
            let sd = reference.posteriorCovariance[j][j].squareRoot()
            // 5 standard errors of the mean.
            #expect(abs(means[j] - reference.posteriorMean[j]) < 5 * sd / Double(count).squareRoot() + 1e-9)
        }
        // Covariance of the two nearby points (0.5, 0.55) and (0.52, 0.5): strongly correlated.
        let (a, b) = (1, 2)
        let sample = (0..<count).reduce(0.0) { $0 + (draws[$1, a] - means[a]) * (draws[$1, b] - means[b]) } / Double(count - 1)
        let exact = reference.posteriorCovariance[a][b]
        let scale = (reference.posteriorCovariance[a][a] * reference.posteriorCovariance[b][b]).squareRoot()
        #expect(abs(sample - exact) < 0.05 * scale, "sample \(sample) exact \(exact)")
        var again = SeededGenerator(seed: 7)
        #expect(try model.samples(at: points, count: count, using: &again).elements == draws.elements)
    }

    @Test func samplesAtATrainingPointCollapse() throws {
        let (reference, model) = try Self.reference()
        // Two identical points: the covariance is singular; sampling still works (jitter).
        let point = [0.4, 0.9]
        var generator = SeededGenerator(seed: 1)
        let draws = try model.samples(at: Matrix(rowMajor: [point, point]), count: 100, using: &generator)
        for i in 0..<100 { #expect(abs(draws[i, 0] - draws[i, 1]) < 1e-3 * max(1, abs(draws[i, 0]))) }
        _ = reference
    }
}
