import Foundation
import Logging

/// The one log line per trial, and the number format of messages.
enum TrialLog {
    static func log(_ trial: Trial, best: @autoclosure () -> Trial?, logger: Logger) {
        guard logger.logLevel <= .info else { return }  // the best trial is not looked for in vain
        let status: String
        switch trial.outcome {
        case let .success(objective): status = "objective \(format(objective))"
        case let .infeasible(reason): status = "infeasible (\(reason))"
        case let .failed(message): status = "failed (\(message))"
        }
        let violations = trial.violatedConstraints.isEmpty ? "" : ", violates \(trial.violatedConstraints.joined(separator: ", "))"
        let predicted = trial.predictions.keys.sorted().map { "\($0) \(format(trial.predictions[$0]!))" }.joined(separator: ", ")
        logger.info("""
            trial \(trial.number): \(status)\(violations); best \(best()?.outcome.objective.map(format) ?? "none"); \
            \(predicted.isEmpty ? "" : "predicted \(predicted); ")\
            suggest \(format(trial.suggestionSeconds * 1000)) ms, evaluate \(format(trial.evaluationSeconds)) s \
            [\(trial.configuration)]
            """)
    }

    static func format(_ value: Double) -> String {
        let magnitude = abs(value)
        if value == 0 || (magnitude >= 1e-3 && magnitude < 1e5) {
            return String(Double((value * 1e4).rounded()) / 1e4)
        }
        return String(format: "%.3e", value)
    }
}
