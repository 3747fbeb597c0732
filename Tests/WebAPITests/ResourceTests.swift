import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import NIOCore
import NetmonCore
import Storage
import Synchronization
import Testing

@testable import WebAPI

@Suite("API resources: devices, interfaces, series, events, flows, CSV, leaks, injection")
struct ResourceTests {
    @Test("creating, changing and deleting a device reaches the poller; secrets are write-only")
    func deviceLifecycle() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        try await harness.test { client in
            let created = try await client.execute(
                uri: "/api/v1/devices",
                method: .post,
                headers: harness.headers(.editor, json: true),
                body: ByteBuffer(
                    string:
                        #"{"name":"lab-1","address":"127.0.0.1","port":21161,"poll_interval_s":10,"tags":["lab"],"snmp":{"version":"2c","community":"very-secret-community"}}"#
                )
            ) { response in
                #expect(response.status == .created)
                #expect(!String(buffer: response.body).contains("very-secret-community"))
                return jsonObject(response.body)
            }
            let id = try #require(created?["id"] as? Int)
            let snmp = created?["snmp"] as? [String: Any]
            #expect(snmp?["community_set"] as? Bool == true)
            #expect(snmp?["community"] == nil)
            #expect(created?["managed_by"] as? String == "api")
            #expect(created?["status"] as? String == "unknown")
            try await client.execute(
                uri: "/api/v1/devices/\(id)",
                method: .patch,
                headers: harness.headers(.editor, json: true),
                body: ByteBuffer(
                    string:
                        #"{"snmp":{"version":"3","user":"u","security_level":"authNoPriv","auth_password":"abcdefgh1"}}"#
                )
            ) { response in
                #expect(response.status == .ok)
                #expect((jsonObject(response.body)?["snmp"] as? [String: Any])?["version"] as? String == "3")
            }
            try await client.execute(
                uri: "/api/v1/devices",
                method: .post,
                headers: harness.headers(.editor, json: true),
                body: ByteBuffer(string: #"{"name":"lab-1","address":"127.0.0.2","snmp":{"community":"x"}}"#)
            ) { #expect($0.status == .conflict) }
            try await client.execute(
                uri: "/api/v1/devices",
                method: .post,
                headers: harness.headers(.editor, json: true),
                body: ByteBuffer(string: #"{"name":"lab-2","address":"127.0.0.2","snmp":{"version":"2c"}}"#)
            ) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/v1/devices/\(id)", method: .delete, headers: harness.headers(.editor)) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/devices/\(id)", method: .get, headers: harness.headers(.editor)) {
                #expect($0.status == .notFound)
            }
        }
        let changes = harness.changes.items.withLock { $0 }
        #expect(changes.count == 3)
        if case .upsert(let device) = changes[0] {
            #expect(device.address == "127.0.0.1" && device.settings.port == 21161)
            #expect(device.settings.community?.value == "very-secret-community")
            #expect(device.settings.pollInterval == .seconds(10))
        } else {
            Issue.record("first change is not an upsert: \(changes[0])")
        }
        if case .upsert(let device) = changes[1] { #expect(device.settings.version == .v3) }
        if case .remove(let removed) = changes[2] { #expect(removed > 0) } else { Issue.record("no removal") }
        // The poller's start-up list holds what the API stored.
        let managed = try await DeviceAdminStore(database: harness.database).managedDevices(excludingNames: [])
        #expect(managed.contains { $0.name == "core-1" && $0.settings.user == "monitor" })
        #expect(!managed.contains { $0.name == "lab-1" })
    }

    @Test("interfaces carry their latest rates; series answer with points and stats")
    func interfacesAndSeries() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        try await harness.test { client in
            try await client.execute(
                uri: "/api/v1/devices/\(harness.deviceID)/interfaces?sort=-if_index",
                method: .get,
                headers: harness.headers(.viewer)
            ) { response in
                let items = jsonObject(response.body)?["items"] as? [[String: Any]] ?? []
                #expect(items.count == 2)
                #expect(items.first?["if_index"] as? Int == 2)
                let uplink = items.first { $0["if_index"] as? Int == 1 }
                #expect(uplink?["in_bps"] as? Double == Double(1059 * 8))
                #expect(uplink?["out_bps"] as? Double == Double(2059 * 8))
                #expect(uplink?["in_errors_per_s"] as? Double == 3059)
                #expect(uplink?["in_utilization"] as? Double == 5059)
                #expect(uplink?["oper_status"] as? String == "up")
                #expect(items.first?["oper_status"] as? String == "down")
            }
            try await client.execute(
                uri:
                    "/api/v1/devices/\(harness.deviceID)/interfaces/\(harness.interfaceID)/series?metric=traffic&step=60000&agg=max",
                method: .get,
                headers: harness.headers(.viewer)
            ) { response in
                #expect(response.status == .ok)
                let series = jsonObject(response.body)?["series"] as? [[String: Any]] ?? []
                #expect(series.map { $0["name"] as? String } == ["in", "out"])
                let points = series.first?["points"] as? [[Double]] ?? []
                #expect((10...11).contains(points.count))
                #expect(points.allSatisfy { Int64($0[0]) % 60_000 == 0 })
                let stats = series.first?["stats"] as? [String: Double]
                #expect(stats?["max"] == Double(1059 * 8))
                #expect(stats?["min"] ?? 0 >= 1000 * 8)
            }
            try await client.execute(
                uri: "/api/v1/series?ids=\(harness.seriesIDs[0]),\(harness.otherSeriesID)",
                method: .get,
                headers: harness.headers(.admin)
            ) { #expect($0.status == .notFound) }
            try await client.execute(
                uri: "/api/v1/series?ids=\(harness.seriesIDs[0]),\(harness.otherSeriesID)",
                method: .get,
                headers: harness.headers(.superadmin)
            ) { response in
                let series = jsonObject(response.body)?["series"] as? [[String: Any]] ?? []
                #expect(series.count == 2)
                #expect(series.allSatisfy { ($0["points"] as? [Any])?.isEmpty == false })
            }
        }
    }

    @Test("events and flows are scoped to the organisation")
    func scoping() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        try await harness.test { client in
            for (caller, kinds) in [(Caller.viewer, ["device_restarted"]), (.otherAdmin, ["device_unreachable"])] {
                try await client.execute(uri: "/api/v1/events", method: .get, headers: harness.headers(caller)) {
                    response in
                    let items = jsonObject(response.body)?["items"] as? [[String: Any]] ?? []
                    #expect(items.map { $0["kind"] as? String } == kinds)
                }
            }
            try await client.execute(
                uri: "/api/v1/flows/top?by=dst_port",
                method: .get,
                headers: harness.headers(.viewer)
            ) {
                let body = jsonObject($0.body)
                let items = body?["items"] as? [[String: Any]] ?? []
                #expect(items.count == 2)
                #expect((items.first?["key"] as? [String: Any])?["port"] as? Int == 443)
                #expect(body?["total_bytes"] as? Int == 15500)
            }
            try await client.execute(
                uri: "/api/v1/flows/top?by=src&protocol=udp",
                method: .get,
                headers: harness.headers(.viewer)
            ) {
                let items = jsonObject($0.body)?["items"] as? [[String: Any]] ?? []
                #expect(items.count == 1)
                #expect((items.first?["key"] as? [String: Any])?["address"] as? String == "10.0.0.3")
            }
            try await client.execute(
                uri: "/api/v1/flows/top?by=src",
                method: .get,
                headers: harness.headers(.otherAdmin)
            ) {
                #expect((jsonObject($0.body)?["items"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/metrics/devices", method: .get, headers: harness.headers(.keyViewer)) {
                response in
                let text = String(buffer: response.body)
                #expect(
                    text.contains(
                        #"netmond_if_in_octets_per_second{device="core-1",ifIndex="1",ifName="ge-0/0/1",ifAlias="uplink",ifDescr=""} 1059"#
                    )
                )
                #expect(text.contains(#"netmond_device_up{device="core-1"} 1"#))
                #expect(!text.contains("other-1"))
            }
        }
    }

    @Test("CSV and JSON of the same query hold the same data")
    func csvMatchesJSON() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let paths = [
            "/api/v1/devices?sort=name", "/api/v1/devices/\(harness.deviceID)/interfaces", "/api/v1/events",
            "/api/v1/users", "/api/v1/audit", "/api/v1/flows/exporters",
        ]
        try await harness.test { client in
            for path in paths {
                let json = try await client.execute(uri: path, method: .get, headers: harness.headers(.superadmin)) {
                    jsonObject($0.body)?["items"] as? [[String: Any]] ?? []
                }
                let csv = try await client.execute(
                    uri: path + (path.contains("?") ? "&" : "?") + "format=csv",
                    method: .get,
                    headers: harness.headers(.superadmin)
                ) { response in
                    #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                    return CSVParsing.rows(String(buffer: response.body))
                }
                let viaAccept = try await client.execute(
                    uri: path,
                    method: .get,
                    headers: harness.headers(.superadmin).merging([.accept: "text/csv"])
                ) { CSVParsing.rows(String(buffer: $0.body)) }
                #expect(csv == viaAccept, "\(path)")
                #expect(csv.count == json.count + 1, "\(path): \(csv.count) rows for \(json.count) items")
                guard let header = csv.first else { continue }
                for (item, row) in zip(json, csv.dropFirst()) {
                    let flat = CSVParsing.flatten(item)
                    for (column, cell) in zip(header, row) {
                        let value = flat[column] ?? ""
                        let same =
                            value == cell || (cell == "true" && value == "1") || (cell == "false" && value == "0")
                        #expect(same, "\(path) \(column): JSON \(value), CSV \(cell)")
                    }
                }
            }
            // Series: one CSV row per point.
            let series = "/api/v1/series?ids=\(harness.seriesIDs[0]),\(harness.seriesIDs[1])&step=60000"
            let points = try await client.execute(uri: series, method: .get, headers: harness.headers(.viewer)) {
                ((jsonObject($0.body)?["series"] as? [[String: Any]]) ?? []).flatMap { entry in
                    ((entry["points"] as? [[Double]]) ?? []).map { ("\(entry["id"]!),\(Int64($0[0]))", $0[1]) }
                }
            }
            let rows = try await client.execute(
                uri: series + "&format=csv",
                method: .get,
                headers: harness.headers(.viewer)
            ) {
                CSVParsing.rows(String(buffer: $0.body)).dropFirst().map { ("\($0[0]),\($0[3])", Double($0[4])) }
            }
            // Values within a few ulps: JSONSerialization's number parsing is not always exact.
            #expect(!points.isEmpty)
            #expect(points.map(\.0) == rows.map(\.0))
            #expect(zip(points, rows).allSatisfy { nearlyEqual($0.1, $1.1) })
        }
    }

