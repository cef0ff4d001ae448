import Foundation
import LinearAlgebra

/// A multilayer perceptron for classification, on BLAS: dense layers with ReLU, a softmax
/// output, cross-entropy loss. Each layer's forward pass is one `dgemm` (batch × in · in × out);
/// the backward pass two (`Aᵀ·G` for the weights, `G·Wᵀ` for the previous layer).
public struct MultilayerPerceptron: Sendable {
    /// `weights[l]` is in × out.
    public var weights: [Matrix]
    public var biases: [[Double]]

    /// Layer widths from input to output, e.g. [64, 128, 10].
    public var layerSizes: [Int] { [weights[0].rows] + weights.map(\.columns) }

    /// He-initialised weights (`N(0, 2/in)`), zero biases, from a seed.
    public init(layerSizes: [Int], seed: UInt64) {
        precondition(layerSizes.count >= 2 && layerSizes.allSatisfy { $0 >= 1 }, "an MLP needs at least input and output sizes")
        var generator = NormalGenerator(seed: seed)
        weights = zip(layerSizes, layerSizes.dropFirst()).map { input, output in
            let scale = (2.0 / Double(input)).squareRoot()
            return Matrix(rows: input, columns: output, elements: (0..<(input * output)).map { _ in scale * generator.next() })
        }
        biases = layerSizes.dropFirst().map { [Double](repeating: 0, count: $0) }
    }

    /// Pre-activations and activations of every layer for a batch (rows of `inputs`).
    func forward(_ inputs: Matrix) -> (activations: [Matrix], preActivations: [Matrix]) {
        var activations = [inputs]
        var preActivations: [Matrix] = []
        for l in weights.indices {
            var z = Matrix(rows: inputs.rows, columns: weights[l].columns)
            Matrix.multiply(activations[l], .none, weights[l], .none, into: &z)
            let batch = z.rows
            z.elements.withUnsafeMutableBufferPointer { p in
                for j in 0..<z.columns {
                    let b = biases[l][j]
                    for i in 0..<batch { p[i + j * batch] += b }
                }
            }
            preActivations.append(z)
            if l < weights.count - 1 {
                var a = z
                a.elements.withUnsafeMutableBufferPointer { p in
                    for k in p.indices where p[k] < 0 { p[k] = 0 }
                }
                activations.append(a)
            } else {
                activations.append(z)
            }
        }
        return (activations, preActivations)
    }

    /// Class scores (logits), batch × classes.
    public func logits(_ inputs: Matrix) -> Matrix { forward(inputs).activations.last! }

    /// Predicted classes.
    public func predict(_ inputs: Matrix) -> [Int] {
        let scores = logits(inputs)
        return (0..<scores.rows).map { i in (0..<scores.columns).max { scores[i, $0] < scores[i, $1] }! }
    }

    /// Fraction misclassified.
    public func errorRate(_ inputs: Matrix, labels: [Int]) -> Double {
        let predicted = predict(inputs)
        return Double(zip(predicted, labels).filter { $0 != $1 }.count) / Double(max(labels.count, 1))
    }

    /// Mean softmax cross-entropy over the batch and its gradients.
    public func lossAndGradients(_ inputs: Matrix, labels: [Int]) -> (loss: Double, weights: [Matrix], biases: [[Double]]) {
        let (activations, preActivations) = forward(inputs)
        let batch = inputs.rows
        var gradient = activations.last!  // becomes (softmax − onehot) / batch
        let classes = gradient.columns
        var loss = 0.0
        for i in 0..<batch {
            var largest = -Double.infinity
            for j in 0..<classes { largest = max(largest, gradient[i, j]) }
            var sum = 0.0
            for j in 0..<classes { sum += exp(gradient[i, j] - largest) }
            let logSum = largest + log(sum)
            loss += logSum - gradient[i, labels[i]]
            for j in 0..<classes {
                let probability = exp(gradient[i, j] - logSum)
                gradient[i, j] = (probability - (j == labels[i] ? 1 : 0)) / Double(batch)
            }
        }
        var weightGradients = [Matrix](repeating: Matrix(rows: 0, columns: 0), count: weights.count)
        var biasGradients = [[Double]](repeating: [], count: weights.count)
        for l in stride(from: weights.count - 1, through: 0, by: -1) {
            weightGradients[l] = Matrix.product(activations[l], .transposed, gradient, .none)
            biasGradients[l] = (0..<gradient.columns).map { j in
                gradient.elements[(j * batch)..<((j + 1) * batch)].reduce(0, +)
            }
            if l > 0 {
                var previous = Matrix.product(gradient, .none, weights[l], .transposed)
                previous.elements.withUnsafeMutableBufferPointer { p in
                    preActivations[l - 1].elements.withUnsafeBufferPointer { z in
                        for k in p.indices where z[k] <= 0 { p[k] = 0 }
                    }
                }
                gradient = previous
            }
        }
        return (loss / Double(batch), weightGradients, biasGradients)
    }
}

