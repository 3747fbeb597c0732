internal import GRDB

/// A series as the series picker shows it: what it measures and where.
public struct SeriesCatalogEntry: Sendable, Hashable {
    public var series: SeriesDescription
    public var ifIndex: Int64?
    public var interfaceAlias: String?
}

/// The series an organisation may chart, searchable by device, interface (name or alias) and
/// metric: how a dashboard editor finds the ids of `series` panels.
public struct SeriesCatalog: Sendable {
    private let database: NetmonDatabase

    public init(database: NetmonDatabase) {
        self.database = database
    }

    /// Series of `organisationID` (nil: every organisation), optionally of one device and one
    /// interface, where every word of `list.search` is found in the device name, the interface's
    /// name, description or alias, the metric or the instance (`core-1 uplink octets`); by device,
    /// ifIndex, metric and instance. Series of removed interfaces are left out.
    public func search(
        organisationID: Int64?,
        deviceID: Int64?,
        interfaceID: Int64?,
        list: ListRequest
    ) async throws -> ListPage<SeriesCatalogEntry> {
        try await self.database.pool.read { db in
            var condition = """
                (?1 IS NULL OR coalesce(devices.organisation_id, 1) = ?1)
                AND (?2 IS NULL OR series.device_id = ?2) AND (?3 IS NULL OR series.interface_id = ?3)
                AND (interfaces.id IS NULL OR interfaces.removed_at IS NULL)
                """
            var arguments: [(any DatabaseValueConvertible)?] = [organisationID, deviceID, interfaceID]
            for word in Self.words(list.search) {
                let n = arguments.count + 1
                condition += """
                     AND (devices.name LIKE ?\(n) ESCAPE '\\' OR interfaces.if_name LIKE ?\(n) ESCAPE '\\'
                        OR interfaces.if_descr LIKE ?\(n) ESCAPE '\\' OR interfaces.if_alias LIKE ?\(n) ESCAPE '\\'
                        OR series.metric LIKE ?\(n) ESCAPE '\\' OR series.instance LIKE ?\(n) ESCAPE '\\')
                    """
                arguments.append(word)
            }
            let from = """
                FROM series LEFT JOIN devices ON devices.id = series.device_id
                    LEFT JOIN interfaces ON interfaces.id = series.interface_id
                """
            let total =
                try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) \(from) WHERE \(condition)",
                    arguments: StatementArguments(arguments)
                ) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT series.id, series.device_id, series.interface_id, series.metric, series.instance, series.unit,
                        devices.name AS device_name, coalesce(interfaces.if_name, interfaces.if_descr) AS interface_name,
                        coalesce(devices.organisation_id, 1) AS organisation_id, interfaces.if_index,
                        interfaces.if_alias
                    \(from) WHERE \(condition)
                    ORDER BY devices.name COLLATE NOCASE, interfaces.if_index, series.metric, series.instance, series.id
                    LIMIT \(list.limit) OFFSET \(list.offset)
                    """,
                arguments: StatementArguments(arguments)
            )
            let items = rows.map { row in
                SeriesCatalogEntry(
                    series: TelemetryStore.description(row),
                    ifIndex: row["if_index"],
                    interfaceAlias: row["if_alias"]
                )
            }
            return ListPage(items: items, total: total)
        }
    }

    /// The words of a search (at most ``maxWords``) as LIKE patterns, with `%`, `_` and `\` escaped.
    static func words(_ search: String?) -> [String] {
        let words = (search ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" }).prefix(Self.maxWords)
        return words.compactMap { ListRequest(search: String($0)).likePattern }
    }

    /// Words of a search beyond this many are ignored.
    static let maxWords = 8
}
