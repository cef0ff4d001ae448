// Benchmarks of the numerical foundation, each beside the floor it is judged against.
// Run from the repository root with `make bench` (OPENBLAS_NUM_THREADS=1).
import Benchmark
import CLapack
import Foundation
import GaussianProcess
import LinearAlgebra

/// Deterministic inputs (a linear congruential generator; no dependence on library code).
struct Inputs {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) * 0x1.0p-53
    }
    mutating func points(_ n: Int, _ d: Int) -> Matrix {
        Matrix(rows: n, columns: d, elements: (0..<(n * d)).map { _ in uniform() })
    }
    mutating func targets(_ x: Matrix) -> [Double] {
        (0..<x.rows).map { i in
            let row = x.row(i)
            let smooth: Double = sin(6 * row[0]) + row[1] * row[1] - 0.5 * row[2]
            let interaction: Double = 0.3 * row[3] * row[4]
            return smooth + interaction + 0.01 * uniform()
        }
    }
}

/// A kernel matrix of n points in 6 dimensions: the matrix the GP factorises.
func kernelMatrix(_ n: Int) -> Matrix {
    var inputs = Inputs(seed: 1)
    let x = inputs.points(n, 6)
    var k = Matrix(rows: n, columns: n)
    for j in 0..<n {
        for i in 0..<n {
            var r2 = 0.0
            for c in 0..<6 { let d = (x[i, c] - x[j, c]) / 0.5; r2 += d * d }
            let r = (5 * r2).squareRoot()
            k[i, j] = (1 + r + 5 * r2 / 3) * exp(-r)
        }
        k[j, j] += 1e-4
    }
    return k
}

let hyperparameters = GaussianProcessHyperparameters(
    lengthscales: [0.3, 0.5, 0.8, 1.2, 1.5, 2.0], signalVariance: 1.2, noiseVariance: 1e-3, mean: 0.1)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds,
        warmupIterations: 3, scalingFactor: .one, maxDuration: .seconds(3), maxIterations: 1000)

    for n in [100, 500, 1000] {
        let matrix = kernelMatrix(n)
        // The floor: copy the matrix (dpotrf works in place) and call dpotrf (LAPACKE's _work
        // entry, which skips LAPACKE's O(n²) NaN scan, as CholeskyFactor does).
        Benchmark("raw dpotrf n=\(n)") { benchmark in
            for _ in benchmark.scaledIterations {
                var copy = matrix
                let info = copy.elements.withUnsafeMutableBufferPointer { p in
                    LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), p.baseAddress, Int32(n))
                }
                precondition(info == 0)
                blackHole(copy)
            }
        }
        Benchmark("CholeskyFactor n=\(n)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try CholeskyFactor(matrix))
            }
        }
    }

    for n in [50, 200, 1000] {
        var inputs = Inputs(seed: 2)
        let x = inputs.points(n, 6)
        let y = inputs.targets(x)
        // As the MAP fit evaluates it: one MarginalLikelihood per data set, called repeatedly.
        let likelihood = try! MarginalLikelihood(inputs: x, targets: y)
        Benchmark("log marginal likelihood + gradient n=\(n) d=6") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try likelihood.valueAndGradient(at: hyperparameters))
            }
        }
    }

    do {
        var inputs = Inputs(seed: 3)
        let x = inputs.points(100, 6)
        let y = inputs.targets(x)
        let previous = try! GaussianProcess.fit(inputs: x, targets: y).model.hyperparameters
        // A new observation arrives; refit warm-started from the previous hyper-parameters.
        var extended = Matrix(rows: 101, columns: 6)
        for k in 0..<6 {
            for i in 0..<100 { extended[i, k] = x[i, k] }
            extended[100, k] = inputs.uniform()
        }
        let extendedTargets = inputs.targets(extended)
        Benchmark("MAP fit warm-started n=100 d=6") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try GaussianProcess.fit(inputs: extended, targets: extendedTargets, warmStart: previous))
            }
        }
        Benchmark("MAP fit cold (4 starts) n=100 d=6") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try GaussianProcess.fit(inputs: x, targets: y))
            }
        }
    }

    for n in [200, 1000] {
        var inputs = Inputs(seed: 4)
        let x = inputs.points(n, 6)
        let y = inputs.targets(x)
        let gp = try! GaussianProcess(inputs: x, targets: y, hyperparameters: hyperparameters)
        let points = inputs.points(2048, 6)
        Benchmark("posterior mean+variance 2048 points n=\(n) d=6") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try gp.posterior(at: points))
            }
        }
        Benchmark("posterior + input gradients 2048 points n=\(n) d=6") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try gp.posteriorWithGradients(at: points))
            }
        }
    }
}
