import Foundation

extension ConstrainedGPSampler {
    /// Fits a GP, warm-started from the previous fit of the same model; on failure falls back
    /// to the previous hyper-parameters; `nil` (logged) if that fails too. The model comes back
    /// conditioned on the pending points (``withFantasies(_:pending:)``).
    mutating func fitModel(
        _ name: String, inputs: Matrix, targets: [Double], number: Int, pending: [[Double]]
    ) -> GaussianProcess? {
        let count = fitCounts[name, default: 0]
        fitCounts[name] = count + 1
        let kernelParameters = settings.kernel.parameterCount(dimension: inputs.columns)
        let previous = warmStarts[name].flatMap { $0.kernelParameters.count == kernelParameters ? $0 : nil }
        let cold = previous == nil || count % settings.coldFitInterval == 0
        var options = settings.fitOptions
        options.seed = seed &+ UInt64(number) &* 0x9E37_79B9
        if options.priors.lengthscale == nil {
            // The dimension-scaled lengthscale prior counts parameters, not unit-cube columns: a
            // categorical's one-hot columns are one dimension of the problem. On NAS-Bench-201
            // (6 categoricals, 30 columns; FPGA ≤ 3 ms, 10 seeds) this took the median number of
            // evaluations to reach 92.8% from 66 to 42.
            options.priors.lengthscale = Self.lengthscalePrior(parameters: parameterCount(inputs: inputs))
        }
        do {
            let fit = try GaussianProcess.fit(
                inputs: inputs, targets: targets, kernel: settings.kernel, options: options,
                warmStart: cold ? nil : previous)
            warmStarts[name] = fit.model.hyperparameters
            return withFantasies(fit.model, pending: pending, name: name)
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

    /// The optimiser's lengthscale prior for a space of `parameters` parameters (unit-cube
    /// inputs): log ℓ ~ N(0.5 + ¼ log d, 1.5) — median ℓ = 1.65·d^¼ (2.6 in 6-D, 2.9 in 10-D).
    ///
    /// Measured against the GP layer's default, Hvarfner et al.'s N(√2 + ½ log d, √3) (median
    /// 4.1·√d: 10 in 6-D), on the 14 problems of `hyperpower benchmark`, 10 seeds each
    /// (`Docs/Benchmarks.md`): median regret better on 10 of them — Hartmann-6 with Σx ≤ 3 at 40
    /// evaluations 0.134 → 0.077, the speed reducer 2.3 → 0.56, Branin-disk 3.7e-5 → 1.0e-5,
    /// NAS-Bench-201 FPGA 0.20 → 0.12 — and worse on Gardner 1 and 2 (within 2×, both below
    /// 10⁻⁴) and the pressure vessel. With few points, the long lengthscales of the √d prior
    /// made a near-linear model whose extrapolated trend put the expected improvement in the
    /// corners of the box; a prior centred at ℓ = 1 (Optuna's choice) was better still on
    /// Hartmann-6 with Σx ≤ 3 (0.056) but three times worse on the speed reducer.
    static func lengthscalePrior(parameters: Int) -> LogNormalPrior {
        LogNormalPrior(location: 0.5 + 0.25 * log(Double(max(parameters, 1))), scale: 1.5)
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
}
