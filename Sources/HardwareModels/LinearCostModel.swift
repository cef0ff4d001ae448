import Foundation
import LinearAlgebra

/// HyperPower's cost model: `ŷ = w·z + b`, fitted by least squares through LAPACK's QR
/// (`dgelsy`, rank-revealing, so collinear features do not break it). Optionally on the
/// logarithm of the target (multiplicative effects, errors in percent) and with non-negative
/// weights (a cost that cannot decrease when a feature grows; Lawson–Hanson NNLS).
public struct LinearCostModel: CostModel {
    public let featureNames: [String]
    /// One weight per feature.
    public let weights: [Double]
    /// The constant term.
    public let intercept: Double
    /// Whether the model predicts `exp(w·z + b)`.
    public let logTarget: Bool
    public let fitReport: CostModelReport
    /// What the predictive distribution needs (unconstrained fits with more samples than
    /// estimated parameters; `nil` otherwise).
    let uncertainty: Uncertainty?

    /// The ordinary-least-squares predictive distribution: residual variance
    /// `s² = RSS / (n − r − 1)` (r the design's numerical rank), and the pseudo-inverse `G` of
    /// the centred design's Gram matrix, so that a prediction's variance is
    /// `s² (1 + 1/n + z̃ᵀ G z̃)` with `z̃` the centred features (the leverage term is the
    /// same for every basic solution of a rank-deficient design: one-hot features).
    struct Uncertainty: Sendable {
        var residualVariance: Double
        var featureMeans: [Double]
        var gramPseudoInverse: Matrix
        var sampleCount: Int
    }

    public func predict(_ features: [Double]) -> Double {
        precondition(features.count == weights.count, "expected \(weights.count) features, got \(features.count)")
        return Self.predict(features, weights: weights, intercept: intercept, logTarget: logTarget)
    }

    /// Fits the model.
    ///
    /// - Parameters:
    ///   - logTarget: fit `log y` (targets must be positive).
    ///   - nonNegativeWeights: constrain `w ≥ 0` (the intercept is free).
    ///   - crossValidationFolds: folds of the cross-validation in the report (`nil`: none).
    ///   - seed: the fold assignment.
    /// - Throws: ``HardwareModelError`` for too few samples or non-positive targets with `logTarget`.
    public static func fit(
        _ samples: ProfiledSamples, logTarget: Bool = false, nonNegativeWeights: Bool = false,
        crossValidationFolds: Int? = 10, seed: UInt64 = 0
    ) throws(HardwareModelError) -> LinearCostModel {
        let design = try CentredDesign(samples, logTarget: logTarget)
        let (weights, intercept) = try solve(design, nonNegative: nonNegativeWeights)
        let uncertainty = nonNegativeWeights ? nil : Self.uncertainty(design, weights: weights)
        let training = ErrorReport(
            predictions: samples.features.map { predict($0, weights: weights, intercept: intercept, logTarget: logTarget) },
            measurements: samples.targets)
        var crossValidation: ErrorReport?
        if let folds = crossValidationFolds, samples.count >= 2 {
            let k = min(folds, samples.count)
            let assignment = foldAssignment(count: samples.count, folds: k, seed: seed)
            var predictions = [Double](repeating: 0, count: samples.count)
            for fold in 0..<k {
                let train = (0..<samples.count).filter { assignment[$0] != fold }
                let test = (0..<samples.count).filter { assignment[$0] == fold }
                let (w, b) = try solve(samples.subset(train), logTarget: logTarget, nonNegative: nonNegativeWeights)
                for i in test { predictions[i] = predict(samples.features[i], weights: w, intercept: b, logTarget: logTarget) }
            }
            crossValidation = ErrorReport(predictions: predictions, measurements: samples.targets)
        }
        let summary = "linear, \(weights.count) features\(logTarget ? ", log target" : "")\(nonNegativeWeights ? ", w ≥ 0" : "")"
        return LinearCostModel(
            featureNames: samples.featureNames, weights: weights, intercept: intercept, logTarget: logTarget,
            fitReport: CostModelReport(training: training, crossValidation: crossValidation, summary: summary),
            uncertainty: uncertainty)
    }

