import Foundation
import HardwareModels
import HyperPower
import Yams

/// A study described in a file (JSON, or YAML — a superset): the search space, the objective,
/// the constraints, the budget, the seed and the storage; what `hyperpower run` optimises.
///
/// ```yaml
/// objective: {name: validation_error, direction: minimize}
/// # or, for the Pareto front of several (the command reports each):
/// # objectives: [{name: validation_error}, {name: energy_j}]
/// parameters:
///   - {name: learning_rate, type: real, low: 0.0001, high: 0.1, log: true}
///   - {name: width, type: powerOfTwo, low: 16, high: 256}
///   - {name: activation, type: categorical, choices: [relu, tanh]}
/// constraints:
///   - {name: latency_ms, atMost: 5, model: latency.json, calibrated: true}   # known: a saved cost model
///   - {name: memory_mb, atMost: 200}                                        # observed: the command reports it
///   - {name: flops_g, atMost: 2, predictor: "python3 flops.py"}              # known: a program, once per batch
/// budget: 30
/// seed: 0
/// initialDesign: 10      # optional: space-filling points before the model (default: the library's)
/// storage: study.jsonl
/// ```
///
/// Paths (`model`, `storage`) are relative to the file's folder. Every error names the key it
/// is about (`parameters[1].low`), and YAML syntax errors their line.
public struct StudyFile: Sendable {
    /// The objectives (name and direction), the first the primary one: the command reports it
    /// under its name or `objective`, and the others under theirs. Several (`objectives:` in
    /// the file) make the study search their Pareto front.
    public var objectives: [Objective]
    /// The primary objective.
    public var objective: Objective {
        get { objectives[0] }
        set { objectives[0] = newValue }
    }
    /// The search space.
    public var space: SearchSpace
    /// The constraints, known (a saved cost model) or observed (reported by the command).
    public var constraints: [Constraint]
    /// Evaluations of the study (across resumes: a study budget).
    public var budget: Int
    /// The seed.
    public var seed: UInt64
    /// Points of the space-filling initial design; `nil`: the library's default
    /// (``SpaceFillingDesign/defaultSize(space:objectiveCount:)``).
    public var initialDesign: Int? = nil
    /// The journal, if any (absolute).
    public var storage: URL?

