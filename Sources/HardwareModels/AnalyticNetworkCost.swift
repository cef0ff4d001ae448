/// A tensor shape per sample: channels × height × width (a flat vector is `c × 1 × 1`).
public struct TensorShape: Sendable, Hashable, Codable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(channels: Int, height: Int = 1, width: Int = 1) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Elements per sample.
    public var elements: Int { channels * height * width }
    public var description: String { "\(channels)×\(height)×\(width)" }
}

/// One operation of a network.
public enum LayerOperation: Sendable, Hashable, Codable {
    /// 2-D convolution (square kernel), optionally grouped, with or without bias.
    case conv2d(outputChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, groups: Int = 1, bias: Bool = false)
    /// Fully connected layer on the flattened input.
    case dense(outputs: Int, bias: Bool = true)
    /// Max pooling (square window).
    case maxPool(kernel: Int, stride: Int, padding: Int = 0)
    /// Average pooling (square window).
    case averagePool(kernel: Int, stride: Int, padding: Int = 0)
    /// Average over the spatial dimensions.
    case globalAveragePool
    /// Batch normalisation (2 trainable parameters per channel, γ and β).
    case batchNorm
    /// An elementwise activation (ReLU, tanh, …).
    case activation
    /// Elementwise sum of all inputs (residual connection, DAG node); shapes must match.
    case add
    /// The input unchanged (skip connection).
    case identity
    /// Zeros of the input's shape (NAS-Bench-201's `none` edge): no computation.
    case zero
}

/// A layer: an operation and the layers it reads (indices into the network's layers; −1 is
/// the network input). Sequential networks leave `inputs` empty: the previous layer.
public struct Layer: Sendable, Hashable, Codable {
    public var name: String
    public var operation: LayerOperation
    public var inputs: [Int]

    public init(_ name: String, _ operation: LayerOperation, inputs: [Int] = []) {
        self.name = name
        self.operation = operation
        self.inputs = inputs
    }
}

/// A network as a DAG of layers in execution order; the last layer is the output.
public struct NetworkDescription: Sendable, Hashable, Codable {
    public var input: TensorShape
    public var layers: [Layer]

    public init(input: TensorShape, layers: [Layer] = []) {
        self.input = input
        self.layers = layers
    }

    /// Appends a layer reading `inputs` (default: the previous layer) and returns its index.
    @discardableResult
    public mutating func add(_ name: String, _ operation: LayerOperation, inputs: [Int]? = nil) -> Int {
        layers.append(Layer(name, operation, inputs: inputs ?? [layers.count - 1]))
        return layers.count - 1
    }
}

/// Paleo-style analytic cost of a network (Qi, Sparks & Talwalkar, ICLR 2017): per layer and
/// in total, parameters, multiply-accumulates, activation elements and bytes, and peak memory
/// for inference and training.
///
/// Conventions: MACs count convolutions and dense layers only (pooling, normalisation,
/// activations and additions are memory-bound and reported through their activations), as
/// NAS-Bench-201's FLOPs do; batch norm has 2 trainable parameters per channel.
/// Inference memory is the weights plus the largest set of activations alive at once (a
/// tensor lives from its layer until its last reader, found from the DAG; no operation is
/// assumed to work in place, so it is an upper bound for frameworks that fuse or reuse). Training memory is
/// weights × (2 + optimiser state per weight: 0 for SGD, 1 for momentum, 2 for Adam) —
/// weights, gradients, state — plus every activation (all are kept for the backward pass).
public enum AnalyticNetworkCost {
    public struct LayerCost: Sendable, Equatable, Codable {
        public var name: String
        public var outputShape: TensorShape
        public var parameters: Int
        public var multiplyAccumulates: Int
        /// Output elements per sample.
        public var activationElements: Int
    }

    public struct Report: Sendable, Equatable, Codable {
        public var layers: [LayerCost]
        public var outputShape: TensorShape
        public var parameters: Int
        /// Per sample.
        public var multiplyAccumulates: Int
        /// Output elements of every layer, per sample.
        public var activationElements: Int
        public var weightBytes: Int
        /// Activations of every layer for the batch.
        public var activationBytes: Int
        public var peakInferenceBytes: Int
        public var trainingBytes: Int
    }

    /// Optimiser state per weight, for training memory.
    public enum Optimizer: Int, Sendable, Codable {
        case sgd = 0
        case momentum = 1
        case adam = 2
    }

