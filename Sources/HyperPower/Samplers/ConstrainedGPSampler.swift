import Foundation
import Logging

/// HyperPower's sampler: constrained Bayesian optimisation inside the known-feasible region.
///
/// First the space-filling design (``SpaceFillingDesign``). Then, for each suggestion: GPs for
/// the objective (successful trials, through a fitted power transform), for each observed
/// constraint (scaled bilog of the signed distance to the bound) and, once something failed,
/// for success/failure; pending trials enter every model as fantasies (kriging believer);
/// `log EI + Σ log PoF` is maximised inside the known-feasible region
/// (`AcquisitionMaximizer`), rounded and de-duplicated. A fit that fails falls back to the
/// previous hyper-parameters, then to a random feasible point; the failure is logged.
public struct ConstrainedGPSampler: Sampler {
    /// Models, fits and the maximiser.
    public var settings: OptimizerSettings
    let seed: UInt64
    let logger: Logger
    /// The initial design; its generator also draws this sampler's random fallbacks.
    var design: SpaceFillingDesign
    var warmStarts: [String: GaussianProcessHyperparameters] = [:]
    var fitCounts: [String: Int] = [:]
    /// Parameters of the space being modelled (the lengthscale prior counts them).
    var parameterCountHint: Int?
    /// Per encoded column: what it encodes (a real parameter, a one-hot column of a
    /// categorical, an integer, a power of two or an ordinal).
    var columnKinds: [ColumnKind]?
    /// Whether this sampler said that it searches only the first of a front's objectives.
    var warnedFirstObjectiveOnly = false

    enum ColumnKind { case real, oneHot, ordered }

    /// What each of a space's encoded columns encodes.
    static func columnKinds(of space: SearchSpace) -> [ColumnKind] {
        space.parameters.flatMap { parameter -> [ColumnKind] in
            switch parameter {
            case .real: return [.real]
            case let .categorical(_, choices): return Array(repeating: .oneHot, count: choices.count)
            case .integer, .powerOfTwo, .ordinal: return [.ordered]
            }
        }
    }

    /// A sampler with these model settings; `seed` drives its design, fits and maximiser.
    public init(settings: OptimizerSettings = OptimizerSettings(), seed: UInt64, logger: Logger = Logger(label: "hyperpower")) {
        self.settings = settings
        self.seed = seed
        self.logger = logger
        self.design = SpaceFillingDesign(size: settings.initialDesignSize, seed: seed)
        design.duplicateTolerance = settings.maximizer.duplicateTolerance
    }

    public var name: String { "bayesian" }

    public mutating func suggest(_ context: SamplingContext) throws(HyperPowerError) -> SamplerProposal {
        if let point = try design.nextPoint(context) {
            // Before any model, every profiled constraint is unsure.
            let profiled = context.constraints.filter { $0.calibration?.profiler != nil }.map(\.name)
            return SamplerProposal(configuration: context.space.decode(point), source: .initialDesign, profile: profiled)
        }
        var corrections: [String: CostCorrection] = [:]
        let (point, source) = try modelSuggestion(context, corrections: &corrections)
        let configuration = context.space.decode(point)
        return SamplerProposal(
            configuration: configuration, source: source,
            profile: Self.unsureConstraints(configuration, at: point, context: context, corrections: corrections),
            predictionIntervals: Self.intervals(configuration, at: point, context: context, corrections: corrections))
    }

    /// Each corrected constraint's median and central `1 − 2δ` interval at a point, δ its
    /// calibration's violation probability.
    static func intervals(
        _ configuration: Configuration, at point: [Double], context: SamplingContext, corrections: [String: CostCorrection]
    ) -> [String: PredictionInterval] {
        var intervals: [String: PredictionInterval] = [:]
        for constraint in context.constraints {
            guard let calibration = constraint.calibration, var correction = corrections[constraint.name],
                  let prediction = constraint.prediction(for: configuration), prediction.isFinite else { continue }
            correction.violationProbability = calibration.violationProbability
            let interval = correction.interval(prediction: prediction, at: point)
            // A residual model that could not predict gives an unbounded interval: not one to
            // record (the journal keeps finite numbers only).
            guard interval.lower.isFinite, interval.mean.isFinite, interval.upper.isFinite else { continue }
            intervals[constraint.name] = PredictionInterval(
                lower: interval.lower, median: interval.mean, upper: interval.upper,
                violationProbability: calibration.violationProbability, measurement: calibration.measurement)
        }
        return intervals
    }

