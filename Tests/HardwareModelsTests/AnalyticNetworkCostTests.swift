import HardwareModels
import Testing

@Suite struct AnalyticNetworkCostTests {
    /// LeNet-5 (LeCun et al. 1998) on 1×32×32: its published parameter count is 61,706.
    static func leNet5() -> NetworkDescription {
        var network = NetworkDescription(input: TensorShape(channels: 1, height: 32, width: 32))
        network.add("C1", .conv2d(outputChannels: 6, kernel: 5, bias: true))
        network.add("tanh1", .activation)
        network.add("S2", .averagePool(kernel: 2, stride: 2))
        network.add("C3", .conv2d(outputChannels: 16, kernel: 5, bias: true))
        network.add("tanh2", .activation)
        network.add("S4", .averagePool(kernel: 2, stride: 2))
        network.add("C5", .conv2d(outputChannels: 120, kernel: 5, bias: true))
        network.add("F6", .dense(outputs: 84))
        network.add("output", .dense(outputs: 10))
        return network
    }

    @Test func leNet5MatchesItsPublishedCountAndAHandComputation() throws {
        let report = try AnalyticNetworkCost.analyze(Self.leNet5())
        #expect(report.parameters == 61_706)
        #expect(report.outputShape == TensorShape(channels: 10))
        // By hand: C1 28·28·6·25 = 117,600; C3 10·10·16·6·25 = 240,000; C5 120·16·25 = 48,000;
        // F6 120·84 = 10,080; output 84·10 = 840.
        #expect(report.multiplyAccumulates == 117_600 + 240_000 + 48_000 + 10_080 + 840)
        #expect(report.layers.map(\.parameters) == [156, 0, 0, 2_416, 0, 0, 48_120, 10_164, 850])
        // Activations per sample: 4704 + 4704 + 1176 + 1600 + 1600 + 400 + 120 + 84 + 10.
        #expect(report.activationElements == 14_398)
        // Peak inference (fp32, batch 1): weights + the largest set alive at once: C1's output
        // while tanh1 writes its own (4704 + 4704; activations are not assumed in place).
        #expect(report.peakInferenceBytes == 4 * 61_706 + 4 * (4_704 + 4_704))
        // Training with Adam: 4 copies of the weights, every activation and the input.
        let batch = try AnalyticNetworkCost.analyze(Self.leNet5(), batchSize: 8, optimizer: .adam)
        #expect(batch.trainingBytes == 4 * 61_706 * 4 + 8 * 4 * 14_398 + 8 * 4 * 1_024)
    }

    /// NAS-Bench-201's CIFAR-10 network for a cell (the skeleton of the data's README).
    static func nasBench201(_ operations: [Int]) -> NetworkDescription {
        var network = NetworkDescription(input: TensorShape(channels: 3, height: 32, width: 32))
        network.add("stem conv", .conv2d(outputChannels: 16, kernel: 3, padding: 1))
        var last = network.add("stem bn", .batchNorm)
        for (stage, channels) in [16, 32, 64].enumerated() {
            if stage > 0 {
                // ResNet basic block, stride 2: ReLU-conv-BN twice, shortcut avg-pool + 1×1 conv.
                network.add("reduce relu a", .activation, inputs: [last])
                network.add("reduce conv a", .conv2d(outputChannels: channels, kernel: 3, stride: 2, padding: 1))
                network.add("reduce bn a", .batchNorm)
                network.add("reduce relu b", .activation)
                network.add("reduce conv b", .conv2d(outputChannels: channels, kernel: 3, padding: 1))
                let main = network.add("reduce bn b", .batchNorm)
                network.add("reduce pool", .averagePool(kernel: 2, stride: 2), inputs: [last])
                let shortcut = network.add("reduce conv", .conv2d(outputChannels: channels, kernel: 1))
                last = network.add("reduce add", .add, inputs: [main, shortcut])
            }
            for _ in 0..<5 {
                var nodes = [last]
                for target in 1...3 {
                    var incoming: [Int] = []
                    for (edge, (from, to)) in NASBench201.edges.enumerated() where to == target {
                        let source = nodes[from]
                        switch operations[edge] {
                        case 2, 3:
                            let k = operations[edge] == 2 ? 1 : 3
                            network.add("relu", .activation, inputs: [source])
                            network.add("conv", .conv2d(outputChannels: channels, kernel: k, padding: k / 2))
                            incoming.append(network.add("bn", .batchNorm))
                        case 4: incoming.append(network.add("pool", .averagePool(kernel: 3, stride: 1, padding: 1), inputs: [source]))
                        case 1: incoming.append(network.add("skip", .identity, inputs: [source]))
                        default: incoming.append(network.add("none", .zero, inputs: [source]))
                        }
                    }
                    nodes.append(network.add("node \(target)", .add, inputs: incoming))
                }
                last = nodes[3]
            }
        }
        network.add("last bn", .batchNorm, inputs: [last])
        network.add("last relu", .activation)
        network.add("pool", .globalAveragePool)
        network.add("classifier", .dense(outputs: 10))
        return network
    }

    @Test func nasBench201CountsEqualTheTablesParamsAndFlops() throws {
        let bench = try NASBench201.load()
        for index in [0, 1, 2, 3, 1234, 9999, 15_624] {
            let architecture = bench.architectures[index]
            let report = try AnalyticNetworkCost.analyze(Self.nasBench201(architecture.operations))
            #expect(Double(report.parameters) == architecture.parameters, "params of \(index)")
            // NAS-Bench-201's FLOPs: convolution and linear MACs plus the 10 classifier biases.
            #expect(Double(report.multiplyAccumulates + 10) == architecture.flops, "flops of \(index)")
        }
    }

    @Test func malformedNetworksAreClearErrors() {
        var network = NetworkDescription(input: TensorShape(channels: 3, height: 4, width: 4))
        network.add("big", .conv2d(outputChannels: 8, kernel: 7))
        #expect(throws: HardwareModelError.self) { try AnalyticNetworkCost.analyze(network) }
        var branches = NetworkDescription(input: TensorShape(channels: 3, height: 8, width: 8))
        let a = branches.add("a", .conv2d(outputChannels: 4, kernel: 3))
        let b = branches.add("b", .conv2d(outputChannels: 4, kernel: 1), inputs: [-1])
        branches.add("sum", .add, inputs: [a, b])
        #expect(throws: HardwareModelError.self) { try AnalyticNetworkCost.analyze(branches) }  // 6×6 + 8×8
        var forward = NetworkDescription(input: TensorShape(channels: 1))
        forward.add("later", .identity, inputs: [3])
        #expect(throws: HardwareModelError.self) { try AnalyticNetworkCost.analyze(forward) }
        #expect(throws: HardwareModelError.self) {
            try AnalyticNetworkCost.analyze(NetworkDescription(input: TensorShape(channels: 1)))
        }
    }
}
