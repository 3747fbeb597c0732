import Foundation
import Logging
import NetmonCore
import Synchronization
import Testing

@Suite("One-line log format")
struct OneLineLogHandlerTests {
    @Test("text lines carry time, level, label, message and sorted metadata")
    func textLine() {
        let line = OneLineLogHandler.format(
            level: .warning,
            label: "netmond",
            message: "queue full",
            metadata: ["storage.dropped": "12", "a": "x y"],
            date: Date(timeIntervalSince1970: 1_795_000_000.25)
        )
        #expect(line == "2026-11-18T11:06:40.250Z warning netmond: queue full a=\"x y\" storage.dropped=12")
    }

    @Test("journald lines start with the syslog priority and have no time")
    func journaldLine() {
        let line = OneLineLogHandler.format(level: .error, label: "netmond", message: "boom", metadata: [:], date: nil)
        #expect(line == "<3>netmond: boom")
    }

    @Test("a message with newlines stays on one line")
    func newlinesEscaped() {
        let line = OneLineLogHandler.format(
            level: .info,
            label: "l",
            message: "two\nlines",
            metadata: ["k": "v\r\n"],
            date: nil
        )
        #expect(!line.contains("\n"))
        #expect(line == "<6>l: two\\nlines k=v\\r\\n")
    }

    @Test("the handler honours its level and writes through its output")
    func handlerFilters() {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "t") { label in
            OneLineLogHandler(label: label, level: .info, format: .journald) { line in
                lines.withLock { $0.append(line) }
            }
        }
        logger[metadataKey: "device"] = "sw1"
        logger.debug("hidden")
        logger.info("shown")
        #expect(lines.withLock { $0 } == ["<6>t: shown device=sw1"])
    }
}