    /// The calibrated constraints with a profiler that a configuration breaks with probability
    /// above their ``Constraint/Calibration/profilingThreshold`` under their corrections (all
    /// of them while a correction is missing).
    static func unsureConstraints(
        _ configuration: Configuration, at point: [Double], context: SamplingContext, corrections: [String: CostCorrection]
    ) -> [String] {
        context.constraints.filter { constraint in
            guard let calibration = constraint.calibration, calibration.profiler != nil else { return false }
            guard let correction = corrections[constraint.name], let prediction = constraint.prediction(for: configuration)
            else { return true }
            let probability = correction.probabilityOfMeeting(
                constraint.gateBound, prediction: prediction, at: point, direction: constraint.direction)
            return 1 - probability > calibration.profilingThreshold
        }.map(\.name)
    }

    public func state() throws(HyperPowerError) -> JSONValue? {
        do { return try JSONValue(encoding: ModelSamplerState(warmStarts: warmStarts, fitCounts: fitCounts, random: design.generator)) } catch {
            throw .storage(reason: "cannot encode the sampler's state: \(error)")
        }
    }

    public mutating func restore(_ state: JSONValue) throws(HyperPowerError) {
        do {
            let decoded = try state.decoded(as: ModelSamplerState.self)
            (warmStarts, fitCounts, design.generator) = (decoded.warmStarts, decoded.fitCounts, decoded.random)
        } catch {
            throw .storage(reason: "cannot restore the sampler's state: \(error)")
        }
    }

