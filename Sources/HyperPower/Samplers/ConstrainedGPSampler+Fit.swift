import Foundation

extension ConstrainedGPSampler {
    /// Fits a GP, warm-started from the previous fit of the same model; on failure falls back
    /// to the previous hyper-parameters; `nil` (logged) if that fails too. The model comes back
    /// conditioned on the pending points (``withFantasies(_:pending:)``).
    mutating func fitModel(
        _ name: String, inputs: Matrix, targets: [Double], number: Int, pending: [[Double]], noisePrior: LogNormalPrior? = nil,
        isObjective: Bool = false
    ) -> GaussianProcess? {
        let kernelParameters = settings.kernel.parameterCount(dimension: inputs.columns)
        let previous = warmStarts[name].flatMap { $0.kernelParameters.count == kernelParameters ? $0 : nil }
        if let previous, !Self.refitsHyperparameters(observations: inputs.rows) {
            // Between refits: the previous hyper-parameters, conditioned on all the data.
            do {
                let model = try GaussianProcess(inputs: inputs, targets: targets, kernel: settings.kernel, hyperparameters: previous)
                return withFantasies(model, pending: pending, name: name)
            } catch {
                logger.info("the \(name) model does not factorise with its previous hyper-parameters (\(error)); refitting")
            }
        }
        let count = fitCounts[name, default: 0]
        fitCounts[name] = count + 1
        let cold = previous == nil || count % settings.coldFitInterval == 0
        var options = settings.fitOptions
        options.seed = seed &+ UInt64(number) &* 0x9E37_79B9
        if let noisePrior { options.priors.noiseVariance = noisePrior }
        if options.priors.noiseVarianceBounds == HyperparameterPriors.defaultNoiseVarianceBounds,
           let floor = Self.noiseFloor(kinds: columnKinds, parameters: parameterCount(inputs: inputs)) {
            options.priors.noiseVarianceBounds = floor...HyperparameterPriors.defaultNoiseVarianceBounds.upperBound
        }
        if options.priors.lengthscale == nil {
            // The dimension-scaled lengthscale prior counts parameters, not unit-cube columns: a
            // categorical's one-hot columns are one dimension of the problem. On NAS-Bench-201
            // (6 categoricals, 30 columns; FPGA ≤ 3 ms, 10 seeds) this took the median number of
            // evaluations to reach 92.8% from 66 to 42.
            let discrete = Self.lengthscalePrior(parameters: parameterCount(inputs: inputs))
            options.priors.lengthscale = discrete
            if let kinds = columnKinds, kinds.count == inputs.columns {
                options.priors.columnLengthscales = Self.columnLengthscalePriors(
                    kinds: kinds, parameters: parameterCount(inputs: inputs), isObjective: isObjective)
            }
        }
        do {
            // Hyper-parameters from at most `fitSubsetSize` observations (the most recent half
            // and an evenly spaced half of the rest); the model conditions on all of them.
            let subset = Self.fitSubset(observations: inputs.rows, size: Self.fitSubsetSize)
            let fitInputs = subset.map { indices in Matrix(rowMajor: indices.map { inputs.row($0) }) } ?? inputs
            let fitTargets = subset.map { indices in indices.map { targets[$0] } } ?? targets
            let fit = try GaussianProcess.fit(
                inputs: fitInputs, targets: fitTargets, kernel: settings.kernel, options: options,
                warmStart: cold ? nil : previous)
            warmStarts[name] = fit.model.hyperparameters
            let model = subset == nil
                ? fit.model
                : try GaussianProcess(inputs: inputs, targets: targets, kernel: settings.kernel, hyperparameters: fit.model.hyperparameters)
            return withFantasies(model, pending: pending, name: name)
        } catch {
            logger.warning("fit of the \(name) model failed (\(error)); trying the previous hyper-parameters")
            guard let previous else {
                logger.warning("the \(name) model is unavailable for this suggestion")
                return nil
            }
            do {
                let model = try GaussianProcess(inputs: inputs, targets: targets, kernel: settings.kernel, hyperparameters: previous)
                return withFantasies(model, pending: pending, name: name)
            } catch {
                logger.warning("the \(name) model is unavailable for this suggestion (\(error))")
                return nil
            }
        }
    }

