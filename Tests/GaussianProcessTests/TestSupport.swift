import Foundation
import GaussianProcess
import LinearAlgebra

/// Deterministic values for test data, independent of the library's generators.
struct TestValues {
    private var state: UInt64
    init(seed: UInt64) { state = seed &* 6_364_136_223_846_793_005 &+ 1 }
    mutating func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) * 0x1.0p-53
    }
    mutating func points(_ n: Int, _ d: Int) -> Matrix {
        Matrix(rows: n, columns: d, elements: (0..<(n * d)).map { _ in uniform() })
    }
}

/// A smooth test function on the unit cube.
func testFunction(_ x: [Double]) -> Double {
    var value = sin(6 * x[0])
    if x.count > 1 { value += x[1] * x[1] }
    if x.count > 2 { value -= 0.5 * x[2] }
    return value
}

func rows(_ m: Matrix) -> [[Double]] { (0..<m.rows).map { m.row($0) } }

func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }

/// Central differences `(f(θ + h eᵢ) − f(θ − h eᵢ)) / 2h`, one per coordinate of θ.
func centralDifferences(at θ: [Double], step h: Double = 1e-5, of f: ([Double]) throws -> Double) rethrows -> [Double] {
    try θ.indices.map { i in
        var plus = θ
        var minus = θ
        plus[i] += h
        minus[i] -= h
        return (try f(plus) - f(minus)) / (2 * h)
    }
}

let allKernels: [any StationaryKernel] = [Matern52Kernel(), Matern32Kernel(), SquaredExponentialKernel()]