    /// The maximiser of the constrained acquisition, with the fallbacks described above.
    mutating func modelSuggestion(
        _ context: SamplingContext, corrections: inout [String: CostCorrection]
    ) throws(HyperPowerError) -> ([Double], SuggestionSource) {
        var context = context
        let number = context.number
        let space = context.space
        parameterCountHint = space.parameters.count
        columnKinds = Self.columnKinds(of: space)
        // Trials whose configuration no longer encodes (a hand-edited journal) are left out.
        let encoded = context.trials.compactMap { trial in (try? space.encode(trial.configuration)).map { (trial, $0) } }
        let trials = encoded.map(\.0)
        let points = encoded.map(\.1)
        let pendingPoints = context.pendingPoints
        let objective = context.objective
        // Calibrated known constraints: the gate tests the corrected cost's quantile.
        corrections = costCorrections(context: context, trials: trials, points: points)
        if !corrections.isEmpty { context.region = context.region.corrected(by: corrections) }
        var constraintModels: [ConstraintModel] = []

        // Objective: every successful trial, as a value to minimise, through a fitted power
        // transform (monotone, so the incumbent maps to the transformed incumbent); for a
        // front's hypervolume, the transform's wider range (`PowerTransform.frontLambdas`).
        let successIndices = trials.indices.filter { trials[$0].outcome.objective != nil }
        let objectives = successIndices.map { objective.minimized(trials[$0].outcome.objective!) }
        let searchesFront = Self.searchesKnownCostFront(context.objectives)
        let searchesMeasured = Self.searchesMeasuredFront(context.objectives) && settings.frontAcquisition.usesHypervolume(space: space)
        if context.objectives.count > 1, !searchesFront, !searchesMeasured, !warnedFirstObjectiveOnly {
            // Used directly for a front it cannot search (four or more measured objectives, or
            // an all-discrete space): ParEGOSampler can (ConstrainedGPSampler.forObjectives).
            warnedFirstObjectiveOnly = true
            logger.warning("""
                ConstrainedGPSampler searches only the first of these \(context.objectives.count) objectives here; \
                ConstrainedGPSampler.forObjectives(_:settings:seed:logger:) gives the sampler for their front (ParEGO)
                """)
        }
        let transform = PowerTransform(
            fitting: objectives,
            lambdas: searchesFront || searchesMeasured ? PowerTransform.frontLambdas : PowerTransform.singleObjectiveLambdas)
        var objectiveModel: GaussianProcess?
        if !successIndices.isEmpty {
            objectiveModel = fitModel(
                "objective", inputs: Matrix(rowMajor: successIndices.map { points[$0] }),
                targets: objectives.map { transform($0) }, number: number, pending: pendingPoints, isObjective: true)
        }
        var incumbent = trials.filter(\.isFeasible).compactMap(\.outcome.objective).map(objective.minimized).min()
            .map { transform($0) }

        for constraint in context.constraints where !constraint.isKnown {
            let indices = trials.indices.filter { trials[$0].measurements[constraint.name]?.isFinite ?? false }
            guard !indices.isEmpty else { continue }
            // Model bilog(±(value − bound)/s), feasible at ≤ 0 (bilog as in SCBO, Eriksson &
            // Poloczek 2021): the sign, and so feasibility, is kept exactly, while values spanning
            // orders of magnitude (stresses, latencies) are compressed. s, the median distance to
            // the bound, makes the compression scale-free: without it a constraint in the millions
            // became a near-step at its bound, which a GP cannot fit.
            let sign = constraint.direction == .atMost ? 1.0 : -1.0
            let margins = indices.map { sign * (trials[$0].measurements[constraint.name]! - constraint.bound) }
            let sortedDistances = margins.map(abs).sorted()
            let median = sortedDistances[sortedDistances.count / 2]
            let scale = median > 0 && median.isFinite ? median : 1
            let values = margins.map { Self.bilog($0 / scale) }
            if let model = fitModel(constraint.name, inputs: Matrix(rowMajor: indices.map { points[$0] }),
                                    targets: values, number: number, pending: pendingPoints) {
                constraintModels.append(ConstraintModel(model: model, bound: 0, direction: .atMost))
            }
        }

        // Crashes and infeasible runs: a success (1) / failure (0) model, feasible at ≥ 0.5.
        if successIndices.count < trials.count {
            let labels = trials.map { $0.outcome.objective != nil ? 1.0 : 0.0 }
            if let model = fitModel("evaluation succeeds", inputs: Matrix(rowMajor: points), targets: labels,
                                    number: number, pending: pendingPoints) {
                constraintModels.append(ConstraintModel(model: model, bound: 0.5, direction: .atLeast))
            }
        }

        if let objectiveModel, incumbent != nil, !pendingPoints.isEmpty {
            incumbent = believedIncumbent(incumbent!, objectiveModel: objectiveModel, constraintModels: constraintModels,
                                          pending: Matrix(rowMajor: pendingPoints))
        }

        // Known costs as further objectives: the expected hypervolume improvement at them.
        let hypervolume = searchesFront ? objectiveModel.flatMap {
            Self.knownCostHypervolume(
                context: context, trials: trials, transform: transform, objectiveModel: $0,
                believedFeasible: { believedFeasible(pending: $0, constraintModels: constraintModels) })
        } : nil
        let acquisition = ConstrainedLogExpectedImprovement(
            objective: objectiveModel, incumbent: incumbent, constraints: constraintModels, hypervolume: hypervolume)
        guard acquisition.usesExpectedImprovement || !constraintModels.isEmpty else {
            // Nothing told yet (ask/tell workers ahead of their results) is expected, not a failure.
            if trials.isEmpty {
                logger.info("no completed trial to model yet for trial \(number); suggesting a random known-feasible point")
            } else {
                logger.warning("no model available for trial \(number); suggesting a random known-feasible point")
            }
            return (try design.randomPoint(context), .random)
        }
        // Two or three measured objectives with the expected hypervolume improvement: a GP for each.
        let measuredFront = searchesMeasured
            ? objectiveModel.flatMap {
                measuredFrontAcquisition(
                    context: context, trials: trials, points: points, first: $0, transform: transform,
                    constraints: constraintModels, number: number)
            } : nil
        let chosen: any AcquisitionFunction = measuredFront ?? acquisition
        do {
            let proposal = try settings.maximizer.scaled(forObservations: trials.count).maximize(
                chosen, in: context.region, dimension: space.encodedDimension, rounding: space,
                excluding: points + pendingPoints,
                anchors: searchesFront || measuredFront != nil
                    ? Self.frontAnchors(trials: trials, points: points, objectives: context.objectives)
                    : Self.anchors(trials: trials, points: points, context: context),
                // A proposal on a face of the box must lie near one of the five best feasible trials.
                faceSupport: searchesFront || measuredFront != nil
                    ? [] : Self.bestFeasible(trials: trials, context: context, count: 5).map { points[$0] },
                trustRegion: Self.feasibilityTrustRegion(trials: trials, points: points, context: context),
                seed: seed &+ UInt64(number) &* 0x2545_F491_4F6C_DD1D)
            return (proposal.point, .model)
        } catch AcquisitionError.noKnownFeasibleCandidate {
            // The candidates missed a small feasible region: try harder before giving up.
            return (try design.randomPoint(context), .random)
        } catch AcquisitionError.allCandidatesDuplicate {
            logger.info("every candidate for trial \(number) repeats an evaluated configuration; sampling")
            return (try design.randomPoint(context), .random)
        } catch let error as HyperPowerError {
            throw error
        } catch {
            throw .invalidSettings(reason: "\(error)")
        }
    }

