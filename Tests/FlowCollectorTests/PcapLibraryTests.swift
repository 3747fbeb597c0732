import FlowCollector
import Testing

@Suite("libpcap library")
struct PcapLibraryTests {
    @Test("reports a bare version number")
    func version() {
        let version = PcapLibrary.version
        #expect(version.hasPrefix("1."))
        #expect(!version.contains(" "))
    }
}
