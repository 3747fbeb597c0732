import Foundation
import NetmonTesting
import Testing

/// `http.tls`: the real daemon serving HTTPS with a certificate openssl makes here, refusing plain
/// HTTP on that port, refusing to start with unusable files, and keeping the HTTP limits.
@Suite("netmond over HTTPS", .serialized)
struct DaemonHTTPSTests {
    let directory: URL

    init() throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("netmond-tls-\(UUID())")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    private func path(_ name: String) -> String { self.directory.appendingPathComponent(name).path }

    /// A self-signed certificate for 127.0.0.1 (`cert.pem`, `key.pem`) and an unrelated key (`other.pem`).
    private func makeCertificates() async throws {
        let certificate = try await runCommand(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", self.path("key.pem"), "-out", self.path("cert.pem"),
            ]
        )
        #expect(certificate.status == 0, "\(certificate.stderr)")
        let other = try await runCommand(
            "/usr/bin/openssl",
            ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", self.path("other.pem")]
        )
        #expect(other.status == 0, "\(other.stderr)")
    }

    private func writeConfig(port: Int, certificate: String, key: String) throws -> String {
        let yaml = """
            log: {level: info, format: text}
            http:
              address: 127.0.0.1
              port: \(port)
              tls:
                certificate: \(certificate)
                private_key: \(key)
            storage: {path: \(self.path("netmond.db"))}
            snmp: {enabled: false}
            flows: {enabled: false}
            """
        try yaml.write(toFile: self.path("netmond.yaml"), atomically: true, encoding: .utf8)
        return self.path("netmond.yaml")
    }

    /// curl over HTTPS trusting only the test certificate: (exit status, head and body).
    private func curl(_ arguments: [String]) async throws -> (status: Int32?, output: String) {
        let result = try await runCommand(
            "/usr/bin/curl",
            ["-sS", "-i", "--max-time", "10", "--cacert", self.path("cert.pem")] + arguments,
            timeout: .seconds(20)
        )
        return (result.status, result.stdout + result.stderr)
    }

    @Test("JSON over https, plain http refused on the port, head and body limits, security headers")
    func servesHTTPS() async throws {
        try await self.makeCertificates()
        let port = HTTPProbe.freePort()
        let config = try self.writeConfig(port: port, certificate: self.path("cert.pem"), key: self.path("key.pem"))
        let child = try ChildProcess(
            executable: RepositoryPaths.executable("netmond"),
            arguments: ["run", "--config", config],
            directory: self.directory
        )
        defer {
            child.send(SIGTERM)
            _ = child.waitForExitBlocking(timeout: .seconds(10))
        }
        let base = "https://127.0.0.1:\(port)"
        var health = try await self.curl(["\(base)/healthz"])
        let deadline = ContinuousClock.now + .seconds(20)
        while health.status != 0 && ContinuousClock.now < deadline && child.isRunning {
            try await Task.sleep(for: .milliseconds(100))
            health = try await self.curl(["\(base)/healthz"])
        }
        #expect(health.status == 0, "stdout: \(child.stdout)\nstderr: \(child.stderr)\ncurl: \(health.output)")
        #expect(health.output.hasPrefix("HTTP/1.1 200"))
        #expect(health.output.contains("\"status\":\"ok\""))
        #expect(child.stdout.contains("netmond ready: https://127.0.0.1:\(port)/healthz"))

        // The API answers JSON over TLS, with the security headers.
        let document = try await self.curl(["\(base)/api/v1/openapi.json"])
        #expect(document.output.hasPrefix("HTTP/1.1 200"))
        #expect(document.output.lowercased().contains("content-type: application/json"))
        #expect(document.output.contains("\"openapi\":\"3."))
        for header in [
            "x-content-type-options: nosniff", "x-frame-options: deny",
            "content-security-policy: default-src 'none'; frame-ancestors 'none'", "referrer-policy: no-referrer",
        ] {
            #expect(document.output.lowercased().contains(header), "missing \(header)")
        }
        let anonymous = try await self.curl(["\(base)/api/v1/devices"])
        #expect(anonymous.output.hasPrefix("HTTP/1.1 401"))
        #expect(anonymous.output.contains("\"code\":\"unauthorized\""))

        // Plain HTTP on the TLS port gets no HTTP answer.
        #expect(HTTPProbe.get("/healthz", port: port) == nil)
        let plain = try await runCommand(
            "/usr/bin/curl",
            ["-sS", "--max-time", "5", "http://127.0.0.1:\(port)/healthz"],
            timeout: .seconds(15)
        )
        #expect(plain.status != 0 && !plain.stdout.contains("\"status\""))
        // A client that does not trust the certificate is refused by its own check.
        let untrusted = try await runCommand("/usr/bin/curl", ["-sS", "--max-time", "5", "\(base)/healthz"])
        #expect(untrusted.status == 60)

        // A header field over 16 KiB: no answer from a route (the connection is closed or 431).
        let header = "X-Filler: " + String(repeating: "a", count: 20 * 1024)
        let big = try await self.curl(["-H", header, "\(base)/healthz"])
        #expect(!big.output.contains("HTTP/1.1 200"), "\(big.output.prefix(200))")
        // A body over 256 KiB: 413 in the API's error shape.
        let body = self.path("body.json")
        try String(repeating: "x", count: 300 * 1024).write(toFile: body, atomically: true, encoding: .utf8)
        let large = try await self.curl([
            "-H", "Content-Type: application/json", "-H", "Expect:", "--data-binary", "@\(body)",
            "\(base)/api/v1/auth/login",
        ])
        #expect(large.output.hasPrefix("HTTP/1.1 413"), "\(large.output.prefix(300))")
        #expect(large.output.contains("\"code\":\"payload_too_large\""))
        // The daemon still serves afterwards.
        #expect(try await self.curl(["\(base)/healthz"]).output.hasPrefix("HTTP/1.1 200"))
    }

    @Test("a missing certificate or a key of another certificate stops the start, naming the key")
    func refusesBadFiles() async throws {
        try await self.makeCertificates()
        let cases: [(certificate: String, key: String, expected: [String])] = [
            (self.path("missing.pem"), self.path("key.pem"), ["http.tls.certificate:", "does not exist"]),
            (
                self.path("cert.pem"), self.path("other.pem"),
                ["http.tls.private_key:", "does not match the certificate"]
            ),
            (self.path("key.pem"), self.path("key.pem"), ["http.tls.certificate:", "holds no PEM certificate"]),
            (
                self.path("cert.pem"), self.path("cert.pem"),
                ["http.tls.private_key:", "no unencrypted PEM private key"]
            ),
            (self.path("cert.pem"), self.directory.path, ["http.tls.private_key:", "is a directory"]),
        ]
        for item in cases {
            let config = try self.writeConfig(port: HTTPProbe.freePort(), certificate: item.certificate, key: item.key)
            let result = try await runCommand(
                RepositoryPaths.executable("netmond"),
                ["run", "--config", config],
                timeout: .seconds(30)
            )
            #expect(result.status == 1)
            for text in item.expected {
                #expect((result.stdout + result.stderr).contains(text), "\(item): \(result.stdout)\(result.stderr)")
            }
        }
    }
}
