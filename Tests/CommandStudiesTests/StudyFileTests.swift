import CommandStudies
import Foundation
import HyperPower
import Testing

/// Study files: every parameter kind, both constraint kinds, errors that name the key.
@Suite struct StudyFileTests {
    static let directory = URL(fileURLWithPath: "/tmp")

    static let yaml = """
        objective: {name: accuracy, direction: maximize}
        parameters:
          - {name: lr, type: real, low: 0.0001, high: 0.1, log: true}
          - {name: layers, type: integer, low: 1, high: 4}
          - {name: width, type: powerOfTwo, low: 16, high: 512}
          - {name: dropout, type: ordinal, values: [0.0, 0.1, 0.5]}
          - {name: optimizer, type: categorical, choices: [adam, sgd]}
        constraints:
          - {name: latency_ms, atMost: 10}
          - {name: throughput, atLeast: 100}
        budget: 12
        seed: 7
        initialDesign: 5
        storage: runs/study.jsonl
        """

    @Test func aYAMLFileDeclaresEveryKind() throws {
        let file = try StudyFile.parse(Self.yaml, json: false, directory: Self.directory)
        #expect(file.objective == .maximize("accuracy"))
        #expect(file.space.parameters == [
            .real(name: "lr", range: 0.0001...0.1, scale: .log), .integer(name: "layers", range: 1...4, scale: .linear),
            .powerOfTwo(name: "width", range: 16...512), .ordinal(name: "dropout", values: [0, 0.1, 0.5]),
            .categorical(name: "optimizer", choices: ["adam", "sgd"]),
        ])
        #expect(file.constraints.map(\.name) == ["latency_ms", "throughput"])
        #expect(file.constraints.map(\.isKnown) == [false, false])
        #expect(file.constraints.map(\.direction) == [.atMost, .atLeast])
        #expect(file.budget == 12 && file.seed == 7 && file.initialDesign == 5)
        #expect(file.storage?.path == "/tmp/runs/study.jsonl")
    }

    @Test func severalObjectivesMakeAFrontStudy() throws {
        let file = try StudyFile.parse("""
            objectives:
              - {name: error}
              - {name: energy_j, direction: minimize}
              - {name: throughput, direction: maximize}
            parameters: [{name: x, type: real, low: 0, high: 1}]
            budget: 5
            """, json: false, directory: Self.directory)
        #expect(file.objectives == [.minimize("error"), .minimize("energy_j"), .maximize("throughput")])
        #expect(file.objective == .minimize("error"))
    }

    @Test func aJSONFileReadsTheSame() throws {
        let json = """
            {"objective": {"name": "error"}, "budget": 3,
             "parameters": [{"name": "x", "type": "real", "low": 0, "high": 1}]}
            """
        let file = try StudyFile.parse(json, json: true, directory: Self.directory)
        #expect(file.objective == .minimize("error"))
        #expect(file.space.parameters == [.real(name: "x", range: 0...1, scale: .linear)])
        #expect(file.constraints.isEmpty && file.storage == nil && file.seed == 0 && file.initialDesign == nil)
    }

    @Test(arguments: [
        ("parameters: [{name: x, type: real, low: 0, high: 1}]", "budget: is required"),
        ("budget: 3\nparameters: [{name: x, type: floaty, low: 0, high: 1}]",
         "parameters[0].type: 'floaty' is not one of real, integer, powerOfTwo, ordinal, categorical"),
        ("budget: 3\nparameters: [{name: x, type: real, low: 2, high: 1}]", "parameters[0].high: 1.0 is below low 2.0"),
        ("budget: 3\nparameters: [{name: x, type: integer, low: 0.5, high: 3}]", "parameters[0].low: 0.5 is not an integer"),
        ("budget: 3\nparameters: [{name: x, type: real, high: 1}]", "parameters[0].low: is required for a real parameter"),
        ("budget: 3\nparameters: [{name: x, type: real, low: zero, high: 1}]", "parameters[0].low: expected a number"),
        ("budget: 3\nparameters: [{name: x, type: categorical}]", "parameters[0].choices: list the choices of a categorical parameter"),
        ("budget: 3\nparameters: [{name: x, type: real, low: 0, high: 1}, {name: x, type: real, low: 0, high: 1}]",
         "parameters[1].name: 'x' is declared twice"),
        ("budget: 3\nparameters: [{name: x, type: real, low: 0, high: 1}]\nconstraints: [{name: c, atMost: 1, atLeast: 0}]",
         "constraints[0]: give exactly one of atMost and atLeast"),
        ("budget: 3\nparameters: [{name: x, type: real, low: 0, high: 1}]\nconstraints: [{name: c, atMost: 1, calibrated: true}]",
         "constraints[0].calibrated: applies only to a constraint with a model or a predictor"),
        ("budget: 3\nparameters: [{name: x, type: real, low: 0, high: 1}]\nconstraints: [{name: c, atMost: 1, model: nope.json}]",
         "constraints[0].model: malformed table: cannot read /tmp/nope.json"),
        ("budget: 0\nparameters: [{name: x, type: real, low: 0, high: 1}]", "budget: must be at least 1 evaluation (got 0)"),
        ("budget: 3\ninitialDesign: 0\nparameters: [{name: x, type: real, low: 0, high: 1}]",
         "initialDesign: must be at least 1 point (got 0)"),
        ("budget: 3\nobjective: {direction: sideways}\nparameters: [{name: x, type: real, low: 0, high: 1}]",
         "objective.direction: 'sideways' is not minimize or maximize"),
        ("budget: 3\nobjective: {name: a}\nobjectives: [{name: a}, {name: b}]\nparameters: [{name: x, type: real, low: 0, high: 1}]",
         "objectives: give either objective (one) or objectives (a front), not both"),
        ("budget: 3\nobjectives: []\nparameters: [{name: x, type: real, low: 0, high: 1}]", "objectives: list at least one objective"),
        ("budget: 3\nobjectives: [{name: a}, {direction: maximize}]\nparameters: [{name: x, type: real, low: 0, high: 1}]",
         "objectives[1].name: name each objective of a front"),
        ("budget: 3\nobjectives: [{name: a}, {name: a, direction: maximize}]\nparameters: [{name: x, type: real, low: 0, high: 1}]",
         "objectives[1].name: 'a' is listed twice"),
        ("budget: 3\nobjectives: [{name: a}, {name: b, direction: up}]\nparameters: [{name: x, type: real, low: 0, high: 1}]",
         "objectives[1].direction: 'up' is not minimize or maximize"),
        ("budget: 3\nobjectives: [{name: a}, {name: b}]\nparameters: [{name: x, type: real, low: 0, high: 1}]\nconstraints: [{name: b, atMost: 1}]",
         "constraints[0].name: 'b' is also an objective"),
    ])
    func badFilesNameTheKey(text: String, message: String) {
        #expect {
            try StudyFile.parse(text, json: false, directory: Self.directory)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test func aYAMLSyntaxErrorSaysWhere() {
        #expect {
            try StudyFile.parse("budget: 3\nparameters: [{name: x", json: false, directory: Self.directory)
        } throws: { error in
            "\(error)".contains("not valid YAML") && "\(error)".contains("line")
        }
    }

    /// A fresh folder holding latency.json, a saved linear model of latency from the inputs w
    /// and opt: 2·w/16 + (1 for adam, 3 for sgd), exactly.
    static func folderWithLatencyModel() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("study-file-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let table = try NumericTable(csv: "w,opt,latency\n16,adam,3\n32,adam,5\n64,sgd,11\n16,sgd,5\n128,adam,17\n")
        let (samples, inputs) = try table.samples(numeric: ["w"], categorical: ["opt"], target: "latency")
        try SavedCostModel(LinearCostModel.fit(samples), target: "latency", inputs: inputs)
            .write(to: folder.appendingPathComponent("latency.json"))
        return folder
    }

    @Test func aKnownConstraintPredictsWithASavedModelOfTheParameters() throws {
        let folder = try Self.folderWithLatencyModel()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try StudyFile.parse("""
            budget: 3
            parameters:
              - {name: width, type: powerOfTwo, low: 16, high: 512}
              - {name: optimizer, type: categorical, choices: [adam, sgd]}
            constraints:
              - {name: latency_ms, atMost: 20, model: latency.json, inputs: {w: width, opt: optimizer}, calibrated: true, measurement: measured}
            """, json: false, directory: folder)
        let constraint = try #require(file.constraints.first)
        #expect(constraint.isKnown)
        #expect(constraint.calibration?.measurement == "measured")
        let prediction = constraint.prediction(for: Configuration(["width": .integer(64), "optimizer": .categorical("adam")]))
        #expect(abs(prediction! - 9) < 1e-9)

        #expect {
            try StudyFile.parse("""
                budget: 3
                parameters: [{name: width, type: powerOfTwo, low: 16, high: 512}]
                constraints: [{name: l, atMost: 20, model: latency.json, inputs: {w: width}}]
                """, json: false, directory: folder)
        } throws: { error in
            "\(error)" == "constraints[0].inputs: the model's input 'opt' maps to 'opt', which is not a parameter"
        }
    }
}

