import FlowCollector
import NetmonCore
import SNMPPoller
import Storage

/// Versions of the C libraries netmond runs on, for `netmond version` and `/metrics`.
enum BuildInformation {
    static var libraries: [(name: String, version: String)] {
        [
            ("net-snmp", NetSNMPLibrary.version),
            ("libpcap", PcapLibrary.version),
            ("sqlite", StorageLibrary.sqliteVersion),
        ]
    }
}
