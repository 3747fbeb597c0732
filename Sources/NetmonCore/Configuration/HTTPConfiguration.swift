/// Configuration of the HTTP server that serves `/healthz`, `/metrics`, the API and the dashboard
/// (`http:` in netmond.yaml).
public struct HTTPConfiguration: Sendable, Equatable {
    /// Files of the certificate and private key HTTPS is served with (`http.tls`).
    public struct TLSFiles: Sendable, Equatable {
        /// PEM file of the server certificate, followed by any intermediate certificates
        /// (`http.tls.certificate`).
        public var certificate: String
        /// PEM file of the certificate's private key (`http.tls.private_key`).
        public var privateKey: String

        public init(certificate: String, privateKey: String) {
            self.certificate = certificate
            self.privateKey = privateKey
        }
    }

    /// Address to listen on: an IPv4 or IPv6 literal (`0.0.0.0` or `::` for every address).
    public var address: String
    public var port: Int
    /// Origins allowed to call the API from a browser page of another origin (`cors.allowed_origins`,
    /// default none: CORS off).
    public var corsAllowedOrigins: [String]
    /// HTTPS instead of plain HTTP on `port` when set (`http.tls`, default none: plain HTTP).
    public var tls: TLSFiles?

    public init(
        address: String = "127.0.0.1",
        port: Int = 8080,
        corsAllowedOrigins: [String] = [],
        tls: TLSFiles? = nil
    ) {
        self.address = address
        self.port = port
        self.corsAllowedOrigins = corsAllowedOrigins
        self.tls = tls
    }
}

extension HTTPConfiguration: ConfigRenderable {
    init(_ value: ConfigValue) {
        self.init()
        guard let mapping = value.mapping() else { return }
        mapping.read("address", into: &self.address) { $0.ipAddress() }
        mapping.read("port", into: &self.port) { $0.port() }
        if let cors = mapping["cors"]?.mapping() {
            if let origins = cors["allowed_origins"] {
                self.corsAllowedOrigins = origins.list().compactMap { value in
                    guard let text = value.string(),
                        text.hasPrefix("http://") || text.hasPrefix("https://"),
                        !text.dropFirst(8).contains("/")
                    else {
                        value.fail("must be an origin like https://noc.example.net (scheme, host, optional port)")
                        return nil
                    }
                    return text
                }
            }
            cors.rejectUnknownKeys()
        }
        if let tlsValue = mapping["tls"], let tls = tlsValue.mapping() {
            var certificate: String?
            var privateKey: String?
            tls.read("certificate", into: &certificate) { Self.path($0, example: "/etc/netmond/tls/cert.pem") }
            tls.read("private_key", into: &privateKey) { Self.path($0, example: "/etc/netmond/tls/key.pem") }
            if let certificate, let privateKey {
                self.tls = TLSFiles(certificate: certificate, privateKey: privateKey)
            } else if !tls.contains("certificate") || !tls.contains("private_key") {
                tlsValue.fail("needs both certificate and private_key (PEM files); remove http.tls for plain HTTP")
            }
            tls.rejectUnknownKeys()
        }
        mapping.rejectUnknownKeys()
    }

    private static func path(_ value: ConfigValue, example: String) -> String?? {
        guard let path = value.string(), !path.isEmpty else {
            value.fail("must name a PEM file, e.g. \(example)")
            return nil
        }
        return path
    }

    package var configTree: ConfigTree {
        let tls: [(key: String, value: ConfigTree)] =
            self.tls.map {
                [
                    (
                        "tls",
                        .mapping([("certificate", .string($0.certificate)), ("private_key", .string($0.privateKey))])
                    )
                ]
            } ?? []
        return .mapping(
            [
                ("address", .string(self.address)),
                ("port", .scalar("\(self.port)")),
                ("cors", .mapping([("allowed_origins", .list(self.corsAllowedOrigins.map { .string($0) }))])),
            ] + tls
        )
    }
}