    /// The predictive mean and standard deviation of a new measurement, in the fitted scale
    /// (`log y` with a log target): ordinary least squares' `s² (1 + 1/n + z̃ᵀ(X̃ᵀX̃)⁺z̃)`.
    /// `nil` for a fit with non-negative weights or without residual degrees of freedom.
    public func predictiveDistribution(_ features: [Double]) -> (mean: Double, standardDeviation: Double)? {
        guard let uncertainty, features.count == weights.count else { return nil }
        let centred = zip(features, uncertainty.featureMeans).map { $0 - $1 }
        let projected = uncertainty.gramPseudoInverse.multiplied(by: centred)
        let leverage = zip(centred, projected).reduce(0) { $0 + $1.0 * $1.1 }
        let variance = uncertainty.residualVariance * (1 + 1 / Double(uncertainty.sampleCount) + max(leverage, 0))
        let mean = intercept + zip(weights, features).reduce(0) { $0 + $1.0 * $1.1 }
        return (mean, variance.squareRoot())
    }

    /// The cost between the predictive quantiles at ±`z` standard deviations (z = 1.645: the
    /// central 90% under a normal approximation; Student's t would widen it for few samples),
    /// and the prediction; `nil` where ``predictiveDistribution(_:)`` is.
    public func predictionInterval(_ features: [Double], z: Double) -> (lower: Double, median: Double, upper: Double)? {
        guard let (mean, deviation) = predictiveDistribution(features) else { return nil }
        let back: (Double) -> Double = logTarget ? { exp($0) } : { $0 }
        return (back(mean - z * deviation), back(mean), back(mean + z * deviation))
    }

    /// The predictive distribution's parts from the centred design the weights were fitted on.
    static func uncertainty(_ design: CentredDesign, weights: [Double]) -> Uncertainty? {
        let (n, p) = (design.matrix.rows, design.matrix.columns)
        // The Gram matrix's pseudo-inverse: the minimum-norm least-squares solution of
        // (X̃ᵀX̃) G = I, column by column (dgelsy).
        let gram = Matrix.product(design.matrix, .transposed, design.matrix, .none)
        var inverse = Matrix(rows: p, columns: p)
        var rank = 0
        for column in 0..<p {
            var unit = [Double](repeating: 0, count: p)
            unit[column] = 1
            let solution: LeastSquaresSolution
            do { solution = try leastSquares(gram, unit, reciprocalConditionThreshold: 1e-10) } catch { return nil }
            rank = solution.rank
            for row in 0..<p { inverse[row, column] = solution.coefficients[row] }
        }
        let degrees = n - rank - 1
        guard degrees > 0 else { return nil }
        let fitted = design.matrix.multiplied(by: weights)
        let residuals = zip(design.centredTargets, fitted).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return Uncertainty(residualVariance: residuals / Double(degrees), featureMeans: design.featureMeans,
                           gramPseudoInverse: inverse, sampleCount: n)
    }

    static func predict(_ features: [Double], weights: [Double], intercept: Double, logTarget: Bool) -> Double {
        var value = intercept
        for (weight, feature) in zip(weights, features) { value += weight * feature }
        return logTarget ? exp(value) : value
    }

    static func targets(_ samples: ProfiledSamples, logTarget: Bool) throws(HardwareModelError) -> [Double] {
        guard logTarget else { return samples.targets }
        if let i = samples.targets.firstIndex(where: { $0 <= 0 }) {
            throw .invalidTarget(sample: i, value: samples.targets[i], reason: "is not positive; a log target needs positive values")
        }
        return samples.targets.map { log($0) }
    }

