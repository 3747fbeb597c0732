internal import GRDBSQLite

/// Facts about the SQLite library netmond stores its data with.
public enum StorageLibrary {
    /// The version of the system libsqlite3 in use, e.g. `3.40.1`.
    public static var sqliteVersion: String {
        String(cString: sqlite3_libversion())
    }
}