    /// Long studies: hyper-parameters are refitted at every suggestion up to 100 observations,
    /// then when the count of observations is a multiple of ⌊n/25⌋ (every 4th at 100, every 12th
    /// at 300, every 40th at 1,000); in between, the model is the previous hyper-parameters
    /// conditioned on all the data (one Cholesky factorisation instead of a MAP fit of tens to
    /// hundreds of them). A deterministic function of n, so a resumed study refits where the
    /// original would have.
    static func refitsHyperparameters(observations n: Int) -> Bool {
        n < 100 || n % max(n / 25, 1) == 0
    }

    /// The most observations a hyper-parameter fit sees: beyond it, a fit costs as at this
    /// size (the model still conditions on every observation).
    static let fitSubsetSize = 300

    /// The indices a fit uses when there are more than `size` observations: the most recent
    /// `size/2` and `size/2` evenly spaced among the others (deterministic); `nil` when all fit.
    static func fitSubset(observations n: Int, size: Int) -> [Int]? {
        guard n > size else { return nil }
        let recent = size / 2
        let older = n - recent
        let spaced = (0..<(size - recent)).map { $0 * older / (size - recent) }
        return spaced + Array(older..<n)
    }

    /// The lengthscale prior of a real parameter's column: log ℓ ~ N(−0.5, 0.7), median 0.6 of
    /// the unit range, the same in every dimension (Optuna's GP sampler centres its prior at
    /// ℓ = 1 too).
    ///
    /// Measured on the suite (10 seeds) against the dimension-scaled prior below, which the
    /// real columns used before: Hartmann-6 with Σx ≤ 3 at 40 evaluations 0.077 → 0.012 (with
    /// the longer prior 11–13 of 20 seeds stayed in the basin of the second-best local minimum,
    /// with or without the constraint), Ackley-10 2.3 → 1.7, G7 0.014 → 0.011, Gardner 2
    /// 7.2e-5 → 2.7e-5, the pressure vessel 49 → 35; worse on Branin-disk (1.2e-5 → 5e-5),
    /// Gardner 1 (1.4e-7 → 1.2e-6) and welded beam (1.1e-4 → 2.3e-4), all still below 10⁻³.
    /// Given to the discrete columns as well it wrecked NAS-Bench-201 (one-hot columns: 0.12 →
    /// 0.54) and the pressure vessel's integers (→ 95): they keep the longer prior.
    static let realLengthscalePrior = LogNormalPrior(location: -0.5, scale: 0.7)

    /// The noise floor for a space of real parameters only, at most ``lowNoiseFloorParameters`` of
    /// them: 1e-8 of the standardised variance instead of the default 1e-6; `nil` (the default
    /// floor) otherwise. In a few dimensions the search closes in on the optimum within its
    /// budget, and the default floor — a noise standard deviation of 1e-3 of the targets'
    /// spread — blurs the model at the scale its last proposals need (30 seeds, median regret:
    /// Gramacy 1.0e-5 → 1.6e-6, Gardner 2 3.7e-5 → 5.0e-6, Hartmann-6 1.9e-5 → 5.3e-6, welded
    /// beam 2.0e-4 → 6.5e-5, Branin-disk 1.6e-5 → 4.2e-6). Measured with 1e-8 and not taken: G7's
    /// ten dimensions (0.0091 → 0.0185, 25 seeds of 30 worse), and integer parameters (the
    /// pressure vessel 13 seeds worse against 8 better, the speed reducer 17 against 13), where
    /// the floor's regularisation pays. A noisy objective fits its noise above either floor.
    static func noiseFloor(kinds: [ColumnKind]?, parameters: Int) -> Double? {
        guard let kinds, !kinds.isEmpty, kinds.allSatisfy({ $0 == .real }), parameters <= lowNoiseFloorParameters else { return nil }
        return 1e-8
    }

    /// The most parameters for which ``noiseFloor(kinds:parameters:)`` lowers the floor.
    static let lowNoiseFloorParameters = 6

