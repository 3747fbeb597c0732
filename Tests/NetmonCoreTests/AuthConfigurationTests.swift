import NetmonCore
import Testing

@Suite("auth: and http.cors configuration")
struct AuthConfigurationTests {
    private func issues(_ yaml: String) -> [String] {
        do {
            _ = try NetmondConfiguration.parse(yaml: yaml)
            return []
        } catch {
            return error.issues.map { "\($0.path): \($0.message)" }
        }
    }

    @Test("every auth key parses")
    func parses() throws {
        let configuration = try NetmondConfiguration.parse(
            yaml: """
                auth:
                  jwt_key_file: /srv/netmond/jwt.key
                  access_token_lifetime: 5m
                  refresh_token_lifetime: 1d
                  bcrypt_cost: 13
                  login_max_failures: 3
                  login_window: 10m
                  trusted_proxies: [127.0.0.1, "::1"]
                  issuer: edge-7
                http:
                  cors:
                    allowed_origins: [https://noc.example.net, "http://127.0.0.1:3000"]
                """
        )
        #expect(
            configuration.auth
                == AuthConfiguration(
                    jwtKeyFile: "/srv/netmond/jwt.key",
                    accessTokenLifetime: .seconds(300),
                    refreshTokenLifetime: .seconds(86400),
                    bcryptCost: 13,
                    loginMaxFailures: 3,
                    loginWindow: .seconds(600),
                    trustedProxies: ["127.0.0.1", "::1"],
                    issuer: "edge-7"
                )
        )
        #expect(configuration.http.corsAllowedOrigins == ["https://noc.example.net", "http://127.0.0.1:3000"])
        #expect(try NetmondConfiguration.parse(yaml: configuration.renderYAML()) == configuration)
    }

    @Test("the JWT key lives beside the database unless auth.jwt_key_file names it")
    func keyPath() throws {
        #expect(NetmondConfiguration().jwtKeyPath == "/var/lib/netmond/jwt.key")
        let relative = try NetmondConfiguration.parse(yaml: "storage:\n  path: .lab/netmond.db\n")
        #expect(relative.jwtKeyPath == ".lab/jwt.key")
        let named = try NetmondConfiguration.parse(yaml: "auth:\n  jwt_key_file: /etc/netmond/k\n")
        #expect(named.jwtKeyPath == "/etc/netmond/k")
    }

    @Test("bad auth values are reported with their key")
    func errors() {
        let found = self.issues(
            """
            auth:
              access_token_lifetime: 1h
              bcrypt_cost: 3
              login_max_failures: 0
              trusted_proxies: [proxy.example.net]
              issuer: ""
              jwt_key_file: ""
              colour: blue
            http:
              cors:
                allowed_origins: [noc.example.net]
                methods: GET
            """
        )
        for key in [
            "auth.access_token_lifetime", "auth.bcrypt_cost", "auth.login_max_failures", "auth.trusted_proxies[0]",
            "auth.issuer", "auth.jwt_key_file", "auth.colour", "http.cors.allowed_origins[0]", "http.cors.methods",
        ] {
            #expect(found.contains { $0.hasPrefix(key + ":") }, "no error for \(key) in \(found)")
        }
    }
}
