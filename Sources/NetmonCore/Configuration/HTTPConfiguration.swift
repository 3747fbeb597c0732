/// Configuration of the HTTP server that serves `/healthz`, `/metrics`, the API and the dashboard
/// (`http:` in netmond.yaml).
public struct HTTPConfiguration: Sendable, Equatable {
    /// Address to listen on: an IPv4 or IPv6 literal (`0.0.0.0` or `::` for every address).
    public var address: String
    public var port: Int
    /// Origins allowed to call the API from a browser page of another origin (`cors.allowed_origins`,
    /// default none: CORS off).
    public var corsAllowedOrigins: [String]

    public init(address: String = "127.0.0.1", port: Int = 8080, corsAllowedOrigins: [String] = []) {
        self.address = address
        self.port = port
        self.corsAllowedOrigins = corsAllowedOrigins
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
        mapping.rejectUnknownKeys()
    }

    package var configTree: ConfigTree {
        .mapping([
            ("address", .string(self.address)),
            ("port", .scalar("\(self.port)")),
            ("cors", .mapping([("allowed_origins", .list(self.corsAllowedOrigins.map { .string($0) }))])),
        ])
    }
}
