import Foundation
import HardwareModels
import HyperPower
import Logging

/// Accuracy against latency on NAS-Bench-201, one seed: HyperPower's multi-objective samplers
/// — ParEGO over the constrained GP sampler with the latency measured, and the expected
/// hypervolume improvement with the latency a *known* objective (the linear model's
/// prediction, no GP for it) — against random search, all searching the front of
/// CIFAR-10 accuracy (maximised) and the device's measured latency (minimised) under an
/// optional hard latency budget that a linear model fitted on profiled cells gates (calibrated
/// by the measured latencies for HyperPower, as in ``NASExperiment``). Each run's front is
/// judged by its hypervolume against the true front of the table's cells.
public struct NASFrontExperiment: Sendable {
    public var bench: NASBench201
    public var device: String
    /// A hard budget on the latency (ms), or `nil` for the whole front.
    public var latencyBudgetMilliseconds: Double?
    public var evaluations: Int
    public var profiledCells: Int
    /// The hypervolume's reference point: cells below this accuracy (%) add nothing.
    public var referenceAccuracy: Double
    /// Whether the known-latency method's latency is the table's (a lookup table of measured
    /// latencies) rather than the linear model's prediction.
    public var knownLatencyFromTable: Bool
    /// The models and the acquisition of HyperPower's methods.
    public var settings: OptimizerSettings = OptimizerSettings()
    /// Whether HyperPower's gate is calibrated by the measured latency (else the model alone gates).
    public var calibrated = true
    /// δ of the calibrated gate.
    public var violationProbability = Constraint.Calibration.defaultViolationProbability

    public init(
        bench: NASBench201, device: String, latencyBudgetMilliseconds: Double?, evaluations: Int, profiledCells: Int = 50,
        referenceAccuracy: Double = 80, knownLatencyFromTable: Bool = false
    ) {
        self.knownLatencyFromTable = knownLatencyFromTable
        self.bench = bench
        self.device = device
        self.latencyBudgetMilliseconds = latencyBudgetMilliseconds
        self.evaluations = evaluations
        self.profiledCells = profiledCells
        self.referenceAccuracy = referenceAccuracy
    }

    public static let objectives: [Objective] = [.maximize("accuracy"), .minimize("latency")]

    public struct MethodRun: Codable, Sendable {
        public var method: String
        public var evaluations: Int
        /// Trials whose true latency broke the budget.
        public var trueBudgetViolations: Int
        /// Trials on the run's Pareto front (feasible by the table).
        public var frontSize: Int
        public var hypervolume: Double
        /// The hypervolume over the true front's.
        public var hypervolumeRatio: Double
        /// The hypervolume ratio after each evaluation.
        public var ratioTrajectory: [Double]
        /// (accuracy %, latency ms) of the run's front: the truly-within-budget cells it
        /// evaluated that no other such cell beats in both.
        public var front: [[Double]]? = nil
    }

    public struct SeedReport: Codable, Sendable {
        public var seed: UInt64
        /// (accuracy %, latency ms) of the true front within the budget and the reference.
        public var trueFront: [[Double]]
        public var trueHypervolume: Double
        public var referenceLatency: Double
        public var runs: [MethodRun]
    }

    /// The reference latency: the budget, else the slowest cell on the device.
    public var referenceLatency: Double {
        latencyBudgetMilliseconds ?? bench.architectures.compactMap { $0.latencies[device] }.max()!
    }

    /// The true front of the table: cells within the budget, as minimised (−accuracy, latency).
    public func trueFront() -> [[Double]] {
        let points = bench.architectures.compactMap { cell -> [Double]? in
            guard let latency = cell.latencies[device], latency <= referenceLatency else { return nil }
            return [-cell.accuracy, latency]
        }
        return Pareto.nondominated(points).map { points[$0] }
    }

