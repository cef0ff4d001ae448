extension CholeskyFactor {
    /// The factor of the bordered matrix `[[A, B], [Bᵀ, C]]`, computed from this factor of `A`
    /// in O(n²·k) instead of refactorising in O((n+k)³).
    ///
    /// With `A + jitter·I = L Lᵀ`, the new factor is `[[L, 0], [L₂₁, L₂₂]]` where
    /// `L₂₁ᵀ = L⁻¹ B` (one `dtrsm`) and `L₂₂` is the Cholesky factor of the Schur complement
    /// `C + jitter·I − L₂₁ L₂₁ᵀ` (one `dsyrk`, one small `dpotrf`). The new block gets the
    /// same diagonal jitter as `A`, so the result equals refactorising the bordered matrix
    /// with that jitter. Should the Schur complement itself need more, the ``JitterPolicy``
    /// escalates on the new block only and ``jitter`` reports the largest amount used.
    ///
    /// This is how a GP conditions on fantasy or newly observed points without a refit.
    ///
    /// - Parameters:
    ///   - crossCovariance: `B`, `n × k`.
    ///   - block: `C`, `k × k` (lower triangle read).
    /// - Throws: ``LinearAlgebraError`` for non-finite input or a Schur complement that is
    ///   not positive definite even with jitter.
    /// - Complexity: O(n²·k + n·k² + k³).
    public func appending(crossCovariance: Matrix, block: Matrix) throws(LinearAlgebraError) -> CholeskyFactor {
        let n = order
        let k = block.rows
        precondition(block.isSquare, "append: block must be square")
        precondition(
            crossCovariance.rows == n && crossCovariance.columns == k,
            "append: cross-covariance is \(crossCovariance.rows)×\(crossCovariance.columns), expected \(n)×\(k)")
        if let bad = crossCovariance.firstNonFiniteElement {
            throw .nonFiniteInput(row: bad.row, column: n + bad.column, value: bad.value)
        }
        try Self.checkLowerTriangleFinite(block)
        guard k > 0 else { return self }

        // L₂₁ᵀ = L⁻¹ B.
        let whitened = solveTriangular(crossCovariance)
        // S = C + jitter·I − (L⁻¹B)ᵀ(L⁻¹B), lower triangle.
        var schur = block
        if jitter > 0 {
            for i in 0..<k { schur.elements[i + i * k] += jitter }
        }
        Matrix.symmetricRankUpdate(whitened, .transposed, alpha: -1, beta: 1, into: &schur)
        let (schurFactor, extraJitter) = try Self.factorise(schur, jitterPolicy: jitterPolicy) { schur }

        let total = n + k
        var combined = Matrix(rows: total, columns: total)
        storage.elements.withUnsafeBufferPointer { pl in
            whitened.elements.withUnsafeBufferPointer { pw in
                schurFactor.elements.withUnsafeBufferPointer { ps in
                    combined.elements.withUnsafeMutableBufferPointer { pc in
                        for j in 0..<n {
                            // Column j: L's column, then row j of L₂₁ᵀ as the new rows.
                            for i in j..<n { pc[i + j * total] = pl[i + j * n] }
                            for r in 0..<k { pc[(n + r) + j * total] = pw[j + r * n] }
                        }
                        for j in 0..<k {
                            for i in j..<k { pc[(n + i) + (n + j) * total] = ps[i + j * k] }
                        }
                    }
                }
            }
        }
        return CholeskyFactor(storage: combined, jitter: max(jitter, jitter + extraJitter), jitterPolicy: jitterPolicy)
    }
}
