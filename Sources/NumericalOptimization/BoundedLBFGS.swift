/// Why a bounded L-BFGS run stopped.
public enum TerminationReason: Sendable, Equatable {
    /// The projected gradient `‖P(x − ∇f) − x‖∞` fell below the tolerance: a first-order
    /// stationary point of the box-constrained problem.
    case projectedGradientConverged
    /// The relative decrease of `f` over an iteration fell below the tolerance.
    case functionChangeConverged
    /// The iteration limit was reached.
    case maximumIterations
    /// The function-evaluation limit was reached.
    case maximumEvaluations
    /// No step along the steepest-descent path decreased `f` (the point is as good as the
    /// method can find, typically at noise level in `f`).
    case lineSearchFailed
    /// `f` or its gradient was not finite at the starting point; nothing was done.
    case nonFiniteStart
}

/// The outcome of a bounded minimisation.
public struct OptimizationResult: Sendable {
    /// The best point found (always inside the bounds).
    public var point: [Double]
    /// `f(point)`.
    public var value: Double
    /// `∇f(point)`.
    public var gradient: [Double]
    /// Iterations taken.
    public var iterations: Int
    /// Objective evaluations spent.
    public var evaluations: Int
    /// Why the run stopped.
    public var termination: TerminationReason
}

/// Bound-constrained limited-memory quasi-Newton minimisation: projected L-BFGS with an
/// active set, a backtracking line search along the projected path, and a projected-gradient
/// stopping rule.
///
/// Each iteration fixes the variables that sit on a bound with the gradient pushing outward
/// (the binding set), takes the L-BFGS direction (two-loop recursion, Nocedal 1980) in the
/// remaining free variables, and backtracks along `P(x + t·d)` (the projection onto the box)
/// until the Armijo condition `f(x_t) ≤ f(x) + c₁ ∇f(x)ᵀ(x_t − x)` holds (Bertsekas 1982,
/// "Projected Newton methods for optimization problems with simple constraints"; Kim, Sra &
/// Dhillon 2010). A trial point where `f` is NaN or +∞ counts as a failed step and the step
/// shrinks, so the method walks out of regions where a model's likelihood cannot be computed
/// instead of stopping. Curvature pairs with `sᵀy ≤ ε‖y‖²` are skipped, which keeps the
/// inverse-Hessian approximation positive definite without a Wolfe line search.
///
/// Converges when `‖P(x − ∇f(x)) − x‖∞ ≤ projectedGradientTolerance` (the criterion of
/// L-BFGS-B's `pgtol`) or when the relative decrease of `f` over an iteration falls below
/// `relativeFunctionTolerance` (L-BFGS-B's `factr · ε`).
public struct BoundedLBFGS: Sendable {
    /// Number of curvature pairs kept.
    public var memory: Int = 10
    /// Iteration limit.
    public var maximumIterations: Int = 200
    /// Limit on objective evaluations, line-search trials included.
    public var maximumEvaluations: Int = 1000
    /// Stop when `‖P(x − ∇f) − x‖∞` is at most this.
    public var projectedGradientTolerance: Double = 1e-6
    /// Stop when `(f_k − f_{k+1}) ≤ tol · max(|f_k|, |f_{k+1}|, 1)`.
    public var relativeFunctionTolerance: Double = 1e-12
    /// Armijo sufficient-decrease constant.
    public var sufficientDecrease: Double = 1e-4

    public init(
        memory: Int = 10, maximumIterations: Int = 200, maximumEvaluations: Int = 1000,
        projectedGradientTolerance: Double = 1e-6, relativeFunctionTolerance: Double = 1e-12
    ) {
        precondition(memory >= 1 && maximumIterations >= 0 && maximumEvaluations >= 1)
        self.memory = memory
        self.maximumIterations = maximumIterations
        self.maximumEvaluations = maximumEvaluations
        self.projectedGradientTolerance = projectedGradientTolerance
        self.relativeFunctionTolerance = relativeFunctionTolerance
    }

