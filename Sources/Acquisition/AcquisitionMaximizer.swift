import Foundation
import LinearAlgebra
import NumericalOptimization

/// Why the maximiser could not propose a point.
public enum AcquisitionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// None of the sampled candidates passed the known-feasibility gate.
    case noKnownFeasibleCandidate(sampled: Int)
    /// Every known-feasible candidate duplicates an evaluated or pending point.
    case allCandidatesDuplicate(candidates: Int)

    public var description: String {
        switch self {
        case let .noKnownFeasibleCandidate(sampled):
            return "none of \(sampled) space-filling candidates satisfies the known constraints"
        case let .allCandidatesDuplicate(candidates):
            return "all \(candidates) known-feasible candidates duplicate evaluated or pending points"
        }
    }
}

/// A box of the unit cube around a centre, where a maximiser confines its search (TuRBO's and
/// SCBO's trust region, Eriksson et al. 2019, Eriksson & Poloczek 2021).
public struct TrustRegion: Sendable, Equatable {
    /// The centre, in the unit cube.
    public var center: [Double]
    /// Half the side of the box, in units of the cube's side.
    public var halfWidth: Double

    public init(center: [Double], halfWidth: Double) {
        precondition(halfWidth > 0, "a trust region needs a positive half-width")
        self.center = center
        self.halfWidth = halfWidth
    }

    /// The box, clipped to the cube.
    public var bounds: (lower: [Double], upper: [Double]) {
        (center.map { max($0 - halfWidth, 0) }, center.map { min($0 + halfWidth, 1) })
    }
}

/// A proposed point and what the maximiser knows of it.
public struct AcquisitionProposal: Sendable {
    /// The point, canonical (rounded) and known-feasible.
    public var point: [Double]
    /// The acquisition value there.
    public var value: Double
    /// Candidates that passed the known-feasibility gate, of those sampled.
    public var knownFeasibleCandidates: Int
    public var sampledCandidates: Int
}

/// Maximises an acquisition function over the unit cube inside a known-feasible region.
///
/// 1. `candidates` scrambled Sobol points (padded with uniform coordinates beyond 1,024
///    dimensions, ``SpaceFillingSequence``); those the gate rejects are dropped (HyperPower's
///    rule: a configuration predicted to break a known constraint is never proposed).
/// 2. The acquisition is evaluated on the survivors in one batch; the best `refinedStarts` are
///    refined by ``BoundedLBFGS`` with the analytic gradient, where a step that leaves the
///    known-feasible region sees +∞ and backtracks.
/// 3. Refined points are canonicalised (discrete dimensions rounded), re-checked against the
///    gate and re-scored; then the refined points and the remaining candidates are tried, best
///    first, and the first that is not within `duplicateTolerance` (max-norm, canonical space)
///    of an evaluated or pending point is proposed.
///
/// The gate is a predicate without a gradient, so an optimum on the boundary of the
/// known-feasible region (common: the most accurate network that fits the budget) is approached
/// from inside; ``BoundedLBFGS`` slides along such walls by holding one coordinate at a time
/// when a step lands outside. Oblique walls are followed less precisely than axis-aligned ones.
/// (An exterior penalty on the known constraints' violation, with finite-difference gradients,
/// was tried instead of the +∞ wall and measured slightly worse on the benchmark problems:
/// welded beam median regret 0.041 against 0.022.)
public struct AcquisitionMaximizer: Sendable {
    /// Space-filling candidates per proposal.
    public var candidates: Int
    /// How many of the best candidates are refined by gradient ascent.
    public var refinedStarts: Int
    /// The local optimiser.
    public var optimizer: BoundedLBFGS
    /// Two canonical points closer than this (max-norm) are the same configuration.
    public var duplicateTolerance: Double
    /// Candidates drawn around the anchors (the best points so far) per proposal, in addition
    /// to the space-filling ones; 0 turns local candidates off.
    public var localCandidates: Int
    /// A space whose every dimension is discrete, with at most this many configurations, is
    /// enumerated: every known-feasible configuration is scored, none is relaxed to the cube.
    public var enumerationLimit: Int
    /// Softness τ, in margin units, of the soft gate with which the best refined points that
    /// ended next to a known boundary are refined again (``softGateAscent``); 0 turns it off.
    public var gateSoftness: Double
    /// How near (in units of the cube's side, per coordinate) a supporting point must lie to
    /// a face of the cube for a refined point on that face to be proposed (see `faceSupport`
    /// in ``maximize(_:in:dimension:rounding:excluding:anchors:faceSupport:trustRegion:seed:)``);
    /// 1 or more turns the rule off.
    public var faceReach: Double