    /// What is wrong with a study file.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        /// The key path (`parameters[1].low`), or empty for the whole file.
        public var key: String
        public var reason: String
        public var description: String { key.isEmpty ? reason : "\(key): \(reason)" }
    }

    /// Reads a study file; `.json` files are JSON, everything else YAML.
    ///
    /// - Throws: ``Problem`` naming the key (or line) that is wrong.
    public static func load(from url: URL) throws -> StudyFile {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw Problem(key: "", reason: "cannot read \(url.path): \(error.localizedDescription)")
        }
        return try parse(text, json: url.pathExtension.lowercased() == "json", directory: url.deletingLastPathComponent())
    }

    /// Parses the text of a study file; relative paths are resolved against `directory`.
    public static func parse(_ text: String, json: Bool, directory: URL) throws -> StudyFile {
        let raw: Raw
        do {
            if json {
                raw = try JSONDecoder().decode(Raw.self, from: Data(text.utf8))
            } else {
                raw = try YAMLDecoder().decode(Raw.self, from: text)
            }
        } catch let error as DecodingError {
            throw problem(error)
        } catch let error as YamlError {
            throw Problem(key: "", reason: "not valid YAML: \(error)")
        } catch {
            throw Problem(key: "", reason: "not a valid study file: \(error)")
        }
        return try raw.resolved(directory: directory)
    }

    /// A path of the file: absolute as written, else relative to the file's folder.
    static func resolve(_ path: String, in directory: URL) -> URL {
        (path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)).standardizedFileURL
    }

    static func problem(_ error: DecodingError) -> Problem {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.reduce("") { path, key in
                if let index = key.intValue { return path + "[\(index)]" }
                return path.isEmpty ? key.stringValue : path + "." + key.stringValue
            }
        }
        switch error {
        case let .keyNotFound(key, context):
            let parent = path(context.codingPath)
            return Problem(key: parent.isEmpty ? key.stringValue : "\(parent).\(key.stringValue)", reason: "is required")
        case let .typeMismatch(type, context):
            return Problem(key: path(context.codingPath), reason: "expected \(describe(type))")
        case let .valueNotFound(type, context):
            return Problem(key: path(context.codingPath), reason: "expected \(describe(type)), found nothing")
        case let .dataCorrupted(context):
            if let yaml = context.underlyingError as? YamlError { return Problem(key: "", reason: "not valid YAML: \(yaml)") }
            return Problem(key: path(context.codingPath), reason: context.debugDescription)
        @unknown default:
            return Problem(key: "", reason: "\(error)")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Int.Type, is UInt64.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default: return "\(type)".hasPrefix("Array") ? "a list" : "a mapping"
        }
    }

    // MARK: - The file as written

    struct Raw: Decodable {
        var objective: RawObjective?
        var objectives: [RawObjective]?
        var parameters: [RawParameter]
        var constraints: [RawConstraint]?
        var budget: Int
        var seed: UInt64?
        var initialDesign: Int?
        var storage: String?

        func resolved(directory: URL) throws -> StudyFile {
            if objective != nil, objectives != nil {
                throw Problem(key: "objectives", reason: "give either objective (one) or objectives (a front), not both")
            }
            if parameters.isEmpty { throw Problem(key: "parameters", reason: "list at least one parameter") }
            var seen = Set<String>()
            var resolvedParameters: [Parameter] = []
            for (index, parameter) in parameters.enumerated() {
                if !seen.insert(parameter.name).inserted {
                    throw Problem(key: "parameters[\(index)].name", reason: "'\(parameter.name)' is declared twice")
                }
                resolvedParameters.append(try parameter.resolved(key: "parameters[\(index)]"))
            }
            let space: SearchSpace
            do { space = try SearchSpace(parameters: resolvedParameters) } catch {
                throw Problem(key: "parameters", reason: "\(error)")
            }
            let objectives: [Objective]
            if let listed = self.objectives {
                if listed.isEmpty { throw Problem(key: "objectives", reason: "list at least one objective") }
                objectives = try listed.enumerated().map { index, objective in
                    guard objective.name != nil else { throw Problem(key: "objectives[\(index)].name", reason: "name each objective of a front") }
                    if index == 0, objective.model != nil {
                        throw Problem(key: "objectives[0].model", reason: "the first objective is the one the command measures; a known (predicted) objective comes after it")
                    }
                    return try objective.resolved(key: "objectives[\(index)]", space: space, directory: directory)
                }
                var names = Set<String>()
                for (index, objective) in objectives.enumerated() where !names.insert(objective.name).inserted {
                    throw Problem(key: "objectives[\(index)].name", reason: "'\(objective.name)' is listed twice")
                }
            } else {
                objectives = [try (self.objective ?? RawObjective(name: nil, direction: nil)).resolved(key: "objective")]
            }
            var constraints: [Constraint] = []
            for (index, constraint) in (self.constraints ?? []).enumerated() {
                constraints.append(try constraint.resolved(key: "constraints[\(index)]", space: space, directory: directory))
            }
            if budget < 1 { throw Problem(key: "budget", reason: "must be at least 1 evaluation (got \(budget))") }
            if let initialDesign, initialDesign < 1 {
                throw Problem(key: "initialDesign", reason: "must be at least 1 point (got \(initialDesign))")
            }
            for (index, constraint) in constraints.enumerated() where objectives.contains(where: { $0.name == constraint.name }) {
                throw Problem(key: "constraints[\(index)].name", reason: "'\(constraint.name)' is also an objective")
            }
            return StudyFile(
                objectives: objectives, space: space, constraints: constraints, budget: budget, seed: seed ?? 0,
                initialDesign: initialDesign, storage: storage.map { StudyFile.resolve($0, in: directory) })
        }
    }

    struct RawObjective: Decodable {
        var name: String?
        var direction: String?
        /// A saved cost model: the objective is known (predicted, never measured).
        var model: String?
        /// Model input → parameter name (default: the same name).
        var inputs: [String: String]?
        var predictor: String?

        func resolved(key: String, space: SearchSpace? = nil, directory: URL? = nil) throws -> Objective {
            let name = self.name ?? Objective.defaultName
            if name.isEmpty { throw Problem(key: "\(key).name", reason: "is empty") }
            let optimization: OptimizationDirection
            switch direction ?? "minimize" {
            case "minimize": optimization = .minimize
            case "maximize": optimization = .maximize
            case let other: throw Problem(key: "\(key).direction", reason: "'\(other)' is not minimize or maximize")
            }
            if predictor != nil {
                // The known-cost acquisition asks for the costs at every gradient step of its
                // refinement: a program would start a process per step (measured: 20 evaluations
                // with a real parameter did not finish in 10 minutes).
                throw Problem(key: "\(key).predictor", reason: """
                    a predictor program is for constraints; give a known objective as a saved cost model \
                    (hyperpower cost-model … --save, then model: FILE)
                    """)
            }
            guard let model else {
                if inputs != nil { throw Problem(key: "\(key).inputs", reason: "applies only to an objective with a model") }
                return Objective(name, optimization)
            }
            guard let space, let directory else { throw Problem(key: "\(key).model", reason: "a single objective cannot be known") }
            let predict = try StudyFile.savedModelPredictor(model, inputs: inputs, key: key, space: space, directory: directory)
            return Objective(name, optimization, predictedBy: predict)
        }
    }

    /// The prediction of a saved cost model (`hyperpower cost-model … --save`) for a
    /// configuration, its inputs mapped to parameters (by the same name unless `inputs` says).
    static func savedModelPredictor(
        _ model: String, inputs: [String: String]?, key: String, space: SearchSpace, directory: URL
    ) throws -> @Sendable (Configuration) throws -> Double {
        let url = StudyFile.resolve(model, in: directory)
        let saved: SavedCostModel
        do { saved = try SavedCostModel.load(from: url) } catch {
            throw Problem(key: "\(key).model", reason: "\(error)")
        }
        let names = Set(space.parameters.map(\.name))
        var mapping: [String: String] = [:]
        for input in saved.inputs {
            let parameter = inputs?[input.name] ?? input.name
            guard names.contains(parameter) else {
                throw Problem(key: "\(key).inputs", reason: "the model's input '\(input.name)' maps to '\(parameter)', which is not a parameter")
            }
            mapping[input.name] = parameter
        }
        let inputMapping = mapping
        return { configuration in
            var row: [String: String] = [:]
            for (input, parameter) in inputMapping { row[input] = CommandObjective.text(configuration[parameter]) }
            return try saved.predict(row: row)
        }
    }

    struct RawParameter: Decodable {
        var name: String
        var type: String
        var low: Double?
        var high: Double?
        var log: Bool?
        var choices: [String]?
        var values: [Double]?

        func resolved(key: String) throws -> Parameter {
            func bounds() throws -> (Double, Double) {
                guard let low else { throw Problem(key: "\(key).low", reason: "is required for a \(type) parameter") }
                guard let high else { throw Problem(key: "\(key).high", reason: "is required for a \(type) parameter") }
                guard low <= high else { throw Problem(key: "\(key).high", reason: "\(high) is below low \(low)") }
                return (low, high)
            }
            func integer(_ value: Double, _ field: String) throws -> Int {
                guard value == value.rounded(), abs(value) < 1e15 else {
                    throw Problem(key: "\(key).\(field)", reason: "\(value) is not an integer")
                }
                return Int(value)
            }
            let scale: Scale = log == true ? .log : .linear
            switch type {
            case "real":
                let (low, high) = try bounds()
                return .real(name: name, range: low...high, scale: scale)
            case "integer":
                let (low, high) = try bounds()
                return .integer(name: name, range: try integer(low, "low")...integer(high, "high"), scale: scale)
            case "powerOfTwo":
                let (low, high) = try bounds()
                return .powerOfTwo(name: name, range: try integer(low, "low")...integer(high, "high"))
            case "ordinal":
                guard let values, !values.isEmpty else { throw Problem(key: "\(key).values", reason: "list the values of an ordinal parameter") }
                return .ordinal(name: name, values: values)
            case "categorical":
                guard let choices, !choices.isEmpty else { throw Problem(key: "\(key).choices", reason: "list the choices of a categorical parameter") }
                return .categorical(name: name, choices: choices)
            default:
                throw Problem(key: "\(key).type", reason: "'\(type)' is not one of real, integer, powerOfTwo, ordinal, categorical")
            }
        }
    }

    struct RawConstraint: Decodable {
        var name: String
        var atMost: Double?
        var atLeast: Double?
        /// A saved cost model (`hyperpower cost-model … --save`): the constraint is known.
        var model: String?
        /// A predictor program (JSON array of configurations in, JSON array of costs out, once
        /// per batch, cached): the constraint is known.
        var predictor: String?
        /// Model input → parameter name (default: the same name).
        var inputs: [String: String]?
        /// Learn the model's error from the command's measurement of `measurement` (default: `name`).
        var calibrated: Bool?
        var measurement: String?
        var violationProbability: Double?
        var safetyMargin: Double?

        func resolved(key: String, space: SearchSpace, directory: URL) throws -> Constraint {
            let bound: Double
            let direction: ConstraintDirection
            switch (atMost, atLeast) {
            case let (value?, nil): (bound, direction) = (value, .atMost)
            case let (nil, value?): (bound, direction) = (value, .atLeast)
            default: throw Problem(key: key, reason: "give exactly one of atMost and atLeast")
            }
            if model != nil && predictor != nil { throw Problem(key: key, reason: "give either model or predictor, not both") }
            if let predictor {
                if predictor.trimmingCharacters(in: .whitespaces).isEmpty { throw Problem(key: "\(key).predictor", reason: "is empty") }
                for field in ["inputs": inputs != nil, "safetyMargin": safetyMargin != nil] where field.value {
                    throw Problem(key: "\(key).\(field.key)", reason: "applies only to a constraint with a model")
                }
                let program = PredictorCommand(commandLine: predictor, directory: directory)
                let constraint = Constraint.known(name, bound: bound, direction: direction, batchPredictedBy: program.predict)
                guard calibrated == true else { return constraint }
                return constraint.calibrated(
                    by: measurement, violationProbability: violationProbability ?? Constraint.Calibration.defaultViolationProbability)
            }
            guard let model else {
                for field in ["inputs": inputs != nil, "calibrated": calibrated != nil, "safetyMargin": safetyMargin != nil] where field.value {
                    throw Problem(key: "\(key).\(field.key)", reason: "applies only to a constraint with a model or a predictor")
                }
                return Constraint(name: name, bound: bound, direction: direction, kind: .observed)
            }
            let predict = try StudyFile.savedModelPredictor(model, inputs: inputs, key: key, space: space, directory: directory)
            let constraint = Constraint(
                name: name, bound: bound, direction: direction, kind: .known(predictor: predict), safetyMargin: safetyMargin ?? 0)
            guard calibrated == true else { return constraint }
            return constraint.calibrated(
                by: measurement, violationProbability: violationProbability ?? Constraint.Calibration.defaultViolationProbability)
        }
    }
}
