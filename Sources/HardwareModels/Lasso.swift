/// Lasso by cyclic coordinate descent (Friedman, Hastie & Tibshirani 2010):
///
///     min_β (1/2n)‖y − Xβ‖² + λ‖β‖₁
///
/// the objective scikit-learn's `Lasso(alpha=λ, fit_intercept=False)` minimises. The caller
/// centres y and standardises X (the intercept is then ȳ). Coordinate update, with the
/// residual kept current: `βⱼ ← S(xⱼᵀr/n + cⱼβⱼ, λ)/cⱼ`, `cⱼ = ‖xⱼ‖²/n`, S the soft threshold.
enum Lasso {
    /// Coefficients for each λ of `lambdas` (decreasing), warm-started along the path.
    ///
    /// - Parameters:
    ///   - columns: the p columns of X, each n long.
    ///   - tolerance: stop a λ when the largest coefficient change × its column scale is below
    ///     `tolerance` × max |y| (as glmnet's criterion on the objective's scale).
    static func path(
        columns: [[Double]], targets y: [Double], lambdas: [Double], tolerance: Double = 1e-5, maximumSweeps: Int = 10_000
    ) -> [[Double]] {
        let n = Double(y.count)
        let p = columns.count
        let scales = columns.map { column in column.reduce(0) { $0 + $1 * $1 } / n }
        var beta = [Double](repeating: 0, count: p)
        var residual = y
        let yScale = max(y.map(abs).max() ?? 1, 1e-300)
        var results: [[Double]] = []

        /// One pass of coordinate updates over `indices`; returns the largest scaled change.
        func sweep(_ indices: [Int], _ lambda: Double) -> Double {
            var largestChange = 0.0
            for j in indices where scales[j] > 0 {
                let column = columns[j]
                var correlation = 0.0
                column.withUnsafeBufferPointer { c in
                    residual.withUnsafeBufferPointer { r in
                        for i in 0..<c.count { correlation += c[i] * r[i] }
                    }
                }
                let rho = correlation / n + scales[j] * beta[j]
                let updated = softThreshold(rho, lambda) / scales[j]
                let change = updated - beta[j]
                if change != 0 {
                    column.withUnsafeBufferPointer { c in
                        residual.withUnsafeMutableBufferPointer { r in
                            for i in 0..<c.count { r[i] -= change * c[i] }
                        }
                    }
                    beta[j] = updated
                    largestChange = max(largestChange, abs(change) * scales[j].squareRoot())
                }
            }
            return largestChange
        }

        let all = Array(0..<p)
        for lambda in lambdas {
            // Active-set cycling (Friedman et al. 2010): a full sweep, then sweeps over the non-zero
            // coefficients only until they settle, until a full sweep changes nothing.
            var sweeps = 0
            while sweeps < maximumSweeps {
                let change = sweep(all, lambda)
                sweeps += 1
                if change <= tolerance * yScale { break }
                let active = all.filter { beta[$0] != 0 }
                while sweeps < maximumSweeps {
                    sweeps += 1
                    if sweep(active, lambda) <= tolerance * yScale { break }
                }
            }
            results.append(beta)
        }
        return results
    }

    /// `sign(z)·max(|z| − γ, 0)`.
    static func softThreshold(_ z: Double, _ gamma: Double) -> Double {
        z > gamma ? z - gamma : (z < -gamma ? z + gamma : 0)
    }

    /// The smallest λ with an all-zero solution: `max_j |xⱼᵀy|/n`.
    static func maximumLambda(columns: [[Double]], targets y: [Double]) -> Double {
        let n = Double(y.count)
        return columns.map { column in abs(zip(column, y).reduce(0) { $0 + $1.0 * $1.1 }) / n }.max() ?? 0
    }

    /// `count` values from `maximum` down to `maximum·ratio`, evenly spaced in the log.
    static func grid(maximum: Double, ratio: Double = 1e-4, count: Int = 40) -> [Double] {
        guard maximum > 0 else { return [0] }
        return (0..<count).map { maximum * pow(ratio, Double($0) / Double(max(count - 1, 1))) }
    }
}

#if canImport(Foundation)
import Foundation
#endif
