import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NetmonCore
import Prometheus
import Storage
import Synchronization

@testable import WebAPI

/// Who sends a request in the authorization tests.
enum Caller: String, CaseIterable, Sendable {
    case anonymous
    case viewer
    case editor
    case admin
    case otherAdmin
    case keyViewer
    case keyEditor
    case keyAdmin
    case superadmin
}

/// A router over a fresh database with two organisations, users of every role, API keys of every
/// role, devices with interfaces and samples, events and flows: the world the API tests run in.
/// Device changes the API announced (what the poller would have received).
final class ChangeLog: Sendable {
    let items = Mutex<[DeviceChange]>([])
}

final class APIHarness: @unchecked Sendable {
    let directory: String
    let database: NetmonDatabase
    let auth: AuthService
    let router: Router<APIRequestContext>
    let catalog: RouteCatalog
    let changes: ChangeLog
    /// The sample writer behind custom metric ingestion; not running, so accepted samples stay queued.
    let writer: SampleWriter
    /// Bearer credentials per caller (JWTs for users, `nmk_...` for keys).
    let credentials: [Caller: String]
    let deviceID: Int64
    let otherDeviceID: Int64
    let interfaceID: Int64
    let seriesIDs: [Int64]
    let otherSeriesID: Int64
    let users: [Caller: Int64]
    static let community = "c0mmunity-SECRET-42"
    static let authPassword = "authPassword-SECRET-9"
    static let password = "correct horse battery"

    static let quietLogger = Logger(label: "api-tests") { _ in SwiftLogNoOpLogHandler() }

