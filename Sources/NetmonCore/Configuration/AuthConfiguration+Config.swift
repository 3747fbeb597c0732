extension AuthConfiguration: ConfigRenderable {
    init(_ value: ConfigValue) {
        self.init()
        guard let mapping = value.mapping() else { return }
        mapping.read("jwt_key_file", into: &self.jwtKeyFile) { value -> String?? in
            guard let path = value.string(), !path.isEmpty else {
                value.fail("must name a file, e.g. /var/lib/netmond/jwt.key")
                return nil
            }
            return path
        }
        mapping.read("access_token_lifetime", into: &self.accessTokenLifetime) {
            $0.duration(in: .seconds(10)...(.seconds(900)))
        }
        mapping.read("refresh_token_lifetime", into: &self.refreshTokenLifetime) {
            $0.duration(in: .seconds(60)...(.seconds(90 * 24 * 3600)))
        }
        mapping.read("bcrypt_cost", into: &self.bcryptCost) { $0.int(in: 4...31) }
        mapping.read("login_max_failures", into: &self.loginMaxFailures) { $0.int(in: 1...1000) }
        mapping.read("login_window", into: &self.loginWindow) { $0.duration(in: .seconds(1)...(.seconds(86400))) }
        if let proxies = mapping["trusted_proxies"] {
            self.trustedProxies = proxies.list().compactMap { $0.ipAddress() }
        }
        mapping.read("issuer", into: &self.issuer) { value in
            guard let text = value.string(), !text.isEmpty, text.count <= 100 else {
                value.fail("must be a non-empty name of at most 100 characters")
                return nil
            }
            return text
        }
        mapping.rejectUnknownKeys()
    }

    package var configTree: ConfigTree {
        let keyFile: [(key: String, value: ConfigTree)] = self.jwtKeyFile.map { [("jwt_key_file", .string($0))] } ?? []
        return .mapping(
            keyFile + [
                ("access_token_lifetime", .scalar(ConfigParsers.format(self.accessTokenLifetime))),
                ("refresh_token_lifetime", .scalar(ConfigParsers.format(self.refreshTokenLifetime))),
                ("bcrypt_cost", .scalar("\(self.bcryptCost)")),
                ("login_max_failures", .scalar("\(self.loginMaxFailures)")),
                ("login_window", .scalar(ConfigParsers.format(self.loginWindow))),
                ("trusted_proxies", .list(self.trustedProxies.map { .string($0) })),
                ("issuer", .string(self.issuer)),
            ]
        )
    }
}
