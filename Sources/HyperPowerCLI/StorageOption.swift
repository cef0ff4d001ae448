import ArgumentParser
import Foundation
import HyperPower
import HyperPowerPostgres
import Logging

/// `--storage PATH_OR_URL` (with `--study NAME` for a database): the storage a command works on.
enum StorageOption {
    /// Whether `location` names a PostgreSQL database rather than a file.
    static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
    }

    /// The storage at `location`: a PostgreSQL study (which needs `study`) or a file journal.
    static func open(_ location: String, study: String?, readOnly: Bool = false, logger: Logger) throws -> any StudyStorage {
        if isPostgres(location) {
            guard let study else { throw ValidationError("a PostgreSQL --storage needs --study NAME (the study's name in the database)") }
            var postgresLogger = logger
            postgresLogger.logLevel = max(logger.logLevel, .warning)
            return try PostgresStudyStorage(url: location, study: study, logger: postgresLogger)
        }
        if study != nil { throw ValidationError("--study names a study in a PostgreSQL --storage; a journal holds one study") }
        return FileJournalStorage(url: URL(fileURLWithPath: location), readOnly: readOnly)
    }
}
