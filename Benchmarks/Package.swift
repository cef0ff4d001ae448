// swift-tools-version: 6.1
// Benchmarks live in their own package so that `swift build` and CI of the library do not
// compile the benchmark stack. Run with `make bench` from the repository root.
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which depends on where the repository
// was cloned: read it instead of hard-coding it.
let library = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "HyperPowerBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "GaussianProcessBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LinearAlgebra", package: library),
                .product(name: "GaussianProcess", package: library),
                .product(name: "CLapack", package: library),
            ],
            path: "Benchmarks/GaussianProcessBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "OptimizerBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HyperPower", package: library),
                .product(name: "BenchmarkProblems", package: library),
            ],
            path: "Benchmarks/OptimizerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
