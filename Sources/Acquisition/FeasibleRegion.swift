/// The part of the unit cube a maximiser may propose from: the known constraints as one value.
///
/// The deterministic region (HyperPower's gate: every known constraint's prediction within its
/// bound) lives in the `HyperPower` target, where configurations are decoded; a probabilistic
/// one (calibrated models: P(cost ≤ bound) ≥ 1 − δ) is the same three questions.
public protocol FeasibleRegion: Sendable {
    /// Whether a point of the unit cube lies inside.
    func contains(_ point: [Double]) -> Bool

    /// How far inside a point is, in units comparable across constraints (negative outside).
    /// `+∞` everywhere for a region without boundary.
    func margin(_ point: [Double]) -> Double

    /// The gradient of ``margin(_:)`` at a point: the boundary's inward normal when the point is
    /// on it.
    func normal(at point: [Double]) -> [Double]

    /// Whether the region has a boundary inside the cube (the maximiser then follows it).
    var hasBoundary: Bool { get }

    /// Each constraint's margin at a point, in the units of ``margin(_:)`` (whose value is
    /// their minimum); the maximiser's barrier sums their logarithms. The default is the one
    /// margin.
    func margins(_ point: [Double]) -> [Double]

    /// ``contains(_:)`` for many points at once: what the maximiser asks of its candidates
    /// and of an enumerated space. A region whose test has a batch form (a GP posterior, a
    /// predictor that runs once per batch) answers it in one pass; the default asks point by
    /// point.
    func contains(points: [[Double]]) -> [Bool]
}

extension FeasibleRegion {
    public func margins(_ point: [Double]) -> [Double] { [margin(point)] }
    public func contains(points: [[Double]]) -> [Bool] { points.map(contains) }
}

extension FeasibleRegion {
    /// Central differences of ``margin(_:)`` with step 1e-6, one-sided at the cube's faces.
    public func normal(at point: [Double]) -> [Double] {
        let h = 1e-6
        var normal = [Double](repeating: 0, count: point.count)
        for k in point.indices {
            var plus = point
            var minus = point
            plus[k] = min(point[k] + h, 1)
            minus[k] = max(point[k] - h, 0)
            normal[k] = (margin(plus) - margin(minus)) / max(plus[k] - minus[k], 1e-300)
        }
        return normal
    }
}

/// The whole unit cube: no known constraint.
public struct UnitCube: FeasibleRegion {
    public init() {}
    public func contains(_ point: [Double]) -> Bool { true }
    public func margin(_ point: [Double]) -> Double { .infinity }
    public func normal(at point: [Double]) -> [Double] { [Double](repeating: 0, count: point.count) }
    public var hasBoundary: Bool { false }
}

/// How points of the unit cube map to configurations with discrete dimensions: the canonical
/// representative of a point (rounding) and the points one discrete step away. A search space
/// conforms; the identity is ``ContinuousRounding``.
public protocol PointRounding: Sendable {
    /// The canonical point of the configuration a point stands for.
    func canonicalize(_ point: [Double]) -> [Double]
    /// Canonical points one discrete step away (another category, the next integer); empty
    /// when every dimension is continuous.
    func discreteNeighbours(of point: [Double]) -> [[Double]]
    /// Whether any dimension is discrete (the maximiser then searches neighbours too).
    var hasDiscreteDimensions: Bool { get }
    /// The canonical point of every configuration when every dimension is discrete and there
    /// are at most `limit` of them (the maximiser then scores them all); `nil` otherwise.
    func enumeratedPoints(limit: Int) -> [[Double]]?
    /// Whether a dimension is continuous (a real parameter's column), where a proposal's
    /// coordinate on a face of the cube is a choice of the maximiser rather than a category or
    /// an end value of an integer.
    func isContinuous(dimension: Int) -> Bool
}

extension PointRounding {
    public func enumeratedPoints(limit: Int) -> [[Double]]? { nil }
    /// Every dimension when none is discrete, else none (a rounding that knows better says so).
    public func isContinuous(dimension: Int) -> Bool { !hasDiscreteDimensions }
}

/// Every dimension continuous: points are their own representatives.
public struct ContinuousRounding: PointRounding {
    public init() {}
    public func canonicalize(_ point: [Double]) -> [Double] { point }
    public func discreteNeighbours(of point: [Double]) -> [[Double]] { [] }
    public var hasDiscreteDimensions: Bool { false }
}
