import ArgumentParser
import Foundation

/// `hyperpower init [FILE]`: a commented example study file.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented example study file for `hyperpower run` (never over an existing file).")

    @Argument(help: "The file to write.")
    var file: String = "study.yaml"

    static let example = """
        # A HyperPower study, for `hyperpower run study.yaml -- COMMAND {parameter} …`.
        # The command prints its result as its last JSON line, e.g. {"validation_error": 0.07, "latency_ms": 8.2},
        # or writes it to the file named by $HYPERPOWER_RESULT.
        objective:
          name: validation_error          # read under this name (or "objective")
          direction: minimize             # or maximize
        # For the Pareto front of several objectives the command reports, list them instead:
        # objectives: [{name: validation_error}, {name: energy_j, direction: minimize}]
        parameters:
          - {name: learning_rate, type: real, low: 0.0001, high: 0.1, log: true}
          - {name: layers, type: integer, low: 1, high: 4}
          - {name: width, type: powerOfTwo, low: 16, high: 512}
          - {name: dropout, type: ordinal, values: [0.0, 0.1, 0.2, 0.5]}
          - {name: optimizer, type: categorical, choices: [adam, sgd]}
        constraints:
          # Observed: measured by the command, learned by a GP; the acquisition weighs its probability.
          - {name: latency_ms, atMost: 10}
          # Known: predicted by a saved cost model before anything runs (never trained when over the bound):
          #   hyperpower cost-model --csv profiles.csv --target peak_memory_mb --features width,layers --train 40 --save memory.json
          # - {name: peak_memory_mb, atMost: 2000, model: memory.json, inputs: {width: width, layers: layers}}
          # Known, by a program: a JSON array of configurations on stdin, a JSON array of costs on stdout
          # (run once per batch of candidates, cached):
          # - {name: flops_g, atMost: 2.5, predictor: "python3 count_flops.py"}
          # add `calibrated: true` (and `measurement: NAME` if the command reports it under another name)
          # to learn the model's error from what the command measures.
        budget: 50                        # evaluations of the study; a resumed run continues to this many
        seed: 0
        storage: study.jsonl              # the journal (relative to this file): crash-safe, resumable
        """

    func run() throws {
        guard !FileManager.default.fileExists(atPath: file) else {
            throw CommandFailure("\(file) exists; choose another name")
        }
        try CommandSupport.write(Self.example + "\n", to: file)
        print("Wrote \(file). Run it with: hyperpower run \(file) -- python3 train.py --lr {learning_rate} --width {width} …")
    }
}