    /// The lengthscale prior of a discrete parameter's columns (a space of `parameters`
    /// parameters, unit-cube inputs): log ℓ ~ N(0.5 + ¼ log d, 1.5) — median ℓ = 1.65·d^¼ (2.6
    /// in 6-D, 2.9 in 10-D). Before ``realLengthscalePrior`` it was every column's prior.
    ///
    /// Measured against the GP layer's default, Hvarfner et al.'s N(√2 + ½ log d, √3) (median
    /// 4.1·√d: 10 in 6-D), on the 14 problems of `hyperpower benchmark`, 10 seeds each
    /// (`Docs/Benchmarks.md`): median regret better on 10 of them — Hartmann-6 with Σx ≤ 3 at 40
    /// evaluations 0.134 → 0.077, the speed reducer 2.3 → 0.56, Branin-disk 3.7e-5 → 1.0e-5,
    /// NAS-Bench-201 FPGA 0.20 → 0.12 — and worse on Gardner 1 and 2 (within 2×, both below
    /// 10⁻⁴) and the pressure vessel. With few points, the long lengthscales of the √d prior
    /// made a near-linear model whose extrapolated trend put the expected improvement in the
    /// corners of the box; a prior centred at ℓ = 1 (Optuna's choice) was better still on
    /// Hartmann-6 with Σx ≤ 3 (0.056) but, with the walled maximiser of the time, three times
    /// worse on the speed reducer.
    static func lengthscalePrior(parameters: Int) -> LogNormalPrior {
        LogNormalPrior(location: 0.5 + 0.25 * log(Double(max(parameters, 1))), scale: 1.5)
    }

    /// Each column's lengthscale prior: ``realLengthscalePrior`` for a real parameter's,
    /// ``oneHotLengthscalePrior(columns:)`` for the objective model's one-hot columns, and
    /// ``lengthscalePrior(parameters:)`` for the rest.
    static func columnLengthscalePriors(kinds: [ColumnKind], parameters: Int, isObjective: Bool) -> [LogNormalPrior] {
        let discrete = lengthscalePrior(parameters: parameters)
        let oneHot = isObjective ? oneHotLengthscalePrior(columns: kinds.count) : discrete
        return kinds.map { kind in
            switch kind {
            case .real: return realLengthscalePrior
            case .oneHot: return oneHot
            case .ordered: return discrete
            }
        }
    }

    /// The lengthscale prior of the objective model's one-hot columns (a space of `columns`
    /// unit-cube columns): log ℓ ~ N(0.5 + ½ log D, 1) — median ℓ = 1.65·√D (9 at NAS-Bench-201's
    /// 30 columns, against 2.6 from ``lengthscalePrior(parameters:)``). Two categories are √2
    /// apart in one-hot coordinates whatever the lengthscale, so ℓ sets how far one choice's
    /// effect carries over to the others: a long one says the effects of the categoricals add
    /// up, which is what a search of 100 evaluations over 15,625 cells can learn.
    ///
    /// Measured on NAS-Bench-201 (FPGA ≤ 3 ms, 100 evaluations, 30 seeds): median regret
    /// 0.169 → 0.056 (mean 0.30 → 0.16; seeds within 0.097 of the best cell 23% → 53%);
    /// Pixel 3 ≤ 10 ms 0.55 → 0.34 (30 seeds; 17 evaluations over the true budget against 13:
    /// its gate is the 50-cell model, issue #13), Raspberry Pi 4 ≤ 25 ms 0.34 → 0.38 (30
    /// seeds, within the spread between seeds); the accuracy–latency front unchanged (Pixel 3,
    /// 10 seeds: 93.0% → 92.7% of the true hypervolume, 92.2% → 92.7% with known latency).
    /// Neighbours tried at 30 seeds on the FPGA: N(0.5 + ½ log D, 1.5) 0.104, N(·, 0.5) 0.167,
    /// N(1 + ½ log D, 1) 0.122, N(½ log D, 1.5) 0.169. Given to every model, the calibrated
    /// gates' residual GPs as well, Pixel 3 and Raspberry Pi 4 got worse (0.39 → 0.53 and
    /// 0.23 → 0.51 over 10 seeds): the residuals of a latency model are not additive in the
    /// operations, so the others keep ``lengthscalePrior(parameters:)``.
    static func oneHotLengthscalePrior(columns: Int) -> LogNormalPrior {
        LogNormalPrior(location: 0.5 + 0.5 * log(Double(max(columns, 1))), scale: 1)
    }

    /// The number of search-space parameters behind the unit cube's columns (set per study).
    func parameterCount(inputs: Matrix) -> Int { parameterCountHint ?? inputs.columns }

    /// The model conditioned on the pending (asked, not yet told) points at its own posterior
    /// mean — the kriging believer (Ginsbourger, Le Riche & Carraro 2010) — through the O(n²)
    /// factor append: the variance there collapses, so concurrent suggestions spread out. If the
    /// append fails the model is used without fantasies, and the failure is logged.
    func withFantasies(_ model: GaussianProcess, pending: [[Double]], name: String) -> GaussianProcess {
        guard !pending.isEmpty else { return model }
        let points = Matrix(rowMajor: pending)
        do {
            let believed = try model.posterior(at: points)
            return try model.conditioned(on: points, values: believed.mean)
        } catch {
            logger.warning("the \(name) model could not take the pending points as fantasies (\(error)); using it without")
            return model
        }
    }