    /// The most neighbours one step of the discrete local search scores (a random subset of a
    /// point's neighbours beyond it; every neighbour below it, as before the cap).
    public static let maximumNeighbours = 256

    public init(
        candidates: Int = 2048, refinedStarts: Int = 8, localCandidates: Int = 512, enumerationLimit: Int = 100_000, gateSoftness: Double = 3e-3,
        faceReach: Double = 0.5,
        optimizer: BoundedLBFGS = BoundedLBFGS(
            maximumIterations: 60, maximumEvaluations: 200, projectedGradientTolerance: 1e-6,
            relativeFunctionTolerance: 1e-9),
        duplicateTolerance: Double = 1e-9
    ) {
        precondition(candidates >= 1 && refinedStarts >= 0 && localCandidates >= 0 && enumerationLimit >= 0 && gateSoftness >= 0 && faceReach >= 0)
        self.faceReach = faceReach
        self.candidates = candidates
        self.enumerationLimit = enumerationLimit
        self.gateSoftness = gateSoftness
        self.localCandidates = localCandidates
        self.refinedStarts = refinedStarts
        self.optimizer = optimizer
        self.duplicateTolerance = duplicateTolerance
    }

    /// This maximiser with fewer candidates for a model of `n` observations: scoring a
    /// candidate costs O(n²) (its posterior variance), so beyond 300 observations the
    /// space-filling and local candidates shrink by (300/n)², to no fewer than 256 and 64 —
    /// the cost of scoring stays that of n = 300 while the model, by then well informed,
    /// is maximised mostly from the refined starts.
    public func scaled(forObservations n: Int) -> AcquisitionMaximizer {
        guard n > 300 else { return self }
        let factor = (300.0 / Double(n)) * (300.0 / Double(n))
        var copy = self
        copy.candidates = max(min(candidates, 256), Int(Double(candidates) * factor))
        copy.localCandidates = max(min(localCandidates, 64), Int(Double(localCandidates) * factor))
        return copy
    }

