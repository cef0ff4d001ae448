import Foundation
@testable import Acquisition
import LinearAlgebra
import NumericalOptimization
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

/// The polytope `rows·x ≤ offsets`, margin per row.
struct Polytope: FeasibleRegion {
    var rows: [[Double]]
    var offsets: [Double]
    func margins(_ point: [Double]) -> [Double] {
        zip(rows, offsets).map { row, offset in offset - zip(row, point).reduce(0) { $0 + $1.0 * $1.1 } }
    }
    func margin(_ point: [Double]) -> Double { margins(point).min()! }
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
    func isContinuous(dimension: Int) -> Bool { dimension > 0 }
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

    /// A bump at (0.8, …, 0.8) in 6-D behind three oblique walls x₁+x₂ ≤ 1, x₃+x₄ ≤ 1,
    /// x₅+x₆ ≤ 1: the constrained optimum, the bump's projection onto the polytope, is
    /// (0.5, …, 0.5), where all three are active. The walled ascent stops at the first wall it
    /// meets; the soft gate slides along all three.
    @Test func severalActiveWallsAreFollowedByTheSoftGate() throws {
        let walls = Polytope(rows: [[1, 1, 0, 0, 0, 0], [0, 0, 1, 1, 0, 0], [0, 0, 0, 0, 1, 1]], offsets: [1, 1, 1])
        let bump = BumpAcquisition(peak: [Double](repeating: 0.8, count: 6))
        var errors: [Double] = []
        var walledErrors: [Double] = []
        for seed in 0..<5 {
            let soft = try AcquisitionMaximizer(candidates: 256, refinedStarts: 4, localCandidates: 0).maximize(
                bump, in: walls, dimension: 6, seed: UInt64(seed))
            let walled = try AcquisitionMaximizer(candidates: 256, refinedStarts: 4, localCandidates: 0, gateSoftness: 0).maximize(
                bump, in: walls, dimension: 6, seed: UInt64(seed))
            #expect(walls.contains(soft.point))
            errors.append(soft.point.map { abs($0 - 0.5) }.max()!)
            walledErrors.append(walled.point.map { abs($0 - 0.5) }.max()!)
        }
        #expect(errors.max()! < 2e-3, "\(errors)")
        #expect(walledErrors.max()! > 10 * errors.max()!, "walled \(walledErrors), soft \(errors)")
    }

    /// The pull-back to the boundary: on a disk (curved margin) and a polytope corner (a kink
    /// in the margin) it ends inside, within 2⁻³⁰ of the segment from the boundary, in far
    /// fewer margin evaluations than bisection's thirty; a margin that disagrees with the gate
    /// falls back to bisecting the gate.
    @Test func theBoundaryPointIsInsideAndOnTheBoundary() {
        final class Counter: @unchecked Sendable { var count = 0 }
        struct Disk: FeasibleRegion {
            let counter: Counter
            func margin(_ point: [Double]) -> Double {
                counter.count += 1
                return 0.09 - pow(point[0] - 0.5, 2) - pow(point[1] - 0.5, 2)
            }
            func contains(_ point: [Double]) -> Bool { 0.09 - pow(point[0] - 0.5, 2) - pow(point[1] - 0.5, 2) >= 0 }
            var hasBoundary: Bool { true }
        }
        let counter = Counter()
        let disk = Disk(counter: counter)
        let (inside, outside) = ([0.5, 0.5], [0.95, 0.9])
        let point = AcquisitionMaximizer.boundaryPoint(inside: inside, outside: outside, region: disk)
        #expect(disk.contains(point))
        // The exact crossing: |inside + t (outside − inside) − centre| = 0.3.
        let length = (0.45 * 0.45 + 0.4 * 0.4).squareRoot()
        let crossing = inside.indices.map { inside[$0] + 0.3 / length * (outside[$0] - inside[$0]) }
        #expect(zip(point, crossing).allSatisfy { abs($0 - $1) <= 0x1p-30 * length + 1e-15 }, "\(point) against \(crossing)")
        #expect(counter.count < 20, "\(counter.count) margin evaluations")

        let corner = Polytope(rows: [[1, 0], [0, 1]], offsets: [0.6, 0.3])
        let cornerPoint = AcquisitionMaximizer.boundaryPoint(inside: [0.2, 0.1], outside: [0.9, 0.9], region: corner)
        #expect(corner.contains(cornerPoint) && corner.margin(cornerPoint) <= 1e-8)

        struct Disagreeing: FeasibleRegion {
            func margin(_ point: [Double]) -> Double { point[0] < 0.8 ? 1 : -1 }  // says 0.8
            func contains(_ point: [Double]) -> Bool { point[0] <= 0.25 }  // the gate says 0.25
            var hasBoundary: Bool { true }
        }
        let fallback = AcquisitionMaximizer.boundaryPoint(inside: [0, 0], outside: [1, 0], region: Disagreeing())
        #expect(fallback[0] <= 0.25 && fallback[0] > 0.25 - 1e-8)
    }

