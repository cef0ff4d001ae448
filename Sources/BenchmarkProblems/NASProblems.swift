import Foundation
import HyperPower

extension BenchmarkProblem {
    /// Hardware-aware architecture search on NAS-Bench-201 (the shipped table), through the
    /// public API: six categorical edges × five operations (15,625 cells), minimise the
    /// CIFAR-10 test error (100 − accuracy, %) s.t. the device's latency ≤ the budget.
    ///
    /// **Known**: the latency, but the gate is a `LinearCostModel` on one-hot cell features
    /// fitted on 50 connected cells profiled once (a fixed draw, the same for every seed), as a
    /// user would fit it; violations are judged by the table's measured latency, which the
    /// optimiser never sees. f* is the best truly feasible cell's error.
    ///
    /// - Parameters:
    ///   - device: a latency column of the table (`fpga`, `pixel3`, …).
    ///   - budget: the latency bound in milliseconds.
    public static func nasBench201(
        name: String, bench: NASBench201, device: String, budget: Double, profiledCells: Int = 50
    ) throws -> BenchmarkProblem {
        guard bench.devices.contains(device) else {
            throw HardwareModelError.unknownFeature("device '\(device)' (have \(bench.devices.joined(separator: ", ")))")
        }
        let connected = bench.architectures.filter { NASBench201.isConnected($0.operations) }.map(\.index)
        // A fixed profiling draw: Fisher–Yates with a seeded generator.
        var generator = SeededGenerator(seed: 0x4E_4153_0201)
        var order = connected
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(generator.next() % UInt64(i + 1))) }
        let samples = try bench.latencySamples(device: device, features: .oneHot, indices: Array(order.prefix(profiledCells)))
        let model = try LinearCostModel.fit(samples, crossValidationFolds: nil)

        let operations = NASBench201.operationNames
        let space = try SearchSpace(parameters: NASBench201.edgeNames.map { .categorical(name: $0, choices: operations) })
        let best = bench.architectures.filter { $0.latencies[device]! <= budget }.max { $0.accuracy < $1.accuracy }
        guard let best else { throw HardwareModelError.malformedTable(reason: "no cell meets \(budget) ms on \(device)") }
        let architectures = bench.architectures
        let lookup = Dictionary(uniqueKeysWithValues: bench.architectures.map { ($0.operations, $0.index) })
        return BenchmarkProblem(
            name: name, space: space, optimum: 100 - best.accuracy, optimizer: best.operations.map(Double.init),
            constraintSpecifications: [BenchmarkConstraint(name: "latency", bound: budget, direction: .atMost, isKnown: true)],
            defaultBudget: 100,
            coordinates: { configuration in
                NASBench201.edgeNames.map { Double(operations.firstIndex(of: configuration.string($0))!) }
            },
            function: { x in
                let cell = architectures[lookup[x.map { Int($0) }]!]
                return (100 - cell.accuracy, ["latency": cell.latencies[device]!])
            },
            gatePredictors: ["latency": { configuration in
                model.predict(NASBench201.oneHotFeatures(NASBench201.edgeNames.map { operations.firstIndex(of: configuration.string($0))! }))
            }])
    }

    /// The NAS-Bench-201 problems of the suite: FPGA ≤ 3 ms (the 50-cell model is close),
    /// Pixel 3 ≤ 10 ms and Raspberry Pi 4 ≤ 25 ms (it is far off: the calibrated-constraints
    /// case). Empty when the shipped table cannot be read.
    public static let nasProblems: [BenchmarkProblem] = {
        guard let bench = try? NASBench201.load() else { return [] }
        return nasSpecifications.compactMap { try? nasBench201(name: $0.name, bench: bench, device: $0.device, budget: $0.budget) }
    }()

    /// Name, device and latency budget (ms) of each NAS-Bench-201 problem (the names are known
    /// without loading the table).
    static let nasSpecifications: [(name: String, device: String, budget: Double)] = [
        ("nas-fpga", "fpga", 3), ("nas-pixel3", "pixel3", 10), ("nas-raspi4", "raspi4", 25),
    ]
}