extension StudyFileTests {
    /// A further objective given as a saved cost model is known: predicted, never measured; the
    /// first objective cannot be, and a predictor program is for constraints.
    @Test func aKnownObjectiveIsASavedModelAfterTheMeasuredOne() throws {
        let folder = try Self.folderWithLatencyModel()
        defer { try? FileManager.default.removeItem(at: folder) }
        let parameters = """
            parameters:
              - {name: width, type: powerOfTwo, low: 16, high: 512}
              - {name: optimizer, type: categorical, choices: [adam, sgd]}
            budget: 3
            """
        let file = try StudyFile.parse("""
            objectives:
              - {name: error}
              - {name: latency_ms, model: latency.json, inputs: {w: width, opt: optimizer}}
            \(parameters)
            """, json: false, directory: folder)
        #expect(file.objectives.map(\.isKnown) == [false, true])
        let prediction = file.objectives[1].prediction(for: Configuration(["width": .integer(64), "optimizer": .categorical("sgd")]))
        #expect(abs(prediction! - 11) < 1e-9)
        for (objectives, message) in [
            ("[{name: latency_ms, model: latency.json, inputs: {w: width, opt: optimizer}}, {name: error}]",
             "objectives[0].model: the first objective is the one the command measures"),
            ("[{name: error}, {name: flops, predictor: 'python3 flops.py'}]", "objectives[1].predictor: a predictor program is for constraints"),
            ("[{name: error}, {name: latency_ms, inputs: {w: width}}]", "objectives[1].inputs: applies only to an objective with a model"),
        ] {
            #expect {
                try StudyFile.parse("objectives: \(objectives)\n\(parameters)", json: false, directory: folder)
            } throws: { error in
                "\(error)".hasPrefix(message)
            }
        }
    }

    /// The shipped example loads, and its known size model gates at 128 hidden units.
    @Test func theShippedExampleLoads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = try StudyFile.load(from: root.appendingPathComponent("Examples/python-trainer/study.yaml"))
        #expect(file.space.parameters.map(\.name) == ["learning_rate", "hidden", "l2", "activation"])
        let size = try #require(file.constraints.first { $0.name == "model_kb" })
        #expect(size.isKnown)
        func configuration(_ hidden: Int) -> Configuration {
            Configuration(["learning_rate": .real(0.1), "hidden": .integer(hidden), "l2": .real(1e-4), "activation": .categorical("relu")])
        }
        #expect(abs(size.prediction(for: configuration(128))! - 38.44) < 1e-9)
        #expect(size.passesGate(size.prediction(for: configuration(128))!))
        #expect(!size.passesGate(size.prediction(for: configuration(256))!))

        let pytorch = try StudyFile.load(from: root.appendingPathComponent("Examples/pytorch-cifar10/study.yaml"))
        #expect(pytorch.constraints.map(\.name) == ["gpu_peak_watts", "gpu_peak_memory_mib"])
        #expect(pytorch.constraints.allSatisfy { !$0.isKnown })
    }
}

