import Alerting
import Testing

@Suite("Severity")
struct SeverityTests {
    @Test("severities are ordered from info to critical")
    func ordering() {
        #expect(Severity.allCases.sorted() == [.info, .warning, .minor, .major, .critical])
        #expect(Severity.critical > .major)
        #expect(Severity.warning < .minor)
    }

    @Test("user text parses case-insensitively, with synonyms")
    func parsing() {
        #expect(Severity(userText: "CRITICAL") == .critical)
        #expect(Severity(userText: "warn") == .warning)
        #expect(Severity(userText: "crit") == .critical)
        #expect(Severity(userText: "urgent") == nil)
    }
}
