import Foundation
import GRDB
import NetmonCore
import Testing

@testable import Storage

@Suite("Saved dashboards: store, bounds, visibility, owners")
struct DashboardStoreTests {
    /// Two organisations; users ann (org 1), bob (org 1) and olga (org 2).
    struct World {
        let store: DashboardStore
        let accounts: AccountStore
        let ann: Int64
        let bob: Int64
        let olga: Int64
        let other: Int64
    }

    static func world(_ database: NetmonDatabase) async throws -> World {
        let accounts = AccountStore(database: database)
        let other = try await accounts.createOrganisation(name: "other", now: 1)
        var ids: [Int64] = []
        for (name, organisation) in [("ann", Int64(1)), ("bob", 1), ("olga", other.id)] {
            ids.append(
                try await accounts.createUser(
                    username: name,
                    passwordHash: "x",
                    organisationID: organisation,
                    role: .editor,
                    superadmin: false,
                    now: 1
                ).id
            )
        }
        return World(
            store: DashboardStore(database: database),
            accounts: accounts,
            ann: ids[0],
            bob: ids[1],
            olga: ids[2],
            other: other.id
        )
    }

    static let panels: [DashboardPanel] = [
        .series([3, 1], title: "Uplink", size: .large, aggregation: .max),
        .flowTop(DashboardFlowQuery(by: "src", limit: 20, exporter: "192.0.2.1", port: 443), title: "Talkers"),
    ]

    @Test("a dashboard round-trips with its panels in order")
    func roundTrip() async throws {
        try await withTemporaryDatabase { database, _ in
            let world = try await Self.world(database)
            let created = try await world.store.create(
                DashboardDraft(name: "  Core links  ", visibility: .shared, panels: Self.panels),
                ownerID: world.ann,
                organisationID: 1,
                now: 1_000
            )
            #expect(created.name == "Core links")
            #expect(created.panels == Self.panels)
            #expect(created.ownerName == "ann")
            #expect(created.createdAt == 1_000 && created.updatedAt == 1_000)
            let reversed = DashboardDraft(name: "Renamed", visibility: .private, panels: Self.panels.reversed())
            let updated = try #require(try await world.store.update(id: created.id, reversed, now: 2_000))
            #expect(updated.panels.map(\.kind) == [.flowTop, .series])
            #expect(updated.visibility == .private && updated.createdAt == 1_000 && updated.updatedAt == 2_000)
            #expect(try await world.store.update(id: 999, reversed, now: 1) == nil)
            #expect(try await world.store.delete(id: created.id))
            #expect(try await !world.store.delete(id: created.id))
            #expect(try await world.store.dashboard(id: created.id) == nil)
        }
    }

    @Test("lists show your own and your organisation's shared dashboards, never another organisation's")
    func visibility() async throws {
        try await withTemporaryDatabase { database, _ in
            let world = try await Self.world(database)
            let store = world.store
            for (name, owner, organisation, visibility) in [
                ("ann private", world.ann, Int64(1), DashboardVisibility.private),
                ("ann shared", world.ann, 1, .shared),
                ("bob private", world.bob, 1, .private),
                ("olga shared", world.olga, world.other, .shared),
            ] {
                _ = try await store.create(
                    DashboardDraft(name: name, visibility: visibility, panels: []),
                    ownerID: owner,
                    organisationID: organisation,
                    now: 1
                )
            }
            let names = { (user: Int64, scope: Int64?) in
                try await store.list(userID: user, organisationScope: scope, list: ListRequest()).items.map(\.name)
            }
            #expect(try await names(world.ann, 1) == ["ann private", "ann shared"])
            #expect(try await names(world.bob, 1) == ["ann shared", "bob private"])
            #expect(try await names(world.olga, world.other) == ["olga shared"])
            // A superadmin (no scope) sees every shared one, but nobody else's private ones.
            #expect(try await names(world.olga, nil) == ["ann shared", "olga shared"])
            let shared = try await store.list(
                userID: world.ann,
                organisationScope: 1,
                visibility: .shared,
                list: ListRequest()
            )
            #expect(shared.items.map(\.name) == ["ann shared"] && shared.total == 1)
            let searched = try await store.list(
                userID: world.ann,
                organisationScope: 1,
                list: ListRequest(sort: "name", descending: true, search: "ANN")
            )
            #expect(searched.items.map(\.name) == ["ann shared", "ann private"])
            // LIKE wildcards are text.
            let wildcard = try await store.list(userID: world.ann, organisationScope: 1, list: ListRequest(search: "%"))
            #expect(wildcard.total == 0)
            let page = try await store.list(userID: world.ann, organisationScope: 1, list: ListRequest(limit: 1))
            #expect(page.items.count == 1 && page.total == 2)

            let all = try await store.list(userID: world.ann, organisationScope: nil, list: ListRequest()).items
            for dashboard in all {
                let expected = dashboard.ownerID == world.ann || dashboard.visibility == .shared
                #expect(dashboard.isVisible(to: world.ann, organisationScope: nil) == expected)
            }
            let olgas = try #require(all.first { $0.name == "olga shared" })
            #expect(!olgas.isVisible(to: world.ann, organisationScope: 1))
            #expect(olgas.isVisible(to: world.olga, organisationScope: world.other))
        }
    }

