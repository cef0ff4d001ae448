// Time of one suggestion of the Bayesian optimiser: the quality bar asks for ≤ 30 ms at 50
// observations with two constraint models on one core. Run with `make bench`.
import Benchmark
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

/// Hartmann-6 on [0, 1]⁶ with the observed constraint Σx ≤ 3 (issue #16's long-study case).
func hartmann6Sum(_ c: Configuration) -> Evaluation {
    let x = (0..<6).map { c.double("x\($0)") }
    let alpha = [1.0, 1.2, 3.0, 3.2]
    let a: [[Double]] = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
    let p: [[Double]] = [
        [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
        [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
    ]
    var value = 0.0
    for i in 0..<4 {
        var exponent = 0.0
        for j in 0..<6 {
            let d = x[j] - p[i][j]
            exponent -= a[i][j] * d * d
        }
        value -= alpha[i] * exp(exponent)
    }
    return .success(objective: value, measurements: ["sum": x.reduce(0, +)])
}

/// A study of Hartmann-6 with `count` space-filling observations, then one suggestion (its
/// fits cold) told: the next `ask` is the one between refits.
func longStudy(observations count: Int, seed: UInt64) async throws -> (BayesianOptimizer, Suggestion) {
    var logger = Logger(label: "bench")
    logger.logLevel = .critical
    let space = try SearchSpace { for k in 0..<6 { Real("x\(k)", 0...1) } }
    let optimizer = BayesianOptimizer(
        space: space, constraints: [.observed("sum", atMost: 3)], seed: seed,
        settings: OptimizerSettings(initialDesignSize: count), logger: logger)
    for _ in 0..<count {
        let suggestion = try await optimizer.ask()
        try await optimizer.tell(suggestion.number, hartmann6Sum(suggestion.configuration))
    }
    return (optimizer, try await optimizer.ask())
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
                var logger = Logger(label: "bench")
                logger.logLevel = .critical
                let space = try SearchSpace { for k in 0..<6 { Real("x\(k)", 0...1) } }
                let optimizer = BayesianOptimizer(
                    space: space, constraints: [.observed("sum", atMost: 3)], seed: UInt64(iteration),
                    settings: OptimizerSettings(initialDesignSize: n), logger: logger)
                for _ in 0..<n {
                    let suggestion = try await optimizer.ask()
                    try await optimizer.tell(suggestion.number, hartmann6Sum(suggestion.configuration))
                }
                benchmark.startMeasurement()
                let suggestion = try await optimizer.ask()
                benchmark.stopMeasurement()
                blackHole(suggestion)
            }
        }
        Benchmark("long study: suggestion at \(n + 1) observations, Hartmann-6 + 1 observed constraint (between refits)",
                  configuration: .init(maxDuration: .seconds(60), maxIterations: 3)) { benchmark in
            for iteration in benchmark.scaledIterations {
                let (optimizer, first) = try await longStudy(observations: n, seed: UInt64(iteration))
                try await optimizer.tell(first.number, hartmann6Sum(first.configuration))
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
