import Foundation
import HyperPower

/// HyperPower's main job on this machine: tune an MLP on the UCI digits under a memory budget
/// (analytic) and an inference-latency budget on this CPU (a cost model fitted at start-up from
/// profiled configurations), against random search with the same gate and the
/// constraint-unaware baseline.
public struct DigitsDemo {
    /// The methods compared (the library's one definition of them).
    public typealias Method = HyperPower.Method

    public struct Settings: Sendable {
        /// Evaluations (trainings) per method.
        public var budget = 30
        public var seed: UInt64 = 0
        /// Inference latency budget (batch of 1) in µs; `nil`: the median latency of the profiled
        /// configurations on this machine.
        public var latencyBudgetMicroseconds: Double?
        /// Model memory budget (fp32 weights + peak inference activations) in bytes.
        public var memoryBudgetBytes: Double = 1_000_000
        /// Training epochs (fixed).
        public var epochs = 15
        /// Configurations profiled to fit the latency model.
        public var profiledConfigurations = 12
        public var methods: [Method] = [.hyperpower, .random, .unknownConstraints]
        /// Where to look for RAPL energy counters (settable for tests).
        public var raplRoot = URL(fileURLWithPath: "/sys/class/powercap")

        public init() {}

        func validate() throws {
            guard budget >= 1 else { throw DemoError.invalidArgument("--budget must be at least 1 (got \(budget))") }
            if let latency = latencyBudgetMicroseconds, !(latency > 0 && latency.isFinite) {
                throw DemoError.invalidArgument("--latency-budget must be a positive number of µs (got \(latency))")
            }
            guard memoryBudgetBytes > 0, memoryBudgetBytes.isFinite else {
                throw DemoError.invalidArgument("--memory-budget must be a positive number of bytes (got \(memoryBudgetBytes))")
            }
            guard epochs >= 1 else { throw DemoError.invalidArgument("--epochs must be at least 1 (got \(epochs))") }
            guard profiledConfigurations >= 3 else { throw DemoError.invalidArgument("at least 3 profiled configurations are needed") }
        }
    }

    /// What one method achieved.
    public struct MethodResult: Sendable, Codable {
        public var method: Method
        public var trials: [Trial]
        public var best: Trial?
        public var evaluations: Int
        /// Trials whose measured latency or memory broke a budget.
        public var budgetViolations: Int
        public var wallSeconds: Double
        /// Best feasible validation error after each evaluation.
        public var trajectory: [Double?]
    }

    public struct Report: Sendable, Codable {
        public var latencyBudgetMicroseconds: Double
        /// Energy per inference budget (µJ) when a CPU energy meter exists.
        public var energyBudgetMicrojoules: Double?
        public var memoryBudgetBytes: Double
        public var latencyModelCrossValidatedRMSPE: Double?
        public var energyMeter: String
        public var results: [MethodResult]
    }

    /// The search space: layers, units per layer, learning rate, batch size, weight decay.
    public static let space = try! SearchSpace {
        Integer("layers", 1...3)
        PowerOfTwo("units", 16...512)
        Real("learningRate", 1e-4...1e-1, scale: .log)
        PowerOfTwo("batchSize", 16...256)
        Real("weightDecay", 1e-6...1e-2, scale: .log)
    }

    static func hiddenLayers(_ config: Configuration) -> [Int] {
        [Int](repeating: config.integer("units"), count: config.integer("layers"))
    }

    /// Analytic model memory: fp32 weights plus the peak activations of a batch-1 inference.
    public static func memoryBytes(_ config: Configuration) -> Double {
        var network = NetworkDescription(input: TensorShape(channels: 64))
        for (index, units) in hiddenLayers(config).enumerated() {
            network.add("dense \(index)", .dense(outputs: units))
            network.add("relu \(index)", .activation)
        }
        network.add("output", .dense(outputs: DigitsDataset.classCount))
        // The description is valid by construction.
        return Double(try! AnalyticNetworkCost.analyze(network).peakInferenceBytes)
    }