    /// Kriging believer for the incumbent: a pending point believed feasible (every constraint
    /// model's mean on the right side of its bound) counts for the incumbent at the objective
    /// model's mean; otherwise the expected improvement stays high right beside a promising
    /// pending point and concurrent suggestions pile up there. Measured (Branin-disk, 10 seeds,
    /// 4 in flight): median regret 4.4e-5, as with one at a time; pessimistic and optimistic
    /// constant liars gave 3e-2 and 8e-2, the believer without the incumbent update 7e-5 but
    /// near-duplicate suggestions, the update without the feasibility check 0.13 on Gramacy.
    func believedIncumbent(
        _ current: Double, objectiveModel: GaussianProcess, constraintModels: [ConstraintModel], pending: Matrix
    ) -> Double {
        let believed: [Double]
        do { believed = try objectiveModel.posterior(at: pending).mean } catch {
            logger.warning("the objective model cannot predict at the pending points (\(error)); they do not move the incumbent")
            return current
        }
        let feasible = believedFeasible(pending: pending, constraintModels: constraintModels)
        var incumbent = current
        for (k, value) in believed.enumerated() where feasible[k] { incumbent = min(incumbent, value) }
        return incumbent
    }

    /// Whether each pending point is believed feasible: every constraint model's mean on the
    /// right side of its bound (a model that cannot predict there believes none).
    func believedFeasible(pending: Matrix, constraintModels: [ConstraintModel]) -> [Bool] {
        var feasible = [Bool](repeating: true, count: pending.rows)
        for model in constraintModels {
            do {
                let means = try model.model.posterior(at: pending).mean
                for k in feasible.indices where !model.direction.isSatisfied(means[k], bound: model.bound) { feasible[k] = false }
            } catch {
                logger.warning("a constraint model cannot predict at the pending points (\(error))")
                return [Bool](repeating: false, count: pending.rows)
            }
        }
        return feasible
    }

    /// The points the maximiser draws local candidates around: the best feasible trials by
    /// objective, then — while fewer than five are feasible — the trials closest to
    /// feasibility (smallest sum of observed constraints' violations, each relative to its
    /// bound's scale; crashes last). Best first, at most five.
    static func anchors(trials: [Trial], points: [[Double]], context: SamplingContext) -> [[Double]] {
        let count = 5
        if searchPhase(trials: trials, context: context) == .global { return [] }
        var chosen = bestFeasible(trials: trials, context: context, count: count)
        if chosen.count < count {
            let rest = trials.indices.filter { !trials[$0].isFeasible }
                .map { ($0, violation(of: trials[$0], context: context)) }
                .filter { $0.1.isFinite }
                .sorted { $0.1 < $1.1 }
            chosen += rest.prefix(count - chosen.count).map(\.0)
        }
        return chosen.map { points[$0] }
    }

