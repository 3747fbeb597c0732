internal import GRDB

/// Small reads the API needs to scope time-series reports and ingestion: which organisation owns
/// an interface or device, and how far the rollups have progressed.
public struct ReportScope: Sendable {
    private let database: NetmonDatabase

    /// Creates the reads over `database`.
    public init(database: NetmonDatabase) {
        self.database = database
    }

    /// Where an interface belongs.
    public struct InterfaceOwner: Sendable, Hashable {
        /// The device's id.
        public var deviceID: Int64
        /// The device's organisation.
        public var organisationID: Int64
        /// "device interface", as reports name ports.
        public var name: String
    }

    /// Interface id → its owner, for the interfaces among `ids` that exist (unknown ids are left
    /// out).
    public func interfaceOwners(_ ids: [Int64]) async throws -> [Int64: InterfaceOwner] {
        guard !ids.isEmpty else { return [:] }
        return try await self.database.pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT interfaces.id, devices.id, devices.organisation_id, devices.name,
                        CAST(coalesce(interfaces.if_name, interfaces.if_descr, interfaces.if_index) AS TEXT)
                    FROM interfaces JOIN devices ON devices.id = interfaces.device_id
                    WHERE interfaces.id IN (\(databaseQuestionMarks(count: ids.count)))
                    """,
                arguments: StatementArguments(ids)
            )
            var owners: [Int64: InterfaceOwner] = [:]
            for row in rows {
                owners[row[0]] = InterfaceOwner(
                    deviceID: row[1],
                    organisationID: row[2],
                    name: "\(row[3] as String) \(row[4] as String)"
                )
            }
            return owners
        }
    }

    /// Every 5-minute and hourly rollup bucket before this time (epoch ms) is written; nil before
    /// the first rollup. Samples older than it stay raw but never enter the rollups.
    public func rolledUpUntil() async throws -> Int64? {
        try await self.database.pool.read { db in
            try TimeSeriesState.get(TimeSeriesState.rollupHour, db: db)
        }
    }
}
