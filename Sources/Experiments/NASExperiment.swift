import Foundation
import HardwareModels
import HyperPower
import Logging

/// Hardware-aware architecture search on NAS-Bench-201, one seed: profile random cells on a
/// device, fit a linear latency model on one-hot cell features, and compare HyperPower (the
/// model gates), random search behind the same gate, and random search behind the true
/// latencies (an oracle). Violations and accuracies are judged by the table, not the model.
public struct NASExperiment: Sendable {
    public var bench: NASBench201
    public var device: String
    public var latencyBudgetMilliseconds: Double
    public var evaluations: Int
    public var profiledCells: Int
    public var initialDesignSize: Int?
    /// HyperPower also learns the measured latency as an observed constraint.
    public var observedLatency: Bool
    /// HyperPower's latency constraint is calibrated by the measured latency
    /// (`Constraint.calibrated(by:)`): the gate learns the model's error.
    public var calibrated: Bool
    /// δ of the calibrated gate.
    public var violationProbability: Double
    /// HyperPower profiles the cells its calibrated gate is unsure of (the table's latency as
    /// the profiler) before training them.
    public var profileOnDemand: Bool
    /// The declared cost of a profile relative to an evaluation (`Constraint.Calibration.profilingCost`).
    public var profilingCost: Double?
    public var targetAccuracy: Double?

    public init(
        bench: NASBench201, device: String, latencyBudgetMilliseconds: Double, evaluations: Int, profiledCells: Int,
        initialDesignSize: Int? = nil, observedLatency: Bool = false, calibrated: Bool = true,
        violationProbability: Double = Constraint.Calibration.defaultViolationProbability, profileOnDemand: Bool = false,
        profilingCost: Double? = nil, targetAccuracy: Double? = nil
    ) {
        self.profilingCost = profilingCost
        self.profileOnDemand = profileOnDemand
        self.calibrated = calibrated
        self.violationProbability = violationProbability
        self.bench = bench
        self.device = device
        self.latencyBudgetMilliseconds = latencyBudgetMilliseconds
        self.evaluations = evaluations
        self.profiledCells = profiledCells
        self.initialDesignSize = initialDesignSize
        self.observedLatency = observedLatency
        self.targetAccuracy = targetAccuracy
    }

    public struct MethodRun: Codable, Sendable {
        public var method: String
        public var bestFeasibleAccuracy: Double?
        public var evaluations: Int
        public var trueBudgetViolations: Int
        /// Cells profiled (latency measured without training) by the calibrated gate.
        public var profiles: Int
        /// First evaluation (1-based) whose best truly feasible accuracy reaches HyperPower's final one.
        public var evaluationsToReachHyperPower: Int?
        /// First evaluation (1-based) whose best truly feasible accuracy reaches the target accuracy.
        public var evaluationsToReachTarget: Int?
        /// Best truly feasible accuracy after each evaluation (nil before the first).
        public var trajectory: [Double?]
    }

    public struct SeedReport: Codable, Sendable {
        public var seed: UInt64
        public var trueBestFeasibleAccuracy: Double
        public var feasibleCells: Int
        public var latencyModelHeldOutRMSPE: Double
        public var runs: [MethodRun]
    }

    /// Runs the three methods for one seed.
    public func run(seed: UInt64) async throws -> SeedReport {
        let (bench, device, budgetMs) = (self.bench, self.device, latencyBudgetMilliseconds)
        let connected = bench.architectures.filter { NASBench201.isConnected($0.operations) }.map(\.index)
        var shuffle = SplitShuffle(seed: seed)
        let profiled = Array(shuffle.shuffled(connected).prefix(profiledCells))
        let samples = try bench.latencySamples(device: device, features: .oneHot, indices: profiled)
        let model = try LinearCostModel.fit(samples, crossValidationFolds: nil)
        let heldOut = try bench.latencySamples(
            device: device, features: .oneHot, indices: connected.filter { !Set(profiled).contains($0) })
        let feasible = bench.architectures.filter { $0.latencies[device]! <= budgetMs }

        let operations = NASBench201.operationNames
        let space = try SearchSpace(parameters: NASBench201.edgeNames.map { .categorical(name: $0, choices: operations) })
        let cellOf: @Sendable (Configuration) -> NASBench201.Architecture = { config in
            bench.architecture(operations: NASBench201.edgeNames.map { operations.firstIndex(of: config.string($0))! })!
        }
        let objective: @Sendable (Configuration) async throws -> Evaluation = { config in
            let cell = cellOf(config)
            return .success(objective: 100 - cell.accuracy, measurements: ["measured latency": cell.latencies[device]!])
        }
        let predicted = Constraint.known("latency", atMost: budgetMs, predictedBy: model) { config in
            NASBench201.oneHotFeatures(cellOf(config).operations)
        }
        let exact = Constraint.known("latency", atMost: budgetMs) { cellOf($0).latencies[device]! }
        var logger = Logger(label: "hyperpower")
        logger.logLevel = .warning
        let profiler: (@Sendable (Configuration) async throws -> Double)? =
            profileOnDemand ? { @Sendable config in cellOf(config).latencies[device]! } : nil
        var hyperPowerConstraints = [
            calibrated || profileOnDemand
                ? predicted.calibrated(
                    by: "measured latency", violationProbability: violationProbability, profiler: profiler,
                    profilingCost: profileOnDemand ? profilingCost : nil)
                : predicted,
        ]
        if observedLatency { hyperPowerConstraints.append(.observed("measured latency", atMost: budgetMs)) }
        let methods: [(String, BayesianOptimizer)] = [
            ("hyperpower", Method.hyperpower.optimizer(
                space: space, constraints: hyperPowerConstraints, seed: seed,
                settings: OptimizerSettings(initialDesignSize: initialDesignSize), logger: logger, objective: objective)),
            ("random", Method.random.optimizer(space: space, constraints: [predicted], seed: seed, logger: logger, objective: objective)),
            ("exact-random", Method.random.optimizer(space: space, constraints: [exact], seed: seed, logger: logger, objective: objective)),
        ]
        var runs: [MethodRun] = []
        for (name, optimizer) in methods {
            let result = try await optimizer.run(budget: .evaluations(evaluations))
            let accuracies = result.trials.map { trial -> Double? in
                let cell = cellOf(trial.configuration)
                return cell.latencies[device]! <= budgetMs ? cell.accuracy : nil
            }
            let trajectory = Trajectory.bestSoFar(accuracies, direction: .maximize)
            runs.append(MethodRun(
                method: name, bestFeasibleAccuracy: trajectory.last ?? nil, evaluations: result.trials.count,
                trueBudgetViolations: accuracies.filter { $0 == nil }.count, profiles: result.profiles.count,
                evaluationsToReachHyperPower: nil,
                evaluationsToReachTarget: targetAccuracy.flatMap {
                    Trajectory.evaluationsToReach($0, in: trajectory, direction: .maximize)
                },
                trajectory: trajectory))
        }
        if let target = runs[0].bestFeasibleAccuracy {
            for k in runs.indices {
                runs[k].evaluationsToReachHyperPower = Trajectory.evaluationsToReach(target, in: runs[k].trajectory, direction: .maximize)
            }
        }
        return SeedReport(
            seed: seed, trueBestFeasibleAccuracy: feasible.map(\.accuracy).max() ?? 0, feasibleCells: feasible.count,
            latencyModelHeldOutRMSPE: model.evaluate(on: heldOut).rootMeanSquaredPercentageError, runs: runs)
    }
}
