import LinearAlgebra

/// A stationary, isotropic-after-scaling covariance function `k(x, x') = σ² κ(r²)`, where
/// `r² = Σⱼ ((xⱼ − x'ⱼ)/ℓⱼ)²` is the squared distance after dividing each input dimension by
/// its lengthscale (automatic relevance determination, ARD).
///
/// A kernel supplies the correlation `κ(r²)` (with `κ(0) = 1`) and its derivative with
/// respect to `r²`; this protocol's extension supplies all of ``Kernel`` from it. The kernel's
/// parameters are the d lengthscales; the gradients follow by the chain rule:
/// `∂k/∂log ℓⱼ = σ² κ′(r²) · (−2 Δⱼ²/ℓⱼ²)` and `∂k/∂xⱼ = σ² κ′(r²) · 2Δⱼ/ℓⱼ²`.
///
/// Kernels work on whole buffers, so that one dynamic call covers n² pairs: the per-pair work
/// is a tight loop the compiler can vectorise, never a call through a protocol per pair.
public protocol StationaryKernel: Kernel {
    /// Replaces every squared scaled distance in `values` by `κ(r²)`; when `derivatives` is
    /// given (same length), writes `dκ/d(r²)` there.
    func applyCorrelation(to values: UnsafeMutableBufferPointer<Double>, derivatives: UnsafeMutableBufferPointer<Double>?)
}

extension StationaryKernel {
    /// `κ(r²)` for one squared distance (for tests and diagnostics; not for hot loops).
    public func correlation(squaredDistance: Double) -> (value: Double, derivative: Double) {
        var value = squaredDistance
        var derivative = 0.0
        withUnsafeMutablePointer(to: &value) { pv in
            withUnsafeMutablePointer(to: &derivative) { pd in
                applyCorrelation(
                    to: UnsafeMutableBufferPointer(start: pv, count: 1),
                    derivatives: UnsafeMutableBufferPointer(start: pd, count: 1))
            }
        }
        return (value, derivative)
    }

    /// One lengthscale per input dimension.
    public func parameterCount(dimension: Int) -> Int { dimension }

    /// The points with each column divided by its lengthscale (`s = x/ℓ`).
    public func features(of points: Matrix, parameters: [Double]) -> Matrix {
        ScaledDistances.scaled(points, lengthscales: parameters)
    }

    /// `σ²κ(r²) + σₙ²I` column by column; the workspace keeps `σ² dκ/d(r²)` packed (n(n+1)/2).
    public func fillCovariance(
        _ matrix: inout Matrix, features: Matrix, parameters: [Double], signalVariance: Double,
        noiseVariance: Double, workspace: KernelWorkspace?
    ) {
        guard let workspace else {
            ScaledDistances.fillTrainingCovariance(
                &matrix, scaledInputs: features, kernel: self, signalVariance: signalVariance,
                noiseVariance: noiseVariance, derivatives: nil)
            return
        }
        let n = features.rows
        workspace.reserve(n * (n + 1) / 2)
        workspace.buffer.withUnsafeMutableBufferPointer { pd in
            ScaledDistances.fillTrainingCovariance(
                &matrix, scaledInputs: features, kernel: self, signalVariance: signalVariance,
                noiseVariance: noiseVariance, derivatives: pd)
        }
    }

    /// With `P = W ∘ σ²κ′` (zero diagonal, where every Δ is 0) and the scaled inputs centred per
    /// dimension: `½ Σₐᵦ Wₐᵦ ∂Kₐᵦ/∂log ℓₖ = −Σₐᵦ Pₐᵦ (sₐₖ − sᵦₖ)² = −2 Σₐ sₐₖ² (P𝟙)ₐ + 2 sₖᵀ P sₖ`,
    /// all d of them from one `dsymm` of P with `[s, 𝟙]`.
    public func parameterGradient(
        weights: inout Matrix, features: Matrix, parameters: [Double], workspace: KernelWorkspace
    ) -> [Double] {
        let n = features.rows
        let d = features.columns
        precondition(workspace.buffer.count == n * (n + 1) / 2, "fill the covariance with this workspace first")
        weights.elements.withUnsafeMutableBufferPointer { pw in
            workspace.buffer.withUnsafeBufferPointer { pd in
                for b in 0..<n {
                    let column = pw.baseAddress! + b * n
                    let packed = pd.baseAddress! + ScaledDistances.packedOffset(column: b, order: n) - b
                    column[b] = 0
                    for a in (b + 1)..<max(n, b + 1) { column[a] *= packed[a] }
                }
            }
        }
        // [s − mean(s), 𝟙]: centring leaves every Δ unchanged and keeps the expansion accurate.
        var augmented = Matrix(rows: n, columns: d + 1)
        features.elements.withUnsafeBufferPointer { ps in
            augmented.elements.withUnsafeMutableBufferPointer { pa in
                for k in 0..<d {
                    var mean = 0.0
                    for a in 0..<n { mean += ps[a + k * n] }
                    mean /= Double(n)
                    for a in 0..<n { pa[a + k * n] = ps[a + k * n] - mean }
                }
                for a in 0..<n { pa[a + d * n] = 1 }
            }
        }
        let product = Matrix.symmetricProduct(weights, triangle: .lower, augmented)  // n × (d+1)
        var gradient = [Double](repeating: 0, count: d)
        augmented.elements.withUnsafeBufferPointer { pa in
            product.elements.withUnsafeBufferPointer { pp in
                for k in 0..<d {
                    var sum = 0.0
                    for a in 0..<n {
                        let s = pa[a + k * n]
                        sum += s * (s * pp[a + d * n] - pp[a + k * n])
                    }
                    gradient[k] = -2 * sum
                }
            }
        }
        return gradient
    }

