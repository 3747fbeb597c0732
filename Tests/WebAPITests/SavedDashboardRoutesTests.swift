import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import NIOCore
import NetmonCore
import Storage
import Testing

@testable import WebAPI

/// An answer of the test client: status, body text and parsed JSON object.
struct Answer: Sendable {
    var status: Int
    var text: String
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(self.text.utf8))) as? [String: Any]
    }
}

extension APIHarness {
    /// One request as `caller`, with an optional JSON body.
    func call(
        _ client: any TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ uri: String,
        as caller: Caller,
        _ body: String? = nil
    ) async throws -> Answer {
        try await client.execute(
            uri: uri,
            method: method,
            headers: self.headers(caller, json: body != nil),
            body: body.map { ByteBuffer(string: $0) }
        ) { Answer(status: Int($0.status.code), text: String(buffer: $0.body)) }
    }

    /// A dashboard stored directly (not through the API), for the tests to act on.
    func storedDashboard(
        owner: Caller,
        visibility: DashboardVisibility,
        name: String = "stored",
        organisationID: Int64 = 1
    ) async throws -> SavedDashboard {
        try await DashboardStore(database: self.database).create(
            DashboardDraft(
                name: name,
                visibility: visibility,
                panels: [.series([self.seriesIDs[0]], title: "in")]
            ),
            ownerID: self.users[owner]!,
            organisationID: organisationID,
            now: AuthService.now()
        )
    }
}

@Suite("Saved dashboards API: CRUD, RBAC, organisations, validation, bounds, injection")
struct SavedDashboardRoutesTests {
    func body(_ name: String, _ visibility: String, panels: String = "[]") -> String {
        #"{"name":"\#(name)","visibility":"\#(visibility)","panels":\#(panels)}"#
    }

    func panels(_ harness: APIHarness) -> String {
        """
        [{"type":"series","title":"Uplink","size":"large","series_ids":[\(harness.seriesIDs[1]),\(harness.seriesIDs[0])],\
        "aggregation":"max"},{"type":"flow_top","title":"Talkers","flow":{"by":"src","limit":5,"exporter":"127.0.0.1",\
        "protocol":"TCP","port":443,"interface":1}}]
        """
    }

    @Test("create, read, list (JSON and CSV), change and delete, each mutation audited")
    func lifecycle() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        try await harness.test { client in
            let created = try await harness.call(
                client,
                .post,
                "/api/v1/dashboards",
                as: .editor,
                self.body("Core", "shared", panels: self.panels(harness))
            )
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.json?["id"] as? Int)
            let panels = created.json?["panels"] as? [[String: Any]] ?? []
            #expect(panels.count == 2)
            #expect(panels.first?["series_ids"] as? [Int] == [Int(harness.seriesIDs[1]), Int(harness.seriesIDs[0])])
            #expect(panels.first?["aggregation"] as? String == "max" && panels.first?["size"] as? String == "large")
            let flow = panels.last?["flow"] as? [String: Any]
            #expect(flow?["by"] as? String == "src" && flow?["limit"] as? Int == 5)
            #expect(flow?["protocol"] as? String == "tcp" && flow?["port"] as? Int == 443)
            #expect(panels.last?["size"] as? String == "medium" && panels.last?["aggregation"] is NSNull)
            #expect((created.json?["owner"] as? [String: Any])?["username"] as? String == "eddie")
            #expect(created.json?["can_edit"] as? Bool == true)

            let read = try await harness.call(client, .get, "/api/v1/dashboards/\(id)", as: .viewer)
            #expect(read.status == 200 && read.json?["name"] as? String == "Core")
            #expect(read.json?["can_edit"] as? Bool == false)

            // Reorder the panels and rename.
            let reordered = (panels.reversed() as [[String: Any]])
            let data = try JSONSerialization.data(withJSONObject: ["name": "Core links", "panels": reordered])
            let changed = try await harness.call(
                client,
                .patch,
                "/api/v1/dashboards/\(id)",
                as: .editor,
                String(decoding: data, as: UTF8.self)
            )
            #expect(changed.status == 200, "\(changed.text)")
            let types = (changed.json?["panels"] as? [[String: Any]])?.map { $0["type"] as? String }
            #expect(types == ["flow_top", "series"])
            #expect(changed.json?["visibility"] as? String == "shared")

