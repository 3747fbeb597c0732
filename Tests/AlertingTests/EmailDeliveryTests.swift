import Foundation
import NetmonCore
import NetmonTesting
import Storage
import Testing

@testable import Alerting

/// Email through a real SMTP server (aiosmtpd) on loopback, with a certificate made by openssl.
@Suite("Email delivery", .serialized)
struct EmailDeliveryTests {
    /// Makes a self-signed certificate for 127.0.0.1 in `directory`; returns (cert, key) paths.
    func makeCertificate(_ directory: TemporaryDirectory) async throws -> (String, String) {
        let cert = directory.path + "/cert.pem"
        let key = directory.path + "/key.pem"
        let result = try await runCommand(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ]
        )
        try #require(result.status == 0, "openssl: \(result.stderr)")
        return (cert, key)
    }

    func email() -> NotificationPayload.Email {
        let context = NotificationContext(
            event: "firing",
            alertID: 3,
            rule: "cpu high",
            ruleKind: "threshold",
            severity: .critical,
            state: "firing",
            device: "rtr1",
            interface: nil,
            value: 97.5,
            summary: "cpu_load_percent avg over 5m = 97.5 (threshold > 90)",
            since: 1_800_000_000_000,
            time: 1_800_000_060_000
        )
        let channel = AlertChannel(name: "mail", kind: .email, recipients: ["ops@example.org", "noc@example.org"])
        let built = NotificationPayload.build(context, eventID: "alert-3-event-1", channel: channel)
        return try! JSONDecoder().decode(NotificationPayload.Email.self, from: Data(built.payload.utf8))
    }

    @Test("STARTTLS and AUTH: the server receives the rendered message under TLS")
    func startTLS() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (cert, key) = try await self.makeCertificate(directory)
        let port = HTTPProbe.freePort()
        let server = try await PythonPeer(
            script: "smtp-server.py",
            python: PythonPeer.venvPython,
            port: port,
            directory: directory,
            arguments: ["--cert", cert, "--key", key, "--user", "netmond", "--password", "pa55word"]
        )
        let mailer = SMTPMailer(
            configuration: SMTPConfiguration(
                host: "127.0.0.1",
                port: port,
                security: .starttls,
                username: "netmond",
                password: Secret("pa55word"),
                from: "netmond@example.org",
                caFile: cert
            ),
            timeout: .seconds(10)
        )
        let code = try await mailer.send(self.email(), messageID: "alert-3-event-1-channel-1")
        #expect(code == 250)
        // A wrong password is refused permanently.
        var wrong = mailer
        wrong.configuration.password = Secret("nope")
        do {
            _ = try await wrong.send(self.email(), messageID: "x")
            Issue.record("a wrong password was accepted")
        } catch {
            #expect(error.status == 535, "\(error)")
            #expect(!error.retryable)
        }
        await server.stop()

        let entries = server.entries
        try #require(entries.count == 1)
        #expect(entries[0]["tls"] as? Bool == true)
        #expect(entries[0]["user"] as? String == "netmond")
        #expect(entries[0]["mail_from"] as? String == "netmond@example.org")
        #expect(entries[0]["rcpt_tos"] as? [String] == ["ops@example.org", "noc@example.org"])
        let data = entries[0]["data"] as? String ?? ""
        #expect(data.contains("Subject: [CRITICAL] cpu high on rtr1"))
        #expect(data.contains("cpu_load_percent avg over 5m = 97.5 (threshold > 90)"))
        #expect(data.contains("Value: 97.5"))
    }

    @Test("AUTH LOGIN when the server does not offer PLAIN")
    func authLogin() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (cert, key) = try await self.makeCertificate(directory)
        let port = HTTPProbe.freePort()
        let server = try await PythonPeer(
            script: "smtp-server.py",
            python: PythonPeer.venvPython,
            port: port,
            directory: directory,
            arguments: ["--cert", cert, "--key", key, "--user", "netmond", "--password", "l0gin-pass", "--login-only"]
        )
        let mailer = SMTPMailer(
            configuration: SMTPConfiguration(
                host: "127.0.0.1",
                port: port,
                security: .starttls,
                username: "netmond",
                password: Secret("l0gin-pass"),
                caFile: cert
            ),
            timeout: .seconds(10)
        )
        #expect(try await mailer.send(self.email(), messageID: "m-login") == 250)
        await server.stop()
        #expect(server.entries.map { $0["user"] as? String } == ["netmond"])
    }

    @Test("implicit TLS without AUTH")
    func implicitTLS() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (cert, key) = try await self.makeCertificate(directory)
        let port = HTTPProbe.freePort()
        let server = try await PythonPeer(
            script: "smtp-server.py",
            python: PythonPeer.venvPython,
            port: port,
            directory: directory,
            arguments: ["--cert", cert, "--key", key, "--implicit-tls"]
        )
        let mailer = SMTPMailer(
            configuration: SMTPConfiguration(host: "127.0.0.1", port: port, security: .tls, caFile: cert),
            timeout: .seconds(10)
        )
        #expect(try await mailer.send(self.email(), messageID: "m1") == 250)
        await server.stop()
        #expect(server.entries.map { $0["tls"] as? Bool } == [true])
    }

    @Test("an untrusted certificate and AUTH without TLS are refused")
    func refusals() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (cert, key) = try await self.makeCertificate(directory)
        let port = HTTPProbe.freePort()
        let server = try await PythonPeer(
            script: "smtp-server.py",
            python: PythonPeer.venvPython,
            port: port,
            directory: directory,
            arguments: ["--cert", cert, "--key", key]
        )
        let untrusted = SMTPMailer(
            configuration: SMTPConfiguration(host: "127.0.0.1", port: port, security: .starttls),
            timeout: .seconds(10)
        )
        await #expect(throws: DeliveryError.self) { _ = try await untrusted.send(self.email(), messageID: "m2") }
        let plainAuth = SMTPMailer(
            configuration: SMTPConfiguration(
                host: "127.0.0.1",
                port: port,
                security: .none,
                username: "u",
                password: Secret("p")
            ),
            timeout: .seconds(10)
        )
        do {
            _ = try await plainAuth.send(self.email(), messageID: "m3")
            Issue.record("AUTH without TLS was attempted")
        } catch {
            #expect(!error.retryable)
        }
        await server.stop()
        #expect(server.entries.isEmpty)
    }
}
