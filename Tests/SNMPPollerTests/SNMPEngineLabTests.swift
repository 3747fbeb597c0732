import Foundation
import Logging
import NetmonTesting
import SNMPPoller
import Testing

/// The net-snmp wrapper against the lab's real snmpd on loopback.
@Suite("SNMP engine against snmpd", .serialized)
struct SNMPEngineLabTests {
    static let engine = SNMPEngine(logger: Logger(label: "test.snmp"))
    static let sysName: OID = "1.3.6.1.2.1.1.5.0"
    static let sysUpTime: OID = "1.3.6.1.2.1.1.3.0"
    static let ifDescr: OID = "1.3.6.1.2.1.2.2.1.2"

    init() throws {
        try Lab.startSNMPD()
    }

    private func target(_ credentials: SNMPCredentials, port: Int = Lab.snmpdPort) -> SNMPTarget {
        SNMPTarget(address: "127.0.0.1", port: port, credentials: credentials, timeout: .milliseconds(500), retries: 1)
    }

    @Test("v2c GET returns typed values")
    func v2cGet() async throws {
        let client = try await Self.engine.client(for: self.target(.v2c(community: Lab.community)))
        defer { client.close() }
        let values = try await client.get([Self.sysName, Self.sysUpTime])
        #expect(values.count == 2)
        #expect(values[0].value == .octetString(Array("netmond-lab-snmpd".utf8)))
        guard case .timeTicks = values[1].value else {
            Issue.record("sysUpTime is \(values[1].value), not TimeTicks")
            return
        }
    }

    @Test("v2c walk of ifTable and a multi-column walk agree with each other")
    func v2cWalk() async throws {
        let client = try await Self.engine.client(for: self.target(.v2c(community: Lab.community)))
        defer { client.close() }
        let descriptions = try await client.walk(Self.ifDescr)
        #expect(!descriptions.isEmpty)
        #expect(descriptions.contains { $0.value.text == "lo" })
        #expect(zip(descriptions, descriptions.dropFirst()).allSatisfy { $0.oid < $1.oid })
        let ifType: OID = "1.3.6.1.2.1.2.2.1.3"
        let columns = try await client.walkColumns([Self.ifDescr, ifType], maxRepetitions: 3)
        #expect(columns[0] == descriptions)
        #expect(columns[1].count == descriptions.count)
        let nothing = try await client.walk("1.3.6.1.4.1.99999.1")
        #expect(nothing.isEmpty)
    }

    @Test("v1 GET and walk use GETNEXT")
    func v1() async throws {
        let client = try await Self.engine.client(for: self.target(.v1(community: Lab.community)))
        defer { client.close() }
        #expect(try await client.get([Self.sysName]).first?.value.text == "netmond-lab-snmpd")
        let descriptions = try await client.walk(Self.ifDescr)
        #expect(descriptions.contains { $0.value.text == "lo" })
    }

    @Test("v3 works with every auth/priv pair the lab's user list has", arguments: try! Lab.snmpdUsers())
    func v3(user: Lab.V3User) async throws {
        let level: SNMPv3User.SecurityLevel =
            switch user.level {
            case "priv": .authPriv
            case "auth": .authNoPriv
            default: .noAuthNoPriv
            }
        let credentials = SNMPv3User(
            userName: user.name,
            securityLevel: level,
            authProtocol: SNMPv3User.AuthProtocol(rawValue: user.authProtocol) ?? .sha1,
            authPassword: user.authPassword,
            privProtocol: SNMPv3User.PrivProtocol(rawValue: user.privProtocol) ?? .aes128,
            privPassword: user.privPassword
        )
        let client = try await Self.engine.client(for: self.target(.v3(credentials)), forgetCachedUSMUser: true)
        defer { client.close() }
        #expect(try await client.get([Self.sysName]).first?.value.text == "netmond-lab-snmpd")
        #expect(try await client.walk(Self.ifDescr).contains { $0.value.text == "lo" })
    }