    /// Analyses `network` for a batch of `batchSize` with `elementBytes` per value (4 for fp32).
    ///
    /// - Throws: ``HardwareModelError/malformedTable(reason:)`` naming the layer for an input
    ///   index out of range, shapes that do not add up, or a window larger than its input.
    public static func analyze(
        _ network: NetworkDescription, batchSize: Int = 1, elementBytes: Int = 4, optimizer: Optimizer = .adam
    ) throws(HardwareModelError) -> Report {
        guard batchSize >= 1, elementBytes >= 1 else { throw .malformedTable(reason: "batch size and element bytes must be ≥ 1") }
        guard !network.layers.isEmpty else { throw .malformedTable(reason: "the network has no layers") }
        var shapes: [TensorShape] = []
        var costs: [LayerCost] = []
        func shape(_ index: Int, for layer: Layer) throws(HardwareModelError) -> TensorShape {
            if index == -1 { return network.input }
            guard index >= 0 && index < shapes.count else {
                throw .malformedTable(reason: "layer '\(layer.name)' reads layer \(index), which does not come before it")
            }
            return shapes[index]
        }
        for (position, layer) in network.layers.enumerated() {
            let inputIndices = layer.inputs.isEmpty ? [position - 1] : layer.inputs
            var inputs: [TensorShape] = []
            for index in inputIndices { inputs.append(try shape(index, for: layer)) }
            let input = inputs[0]
            func fail(_ reason: String) -> HardwareModelError { .malformedTable(reason: "layer '\(layer.name)': \(reason)") }
            var output = input
            var parameters = 0
            var macs = 0
            switch layer.operation {
            case let .conv2d(outputChannels, kernel, stride, padding, groups, bias):
                guard input.channels % groups == 0, outputChannels % groups == 0 else {
                    throw fail("channels \(input.channels)→\(outputChannels) not divisible by \(groups) groups")
                }
                output = try window(input, kernel: kernel, stride: stride, padding: padding, channels: outputChannels, fail)
                parameters = (input.channels / groups) * kernel * kernel * outputChannels + (bias ? outputChannels : 0)
                macs = output.elements * (input.channels / groups) * kernel * kernel
            case let .dense(outputs, bias):
                output = TensorShape(channels: outputs)
                parameters = input.elements * outputs + (bias ? outputs : 0)
                macs = input.elements * outputs
            case let .maxPool(kernel, stride, padding), let .averagePool(kernel, stride, padding):
                output = try window(input, kernel: kernel, stride: stride, padding: padding, channels: input.channels, fail)
            case .globalAveragePool:
                output = TensorShape(channels: input.channels)
            case .batchNorm:
                parameters = 2 * input.channels
            case .activation, .identity, .zero:
                break
            case .add:
                guard inputs.allSatisfy({ $0 == input }) else { throw fail("adds shapes \(inputs)") }
            }
            shapes.append(output)
            costs.append(LayerCost(
                name: layer.name, outputShape: output, parameters: parameters, multiplyAccumulates: macs,
                activationElements: output.elements))
        }

        // Liveness: a tensor is alive from its layer (or the start, for the input) to its last reader.
        var lastReader = [Int](repeating: -1, count: network.layers.count)
        var inputLastReader = -1
        for (position, layer) in network.layers.enumerated() {
            for index in (layer.inputs.isEmpty ? [position - 1] : layer.inputs) {
                if index == -1 { inputLastReader = position } else { lastReader[index] = position }
            }
        }
        var peakActivations = 0
        for position in network.layers.indices {
            var alive = inputLastReader >= position ? network.input.elements : 0
            for index in 0...position where index == position || lastReader[index] >= position {
                alive += costs[index].activationElements
            }
            peakActivations = max(peakActivations, alive)
        }

        let parameters = costs.reduce(0) { $0 + $1.parameters }
        let activations = costs.reduce(0) { $0 + $1.activationElements }
        let weightBytes = parameters * elementBytes
        let activationBytes = activations * batchSize * elementBytes
        return Report(
            layers: costs, outputShape: shapes.last!, parameters: parameters,
            multiplyAccumulates: costs.reduce(0) { $0 + $1.multiplyAccumulates }, activationElements: activations,
            weightBytes: weightBytes, activationBytes: activationBytes,
            peakInferenceBytes: weightBytes + peakActivations * batchSize * elementBytes,
            trainingBytes: weightBytes * (2 + optimizer.rawValue) + activationBytes + network.input.elements * batchSize * elementBytes)
    }

    static func window(
        _ input: TensorShape, kernel: Int, stride: Int, padding: Int, channels: Int, _ fail: (String) -> HardwareModelError
    ) throws(HardwareModelError) -> TensorShape {
        guard kernel >= 1, stride >= 1, padding >= 0 else { throw fail("kernel, stride ≥ 1 and padding ≥ 0 required") }
        let height = (input.height + 2 * padding - kernel) / stride + 1
        let width = (input.width + 2 * padding - kernel) / stride + 1
        guard input.height + 2 * padding >= kernel, input.width + 2 * padding >= kernel, height >= 1, width >= 1 else {
            throw fail("a \(kernel)×\(kernel) window does not fit a \(input) input with padding \(padding)")
        }
        return TensorShape(channels: channels, height: height, width: width)
    }
}
