import Acquisition
import LinearAlgebra
import Testing

@Suite struct AcquisitionMaximizerTests {
    /// A smooth bump with its peak at (0.7, 0.2).
    static func bump(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        let dx = x[0] - 0.7
        let dy = x[1] - 0.2
        return (-(dx * dx + dy * dy), [-2 * dx, -2 * dy])
    }

    static func batch(_ m: Matrix) -> [Double] { (0..<m.rows).map { bump(m.row($0)).value } }

    @Test func findsTheMaximumInsideTheGate() throws {
        let proposal = try AcquisitionMaximizer().maximize(
            dimension: 2, values: Self.batch, valueAndGradient: Self.bump, isKnownFeasible: { _ in true },
            canonicalize: { $0 }, excluded: [], seed: 1)
        #expect(abs(proposal.point[0] - 0.7) < 1e-4 && abs(proposal.point[1] - 0.2) < 1e-4)
    }

    @Test func neverLeavesTheKnownFeasibleRegion() throws {
        // The gate x₀ ≤ 0.5 cuts the peak off: the best feasible point is (0.5, 0.2) on the edge.
        // The gate has no gradient; refinement approaches the edge from inside and slides along it.
        let gate: ([Double]) -> Bool = { $0[0] <= 0.5 }
        for seed in 0..<20 {
            let proposal = try AcquisitionMaximizer(candidates: 256).maximize(
                dimension: 2, values: Self.batch, valueAndGradient: Self.bump, isKnownFeasible: gate,
                canonicalize: { $0 }, excluded: [], seed: UInt64(seed))
            #expect(gate(proposal.point))
            #expect(proposal.point[0] > 0.49 && abs(proposal.point[1] - 0.2) < 1e-3, "\(proposal.point) \(proposal.value)")
        }
    }

    @Test func roundsDiscreteDimensionsAndSkipsDuplicates() throws {
        // Dimension 0 is discrete on {0, 0.25, 0.5, 0.75, 1}.
        let canonicalize: ([Double]) -> [Double] = { [($0[0] * 4).rounded() / 4, $0[1]] }
        let first = try AcquisitionMaximizer().maximize(
            dimension: 2, values: Self.batch, valueAndGradient: Self.bump, isKnownFeasible: { _ in true },
            canonicalize: canonicalize, excluded: [], seed: 3)
        #expect(first.point[0] == 0.75)
        let second = try AcquisitionMaximizer().maximize(
            dimension: 2, values: Self.batch, valueAndGradient: Self.bump, isKnownFeasible: { _ in true },
            canonicalize: canonicalize, excluded: [first.point], seed: 3)
        #expect(second.point != first.point)
        #expect([0.5, 0.75, 1.0].contains(second.point[0]))
    }

    @Test func emptyGateAndExhaustedSpaceAreTypedErrors() {
        #expect(throws: AcquisitionError.noKnownFeasibleCandidate(sampled: 64)) {
            try AcquisitionMaximizer(candidates: 64).maximize(
                dimension: 2, values: Self.batch, valueAndGradient: Self.bump, isKnownFeasible: { _ in false },
                canonicalize: { $0 }, excluded: [], seed: 1)
        }
        // A one-dimensional space with two configurations, both evaluated.
        let binary: ([Double]) -> [Double] = { [$0[0] < 0.5 ? 0 : 1] }
        #expect(throws: AcquisitionError.self) {
            try AcquisitionMaximizer(candidates: 16).maximize(
                dimension: 1, values: { m in [Double](repeating: 0, count: m.rows) },
                valueAndGradient: { _ in (0, [0]) }, isKnownFeasible: { _ in true },
                canonicalize: binary, excluded: [[0], [1]], seed: 1)
        }
    }
}

@Suite struct BoundaryFollowingTests {
    /// A bump at (0.8, 0.8) behind the oblique gate x + y ≤ 1: the constrained optimum is (0.5, 0.5).
    static func bump(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        let dx = x[0] - 0.8
        let dy = x[1] - 0.8
        return (-(dx * dx + dy * dy), [-2 * dx, -2 * dy])
    }

    @Test func anObliqueBoundaryIsFollowedToTheConstrainedOptimum() throws {
        let gate: ([Double]) -> Bool = { $0[0] + $0[1] <= 1 }
        let margin: ([Double]) -> Double = { 1 - $0[0] - $0[1] }
        for seed in 0..<10 {
            let proposal = try AcquisitionMaximizer(candidates: 128, refinedStarts: 2).maximize(
                dimension: 2, values: { m in (0..<m.rows).map { Self.bump(m.row($0)).value } },
                valueAndGradient: Self.bump, isKnownFeasible: gate, canonicalize: { $0 }, excluded: [], seed: UInt64(seed),
                knownMargin: margin)
            #expect(gate(proposal.point))
            #expect(abs(proposal.point[0] - 0.5) < 1e-3 && abs(proposal.point[1] - 0.5) < 1e-3, "\(proposal.point)")
        }
    }
}
