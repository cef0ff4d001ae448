// swift-tools-version: 6.1
// libFuzzer targets (`make fuzz`), in their own package: built with -sanitize=fuzzer,address,
// which must not touch the library's own build or its executables. See Docs/Reliability.md.
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which depends on where the repository
// was cloned: read it instead of hard-coding it.
let library = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "HyperPowerFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(name: "FuzzJournal", dependencies: ["FuzzSupport", .product(name: "HyperPower", package: library)]),
        .executableTarget(name: "FuzzConfiguration", dependencies: ["FuzzSupport", .product(name: "HyperPower", package: library)]),
        .executableTarget(name: "FuzzCSV", dependencies: ["FuzzSupport", .product(name: "HardwareModels", package: library)]),
    ]
)
