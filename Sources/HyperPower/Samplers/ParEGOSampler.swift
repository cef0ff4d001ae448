import Foundation
import Logging
import NumericalOptimization

/// HyperPower's sampler for several objectives: ParEGO (Knowles, IEEE TEC 2006).
///
/// At each suggestion it draws weights λ uniformly from the simplex, normalises every
/// objective (turned to be minimised) to [0, 1] over the successful trials, by default by its
/// mid-rank (Knowles used the range; ranks measured better on NAS-Bench-201, where a few
/// networks that did not learn squeeze the range — see `Docs/MultiObjective.md`), and scalarises
/// each trial by the augmented Chebyshev function
/// `s = maxᵢ λᵢ fᵢ + ρ Σᵢ λᵢ fᵢ` (ρ = 0.05). The ``ConstrainedGPSampler`` then models `s` like
/// a single objective: known constraints gate, observed ones weight by their probability of
/// feasibility, crashes by the success model, pending trials enter as fantasies. Changing
/// weights send successive suggestions to different parts of the front. With one objective
/// it is the ``ConstrainedGPSampler`` itself.
///
/// A trial that succeeded without reporting every objective is shown to the model as a
/// failure (the study records which objective was missing).
///
/// The weights follow from the study's seed and the trial's number, so a resumed study
/// suggests what the uninterrupted one would; the state journaled is the inner sampler's.
public struct ParEGOSampler: Sampler {
    /// The single-objective sampler that models the scalarised objective.
    public var inner: ConstrainedGPSampler
    /// The augmentation ρ of the Chebyshev scalarisation (Knowles: 0.05).
    public var augmentation: Double = 0.05
    /// How each objective is brought to [0, 1] before it is weighted.
    public var normalization: Normalization = .rank

    /// How objectives are normalised before scalarisation.
    public enum Normalization: String, Sendable, Codable {
        /// (f − min) / (max − min) over the successful trials (Knowles).
        case range
        /// The value's mid-rank among the successful trials, over their count: outliers (a
        /// network that did not learn) do not squeeze the interesting values together.
        case rank
    }
    let seed: UInt64

    /// A sampler whose inner ``ConstrainedGPSampler`` has these settings and seed.
    public init(settings: OptimizerSettings = OptimizerSettings(), seed: UInt64, logger: Logger = Logger(label: "hyperpower")) {
        self.inner = ConstrainedGPSampler(settings: settings, seed: seed, logger: logger)
        self.seed = seed
    }

    public var name: String { "parego" }

    /// The name of the scalarised objective the inner sampler sees.
    static let scalarisedName = "parego-scalarised"

    public mutating func suggest(_ context: SamplingContext) throws(HyperPowerError) -> SamplerProposal {
        guard context.objectives.count > 1 else { return try inner.suggest(context) }
        // Two or three measured objectives over a space the expected hypervolume improvement
        // suits (OptimizerSettings.frontAcquisition): the inner sampler models each.
        if ConstrainedGPSampler.searchesMeasuredFront(context.objectives),
           inner.settings.frontAcquisition.usesHypervolume(space: context.space) {
            return try inner.suggest(context)
        }
        var scalarised = context
        scalarised.objectives = [.minimize(Self.scalarisedName)]
        scalarised.trials = Self.scalarise(
            context.trials, objectives: context.objectives,
            weights: Self.weights(count: context.objectives.count, seed: seed, number: context.number),
            augmentation: augmentation, normalization: normalization)
        return try inner.suggest(scalarised)
    }

    public func state() throws(HyperPowerError) -> JSONValue? { try inner.state() }
    public mutating func restore(_ state: JSONValue) throws(HyperPowerError) { try inner.restore(state) }

    /// Weights uniform on the simplex (normalised exponential draws), from the seed and the
    /// trial's number.
    static func weights(count: Int, seed: UInt64, number: Int) -> [Double] {
        var generator = SeededGenerator(seed: seed ^ 0x9A7E_60C0_FFEE_D00D &+ UInt64(number) &* 0x9E37_79B9_7F4A_7C15)
        let draws = (0..<count).map { _ in -log(Double.random(in: Double.leastNormalMagnitude..<1, using: &generator)) }
        let total = draws.reduce(0, +)
        return draws.map { $0 / total }
    }

    /// The trials with each success's outcome replaced by its scalarised value.
    static func scalarise(
        _ trials: [Trial], objectives: [Objective], weights: [Double], augmentation: Double, normalization: Normalization = .rank
    ) -> [Trial] {
        func values(_ trial: Trial) -> [Double]? {
            guard trial.outcome.objective != nil else { return nil }
            var values: [Double] = []
            for objective in objectives {
                guard let value = trial.objectiveValues[objective.name], value.isFinite else { return nil }
                values.append(objective.minimized(value))
            }
            return values
        }
        let all = trials.compactMap(values)
        let lows = objectives.indices.map { i in all.map { $0[i] }.min() ?? 0 }
        let ranges = objectives.indices.map { i in
            let range = (all.map { $0[i] }.max() ?? 1) - lows[i]
            return range > 0 ? range : 1
        }
        let sortedColumns = objectives.indices.map { i in all.map { $0[i] }.sorted() }
        func normalized(_ value: Double, _ i: Int) -> Double {
            switch normalization {
            case .range: return (value - lows[i]) / ranges[i]
            case .rank:
                // Mid-rank among the values, scaled to [0, 1].
                let column = sortedColumns[i]
                guard column.count > 1 else { return 0.5 }
                let below = column.partitioningIndex { $0 >= value }, upTo = column.partitioningIndex { $0 > value }
                return (Double(below + upTo - 1) / 2) / Double(column.count - 1)
            }
        }
        return trials.map { trial in
            var scalarisedTrial = trial
            if trial.outcome.objective != nil {
                if let values = values(trial) {
                    let weighted = values.indices.map { weights[$0] * normalized(values[$0], $0) }
                    let value = weighted.max()! + augmentation * weighted.reduce(0, +)
                    scalarisedTrial.outcome = .success(objective: value)
                    scalarisedTrial.objectiveValues = [scalarisedName: value]
                } else {
                    let missing = objectives.first { trial.objectiveValues[$0.name]?.isFinite != true }!.name
                    scalarisedTrial.outcome = .failed(message: "objective '\(missing)' was not reported")
                    scalarisedTrial.objectiveValues = [:]
                }
            }
            return scalarisedTrial
        }
    }
}

extension ConstrainedGPSampler {
    /// HyperPower's model-based sampler for these objectives: the ``ConstrainedGPSampler`` for
    /// one, and for one measured objective followed by one or two known ones (its acquisition
    /// is then the expected hypervolume improvement at the known costs); ``ParEGOSampler`` for
    /// several measured ones (which hands two or three of them to its inner sampler's expected
    /// hypervolume improvement over a GP each where ``OptimizerSettings/frontAcquisition`` says so).
    public static func forObjectives(
        _ objectives: [Objective], settings: OptimizerSettings, seed: UInt64, logger: Logger
    ) -> any Sampler {
        objectives.count > 1 && !searchesKnownCostFront(objectives)
            ? ParEGOSampler(settings: settings, seed: seed, logger: logger)
            : ConstrainedGPSampler(settings: settings, seed: seed, logger: logger)
    }
}

extension Array where Element == Double {
    /// The first index whose element satisfies `belongs` in an array where it holds for a suffix.
    fileprivate func partitioningIndex(where belongs: (Double) -> Bool) -> Int {
        var (low, high) = (0, count)
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