    @Test func theDefaultNormalIsTheMarginGradient() {
        let gate = HalfSpace(normal: [1, 2], offset: 1)
        let normal = (gate as any FeasibleRegion).normal(at: [0.2, 0.3])
        #expect(abs(normal[0] + 1) < 1e-6 && abs(normal[1] + 2) < 1e-6)
    }
}

/// A fully discrete rounding on a grid of `steps + 1` values per dimension, enumerable.
struct EnumerableGrid: PointRounding {
    var steps: Int
    var dimension: Int
    func canonicalize(_ point: [Double]) -> [Double] { point.map { ($0 * Double(steps)).rounded() / Double(steps) } }
    func discreteNeighbours(of point: [Double]) -> [[Double]] { [] }
    var hasDiscreteDimensions: Bool { true }
    func enumeratedPoints(limit: Int) -> [[Double]]? {
        var points: [[Double]] = [[]]
        for _ in 0..<dimension {
            points = points.flatMap { prefix in (0...steps).map { prefix + [Double($0) / Double(steps)] } }
        }
        return points.count <= limit ? points : nil
    }
}

@Suite struct LocalAndEnumeratedCandidateTests {
    /// A peak far narrower than the space-filling candidates' spacing in 10-D, next to an
    /// anchor: found through local candidates, not from the Sobol points alone (whose nearest
    /// lies ~0.5 away, where the bump is flat to machine precision).
    @Test func localCandidatesFindANarrowPeakBesideTheAnchor() throws {
        let peak = [Double](repeating: 0.31, count: 10)
        let narrow = NarrowPeak(peak: peak, width: 0.01)
        let anchor = peak.map { $0 + 0.004 }
        let withAnchors = try AcquisitionMaximizer(candidates: 256).maximize(
            narrow, in: UnitCube(), dimension: 10, anchors: [anchor], seed: 5)
        #expect(zip(withAnchors.point, peak).allSatisfy { abs($0 - $1) < 1e-3 }, "\(withAnchors.point)")
        let without = try AcquisitionMaximizer(candidates: 256).maximize(narrow, in: UnitCube(), dimension: 10, seed: 5)
        #expect(without.value < withAnchors.value - 0.5, "\(without.value) against \(withAnchors.value)")
    }

    /// An acquisition that climbs into the corner (1, 1) (its peak lies outside the cube):
    /// with the best points far from those faces, the refined point on them is not proposed
    /// and the proposal lies on no face; with a best point near them, or no support given,
    /// the corner is proposed. A discrete dimension at its end is not a face.
    @Test func aRefinedPointOnFacesFarFromTheBestPointsIsNotProposed() throws {
        let outward = BumpAcquisition(peak: [1.5, 1.4])
        let maximizer = AcquisitionMaximizer(candidates: 256)
        let unsupported = try maximizer.maximize(outward, in: UnitCube(), dimension: 2, faceSupport: [[0.2, 0.3], [0.4, 0.1]], seed: 4)
        #expect(unsupported.point.allSatisfy { $0 > 0 && $0 < 1 }, "\(unsupported.point)")
        // One face supported, the other not: a point on both is still refused.
        let half = try maximizer.maximize(outward, in: UnitCube(), dimension: 2, faceSupport: [[0.9, 0.2]], seed: 4)
        #expect(half.point.allSatisfy { $0 < 1 }, "\(half.point)")
        let supported = try maximizer.maximize(outward, in: UnitCube(), dimension: 2, faceSupport: [[0.2, 0.3], [0.9, 0.8]], seed: 4)
        #expect(supported.point == [1, 1])
        let unruled = try maximizer.maximize(outward, in: UnitCube(), dimension: 2, seed: 4)
        #expect(unruled.point == [1, 1])
        let off = try AcquisitionMaximizer(candidates: 256, faceReach: 1).maximize(
            outward, in: UnitCube(), dimension: 2, faceSupport: [[0.2, 0.3]], seed: 4)
        #expect(off.point == [1, 1])
        // Dimension 0 discrete: its end value 1 is a grid value, not a face; dimension 1 is a face.
        let discrete = try maximizer.maximize(
            outward, in: UnitCube(), dimension: 2, rounding: GridRounding(steps: 4), faceSupport: [[0.2, 0.3]], seed: 4)
        #expect(discrete.point[0] == 1 && discrete.point[1] < 1, "\(discrete.point)")
    }

