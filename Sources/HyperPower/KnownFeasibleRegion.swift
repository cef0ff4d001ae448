import Acquisition
import Foundation
import NumericalOptimization
import Synchronization

/// HyperPower's gate as a `FeasibleRegion`: the points of the unit cube whose configuration
/// every known constraint's prediction accepts (its bound tightened by its safety margin).
///
/// The margin of a point is the smallest slack of the known constraints, each divided by the
/// spread (standard deviation) of its predictions over 256 uniform samples, so that constraints
/// in watts and in bytes compare; negative outside.
public struct KnownFeasibleRegion: FeasibleRegion {
    /// The search space whose points are decoded.
    public let space: SearchSpace
    /// The known constraints (observed ones are not part of the region).
    public let constraints: [Constraint]
    let seed: UInt64
    /// Each known constraint's spread of predictions, by name, computed when a margin first
    /// needs it (a study that never asks for margins never calls its predictors for them).
    private let scales = ScaleCache()
    /// The known constraints' predictions at the points of a discrete space asked so far (at
    /// most ``PredictionCache/limit`` of them): a sampler that scores every configuration of
    /// an enumerable space calls the predictors once per configuration, not once per
    /// suggestion. Predictors are taken to be functions of the configuration.
    private let predictionCache: PredictionCache?
    /// Learned corrections of calibrated constraints' predictors, by constraint name (none
    /// until the sampler has fitted them: ``corrected(by:)``).
    public private(set) var corrections: [String: CostCorrection] = [:] {
        didSet { correctionList = constraints.map { corrections[$0.name] } }
    }
    /// ``corrections`` in the order of ``constraints``: the margins read them without hashing a name.
    private var correctionList: [CostCorrection?] = []

    /// The region of `constraints`' known members over `space`.
    public init(space: SearchSpace, constraints: [Constraint], seed: UInt64 = 0) {
        self.space = space
        self.constraints = constraints.filter(\.isKnown)
        self.seed = seed
        let discrete = space.cardinality.map { $0 <= PredictionCache.limit } ?? false
        predictionCache = discrete && !self.constraints.isEmpty ? PredictionCache() : nil
    }