    /// `σ²κ(r²)` from the scaled features; the derivatives are `σ² dκ/d(r²)`.
    public func crossCovariance(
        features: Matrix, pointFeatures: Matrix, parameters: [Double], signalVariance: Double,
        withDerivatives: Bool
    ) -> CrossCovariance {
        var covariance = ScaledDistances.cross(features, pointFeatures)
        var derivatives: Matrix?
        // κ and κ′ are scaled by σ² through the buffers, in loops that vectorise (not element
        // by element through the matrix and the optional).
        covariance.elements.withUnsafeMutableBufferPointer { pc in
            if withDerivatives {
                // applyCorrelation writes every derivative: the storage starts uninitialised.
                let storage = [Double](unsafeUninitializedCapacity: pc.count) { pd, initialized in
                    let buffer = UnsafeMutableBufferPointer(rebasing: pd[0..<pc.count])
                    applyCorrelation(to: pc, derivatives: buffer)
                    for i in buffer.indices { buffer[i] *= signalVariance }
                    initialized = pc.count
                }
                derivatives = Matrix(rows: covariance.rows, columns: covariance.columns, elements: storage)
            } else {
                applyCorrelation(to: pc, derivatives: nil)
            }
            for i in pc.indices { pc[i] *= signalVariance }
        }
        return CrossCovariance(values: covariance, derivatives: derivatives)
    }

    /// With `A = W ∘ σ²κ′`: `Gⱼₖ = (2/ℓₖ)(tⱼₖ Σₐ Aₐⱼ − (sᵀA)ₖⱼ)`, t and s scaled, the sum over
    /// the training set for all m points by one `dgemm` per weight matrix. The last weighting
    /// is formed in κ′'s own storage, the others in fresh n × m matrices (measured faster than
    /// one n × m·w matrix for all, `Docs/Performance.md`).
    public func inputGradients(
        derivatives: consuming Matrix?, weights: [Matrix], features: Matrix, pointFeatures: Matrix,
        parameters: [Double]
    ) -> [Matrix] {
        guard var derivatives = consume derivatives, let last = weights.indices.last else {
            precondition(weights.isEmpty, "input gradients need a cross-covariance computed with derivatives")
            return []
        }
        let n = derivatives.rows
        let m = derivatives.columns
        var gradients: [Matrix] = []
        for w in 0..<last {
            var sums = [Double](repeating: 0, count: m)
            let storage = [Double](unsafeUninitializedCapacity: n * m) { pa, initialized in
                derivatives.elements.withUnsafeBufferPointer { pd in
                    weigh(pd.baseAddress!, by: weights[w], into: pa.baseAddress!, rows: n, columns: m, sums: &sums)
                }
                initialized = n * m
            }
            let weighted = Matrix(rows: n, columns: m, elements: storage)
            gradients.append(Self.inputGradient(weighted: weighted, sums: sums, features, pointFeatures, parameters))
        }
        var sums = [Double](repeating: 0, count: m)
        derivatives.elements.withUnsafeMutableBufferPointer { pd in
            weigh(UnsafePointer(pd.baseAddress!), by: weights[last], into: pd.baseAddress!, rows: n, columns: m, sums: &sums)
        }
        gradients.append(Self.inputGradient(weighted: derivatives, sums: sums, features, pointFeatures, parameters))
        return gradients
    }

    /// `target = source ∘ W` column by column (W n × m, or n × 1 for every column) and each
    /// column's sum; `target` may be `source`.
    private func weigh(
        _ source: UnsafePointer<Double>, by weights: Matrix, into target: UnsafeMutablePointer<Double>,
        rows n: Int, columns m: Int, sums: inout [Double]
    ) {
        precondition(weights.rows == n && (weights.columns == m || weights.columns == 1), "weights must be n × m or n × 1")
        let stride = weights.columns == 1 ? 0 : n
        weights.elements.withUnsafeBufferPointer { pw in
            sums.withUnsafeMutableBufferPointer { ps in
                for j in 0..<m {
                    let input = source + j * n
                    let output = target + j * n
                    let weightColumn = pw.baseAddress! + j * stride
                    var sum = 0.0
                    for a in 0..<n {
                        let value = input[a] * weightColumn[a]
                        output[a] = value
                        sum += value
                    }
                    ps[j] = sum
                }
            }
        }
    }

    /// `Gⱼₖ = (2/ℓₖ)(tⱼₖ Σₐ Aₐⱼ − (sᵀA)ₖⱼ)` from the weighted derivatives A and their column sums.
    private static func inputGradient(
        weighted: Matrix, sums: [Double], _ features: Matrix, _ pointFeatures: Matrix, _ parameters: [Double]
    ) -> Matrix {
        let m = weighted.columns
        let d = features.columns
        let projected = Matrix.product(features, .transposed, weighted, .none)  // d × m
        var gradient = Matrix(rows: m, columns: d)
        gradient.elements.withUnsafeMutableBufferPointer { pg in
            pointFeatures.elements.withUnsafeBufferPointer { pt in
                projected.elements.withUnsafeBufferPointer { pp in
                    for k in 0..<d {
                        let scale = 2 / parameters[k]
                        for j in 0..<m { pg[j + k * m] = scale * (pt[j + k * m] * sums[j] - pp[k + j * d]) }
                    }
                }
            }
        }
        return gradient
    }
}
