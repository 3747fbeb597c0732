// CPU cost per record of the flow writer's in-memory work, without SQLite: packing raw records
// (FlowPacker + FlowPackEncoder + CRC-32), decoding packs (what raw queries do) and the per-minute
// top-K aggregation (FlowMinuteAggregator), on one thread, in thread CPU time. Built by
// scripts/bench/flow-pack-micro.sh from the pure Storage sources with swiftc -O, so it needs no
// package build. The records: one exporter, one minute, 5,000 sources × 60,000 destination ports
// (100,000 keys: a scan, so the aggregator folds as in production).
import Foundation

func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

let base: Int64 = 1_795_867_200_000
func record(_ index: Int) -> FlowRecord {
    let last: Int64 = base + Int64(index % 60_000)
    let source: UInt32 = 0x0A00_0000 | UInt32(index % 5_000)
    let packets = UInt64(index % 50 + 1)
    let bytes = UInt64(index % 1_500 * 10 + 40)
    return FlowRecord(
        origin: .ipfix,
        exporter: .v4(0x7F00_0001),
        observationDomain: 7,
        ipVersion: 4,
        sourceAddress: .v4(source),
        destinationAddress: .v4(0xC0A8_0001),
        sourcePort: 443,
        destinationPort: UInt16(index % 60_000),
        ipProtocol: 6,
        tcpFlags: 0x1B,
        packets: packets,
        bytes: bytes,
        firstSwitched: last - 1_000,
        lastSwitched: last,
        inputInterface: 3,
        outputInterface: 4,
        samplingRate: 1
    )
}
let records: [FlowRecord] = (0..<100_000).map(record)
let passes = 20

var started = threadCPUSeconds()
var packs: [FlowPacker.Pack] = []
for _ in 0..<passes {
    var packer = FlowPacker()
    packs = []
    for record in records {
        if let full = packer.add(record, receivedAt: base) { packs.append(full) }
    }
    packs += packer.finishAll()
}
let encode = (threadCPUSeconds() - started) / Double(passes * records.count)
let packBytes = packs.reduce(0) { $0 + $1.data.count }

started = threadCPUSeconds()
var decoded = 0
var bytes: UInt64 = 0
for _ in 0..<passes {
    for pack in packs {
        let records = try FlowPackCodec.decode(pack.data, exporter: .v4(0x7F00_0001))
        decoded += records.count
        for record in records { bytes &+= record.bytes }
    }
}
let decode = (threadCPUSeconds() - started) / Double(decoded)
guard decoded == passes * records.count else { fatalError("decoded \(decoded)") }

started = threadCPUSeconds()
var aggregator = FlowMinuteAggregator(topKeys: 1_000)
for _ in 0..<5 {
    aggregator.add(records, receivedAt: base)
    _ = aggregator.closeAll()
}
let aggregate = (threadCPUSeconds() - started) / Double(5 * records.count)

print(
    String(
        format: "pack (encode + CRC):   %6.0f ns/record, %.1f bytes/record",
        encode * 1e9,
        Double(packBytes) / Double(records.count)
    )
)
print(String(format: "unpack (CRC + decode): %6.0f ns/record", decode * 1e9))
print(String(format: "minute top-K aggregate:%6.0f ns/record (100,000 keys per minute)", aggregate * 1e9))
