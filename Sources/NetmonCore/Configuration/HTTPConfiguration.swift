/// Configuration of the HTTP server that serves `/healthz`, `/metrics`, the API and the dashboard
/// (`http:` in netmond.yaml).
public struct HTTPConfiguration: Sendable, Equatable {
    /// Address to listen on: an IPv4 or IPv6 literal (`0.0.0.0` or `::` for every address).
    public var address: String
    public var port: Int

    public init(address: String = "127.0.0.1", port: Int = 8080) {
        self.address = address
        self.port = port
    }
}

extension HTTPConfiguration: ConfigRenderable {
    init(_ value: ConfigValue) {
        self.init()
        guard let mapping = value.mapping() else { return }
        mapping.read("address", into: &self.address) { $0.ipAddress() }
        mapping.read("port", into: &self.port) { $0.port() }
        mapping.rejectUnknownKeys()
    }

    package var configTree: ConfigTree {
        .mapping([("address", .string(self.address)), ("port", .scalar("\(self.port)"))])
    }
}