    @Test("no route returns a password hash or an SNMP secret")
    func noLeaks() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let secrets = [
            APIHarness.community, APIHarness.authPassword, "$2b$", "$2a$", "password_hash", "secret_hash", "token_hash",
        ]
        let gets = AuthorizationMatrixTests.rows.filter { $0.method == .get }
        try await harness.test { client in
            for row in gets {
                let (path, _) = try await row.prepare(harness, 0)
                for format in ["", "format=csv"] {
                    let uri = format.isEmpty ? path : path + (path.contains("?") ? "&" : "?") + format
                    let text = try await client.execute(uri: uri, method: .get, headers: harness.headers(.superadmin)) {
                        String(buffer: $0.body)
                    }
                    for secret in secrets {
                        #expect(!text.contains(secret), "\(uri) leaks \(secret)")
                    }
                }
            }
        }
    }

    @Test("SQL metacharacters in filters, sorts and path parameters change nothing and get 4xx")
    func injection() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let payloads = [
            "' OR '1'='1", "1; DROP TABLE devices; --", "\" OR 1=1 --", "1) UNION SELECT password_hash FROM users --",
            "name; DELETE FROM users", "%", "_", "\\", "1' --", "name,(SELECT 1)",
        ]
        let parameters = [
            "/api/v1/devices?sort=", "/api/v1/devices?limit=", "/api/v1/devices?offset=", "/api/v1/users?sort=",
            "/api/v1/events?from=", "/api/v1/events?to=", "/api/v1/events?device=", "/api/v1/series?ids=",
            "/api/v1/flows/top?by=", "/api/v1/flows/top?exporter=", "/api/v1/flows/top?src=", "/api/v1/flows/top?port=",
            "/api/v1/flows/top?protocol=", "/api/v1/flows/top?interface=", "/api/v1/audit?user=",
            "/api/v1/audit?outcome=",
            "/api/v1/devices/\(harness.deviceID)/interfaces?sort=", "/api/v1/series?ids=1&agg=",
            "/api/v1/series?ids=1&step=",
            "/api/v1/devices/", "/api/v1/users/", "/api/v1/organisations/", "/api/v1/devices/1/interfaces/",
            "/api/v1/events?format=",
        ]
        let before = try await ["devices", "users", "organisations", "api_keys", "series", "samples"].asyncMap {
            try await harness.count($0)
        }
        let failures = try await harness.test { client in
            var failures: [String] = []
            for parameter in parameters {
                for payload in payloads {
                    let encoded = payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                    let uri = parameter + encoded + (parameter.hasSuffix("/interfaces/") ? "/series" : "")
                    let status = try await client.execute(uri: uri, method: .get, headers: harness.headers(.superadmin))
                    {
                        $0.status.code
                    }
                    if !(400..<500).contains(status) { failures.append("\(uri): \(status)") }
                }
            }
            // Free-text search is data, never SQL: it matches nothing and changes nothing.
            for payload in payloads where payload != "%" && payload != "_" && payload != "\\" {
                let encoded = payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                try await client.execute(
                    uri: "/api/v1/devices?q=\(encoded)",
                    method: .get,
                    headers: harness.headers(.superadmin)
                ) {
                    #expect($0.status == .ok)
                    #expect(jsonObject($0.body)?["total"] as? Int == 0, "\(payload)")
                }
            }
            // LIKE wildcards are escaped: "%" matches only names containing "%".
            try await client.execute(uri: "/api/v1/devices?q=%25", method: .get, headers: harness.headers(.superadmin))
            {
                #expect(jsonObject($0.body)?["total"] as? Int == 0)
            }
            // Metacharacters in bodies are stored as data.
            try await client.execute(
                uri: "/api/v1/devices/\(harness.deviceID)",
                method: .patch,
                headers: harness.headers(.admin, json: true),
                body: ByteBuffer(string: #"{"tags":["'); DROP TABLE devices; --"]}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect((jsonObject(response.body)?["tags"] as? [String]) == ["'); DROP TABLE devices; --"])
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        let after = try await ["devices", "users", "organisations", "api_keys", "series", "samples"].asyncMap {
            try await harness.count($0)
        }
        #expect(before == after)
    }

    @Test("errors share one shape and reveal no internals")
    func errorShape() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        try await harness.test { client in
            for (uri, method, body, code) in [
                ("/api/v1/nothing", HTTPRequest.Method.get, nil, "not_found"),
                ("/api/v1/devices", .post, "{not json", "invalid_body"),
                ("/api/v1/devices", .post, String(repeating: "x", count: 300_000), "payload_too_large"),
                ("/api/v1/devices?limit=0", .get, nil, "invalid_parameter"),
                ("/api/v1/devices/999999", .get, nil, "not_found"),
            ] as [(String, HTTPRequest.Method, String?, String)] {
                try await client.execute(
                    uri: uri,
                    method: method,
                    headers: harness.headers(.admin, json: body != nil),
                    body: body.map { ByteBuffer(string: $0) }
                ) { response in
                    let error = jsonObject(response.body)?["error"] as? [String: Any]
                    #expect(error?["code"] as? String == code, "\(uri): \(String(buffer: response.body).prefix(200))")
                    #expect((error?["message"] as? String)?.isEmpty == false)
                    let text = String(buffer: response.body)
                    #expect(!text.contains("SQLite") && !text.contains("GRDB") && !text.contains(".swift"))
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                }
            }
        }
    }

    @Test("the OpenAPI document describes every route, its security and the error shape")
    func openAPI() async throws {
        let harness = try await APIHarness.make()
        defer { harness.remove() }
        let document = try await harness.test { client in
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { jsonObject($0.body) }
        }
        #expect(document?["openapi"] as? String == "3.0.3")
        let paths = document?["paths"] as? [String: [String: Any]] ?? [:]
        for entry in harness.catalog.entries {
            let operation = paths[entry.path]?[entry.method.rawValue.lowercased()] as? [String: Any]
            #expect(operation != nil, "\(entry.method) \(entry.path) is not documented")
            let responses = operation?["responses"] as? [String: Any] ?? [:]
            #expect(responses["401"] != nil && responses["400"] != nil)
        }
        let components = document?["components"] as? [String: Any]
        let schemas = components?["schemas"] as? [String: Any] ?? [:]
        #expect(schemas["Error"] != nil && schemas["Device"] != nil)
        // Every $ref points to a defined schema.
        let text = String(decoding: try JSONSerialization.data(withJSONObject: document ?? [:]), as: UTF8.self)
        let refs = text.components(separatedBy: "#\\/components\\/schemas\\/").dropFirst().map {
            $0.prefix { $0 != "\"" }
        }
        #expect(!refs.isEmpty)
        for reference in refs { #expect(schemas[String(reference)] != nil, "missing schema \(reference)") }
    }
}

/// RFC 4180 parsing and JSON flattening for the CSV comparisons.
enum CSVParsing {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        cell.append("\"")
                        characters = characters.dropFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    cell.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(cell)
                cell = ""
            } else if character == "\r\n" || character == "\n" {
                row.append(cell)
                rows.append(row)
                row = []
                cell = ""
            } else {
                cell.append(character)
            }
        }
        return rows
    }

    static func flatten(_ object: [String: Any], prefix: String = "") -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in object {
            let name = prefix.isEmpty ? key : "\(prefix).\(key)"
            switch value {
            case let nested as [String: Any]: out.merge(flatten(nested, prefix: name)) { a, _ in a }
            case is NSNull: out[name] = ""
            case let text as String: out[name] = text
            case let number as NSNumber:
                if String(describing: type(of: number)).contains("Bool") || "\(number)" == "true"
                    || "\(number)" == "false"
                {
                    out[name] = number.boolValue ? "true" : "false"
                } else {
                    out[name] = JSONValue.format(number.doubleValue)
                }
            case let array as [Any]:
                let data = try! JSONSerialization.data(withJSONObject: array, options: [.withoutEscapingSlashes])
                out[name] = String(decoding: data, as: UTF8.self)
            default: out[name] = "\(value)"
            }
        }
        return out
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        for field in other { merged[field.name] = field.value }
        return merged
    }
}
