import HardwareModels
import HyperPower
import Testing

/// A fitted hardware model as a known constraint, on the real NAS-Bench-201 table.
@Suite struct CostModelConstraintTests {
    @Test func fittedLatencyModelGatesTheSearchAndPredictionsSitBesideMeasurements() async throws {
        let bench = try NASBench201.load()
        // Profile 60 architectures on the FPGA, fit HyperPower's linear model.
        let profiled = Array(stride(from: 5, to: 15_625, by: 260))
        let model = try LinearCostModel.fit(bench.latencySamples(device: "fpga", features: .oneHot, indices: profiled))

        let operations = NASBench201.operationNames
        let space = try SearchSpace(parameters: NASBench201.edgeNames.map { .categorical(name: $0, choices: operations) })
        @Sendable func cell(_ config: Configuration) -> [Int] {
            NASBench201.edgeNames.map { operations.firstIndex(of: config.string($0))! }
        }
        #expect(bench.architecture(operations: bench.architectures[1234].operations)?.index == 1234)

        let budget = 3.0
        let optimizer = BayesianOptimizer(
            space: space,
            constraints: [.known("latency", atMost: budget, predictedBy: model, safetyMargin: 0.05) {
                NASBench201.oneHotFeatures(cell($0))
            }],
            seed: 3, logger: quietLogger
        ) { config in
            let architecture = bench.architecture(operations: cell(config))!
            return .success(objective: 100 - architecture.accuracy, measurements: ["latency": architecture.latencies["fpga"]!])
        }
        let result = try await optimizer.run(budget: .evaluations(20))
        #expect(result.trials.count == 20)
        for trial in result.trials {
            let predicted = try #require(trial.predictions["latency"])
            #expect(predicted <= budget * 0.95 + 1e-12)
            #expect(trial.measurements["latency"] != nil)  // measured beside predicted
        }
        #expect(result.best != nil)
    }

    @Test func safetyMarginMustBeAFraction() async {
        let space = try! SearchSpace { Real("x", 0...1) }
        let optimizer = BayesianOptimizer(
            space: space,
            constraints: [Constraint(name: "c", bound: 1, direction: .atMost, kind: .known(predictor: { $0.double("x") }),
                                     safetyMargin: 1.5)],
            logger: quietLogger)
        await #expect(throws: HyperPowerError.invalidConstraint(name: "c", reason: "the safety margin 1.5 is not in [0, 1)")) {
            try await optimizer.ask()
        }
    }
}