    /// Proposes the point of `region` that maximises `acquisition`, canonical under
    /// `rounding`, that is not within ``duplicateTolerance`` of a point in `excluded`.
    ///
    /// When the region has a boundary, the two best refined points next to it follow it by
    /// gradient projection (``followBoundary(from:acquisition:region:iterations:)``);
    /// when `rounding` has discrete dimensions, the best points are also improved by greedy
    /// local search over neighbours — the continuous relaxation of a one-hot block says little
    /// about which category is best.
    ///
    /// - Parameters:
    ///   - acquisition: the function to maximise.
    ///   - region: where proposals may lie (``UnitCube`` for no known constraint).
    ///   - dimension: of the unit cube.
    ///   - rounding: canonical points of discrete dimensions (``ContinuousRounding`` if none).
    ///   - excluded: canonical points already evaluated or pending.
    ///   - anchors: points to draw ``localCandidates`` around, best first (the best evaluated
    ///     points); empty for space-filling candidates only.
    ///   - faceSupport: the points that support proposals on the faces of the cube (the best
    ///     evaluated points): a refined point with a continuous coordinate on a face (0 or 1) is
    ///     proposed only if one of them lies within ``faceReach`` of every face it touches, so
    ///     on the same side of the cube. Empty: no such rule.
    ///   - trustRegion: confines the candidates and their refinement to a box (enumeration
    ///     ignores it); `nil` for the whole cube.
    ///   - seed: scrambles the candidates.
    /// - Throws: ``AcquisitionError``.
    public func maximize(
        _ acquisition: some AcquisitionFunction, in region: some FeasibleRegion, dimension: Int,
        rounding: some PointRounding = ContinuousRounding(), excluding excluded: [[Double]] = [],
        anchors: [[Double]] = [], faceSupport: [[Double]] = [], trustRegion: TrustRegion? = nil, seed: UInt64
    ) throws -> AcquisitionProposal {
        if let all = rounding.enumeratedPoints(limit: enumerationLimit) {
            return try maximizeByEnumeration(acquisition, over: all, in: region, excluding: excluded)
        }
        var sequence = try SpaceFillingSequence(dimension: dimension, scrambleSeed: seed)
        var sampled = sequence.nextPoints(candidates)
        var lower = [Double](repeating: 0, count: dimension)
        var upper = [Double](repeating: 1, count: dimension)
        if let trustRegion {
            (lower, upper) = trustRegion.bounds
            sampled = sampled.map { u in (0..<dimension).map { lower[$0] + u[$0] * (upper[$0] - lower[$0]) } }
        }
        if !anchors.isEmpty && localCandidates > 0 {
            var generator = SeededGenerator(seed: seed ^ 0x10CA_1CA4_D1DA_7E5)
            // The best anchor itself first: refined from there, the ascent slides along the
            // faces and walls the incumbent already touches (optima on known boundaries).
            sampled.append(anchors[0])
            var local = Self.perturbations(of: anchors, count: localCandidates - 1, generator: &generator)
            if trustRegion != nil {
                local = local.map { x in (0..<dimension).map { min(max(x[$0], lower[$0]), upper[$0]) } }
            }
            sampled += local
        }
        let spaceFilling = candidates  // sampled[..<candidates] are Sobol, the rest local
        let inside = region.contains(points: sampled)
        let feasibleIndices = sampled.indices.filter { inside[$0] }
        let feasible = feasibleIndices.map { sampled[$0] }
        let isLocal = feasibleIndices.map { $0 >= spaceFilling }
        guard !feasible.isEmpty else { throw AcquisitionError.noKnownFeasibleCandidate(sampled: sampled.count) }

        let scores = acquisition.values(at: Matrix(rowMajor: feasible))
        let order = feasible.indices.sorted { lhs, rhs in
            let a = scores[lhs].isNaN ? -Double.infinity : scores[lhs]
            let b = scores[rhs].isNaN ? -Double.infinity : scores[rhs]
            return a > b
        }

        var ranked: [(point: [Double], value: Double)] = []
        var refinedPoints: [(start: [Double], point: [Double], value: Double)] = []
        // Refine the best space-filling and the best local candidates in equal shares, so that
        // a strong incumbent's neighbourhood does not take every start from the other basins.
        let localStarts = isLocal.contains(true) ? refinedStarts / 2 : 0
        var starts = Array(order.lazy.filter { !isLocal[$0] }.prefix(refinedStarts - localStarts))
        if localStarts > 0 {
            let incumbent = feasibleIndices.firstIndex(of: spaceFilling)  // the best anchor, when it passes the gate
            let incumbentStart = incumbent.map { [$0] } ?? []
            starts += incumbentStart
            starts += order.lazy.filter { isLocal[$0] && $0 != incumbent }.prefix(localStarts - incumbentStart.count)
        }
        for index in starts where scores[index].isFinite {
            let start = feasible[index]
            let result = optimizer.minimize(start: start, lower: lower, upper: upper) { x in
                guard region.contains(x) else { return (.infinity, [Double](repeating: 0, count: dimension)) }
                let (value, gradient) = acquisition.valueAndGradient(at: x)
                guard value.isFinite else { return (.infinity, [Double](repeating: 0, count: dimension)) }
                return (-value, gradient.map { -$0 })
            }
            refinedPoints.append((start, result.point, -result.value))
        }
        if region.hasBoundary {
            // The best refined points that the wall stopped next to the boundary: a soft-gate
            // ascent from the best three, then boundary following from the best two.
            var nearBoundary = refinedPoints.indices
                .filter { refinedPoints[$0].value.isFinite && region.contains(refinedPoints[$0].point) && region.margin(refinedPoints[$0].point) < 0.05 }
                .sorted { refinedPoints[$0].value > refinedPoints[$1].value }
            if gateSoftness > 0 {
                for index in nearBoundary.prefix(3) {
                    // Continuation: τ, then τ/10 from there (G7: 0.078 → 0.025).
                    var (point, value) = (refinedPoints[index].point, refinedPoints[index].value)
                    for softness in [gateSoftness, gateSoftness / 10] {
                        (point, value) = Self.softGateAscent(
                            from: point, value: value, acquisition: acquisition, region: region, softness: softness,
                            lower: lower, upper: upper, optimizer: optimizer)
                    }
                    (refinedPoints[index].point, refinedPoints[index].value) = (point, value)
                }
                nearBoundary.sort { refinedPoints[$0].value > refinedPoints[$1].value }
            }
            for index in nearBoundary.prefix(2) {
                refinedPoints[index].point = Self.followBoundary(
                    from: refinedPoints[index].point, acquisition: acquisition, region: region)
            }
        }
        for (start, point, _) in refinedPoints {
            // Far from every good point, an ascent that ends on a face of the cube has climbed the
            // posterior variance into a corner, where a flat acquisition (a global search phase)
            // has nothing else to follow (Siivola et al. 2018, boundary over-exploration).
            if faceReach < 1 && !faceSupport.isEmpty
                && !Self.facesSupported(point, support: faceSupport, reach: faceReach, rounding: rounding) { continue }
            var canonical = rounding.canonicalize(point)
            if !region.contains(canonical) {
                // Rounding can cross the boundary: take the last feasible point towards the start.
                guard let inside = Self.lastFeasible(from: start, towards: point, region: region, rounding: rounding)
                else { continue }
                canonical = inside
            }
            let value = acquisition.values(at: Matrix(rows: 1, columns: dimension, elements: canonical))[0]
            if value.isFinite { ranked.append((canonical, value)) }
        }
        if rounding.hasDiscreteDimensions {
            // Greedy local search from the best refined points and candidates, one batch of
            // acquisition values per step.
            // A step scores at most `maximumNeighbours` of a point's neighbours, drawn at random
            // when it has more: 210 categoricals of five choices have 840 neighbours of 1,050
            // columns, and scoring all of them at every step of every start took 16–23 s per
            // suggestion (with the cap about 1/4 of that).
            let excludedSet = excluded
            let localStarts = (ranked + starts.map { (rounding.canonicalize(feasible[$0]), scores[$0]) })
                .filter { $0.value.isFinite }
            var neighbourGenerator = SeededGenerator(seed: seed ^ 0xB16_4E16_8B0B)
            for start in localStarts {
                var current = start
                for _ in 0..<32 {
                    var neighbours = rounding.discreteNeighbours(of: current.point)
                    if neighbours.count > Self.maximumNeighbours {
                        neighbours.shuffle(using: &neighbourGenerator)
                        neighbours.removeLast(neighbours.count - Self.maximumNeighbours)
                    }
                    let moves = neighbours.filter { region.contains($0) }
                    guard !moves.isEmpty else { break }
                    let values = acquisition.values(at: Matrix(rowMajor: moves))
                    guard let best = moves.indices.max(by: { values[$0] < values[$1] }), values[best] > current.value else { break }
                    current = (moves[best], values[best])
                }
                if !excludedSet.contains(where: { zip($0, current.point).allSatisfy { abs($0 - $1) <= duplicateTolerance } }) {
                    ranked.append(current)
                }
            }
        }
        ranked.sort { $0.value > $1.value }
        func proposal(_ candidate: (point: [Double], value: Double)) -> AcquisitionProposal? {
            let duplicate = excluded.contains { other in
                zip(other, candidate.point).allSatisfy { abs($0 - $1) <= duplicateTolerance }
            }
            return duplicate ? nil : AcquisitionProposal(
                point: candidate.point, value: candidate.value, knownFeasibleCandidates: feasible.count,
                sampledCandidates: sampled.count)
        }
        for candidate in ranked { if let found = proposal(candidate) { return found } }
        // Unrefined local candidates are not proposed: a raw perturbation of the incumbent is a
        // guess; only what their refinement reached is (with the space-filling candidates as
        // the fallback). Local candidates remain the last resort against all-duplicates. Each is
        // rounded only when its turn comes (rounding every candidate up front cost a sixth of a
        // suggestion).
        for local in [false, true] {
            for index in order where isLocal[index] == local {
                if let found = proposal((rounding.canonicalize(feasible[index]), scores[index])) { return found }
            }
        }
        throw AcquisitionError.allCandidatesDuplicate(candidates: feasible.count)
    }

