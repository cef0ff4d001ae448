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
        /// Wall-clock seconds each method gets per seed (suggestions, trainings and
        /// measurements all count; an evaluation in flight when it runs out is finished).
        public var secondsPerMethod: Double = 15
        /// An optional cap on evaluations per method and seed (`nil`: the time budget alone).
        public var maximumEvaluations: Int?
        /// Seeds: each runs every method once (optimisers, training and fold assignment).
        public var seeds: [UInt64] = [0, 1, 2]
        /// Cross-validation folds over all 1,797 digits: the validation error of a
        /// configuration counts every digit once (one digit is 0.056%).
        public var folds = 5
        /// Inference latency budget (a batch of 32) in µs; `nil`: the median latency of the
        /// profiled configurations on this machine.
        public var latencyBudgetMicroseconds: Double?
        /// Model memory budget (fp32 weights + peak inference activations) in bytes.
        public var memoryBudgetBytes: Double = 1_000_000
        /// Training epochs (fixed).
        public var epochs = 15
        /// Configurations profiled to fit the latency model.
        public var profiledConfigurations = 24
        public var methods: [Method] = [.hyperpower, .random, .unknownConstraints]
        /// Where to look for RAPL energy counters (settable for tests).
        public var raplRoot = URL(fileURLWithPath: "/sys/class/powercap")

        public init() {}

        func validate() throws {
            guard secondsPerMethod > 0, secondsPerMethod.isFinite else {
                throw DemoError.invalidArgument("--seconds must be a positive number of seconds (got \(secondsPerMethod))")
            }
            if let maximumEvaluations, maximumEvaluations < 1 {
                throw DemoError.invalidArgument("--max-evaluations must be at least 1 (got \(maximumEvaluations))")
            }
            guard !seeds.isEmpty else { throw DemoError.invalidArgument("give at least one seed") }
            guard (2...10).contains(folds) else { throw DemoError.invalidArgument("--folds must be 2–10 (got \(folds))") }
            if let latency = latencyBudgetMicroseconds, !(latency > 0 && latency.isFinite) {
                throw DemoError.invalidArgument("--latency-budget must be a positive number of µs (got \(latency))")
            }
            guard memoryBudgetBytes > 0, memoryBudgetBytes.isFinite else {
                throw DemoError.invalidArgument("--memory-budget must be a positive number of bytes (got \(memoryBudgetBytes))")
            }
            guard epochs >= 1 else { throw DemoError.invalidArgument("--epochs must be at least 1 (got \(epochs))") }
            guard profiledConfigurations >= 3 else { throw DemoError.invalidArgument("at least 3 profiled configurations are needed") }
            guard !methods.isEmpty else { throw DemoError.invalidArgument("give at least one method") }
        }
    }

    /// What one method achieved with one seed.
    public struct MethodResult: Sendable, Codable {
        public var method: Method
        public var seed: UInt64
        public var trials: [Trial]
        public var best: Trial?
        public var evaluations: Int
        /// Trainings whose measured latency or memory broke a budget.
        public var budgetViolations: Int
        /// Seconds the method ran (its wall-clock budget, or less when the evaluation cap ended it).
        public var wallSeconds: Double
        /// Best feasible cross-validated error after each evaluation.
        public var trajectory: [Double?]
        /// Seconds since the method started when each evaluation ended.
        public var times: [Double]
        /// Trainings stopped by the end of the wall-clock budget (not counted as evaluations).
        public var unfinished: Int = 0

        /// Seconds until the best feasible error first reached `target` (`nil`: never).
        public func secondsToReach(_ target: Double) -> Double? {
            zip(trajectory, times).first { best, _ in best.map { $0 <= target + 1e-12 } ?? false }?.1
        }

        /// (seconds, best) at each improvement, and at the end.
        public var bestAgainstTime: [(Double, Double)] {
            var points: [(Double, Double)] = []
            for (best, time) in zip(trajectory, times) {
                guard let best else { continue }
                if points.last.map({ best < $0.1 }) ?? true { points.append((time, best)) }
            }
            if let last = points.last, let end = times.last, end > last.0 { points.append((end, last.1)) }
            return points
        }
    }

    /// HyperPower against the constraint-unaware baseline on one seed: how soon HyperPower
    /// reached the baseline's final best error, and how many evaluations each completed.
    public struct Comparison: Sendable, Codable {
        public var seed: UInt64
        /// The baseline's final best feasible error and when it first reached it.
        public var baselineBest: Double?
        public var baselineSeconds: Double?
        /// When HyperPower first reached that error (`nil`: it did not).
        public var hyperpowerSeconds: Double?
        /// baselineSeconds / hyperpowerSeconds.
        public var speedup: Double? {
            guard let baselineSeconds, let hyperpowerSeconds, hyperpowerSeconds > 0 else { return nil }
            return baselineSeconds / hyperpowerSeconds
        }
        public var hyperpowerEvaluations: Int
        public var baselineEvaluations: Int
        /// Evaluations per minute, HyperPower's over the baseline's (the same wall clock).
        public var evaluationRateRatio: Double {
            Double(hyperpowerEvaluations) / Double(max(baselineEvaluations, 1))
        }
    }

    public struct Report: Sendable, Codable {
        public var latencyBudgetMicroseconds: Double
        /// Energy per batch inference budget (µJ) when a CPU energy meter exists.
        public var energyBudgetMicrojoules: Double?
        public var memoryBudgetBytes: Double
        public var latencyModelCrossValidatedRMSPE: Double?
        public var energyMeter: String
        public var secondsPerMethod: Double
        public var folds: Int
        public var seeds: [UInt64]
        /// The share of the search space the gate admits (every known constraint together).
        public var admittedShare: Double
        public var admittedShares: [String: Double]
        public var results: [MethodResult]

        /// One method's results, seed by seed.
        public func results(of method: Method) -> [MethodResult] { results.filter { $0.method == method } }

        /// The median over seeds of a method's best feasible error (`nil` if a seed found none).
        public func medianBest(of method: Method) -> Double? {
            let bests = results(of: method).map { $0.best?.outcome.objective }
            guard !bests.isEmpty, bests.allSatisfy({ $0 != nil }) else { return nil }
            return median(bests.map { $0! })
        }

        /// HyperPower against the unaware baseline, seed by seed (when both ran).
        public var comparisons: [Comparison] {
            seeds.compactMap { seed in
                guard let ours = results.first(where: { $0.method == .hyperpower && $0.seed == seed }),
                      let baseline = results.first(where: { $0.method == .unknownConstraints && $0.seed == seed }) else { return nil }
                let target = baseline.best?.outcome.objective
                return Comparison(
                    seed: seed, baselineBest: target, baselineSeconds: target.flatMap(baseline.secondsToReach),
                    hyperpowerSeconds: target.flatMap(ours.secondsToReach), hyperpowerEvaluations: ours.evaluations,
                    baselineEvaluations: baseline.evaluations)
            }
        }

        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
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

    /// The inference batch whose latency is constrained: large enough that the multiply-adds,
    /// not call overheads, set the latency, so that a linear model of them predicts it.
    public static let latencyBatch = 32

    /// Median inference latency of a network for a batch of ``latencyBatch`` on this CPU, µs.
    static func measuredLatency(_ network: MultilayerPerceptron, sample: Matrix) -> Double {
        let measurement = try! LatencyProfiler(warmUp: 5, repetitions: 31).measure { _ = network.logits(sample) }
        return measurement.median * 1e6
    }

    /// Runs the demo; `progress` receives one line per trial and the set-up messages.
    public static func run(_ settings: Settings, progress: @escaping @Sendable (String) -> Void) async throws -> Report {
        try settings.validate()
        let data = try DigitsDataset.load()
        let sample = data.images.rows(Array(0..<latencyBatch))

        // Profile a dozen configurations' inference latency (untrained weights: latency does not
        // depend on their values) and fit the latency model.
        // Warm BLAS and the caches first: the first timed network otherwise pays for them.
        let largest = MultilayerPerceptron(layerSizes: [64, 512, 512, 512, 10], seed: 0)
        for _ in 0..<200 { _ = largest.logits(sample) }
        var generator = SeededGenerator(seed: settings.seeds[0] ^ 0x1A7E)
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
        progress(String(format: "Budgets: inference latency ≤ %.1f µs (a batch of 32, this CPU; the gate keeps a 5%% margin), model memory ≤ %.0f kB",
                        latencyBudget, settings.memoryBudgetBytes / 1000))
        let meter = energyAvailable
            ? "Energy meter: RAPL (CPU package energy); energy per inference is constrained"
            : energyMeterDescription(rapl: rapl)
        progress(meter)

        var constraints: [Constraint] = [
            .known("memory", atMost: settings.memoryBudgetBytes) { memoryBytes($0) },
            // A 5% safety margin: measured latencies jitter by a few percent around the model. The
            // model was fitted on untrained networks measured back to back; measured after a
            // training, large networks run slower than it predicts. Calibrated: the optimiser
            // learns that error from the trials' measured latencies (random search keeps the
            // model's gate).
            .known("latency", atMost: latencyBudget, predictedBy: latencyModel, safetyMargin: 0.05) { latencyFeatures($0) }
                .calibrated(),
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
        let region = KnownFeasibleRegion(space: space, constraints: constraints)
        let shares = region.admittedShares()
        progress(String(format: "The budgets admit %.1f%% of the search space (memory alone %.1f%%, latency alone %.1f%%)",
                        100 * shares.all, 100 * (shares.byConstraint["memory"] ?? .nan), 100 * (shares.byConstraint["latency"] ?? .nan)))
        let folds = crossValidationFolds(data, folds: settings.folds)
        var results: [MethodResult] = []
        for seed in settings.seeds {
            for method in settings.methods {
                let result = try await runMethod(
                    method, seed: seed, settings: settings, constraints: constraints, folds: folds, sample: sample,
                    energyMeter: energyBudget != nil ? rapl : nil, progress: progress)
                results.append(result)
                let best = result.best?.outcome.objective.map { String(format: "%.2f%%", 100 * $0) } ?? "none"
                progress(String(format: "seed %llu, %@: %d evaluations in %.1f s, %d over a budget, best %@", seed, method.rawValue,
                                result.evaluations, result.wallSeconds, result.budgetViolations, best))
            }
        }
        return Report(
            latencyBudgetMicroseconds: latencyBudget, energyBudgetMicrojoules: energyBudget, memoryBudgetBytes: settings.memoryBudgetBytes,
            latencyModelCrossValidatedRMSPE: rmspe, energyMeter: meter, secondsPerMethod: settings.secondsPerMethod,
            folds: settings.folds, seeds: settings.seeds, admittedShare: shares.all, admittedShares: shares.byConstraint,
            results: results)
    }

    /// The training and validation sets of k-fold cross-validation (a seeded shuffle, then k
    /// nearly equal folds).
    static func crossValidationFolds(_ data: DigitsDataset, folds: Int) -> [(training: DigitsDataset, validation: DigitsDataset)] {
        var generator = SeededGenerator(seed: 0xF01D)
        var order = Array(0..<data.count)
        for k in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(k, Int(generator.nextUniform() * Double(k + 1)) % (k + 1))
        }
        return (0..<folds).map { fold in
            let validation = order.enumerated().filter { $0.offset % folds == fold }.map(\.element)
            let training = order.enumerated().filter { $0.offset % folds != fold }.map(\.element)
            return (data.subset(training), data.subset(validation))
        }
    }

    /// One method, one seed, until its wall-clock budget runs out.
    static func runMethod(
        _ method: Method, seed: UInt64, settings: Settings, constraints: [Constraint],
        folds: [(training: DigitsDataset, validation: DigitsDataset)], sample: Matrix, energyMeter: RAPLMeter?,
        progress: @escaping @Sendable (String) -> Void
    ) async throws -> MethodResult {
        var optimizerSettings = OptimizerSettings()
        // d + 1 space-filling points: a 15-second budget holds about 20 evaluations, and the
        // library's default (2(d + 1) = 12) would leave the model few of them.
        optimizerSettings.initialDesignSize = space.encodedDimension + 1
        var logger = Logger(label: "hyperpower")
        logger.logLevel = .warning
        // The unaware baseline learns the constraints from the measurements told below.
        let optimizer = method.optimizer(space: space, constraints: constraints, seed: seed, settings: optimizerSettings, logger: logger)
        let start = Date()
        var trajectory: [Double?] = []
        var times: [Double] = []
        var best: Double?
        var violations = 0
        var evaluation = 0
        let validationCount = folds.reduce(0) { $0 + $1.validation.count }
        let deadline = start.addingTimeInterval(settings.secondsPerMethod)
        var unfinished = 0
        while Date() < deadline && evaluation < (settings.maximumEvaluations ?? .max) {
            evaluation += 1
            let suggestion = try await optimizer.ask()
            let config = suggestion.configuration
            let trainingSettings = TrainingSettings(
                hiddenLayers: hiddenLayers(config), learningRate: config.double("learningRate"),
                batchSize: config.integer("batchSize"), weightDecay: config.double("weightDecay"),
                epochs: settings.epochs, seed: seed)
            let trainingStart = Date()
            var misclassified = 0.0
            var network: MultilayerPerceptron?
            var cut = false
            for fold in folds {
                // The same wall clock for every method: a training still running when it ends is
                // stopped, and its evaluation does not count.
                guard let trained = MultilayerPerceptron.train(
                    trainingSettings, inputs: fold.training.images, labels: fold.training.labels, classes: 10, until: deadline)
                else { cut = true; break }
                misclassified += trained.errorRate(fold.validation.images, labels: fold.validation.labels) * Double(fold.validation.count)
                network = network ?? trained
            }
            if cut {
                unfinished += 1
                break
            }
            let error = misclassified / Double(validationCount)
            let latency = measuredLatency(network!, sample: sample)
            var measurements = ["latency": latency, "memory": memoryBytes(config)]
            if let energyMeter { measurements["energy"] = measuredEnergy(network!, sample: sample, meter: energyMeter) }
            let trial = try await optimizer.tell(
                suggestion.number, .success(objective: error, measurements: measurements),
                evaluationSeconds: Date().timeIntervalSince(trainingStart))
            if !trial.isFeasible { violations += 1 } else { best = min(best ?? .infinity, error) }
            trajectory.append(best)
            times.append(Date().timeIntervalSince(start))
            progress(String(format: "[seed %llu %@ %5.1f s] %d×%-3d lr %.1e batch %-3d wd %.0e → error %5.2f%%, latency %6.1f µs, memory %4.0f kB%@ | best %@",
                            seed, method.rawValue, times.last!, config.integer("layers"), config.integer("units"),
                            config.double("learningRate"), config.integer("batchSize"), config.double("weightDecay"),
                            100 * error, latency, memoryBytes(config) / 1000,
                            trial.violatedConstraints.isEmpty ? "" : " BREAKS \(trial.violatedConstraints.joined(separator: ", "))",
                            best.map { String(format: "%.2f%%", 100 * $0) } ?? "none"))
        }
        let wall = min(Date().timeIntervalSince(start), settings.secondsPerMethod)
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
        return MethodResult(
            method: method, seed: seed, trials: trials, best: bestTrial, evaluations: trials.count, budgetViolations: violations,
            wallSeconds: wall, trajectory: trajectory, times: times, unfinished: unfinished)
    }

    /// Energy of one batch inference in µJ: 200 inferences under the meter, divided.
    static func measuredEnergy(_ network: MultilayerPerceptron, sample: Matrix, meter: RAPLMeter) -> Double {
        guard let measurement = try? meter.measure({ for _ in 0..<200 { _ = network.logits(sample) } }) else { return .nan }
        return measurement.energyJoules / 200 * 1e6
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
