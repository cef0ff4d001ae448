/// When a run stops: after a number of evaluations, after a wall-clock duration, or at
/// whichever of the two comes first.
public struct Budget: Sendable, Equatable {
    /// Completed evaluations (successes, infeasible and failed runs all count).
    public var evaluations: Int?
    /// Wall-clock time from the start of `run`; an evaluation in flight is finished.
    public var wallClock: Duration?
    /// Trials of the whole study — earlier runs and other processes sharing its journal
    /// included — completed or in flight: `run` asks for no more once the study has this many.
    public var studyEvaluations: Int?

    /// A budget of any of the three limits (at least one); the static constructors read better.
    public init(evaluations: Int? = nil, wallClock: Duration? = nil, studyEvaluations: Int? = nil) {
        self.evaluations = evaluations
        self.wallClock = wallClock
        self.studyEvaluations = studyEvaluations
    }

    /// Run until the study (all runs and processes sharing its journal) has `count` trials.
    public static func studyEvaluations(_ count: Int, wallClock: Duration? = nil) -> Budget {
        Budget(evaluations: nil, wallClock: wallClock, studyEvaluations: count)
    }

    /// Stop after `count` evaluations, or after `wallClock` if that comes first.
    public static func evaluations(_ count: Int, wallClock: Duration? = nil) -> Budget {
        Budget(evaluations: count, wallClock: wallClock)
    }

    /// Stop after `duration` of wall-clock time.
    public static func wallClock(_ duration: Duration) -> Budget {
        Budget(evaluations: nil, wallClock: duration)
    }

    func validate() throws(HyperPowerError) {
        if evaluations == nil && wallClock == nil && studyEvaluations == nil {
            throw .invalidSettings(reason: "a budget needs evaluations or a wall-clock limit")
        }
        if let studyEvaluations, studyEvaluations < 0 { throw .invalidSettings(reason: "study budget \(studyEvaluations) is negative") }
        if let evaluations, evaluations < 0 { throw .invalidSettings(reason: "evaluation budget \(evaluations) is negative") }
        if let wallClock, wallClock <= .zero { throw .invalidSettings(reason: "wall-clock budget \(wallClock) is not positive") }
    }
}