    /// The noise prior of a calibrated constraint's residual GP (see ``costCorrections``).
    static let residualNoisePrior = LogNormalPrior(location: -4, scale: 2)

    /// The learned corrections of the calibrated known constraints (``Constraint/Calibration``):
    /// for each, a GP on the residuals of its predictor at the trials that measured the metric,
    /// once there are enough of them. Residuals are logarithmic for a positive bound and
    /// non-negative measurements, linear otherwise; residuals that do not vary
    /// (an exact predictor) give a constant correction without spread.
    mutating func costCorrections(context: SamplingContext, trials: [Trial], points: [[Double]]) -> [String: CostCorrection] {
        var corrections: [String: CostCorrection] = [:]
        for constraint in context.constraints {
            guard let calibration = constraint.calibration else { continue }
            // Trials, then profiles of configurations that are not trials (a profile that met
            // the bound became a trial, which measured it again).
            var observations: [(point: [Double], measured: Double, predicted: Double)] = []
            for (trial, point) in zip(trials, points) {
                if let measured = trial.measurements[calibration.measurement], let predicted = trial.predictions[constraint.name],
                   measured.isFinite, predicted.isFinite {
                    observations.append((point, measured, predicted))
                }
            }
            for profile in context.profiles {
                guard let measured = profile.measurements[calibration.measurement], let predicted = profile.predictions[constraint.name],
                      measured.isFinite, predicted.isFinite, let point = try? context.space.encode(profile.configuration),
                      !SamplingSupport.isDuplicate(point, of: points, tolerance: settings.maximizer.duplicateTolerance)
                else { continue }
                observations.append((point, measured, predicted))
            }
            guard observations.count >= calibration.minimumMeasurements else { continue }
            let measured = observations.map(\.measured)
            let predicted = observations.map(\.predicted)
            // log(cost) when every value is positive; a cost model that predicts zero or less
            // for cheap configurations gets an offset of a tenth of the bound instead, so that
            // those, far from the bound, do not dominate the residuals (NAS-Bench-201 Pixel 3:
            // a 50-cell linear model predicts ≤ 0 for some cells, and the plain logarithm's
            // residuals spread over ±3).
            let positive = measured.allSatisfy { $0 > 0 } && predicted.allSatisfy { $0 > 0 }
            let scale: CostCorrection.Scale = constraint.bound > 0 && measured.allSatisfy({ $0 >= 0 })
                ? .logarithmic(offset: positive ? 0 : 0.1 * constraint.bound) : .linear
            let residuals = zip(measured, predicted).map { scale.transform($0) - scale.transform($1) }
            let average = residuals.reduce(0, +) / Double(residuals.count)
            let spread = residuals.map { abs($0 - average) }.max() ?? 0
            let delta = calibration.gateViolationProbability
            if spread <= 1e-12 * max(1, abs(average)) {
                corrections[constraint.name] = CostCorrection(scale: scale, violationProbability: delta) { _ in (average, 0) }
                continue
            }
            // Measured costs are noisy: the residual GP's noise prior, log σₙ² ~ N(−4, 2) of the
            // standardised variance, lets it call jitter noise where the objective's N(−8, 2)
            // made it interpolate the jitter and its intervals overconfident (a synthetic model
            // 30% low with ±5% jitter: measured above the 90% quantile in 32% of the trials →
            // 11%, bound broken 6 → 1 times in 25; NAS-Bench-201 Pixel 3 suite regret 0.75 → 0.50).
            guard let model = fitModel("calibration of \(constraint.name)", inputs: Matrix(rowMajor: observations.map(\.point)),
                                       targets: residuals, number: context.number, pending: [],
                                       noisePrior: Self.residualNoisePrior) else { continue }
            let noise = model.hyperparameters.noiseVariance * model.outputScale * model.outputScale
            corrections[constraint.name] = CostCorrection(scale: scale, violationProbability: delta, residuals: { points in
                guard !points.isEmpty, let posterior = try? model.posterior(at: Matrix(rowMajor: points)) else {
                    return points.map { _ in (average, .infinity) }
                }
                return zip(posterior.mean, posterior.variance).map { ($0, ($1 + noise).squareRoot()) }
            })
        }
        return corrections
    }
}