    /// Minimises `objective` over the box `lower ≤ x ≤ upper`, starting from `start`
    /// (projected into the box first).
    ///
    /// - Parameters:
    ///   - objective: returns `f(x)` and `∇f(x)`; may return NaN or +∞ where `f` is undefined.
    ///   - lower: lower bounds (`-.infinity` for none).
    ///   - upper: upper bounds (`.infinity` for none).
    /// - Returns: the best point seen, always finite-valued unless the start was not.
    public func minimize(
        start: [Double], lower: [Double], upper: [Double],
        _ objective: ([Double]) -> (value: Double, gradient: [Double])
    ) -> OptimizationResult {
        let n = start.count
        precondition(lower.count == n && upper.count == n, "bounds must have the start's dimension \(n)")
        for i in 0..<n { precondition(lower[i] <= upper[i], "lower bound \(lower[i]) exceeds upper bound \(upper[i]) at \(i)") }

        func project(_ x: [Double]) -> [Double] {
            var projected = x
            for i in 0..<n { projected[i] = min(max(x[i], lower[i]), upper[i]) }
            return projected
        }

        var x = project(start)
        var (f, g) = objective(x)
        var evaluations = 1
        var iterations = 0
        guard f.isFinite, g.count == n, g.allSatisfy(\.isFinite) else {
            return OptimizationResult(
                point: x, value: f, gradient: g, iterations: 0, evaluations: 1, termination: .nonFiniteStart)
        }

        var pairsS: [[Double]] = []
        var pairsY: [[Double]] = []
        var pairsRho: [Double] = []

        func projectedGradientNorm(_ x: [Double], _ g: [Double]) -> Double {
            var largest = 0.0
            for i in 0..<n {
                let moved = min(max(x[i] - g[i], lower[i]), upper[i])
                largest = max(largest, abs(moved - x[i]))
            }
            return largest
        }

        func finish(_ reason: TerminationReason) -> OptimizationResult {
            OptimizationResult(
                point: x, value: f, gradient: g, iterations: iterations, evaluations: evaluations, termination: reason)
        }

        while true {
            if projectedGradientNorm(x, g) <= projectedGradientTolerance { return finish(.projectedGradientConverged) }
            if iterations >= maximumIterations { return finish(.maximumIterations) }
            if evaluations >= maximumEvaluations { return finish(.maximumEvaluations) }

            // Binding set: on a bound with the gradient pushing out of the box.
            var free = [Bool](repeating: true, count: n)
            for i in 0..<n {
                if (x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0) { free[i] = false }
            }

            var direction = twoLoopDirection(g, free: free, s: pairsS, y: pairsY, rho: pairsRho)
            var slope = 0.0
            for i in 0..<n { slope += direction[i] * g[i] }
            if !(slope < 0) {
                // Not a descent direction (stale curvature): restart from steepest descent.
                pairsS.removeAll(); pairsY.removeAll(); pairsRho.removeAll()
                direction = (0..<n).map { free[$0] ? -g[$0] : 0 }
            }

            // First step of a fresh memory: scale so the largest move is at most 1, as L-BFGS-B does.
            var step = 1.0
            if pairsS.isEmpty {
                let largest = direction.map(abs).max() ?? 0
                if largest > 1 { step = 1 / largest }
            }

            var accepted: (x: [Double], f: Double, g: [Double])?
            var metNonFiniteValue = false
            for _ in 0..<60 {
                if evaluations >= maximumEvaluations { break }
                var trial = x
                for i in 0..<n { trial[i] += step * direction[i] }
                trial = project(trial)
                var decrease = 0.0
                for i in 0..<n { decrease += g[i] * (trial[i] - x[i]) }
                if decrease >= 0 { break }  // the projected path no longer descends
                let (trialF, trialG) = objective(trial)
                evaluations += 1
                if trialF.isFinite, trialG.count == n, trialG.allSatisfy(\.isFinite),
                    trialF <= f + sufficientDecrease * decrease
                {
                    accepted = (trial, trialF, trialG)
                    break
                }
                // Safeguarded quadratic interpolation when f is finite, halving otherwise.
                if trialF.isFinite {
                    let fullSlope = decrease / step
                    let curvature = trialF - f - fullSlope * step
                    let minimiser = curvature > 0 ? -fullSlope * step * step / (2 * curvature) : step / 2
                    step = min(max(minimiser, 0.1 * step), 0.5 * step)
                } else {
                    if !metNonFiniteValue, n > 1,
                        let sideStep = slideAlongWall(x: x, f: f, g: g, trial: trial, evaluations: &evaluations, objective)
                    {
                        accepted = sideStep
                        metNonFiniteValue = true
                        break
                    }
                    metNonFiniteValue = true
                    step *= 0.5
                }
            }

            guard let next = accepted else {
                if !pairsS.isEmpty {
                    // Retry this iteration from steepest descent before giving up.
                    pairsS.removeAll(); pairsY.removeAll(); pairsRho.removeAll()
                    continue
                }
                return finish(evaluations >= maximumEvaluations ? .maximumEvaluations : .lineSearchFailed)
            }

            var s = [Double](repeating: 0, count: n)
            var y = [Double](repeating: 0, count: n)
            var sy = 0.0
            var yy = 0.0
            for i in 0..<n {
                s[i] = next.x[i] - x[i]
                y[i] = next.g[i] - g[i]
                sy += s[i] * y[i]
                yy += y[i] * y[i]
            }
            if sy > 2.2e-16 * yy && sy > 0 {
                if pairsS.count == memory {
                    pairsS.removeFirst(); pairsY.removeFirst(); pairsRho.removeFirst()
                }
                pairsS.append(s); pairsY.append(y); pairsRho.append(1 / sy)
            }

            let previousF = f
            x = next.x
            f = next.f
            g = next.g
            iterations += 1
            // A step cut short by a region where f is undefined says nothing about convergence.
            if !metNonFiniteValue, previousF - f <= relativeFunctionTolerance * max(abs(previousF), abs(f), 1) {
                if projectedGradientNorm(x, g) <= projectedGradientTolerance { return finish(.projectedGradientConverged) }
                return finish(.functionChangeConverged)
            }
        }
    }

