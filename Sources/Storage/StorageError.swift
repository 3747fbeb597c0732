/// An error raised by the storage module.
///
/// Errors carry an extensible ``Code``, the database path they concern and a message that says what
/// went wrong and, where possible, what to do about it.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    /// The kind of a ``StorageError``.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Hashable, Sendable {
            case directoryMissing
            case directoryNotWritable
            case openFailed
            case migrationFailed
            case unhealthy
            case seriesConflict
            case unreadableRecord
        }

        fileprivate let base: Base

        /// The directory that should hold the database file does not exist.
        public static let directoryMissing = Code(base: .directoryMissing)
        /// The directory that holds the database file is not writable by the daemon.
        public static let directoryNotWritable = Code(base: .directoryNotWritable)
        /// SQLite could not open or configure the database file.
        public static let openFailed = Code(base: .openFailed)
        /// The schema migrations could not be applied.
        public static let migrationFailed = Code(base: .migrationFailed)
        /// A health check failed: the database can not be read.
        public static let unhealthy = Code(base: .unhealthy)
        /// A series exists with the same identity but another unit or kind.
        public static let seriesConflict = Code(base: .seriesConflict)
        /// A stored row holds data this version cannot decode (written by another version, or edited by hand).
        public static let unreadableRecord = Code(base: .unreadableRecord)

        public var description: String { self.base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The database path the error concerns.
    public var path: String
    /// A human readable explanation, naming what to do where possible.
    public var message: String
    /// The underlying error, if any (a GRDB `DatabaseError`, for instance).
    public var underlying: (any Error)?

    /// Creates an error.
    public init(code: Code, path: String, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        var text = "storage error (\(self.code)) for \(self.path): \(self.message)"
        if let underlying = self.underlying {
            text += " [\(underlying)]"
        }
        return text
    }
}
