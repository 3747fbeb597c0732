// The offline flow-building loop of `netmond import --as packets` alone, for profiling: the same
// PcapImporter (file reading, decoding, flow table, summary) built with swiftc -O outside SwiftPM,
// without the daemon's start-up. Built and run by scripts/bench/pcap-loop.sh.
import FlowCollector
import NetmonCore

#if canImport(Glibc)
import Glibc
#endif

@main
struct PcapLoop {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else {
            print("usage: pcap-loop FILE.pcap [REPEAT [digest]]")
            exit(2)
        }
        let repeats = arguments.count >= 3 ? Int(arguments[2]) ?? 1 : 1
        var importer = PcapImporter(mode: .packets)
        importer.table = FlowTable.Configuration(maximumFlows: 2_000_000)
        // An order-independent digest of every exported record (to check that a change of the
        // loop leaves the flows identical); the sink costs a little, so only when asked.
        var digest: UInt64 = 0
        if CommandLine.arguments.count >= 4 && CommandLine.arguments[3] == "digest" {
            importer.sink = { records in
                for record in records { digest &+= Self.digest(record) }
                return true
            }
        }
        for _ in 0..<repeats {
            let before = Self.cpuNanoseconds()
            let summary = try importer.run(path: arguments[1])
            let cpu = Self.cpuNanoseconds() - before
            print(
                "packets \(summary.packetsRead) flows \(summary.flows) bytes \(summary.bytes) "
                    + "cpu \(cpu / 1_000_000) ms = \(cpu / Int64(max(1, summary.packetsRead))) ns/packet"
                    + (digest == 0 ? "" : " digest \(String(digest, radix: 16))")
            )
            if let error = summary.fileError { print("stopped early: \(error)") }
            if digest != 0 {
                print("top talkers \(summary.topTalkers.prefix(3)) approximate \(summary.topApproximate)")
                print("top ports \(summary.topPorts.prefix(3))")
            }
            digest = 0
        }
    }

    static func digest(_ record: FlowRecord) -> UInt64 {
        var text = "\(record.sourceAddress) \(record.destinationAddress) \(record.sourcePort) "
        text += "\(record.destinationPort) \(record.ipProtocol) \(record.tcpFlags) \(record.packets) \(record.bytes) "
        text += "\(record.firstSwitched) \(record.lastSwitched) \(record.tos) \(record.vlan ?? 0)"
        // FNV-1a: stable across runs (Hasher is seeded per process).
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }

    static func cpuNanoseconds() -> Int64 {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Int64(usage.ru_utime.tv_sec) * 1_000_000_000 + Int64(usage.ru_utime.tv_usec) * 1000
        let system = Int64(usage.ru_stime.tv_sec) * 1_000_000_000 + Int64(usage.ru_stime.tv_usec) * 1000
        return user + system
    }
}
