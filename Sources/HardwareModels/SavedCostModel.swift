import Foundation
import GaussianProcess
import LinearAlgebra

/// A fitted cost model as a file — what `hyperpower cost-model … --save model.json` writes —
/// with the inputs it was fitted on declared: numeric columns pass through, categorical ones
/// are one-hot encoded over the values seen in training. Load it with ``load(from:)`` and use
/// it like the model it holds (`Constraint.known(…, predictedBy: saved) { config in … }`), or
/// give it a row of named values (``predict(row:)``).
///
/// The file is JSON: the format, the target, the inputs, the feature names, the fitted
/// parameters of a linear, sparse polynomial or Gaussian-process model, and its fit report.
public struct SavedCostModel: CostModel, Codable {
    /// The file format this library writes.
    public static let currentFormat = 1

    /// An input column and how it becomes features.
    public enum Input: Codable, Sendable, Equatable {
        /// A number, used as it is (one feature named after the column).
        case numeric(name: String)
        /// A category, one-hot encoded: a feature `name=value` per value seen in training.
        case categorical(name: String, values: [String])

        /// The column's name.
        public var name: String {
            switch self {
            case let .numeric(name), let .categorical(name, _): return name
            }
        }
    }

    /// The fitted parameters.
    enum Parameters: Codable, Sendable {
        case linear(weights: [Double], intercept: Double, logTarget: Bool)
        case polynomial(expansion: PolynomialExpansion, means: [Double], scales: [Double], coefficients: [Double],
                        intercept: Double, logTarget: Bool)
        case gaussianProcess(inputs: [[Double]], targets: [Double], hyperparameters: GaussianProcessHyperparameters,
                             minimum: [Double], range: [Double], logTarget: Bool)
    }

    public let format: Int
    /// The column the model predicts.
    public let target: String
    /// The input columns, in order; their features are ``featureNames``.
    public let inputs: [Input]
    public let featureNames: [String]
    public let fitReport: CostModelReport
    let parameters: Parameters
    /// The model rebuilt from the parameters.
    let model: any CostModel

    enum CodingKeys: String, CodingKey { case format, target, inputs, featureNames, fitReport, parameters }