    /// Whether one of `support` lies within `reach` of every face of the cube that `point` lies
    /// on (continuous coordinates at 0 or 1); true for a point on no face.
    static func facesSupported(_ point: [Double], support: [[Double]], reach: Double, rounding: some PointRounding) -> Bool {
        let faces = point.indices.filter { (point[$0] <= 0 || point[$0] >= 1) && rounding.isContinuous(dimension: $0) }
        guard !faces.isEmpty else { return true }
        return support.contains { good in faces.allSatisfy { abs(good[$0] - (point[$0] <= 0 ? 0 : 1)) <= reach } }
    }

    /// The best-scoring point of `all` that passes the gate and is not excluded; the
    /// acquisition is evaluated in batches of 4,096.
    func maximizeByEnumeration(
        _ acquisition: some AcquisitionFunction, over all: [[Double]], in region: some FeasibleRegion, excluding excluded: [[Double]]
    ) throws -> AcquisitionProposal {
        let inside = region.contains(points: all)
        let feasible = all.indices.filter { inside[$0] }.map { all[$0] }
        guard !feasible.isEmpty else { throw AcquisitionError.noKnownFeasibleCandidate(sampled: all.count) }
        // Every feasible configuration is scored, evaluated ones included, and the best that is
        // not excluded is taken: hashing thousands of points to leave out a hundred cost more
        // than scoring the hundred. Enumerated and excluded points are both canonical.
        var values: [Double] = []
        values.reserveCapacity(feasible.count)
        var start = 0
        while start < feasible.count {
            let end = min(start + 4096, feasible.count)
            values += acquisition.values(at: Matrix(rowMajor: Array(feasible[start..<end])))
            start = end
        }
        func isExcluded(_ index: Int) -> Bool { excluded.contains { $0 == feasible[index] } }
        // The best open configuration, the first in enumeration order among equals: the best
        // of all unless it was evaluated (then the next best, and so on); every one scoring −∞
        // or NaN (a model that cannot predict): the first open one.
        var rejected = Set<Int>()
        var chosen: Int?
        while chosen == nil {
            var best: Int?
            for index in values.indices where !values[index].isNaN && values[index] > (best.map { values[$0] } ?? -.infinity)
                && !rejected.contains(index) {
                best = index
            }
            guard let best else { break }
            if isExcluded(best) { rejected.insert(best) } else { chosen = best }
        }
        guard let chosen = chosen ?? feasible.indices.first(where: { !isExcluded($0) }) else {
            throw AcquisitionError.allCandidatesDuplicate(candidates: feasible.count)
        }
        let value = values[chosen].isNaN ? -Double.infinity : values[chosen]
        return AcquisitionProposal(
            point: feasible[chosen], value: value, knownFeasibleCandidates: feasible.count, sampledCandidates: all.count)
    }