    /// The standard deviation of each constraint's predictions over 256 uniform samples (1 if
    /// flat), in the order of ``constraints``.
    ///
    /// - Complexity: 256 predictions per constraint, once per region (its copies share them).
    func constraintScales() -> [Double] {
        scales.values {
            constraints.map { constraint in
                var generator = SeededGenerator(seed: seed ^ 0x5CA1E)
                let values = (0..<256).compactMap { _ -> Double? in
                    let point = (0..<space.encodedDimension).map { _ in generator.nextUniform() }
                    let value = constraint.prediction(for: space.decode(point))!
                    return value.isFinite ? value : nil
                }
                let mean = values.reduce(0, +) / Double(max(values.count, 1))
                let deviation = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(values.count - 1, 1))).squareRoot()
                return deviation > 0 && deviation.isFinite ? deviation : 1
            }
        }
    }

    /// Whether there is a known constraint (otherwise the region is the whole cube).
    public var hasBoundary: Bool { !constraints.isEmpty }

    /// This region with calibrated constraints' predictors corrected: the gate then tests each
    /// corrected constraint's `(1 − δ)` quantile of the cost instead of its prediction.
    public func corrected(by corrections: [String: CostCorrection]) -> KnownFeasibleRegion {
        var copy = self
        copy.corrections = corrections
        return copy
    }

    /// The value the gate tests for a constraint: its prediction, or, for a corrected one, the
    /// corrected cost's quantile on the unsafe side (upper for `atMost`).
    func gateValue(of index: Int, prediction: Double, at point: [Double]?) -> Double {
        guard !correctionList.isEmpty, let correction = correctionList[index], let point, prediction.isFinite else { return prediction }
        return correction.quantile(prediction: prediction, at: point, direction: constraints[index].direction)
    }

    /// Whether the configuration at a point of the unit cube passes every known constraint.
    public func contains(_ point: [Double]) -> Bool {
        if constraints.isEmpty { return true }
        let configuration = space.decode(point)
        return constraints.indices.allSatisfy { index in
            constraints[index].passesGate(gateValue(of: index, prediction: constraints[index].prediction(for: configuration)!, at: point))
        }
    }

    /// ``contains(_:)`` for many points: the corrections' residual models answer for all the
    /// points in one posterior each.
    public func contains(points: [[Double]]) -> [Bool] {
        if constraints.isEmpty { return [Bool](repeating: true, count: points.count) }
        let cached = predictionCache?.predictions(for: points, space: space, constraints: constraints)
        let configurations = cached == nil ? points.map(space.decode) : []
        var inside = [Bool](repeating: true, count: points.count)
        for (c, constraint) in constraints.enumerated() {
            let candidates = inside.indices.filter { inside[$0] }
            guard !candidates.isEmpty else { break }
            let predictions = cached.map { table in candidates.map { table[$0][c] } }
                ?? constraint.predictions(for: candidates.map { configurations[$0] })!
            guard let correction = corrections[constraint.name] else {
                for (k, index) in candidates.enumerated() where !constraint.passesGate(predictions[k]) { inside[index] = false }
                continue
            }
            let residuals = correction.residuals(candidates.map { points[$0] })
            for (k, index) in candidates.enumerated() {
                let value = predictions[k].isFinite
                    ? correction.quantile(prediction: predictions[k], residual: residuals[k], direction: constraint.direction)
                    : predictions[k]
                if !constraint.passesGate(value) { inside[index] = false }
            }
        }
        return inside
    }

    /// Whether every known constraint's prediction for `configuration` passes the gate
    /// (corrected where ``corrections`` say so).
    public func contains(_ configuration: Configuration) -> Bool {
        let point = corrections.isEmpty ? nil : try? space.encode(configuration)
        return constraints.indices.allSatisfy { index in
            constraints[index].passesGate(gateValue(of: index, prediction: constraints[index].prediction(for: configuration)!, at: point))
        }
    }

    /// The smallest scaled slack of the known constraints at a point (negative outside,
    /// `−∞` where a prediction is not finite).
    public func margin(_ point: [Double]) -> Double { margins(point).min() ?? .infinity }

    /// Each known constraint's scaled slack at a point (negative outside, `−∞` where a
    /// prediction is not finite), in the order of ``constraints``.
    public func margins(_ point: [Double]) -> [Double] {
        let configuration = space.decode(point)
        let scales = constraintScales()
        return constraints.indices.map { index in
            let constraint = constraints[index]
            guard let prediction = constraint.prediction(for: configuration), prediction.isFinite else { return -.infinity }
            let value = gateValue(of: index, prediction: prediction, at: point)
            guard value.isFinite else { return -.infinity }
            let slack = constraint.direction == .atMost ? constraint.gateBound - value : value - constraint.gateBound
            return slack / scales[index]
        }
    }

    /// Every known constraint's prediction for a configuration, by name.
    public func predictions(for configuration: Configuration) -> [String: Double] {
        var predictions: [String: Double] = [:]
        for constraint in constraints { predictions[constraint.name] = constraint.prediction(for: configuration) }
        return predictions
    }

    /// The share of the search space the gate admits: every known constraint together and
    /// each alone, estimated on `samples` uniform configurations (one batch of predictions
    /// per constraint). The dashboard and the report show it; a study records it with
    /// ``Study/recordAdmittedShares(samples:)``.
    public func admittedShares(samples: Int = 4_096) -> (all: Double, byConstraint: [String: Double]) {
        guard hasBoundary, samples > 0 else { return (1, [:]) }
        var generator = SeededGenerator(seed: seed ^ 0x5AA4E)
        let configurations = (0..<samples).map { _ in
            space.decode((0..<space.encodedDimension).map { _ in generator.nextUniform() })
        }
        var jointly = [Bool](repeating: true, count: samples)
        var shares: [String: Double] = [:]
        for constraint in constraints {
            let predictions = constraint.predictions(for: configurations)!
            var admitted = 0
            for (k, prediction) in predictions.enumerated() {
                if constraint.passesGate(prediction) { admitted += 1 } else { jointly[k] = false }
            }
            shares[constraint.name] = Double(admitted) / Double(samples)
        }
        return (Double(jointly.filter { $0 }.count) / Double(samples), shares)
    }

    /// Why the region looks empty: how many uniform samples pass every known constraint
    /// jointly, and each known constraint's range of predictions and rejections over them,
    /// against its bound (constraints that each pass often can still exclude each other).
    /// `effort` says what else was tried.
    func emptinessDiagnosis(samples: Int = 10_000, effort: String? = nil) -> HyperPowerError {
        var generator = SeededGenerator(seed: seed ^ 0xD1A6_0515)
        let configurations = (0..<samples).map { _ in
            space.decode((0..<space.encodedDimension).map { _ in generator.nextUniform() })
        }
        let jointly = configurations.filter(contains).count
        var parts = ["\(jointly) of \(samples) uniform samples pass every known constraint jointly"]
        for constraint in constraints {
            let values = configurations.map { constraint.prediction(for: $0)! }
            let finite = values.filter(\.isFinite)
            let rejected = values.filter { !constraint.passesGate($0) }.count
            let range = finite.isEmpty
                ? "no finite prediction"
                : "predicts \(TrialLog.format(finite.min()!))–\(TrialLog.format(finite.max()!))"
            let side = constraint.direction == .atMost ? "at most" : "at least"
            let margin = constraint.safetyMargin > 0 ? " with a safety margin of \(TrialLog.format(100 * constraint.safetyMargin))%" : ""
            parts.append("'\(constraint.name)' \(range) over \(samples) samples and rejects \(rejected); "
                + "the bound is \(side) \(TrialLog.format(constraint.bound))\(margin)")
        }
        if let effort { parts.append(effort) }
        return .knownFeasibleRegionEmpty(details: parts.joined(separator: "; "))
    }
}

