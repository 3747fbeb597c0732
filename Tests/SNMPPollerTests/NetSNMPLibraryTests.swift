import SNMPPoller
import Testing

@Suite("net-snmp library")
struct NetSNMPLibraryTests {
    @Test("initialises once and reports the Debian 12 library version")
    func initialiseAndVersion() {
        NetSNMPLibrary.initialize()
        NetSNMPLibrary.initialize()
        #expect(NetSNMPLibrary.isInitialized)
        #expect(NetSNMPLibrary.version.hasPrefix("5."))
    }
}
