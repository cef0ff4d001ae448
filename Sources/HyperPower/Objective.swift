/// Whether an objective is minimised or maximised.
public enum OptimizationDirection: String, Sendable, Codable, Equatable {
    /// Smaller is better (errors, costs).
    case minimize
    /// Larger is better (accuracies).
    case maximize
}

/// A named objective of a study and its direction.
///
/// A study has one objective by default: `objective`, minimised, whose value the trainer returns
/// as ``Evaluation/success(objective:measurements:)``. A study may declare several; the first is
/// the primary one (the value of `.success(objective:)`), each further one is read from the
/// evaluation's measurements under its name. Trials record every value by name
/// (``Trial/objectiveValues``).
///
/// A further objective may be *known*: a cheap predictor (a latency or energy cost model) gives
/// its value before the configuration runs, as for a known constraint. Its value is the
/// prediction, recorded on the trial; no GP is fitted for it, and when every further objective
/// is known (one or two of them) the acquisition is the exact expected hypervolume improvement
/// of the measured objective at the predicted costs (see `Docs/MultiObjective.md`).
/// Equality, hashing and coding look at the name and the direction only.
public struct Objective: Sendable, Codable, Equatable, Hashable {
    /// The name under which values are recorded (and, for a further objective, reported).
    public var name: String
    /// Minimise or maximise.
    public var direction: OptimizationDirection
    /// For a known objective: its value for a configuration, predicted before it runs.
    public var predictor: (@Sendable (Configuration) throws -> Double)?

    /// An objective named `name`, minimised unless said otherwise.
    public init(_ name: String, _ direction: OptimizationDirection = .minimize) {
        self.name = name
        self.direction = direction
    }

    /// A known objective: `predictor` gives its value before a configuration runs.
    public init(_ name: String, _ direction: OptimizationDirection, predictedBy predictor: @escaping @Sendable (Configuration) throws -> Double) {
        self.name = name
        self.direction = direction
        self.predictor = predictor
    }

    /// For a known objective predicted in batches (a program run once per batch of candidates,
    /// as ``Constraint/known(_:bound:direction:batchPredictedBy:)``): its values for
    /// configurations, in their order.
    public private(set) var batchPredictor: (@Sendable ([Configuration]) throws -> [Double])?

    /// A known objective predicted in batches: `predictor` gives the values of many
    /// configurations at once (the sampler asks for all its candidates together).
    public init(
        _ name: String, _ direction: OptimizationDirection, batchPredictedBy predictor: @escaping @Sendable ([Configuration]) throws -> [Double]
    ) {
        self.name = name
        self.direction = direction
        self.batchPredictor = predictor
    }

    /// Whether the objective's value is predicted rather than measured.
    public var isKnown: Bool { predictor != nil || batchPredictor != nil }

    /// The known objective's prediction for a configuration, or `nil` for a measured one or a
    /// predictor that throws or returns a value that is not finite.
    public func prediction(for configuration: Configuration) -> Double? {
        if predictor == nil, batchPredictor != nil { return predictions(for: [configuration])[0] }
        guard let predictor, let value = try? predictor(configuration), value.isFinite else { return nil }
        return value
    }

    /// ``prediction(for:)`` for many configurations: one call of a batch predictor (a batch that
    /// fails, or answers with the wrong count, predicts none of them).
    public func predictions(for configurations: [Configuration]) -> [Double?] {
        guard predictor == nil, let batchPredictor else { return configurations.map(prediction(for:)) }
        guard !configurations.isEmpty, let values = try? batchPredictor(configurations), values.count == configurations.count else {
            return configurations.map { _ in nil }
        }
        return values.map { $0.isFinite ? $0 : nil }
    }

    enum CodingKeys: String, CodingKey { case name, direction }

    public static func == (a: Objective, b: Objective) -> Bool { a.name == b.name && a.direction == b.direction }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(direction)
    }

    /// The name of the single objective of a study that declares none.
    public static let defaultName = "objective"
    /// `objective`, minimised.
    public static let `default` = Objective(defaultName, .minimize)

    /// A minimised objective.
    public static func minimize(_ name: String) -> Objective { Objective(name, .minimize) }
    /// A maximised objective.
    public static func maximize(_ name: String) -> Objective { Objective(name, .maximize) }
    /// A known objective, minimised: `predictor` (a cost model) gives its value.
    public static func minimize(_ name: String, predictedBy predictor: @escaping @Sendable (Configuration) throws -> Double) -> Objective {
        Objective(name, .minimize, predictedBy: predictor)
    }
    /// A known objective, maximised: `predictor` gives its value.
    public static func maximize(_ name: String, predictedBy predictor: @escaping @Sendable (Configuration) throws -> Double) -> Objective {
        Objective(name, .maximize, predictedBy: predictor)
    }

    /// Whether `a` is better than `b` in this objective's direction.
    public func isBetter(_ a: Double, than b: Double) -> Bool {
        direction == .minimize ? a < b : a > b
    }

    /// The value as a quantity to minimise (negated when maximised).
    public func minimized(_ value: Double) -> Double { direction == .minimize ? value : -value }

    static func validate(_ objectives: [Objective]) throws(HyperPowerError) {
        guard !objectives.isEmpty else { throw .invalidSettings(reason: "a study needs at least one objective") }
        var names = Set<String>()
        for objective in objectives {
            if objective.name.isEmpty { throw .invalidSettings(reason: "an objective's name is empty") }
            guard names.insert(objective.name).inserted else {
                throw .invalidSettings(reason: "objective '\(objective.name)' is declared twice")
            }
        }
        if objectives[0].isKnown {
            throw .invalidSettings(
                reason: "the first objective ('\(objectives[0].name)') is the evaluation's value and cannot be known: list the predicted ones after it")
        }
    }
}
