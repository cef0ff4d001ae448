import HardwareModels
import Testing

@Suite struct NASBench201Tests {
    static let bench = try! NASBench201.load()

    @Test func tableHasEveryArchitectureAndTheDevices() {
        #expect(Self.bench.architectures.count == 15_625)
        #expect(Self.bench.architectures.enumerated().allSatisfy { $0.offset == $0.element.index })
        for device in ["fpga", "eyeriss_asic", "raspi4", "pixel3", "samsung_a50", "cpu_xeon_gold6226", "gpu_titanx_b1"] {
            #expect(Self.bench.devices.contains(device))
        }
        #expect(abs(Self.bench.architectures.map(\.accuracy).max()! - 94.37) < 0.01)
        // Architecture 0 as in HW-NAS-Bench's example (FPGA 2.573 ms, Pixel 3 3.606 ms).
        let first = Self.bench.architectures[0]
        #expect(first.operations == [4, 2, 1, 2, 1, 1])
        #expect(abs(first.latencies["fpga"]! - 2.573) < 1e-3 && abs(first.latencies["pixel3"]! - 3.6059) < 1e-4)
    }

    @Test func disconnectedCellsAreExactlyTheTenPercentOnes() {
        let disconnected = Self.bench.architectures.filter { !NASBench201.isConnected($0.operations) }
        #expect(disconnected.count == 341)
        #expect(disconnected.allSatisfy { $0.accuracy < 11 })
        #expect(Self.bench.architectures.filter { NASBench201.isConnected($0.operations) }.allSatisfy { $0.accuracy > 11 })
    }

    @Test func effectiveCellDropsDeadEdges() {
        // Node 1 ← conv3x3 from 0, but node 1 feeds nothing non-none to 2 or 3: edge e1_0 is dead.
        // e1_0=3, e2_0=1, e2_1=0, e3_0=0, e3_1=0, e3_2=2.
        let operations = [3, 1, 0, 0, 0, 2]
        #expect(NASBench201.effectiveEdges(operations) == [false, true, false, false, false, true])
        #expect(NASBench201.operationCounts(operations) == [3, 1, 1, 1, 0])
        #expect(NASBench201.effectiveOperationCounts(operations) == [0, 1, 1, 0, 0])
        #expect(NASBench201.oneHotFeatures(operations).count == 30)
        #expect(NASBench201.oneHotFeatures(operations).reduce(0, +) == 6)
    }

    @Test func fpgaLatencyIsNearlyLinearInTheOneHotFeatures() throws {
        // The FPGA numbers are estimates that follow the literal cell: a linear model fitted on
        // 200 architectures predicts the rest to a few percent.
        let indices = Array(stride(from: 0, to: 15_625, by: 13))
        let train = Array(indices.prefix(200))
        let test = Array(indices.dropFirst(200))
        let model = try LinearCostModel.fit(Self.bench.latencySamples(device: "fpga", features: .oneHot, indices: train))
        let report = model.evaluate(on: try Self.bench.latencySamples(device: "fpga", features: .oneHot, indices: test))
        #expect(report.rootMeanSquaredPercentageError < 0.05)
        #expect(throws: HardwareModelError.self) { try Self.bench.latencySamples(device: "abacus", features: .oneHot, indices: [0]) }
    }
}