    /// Local candidates: Gaussian perturbations of the anchors (BoTorch's "sample around best",
    /// TuRBO's perturbation of a subset of coordinates). The anchor of each candidate is drawn
    /// with weight 1/(rank + 1), so the best point gets the most; the step's standard deviation
    /// is log-uniform in [10⁻³, 0.2] of the cube's side, so both a polish of the incumbent and
    /// a jump to its neighbourhood are tried; each coordinate moves with probability
    /// min(1, 20/d) (at least one moves). Steps that leave the cube are reflected, not
    /// clamped: clamping would put candidates exactly on the faces of the box.
    static func perturbations(of anchors: [[Double]], count: Int, generator: inout SeededGenerator) -> [[Double]] {
        let weights = anchors.indices.map { 1 / Double($0 + 1) }
        let total = weights.reduce(0, +)
        let dimension = anchors[0].count
        let moveProbability = min(1, 20 / Double(max(dimension, 1)))
        return (0..<count).map { _ in
            var pick = generator.nextUniform() * total
            var anchor = 0
            while anchor < anchors.count - 1 && pick >= weights[anchor] { pick -= weights[anchor]; anchor += 1 }
            let sigma = exp(log(1e-3) + generator.nextUniform() * (log(0.2) - log(1e-3)))
            var point = anchors[anchor]
            let forced = Int(generator.next() % UInt64(dimension))
            for k in 0..<dimension where k == forced || generator.nextUniform() < moveProbability {
                point[k] = Self.reflectedIntoUnitInterval(point[k] + sigma * generator.nextStandardNormal())
            }
            return point
        }
    }

