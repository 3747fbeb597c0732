// The offline flow-building loop of `netmond import --as packets` alone, for profiling: the same
// PcapImporter (file reading, decoding, flow table, summary) built with swiftc -O outside SwiftPM,
// without the daemon's start-up (command line, Foundation, JSON output). Built by
// scripts/bench/pcap-loop.sh.
//
//   pcap-loop FILE [REPEAT [digest]]   CPU ns per packet of each pass; `digest` adds an
//                                      order-independent digest of every flow record
//   pcap-loop import FILE [--max-flows N] [--active-timeout S] [--inactive-timeout S] [...]
//                                      netmond import's arguments, so scripts/bench/pcap-run.py
//                                      can run it in netmond's place (NETMOND_BIN)
import FlowCollector
import NetmonCore

#if canImport(Glibc)
import Glibc
#endif

@main
struct PcapLoop {
    static func main() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var configuration = FlowTable.Configuration(maximumFlows: 2_000_000)
        var repeats = 1
        var wantsDigest = false
        if arguments.first == "import" {
            arguments.removeFirst()
            var options = arguments.dropFirst().makeIterator()
            while let option = options.next() {
                let value = options.next().flatMap { Int($0) }
                switch (option, value) {
                case ("--max-flows", let value?): configuration.maximumFlows = value
                case ("--active-timeout", let value?): configuration.activeTimeout = .seconds(value)
                case ("--inactive-timeout", let value?): configuration.inactiveTimeout = .seconds(value)
                default: continue
                }
            }
        } else {
            repeats = arguments.count >= 2 ? Int(arguments[1]) ?? 1 : 1
            wantsDigest = arguments.count >= 3 && arguments[2] == "digest"
        }
        guard let path = arguments.first else {
            print("usage: pcap-loop FILE.pcap [REPEAT [digest]] | pcap-loop import FILE.pcap [options]")
            exit(2)
        }
        var importer = PcapImporter(mode: .packets)
        importer.table = configuration
        // An order-independent digest of every exported record (to check that a change of the
        // loop leaves the flows identical); the sink costs a little, so only when asked.
        var digest: UInt64 = 0
        if wantsDigest {
            importer.sink = { records in
                for record in records { digest &+= Self.digest(record) }
                return true
            }
        }
        for _ in 0..<repeats {
            let before = Self.cpuNanoseconds()
            let summary = try importer.run(path: path)
            let cpu = Self.cpuNanoseconds() - before
            print(
                "packets \(summary.packetsRead) flows \(summary.flows) bytes \(summary.bytes) "
                    + "cpu \(cpu / 1_000_000) ms = \(cpu / Int64(max(1, summary.packetsRead))) ns/packet"
                    + (wantsDigest ? " digest \(String(digest, radix: 16))" : "")
            )
            if let error = summary.fileError { print("stopped early: \(error)") }
            if wantsDigest {
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
