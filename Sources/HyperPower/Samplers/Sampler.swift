import Foundation
/// Chooses the next configuration of a study from what the study knows: the seam where search
/// strategies plug in (random search, the space-filling design, HyperPower's constrained GP
/// sampler; trust regions, multi-objective and multi-fidelity samplers later).
///
/// A sampler sees the completed and pending trials through a ``SamplingContext`` and returns a
/// configuration; ``Study`` does the numbering, the storage and the known-constraint
/// predictions. A sampler keeps its own state (random generators, warm starts); the study
/// journals it after every suggestion as an opaque JSON value (``state()``) and hands it back
/// on resume (``restore(_:)``), so a resumed study suggests what the uninterrupted one would.
///
/// A sampler in one file:
///
/// ```swift
/// struct GridCentreSampler: Sampler {
///     var name: String { "grid-centre" }
///     mutating func suggest(_ context: SamplingContext) throws(HyperPowerError) -> SamplerProposal {
///         let point = [Double](repeating: 0.5, count: context.space.encodedDimension)
///         return SamplerProposal(configuration: context.space.decode(point), source: .model)
///     }
/// }
/// let study = Study(space: space, sampler: GridCentreSampler())
/// ```
public protocol Sampler: Sendable {
    /// The sampler's name, recorded in the study's header (a study resumes only with the
    /// sampler it was started with).
    var name: String { get }

    /// The next configuration to evaluate. It must satisfy the known constraints
    /// (``SamplingContext/region``) and repeat no evaluated or pending configuration.
    ///
    /// - Throws: ``HyperPowerError/knownFeasibleRegionEmpty(details:)`` or
    ///   ``HyperPowerError/searchSpaceExhausted(configurations:)`` when there is nothing to propose.
    mutating func suggest(_ context: SamplingContext) throws(HyperPowerError) -> SamplerProposal

    /// The state to journal after a suggestion (`nil`: nothing to restore).
    func state() throws(HyperPowerError) -> JSONValue?

    /// Restores a state journaled by ``state()`` (another process's suggestion, or a resume).
    mutating func restore(_ state: JSONValue) throws(HyperPowerError)
}

extension Sampler {
    public func state() throws(HyperPowerError) -> JSONValue? { nil }
    public mutating func restore(_ state: JSONValue) throws(HyperPowerError) {}
}

/// A sampler's choice.
public struct SamplerProposal: Sendable {
    /// The configuration to evaluate.
    public var configuration: Configuration
    /// How it was chosen.
    public var source: SuggestionSource
    /// Calibrated constraints to profile before the configuration is trained (the sampler is
    /// unsure the configuration meets them); only those with a profiler are profiled.
    public var profile: [String]
    /// Calibrated constraints' corrected cost intervals at the configuration, by name (recorded
    /// on the trial).
    public var predictionIntervals: [String: PredictionInterval]

    /// A proposal of `configuration`, chosen as `source` says.
    public init(
        configuration: Configuration, source: SuggestionSource, profile: [String] = [],
        predictionIntervals: [String: PredictionInterval] = [:]
    ) {
        self.configuration = configuration
        self.source = source
        self.profile = profile
        self.predictionIntervals = predictionIntervals
    }
}

/// What a sampler sees when the study asks it for a configuration.
public struct SamplingContext: Sendable {
    /// The search space.
    public var space: SearchSpace
    /// Every constraint of the study.
    public var constraints: [Constraint]
    /// The study's objectives; the first is the primary one.
    public var objectives: [Objective]
    /// The known-feasible region: a proposal must lie inside it.
    public var region: KnownFeasibleRegion
    /// Completed trials, in order.
    public var trials: [Trial]
    /// Configurations asked for and not yet told, by trial number (ascending).
    public var pending: [Configuration]
    /// The number the proposal will get.
    public var number: Int
    /// The study's seed.
    public var seed: UInt64
    /// Configurations profiled (measured without training), in order.
    public var profiles: [Profile]
    /// The canonical points of `trials` (those that encode), when the study keeps them.
    var encodedTrials: [[Double]]?

    /// A context (the study builds one per suggestion; tests and samplers composed of others
    /// build their own).
    public init(
        space: SearchSpace, constraints: [Constraint], objectives: [Objective] = [.default],
        region: KnownFeasibleRegion, trials: [Trial], pending: [Configuration], number: Int, seed: UInt64,
        profiles: [Profile] = []
    ) {
        self.profiles = profiles
        self.space = space
        self.constraints = constraints
        self.objectives = objectives
        self.region = region
        self.trials = trials
        self.pending = pending
        self.number = number
        self.seed = seed
    }

    /// Canonical points of the pending configurations (those that still encode).
    public var pendingPoints: [[Double]] { pending.compactMap { try? space.encode($0) } }

    /// Canonical points of every evaluated, pending and profiled configuration: a proposal
    /// must differ (a profile that met every bound became a trial).
    public var excludedPoints: [[Double]] {
        (encodedTrials ?? trials.compactMap { try? space.encode($0.configuration) }) + pendingPoints
            + profiles.filter { !$0.violatedConstraints.isEmpty }.compactMap { try? space.encode($0.configuration) }
    }

    /// The primary objective.
    public var objective: Objective { objectives[0] }
}

/// Random points, duplicate checks and generator state every sampler needs.
enum SamplingSupport {
    /// The generator of a study's random draws (the same stream for every sampler, so random
    /// search and the GP sampler's fallbacks follow from the study's seed alike).
    static func randomGenerator(seed: UInt64) -> SeededGenerator { SeededGenerator(seed: seed ^ 0x5EED_0F_4A9D_0B5E) }

