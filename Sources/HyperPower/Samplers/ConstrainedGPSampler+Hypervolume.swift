import Foundation
import LinearAlgebra

/// Several objectives of which every further one is known (a cost model): the acquisition is
/// the exact expected hypervolume improvement of the measured objective at the predicted costs
/// (``KnownCostHypervolume``), weighted by the observed constraints as before.
extension ConstrainedGPSampler {
    /// The most known objectives the exact acquisition takes (its grid grows as m^k).
    static let maximumKnownObjectives = 2

    /// Whether a study's objectives are one measured objective followed by one or two known ones.
    static func searchesKnownCostFront(_ objectives: [Objective]) -> Bool {
        objectives.count > 1 && objectives.count - 1 <= maximumKnownObjectives && !objectives[0].isKnown
            && objectives.dropFirst().allSatisfy(\.isKnown)
    }

    /// The most measured objectives the exact expected hypervolume improvement takes (its
    /// terms grow as n^(k−1) in the front's size n); more are searched by ParEGO.
    static let maximumMeasuredFrontObjectives = 3

    /// Whether a study's objectives are two or three measured ones (the expected hypervolume
    /// improvement over a GP per objective can search their front).
    static func searchesMeasuredFront(_ objectives: [Objective]) -> Bool {
        (2...maximumMeasuredFrontObjectives).contains(objectives.count) && !objectives.contains(where: \.isKnown)
    }

    /// The acquisition for two or three measured objectives: a GP for each further objective
    /// (its successful trials, through its own power transform), the front of the feasible
    /// trials and the pending ones believed feasible at the models' means, the reference a
    /// tenth of the range beyond the worst feasible values. `nil` before a feasible trial
    /// reporting every objective, or when a further model cannot be fitted.
    mutating func measuredFrontAcquisition(
        context: SamplingContext, trials: [Trial], points: [[Double]], first: GaussianProcess, transform: PowerTransform,
        constraints: [ConstraintModel], number: Int
    ) -> LogExpectedHypervolumeImprovement? {
        let objectives = context.objectives
        let primary = objectives[0]
        var models = [first]
        var transforms = [transform]
        for (k, objective) in objectives.enumerated().dropFirst() {
            let indices = trials.indices.filter {
                trials[$0].outcome.objective != nil && trials[$0].objectiveValues[objective.name]?.isFinite == true
            }
            guard !indices.isEmpty else { return nil }
            let values = indices.map { objective.minimized(trials[$0].objectiveValues[objective.name]!) }
            let fitted = PowerTransform(fitting: values, lambdas: PowerTransform.frontLambdas)
            guard let model = fitModel(
                "objective \(k + 1)", inputs: Matrix(rowMajor: indices.map { points[$0] }), targets: values.map { fitted($0) },
                number: number, pending: context.pendingPoints) else { return nil }
            models.append(model)
            transforms.append(fitted)
        }
        var rows: [[Double]] = []
        for trial in trials where trial.isFeasible {
            var row = [transform(primary.minimized(trial.outcome.objective!))]
            for (k, objective) in objectives.enumerated().dropFirst() {
                guard let value = trial.objectiveValues[objective.name], value.isFinite else { break }
                row.append(transforms[k](objective.minimized(value)))
            }
            if row.count == objectives.count { rows.append(row) }
        }
        guard !rows.isEmpty else { return nil }
        let reference = Self.hypervolumeReference(rows)
        var all = rows
        let pending = context.pendingPoints
        if !pending.isEmpty {
            let at = Matrix(rowMajor: pending)
            var means: [[Double]] = []
            for model in models {
                guard let mean = try? model.posterior(at: at).mean else { break }
                means.append(mean)
            }
            if means.count == models.count {
                // As for one objective's incumbent: a pending point believed infeasible cannot
                // improve the feasible front.
                let believed = believedFeasible(pending: at, constraintModels: constraints)
                all += pending.indices.filter { believed[$0] }.map { i in means.map { $0[i] } }
            }
        }
        let front = Pareto.nondominated(all).map { all[$0] }
        return LogExpectedHypervolumeImprovement(models: models, front: front, reference: reference, constraints: constraints)
    }

