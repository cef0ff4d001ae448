import Foundation
import FuzzSupport
import HyperPower

// Fuzzes Configuration decoding against a search space with every parameter kind: JSON in,
// `validated` and `encode`/`decode` through the unit cube. Any input must give a
// configuration or a HyperPowerError; a configuration that validates must encode to a point of
// the unit cube that decodes back to itself.

let space = try! SearchSpace {
    Real("learningRate", 1e-4...1e-1, scale: .log)
    Real("dropout", 0...0.5)
    Integer("layers", 1...4)
    Integer("units", 16...512, scale: .log)
    PowerOfTwo("batchSize", 16...256)
    Ordinal("momentum", [0, 0.9, 0.99])
    Categorical("activation", ["relu", "tanh", "gelu"])
}

@_cdecl("FuzzConfiguration_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzConfiguration(data!, size) }
}

func fuzzConfiguration(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard let configuration = try? JSONDecoder().decode(Configuration.self, from: bytes) else { return 0 }
    _ = configuration.description
    guard let valid = try? space.validated(configuration) else { return 0 }
    guard let point = try? space.encode(valid) else { fatalError("a validated configuration does not encode: \(valid)") }
    require(point.count == space.encodedDimension, "encoded to \(point.count) columns")
    require(point.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 }, "encoded outside the unit cube: \(point)")
    // Back to the same configuration: exactly, except that a real parameter's value strictly
    // inside its range may move by rounding (exp∘log on a log scale), never by more than 1e-12.
    let decoded = space.decode(point)
    require((try? space.validated(decoded)) == decoded, "the decoded configuration \(decoded) does not validate")
    for parameter in space.parameters {
        let (a, b) = (valid[parameter.name]!, decoded[parameter.name]!)
        if case let .real(_, range, _) = parameter, case let .real(x) = a, case let .real(y) = b,
           x != range.lowerBound, x != range.upperBound {
            require(abs(x - y) <= 1e-12 * abs(x), "round trip moved \(parameter.name) from \(x) to \(y)")
        } else {
            require(a == b, "round trip changed \(parameter.name) from \(a) to \(b)")
        }
    }
    return 0
}