/// A learned correction of a known constraint's predictor: the residual of the predictor
/// (`log(measured) − log(predicted)` on the logarithmic scale, `measured − predicted` on the
/// linear one) as a Gaussian distribution at each point of the unit cube, and the probability
/// δ of breaking the bound that a proposal may have.
public struct CostCorrection: Sendable {
    /// Where the residual is taken.
    public enum Scale: Sendable, Equatable {
        /// `log(max(cost, 0) + offset)` (plain `log(cost)` at offset 0): relative errors for costs well above the offset, absolute
        /// ones (over the offset) below it, so that a near-zero prediction of a cheap
        /// configuration, far from any bound, does not dominate the residuals.
        case logarithmic(offset: Double)
        /// Absolute errors.
        case linear

        /// The scale's transform of a cost (NaN where it is not defined).
        public func transform(_ cost: Double) -> Double {
            switch self {
            case let .logarithmic(offset):
                if offset > 0 { return cost.isNaN ? .nan : log(max(cost, 0) + offset) }
                return cost > 0 ? log(cost) : .nan
            case .linear: return cost
            }
        }

        /// The cost of a transformed value.
        public func inverse(_ value: Double) -> Double {
            switch self {
            case let .logarithmic(offset): return exp(value) - offset
            case .linear: return value
            }
        }
    }

    public var scale: Scale
    /// δ.
    public var violationProbability: Double
    /// The residual's predictive mean and standard deviation (measurement noise included) at
    /// points of the unit cube, for a batch at once (one GP posterior).
    public var residuals: @Sendable ([[Double]]) -> [(mean: Double, standardDeviation: Double)]

    /// A correction whose residual model answers for a batch of points.
    public init(
        scale: Scale, violationProbability: Double,
        residuals: @escaping @Sendable ([[Double]]) -> [(mean: Double, standardDeviation: Double)]
    ) {
        self.scale = scale
        self.violationProbability = violationProbability
        self.residuals = residuals
    }

    /// A correction whose residual model answers point by point.
    public init(
        scale: Scale, violationProbability: Double,
        residual: @escaping @Sendable ([Double]) -> (mean: Double, standardDeviation: Double)
    ) {
        self.init(scale: scale, violationProbability: violationProbability, residuals: { $0.map(residual) })
    }

    /// The residual at one point.
    public func residual(_ point: [Double]) -> (mean: Double, standardDeviation: Double) { residuals([point])[0] }

    /// The corrected cost's median and its central `1 − 2δ` interval at a point. A prediction
    /// the scale cannot transform is returned as it is.
    public func interval(prediction: Double, at point: [Double]) -> (mean: Double, lower: Double, upper: Double) {
        interval(prediction: prediction, residual: residual(point))
    }

    /// The interval for a residual already computed.
    func interval(prediction: Double, residual: (mean: Double, standardDeviation: Double)) -> (mean: Double, lower: Double, upper: Double) {
        let transformed = scale.transform(prediction)
        guard transformed.isFinite else { return (prediction, prediction, prediction) }
        let z = normalQuantile(1 - violationProbability)
        let centre = transformed + residual.mean
        return (scale.inverse(centre), scale.inverse(centre - z * residual.standardDeviation),
                scale.inverse(centre + z * residual.standardDeviation))
    }

