import Testing

@testable import NetmonCore

@Suite("Configuration value syntax")
struct ConfigParsersTests {
    @Test(
        "durations parse",
        arguments: [
            ("500ms", Duration.milliseconds(500)), ("10s", .seconds(10)), ("5m", .seconds(300)),
            ("1h", .seconds(3600)), ("14d", .seconds(14 * 86400)), ("1w", .seconds(604_800)),
            ("1h30m", .seconds(5400)), ("1.5s", .milliseconds(1500)),
        ]
    )
    func durations(text: String, expected: Duration) {
        #expect(ConfigParsers.duration(text) == expected)
    }

    @Test("bad durations are refused", arguments: ["", "10", "s", "1x", "1s2", "1e3s", "-1s", "999999999999d"])
    func badDurations(text: String) {
        #expect(ConfigParsers.duration(text) == nil)
    }

    @Test("durations format back to their shortest form")
    func formatDurations() {
        #expect(ConfigParsers.format(Duration.seconds(10)) == "10s")
        #expect(ConfigParsers.format(Duration.seconds(300)) == "5m")
        #expect(ConfigParsers.format(Duration.milliseconds(1500)) == "1500ms")
        #expect(ConfigParsers.format(Duration.seconds(86400 * 14)) == "2w")
    }

    @Test("sizes parse and format")
    func sizes() {
        #expect(ConfigParsers.byteSize("65536") == 65536)
        #expect(ConfigParsers.byteSize("64MiB") == 64 << 20)
        #expect(ConfigParsers.byteSize("1GB") == 1_000_000_000)
        #expect(ConfigParsers.byteSize("512 KiB") == 512 << 10)
        #expect(ConfigParsers.byteSize("lots") == nil)
        #expect(ConfigParsers.byteSize("-1") == nil)
        #expect(ConfigParsers.format(bytes: 64 << 20) == "64MiB")
        #expect(ConfigParsers.format(bytes: 1000) == "1000")
    }
}