    /// A generator's state as journaled: `{"random": [4 words]}` (format 1's key; a GP
    /// sampler's state adds its warm starts beside it).
    struct GeneratorState: Codable {
        var random: SeededGenerator
    }

    static func encodeState(of generator: SeededGenerator) throws(HyperPowerError) -> JSONValue {
        do { return try JSONValue(encoding: GeneratorState(random: generator)) } catch {
            throw .storage(reason: "cannot encode a sampler's generator: \(error)")
        }
    }

    static func decodeState(_ state: JSONValue) throws(HyperPowerError) -> SeededGenerator {
        do { return try state.decoded(as: GeneratorState.self).random } catch {
            throw .storage(reason: "cannot restore a sampler's generator: \(error)")
        }
    }

    /// The descent's starts, the uniform samples they are chosen from, and its steps per start.
    static let descentStarts = 4
    static let descentSamples = 512
    static let descentSteps = 2_000

    /// A known-feasible point found by descending on the known constraints' summed violation
    /// `Σᵢ max(0, −mᵢ(x))` (``KnownFeasibleRegion/margins(_:)``: each constraint's slack over
    /// the spread of its predictions), or `nil`. From each of the ``descentStarts``
    /// least-violating of ``descentSamples`` uniform samples, a (1+1) evolution strategy: a
    /// Gaussian step in every coordinate, reflected at the faces and rounded to the space; a
    /// step that violates no more is taken, its size growing ×1.5 on a strict improvement and
    /// shrinking ×0.904 on a rejection (the one-fifth rule). Predictors are black boxes, so no
    /// gradient is assumed; where they give none (non-finite), the violation is infinite.
    static func violationDescent(
        _ region: KnownFeasibleRegion, space: SearchSpace, generator: inout SeededGenerator
    ) -> [Double]? {
        let dimension = space.encodedDimension
        func violation(_ point: [Double]) -> Double { region.margins(point).reduce(0) { $0 + max(0, -$1) } }
        let samples = (0..<descentSamples).map { _ in
            let point = space.canonicalize((0..<dimension).map { _ in generator.nextUniform() })
            return (point: point, violation: violation(point))
        }
        let starts = samples.filter(\.violation.isFinite).sorted { $0.violation < $1.violation }.prefix(descentStarts)
        for start in starts {
            var (point, current) = start
            var sigma = 0.1
            for _ in 0..<descentSteps {
                let moved = space.canonicalize(point.map {
                    AcquisitionMaximizer.reflectedIntoUnitInterval($0 + sigma * generator.nextStandardNormal())
                })
                let value = violation(moved)
                if value <= 0, region.contains(moved) { return moved }
                if value <= current {
                    if value < current { sigma = min(0.5, sigma * 1.5) }
                    (point, current) = (moved, value)
                } else {
                    sigma = max(1e-9, sigma * 0.904)
                }
            }
        }
        return nil
    }

    static func isDuplicate(_ point: [Double], of excluded: [[Double]], tolerance: Double) -> Bool {
        excluded.contains { other in zip(other, point).allSatisfy { abs($0 - $1) <= tolerance } }
    }

    /// A random canonical point inside the region that repeats nothing: up to `attempts`
    /// uniform draws; then, when they found no new point, up to `attempts` local moves from
    /// the known-feasible points found so far (evaluated, pending, or hit by the uniform
    /// draws) — a Gaussian step in every coordinate, its size halving from 0.1 to 2·10⁻⁴ of
    /// the cube's side and starting over, reflected at the faces. A region of a millionth of
    /// the box with one known member still yields new points. With no known member at all, a
    /// descent on the constraints' violation (``violationDescent(_:space:generator:)``) looks
    /// for one. The region is declared empty only when none of these found a known-feasible
    /// point (``KnownFeasibleRegion/emptinessDiagnosis(samples:effort:)`` then says why).
    static func randomFeasiblePoint(
        _ context: SamplingContext, generator: inout SeededGenerator, tolerance: Double = 1e-9, attempts: Int = 10_000
    ) throws(HyperPowerError) -> [Double] {
        let excluded = context.excludedPoints
        let dimension = context.space.encodedDimension
        var members: [[Double]] = []
        for _ in 0..<attempts {
            let point = context.space.canonicalize((0..<dimension).map { _ in generator.nextUniform() })
            guard context.region.contains(point) else { continue }
            if !isDuplicate(point, of: excluded, tolerance: tolerance) { return point }
            if members.count < 64 { members.append(point) }
        }
        members += excluded.filter(context.region.contains)
        if members.isEmpty {
            // Nothing known-feasible yet: descend on the constraints' violation before calling the
            // region empty (a ball of a trillionth of a 20-dimensional box has no uniform member).
            if let found = violationDescent(context.region, space: context.space, generator: &generator) { return found }
            throw context.region.emptinessDiagnosis(effort: """
                a descent on the summed scaled violation from the \(descentStarts) least-violating of \(descentSamples) \
                further uniform samples (\(descentSteps) steps each) found none either
                """)
        }
        for attempt in 0..<attempts {
            let base = members[Int(generator.next() % UInt64(members.count))]
            let sigma = 0.1 * pow(0.5, Double(attempt % 10))
            let moved = base.map { AcquisitionMaximizer.reflectedIntoUnitInterval($0 + sigma * generator.nextStandardNormal()) }
            let point = context.space.canonicalize(moved)
            if context.region.contains(point) && !isDuplicate(point, of: excluded, tolerance: tolerance) { return point }
        }
        throw .searchSpaceExhausted(configurations: excluded.count)
    }
}
