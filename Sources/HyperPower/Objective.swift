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
public struct Objective: Sendable, Codable, Equatable, Hashable {
    /// The name under which values are recorded (and, for a further objective, reported).
    public var name: String
    /// Minimise or maximise.
    public var direction: OptimizationDirection

    /// An objective named `name`, minimised unless said otherwise.
    public init(_ name: String, _ direction: OptimizationDirection = .minimize) {
        self.name = name
        self.direction = direction
    }

    /// The name of the single objective of a study that declares none.
    public static let defaultName = "objective"
    /// `objective`, minimised.
    public static let `default` = Objective(defaultName, .minimize)

    /// A minimised objective.
    public static func minimize(_ name: String) -> Objective { Objective(name, .minimize) }
    /// A maximised objective.
    public static func maximize(_ name: String) -> Objective { Objective(name, .maximize) }

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
    }
}
