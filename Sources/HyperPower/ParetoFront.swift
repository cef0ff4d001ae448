/// Pareto dominance and exact hypervolume, for studies of several objectives.
///
/// Points are minimised in every coordinate here; ``Study/paretoFront`` and
/// ``SearchResult/hypervolume(reference:)`` turn maximised objectives around first.
public enum Pareto {
    /// Whether `a` dominates `b` (minimising): no worse in every coordinate, better in one.
    public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        var better = false
        for (x, y) in zip(a, b) {
            if x > y { return false }
            if x < y { better = true }
        }
        return better
    }

    /// Indices of the points no other point dominates (minimising), in their order. Of equal
    /// points the first is kept. O(n² m) for n points of m coordinates.
    public static func nondominated(_ points: [[Double]]) -> [Int] {
        points.indices.filter { i in
            !points.indices.contains { j in
                j != i && (dominates(points[j], points[i]) || (j < i && points[j] == points[i]))
            }
        }
    }

    /// The exact hypervolume the points dominate up to `reference` (minimising): the volume of
    /// the union of the boxes `[pᵢ, reference]`. Points not strictly below the reference in
    /// every coordinate add nothing.
    ///
    /// Two objectives take one sweep in O(n log n); more take slices along the last
    /// coordinate (O(n^(m−1) log n)), which is exact and fast for the 2–3 objectives studies
    /// have.
    ///
    /// - Throws: ``HyperPowerError/invalidSettings(reason:)`` for an empty or non-finite
    ///   reference, or points whose length differs from the reference's.
    public static func hypervolume(_ points: [[Double]], reference: [Double]) throws(HyperPowerError) -> Double {
        guard !reference.isEmpty, reference.allSatisfy(\.isFinite) else {
            throw .invalidSettings(reason: "a hypervolume's reference point needs finite coordinates (got \(reference))")
        }
        guard points.allSatisfy({ $0.count == reference.count }) else {
            throw .invalidSettings(reason: "every point needs \(reference.count) coordinates, like the reference point")
        }
        let inside = points.filter { point in zip(point, reference).allSatisfy { $0.isFinite && $0 < $1 } }
        return volume(inside, reference: reference)
    }

    /// The dominated volume of points that lie strictly below the reference.
    static func volume(_ points: [[Double]], reference: [Double]) -> Double {
        guard !points.isEmpty else { return 0 }
        let m = reference.count
        if m == 1 { return reference[0] - points.map { $0[0] }.min()! }
        if m == 2 {
            // Ascending in the first coordinate; a point adds only where it lowers the second.
            let sorted = points.sorted { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }
            var area = 0.0, lowest = reference[1]
            for point in sorted where point[1] < lowest {
                area += (reference[0] - point[0]) * (lowest - point[1])
                lowest = point[1]
            }
            return area
        }
        // Slabs between consecutive values of the last coordinate: each is the (m−1)-volume of
        // the points at or below it, times its height.
        let sorted = points.sorted { $0[m - 1] < $1[m - 1] }
        let projectedReference = Array(reference.prefix(m - 1))
        var total = 0.0
        var front: [[Double]] = []
        for (k, point) in sorted.enumerated() {
            let projected = Array(point.prefix(m - 1))
            if !front.contains(where: { zip($0, projected).allSatisfy { $0 <= $1 } }) {
                front.removeAll { zip(projected, $0).allSatisfy { $0 <= $1 } }
                front.append(projected)
            }
            let top = k + 1 < sorted.count ? sorted[k + 1][m - 1] : reference[m - 1]
            let height = top - point[m - 1]
            if height > 0 { total += height * volume(front, reference: projectedReference) }
        }
        return total
    }
}

extension Pareto {
    /// A trial's objective values in `objectives`' order, each turned to be minimised; `nil`
    /// unless the trial is feasible and reported every objective.
    static func minimizedValues(of trial: Trial, objectives: [Objective]) -> [Double]? {
        guard trial.isFeasible else { return nil }
        var values: [Double] = []
        for objective in objectives {
            guard let value = trial.objectiveValues[objective.name], value.isFinite else { return nil }
            values.append(objective.minimized(value))
        }
        return values
    }

    /// The feasible trials that reported every objective and that no other such trial
    /// dominates, in trial order (of trials with equal values, the first).
    public static func front(of trials: [Trial], objectives: [Objective]) -> [Trial] {
        let scored = trials.compactMap { trial in minimizedValues(of: trial, objectives: objectives).map { (trial, $0) } }
        return nondominated(scored.map(\.1)).map { scored[$0].0 }
    }

    /// The hypervolume of the trials' front against `reference`, given in the objectives' own
    /// units and order (for a maximised objective, a value below every value that counts).
    public static func hypervolume(
        of trials: [Trial], objectives: [Objective], reference: [Double]
    ) throws(HyperPowerError) -> Double {
        guard reference.count == objectives.count else {
            throw .invalidSettings(reason: "the reference point has \(reference.count) coordinates for \(objectives.count) objectives")
        }
        let points = trials.compactMap { minimizedValues(of: $0, objectives: objectives) }
        let minimizedReference = zip(objectives, reference).map { $0.minimized($1) }
        return try hypervolume(points, reference: minimizedReference)
    }
}
