import Acquisition
import LinearAlgebra
import Testing

/// A test acquisition that lives in the test target: a smooth bump `−|x − peak|²`. Writing one
/// is a type with two methods; the maximiser takes it as it takes log EI.
struct BumpAcquisition: AcquisitionFunction {
    var peak: [Double]

    func values(at points: Matrix) -> [Double] { (0..<points.rows).map { valueAndGradient(at: points.row($0)).value } }

    func valueAndGradient(at point: [Double]) -> (value: Double, gradient: [Double]) {
        let delta = zip(point, peak).map { $0 - $1 }
        return (-delta.reduce(0) { $0 + $1 * $1 }, delta.map { -2 * $0 })
    }
}

/// A region given by a linear margin `offset − normal·x ≥ 0`.
struct HalfSpace: FeasibleRegion {
    var normal: [Double]
    var offset: Double
    func margin(_ point: [Double]) -> Double { offset - zip(normal, point).reduce(0) { $0 + $1.0 * $1.1 } }
    func contains(_ point: [Double]) -> Bool { margin(point) >= 0 }
    var hasBoundary: Bool { true }
}

/// A region that contains nothing.
struct EmptyRegion: FeasibleRegion {
    func contains(_ point: [Double]) -> Bool { false }
    func margin(_ point: [Double]) -> Double { -1 }
    var hasBoundary: Bool { true }
}

/// Rounding of the first dimension to a grid of `steps + 1` values.
struct GridRounding: PointRounding {
    var steps: Double
    func canonicalize(_ point: [Double]) -> [Double] { [(point[0] * steps).rounded() / steps] + point.dropFirst() }
    func discreteNeighbours(of point: [Double]) -> [[Double]] {
        [point[0] - 1 / steps, point[0] + 1 / steps].filter { $0 >= 0 && $0 <= 1 }.map { [$0] + point.dropFirst() }
    }
    var hasDiscreteDimensions: Bool { true }
}

@Suite struct AcquisitionMaximizerTests {
    static let bump = BumpAcquisition(peak: [0.7, 0.2])

    @Test func findsTheMaximumInsideTheGate() throws {
        let proposal = try AcquisitionMaximizer().maximize(Self.bump, in: UnitCube(), dimension: 2, seed: 1)
        #expect(abs(proposal.point[0] - 0.7) < 1e-4 && abs(proposal.point[1] - 0.2) < 1e-4)
    }

    @Test func neverLeavesTheKnownFeasibleRegion() throws {
        // The gate x₀ ≤ 0.5 cuts the peak off: the best feasible point is (0.5, 0.2) on the edge.
        let gate = HalfSpace(normal: [1, 0], offset: 0.5)
        for seed in 0..<20 {
            let proposal = try AcquisitionMaximizer(candidates: 256).maximize(Self.bump, in: gate, dimension: 2, seed: UInt64(seed))
            #expect(gate.contains(proposal.point))
            #expect(proposal.point[0] > 0.49 && abs(proposal.point[1] - 0.2) < 1e-3, "\(proposal.point) \(proposal.value)")
        }
    }

    @Test func roundsDiscreteDimensionsAndSkipsDuplicates() throws {
        // Dimension 0 is discrete on {0, 0.25, 0.5, 0.75, 1}.
        let rounding = GridRounding(steps: 4)
        let first = try AcquisitionMaximizer().maximize(Self.bump, in: UnitCube(), dimension: 2, rounding: rounding, seed: 3)
        #expect(first.point[0] == 0.75)
        let second = try AcquisitionMaximizer().maximize(
            Self.bump, in: UnitCube(), dimension: 2, rounding: rounding, excluding: [first.point], seed: 3)
        #expect(second.point != first.point)
        #expect([0.5, 0.75, 1.0].contains(second.point[0]))
    }

    @Test func emptyGateAndExhaustedSpaceAreTypedErrors() {
        #expect(throws: AcquisitionError.noKnownFeasibleCandidate(sampled: 64)) {
            try AcquisitionMaximizer(candidates: 64).maximize(Self.bump, in: EmptyRegion(), dimension: 2, seed: 1)
        }
        // A one-dimensional space with two configurations, both evaluated.
        #expect(throws: AcquisitionError.self) {
            try AcquisitionMaximizer(candidates: 16).maximize(
                BumpAcquisition(peak: [0.5]), in: UnitCube(), dimension: 1, rounding: GridRounding(steps: 1),
                excluding: [[0], [1]], seed: 1)
        }
    }
}

@Suite struct BoundaryFollowingTests {
    @Test func anObliqueBoundaryIsFollowedToTheConstrainedOptimum() throws {
        // A bump at (0.8, 0.8) behind the oblique gate x + y ≤ 1: the constrained optimum is (0.5, 0.5).
        let gate = HalfSpace(normal: [1, 1], offset: 1)
        for seed in 0..<10 {
            let proposal = try AcquisitionMaximizer(candidates: 128, refinedStarts: 2).maximize(
                BumpAcquisition(peak: [0.8, 0.8]), in: gate, dimension: 2, seed: UInt64(seed))
            #expect(gate.contains(proposal.point))
            #expect(abs(proposal.point[0] - 0.5) < 1e-3 && abs(proposal.point[1] - 0.5) < 1e-3, "\(proposal.point)")
        }
    }

    @Test func theDefaultNormalIsTheMarginGradient() {
        let gate = HalfSpace(normal: [1, 2], offset: 1)
        let normal = (gate as any FeasibleRegion).normal(at: [0.2, 0.3])
        #expect(abs(normal[0] + 1) < 1e-6 && abs(normal[1] + 2) < 1e-6)
    }
}