    /// The indices of the best feasible trials by objective, best first, at most `count`: the
    /// anchors' first choice and the face rule's support (`faceSupport` of
    /// ``AcquisitionMaximizer/maximize(_:in:dimension:rounding:excluding:anchors:faceSupport:trustRegion:seed:)``).
    static func bestFeasible(trials: [Trial], context: SamplingContext, count: Int) -> [Int] {
        let objective = context.objective
        return Array(trials.indices.filter { trials[$0].isFeasible }
            .sorted { objective.minimized(trials[$0].outcome.objective!) < objective.minimized(trials[$1].outcome.objective!) }
            .prefix(count))
    }

    /// Where the search stands: ``SearchPhase/local`` while new bests keep coming (or before
    /// any feasible trial), ``SearchPhase/global`` after max(5, d/2) trials without one, local
    /// again after as many more, and so on. A new best counts as progress only if it improves
    /// by a thousandth of the spread of the values seen: creeping by rounding errors beside the
    /// incumbent is a stall.
    static func searchPhase(trials: [Trial], context: SamplingContext) -> SearchPhase {
        let objective = context.objective
        let limit = max(5, context.space.encodedDimension / 2)
        let values = trials.filter(\.isFeasible).map { objective.minimized($0.outcome.objective!) }
        let threshold = 1e-3 * ((values.max() ?? 0) - (values.min() ?? 0))
        var stall = 0
        var best = Double.infinity
        for trial in trials {
            if trial.isFeasible, objective.minimized(trial.outcome.objective!) < best - threshold {
                best = objective.minimized(trial.outcome.objective!)
                stall = 0
            } else {
                if trial.isFeasible { best = min(best, objective.minimized(trial.outcome.objective!)) }
                stall += 1
            }
        }
        return best.isFinite && (stall / limit) % 2 == 1 ? .global : .local
    }

    enum SearchPhase { case local, global }

    /// How far a trial is from feasibility: the sum of its observed constraints' excesses, each
    /// relative to max(|bound|, 1); a missing measurement counts 10⁶, a crash +∞.
    static func violation(of trial: Trial, context: SamplingContext) -> Double {
        guard trial.outcome.objective != nil else { return .infinity }
        return context.constraints.filter { !$0.isKnown }.reduce(0) { sum, constraint in
            guard let value = trial.measurements[constraint.name], value.isFinite else { return sum + 1e6 }
            let excess = constraint.direction == .atMost ? value - constraint.bound : constraint.bound - value
            return sum + max(excess, 0) / max(abs(constraint.bound), 1)
        }
    }

    /// SCBO's answer to a search that has found no feasible point yet: a trust region around the
    /// trial closest to feasibility, half-width 0.4 of the cube, halved after every
    /// max(5, d/2) trials that did not get closer, and back to 0.4 below 0.4/64. Without it the
    /// probability of feasibility, whose models revert to their mean far from the data, is
    /// highest in the corners of the box, where a 10-D search with a small feasible region
    /// spent its budget. `nil` once a feasible trial exists, or when nothing measures a violation.
    static func feasibilityTrustRegion(trials: [Trial], points: [[Double]], context: SamplingContext) -> TrustRegion? {
        guard !trials.contains(where: \.isFeasible) else { return nil }
        let limit = max(5, context.space.encodedDimension / 2)
        var best = Double.infinity
        var center: Int?
        var stall = 0
        for (index, trial) in trials.enumerated() {
            let violation = violation(of: trial, context: context)
            if violation < best {
                (best, center, stall) = (violation, index, 0)
            } else {
                stall += 1
            }
        }
        guard let center else { return nil }
        let halvings = (stall / limit) % 7
        return TrustRegion(center: points[center], halfWidth: 0.4 / Double(1 << halvings))
    }

    /// `sign(y)·log(1 + |y|)`: monotone, keeps the sign, compresses large magnitudes.
    static func bilog(_ y: Double) -> Double { y < 0 ? -log1p(-y) : log1p(y) }
}

/// What an `asked` record restores for ``ConstrainedGPSampler`` (format 1's `state`, unchanged).
struct ModelSamplerState: Codable {
    var warmStarts: [String: GaussianProcessHyperparameters]
    var fitCounts: [String: Int]
    var random: SeededGenerator
}
