// Time of one suggestion of the Bayesian optimiser: the quality bar asks for ≤ 30 ms at 50
// observations with two constraint models on one core. Run with `make bench`.
import Benchmark
import BenchmarkProblems
import Foundation
import HyperPower
import Logging

/// A 6-parameter mixed space (8 encoded dimensions): the kind of space the Python peers need
/// 12–19 s per suggestion for.
let space = try! SearchSpace {
    Real("learningRate", 1e-4...1e-1, scale: .log)
    Real("dropout", 0...0.5)
    Integer("layers", 1...4)
    PowerOfTwo("width", 16...512)
    PowerOfTwo("batchSize", 16...256)
    Categorical("activation", ["relu", "tanh", "gelu"])
}

func objective(_ c: Configuration) -> Evaluation {
    let lr = log10(c.double("learningRate"))
    let width = log2(c.double("width"))
    let error = 0.1 + 0.02 * (lr + 2.5) * (lr + 2.5) + 0.05 * c.double("dropout") + 0.01 * abs(width - 7)
        + (c.string("activation") == "relu" ? 0 : 0.01) + 0.005 * Double(c.integer("layers"))
    let latency = Double(c.integer("layers")) * c.double("width") / 64 + c.double("batchSize") / 128
    let energy = latency * (1 + c.double("dropout"))
    return .success(objective: error, measurements: ["latency": latency, "energy": energy])
}

/// An optimiser that has seen `count` observations: the first `design` from its space-filling
/// design, the rest from its own model-based suggestions (so its fits are warm-started as in a
/// run).
func optimizer(observations count: Int, design: Int, seed: UInt64) async throws -> BayesianOptimizer {
    var logger = Logger(label: "bench")
    logger.logLevel = .critical
    let optimizer = BayesianOptimizer(
        space: space, constraints: [.observed("latency", atMost: 12), .observed("energy", atMost: 14)],
        seed: seed, settings: OptimizerSettings(initialDesignSize: design), logger: logger)
    for _ in 0..<count {
        let suggestion = try await optimizer.ask()
        try await optimizer.tell(suggestion.number, objective(suggestion.configuration))
    }
    return optimizer
}

/// A study of Hartmann-6 with the observed constraint Σx ≤ 3 (the suite's `hartmann6-sum`,
/// issue #16's long-study case) holding `count` space-filling observations: its next `ask`
/// fits cold (on at most 300 of them).
func longStudy(observations count: Int, seed: UInt64) async throws -> BayesianOptimizer {
    var logger = Logger(label: "bench")
    logger.logLevel = .critical
    let problem = BenchmarkProblem.hartmann6Sum
    let optimizer = BayesianOptimizer(
        space: problem.space, constraints: problem.constraints, seed: seed,
        settings: OptimizerSettings(initialDesignSize: count), logger: logger)
    for _ in 0..<count {
        let suggestion = try await optimizer.ask()
        try await optimizer.tell(suggestion.number, problem.evaluate(suggestion.configuration))
    }
    return optimizer
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock], timeUnits: .milliseconds, warmupIterations: 1, scalingFactor: .one,
        maxDuration: .seconds(30), maxIterations: 20)

    // As in a run: 20 design points, then 30 model-based suggestions; time the 51st suggestion
    // (its three fits are warm-started; every 8th fit of a model is cold).
    Benchmark("suggestion at 50 observations, 2 observed constraints, 6 mixed parameters (run)") { benchmark in
        for iteration in benchmark.scaledIterations {
            let optimizer = try await optimizer(observations: 50, design: 20, seed: UInt64(iteration))
            benchmark.startMeasurement()
            let suggestion = try await optimizer.ask()
            benchmark.stopMeasurement()
            blackHole(suggestion)
        }
    }

    // Long studies (issue #16): at n = 300 and n = 1,000 observations, the suggestion right
    // after a cold fit (on at most 300 of them) is timed as "cold"; the next one, between
    // refits (the previous hyper-parameters conditioned on all data), as "between refits".
    for n in [300, 1000] {
        Benchmark("long study: suggestion at \(n) observations, Hartmann-6 + 1 observed constraint (cold fit)",
                  configuration: .init(maxDuration: .seconds(60), maxIterations: 3)) { benchmark in
            for iteration in benchmark.scaledIterations {
                let optimizer = try await longStudy(observations: n, seed: UInt64(iteration))
                benchmark.startMeasurement()
                let suggestion = try await optimizer.ask()
                benchmark.stopMeasurement()
                blackHole(suggestion)
            }
        }
        Benchmark("long study: suggestion at \(n + 1) observations, Hartmann-6 + 1 observed constraint (between refits)",
                  configuration: .init(maxDuration: .seconds(60), maxIterations: 3)) { benchmark in
            for iteration in benchmark.scaledIterations {
                let optimizer = try await longStudy(observations: n, seed: UInt64(iteration))
                let first = try await optimizer.ask()
                try await optimizer.tell(first.number, BenchmarkProblem.hartmann6Sum.evaluate(first.configuration))
                benchmark.startMeasurement()
                let suggestion = try await optimizer.ask()
                benchmark.stopMeasurement()
                blackHole(suggestion)
            }
        }
    }

    // The worst case: 50 design points, so the three fits are cold (4 starts each).
    Benchmark("suggestion at 50 observations, 2 observed constraints, 6 mixed parameters (cold fits)") { benchmark in
        for iteration in benchmark.scaledIterations {
            let optimizer = try await optimizer(observations: 50, design: 50, seed: UInt64(iteration))
            benchmark.startMeasurement()
            let suggestion = try await optimizer.ask()
            benchmark.stopMeasurement()
            blackHole(suggestion)
        }
    }
}