    @Test("a wrong community is a timeout with advice, within the configured time")
    func wrongCommunity() async throws {
        let client = try await Self.engine.client(for: self.target(.v2c(community: "wrong-community")))
        defer { client.close() }
        let started = ContinuousClock.now
        let error = await #expect(throws: SNMPError.self) { try await client.get([Self.sysName]) }
        #expect(error?.code == .timeout)
        #expect(error?.message.contains("community") == true)
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test("a wrong v3 password is an authentication error, and the right one works afterwards")
    func wrongThenRightPassword() async throws {
        var user = SNMPv3User(
            userName: "labSHA",
            securityLevel: .authPriv,
            authProtocol: .sha1,
            authPassword: "not-the-password",
            privProtocol: .aes128,
            privPassword: "labSHApriv01"
        )
        let wrong = try await Self.engine.client(for: self.target(.v3(user)), forgetCachedUSMUser: true)
        let error = await #expect(throws: SNMPError.self) { try await wrong.get([Self.sysName]) }
        wrong.close()
        #expect(error?.code == .authenticationFailed, "\(String(describing: error))")
        #expect(error?.description.contains("authentication password") == true)

        user.authPassword = "labSHAauth01"
        let right = try await Self.engine.client(for: self.target(.v3(user)), forgetCachedUSMUser: true)
        defer { right.close() }
        #expect(try await right.get([Self.sysName]).first?.value.text == "netmond-lab-snmpd")
    }

    @Test("an address nothing answers times out within timeout × tries")
    func nothingAnswers() async throws {
        let silentPort = HTTPProbe.freePort()
        let target = SNMPTarget(
            address: "127.0.0.1",
            port: silentPort,
            credentials: .v2c(community: "public"),
            timeout: .milliseconds(300),
            retries: 2
        )
        let client = try await Self.engine.client(for: target)
        defer { client.close() }
        let started = ContinuousClock.now
        let error = await #expect(throws: SNMPError.self) { try await client.get([Self.sysName]) }
        let elapsed = ContinuousClock.now - started
        #expect(error?.code == .timeout)
        #expect(elapsed >= .milliseconds(800))
        #expect(elapsed < .seconds(2))
    }

    @Test("many requests in flight at once on many sessions all complete")
    func concurrency() async throws {
        let results = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    let client = try await Self.engine.client(for: self.target(.v2c(community: Lab.community)))
                    defer { client.close() }
                    return try await client.get([Self.sysName]).first?.value.text
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 40)
        #expect(results.allSatisfy { $0 == "netmond-lab-snmpd" })
    }

    @Test("timeouts of many sessions at once each fire on time while another session keeps answering")
    func manyTimeouts() async throws {
        let silentPort = HTTPProbe.freePort()
        let silent = SNMPTarget(
            address: "127.0.0.1",
            port: silentPort,
            credentials: .v2c(community: "public"),
            timeout: .milliseconds(300),
            retries: 1
        )
        let live = try await Self.engine.client(for: self.target(.v2c(community: Lab.community)))
        defer { live.close() }
        let started = ContinuousClock.now
        let (timeouts, answers) = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for _ in 0..<60 {
                group.addTask {
                    let client = try await Self.engine.client(for: silent)
                    defer { client.close() }
                    do {
                        _ = try await client.get([Self.sysName])
                        return (0, 0)
                    } catch let error as SNMPError where error.code == .timeout {
                        return (1, 0)
                    }
                }
            }
            group.addTask {
                var answered = 0
                for _ in 0..<50 {
                    let name = try await live.get([Self.sysName]).first?.value.text
                    if name == "netmond-lab-snmpd" { answered += 1 }
                }
                return (0, answered)
            }
            return try await group.reduce(into: (0, 0)) { $0 = ($0.0 + $1.0, $0.1 + $1.1) }
        }
        let elapsed = ContinuousClock.now - started
        #expect(timeouts == 60)
        #expect(answers == 50)
        #expect(elapsed >= .milliseconds(600))
        #expect(elapsed < .seconds(3))
    }

    @Test("sessions whose sockets are numbered past 1,024 (select's FD_SETSIZE) work")
    func manySessions() async throws {
        var clients: [SNMPClient] = []
        defer { for client in clients { client.close() } }
        // Enough open sessions that the newest sockets' numbers exceed select()'s fd_set.
        for _ in 0..<1_100 {
            clients.append(try await Self.engine.client(for: self.target(.v2c(community: Lab.community))))
        }
        let newest = clients.suffix(20)
        let names = try await withThrowingTaskGroup(of: String?.self) { group in
            for client in newest {
                group.addTask { try await client.get([Self.sysName]).first?.value.text }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(names.count == 20)
        #expect(names.allSatisfy { $0 == "netmond-lab-snmpd" })
    }
}