    /// The known objectives' values of a trial, minimised (recorded, else predicted now).
    static func knownCosts(of trial: Trial, objectives: [Objective]) -> [Double]? {
        var costs: [Double] = []
        for objective in objectives.dropFirst() {
            guard let value = trial.objectiveValues[objective.name] ?? objective.prediction(for: trial.configuration),
                  value.isFinite else { return nil }
            costs.append(objective.minimized(value))
        }
        return costs
    }

    /// The acquisition's hypervolume term: the feasible trials (the measured objective through
    /// the model's transform) and the pending ones believed feasible, at the model's belief,
    /// form the front; the reference lies a tenth of the range beyond the worst feasible value
    /// of each objective. `nil` before a feasible trial.
    static func knownCostHypervolume(
        context: SamplingContext, trials: [Trial], transform: PowerTransform, objectiveModel: GaussianProcess,
        believedFeasible: (Matrix) -> [Bool]
    ) -> KnownCostHypervolume? {
        let objectives = context.objectives
        let primary = objectives[0]
        var rows: [[Double]] = []
        for trial in trials where trial.isFeasible {
            guard let value = trial.outcome.objective, let costs = knownCosts(of: trial, objectives: objectives) else { continue }
            rows.append([transform(primary.minimized(value))] + costs)
        }
        guard !rows.isEmpty else { return nil }
        let reference = hypervolumeReference(rows)
        var front = Pareto.nondominated(rows).map { rows[$0] }
        let known = Array(objectives.dropFirst())
        // Pending configurations: at the fantasy-conditioned model's mean (kriging believer).
        let pending = zip(context.pending, predictedCosts(of: context.pending, known: known)).compactMap {
            configuration, costs -> ([Double], [Double])? in
            guard let point = try? context.space.encode(configuration), let costs else { return nil }
            return (point, costs)
        }
        if !pending.isEmpty {
            let at = Matrix(rowMajor: pending.map(\.0))
            if let means = try? objectiveModel.posterior(at: at).mean {
                // Those believed infeasible cannot improve the feasible front.
                let believed = believedFeasible(at)
                let all = front + pending.indices.filter { believed[$0] }.map { [means[$0]] + pending[$0].1 }
                front = Pareto.nondominated(all).map { all[$0] }
            }
        }
        let space = context.space
        return KnownCostHypervolume(front: front, reference: reference) { points in
            predictedCosts(of: (0..<points.rows).map { space.decode(points.row($0)) }, known: known)
        }
    }

    /// The known objectives' predictions for each configuration, minimised; `nil` where one
    /// fails. One call per known objective for all of them (a batch predictor runs once).
    static func predictedCosts(of configurations: [Configuration], known: [Objective]) -> [[Double]?] {
        let values = known.map { $0.predictions(for: configurations) }
        return configurations.indices.map { i -> [Double]? in
            var costs: [Double] = []
            for (objective, predicted) in zip(known, values) {
                guard let value = predicted[i] else { return nil }
                costs.append(objective.minimized(value))
            }
            return costs
        }
    }

    /// The hypervolume's reference for minimised rows: a tenth of each column's range beyond
    /// its worst value (a thousandth of its magnitude when the column is constant).
    static func hypervolumeReference(_ rows: [[Double]]) -> [Double] {
        (0..<rows[0].count).map { j -> Double in
            let column = rows.map { $0[j] }
            let (low, high) = (column.min()!, column.max()!)
            return high + 0.1 * (high > low ? high - low : max(abs(high), 1) * 1e-3)
        }
    }

    /// Local candidates for the front: up to five Pareto-optimal feasible trials, spread along
    /// the first cost.
    static func frontAnchors(trials: [Trial], points: [[Double]], objectives: [Objective]) -> [[Double]] {
        var rows: [(index: Int, values: [Double])] = []
        for (index, trial) in trials.enumerated() where trial.isFeasible {
            guard let value = trial.outcome.objective, let costs = knownCosts(of: trial, objectives: objectives) else { continue }
            rows.append((index, [objectives[0].minimized(value)] + costs))
        }
        let front = rows.filter { row in
            !rows.contains { other in Pareto.dominates(other.values, row.values) }
        }.sorted { $0.values[1] < $1.values[1] }
        guard front.count > 5 else { return front.map { points[$0.index] } }
        return (0..<5).map { k in points[front[k * (front.count - 1) / 4].index] }
    }
}