    /// When a trial point is NaN or +∞, the step crossed into a region where f is undefined —
    /// often a wall such as a budget gate, with the optimum lying along it. Backtracking alone
    /// crawls along such a wall; this tries the same trial with one coordinate at a time held at
    /// its current value (largest moves first), which slides along walls aligned with the axes
    /// and helps with oblique ones. At most n extra evaluations, once per line search.
    private func slideAlongWall(
        x: [Double], f: Double, g: [Double], trial: [Double], evaluations: inout Int,
        _ objective: ([Double]) -> (value: Double, gradient: [Double])
    ) -> (x: [Double], f: Double, g: [Double])? {
        let n = x.count
        let order = (0..<n).filter { trial[$0] != x[$0] }.sorted { abs(trial[$0] - x[$0]) > abs(trial[$1] - x[$1]) }
        for held in order {
            if evaluations >= maximumEvaluations { return nil }
            var candidate = trial
            candidate[held] = x[held]
            var decrease = 0.0
            for i in 0..<n { decrease += g[i] * (candidate[i] - x[i]) }
            guard decrease < 0 else { continue }
            let (value, gradient) = objective(candidate)
            evaluations += 1
            if value.isFinite, gradient.count == n, gradient.allSatisfy(\.isFinite),
                value <= f + sufficientDecrease * decrease
            {
                return (candidate, value, gradient)
            }
        }
        return nil
    }

    /// The L-BFGS direction `−H g` restricted to the free variables (two-loop recursion).
    private func twoLoopDirection(
        _ g: [Double], free: [Bool], s: [[Double]], y: [[Double]], rho: [Double]
    ) -> [Double] {
        let n = g.count
        var q = (0..<n).map { free[$0] ? g[$0] : 0 }
        let m = s.count
        var alpha = [Double](repeating: 0, count: m)
        for k in stride(from: m - 1, through: 0, by: -1) {
            var a = 0.0
            for i in 0..<n where free[i] { a += s[k][i] * q[i] }
            a *= rho[k]
            alpha[k] = a
            for i in 0..<n where free[i] { q[i] -= a * y[k][i] }
        }
        if let lastS = s.last, let lastY = y.last {
            var sy = 0.0
            var yy = 0.0
            for i in 0..<n { sy += lastS[i] * lastY[i]; yy += lastY[i] * lastY[i] }
            let gamma = yy > 0 ? sy / yy : 1
            for i in 0..<n { q[i] *= gamma }
        }
        for k in 0..<m {
            var b = 0.0
            for i in 0..<n where free[i] { b += y[k][i] * q[i] }
            b *= rho[k]
            for i in 0..<n where free[i] { q[i] += s[k][i] * (alpha[k] - b) }
        }
        return (0..<n).map { free[$0] ? -q[$0] : 0 }
    }
}