    /// Refinement of a point the +∞ wall stopped: maximise `α(x) + Σᵢ log Φ(marginᵢ(x)/τ)`
    /// with no wall — the known constraints as a probability of feasibility that is exact up
    /// to a softness τ (`gateSoftness`, in margin units) — then pull the result back inside by
    /// bisection towards `start` (``lastFeasible(from:towards:region:rounding:)``) when it ended
    /// just outside, and keep it only if α (`value` at `start`) improved.
    /// The margins' gradients come from one-sided differences (d margin evaluations per step).
    /// With no wall to stop at, the line search slides along several active known constraints
    /// at once, as it does along a learned constraint (`unknown-constraints` reached G7's optimum
    /// to 0.02 while the walled ascent crept along the intersection of its linear constraints:
    /// median regret 0.87; with this, 0.05).
    static func softGateAscent(
        from start: [Double], value startValue: Double, acquisition: some AcquisitionFunction, region: some FeasibleRegion,
        softness: Double, lower: [Double], upper: [Double], optimizer: BoundedLBFGS
    ) -> (point: [Double], value: Double) {
        let d = start.count
        guard startValue.isFinite, region.contains(start) else { return (start, startValue) }
        let zero = [Double](repeating: 0, count: d)
        func gate(_ margins: [Double]) -> Double { margins.reduce(0) { $0 + logNormalCDF($1 / softness).value } }
        let result = optimizer.minimize(start: start, lower: lower, upper: upper) { x in
            let (value, gradient) = acquisition.valueAndGradient(at: x)
            let here = gate(region.margins(x))
            let total = value + here
            guard total.isFinite else { return (.infinity, zero) }
            var totalGradient = gradient
            // One-sided differences (backwards at an upper bound): d margin evaluations.
            let h = 1e-6
            for k in 0..<d {
                var moved = x
                let step = x[k] + h <= upper[k] ? h : -h
                moved[k] += step
                let difference = gate(region.margins(moved)) - here
                if difference.isFinite { totalGradient[k] += difference / step }
            }
            return (-total, totalGradient.map { -$0 })
        }
        var point = result.point
        if !region.contains(point) {
            guard let inside = lastFeasible(from: start, towards: point, region: region, rounding: ContinuousRounding())
            else { return (start, startValue) }
            point = inside
        }
        let value = acquisition.valueAndGradient(at: point).value
        return value.isFinite && value > startValue ? (point, value) : (start, startValue)
    }

    /// A coordinate moved outside [0, 1] reflected back at the face it crossed (then clamped,
    /// for steps longer than the side): random steps that leave the cube do not pile up on
    /// its faces, as clamping alone would make them.
    public static func reflectedIntoUnitInterval(_ x: Double) -> Double {
        var value = x
        if value < 0 { value = -value }
        if value > 1 { value = 2 - value }
        return min(max(value, 0), 1)
    }