    /// Perturbations stay in the cube, never sit on its faces (they are reflected, not
    /// clamped), and draw more around the first anchor than around the others.
    @Test func perturbationsAreReflectedAndFavourTheBestAnchor() {
        var generator = SeededGenerator(seed: 9)
        let anchors: [[Double]] = [[0.0, 0.5, 1.0], [0.9, 0.9, 0.9]]
        let points = AcquisitionMaximizer.perturbations(of: anchors, count: 4000, generator: &generator)
        #expect(points.count == 4000)
        #expect(points.allSatisfy { $0.allSatisfy { $0 > 0 && $0 < 1 } })
        let nearFirst = points.filter { abs($0[1] - 0.5) < abs($0[1] - 0.9) }.count
        #expect(nearFirst > 2200 && nearFirst < 3200, "\(nearFirst) of 4000 (weights 2/3 and 1/3)")
    }

    /// A discrete space small enough is enumerated: the proposal is the best gate-passing,
    /// non-excluded configuration, exactly.
    @Test func enumerationScoresEveryFeasibleConfiguration() throws {
        let grid = EnumerableGrid(steps: 10, dimension: 3)  // 1,331 configurations
        let bump = BumpAcquisition(peak: [0.72, 0.2, 0.5])
        let gate = HalfSpace(normal: [1, 0, 0], offset: 0.65)
        let first = try AcquisitionMaximizer().maximize(bump, in: gate, dimension: 3, rounding: grid, seed: 1)
        #expect(first.point == [0.6, 0.2, 0.5])
        #expect(first.knownFeasibleCandidates == 7 * 11 * 11)
        let second = try AcquisitionMaximizer().maximize(
            bump, in: gate, dimension: 3, rounding: grid, excluding: [first.point], seed: 1)
        let brute = grid.enumeratedPoints(limit: .max)!.filter { gate.contains($0) && $0 != first.point }
            .max { bump.values(at: Matrix(rowMajor: [$0]))[0] < bump.values(at: Matrix(rowMajor: [$1]))[0] }!
        #expect(second.point == brute)
        // The two best evaluated: the third; nothing scored (−∞ everywhere): the first open
        // configuration in enumeration order.
        let third = try AcquisitionMaximizer().maximize(
            bump, in: gate, dimension: 3, rounding: grid, excluding: [second.point, first.point], seed: 1)
        // (Ties among the runners-up: the third value, and the first such point in enumeration order.)
        let feasible = grid.enumeratedPoints(limit: .max)!.filter { gate.contains($0) }
        let ranked = feasible.map { bump.values(at: Matrix(rowMajor: [$0]))[0] }.sorted(by: >)
        let expected = feasible.first { $0 != first.point && $0 != second.point && bump.values(at: Matrix(rowMajor: [$0]))[0] == ranked[2] }
        #expect(third.point == expected && third.value == ranked[2])
        let open = grid.enumeratedPoints(limit: .max)!.filter { gate.contains($0) }
        let flat = try AcquisitionMaximizer().maximize(
            ConstantAcquisition(value: -.infinity), in: gate, dimension: 3, rounding: grid, excluding: [open[0]], seed: 1)
        #expect(flat.point == open[1] && flat.value == -.infinity)
        // Over the limit: the continuous path (a point on the grid, not necessarily the best).
        let relaxed = try AcquisitionMaximizer(enumerationLimit: 1000).maximize(bump, in: gate, dimension: 3, rounding: grid, seed: 1)
        #expect(relaxed.sampledCandidates != 1331)
    }
}

/// The same value everywhere.
struct ConstantAcquisition: AcquisitionFunction {
    var value: Double
    func values(at points: Matrix) -> [Double] { [Double](repeating: value, count: points.rows) }
    func valueAndGradient(at point: [Double]) -> (value: Double, gradient: [Double]) { (value, point.map { _ in 0 }) }
}

/// `log` of a Gaussian bump of the given width: −|x − peak|²/(2w²).
struct NarrowPeak: AcquisitionFunction {
    var peak: [Double]
    var width: Double
    func values(at points: Matrix) -> [Double] { (0..<points.rows).map { valueAndGradient(at: points.row($0)).value } }
    func valueAndGradient(at point: [Double]) -> (value: Double, gradient: [Double]) {
        let delta = zip(point, peak).map { $0 - $1 }
        let scale = 1 / (width * width)
        let value = -0.5 * scale * delta.reduce(0) { $0 + $1 * $1 }
        return (exp(value) - 1, delta.map { -scale * $0 * exp(value) })
    }
}
