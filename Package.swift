// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "HyperPower",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "CLapack", targets: ["CLapack"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "NumericalOptimization", targets: ["NumericalOptimization"]),
        .library(name: "GaussianProcess", targets: ["GaussianProcess"]),
        .library(name: "Acquisition", targets: ["Acquisition"]),
        .library(name: "HyperPower", targets: ["HyperPower"]),
        .library(name: "BenchmarkProblems", targets: ["BenchmarkProblems"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .library(name: "HardwareModels", targets: ["HardwareModels"]),
        .library(name: "HardwareProfiling", targets: ["HardwareProfiling"]),
        .library(name: "CommandStudies", targets: ["CommandStudies"]),
        .library(name: "Dashboard", targets: ["Dashboard"]),
        // Studies shared by workers on many hosts: `storage: .postgres(url:study:)`. A product of its
        // own, so that users of `HyperPower` alone never build postgres-nio.
        .library(name: "HyperPowerPostgres", targets: ["HyperPowerPostgres"]),
        .executable(name: "hyperpower", targets: ["HyperPowerCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // `make docs`: the DocC catalogue of the public modules (a plugin; nothing is linked).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
        // `hyperpower run`: study files in YAML, training commands as subprocesses.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // `hyperpower dashboard`: the live web page of a storage's studies.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // PostgreSQL storage for distributed studies.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // LAPACKE + CBLAS from OpenBLAS (Debian: liblapacke-dev, libopenblas-dev).
        .systemLibrary(
            name: "CLapack",
            pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["CLapack"]),
        .target(name: "NumericalOptimization", dependencies: ["LinearAlgebra"]),
        // Vectorised kernel evaluation (AVX2 + FMA with a run-time check, scalar elsewhere).
        .target(name: "CVectorMath"),
        .target(name: "GaussianProcess", dependencies: ["LinearAlgebra", "NumericalOptimization", "CVectorMath"]),
        .target(name: "Acquisition", dependencies: ["GaussianProcess", "NumericalOptimization", "LinearAlgebra"]),
        .target(
            name: "HyperPower",
            dependencies: [
                "Acquisition", "GaussianProcess", "NumericalOptimization", "LinearAlgebra", "HardwareModels",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "BenchmarkProblems", dependencies: ["HyperPower"]),
        // Regret, violations, medians, trajectories and plots, shared by the CLI, demos and docs.
        .target(
            name: "Experiments",
            dependencies: ["HyperPower", "BenchmarkProblems", "HardwareModels", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "Demos",
            dependencies: ["HyperPower", "Experiments", .product(name: "Logging", package: "swift-log")],
            resources: [.copy("Resources/digits.csv"), .copy("Resources/DIGITS-NOTICE.md")]
        ),
        // Meters and timers (Foundation only, so a meter tool needs no BLAS).
        .target(name: "HardwareProfiling"),
        .target(
            name: "HardwareModels",
            dependencies: ["LinearAlgebra", "GaussianProcess", "HardwareProfiling"],
            resources: [.copy("Resources/nb201.csv"), .copy("Resources/NB201-NOTICE.md")]
        ),
        // Study files (JSON, YAML) and studies whose objective is a command (`hyperpower run`).
        .target(
            name: "CommandStudies",
            dependencies: [
                "HyperPower", "HardwareModels",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // `hyperpower dashboard`: a local web server over a storage's studies (the report's views, live).
        .target(
            name: "Dashboard",
            dependencies: [
                "HyperPower", "Experiments", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A PostgreSQL storage: one server, workers on many hosts, advisory locks, leases.
        .target(
            name: "HyperPowerPostgres",
            dependencies: [
                "HyperPower", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "HyperPowerCLI",
            dependencies: [
                "GaussianProcess", "NumericalOptimization", "HyperPower", "BenchmarkProblems", "HardwareModels", "Demos", "Experiments",
                "CommandStudies", "Dashboard", "HyperPowerPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(
            name: "NumericalOptimizationTests",
            dependencies: ["NumericalOptimization"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "HyperPowerTests", dependencies: ["HyperPower", "HardwareModels", "CommandStudies"]),
        .testTarget(
            name: "CommandStudiesTests",
            dependencies: ["CommandStudies", "HyperPower", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "Experiments", "HyperPower"]),
        .testTarget(
            name: "HyperPowerPostgresTests",
            dependencies: [
                "HyperPowerPostgres", "HyperPower", "Dashboard", .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "BenchmarkProblemsTests", dependencies: ["BenchmarkProblems", "HyperPower", "Experiments"]),
        .testTarget(name: "HardwareModelsTests", dependencies: ["HardwareModels"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HardwareProfilingTests", dependencies: ["HardwareProfiling"]),
        .testTarget(name: "DemosTests", dependencies: ["Demos", "HyperPower"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "BenchmarkProblems", "HyperPower"]),
        .testTarget(
            name: "AcquisitionTests",
            dependencies: ["Acquisition", "GaussianProcess", "NumericalOptimization"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "GaussianProcessTests",
            dependencies: ["GaussianProcess", "CVectorMath"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