    /// Gradient projection along the boundary of the known-feasible region: the ascent
    /// direction with its outward component removed (the boundary's normal is the gradient of
    /// `margin`, by central differences), a backtracking step, and a pull back inside along the
    /// normal when the step leaves the region. For optima on oblique known boundaries, which the
    /// +∞ wall alone approaches only by sliding one coordinate at a time.
    static func followBoundary(
        from start: [Double], acquisition: some AcquisitionFunction, region: some FeasibleRegion, iterations: Int = 30
    ) -> [Double] {
        func clamp(_ x: [Double]) -> [Double] { x.map { min(max($0, 0), 1) } }
        var x = start
        var (value, gradient) = acquisition.valueAndGradient(at: x)
        guard value.isFinite else { return start }
        for _ in 0..<iterations {
            let normal = region.normal(at: x)
            let normalSquared = normal.reduce(0) { $0 + $1 * $1 }
            guard normalSquared > 0, normalSquared.isFinite else { break }
            var direction = gradient
            let outward = zip(gradient, normal).reduce(0) { $0 + $1.0 * $1.1 }
            if outward < 0 { direction = zip(gradient, normal).map { $0 - outward / normalSquared * $1 } }
            let largest = direction.map(abs).max() ?? 0
            guard largest > 1e-12 else { break }
            let unitNormal = normal.map { $0 / normalSquared.squareRoot() }
            var step = 0.05 / largest
            var moved = false
            for _ in 0..<20 {
                var trial = clamp(zip(x, direction).map { $0 + step * $1 })
                if !region.contains(trial) {
                    // Pull back inside along the normal: the smallest push that is feasible.
                    let far = clamp(zip(trial, unitNormal).map { $0 + 0.05 * $1 })
                    guard region.contains(far) else { step *= 0.5; continue }
                    trial = boundaryPoint(inside: far, outside: trial, region: region)
                }
                let (trialValue, trialGradient) = acquisition.valueAndGradient(at: trial)
                if trialValue.isFinite && trialValue > value {
                    (x, value, gradient) = (trial, trialValue, trialGradient)
                    moved = true
                    break
                }
                step *= 0.5
            }
            if !moved { break }
        }
        return x
    }

    /// The point of the segment from `inside` (known-feasible) to `outside` (not) within 2⁻³⁰
    /// of its length from the boundary, on the feasible side: regula falsi on the margin with
    /// the Illinois modification (a handful of margin evaluations where bisection spent
    /// thirty gate tests); where the margin is not finite or disagrees with the gate, the
    /// gate's own bisection (``lastFeasible(from:towards:region:rounding:)``).
    static func boundaryPoint(inside: [Double], outside: [Double], region: some FeasibleRegion) -> [Double] {
        func point(_ t: Double) -> [Double] { zip(inside, outside).map { $0 + t * ($1 - $0) } }
        let tolerance = 0x1p-30
        var (low, high) = (0.0, 1.0)  // feasible at low, not at high
        var (lowMargin, highMargin) = (region.margin(inside), region.margin(outside))
        if lowMargin.isFinite, highMargin.isFinite, lowMargin >= 0, highMargin < 0 {
            var side = 0  // which end moved last: −1 low, +1 high
            for _ in 0..<60 where high - low > tolerance {
                var t = low + (high - low) * lowMargin / (lowMargin - highMargin)
                // Keep the step strictly inside the bracket, and at least a thousandth of it
                // away from either end, so that a flat margin still shrinks it.
                let guardBand = 1e-3 * (high - low)
                t = min(max(t, low + guardBand), high - guardBand)
                let margin = region.margin(point(t))
                guard margin.isFinite else { break }
                if margin >= 0 {
                    (low, lowMargin) = (t, margin)
                    if side == -1 { highMargin *= 0.5 }
                    side = -1
                } else {
                    (high, highMargin) = (t, margin)
                    if side == 1 { lowMargin *= 0.5 }
                    side = 1
                }
            }
            let candidate = point(low)
            if high - low <= tolerance, region.contains(candidate) { return candidate }
        }
        // Bisection on the gate itself.
        return lastFeasible(from: inside, towards: outside, region: region, rounding: ContinuousRounding()) ?? inside
    }

    /// The canonical point furthest along the segment from `start` (feasible) towards `end`
    /// that is still known-feasible, by bisection (40 halvings).
    static func lastFeasible(
        from start: [Double], towards end: [Double], region: some FeasibleRegion, rounding: some PointRounding
    ) -> [Double]? {
        func point(_ t: Double) -> [Double] { rounding.canonicalize(zip(start, end).map { $0 + t * ($1 - $0) }) }
        guard region.contains(point(0)) else { return nil }
        var inside = 0.0
        var outside = 1.0
        for _ in 0..<40 {
            let middle = 0.5 * (inside + outside)
            if region.contains(point(middle)) { inside = middle } else { outside = middle }
        }
        return point(inside)
    }
}
