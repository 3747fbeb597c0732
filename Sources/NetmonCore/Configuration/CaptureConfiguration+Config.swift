extension CaptureConfiguration: ConfigRenderable {
    init(_ value: ConfigValue) {
        self.init()
        if value.isNull { return }
        self.captures = value.list().compactMap { item in
            guard let entry = item.mapping() else { return nil }
            var capture = Capture(interface: "")
            entry.read("interface", into: &capture.interface) { value in
                guard let name = value.string() else { return nil }
                guard !name.isEmpty, name.utf8.count < 16, !name.contains("/"), !name.contains(" ") else {
                    value.fail("an interface name has 1 to 15 characters, without / or spaces")
                    return nil
                }
                return name
            }
            entry.read("filter", into: &capture.filter) { $0.string() }
            entry.read("snaplen", into: &capture.snapLength) { $0.int(in: 64...262_144) }
            entry.read("promiscuous", into: &capture.promiscuous) { $0.bool() }
            entry.read("buffer_size", into: &capture.bufferSize) { $0.byteSize(in: (1 << 20)...(1 << 31 - 1)) }
            entry.read("buffer_timeout", into: &capture.bufferTimeout) {
                $0.duration(in: .milliseconds(1)...(.seconds(10)))
            }
            entry.read("active_timeout", into: &capture.activeTimeout) {
                $0.duration(in: .seconds(1)...(.seconds(3600)))
            }
            entry.read("inactive_timeout", into: &capture.inactiveTimeout) {
                $0.duration(in: .seconds(1)...(.seconds(3600)))
            }
            entry.read("max_flows", into: &capture.maximumFlows) { $0.int(in: 1_000...20_000_000) }
            entry.read("tcp_finish_expiry", into: &capture.tcpFinishExpiry) { $0.bool() }
            entry.rejectUnknownKeys()
            guard !capture.interface.isEmpty else {
                item.fail("a capture needs an interface (e.g. eth1, or any)")
                return nil
            }
            return capture
        }
    }

    package var configTree: ConfigTree {
        .list(
            self.captures.map { capture in
                .mapping([
                    ("interface", .string(capture.interface)),
                    ("filter", .string(capture.filter)),
                    ("snaplen", .scalar("\(capture.snapLength)")),
                    ("promiscuous", .scalar("\(capture.promiscuous)")),
                    ("buffer_size", .scalar(ConfigParsers.format(bytes: capture.bufferSize))),
                    ("buffer_timeout", .scalar(ConfigParsers.format(capture.bufferTimeout))),
                    ("active_timeout", .scalar(ConfigParsers.format(capture.activeTimeout))),
                    ("inactive_timeout", .scalar(ConfigParsers.format(capture.inactiveTimeout))),
                    ("max_flows", .scalar("\(capture.maximumFlows)")),
                    ("tcp_finish_expiry", .scalar("\(capture.tcpFinishExpiry)")),
                ])
            }
        )
    }
}