    @Test("bounds: name, titles, panel count, series, flow filters, dashboards per owner")
    func bounds() async throws {
        try await withTemporaryDatabase { database, _ in
            let world = try await Self.world(database)
            let series = { (ids: [Int64]) in DashboardPanel.series(ids, title: "s") }
            let flow = { (query: DashboardFlowQuery) in DashboardPanel.flowTop(query, title: "f") }
            let bad: [(String, DashboardDraft)] = [
                ("name", DashboardDraft(name: "   ", visibility: .private, panels: [])),
                ("name", DashboardDraft(name: String(repeating: "n", count: 101), visibility: .private, panels: [])),
                ("name", DashboardDraft(name: "tab\there", visibility: .private, panels: [])),
                ("name", DashboardDraft(name: "nul\u{0}", visibility: .private, panels: [])),
                (
                    "panels",
                    DashboardDraft(name: "many", visibility: .private, panels: Array(repeating: series([1]), count: 25))
                ),
                (
                    "panels[0].title",
                    DashboardDraft(
                        name: "t",
                        visibility: .private,
                        panels: [.series([1], title: String(repeating: "t", count: 101))]
                    )
                ),
                ("panels[0].series_ids", DashboardDraft(name: "s", visibility: .private, panels: [series([])])),
                (
                    "panels[0].series_ids",
                    DashboardDraft(name: "s", visibility: .private, panels: [series(Array(1...21))])
                ),
                ("panels[0].series_ids", DashboardDraft(name: "s", visibility: .private, panels: [series([1, 1])])),
                ("panels[0].series_ids", DashboardDraft(name: "s", visibility: .private, panels: [series([0])])),
                (
                    "panels[0].flow",
                    DashboardDraft(name: "f", visibility: .private, panels: [DashboardPanel(kind: .flowTop, title: "")])
                ),
                (
                    "panels[0].flow.limit",
                    DashboardDraft(name: "f", visibility: .private, panels: [flow(.init(by: "src", limit: 0))])
                ),
                (
                    "panels[0].flow.limit",
                    DashboardDraft(name: "f", visibility: .private, panels: [flow(.init(by: "src", limit: 101))])
                ),
                (
                    "panels[0].flow.port",
                    DashboardDraft(name: "f", visibility: .private, panels: [flow(.init(by: "src", port: 70_000))])
                ),
                (
                    "panels[0].flow.interface",
                    DashboardDraft(name: "f", visibility: .private, panels: [flow(.init(by: "src", interface: -1))])
                ),
                (
                    "panels[0].flow.src",
                    DashboardDraft(
                        name: "f",
                        visibility: .private,
                        panels: [flow(.init(by: "src", src: String(repeating: "1", count: 65)))]
                    )
                ),
                (
                    "panels[0].flow.by",
                    DashboardDraft(name: "f", visibility: .private, panels: [flow(.init(by: "s rc"))])
                ),
                (
                    "panels[0]",
                    DashboardDraft(
                        name: "f",
                        visibility: .private,
                        panels: [
                            DashboardPanel(kind: .flowTop, title: "", seriesIDs: [1], flow: .init(by: "src"))
                        ]
                    )
                ),
                (
                    "panels[0].flow",
                    DashboardDraft(
                        name: "f",
                        visibility: .private,
                        panels: [DashboardPanel(kind: .series, title: "", seriesIDs: [1], flow: .init(by: "src"))]
                    )
                ),
            ]
            for (field, draft) in bad {
                await #expect(throws: DashboardValidationError.self, "\(field)") {
                    _ = try await world.store.create(draft, ownerID: world.ann, organisationID: 1, now: 1)
                }
                #expect((try? draft.validated()) == nil)
                do {
                    _ = try draft.validated()
                } catch let error as DashboardValidationError {
                    #expect(error.field == field, "\(error)")
                }
            }
            #expect(try await world.store.count(ownerID: world.ann) == 0)

            // The largest allowed dashboard fits, names of 100 scalars (not bytes) included.
            let largest = DashboardDraft(
                name: String(repeating: "\u{E9}", count: 100),
                visibility: .shared,
                panels: (0..<DashboardLimits.maxPanels).map { index in
                    .series(
                        Array(Int64(1)...Int64(DashboardLimits.maxSeriesPerPanel)),
                        title: String(repeating: "\u{1F600}", count: 100)
                    )
                }
            )
            let stored = try await world.store.create(largest, ownerID: world.bob, organisationID: 1, now: 1)
            #expect(stored.panels.count == DashboardLimits.maxPanels)

            for index in 0..<DashboardLimits.maxDashboardsPerOwner {
                _ = try await world.store.create(
                    DashboardDraft(name: "d\(index)", visibility: .private, panels: []),
                    ownerID: world.ann,
                    organisationID: 1,
                    now: 1
                )
            }
            await #expect(throws: StoreConflictError.self) {
                _ = try await world.store.create(
                    DashboardDraft(name: "one too many", visibility: .private, panels: []),
                    ownerID: world.ann,
                    organisationID: 1,
                    now: 1
                )
            }
            #expect(try await world.store.count(ownerID: world.ann) == DashboardLimits.maxDashboardsPerOwner)
        }
    }

    @Test("the table refuses what the bounds refuse, whoever writes")
    func tableChecks() async throws {
        try await withTemporaryDatabase { database, _ in
            let world = try await Self.world(database)
            let many = "[" + Array(repeating: "{}", count: 25).joined(separator: ",") + "]"
            for (name, visibility, panels) in [
                ("", "private", "[]"), (String(repeating: "x", count: 101), "private", "[]"),
                ("ok", "public", "[]"), ("ok", "private", "{}"), ("ok", "private", "not json"), ("ok", "private", many),
            ] {
                await #expect(throws: DatabaseError.self) {
                    try await database.pool.write { db in
                        try db.execute(
                            sql: """
                                INSERT INTO dashboards (organisation_id, owner_id, name, visibility, panels, created_at,
                                    updated_at) VALUES (1, ?, ?, ?, ?, 0, 0)
                                """,
                            arguments: [world.ann, name, visibility, panels]
                        )
                    }
                }
            }
        }
    }

    @Test("deleting a user deletes their private dashboards and leaves their shared ones to the organisation")
    func owners() async throws {
        try await withTemporaryDatabase { database, _ in
            let world = try await Self.world(database)
            let mine = try await world.store.create(
                DashboardDraft(name: "mine", visibility: .private, panels: []),
                ownerID: world.bob,
                organisationID: 1,
                now: 1
            )
            let ours = try await world.store.create(
                DashboardDraft(name: "ours", visibility: .shared, panels: []),
                ownerID: world.bob,
                organisationID: 1,
                now: 1
            )
            #expect(try await world.accounts.deleteUser(id: world.bob))
            #expect(try await world.store.dashboard(id: mine.id) == nil)
            let kept = try #require(try await world.store.dashboard(id: ours.id))
            #expect(kept.ownerID == nil && kept.ownerName == nil)
            #expect(kept.isVisible(to: world.ann, organisationScope: 1))
            let names = try await world.store.list(userID: world.ann, organisationScope: 1, list: ListRequest())
            #expect(names.items.map(\.name) == ["ours"])

            // Deleting the organisation (once it has no users) deletes its dashboards.
            _ = try await world.store.create(
                DashboardDraft(name: "theirs", visibility: .shared, panels: []),
                ownerID: world.olga,
                organisationID: world.other,
                now: 1
            )
            #expect(try await world.accounts.deleteUser(id: world.olga))
            #expect(try await world.accounts.deleteOrganisation(id: world.other))
            let left = try await database.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM dashboards ORDER BY name")
            }
            #expect(left == ["ours"])
        }
    }

    @Test("the series catalog searches an organisation's series by device, interface and metric")
    func seriesCatalog() async throws {
        try await withTemporaryDatabase { database, _ in
            let world = try await Self.world(database)
            let devices = DeviceAdminStore(database: database)
            let core = try await devices.create(
                name: "core-1",
                address: "192.0.2.1",
                tags: [],
                settings: .init(community: .init("c")),
                organisationID: 1,
                now: 1
            )
            let far = try await devices.create(
                name: "far-1",
                address: "192.0.2.9",
                tags: [],
                settings: .init(community: .init("c")),
                organisationID: world.other,
                now: 1
            )
            let interfaces = try await InventoryStore(database: database).syncInterfaces(
                deviceID: core.id,
                [
                    InterfaceRecord(deviceID: core.id, ifIndex: 1, ifName: "ge-0/0/1", ifAlias: "uplink to ISP"),
                    InterfaceRecord(deviceID: core.id, ifIndex: 2, ifName: "ge-0/0/2", ifAlias: "lan"),
                ],
                now: 1
            )
            let registry = SeriesRegistry(database: database)
            for interface in interfaces {
                for metric in ["if_in_octets", "if_out_octets"] {
                    _ = try await registry.seriesID(
                        for: SeriesKey(
                            deviceID: core.id,
                            interfaceID: interface.id,
                            metric: metric,
                            unit: "B/s",
                            kind: .rate
                        )
                    )
                }
            }
            _ = try await registry.seriesID(
                for: SeriesKey(deviceID: core.id, metric: "cpu_load_percent", unit: "%", kind: .gauge)
            )
            _ = try await registry.seriesID(
                for: SeriesKey(deviceID: far.id, metric: "cpu_load_percent", unit: "%", kind: .gauge)
            )
            let catalog = SeriesCatalog(database: database)
            let search = { (scope: Int64?, q: String?) in
                try await catalog.search(
                    organisationID: scope,
                    deviceID: nil,
                    interfaceID: nil,
                    list: ListRequest(search: q)
                )
            }
            #expect(try await search(1, nil).total == 5)
            #expect(try await search(nil, nil).total == 6)
            #expect(try await search(world.other, nil).items.map(\.series.deviceName) == ["far-1"])
            let uplink = try await search(1, "ISP")
            #expect(uplink.items.map(\.series.metric) == ["if_in_octets", "if_out_octets"])
            #expect(uplink.items.allSatisfy { $0.ifIndex == 1 && $0.interfaceAlias == "uplink to ISP" })
            #expect(try await search(1, "cpu").items.map(\.series.deviceName) == ["core-1"])
            // Every word must match somewhere: device, interface, alias, metric.
            let words = try await search(1, "  core-1 ISP\tout ")
            #expect(words.items.map(\.series.metric) == ["if_out_octets"] && words.items.first?.ifIndex == 1)
            #expect(try await search(1, "core-1 nothing-like-this").total == 0)
            #expect(try await search(1, "%").total == 0)
            let one = try await catalog.search(
                organisationID: 1,
                deviceID: core.id,
                interfaceID: interfaces[1].id,
                list: ListRequest()
            )
            #expect(one.items.map(\.series.interfaceName) == ["ge-0/0/2", "ge-0/0/2"])
        }
    }
}