/// Training settings of the MLP.
public struct TrainingSettings: Sendable, Equatable {
    public var hiddenLayers: [Int]
    public var learningRate: Double
    public var batchSize: Int
    public var weightDecay: Double
    public var epochs: Int
    public var seed: UInt64

    public init(hiddenLayers: [Int], learningRate: Double, batchSize: Int, weightDecay: Double, epochs: Int = 20, seed: UInt64 = 0) {
        self.hiddenLayers = hiddenLayers
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.weightDecay = weightDecay
        self.epochs = epochs
        self.seed = seed
    }
}

extension MultilayerPerceptron {
    /// Trains a fresh MLP by mini-batch Adam with decoupled weight decay (AdamW; Loshchilov &
    /// Hutter 2019; β = 0.9, 0.999), shuffling each epoch with the seed.
    public static func train(
        _ settings: TrainingSettings, inputs: Matrix, labels: [Int], classes: Int
    ) -> MultilayerPerceptron {
        train(settings, inputs: inputs, labels: labels, classes: classes, until: nil)!
    }

    /// ``train(_:inputs:labels:classes:)`` that gives up (returns `nil`) at the first epoch
    /// that starts after `deadline` (a wall-clock budget that ends mid-training).
    public static func train(
        _ settings: TrainingSettings, inputs: Matrix, labels: [Int], classes: Int, until deadline: Date?
    ) -> MultilayerPerceptron? {
        var network = MultilayerPerceptron(layerSizes: [inputs.columns] + settings.hiddenLayers + [classes], seed: settings.seed)
        var firstMoments = network.weights.map { Matrix(rows: $0.rows, columns: $0.columns) }
        var secondMoments = firstMoments
        var biasFirst = network.biases.map { [Double](repeating: 0, count: $0.count) }
        var biasSecond = biasFirst
        let (beta1, beta2, epsilon) = (0.9, 0.999, 1e-8)
        var step = 0
        var state = settings.seed ^ 0xD1CE
        var order = Array(0..<inputs.rows)
        for _ in 0..<settings.epochs {
            if let deadline, Date() >= deadline { return nil }
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                order.swapAt(i, Int((state >> 33) % UInt64(i + 1)))
            }
            for start in stride(from: 0, to: order.count, by: settings.batchSize) {
                let batch = Array(order[start..<min(start + settings.batchSize, order.count)])
                let (_, weightGradients, biasGradients) = network.lossAndGradients(
                    inputs.rows(batch), labels: batch.map { labels[$0] })
                step += 1
                let correction1 = 1 - pow(beta1, Double(step))
                let correction2 = 1 - pow(beta2, Double(step))
                let rate = settings.learningRate
                for l in network.weights.indices {
                    network.weights[l].elements.withUnsafeMutableBufferPointer { w in
                        firstMoments[l].elements.withUnsafeMutableBufferPointer { m in
                            secondMoments[l].elements.withUnsafeMutableBufferPointer { v in
                                weightGradients[l].elements.withUnsafeBufferPointer { g in
                                    for k in w.indices {
                                        m[k] = beta1 * m[k] + (1 - beta1) * g[k]
                                        v[k] = beta2 * v[k] + (1 - beta2) * g[k] * g[k]
                                        let update = (m[k] / correction1) / ((v[k] / correction2).squareRoot() + epsilon)
                                        w[k] -= rate * (update + settings.weightDecay * w[k])
                                    }
                                }
                            }
                        }
                    }
                    for k in network.biases[l].indices {
                        let g = biasGradients[l][k]
                        biasFirst[l][k] = beta1 * biasFirst[l][k] + (1 - beta1) * g
                        biasSecond[l][k] = beta2 * biasSecond[l][k] + (1 - beta2) * g * g
                        network.biases[l][k] -= rate * (biasFirst[l][k] / correction1)
                            / ((biasSecond[l][k] / correction2).squareRoot() + epsilon)
                    }
                }
            }
        }
        return network
    }
}

/// Standard normal draws from a seed (xorshift + Box–Muller), for initialisation.
struct NormalGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func uniform() -> Double {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return (Double(state >> 11) + 0.5) * 0x1.0p-53
    }
    mutating func next() -> Double {
        (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
    }
}
