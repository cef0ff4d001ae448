import Foundation
import GaussianProcess
import LinearAlgebra

/// A Gaussian-process cost model: a GP with a Matérn-5/2 ARD kernel on the features, each
/// scaled to [0, 1] by its training range, fitted to `log y` by default (costs are positive
/// and their errors relative), hyper-parameters by maximum a posteriori with the GP module's
/// default priors (`GaussianProcess.fit`).
///
/// Unlike the linear and polynomial models it captures interactions without choosing them, and
/// it says how sure it is: ``predictiveDistribution(_:)`` gives the predictive mean and standard
/// deviation (measurement noise included) in the fitted scale, ``predictionInterval(_:z:)``
/// the cost between two quantiles. A prediction is the predictive median (`exp` of the mean
/// with a log target).
///
/// - Complexity: a fit is O(n³) per likelihood evaluation, a few hundred evaluations; a
///   prediction O(n·d + n²).
public struct GaussianProcessCostModel: CostModel {
    public let featureNames: [String]
    /// Whether the GP models `log y`.
    public let logTarget: Bool
    public let fitReport: CostModelReport
    let model: GaussianProcess
    let minimum: [Double]
    let range: [Double]

    /// Fits the model.
    ///
    /// - Parameters:
    ///   - logTarget: model `log y` (every target must be positive).
    ///   - crossValidationFolds: folds of the cross-validation in the report (`nil`: none; each
    ///     fold is a full fit).
    ///   - seed: the fit's random restarts and the fold assignment.
    /// - Throws: ``HardwareModelError`` for fewer than 3 samples, non-positive targets with
    ///   `logTarget`, or a fit that fails.
    public static func fit(
        _ samples: ProfiledSamples, logTarget: Bool = true, crossValidationFolds: Int? = 5, seed: UInt64 = 0
    ) throws(HardwareModelError) -> GaussianProcessCostModel {
        guard samples.count >= 3 else { throw .notEnoughSamples(needed: 3, given: samples.count) }
        if logTarget, let bad = samples.targets.firstIndex(where: { !($0 > 0) }) {
            throw .invalidTarget(sample: bad, value: samples.targets[bad], reason: "must be positive for a log target")
        }
        let (model, minimum, range) = try fitGP(samples, logTarget: logTarget, seed: seed)
        func predictor(_ model: GaussianProcess, _ minimum: [Double], _ range: [Double]) -> ([Double]) -> Double {
            { features in median(model: model, minimum: minimum, range: range, logTarget: logTarget, features: features) }
        }
        let predict = predictor(model, minimum, range)
        let training = ErrorReport(predictions: samples.features.map(predict), measurements: samples.targets)
        var crossValidation: ErrorReport?
        if let folds = crossValidationFolds, samples.count >= 6 {
            let k = min(folds, samples.count / 3)
            let assignment = foldAssignment(count: samples.count, folds: k, seed: seed)
            var predictions = [Double](repeating: 0, count: samples.count)
            for fold in 0..<k {
                let train = (0..<samples.count).filter { assignment[$0] != fold }
                let (foldModel, foldMinimum, foldRange) = try fitGP(samples.subset(train), logTarget: logTarget, seed: seed &+ UInt64(fold))
                let foldPredict = predictor(foldModel, foldMinimum, foldRange)
                for i in (0..<samples.count) where assignment[i] == fold { predictions[i] = foldPredict(samples.features[i]) }
            }
            crossValidation = ErrorReport(predictions: predictions, measurements: samples.targets)
        }
        let noise = model.hyperparameters.noiseVariance * model.outputScale * model.outputScale
        let summary = String(format: "Gaussian process, Matérn-5/2 ARD on %d features%@, noise σ %.3g",
                             samples.featureNames.count, logTarget ? ", log target" : "", noise.squareRoot())
        return GaussianProcessCostModel(
            featureNames: samples.featureNames, logTarget: logTarget,
            fitReport: CostModelReport(training: training, crossValidation: crossValidation, summary: summary),
            model: model, minimum: minimum, range: range)
    }

    static func fitGP(
        _ samples: ProfiledSamples, logTarget: Bool, seed: UInt64
    ) throws(HardwareModelError) -> (GaussianProcess, [Double], [Double]) {
        let d = samples.featureNames.count
        let minimum = (0..<d).map { j in samples.features.map { $0[j] }.min() ?? 0 }
        let maximum = (0..<d).map { j in samples.features.map { $0[j] }.max() ?? 0 }
        let range = zip(minimum, maximum).map { $1 > $0 ? $1 - $0 : 1 }
        let inputs = Matrix(rowMajor: samples.features.map { scaled($0, minimum: minimum, range: range) })
        let targets = logTarget ? samples.targets.map(log) : samples.targets
        do {
            let fit = try GaussianProcess.fit(inputs: inputs, targets: targets, options: GaussianProcessFitOptions(seed: seed))
            return (fit.model, minimum, range)
        } catch {
            throw .fitFailed(reason: "the Gaussian process: \(error)")
        }
    }

    static func scaled(_ features: [Double], minimum: [Double], range: [Double]) -> [Double] {
        (0..<features.count).map { (features[$0] - minimum[$0]) / range[$0] }
    }

    static func median(model: GaussianProcess, minimum: [Double], range: [Double], logTarget: Bool, features: [Double]) -> Double {
        let point = scaled(features, minimum: minimum, range: range)
        guard let posterior = try? model.posterior(at: Matrix(rowMajor: [point])) else { return .nan }
        return logTarget ? exp(posterior.mean[0]) : posterior.mean[0]
    }

    /// The predicted cost (the predictive median); NaN for features of the wrong count or not finite.
    public func predict(_ features: [Double]) -> Double {
        guard features.count == featureNames.count else { return .nan }
        return Self.median(model: model, minimum: minimum, range: range, logTarget: logTarget, features: features)
    }

    /// The predictive mean and standard deviation, measurement noise included, in the fitted
    /// scale (`log y` with a log target); NaN for features of the wrong count or not finite.
    public func predictiveDistribution(_ features: [Double]) -> (mean: Double, standardDeviation: Double) {
        guard features.count == featureNames.count,
              let posterior = try? model.posterior(at: Matrix(rowMajor: [Self.scaled(features, minimum: minimum, range: range)]))
        else { return (.nan, .nan) }
        let noise = model.hyperparameters.noiseVariance * model.outputScale * model.outputScale
        return (posterior.mean[0], (posterior.variance[0] + noise).squareRoot())
    }

    /// The cost between the predictive quantiles at ±`z` standard deviations (z = 1.645: the
    /// central 90%), and its median.
    public func predictionInterval(_ features: [Double], z: Double) -> (lower: Double, median: Double, upper: Double) {
        let (mean, deviation) = predictiveDistribution(features)
        let back: (Double) -> Double = logTarget ? { exp($0) } : { $0 }
        return (back(mean - z * deviation), back(mean), back(mean + z * deviation))
    }
}