    public func run(seed: UInt64) async throws -> SeedReport {
        let (bench, device) = (self.bench, self.device)
        let reference = [-referenceAccuracy, referenceLatency]
        let front = trueFront()
        let trueHypervolume = try Pareto.hypervolume(front, reference: reference)
        let operations = NASBench201.operationNames
        let space = try SearchSpace(parameters: NASBench201.edgeNames.map { .categorical(name: $0, choices: operations) })
        let cellOf: @Sendable (Configuration) -> NASBench201.Architecture = { config in
            bench.architecture(operations: NASBench201.edgeNames.map { operations.firstIndex(of: config.string($0))! })!
        }
        let objective: @Sendable (Configuration) async throws -> Evaluation = { config in
            let cell = cellOf(config)
            let latency = cell.latencies[device]!
            return .success(objective: cell.accuracy, measurements: ["latency": latency, "measured latency": latency])
        }
        var hyperPowerConstraints: [Constraint] = [], randomConstraints: [Constraint] = []
        let connected = bench.architectures.filter { NASBench201.isConnected($0.operations) }.map(\.index)
        var shuffle = SplitShuffle(seed: seed)
        let profiled = Array(shuffle.shuffled(connected).prefix(profiledCells))
        let model = try LinearCostModel.fit(
            try bench.latencySamples(device: device, features: .oneHot, indices: profiled), crossValidationFolds: nil)
        let fromTable = knownLatencyFromTable
        let predictLatency: @Sendable (Configuration) -> Double = { config in
            fromTable ? cellOf(config).latencies[device]! : model.predict(NASBench201.oneHotFeatures(cellOf(config).operations))
        }
        if let budget = latencyBudgetMilliseconds {
            let predicted = Constraint.known("predicted latency", atMost: budget, predictedBy: model) { config in
                NASBench201.oneHotFeatures(cellOf(config).operations)
            }
            hyperPowerConstraints = [
                calibrated ? predicted.calibrated(by: "measured latency", violationProbability: violationProbability) : predicted]
            randomConstraints = [predicted]
        }
        let knownObjectives: [Objective] = [.maximize("accuracy"), .minimize("latency", predictedBy: predictLatency)]
        var logger = Logger(label: "hyperpower")
        logger.logLevel = .warning
        let methods: [(String, BayesianOptimizer)] = [
            ("hyperpower", Method.hyperpower.optimizer(
                space: space, constraints: hyperPowerConstraints, objectives: Self.objectives, seed: seed, settings: settings,
                logger: logger, objective: objective)),
            ("hyperpower, known latency", Method.hyperpower.optimizer(
                space: space, constraints: hyperPowerConstraints, objectives: knownObjectives, seed: seed, settings: settings,
                logger: logger, objective: objective)),
            ("random", Method.random.optimizer(
                space: space, constraints: randomConstraints, objectives: Self.objectives, seed: seed, logger: logger,
                objective: objective)),
        ]
        var runs: [MethodRun] = []
        for (name, optimizer) in methods {
            let result = try await optimizer.run(budget: .evaluations(evaluations))
            // Judged by the table: a trial counts when its true latency is within the reference.
            var points: [[Double]] = []
            var trajectory: [Double] = []
            var violations = 0
            for trial in result.trials {
                let cell = cellOf(trial.configuration)
                let latency = cell.latencies[device]!
                if let budget = latencyBudgetMilliseconds, latency > budget { violations += 1 }
                if latency <= referenceLatency { points.append([-cell.accuracy, latency]) }
                trajectory.append(try Pareto.hypervolume(points, reference: reference) / trueHypervolume)
            }
            let hypervolume = try Pareto.hypervolume(points, reference: reference)
            let runFront = Pareto.nondominated(points).map { [-points[$0][0], points[$0][1]] }.sorted { $0[1] < $1[1] }
            runs.append(MethodRun(
                method: name, evaluations: result.trials.count, trueBudgetViolations: violations,
                frontSize: runFront.count, hypervolume: hypervolume,
                hypervolumeRatio: hypervolume / trueHypervolume, ratioTrajectory: trajectory, front: runFront))
        }
        return SeedReport(
            seed: seed, trueFront: front.filter { -$0[0] > referenceAccuracy }.map { [-$0[0], $0[1]] }, trueHypervolume: trueHypervolume,
            referenceLatency: referenceLatency, runs: runs)
    }
}
