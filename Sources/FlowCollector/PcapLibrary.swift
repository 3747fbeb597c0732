internal import CPcap

/// Facts about the libpcap netmond is linked with.
public enum PcapLibrary {
    /// The library's version string, e.g. `1.10.3`.
    public static var version: String {
        let full = String(cString: pcap_lib_version())
        // "libpcap version 1.10.3 (with TPACKET_V3)" → "1.10.3"
        let words = full.split(separator: " ")
        if let index = words.firstIndex(of: "version"), words.index(after: index) < words.endIndex {
            return String(words[words.index(after: index)])
        }
        return full
    }
}
