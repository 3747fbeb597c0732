// The offline flow-building loop of `netmond import --as packets` alone, for profiling: the same
// PcapImporter (file reading, decoding, flow table, summary) built with swiftc -O outside SwiftPM,
// without the daemon's start-up. Built and run by scripts/bench/pcap-loop.sh.
import FlowCollector

#if canImport(Glibc)
import Glibc
#endif

@main
struct PcapLoop {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else {
            print("usage: pcap-loop FILE.pcap [REPEAT]")
            exit(2)
        }
        let repeats = arguments.count >= 3 ? Int(arguments[2]) ?? 1 : 1
        var importer = PcapImporter(mode: .packets)
        importer.table = FlowTable.Configuration(maximumFlows: 2_000_000)
        for _ in 0..<repeats {
            let before = Self.cpuNanoseconds()
            let summary = try importer.run(path: arguments[1])
            let cpu = Self.cpuNanoseconds() - before
            print(
                "packets \(summary.packetsRead) flows \(summary.flows) bytes \(summary.bytes) "
                    + "cpu \(cpu / 1_000_000) ms = \(cpu / Int64(max(1, summary.packetsRead))) ns/packet"
            )
        }
    }

    static func cpuNanoseconds() -> Int64 {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Int64(usage.ru_utime.tv_sec) * 1_000_000_000 + Int64(usage.ru_utime.tv_usec) * 1000
        let system = Int64(usage.ru_stime.tv_sec) * 1_000_000_000 + Int64(usage.ru_stime.tv_usec) * 1000
        return user + system
    }
}