    /// The features and targets less their means (targets in the fitted scale).
    struct CentredDesign {
        let matrix: Matrix
        let featureMeans: [Double]
        let centredTargets: [Double]
        let targetMean: Double

        init(_ samples: ProfiledSamples, logTarget: Bool) throws(HardwareModelError) {
            let y = try LinearCostModel.targets(samples, logTarget: logTarget)
            let n = samples.count
            let p = samples.featureNames.count
            featureMeans = (0..<p).map { j in samples.features.reduce(0) { $0 + $1[j] } / Double(n) }
            targetMean = y.reduce(0, +) / Double(n)
            var centred = Matrix(rows: n, columns: p)
            for i in 0..<n { for j in 0..<p { centred[i, j] = samples.features[i][j] - featureMeans[j] } }
            matrix = centred
            centredTargets = y.map { [targetMean] in $0 - targetMean }
        }
    }

    /// Least squares on centred data; the intercept restores the means.
    static func solve(
        _ samples: ProfiledSamples, logTarget: Bool, nonNegative: Bool
    ) throws(HardwareModelError) -> (weights: [Double], intercept: Double) {
        try solve(CentredDesign(samples, logTarget: logTarget), nonNegative: nonNegative)
    }

    static func solve(_ design: CentredDesign, nonNegative: Bool) throws(HardwareModelError) -> (weights: [Double], intercept: Double) {
        let weights: [Double]
        if nonNegative {
            weights = try nonNegativeLeastSquares(design.matrix, design.centredTargets)
        } else {
            do { weights = try leastSquares(design.matrix, design.centredTargets).coefficients } catch {
                throw .fitFailed(reason: "\(error)")
            }
        }
        let intercept = design.targetMean - zip(weights, design.featureMeans).reduce(0) { $0 + $1.0 * $1.1 }
        return (weights, intercept)
    }

    /// Lawson & Hanson (1974) active-set NNLS: `min ‖Ax − b‖` subject to `x ≥ 0`, each inner
    /// solve by LAPACK least squares on the passive columns.
    static func nonNegativeLeastSquares(_ a: Matrix, _ b: [Double]) throws(HardwareModelError) -> [Double] {
        let p = a.columns
        var x = [Double](repeating: 0, count: p)
        var passive = [Bool](repeating: false, count: p)
        func gradient() -> [Double] {
            let residual = zip(b, a.multiplied(by: x)).map { $0 - $1 }
            return a.multiplied(by: residual, .transposed)
        }
        func solvePassive() throws(HardwareModelError) -> [Double] {
            let columns = (0..<p).filter { passive[$0] }
            var sub = Matrix(rows: a.rows, columns: columns.count)
            for (k, j) in columns.enumerated() { for i in 0..<a.rows { sub[i, k] = a[i, j] } }
            let solution: [Double]
            do { solution = try leastSquares(sub, b).coefficients } catch { throw .fitFailed(reason: "\(error)") }
            var z = [Double](repeating: 0, count: p)
            for (k, j) in columns.enumerated() { z[j] = solution[k] }
            return z
        }
        let tolerance = 1e-12 * max(1, b.map(abs).max() ?? 1)
        for _ in 0..<(3 * p + 10) {
            let w = gradient()
            guard let candidate = (0..<p).filter({ !passive[$0] && w[$0] > tolerance }).max(by: { w[$0] < w[$1] }) else { break }
            passive[candidate] = true
            var z = try solvePassive()
            while (0..<p).contains(where: { passive[$0] && z[$0] <= 0 }) {
                var alpha = Double.infinity
                for j in 0..<p where passive[j] && z[j] <= 0 { alpha = min(alpha, x[j] / (x[j] - z[j])) }
                for j in 0..<p { x[j] += alpha * (z[j] - x[j]) }
                for j in 0..<p where passive[j] && x[j] <= 1e-15 { passive[j] = false; x[j] = 0 }
                z = try solvePassive()
            }
            x = z
        }
        return x
    }
}