    /// A saved form of `model`, fitted on features built from `inputs` (their features must be
    /// the model's, in order).
    ///
    /// - Throws: ``HardwareModelError/malformedTable(reason:)`` when the inputs' features are not
    ///   the model's, or the model is not one of the library's.
    public init(_ model: any CostModel, target: String, inputs: [Input]) throws(HardwareModelError) {
        let names = Self.featureNames(of: inputs)
        guard names == model.featureNames else {
            throw .malformedTable(reason: "the inputs give the features \(names), the model has \(model.featureNames)")
        }
        let parameters: Parameters
        switch model {
        case let linear as LinearCostModel:
            parameters = .linear(weights: linear.weights, intercept: linear.intercept, logTarget: linear.logTarget)
        case let polynomial as SparsePolynomialCostModel:
            parameters = .polynomial(
                expansion: polynomial.expansion, means: polynomial.means, scales: polynomial.scales,
                coefficients: polynomial.coefficients, intercept: polynomial.intercept, logTarget: polynomial.logTarget)
        case let gp as GaussianProcessCostModel:
            parameters = .gaussianProcess(
                inputs: (0..<gp.model.inputs.rows).map { gp.model.inputs.row($0) }, targets: gp.model.targets,
                hyperparameters: gp.model.hyperparameters, minimum: gp.minimum, range: gp.range, logTarget: gp.logTarget)
        default:
            throw .malformedTable(reason: "a \(type(of: model)) cannot be saved")
        }
        self.format = Self.currentFormat
        self.target = target
        self.inputs = inputs
        self.featureNames = names
        self.fitReport = model.fitReport
        self.parameters = parameters
        self.model = model
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(Int.self, forKey: .format)
        guard format <= Self.currentFormat else {
            throw DecodingError.dataCorruptedError(
                forKey: .format, in: container, debugDescription: "format \(format) is newer than this library's \(Self.currentFormat)")
        }
        target = try container.decode(String.self, forKey: .target)
        inputs = try container.decode([Input].self, forKey: .inputs)
        featureNames = try container.decode([String].self, forKey: .featureNames)
        fitReport = try container.decode(CostModelReport.self, forKey: .fitReport)
        parameters = try container.decode(Parameters.self, forKey: .parameters)
        guard Self.featureNames(of: inputs) == featureNames else {
            throw DecodingError.dataCorruptedError(
                forKey: .featureNames, in: container, debugDescription: "the inputs do not give the feature names")
        }
        do { model = try Self.rebuild(parameters, featureNames: featureNames, fitReport: fitReport) } catch {
            throw DecodingError.dataCorruptedError(forKey: .parameters, in: container, debugDescription: "\(error)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encode(target, forKey: .target)
        try container.encode(inputs, forKey: .inputs)
        try container.encode(featureNames, forKey: .featureNames)
        try container.encode(fitReport, forKey: .fitReport)
        try container.encode(parameters, forKey: .parameters)
    }

    static func rebuild(_ parameters: Parameters, featureNames: [String], fitReport: CostModelReport) throws -> any CostModel {
        let p = featureNames.count
        switch parameters {
        case let .linear(weights, intercept, logTarget):
            guard weights.count == p else { throw HardwareModelError.malformedTable(reason: "\(weights.count) weights for \(p) features") }
            return LinearCostModel(featureNames: featureNames, weights: weights, intercept: intercept, logTarget: logTarget,
                                   fitReport: fitReport, uncertainty: nil)
        case let .polynomial(expansion, means, scales, coefficients, intercept, logTarget):
            guard expansion.logOf.count >= p, [means.count, scales.count, coefficients.count].allSatisfy({ $0 == expansion.count }) else {
                throw HardwareModelError.malformedTable(reason: "the polynomial's terms do not match")
            }
            return SparsePolynomialCostModel(
                featureNames: featureNames, fitReport: fitReport, degree: expansion.exponents.map { $0.reduce(0, +) }.max() ?? 0,
                lambda: .nan, activeTerms: coefficients.indices.filter { coefficients[$0] != 0 }.map { (expansion.name(of: $0), coefficients[$0]) },
                expansion: expansion, means: means, scales: scales, coefficients: coefficients, intercept: intercept, logTarget: logTarget)
        case let .gaussianProcess(inputs, targets, hyperparameters, minimum, range, logTarget):
            guard inputs.allSatisfy({ $0.count == p }), minimum.count == p, range.count == p, inputs.count == targets.count else {
                throw HardwareModelError.malformedTable(reason: "the Gaussian process's data do not match \(p) features")
            }
            let model = try GaussianProcess(inputs: Matrix(rowMajor: inputs), targets: targets, kernel: Matern52Kernel(),
                                            hyperparameters: hyperparameters)
            return GaussianProcessCostModel(featureNames: featureNames, logTarget: logTarget, fitReport: fitReport,
                                            model: model, minimum: minimum, range: range)
        }
    }

    /// The feature names that `inputs` encode to.
    public static func featureNames(of inputs: [Input]) -> [String] {
        inputs.flatMap { input -> [String] in
            switch input {
            case let .numeric(name): return [name]
            case let .categorical(name, values): return values.map { "\(name)=\($0)" }
            }
        }
    }

    public func predict(_ features: [Double]) -> Double {
        guard features.count == featureNames.count else { return .nan }
        return model.predict(features)
    }

    /// The features of a row of named input values: numbers for numeric inputs, values seen in
    /// training for categorical ones.
    ///
    /// - Throws: ``HardwareModelError/unknownFeature(_:)`` for a missing input;
    ///   ``HardwareModelError/malformedTable(reason:)`` for a number that does not parse or a
    ///   category the model never saw.
    public func features(row: [String: String]) throws(HardwareModelError) -> [Double] {
        var features: [Double] = []
        for input in inputs {
            guard let raw = row[input.name]?.trimmingCharacters(in: .whitespaces) else { throw .unknownFeature(input.name) }
            switch input {
            case let .numeric(name):
                guard let value = Double(raw), value.isFinite else {
                    throw .malformedTable(reason: "input '\(name)': '\(raw)' is not a finite number")
                }
                features.append(value)
            case let .categorical(name, values):
                guard values.contains(raw) else {
                    throw .malformedTable(reason: "input '\(name)': '\(raw)' was not seen in training (\(values.joined(separator: ", ")))")
                }
                features += values.map { $0 == raw ? 1 : 0 }
            }
        }
        return features
    }

    /// The prediction for a row of named input values (``features(row:)``).
    public func predict(row: [String: String]) throws(HardwareModelError) -> Double { predict(try features(row: row)) }

    /// Writes the model as JSON.
    public func write(to url: URL) throws(HardwareModelError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { try encoder.encode(self).write(to: url, options: .atomic) } catch {
            throw .malformedTable(reason: "cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// Reads a model written by ``write(to:)``.
    ///
    /// - Throws: ``HardwareModelError/malformedTable(reason:)`` naming the file and what is wrong.
    public static func load(from url: URL) throws(HardwareModelError) -> SavedCostModel {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .malformedTable(reason: "cannot read \(url.path): \(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try decoder.decode(SavedCostModel.self, from: data) } catch {
            throw .malformedTable(reason: "\(url.path) is not a saved cost model: \(error)")
        }
    }
}