/// Known constraints predicted by a program, once per batch, cached.
@Suite struct PredictorCommandTests {
    static let program = #"python3 -c "import json, sys; c = json.load(sys.stdin); print(json.dumps([x['width'] * (2 if x['kind'] == 'wide' else 1) for x in c]))""#

    /// `count` canonical points of the space's unit cube (three columns), seeded.
    static func points(_ count: Int, in space: SearchSpace, seed: UInt64) -> [[Double]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in space.canonicalize([generator.nextUniform(), generator.nextUniform(), generator.nextUniform()]) }
    }

    static func file(_ predictor: String) throws -> StudyFile {
        try StudyFile.parse("""
            budget: 12
            parameters:
              - {name: width, type: integer, low: 1, high: 40}
              - {name: kind, type: categorical, choices: [narrow, wide]}
            constraints:
              - {name: cost, atMost: 30, predictor: '\(predictor.replacingOccurrences(of: "'", with: "''"))'}
            """, json: false, directory: FileManager.default.temporaryDirectory)
    }

    @Test(.timeLimit(.minutes(5)))
    func theProgramRunsOncePerBatchAndItsAnswersAreCached() throws {
        let file = try Self.file(Self.program)
        let constraint = try #require(file.constraints.first)
        #expect(constraint.isKnown && constraint.batchPredictor != nil)
        let region = KnownFeasibleRegion(space: file.space, constraints: file.constraints)
        let points = Self.points(500, in: file.space, seed: 1)
        let batch = region.contains(points: points)
        let expected = points.map { point -> Bool in
            let configuration = file.space.decode(point)
            return Double(configuration.integer("width") * (configuration.string("kind") == "wide" ? 2 : 1)) <= 30
        }
        #expect(batch == expected)
        #expect(batch.contains(true) && batch.contains(false))
        // Every one of these configurations is cached now: point-by-point answers cost no run.
        #expect(points.map { region.contains($0) } == expected)
        #expect(constraint.prediction(for: Configuration(["width": .integer(3), "kind": .categorical("wide")])) == 6)
    }

    @Test(.timeLimit(.minutes(5)))
    func aStudyGatedByTheProgramNeverProposesOverTheBound() async throws {
        let file = try Self.file(Self.program)
        let optimizer = BayesianOptimizer(space: file.space, constraints: file.constraints, seed: 2, logger: quietLogger) { config in
            .success(objective: -Double(config.integer("width")))  // the widest within the bound is best
        }
        let result = try await optimizer.run(budget: .evaluations(12))
        for trial in result.trials {
            #expect(trial.predictions["cost"]! <= 30)
            #expect(Double(trial.configuration.integer("width") * (trial.configuration.string("kind") == "wide" ? 2 : 1)) == trial.predictions["cost"])
        }
        #expect(-result.best!.outcome.objective! >= 25)
    }

    @Test(.timeLimit(.minutes(5)))
    func aBatchIsOneRunAndARepeatIsNone() throws {
        let program = PredictorCommand(commandLine: Self.program, directory: FileManager.default.temporaryDirectory)
        let configurations = (1...40).map { Configuration(["width": .integer($0), "kind": .categorical($0 % 2 == 0 ? "wide" : "narrow")]) }
        let values = try program.predict(configurations + configurations.prefix(5))  // repeats within a batch too
        let expected: [Double] = (1...40).map { (width: Int) -> Double in Double(width % 2 == 0 ? 2 * width : width) }
        #expect(Array(values.prefix(40)) == expected)
        #expect(program.runCount == 1)
        _ = try program.predict(Array(configurations.reversed()))
        #expect(program.runCount == 1)
        _ = try program.predict([Configuration(["width": .integer(41), "kind": .categorical("narrow")])] + configurations)
        #expect(program.runCount == 2)
    }

    @Test(.timeLimit(.minutes(5)))
    func aNaNFromPythonKeepsThatConfigurationOutAndTheOthersIn() throws {
        // json.dumps writes NaN (not JSON) for a configuration the model cannot predict.
        let program = #"python3 -c "import json, sys; c = json.load(sys.stdin); print(json.dumps([float('nan') if x['kind'] == 'wide' else x['width'] for x in c]))""#
        let file = try Self.file(program)
        let region = KnownFeasibleRegion(space: file.space, constraints: file.constraints)
        let points = Self.points(200, in: file.space, seed: 3)
        let inside = region.contains(points: points)
        let expected = points.map { point -> Bool in
            let configuration = file.space.decode(point)
            return configuration.string("kind") == "narrow" && configuration.integer("width") <= 30
        }
        #expect(inside == expected)
        #expect(inside.contains(true) && inside.contains(false))
    }

    @Test func aFailingProgramRejectsAndSaysWhy() throws {
        let program = PredictorCommand(commandLine: "echo nope >&2; exit 4", directory: FileManager.default.temporaryDirectory)
        #expect {
            try program.predict([Configuration(["width": .integer(3)])])
        } throws: { error in
            "\(error)".contains("exited with status 4: nope")
        }
        let file = try Self.file("echo '[1, 2]'")  // the wrong count for most batches
        let region = KnownFeasibleRegion(space: file.space, constraints: file.constraints)
        #expect(region.contains(points: [[0.1, 1, 0], [0.2, 1, 0], [0.3, 0, 1]]) == [false, false, false])
        #expect {
            try StudyFile.parse("""
                budget: 3
                parameters: [{name: width, type: integer, low: 1, high: 4}]
                constraints: [{name: c, atMost: 1, predictor: x, model: m.json}]
                """, json: false, directory: FileManager.default.temporaryDirectory)
        } throws: { error in
            "\(error)" == "constraints[0]: give either model or predictor, not both"
        }
    }
}