    static func make(maxFailures: Int = 5) async throws -> APIHarness {
        let directory = NSTemporaryDirectory() + "netmond-api-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let database = try NetmonDatabase.open(
            configuration: StorageConfiguration(path: directory + "/netmond.db"),
            logger: Self.quietLogger
        )
        let configuration = AuthConfiguration(
            jwtKeyFile: directory + "/jwt.key",
            bcryptCost: 4,
            loginMaxFailures: maxFailures
        )
        let key = try JWTKeyFile.loadOrCreate(path: directory + "/jwt.key")
        let auth = await AuthService(
            database: database,
            configuration: configuration,
            key: key,
            logger: Self.quietLogger
        )
        return try await APIHarness(directory: directory, database: database, auth: auth)
    }

    private init(directory: String, database: NetmonDatabase, auth: AuthService) async throws {
        self.directory = directory
        self.database = database
        self.auth = auth
        let now = AuthService.now()
        let accounts = AccountStore(database: database)
        let other = try await accounts.createOrganisation(name: "other", now: now)
        let hash = try await auth.hashPassword(Self.password)
        var users: [Caller: UserAccount] = [:]
        for (caller, name, organisation, role, superadmin) in [
            (Caller.superadmin, "root", Int64(1), AccountRole.admin, true),
            (.admin, "alice", 1, .admin, false),
            (.editor, "eddie", 1, .editor, false),
            (.viewer, "vera", 1, .viewer, false),
            (.otherAdmin, "oscar", other.id, .admin, false),
        ] {
            users[caller] = try await accounts.createUser(
                username: name,
                passwordHash: hash,
                organisationID: organisation,
                role: role,
                superadmin: superadmin,
                now: now
            )
        }
        var credentials: [Caller: String] = [:]
        for (caller, user) in users {
            credentials[caller] = try await auth.tokens.sign(userID: user.id)
        }
        for (caller, role) in [(Caller.keyViewer, AccountRole.viewer), (.keyEditor, .editor), (.keyAdmin, .admin)] {
            credentials[caller] = try await auth.createAPIKey(
                for: users[.admin]!,
                name: "key \(role)",
                role: role,
                expiresAt: nil
            ).1
        }
        self.credentials = credentials
        self.users = users.mapValues(\.id)

        let devices = DeviceAdminStore(database: database)
        let settings = SNMPDeviceSettings(
            version: .v3,
            user: "monitor",
            authPassword: Secret(Self.authPassword),
            privPassword: Secret(Self.authPassword)
        )
        let device = try await devices.create(
            name: "core-1",
            address: "192.0.2.1",
            tags: ["core"],
            settings: settings,
            organisationID: 1,
            now: now
        )
        var v2 = SNMPDeviceSettings(community: Secret(Self.community))
        v2.port = 1161
        _ = try await devices.create(
            name: "edge-2",
            address: "192.0.2.2",
            tags: [],
            settings: v2,
            organisationID: 1,
            now: now
        )
        let otherDevice = try await devices.create(
            name: "other-1",
            address: "198.51.100.1",
            tags: [],
            settings: v2,
            organisationID: other.id,
            now: now
        )
        self.deviceID = device.id
        self.otherDeviceID = otherDevice.id
        let deviceID = device.id
        let otherDeviceID = otherDevice.id
        let interfaces = try await InventoryStore(database: database).syncInterfaces(
            deviceID: device.id,
            [
                InterfaceRecord(
                    deviceID: device.id,
                    ifIndex: 1,
                    ifName: "ge-0/0/1",
                    ifAlias: "uplink",
                    speedBps: 1_000_000_000,
                    adminStatus: 1,
                    operStatus: 1
                ),
                InterfaceRecord(
                    deviceID: device.id,
                    ifIndex: 2,
                    ifName: "ge-0/0/2",
                    ifAlias: "down link",
                    speedBps: 1_000_000_000,
                    adminStatus: 1,
                    operStatus: 2
                ),
            ],
            now: now / 1000
        )
        let interfaceID = interfaces[0].id!
        self.interfaceID = interfaceID
        let registry = SeriesRegistry(database: database)
        var series: [Int64] = []
        for metric in ["if_in_octets", "if_out_octets", "if_in_errors", "if_out_errors", "if_in_utilization_percent"] {
            series.append(
                try await registry.seriesID(
                    for: SeriesKey(
                        deviceID: deviceID,
                        interfaceID: interfaceID,
                        metric: metric,
                        unit: metric.hasSuffix("percent") ? "%" : "B/s",
                        kind: .rate
                    )
                )
            )
        }
        self.seriesIDs = series
        let otherSeriesID = try await registry.seriesID(
            for: SeriesKey(deviceID: otherDeviceID, metric: "sys_uptime_seconds", unit: "s", kind: .gauge)
        )
        self.otherSeriesID = otherSeriesID
        // 10 minutes of samples every 10 s, ending now.
        let allSeries = series + [otherSeriesID]
        let start = now - 600_000
        try await database.pool.write { db in
            for (index, id) in allSeries.enumerated() {
                for step in 0..<60 {
                    let ts = start + Int64(step) * 10_000
                    try db.execute(
                        sql: "INSERT INTO samples (series_id, ts, value) VALUES (?, ?, ?)",
                        arguments: [id, ts, Double(1000 * (index + 1) + step)]
                    )
                }
                try db.execute(
                    sql: "INSERT INTO series_latest (series_id, first_ts, ts, value) VALUES (?, ?, ?, ?)",
                    arguments: [id, start, start + 590_000, Double(1000 * (index + 1) + 59)]
                )
            }
            try db.execute(
                sql:
                    "INSERT INTO device_status (device_id, reachable, last_poll_at, last_poll_ms, varbinds) VALUES (?, 1, ?, 12.5, 40)",
                arguments: [deviceID, now]
            )
            for (eventDevice, kind) in [(deviceID, "device_restarted"), (otherDeviceID, "device_unreachable")] {
                try db.execute(
                    sql: "INSERT INTO events (device_id, kind, ts, message) VALUES (?, ?, ?, ?)",
                    arguments: [eventDevice, kind, now - 60_000, "event \(kind)"]
                )
            }
            let minute = (now - 120_000) / 60_000 * 60_000
            try db.execute(
                sql: """
                    INSERT INTO flows_minute (minute, exporter, input_if, output_if, direction, src_addr, dst_addr,
                        src_port, dst_port, protocol, packets, bytes, flows)
                    VALUES (?, '127.0.0.1', 1, 2, 'ingress', x'0A000001', x'0A000002', 40000, 443, 6, 10, 15000, 1),
                           (?, '127.0.0.1', 1, 2, 'ingress', x'0A000003', x'0A000002', 40001, 53, 17, 5, 500, 2)
                    """,
                arguments: [minute, minute]
            )
        }

        let router = Router(context: APIRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorMiddleware())
        let changes = ChangeLog()
        self.changes = changes
        let writer = SampleWriter(
            database: database,
            configuration: StorageConfiguration(path: directory + "/netmond.db"),
            logger: Self.quietLogger
        )
        self.writer = writer
        self.catalog = WebAPIServer.registerAPI(
            .init(
                database: database,
                auth: auth,
                snmp: SNMPConfiguration(),
                http: HTTPConfiguration(),
                onDeviceChange: { change in changes.items.withLock { $0.append(change) } },
                sampleWriter: writer
            ),
            on: router
        )
        self.router = router
    }

    func remove() {
        try? self.database.close()
        try? FileManager.default.removeItem(atPath: self.directory)
    }

    /// Runs `body` with a router test client.
    func test<Value>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let app = Application(router: self.router, logger: Self.quietLogger)
        return try await app.test(.router) { client in UncheckedBox(value: try await body(client)) }.value
    }

    /// Headers authenticating as `caller`.
    func headers(_ caller: Caller, json: Bool = false) -> HTTPFields {
        var headers: HTTPFields = [:]
        if let credential = self.credentials[caller] { headers[.authorization] = "Bearer \(credential)" }
        if json { headers[.contentType] = "application/json" }
        return headers
    }

    func count(_ table: String) async throws -> Int {
        try await self.database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }
}

/// Carries test values (parsed JSON) out of the test client's closure.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
}

/// A response body parsed as JSON.
func jsonObject(_ buffer: ByteBuffer) -> [String: Any]? {
    try? JSONSerialization.jsonObject(with: Data(String(buffer: buffer).utf8)) as? [String: Any]
}

/// Equal up to a few ulps: JSONSerialization's number parsing can be one ulp off the exact value
/// the server printed (the CSV, parsed by `Double(String)`, is exact).
func nearlyEqual(_ a: Double?, _ b: Double?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return a == b || abs(a - b) <= 4 * max(a.ulp, b.ulp)
}
