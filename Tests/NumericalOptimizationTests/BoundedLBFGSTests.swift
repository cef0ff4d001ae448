import NumericalOptimization
import Testing

@Suite struct BoundedLBFGSTests {
    /// f = Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², minimum 0 at (1, …, 1).
    static func rosenbrock(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        var value = 0.0
        var gradient = [Double](repeating: 0, count: x.count)
        for i in 0..<(x.count - 1) {
            let a = x[i + 1] - x[i] * x[i]
            let b = 1 - x[i]
            value += 100 * a * a + b * b
            gradient[i] += -400 * x[i] * a - 2 * b
            gradient[i + 1] += 200 * a
        }
        return (value, gradient)
    }

    @Test(arguments: [2, 10])
    func rosenbrockConvergesToTheMinimum(dimension: Int) {
        let optimizer = BoundedLBFGS(maximumIterations: 2000, maximumEvaluations: 5000, projectedGradientTolerance: 1e-8)
        let start = (0..<dimension).map { $0 % 2 == 0 ? -1.2 : 1.0 }
        let result = optimizer.minimize(
            start: start, lower: [Double](repeating: -5, count: dimension),
            upper: [Double](repeating: 5, count: dimension), Self.rosenbrock)
        #expect(result.value < 1e-12)
        for value in result.point { #expect(abs(value - 1) < 1e-5) }
        #expect(result.termination == .projectedGradientConverged || result.termination == .functionChangeConverged)
    }

    @Test func rosenbrockWithTheMinimumOutsideTheBox() {
        // On [−2, 0.5]², the constrained minimiser of 2-D Rosenbrock is on x₁ = 0.5 with x₂ = 0.25.
        let result = BoundedLBFGS().minimize(start: [-1, 1], lower: [-2, -2], upper: [0.5, 0.5], Self.rosenbrock)
        #expect(abs(result.point[0] - 0.5) < 1e-9)
        #expect(abs(result.point[1] - 0.25) < 1e-6)
        #expect(result.termination == .projectedGradientConverged || result.termination == .functionChangeConverged)
    }

    @Test func quadraticWithActiveBoundsStopsOnTheProjection() {
        // f = Σ wᵢ (xᵢ − cᵢ)² with centres outside the box in some coordinates: the minimiser is
        // the centre clamped to the box, with those coordinates' bounds active.
        let centre = [2.0, -3.0, 0.25, 0.5, 7.0]
        let weights = [1.0, 10.0, 100.0, 0.5, 3.0]
        let lower = [Double](repeating: 0, count: 5)
        let upper = [Double](repeating: 1, count: 5)
        let result = BoundedLBFGS(projectedGradientTolerance: 1e-8).minimize(
            start: [0.5, 0.5, 0.5, 0.1, 0.9], lower: lower, upper: upper
        ) { x in
            var value = 0.0
            var gradient = [Double](repeating: 0, count: 5)
            for i in 0..<5 {
                value += weights[i] * (x[i] - centre[i]) * (x[i] - centre[i])
                gradient[i] = 2 * weights[i] * (x[i] - centre[i])
            }
            return (value, gradient)
        }
        // Active coordinates sit exactly on their bounds; free ones converge to their centres.
        #expect(result.point[0] == 1 && result.point[1] == 0 && result.point[4] == 1)
        #expect(abs(result.point[2] - 0.25) < 1e-8 && abs(result.point[3] - 0.5) < 1e-8)
        #expect(result.termination == .projectedGradientConverged || result.termination == .functionChangeConverged)
        #expect(result.iterations < 20)
    }

    @Test func backtracksOutOfTheHalfOfTheBoxWhereTheFunctionIsInfinite() {
        // f = (x − 0.8)² + (y − 0.3)² for x ≤ 1, +∞ for x > 1: half of [−2, 4]² is undefined.
        // From (0.3, 0.1) the first full step lands at x = 1.3; it must shrink, and the
        // minimiser (0.8, 0.3) must still be found.
        var infiniteEvaluations = 0
        let result = BoundedLBFGS().minimize(start: [0.3, 0.1], lower: [-2, -2], upper: [4, 4]) { p in
            guard p[0] <= 1 else {
                infiniteEvaluations += 1
                return (.infinity, [.nan, .nan])
            }
            return ((p[0] - 0.8) * (p[0] - 0.8) + (p[1] - 0.3) * (p[1] - 0.3), [2 * (p[0] - 0.8), 2 * (p[1] - 0.3)])
        }
        #expect(infiniteEvaluations > 0, "the test must send the line search into the infinite half")
        #expect(abs(result.point[0] - 0.8) < 1e-6 && abs(result.point[1] - 0.3) < 1e-6)
        #expect(result.termination == .projectedGradientConverged || result.termination == .functionChangeConverged)
    }

    @Test func minimumOnTheEdgeOfTheInfiniteRegionIsApproachedFromInside() {
        // The infimum over the finite half is on its edge (1, 0.3): every iterate stays finite
        // and the run ends at a finite point better than the start, never on a +∞ value.
        let start = [-1.5, -1.5]
        let f: ([Double]) -> (value: Double, gradient: [Double]) = { p in
            guard p[0] <= 1 else { return (.infinity, [.nan, .nan]) }
            return ((p[0] - 1.5) * (p[0] - 1.5) + (p[1] - 0.3) * (p[1] - 0.3), [2 * (p[0] - 1.5), 2 * (p[1] - 0.3)])
        }
        let result = BoundedLBFGS(maximumIterations: 300).minimize(start: start, lower: [-2, -2], upper: [2, 2], f)
        #expect(result.value.isFinite && result.point[0] <= 1)
        #expect(result.value < f(start).value)
        #expect(result.point[0] > 0.99)
        // The wall is axis-aligned: sliding along it reaches the infimum's y.
        #expect(abs(result.point[1] - 0.3) < 1e-4, "\(result.point)")
    }

    @Test func nanRegionIsTreatedLikeInfinity() {
        let result = BoundedLBFGS().minimize(start: [0.1], lower: [-10], upper: [10]) { x in
            x[0] > 0.5 ? (.nan, [.nan]) : ((x[0] - 3) * (x[0] - 3), [2 * (x[0] - 3)])
        }
        #expect(result.value.isFinite)
        #expect(result.point[0] <= 0.5 && result.point[0] > 0.45)
    }

    @Test func nonFiniteStartIsReportedNotCrashed() {
        let result = BoundedLBFGS().minimize(start: [1], lower: [0], upper: [2]) { _ in (.infinity, [0]) }
        #expect(result.termination == .nonFiniteStart)
        #expect(result.iterations == 0)
    }

    @Test func startOutsideTheBoxIsProjected() {
        let result = BoundedLBFGS().minimize(start: [10, -10], lower: [0, 0], upper: [1, 1]) { x in
            ((x[0] - 0.3) * (x[0] - 0.3) + (x[1] - 0.6) * (x[1] - 0.6), [2 * (x[0] - 0.3), 2 * (x[1] - 0.6)])
        }
        #expect(abs(result.point[0] - 0.3) < 1e-7 && abs(result.point[1] - 0.6) < 1e-7)
    }
}
