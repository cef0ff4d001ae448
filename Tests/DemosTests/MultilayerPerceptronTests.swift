@testable import Demos
import LinearAlgebra
import Testing

@Suite struct MultilayerPerceptronTests {
    @Test func gradientsMatchFiniteDifferences() {
        var network = MultilayerPerceptron(layerSizes: [5, 7, 6, 3], seed: 1)
        // Move biases off zero so every ReLU branch is exercised.
        for l in network.biases.indices { network.biases[l] = network.biases[l].indices.map { 0.1 * Double($0 % 3) - 0.1 } }
        var generator = NormalGenerator(seed: 2)
        let inputs = Matrix(rows: 4, columns: 5, elements: (0..<20).map { _ in generator.next() })
        let labels = [0, 2, 1, 2]
        let (_, weightGradients, biasGradients) = network.lossAndGradients(inputs, labels: labels)
        let h = 1e-6
        for l in network.weights.indices {
            for k in stride(from: 0, to: network.weights[l].elements.count, by: 3) {
                var plus = network
                var minus = network
                plus.weights[l].elements[k] += h
                minus.weights[l].elements[k] -= h
                let numeric = (plus.lossAndGradients(inputs, labels: labels).loss - minus.lossAndGradients(inputs, labels: labels).loss) / (2 * h)
                #expect(abs(weightGradients[l].elements[k] - numeric) < 1e-7, "weight \(l), \(k)")
            }
            for k in network.biases[l].indices {
                var plus = network
                var minus = network
                plus.biases[l][k] += h
                minus.biases[l][k] -= h
                let numeric = (plus.lossAndGradients(inputs, labels: labels).loss - minus.lossAndGradients(inputs, labels: labels).loss) / (2 * h)
                #expect(abs(biasGradients[l][k] - numeric) < 1e-7, "bias \(l), \(k)")
            }
        }
    }

    @Test func learnsTheDigitsInSeconds() throws {
        let data = try DigitsDataset.load()
        #expect(data.count == 1_797)
        let (training, validation) = data.split(validationFraction: 0.25, seed: 0)
        #expect(training.count + validation.count == 1_797)
        #expect(abs(Double(validation.count) - 449) <= 5)
        let network = MultilayerPerceptron.train(
            TrainingSettings(hiddenLayers: [64], learningRate: 3e-3, batchSize: 32, weightDecay: 1e-4, epochs: 10, seed: 1),
            inputs: training.images, labels: training.labels, classes: 10)
        let error = network.errorRate(validation.images, labels: validation.labels)
        // Chance is 90% error; a trained MLP gets a few percent.
        #expect(error < 0.08, "validation error \(error)")
    }
}