    /// Features of the latency model: multiply-accumulates and layer count.
    public static func latencyFeatures(_ config: Configuration) -> [Double] {
        let sizes = [64] + hiddenLayers(config) + [DigitsDataset.classCount]
        let macs = zip(sizes, sizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
        return [Double(macs), Double(sizes.count - 1)]
    }

    /// Median batch-1 inference latency of a network on this CPU, µs.
    static func measuredLatency(_ network: MultilayerPerceptron, sample: Matrix) -> Double {
        let measurement = try! LatencyProfiler(warmUp: 10, repetitions: 101).measure { _ = network.logits(sample) }
        return measurement.median * 1e6
    }

    /// Runs the demo; `progress` receives one line per trial and the set-up messages.
    public static func run(_ settings: Settings, progress: @escaping @Sendable (String) -> Void) async throws -> Report {
        try settings.validate()
        let data = try DigitsDataset.load()
        let (training, validation) = data.split(validationFraction: 0.25, seed: 0)
        let sample = validation.images.rows([0])

        // Profile a dozen configurations' inference latency (untrained weights: latency does not
        // depend on their values) and fit the latency model.
        // Warm BLAS and the caches first: the first timed network otherwise pays for them.
        let largest = MultilayerPerceptron(layerSizes: [64, 512, 512, 512, 10], seed: 0)
        for _ in 0..<200 { _ = largest.logits(sample) }
        var generator = SeededGenerator(seed: settings.seed ^ 0x1A7E)
        var profiledConfigurations: [Configuration] = []
        var profiledLatencies: [Double] = []
        // The MLP runs on the CPU: a CPU energy meter (RAPL) can constrain its energy per inference.
        let rapl = RAPLMeter(root: settings.raplRoot)
        let energyAvailable = (try? rapl.measure {}) != nil
        var profiledEnergies: [Double] = []
        for _ in 0..<settings.profiledConfigurations {
            let config = space.decode((0..<space.encodedDimension).map { _ in generator.nextUniform() })
            let network = MultilayerPerceptron(layerSizes: [64] + hiddenLayers(config) + [10], seed: 1)
            profiledConfigurations.append(config)
            profiledLatencies.append(measuredLatency(network, sample: sample))
            if energyAvailable { profiledEnergies.append(measuredEnergy(network, sample: sample, meter: rapl)) }
        }
        let samples = try ProfiledSamples(
            featureNames: ["multiplyAccumulates", "layers"], features: profiledConfigurations.map(latencyFeatures),
            targets: profiledLatencies)
        let latencyModel = try LinearCostModel.fit(samples, crossValidationFolds: samples.count)
        let latencyBudget = settings.latencyBudgetMicroseconds ?? profiledLatencies.sorted()[profiledLatencies.count / 2]
        let rmspe = latencyModel.fitReport.crossValidation?.rootMeanSquaredPercentageError
        progress(String(format: "Latency model: %.3g µs + %.3g µs per 1,000 MACs + %.3g µs per layer, fitted on %d profiled "
                        + "configurations; leave-one-out RMSPE %.1f%%", latencyModel.intercept, 1000 * latencyModel.weights[0],
                        latencyModel.weights[1], samples.count, 100 * (rmspe ?? .nan)))
        progress(String(format: "Budgets: inference latency ≤ %.1f µs (batch of 1, this CPU; the gate keeps a 5%% margin), model memory ≤ %.0f kB",
                        latencyBudget, settings.memoryBudgetBytes / 1000))
        let meter = energyAvailable
            ? "Energy meter: RAPL (CPU package energy); energy per inference is constrained"
            : energyMeterDescription(rapl: rapl)
        progress(meter)

        var constraints: [Constraint] = [
            .known("memory", atMost: settings.memoryBudgetBytes) { memoryBytes($0) },
            // A 5% safety margin: measured latencies jitter by a few percent around the model.
            .known("latency", atMost: latencyBudget, predictedBy: latencyModel, safetyMargin: 0.05) { latencyFeatures($0) },
        ]
        var energyBudget: Double?
        if energyAvailable {
            // Energy per inference, µJ: a model on the same features, budget the profiled median.
            let energySamples = try ProfiledSamples(
                featureNames: ["multiplyAccumulates", "layers"], features: profiledConfigurations.map(latencyFeatures),
                targets: profiledEnergies)
            let energyModel = try LinearCostModel.fit(energySamples, crossValidationFolds: energySamples.count)
            let budget = profiledEnergies.sorted()[profiledEnergies.count / 2]
            energyBudget = budget
            constraints.append(.known("energy", atMost: budget, predictedBy: energyModel, safetyMargin: 0.05) { latencyFeatures($0) })
            progress(String(format: "Energy per inference ≤ %.3g µJ (model leave-one-out RMSPE %.1f%%)", budget,
                            100 * (energyModel.fitReport.crossValidation?.rootMeanSquaredPercentageError ?? .nan)))
        }
        var results: [MethodResult] = []
        for method in settings.methods {
            var optimizerSettings = OptimizerSettings()
            optimizerSettings.initialDesignSize = min(
                optimizerSettings.resolvedInitialDesignSize(dimension: space.encodedDimension), max(settings.budget / 2, 1))
            var logger = Logger(label: "hyperpower")
            logger.logLevel = .warning
            // The unaware baseline learns the constraints from the measurements told below.
            let optimizer = method.optimizer(
                space: space, constraints: constraints, seed: settings.seed, settings: optimizerSettings, logger: logger)
            let start = Date()
            var trajectory: [Double?] = []
            var best: Double?
            var violations = 0
            for evaluation in 1...settings.budget {
                let suggestion = try await optimizer.ask()
                let config = suggestion.configuration
                let trainingSettings = TrainingSettings(
                    hiddenLayers: hiddenLayers(config), learningRate: config.double("learningRate"),
                    batchSize: config.integer("batchSize"), weightDecay: config.double("weightDecay"),
                    epochs: settings.epochs, seed: settings.seed &+ UInt64(evaluation))
                let trainingStart = Date()
                let network = MultilayerPerceptron.train(
                    trainingSettings, inputs: training.images, labels: training.labels, classes: 10)
                let error = network.errorRate(validation.images, labels: validation.labels)
                let latency = measuredLatency(network, sample: sample)
                var measurements = ["latency": latency, "memory": memoryBytes(config)]
                if energyBudget != nil { measurements["energy"] = measuredEnergy(network, sample: sample, meter: rapl) }
                let trial = try await optimizer.tell(
                    suggestion.number, .success(objective: error, measurements: measurements),
                    evaluationSeconds: Date().timeIntervalSince(trainingStart))
                if !trial.isFeasible { violations += 1 } else { best = min(best ?? .infinity, error) }
                trajectory.append(best)
                let predicted = trial.predictions["latency"] ?? latencyModel.predict(latencyFeatures(config))
                progress(String(format: "[%@ %2d/%d] %d×%-3d lr %.1e batch %-3d wd %.0e → error %5.2f%%, latency %6.1f µs (predicted %6.1f), memory %4.0f kB%@ | best %@",
                                method.rawValue, evaluation, settings.budget, config.integer("layers"), config.integer("units"),
                                config.double("learningRate"), config.integer("batchSize"), config.double("weightDecay"),
                                100 * error, latency, predicted, memoryBytes(config) / 1000,
                                trial.violatedConstraints.isEmpty ? "" : " BREAKS \(trial.violatedConstraints.joined(separator: ", "))",
                                best.map { String(format: "%.2f%%", 100 * $0) } ?? "none"))
            }
            // The unaware baseline declares the constraints observed, so its trials carry no
            // prediction; the report adds the models' predictions to compare them with the others.
            let trials = await optimizer.trials.map { trial in
                var annotated = trial
                for constraint in constraints where constraint.isKnown && annotated.predictions[constraint.name] == nil {
                    annotated.predictions[constraint.name] = constraint.prediction(for: trial.configuration)
                }
                return annotated
            }
            let bestTrial = await optimizer.best.flatMap { found in trials.first { $0.number == found.number } }
            results.append(MethodResult(
                method: method, trials: trials, best: bestTrial, evaluations: trials.count,
                budgetViolations: violations, wallSeconds: Date().timeIntervalSince(start), trajectory: trajectory))
        }
        return Report(
            latencyBudgetMicroseconds: latencyBudget, energyBudgetMicrojoules: energyBudget, memoryBudgetBytes: settings.memoryBudgetBytes,
            latencyModelCrossValidatedRMSPE: rmspe, energyMeter: meter, results: results)
    }

    /// Energy of one batch-1 inference in µJ: 2,000 inferences under the meter, divided.
    static func measuredEnergy(_ network: MultilayerPerceptron, sample: Matrix, meter: RAPLMeter) -> Double {
        guard let measurement = try? meter.measure({ for _ in 0..<2_000 { _ = network.logits(sample) } }) else { return .nan }
        return measurement.energyJoules / 2_000 * 1e6
    }

    /// Why there is no energy constraint.
    static func energyMeterDescription(rapl: RAPLMeter) -> String {
        var reasons: [String] = []
        do { _ = try rapl.measure {} } catch { reasons.append("\(error)") }
        do {
            _ = try NvidiaSMIMeter(intervalMilliseconds: 20).measure {}
            reasons.append("nvidia-smi is present, but this MLP runs on the CPU, whose energy it does not measure")
        } catch {
            reasons.append("\(error)")
        }
        return "No CPU energy meter found, so no energy constraint (" + reasons.joined(separator: "; ") + ")"
    }
}


import Logging