            // Lists: JSON and CSV hold the same rows.
            _ = try await harness.call(
                client,
                .post,
                "/api/v1/dashboards",
                as: .editor,
                self.body(#"Mine, \"quoted\""#, "private")
            )
            let list = try await harness.call(client, .get, "/api/v1/dashboards?sort=name", as: .editor)
            let items = list.json?["items"] as? [[String: Any]] ?? []
            #expect(items.map { $0["name"] as? String } == ["Core links", "Mine, \"quoted\""])
            #expect(items.allSatisfy { $0["panels"] == nil } && items.first?["panel_count"] as? Int == 2)
            let csv = try await harness.call(client, .get, "/api/v1/dashboards?sort=name&format=csv", as: .editor)
            let rows = CSVParsing.rows(csv.text)
            #expect(rows.count == 3)
            if let header = rows.first {
                for (item, row) in zip(items, rows.dropFirst()) {
                    let flat = CSVParsing.flatten(item)
                    for (column, cell) in zip(header, row) { #expect(flat[column] ?? "" == cell, "\(column)") }
                }
            }
            let shared = try await harness.call(client, .get, "/api/v1/dashboards?visibility=shared", as: .editor)
            #expect(shared.json?["total"] as? Int == 1)
            let searched = try await harness.call(client, .get, "/api/v1/dashboards?q=links", as: .editor)
            #expect(searched.json?["total"] as? Int == 1)

            #expect(try await harness.call(client, .delete, "/api/v1/dashboards/\(id)", as: .editor).status == 204)
            #expect(try await harness.call(client, .get, "/api/v1/dashboards/\(id)", as: .editor).status == 404)
        }
        let audit = try await harness.database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT action, outcome, username FROM audit_log WHERE action LIKE 'dashboard.%'")
                .map { "\($0["action"] as String) \($0["outcome"] as String) \($0["username"] as String)" }
        }
        #expect(
            audit == [
                "dashboard.create success eddie", "dashboard.update success eddie", "dashboard.create success eddie",
                "dashboard.delete success eddie",
            ]
        )
    }

    @Test("viewers keep private dashboards; sharing needs an editor; owners or admins change shared ones")
    func roles() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let eddies = try await harness.storedDashboard(owner: .editor, visibility: .shared)
        try await harness.test { client in
            let path = "/api/v1/dashboards"
            // A viewer: private yes, shared no.
            let private_ = try await harness.call(client, .post, path, as: .viewer, self.body("Vera's", "private"))
            #expect(private_.status == 201)
            let veras = try #require(private_.json?["id"] as? Int)
            #expect(try await harness.call(client, .post, path, as: .viewer, self.body("x", "shared")).status == 403)
            #expect(
                try await harness.call(client, .patch, "\(path)/\(veras)", as: .viewer, #"{"visibility":"shared"}"#)
                    .status == 403
            )
            #expect(
                try await harness.call(client, .patch, "\(path)/\(veras)", as: .viewer, #"{"name":"Vera's own"}"#)
                    .status == 200
            )
            // Private means private: not the admin, not the superadmin, not in their lists.
            for caller in [Caller.editor, .admin, .superadmin, .otherAdmin] {
                #expect(try await harness.call(client, .get, "\(path)/\(veras)", as: caller).status == 404)
                #expect(try await harness.call(client, .delete, "\(path)/\(veras)", as: caller).status == 404)
                let list = try await harness.call(client, .get, path, as: caller)
                #expect(!list.text.contains("Vera"), "\(caller)")
            }
            // Eddie's shared dashboard: everyone of the organisation reads it.
            let shared = "\(path)/\(eddies.id)"
            for caller in [Caller.viewer, .editor, .admin, .keyViewer, .superadmin] {
                #expect(try await harness.call(client, .get, shared, as: caller).status == 200, "\(caller)")
            }
            // ... the viewer and another editor's key cannot change or delete it ...
            for caller in [Caller.viewer, .keyViewer, .keyEditor] {
                #expect(try await harness.call(client, .patch, shared, as: caller, #"{"name":"no"}"#).status == 403)
                #expect(try await harness.call(client, .delete, shared, as: caller).status == 403)
            }
            // ... the other organisation does not see it at all ...
            #expect(try await harness.call(client, .get, shared, as: .otherAdmin).status == 404)
            #expect(try await harness.call(client, .patch, shared, as: .otherAdmin, #"{"name":"no"}"#).status == 404)
            let theirs = try await harness.call(client, .get, path, as: .otherAdmin)
            #expect(theirs.json?["total"] as? Int == 0)
            // ... an admin of the organisation changes it, but only the owner makes it private.
            let renamed = try await harness.call(client, .patch, shared, as: .admin, #"{"name":"by alice"}"#)
            #expect(renamed.status == 200 && renamed.json?["can_edit"] as? Bool == true)
            #expect(
                try await harness.call(client, .patch, shared, as: .admin, #"{"visibility":"private"}"#).status == 403
            )
            let unshared = try await harness.call(client, .patch, shared, as: .editor, #"{"visibility":"private"}"#)
            #expect(unshared.status == 200 && unshared.json?["visibility"] as? String == "private")
            #expect(try await harness.call(client, .get, shared, as: .viewer).status == 404)
            #expect(try await harness.call(client, .delete, shared, as: .editor).status == 204)
        }
        // A denied attempt is audited as denied.
        let denied = try await harness.database.pool.read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM audit_log WHERE action = 'dashboard.create' AND outcome = 'denied'"
            )
        }
        #expect(denied == 1)
    }

    @Test("bodies out of bounds, bad panels and other organisations' series get 400; the 51st dashboard 409")
    func validation() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let series = harness.seriesIDs[0]
        let long = String(repeating: "x", count: 101)
        let bad: [(String, String)] = [
            ("{not json", "JSON"),
            (#"{"visibility":"private"}"#, "name"),
            (self.body("", "private"), "name"),
            (self.body("   ", "private"), "name"),
            (self.body(long, "private"), "name"),
            (self.body("tab\\there", "private"), "control"),
            (self.body("v", "public"), "visibility"),
            (#"{"name":"p","panels":{}}"#, "panels"),
            (self.body("p", "private", panels: #"[{"type":"pie"}]"#), "panels[0].type"),
            (self.body("p", "private", panels: #"[{"type":"series","series_ids":[]}]"#), "panels[0].series_ids"),
            (self.body("p", "private", panels: #"[{"type":"series","series_ids":[-1]}]"#), "panels[0].series_ids"),
            (self.body("p", "private", panels: #"[{"type":"series","series_ids":["1"]}]"#), "series_ids"),
            (
                self.body("p", "private", panels: #"[{"type":"series","series_ids":[\#(series)],"size":"huge"}]"#),
                "panels[0].size"
            ),
            (
                self.body(
                    "p",
                    "private",
                    panels: #"[{"type":"series","series_ids":[\#(series)],"aggregation":"p99"}]"#
                ),
                "panels[0].aggregation"
            ),
            (
                self.body(
                    "p",
                    "private",
                    panels: #"[{"type":"series","series_ids":[\#(series)],"aggregation":"last"}]"#
                ),
                "panels[0].aggregation"
            ),
            (
                self.body("p", "private", panels: #"[{"type":"series","series_ids":[\#(series)],"title":"\#(long)"}]"#),
                "panels[0].title"
            ),
            (self.body("p", "private", panels: #"[{"type":"series","series_ids":[999999]}]"#), "no series 999999"),
            (
                self.body("p", "private", panels: #"[{"type":"series","series_ids":[\#(harness.otherSeriesID)]}]"#),
                "no series \(harness.otherSeriesID)"
            ),
            (self.body("p", "private", panels: #"[{"type":"flow_top"}]"#), "panels[0].flow"),
            (self.body("p", "private", panels: #"[{"type":"flow_top","flow":{"by":"mac"}}]"#), "panels[0].flow.by"),
            (
                self.body("p", "private", panels: #"[{"type":"flow_top","flow":{"by":"src","limit":1000}}]"#),
                "panels[0].flow.limit"
            ),
            (
                self.body(
                    "p",
                    "private",
                    panels: #"[{"type":"flow_top","flow":{"by":"src","exporter":"10.0.0.0/8"}}]"#
                ),
                "panels[0].flow.exporter"
            ),
            (
                self.body("p", "private", panels: #"[{"type":"flow_top","flow":{"by":"src","src":"' OR 1=1"}}]"#),
                "panels[0].flow.src"
            ),
            (
                self.body("p", "private", panels: #"[{"type":"flow_top","flow":{"by":"src","protocol":"smtp"}}]"#),
                "panels[0].flow.protocol"
            ),
            (
                self.body("p", "private", panels: #"[{"type":"flow_top","flow":{"by":"src","port":65536}}]"#),
                "panels[0].flow.port"
            ),
            (
                self.body(
                    "p",
                    "private",
                    panels: "["
                        + Array(repeating: #"{"type":"series","series_ids":[\#(series)]}"#, count: 25)
                        .joined(separator: ",") + "]"
                ),
                "panels"
            ),
        ]
        let existing = try await harness.storedDashboard(owner: .editor, visibility: .private)
        try await harness.test { client in
            for (body, mention) in bad {
                for (method, path) in [
                    (HTTPRequest.Method.post, "/api/v1/dashboards"),
                    (.patch, "/api/v1/dashboards/\(existing.id)"),
                ] {
                    if method == .patch && mention == "name" && !body.contains(#""name""#) { continue }
                    let answer = try await harness.call(client, method, path, as: .editor, body)
                    let error = answer.json?["error"] as? [String: Any]
                    #expect(answer.status == 400, "\(method) \(body.prefix(80)): \(answer.status) \(answer.text)")
                    #expect(error?["code"] as? String == "invalid_body")
                    #expect(
                        (error?["message"] as? String)?.contains(mention) == true,
                        "\(body.prefix(80)): \(answer.text)"
                    )
                }
            }
            // Nothing of that was stored.
            let unchanged = try await harness.call(client, .get, "/api/v1/dashboards/\(existing.id)", as: .editor)
            #expect(unchanged.json?["name"] as? String == "stored")
            #expect(try await harness.count("dashboards") == 1)

            // The owner limit.
            for index in 1..<DashboardLimits.maxDashboardsPerOwner {
                _ = try await harness.storedDashboard(owner: .editor, visibility: .private, name: "d\(index)")
            }
            let over = try await harness.call(
                client,
                .post,
                "/api/v1/dashboards",
                as: .editor,
                self.body("51", "private")
            )
            #expect(over.status == 409, "\(over.text)")
            #expect(try await harness.count("dashboards") == DashboardLimits.maxDashboardsPerOwner)
            // Others still may.
            let alice = try await harness.call(
                client,
                .post,
                "/api/v1/dashboards",
                as: .admin,
                self.body("a", "shared")
            )
            #expect(alice.status == 201)
        }
    }

    @Test("markup and SQL metacharacters are data; malformed parameters get 4xx and change nothing")
    func injection() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let payloads = [
            "' OR '1'='1", "1; DROP TABLE dashboards; --", "\" OR 1=1 --",
            "1) UNION SELECT password_hash FROM users --",
            "name; DELETE FROM users", "%", "_", "\\", "1' --", "name,(SELECT 1)",
        ]
        let parameters = [
            "/api/v1/dashboards?sort=", "/api/v1/dashboards?limit=", "/api/v1/dashboards?offset=",
            "/api/v1/dashboards?visibility=", "/api/v1/dashboards?format=", "/api/v1/dashboards/",
            "/api/v1/series/catalog?device=", "/api/v1/series/catalog?interface=", "/api/v1/series/catalog?limit=",
            "/api/v1/series/catalog?format=",
        ]
        let hostile = #"<script>alert(1)</script>' OR 1=1; DROP TABLE dashboards; --"#
        let tables = ["dashboards", "users", "series", "devices"]
        let before = try await tables.asyncMap { try await harness.count($0) }
        try await harness.test { client in
            for parameter in parameters {
                for payload in payloads {
                    let encoded = payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                    for method in [HTTPRequest.Method.get, .delete] where method == .get || parameter.hasSuffix("/") {
                        let answer = try await harness.call(client, method, parameter + encoded, as: .superadmin)
                        #expect(
                            (400..<500).contains(answer.status),
                            "\(method) \(parameter)\(encoded): \(answer.status)"
                        )
                    }
                }
            }
            for payload in payloads where !["%", "_", "\\"].contains(payload) {
                let encoded = payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                for path in ["/api/v1/dashboards?q=", "/api/v1/series/catalog?q="] {
                    let answer = try await harness.call(client, .get, path + encoded, as: .superadmin)
                    #expect(answer.status == 200 && answer.json?["total"] as? Int == 0, "\(path)\(payload)")
                }
            }
            // A hostile name and title are stored and returned as data, escaped in JSON.
            let data = try JSONSerialization.data(withJSONObject: [
                "name": hostile,
                "panels": [["type": "series", "title": hostile, "series_ids": [harness.seriesIDs[0]]]],
            ])
            let created = try await harness.call(
                client,
                .post,
                "/api/v1/dashboards",
                as: .viewer,
                String(decoding: data, as: UTF8.self)
            )
            #expect(created.status == 201)
            #expect(!created.text.contains("<script>"))
            #expect(created.json?["name"] as? String == hostile)
            #expect((created.json?["panels"] as? [[String: Any]])?.first?["title"] as? String == hostile)
            let csv = try await harness.call(client, .get, "/api/v1/dashboards?format=csv", as: .viewer)
            #expect(csv.text.contains("<script>alert(1)</script>"))
        }
        var after = try await tables.asyncMap { try await harness.count($0) }
        after[0] -= 1
        #expect(before == after)
    }

    @Test("the series catalog lists the organisation's series only, searchable and filterable")
    func seriesCatalog() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        try await harness.test { client in
            let mine = try await harness.call(client, .get, "/api/v1/series/catalog", as: .viewer)
            let ids = (mine.json?["items"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } ?? []
            #expect(Set(ids) == Set(harness.seriesIDs.map(Int.init)))
            let theirs = try await harness.call(client, .get, "/api/v1/series/catalog", as: .otherAdmin)
            #expect(
                (theirs.json?["items"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [
                    Int(harness.otherSeriesID)
                ]
            )
            let uplink = try await harness.call(client, .get, "/api/v1/series/catalog?q=uplink", as: .viewer)
            let items = uplink.json?["items"] as? [[String: Any]] ?? []
            #expect(items.count == harness.seriesIDs.count)
            #expect(items.allSatisfy { $0["if_alias"] as? String == "uplink" && $0["device"] as? String == "core-1" })
            #expect(items.contains { $0["name"] as? String == "core-1 ge-0/0/1 if_in_octets" })
            let errors = try await harness.call(
                client,
                .get,
                "/api/v1/series/catalog?device=\(harness.deviceID)&interface=\(harness.interfaceID)&q=errors",
                as: .viewer
            )
            #expect(errors.json?["total"] as? Int == 2)
            let none = try await harness.call(
                client,
                .get,
                "/api/v1/series/catalog?device=\(harness.otherDeviceID)",
                as: .viewer
            )
            #expect(none.json?["total"] as? Int == 0)
            let csv = try await harness.call(client, .get, "/api/v1/series/catalog?format=csv", as: .viewer)
            #expect(CSVParsing.rows(csv.text).count == harness.seriesIDs.count + 1)
        }
    }
}