    /// The probability that the corrected cost meets `bound` in `direction` at a point (1 or 0
    /// without spread; 1 for a prediction the scale cannot transform, as the gate treats it).
    public func probabilityOfMeeting(
        _ bound: Double, prediction: Double, at point: [Double], direction: ConstraintDirection
    ) -> Double {
        let transformedPrediction = scale.transform(prediction)
        let transformedBound = scale.transform(bound)
        guard transformedPrediction.isFinite, transformedBound.isFinite else { return 1 }
        let (mean, deviation) = residual(point)
        let slack = direction == .atMost
            ? transformedBound - transformedPrediction - mean : transformedPrediction + mean - transformedBound
        guard deviation > 0 else { return slack >= 0 ? 1 : 0 }
        return normalCDF(slack / deviation)
    }

    /// The corrected cost's quantile on the side that breaks a bound in `direction`: the
    /// `1 − δ` quantile for `atMost`, the `δ` quantile for `atLeast`.
    public func quantile(prediction: Double, at point: [Double], direction: ConstraintDirection) -> Double {
        quantile(prediction: prediction, residual: residual(point), direction: direction)
    }

    func quantile(prediction: Double, residual: (mean: Double, standardDeviation: Double), direction: ConstraintDirection) -> Double {
        let bounds = interval(prediction: prediction, residual: residual)
        return direction == .atMost ? bounds.upper : bounds.lower
    }
}

extension SearchSpace: PointRounding {
    /// Whether any parameter is not real (integers, powers of two, ordinals, categories).
    public var hasDiscreteDimensions: Bool {
        parameters.contains { parameter in
            if case .real = parameter { return false }
            return true
        }
    }

    /// Whether the column belongs to a real parameter.
    public func isContinuous(dimension: Int) -> Bool {
        decodeSteps.contains { step in
            if case let .real(column, _, _) = step { return column == dimension }
            return false
        }
    }
}

/// Known constraints' predictions by canonical point of a discrete space, shared by copies of
/// the region.
final class PredictionCache: Sendable {
    /// The most configurations a space may have for its predictions to be kept (an enumerable
    /// space, as the acquisition maximiser enumerates it).
    static let limit = 100_000
    private let table = Mutex<[[Double]: [Double]]>([:])
    /// The last batch asked and its answer: the maximiser asks for its space's whole
    /// enumeration (one shared array) at every suggestion, and comparing that array with itself
    /// is immediate where hashing its points took a fifth of a NAS-Bench-201 suggestion.
    private let last = Mutex<(points: [[Double]], predictions: [[Double]])?>(nil)

    /// Each point's predictions, one per constraint in order; the points not seen before are
    /// decoded and predicted in one batch per constraint.
    func predictions(for points: [[Double]], space: SearchSpace, constraints: [Constraint]) -> [[Double]] {
        if let repeated = last.withLock({ $0 }), repeated.points == points { return repeated.predictions }
        let answer = lookUp(points, space: space, constraints: constraints)
        last.withLock { $0 = (points, answer) }
        return answer
    }

    private func lookUp(_ points: [[Double]], space: SearchSpace, constraints: [Constraint]) -> [[Double]] {
        var known = table.withLock { stored in points.map { stored[$0] } }
        let missing = known.indices.filter { known[$0] == nil }
        guard !missing.isEmpty else { return known.map { $0! } }
        // Outside the lock: predictors are user code.
        let configurations = missing.map { space.decode(points[$0]) }
        let columns = constraints.map { $0.predictions(for: configurations)! }
        table.withLock { stored in
            for (k, index) in missing.enumerated() {
                let values = columns.map { $0[k] }
                known[index] = values
                if stored.count < Self.limit { stored[points[index]] = values }
            }
        }
        return known.map { $0! }
    }
}

/// Values computed once per key and shared by copies of the region (it is a value type used
/// from several tasks).
private final class ScaleCache: Sendable {
    private let stored = Mutex<[Double]?>(nil)

    func values(compute: () -> [Double]) -> [Double] {
        if let known = stored.withLock({ $0 }) { return known }
        let computed = compute()  // outside the lock: predictors are user code
        return stored.withLock { stored in
            if let raced = stored { return raced }
            stored = computed
            return computed
        }
    }
}
