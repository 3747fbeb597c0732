import Foundation
import NetmonCore
import NetmonTesting
import Testing

@testable import FlowCollector

/// What the flow table exports, and in which order, against a plain model of it (dense entries, the
/// last one moved into each hole, a sweep reading every entry in slot order, FIN/RST and eviction
/// as the table does them, no hash index): a change to the table's storage or sweep must keep the
/// same records in the same order (the summary's pruned top lists depend on the order). And a
/// table that keeps entries instead of records (an import without a sink) exports the same flows.
@Suite("Flow table: exports and their order against a model")
struct FlowTableSweepTests {
    /// The table reduced to its behaviour.
    private struct Reference {
        struct Entry {
            var key: FlowKey
            var tcpFlags: UInt8
            var tos: UInt8
            var bytes: UInt64
            var first: Int64
            var last: Int64
            var packets: UInt64
        }

        let active: Int64
        let inactive: Int64
        let capacity: Int
        var entries: [Entry] = []
        var slots: [FlowKey: Int] = [:]
        var evictionCursor = 0
        var expired: [FlowRecord] = []

        mutating func add(_ packet: CapturedPacket, now: Int64) {
            let finishes = packet.tcpFlags & 0x05 != 0 && packet.key.ipProtocol == 6
            if let slot = self.slots[packet.key] {
                let entry = self.entries[slot]
                if now - entry.last >= self.inactive || now - entry.first >= self.active {
                    self.export(slot)
                    self.entries[slot] = self.fresh(packet, now: now)
                } else {
                    self.entries[slot].packets += 1
                    self.entries[slot].bytes += UInt64(packet.ipLength)
                    self.entries[slot].tcpFlags |= packet.tcpFlags
                    self.entries[slot].last = max(entry.last, now)
                }
                if finishes {
                    self.export(slot)
                    self.remove(slot)
                }
                return
            }
            if self.entries.count == self.capacity {
                if self.evictionCursor >= self.entries.count { self.evictionCursor = 0 }
                self.export(self.evictionCursor)
                self.remove(self.evictionCursor)
                self.evictionCursor += 1
            }
            self.entries.append(self.fresh(packet, now: now))
            self.slots[packet.key] = self.entries.count - 1
            if finishes {
                self.export(self.entries.count - 1)
                self.remove(self.entries.count - 1)
            }
        }

        /// Reads every entry, in slot order; a hole takes the last entry, looked at next.
        mutating func expire(now: Int64) {
            var slot = 0
            while slot < self.entries.count {
                let entry = self.entries[slot]
                if now - entry.last >= self.inactive || now - entry.first >= self.active {
                    self.export(slot)
                    self.remove(slot)
                } else {
                    slot += 1
                }
            }
        }

        private func fresh(_ packet: CapturedPacket, now: Int64) -> Entry {
            Entry(
                key: packet.key,
                tcpFlags: packet.tcpFlags,
                tos: packet.tos,
                bytes: UInt64(packet.ipLength),
                first: now,
                last: now,
                packets: 1
            )
        }

        private mutating func remove(_ slot: Int) {
            self.slots[self.entries[slot].key] = nil
            let last = self.entries.removeLast()
            if slot < self.entries.count {
                self.entries[slot] = last
                self.slots[last.key] = slot
            }
        }

        private mutating func export(_ slot: Int) {
            let entry = self.entries[slot]
            self.expired.append(
                FlowRecord(
                    origin: .pcap,
                    exporter: .v4(0x7F00_0001),
                    ipVersion: entry.key.ipVersion,
                    sourceAddress: entry.key.sourceAddress,
                    destinationAddress: entry.key.destinationAddress,
                    sourcePort: entry.key.sourcePort,
                    destinationPort: entry.key.destinationPort,
                    ipProtocol: entry.key.ipProtocol,
                    tcpFlags: entry.tcpFlags,
                    packets: entry.packets,
                    bytes: entry.bytes,
                    firstSwitched: entry.first,
                    lastSwitched: entry.last,
                    inputInterface: UInt32(entry.key.interface),
                    tos: entry.tos,
                    vlan: entry.key.vlan == FlowKey.untagged ? nil : entry.key.vlan
                )
            )
        }
    }

    /// A fixed pseudo-random stream of packets of `keys` flows (TCP with FIN/RST, UDP, TOS),
    /// mostly moving forward in time with steps of up to `step` ms, now and then a little back
    /// (out-of-order capture times), with a sweep at each new second as the builder does.
    private func run(keys: Int, capacity: Int, active: Int64, inactive: Int64, step: Int64, seed: UInt64) {
        var state = seed
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let table = FlowTable(
            configuration: .init(
                activeTimeout: .milliseconds(active),
                inactiveTimeout: .milliseconds(inactive),
                maximumFlows: capacity
            )
        )
        // The same packets into a table that keeps entries (an import without a sink).
        let counting = FlowTable(
            configuration: table.configuration,
            exporter: table.exporter,
            keepsRecords: false
        )
        var reference = Reference(active: active, inactive: inactive, capacity: capacity)
        var now: Int64 = 1_767_225_600_000
        var newest = now
        var lastSweep = now
        var sweeps = 0
        var compared = 0
        for _ in 0..<60_000 {
            // A skewed choice of key: a few busy flows, many that come and go.
            let flow = Int(next() % UInt64(keys)) % (1 + Int(next() % UInt64(keys)))
            now += next() % 8 == 0 ? -Int64(next() % 50) : Int64(next() % UInt64(step))
            newest = max(newest, now)
            var packet = CapturedPacket()
            packet.key.ipVersion = 4
            packet.key.sourceLow = UInt64(0x0A00_0000 + flow)
            packet.key.destinationLow = 0xC633_6401
            packet.key.ipProtocol = flow % 3 == 0 ? 17 : 6
            packet.key.sourcePort = UInt16(1024 + flow)
            packet.key.destinationPort = 443
            packet.tcpFlags = packet.key.ipProtocol == 6 ? (next() % 40 == 0 ? 0x01 : 0x10) : 0
            packet.tos = UInt8(next() % 4)
            packet.ipLength = UInt32(40 + next() % 1400)
            if newest - lastSweep >= 1000 {
                lastSweep = newest
                table.expire(now: newest)
                counting.expire(now: newest)
                reference.expire(now: newest)
                sweeps += 1
            }
            table.add(packet, now: now)
            counting.add(packet, now: now)
            reference.add(packet, now: now)
            let records = table.takeExpired()
            #expect(records == reference.expired)
            if records != reference.expired { return }
            var entries: [String] = []
            counting.takeExpiredEntries { entries = $0.map(Self.describe) }
            #expect(counting.takeExpired().isEmpty)
            #expect(entries == records.map(Self.describe))
            if entries != records.map(Self.describe) { return }
            compared += records.count
            reference.expired.removeAll()
        }
        #expect(table.count == reference.entries.count && counting.count == table.count)
        #expect(sweeps > 100 && compared > 1000)
    }

    /// What the import's summary reads of an exported flow.
    private static func describe<Flow: SummarisedFlow>(_ flow: Flow) -> String {
        "\(flow.sourceAddress) \(flow.ipProtocol) \(flow.destinationPort) \(flow.packetCount) \(flow.bytes) "
            + "\(flow.firstSwitched) \(flow.lastSwitched)"
    }

    @Test("An import without a sink (entries, no records) gives the summary of one with a sink")
    func importWithoutRecords() throws {
        let path = RepositoryPaths.file("Tests/Fixtures/pcap/mixed-300.pcap")
        var storing = PcapImporter()
        var records = 0
        storing.sink = { batch in
            records += batch.count
            return true
        }
        var expected = try storing.run(path: path)
        var summary = try PcapImporter().run(path: path)
        #expect(records > 100 && UInt64(records) == expected.flows && expected.stored == expected.flows)
        #expect(!summary.topTalkers.isEmpty && !summary.topPorts.isEmpty)
        expected.stored = 0
        expected.elapsedSeconds = 0
        summary.elapsedSeconds = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(try encoder.encode(summary) == encoder.encode(expected))
    }

    @Test("Flows come and go, some live long: the same records in the same order")
    func churn() {
        self.run(keys: 2_000, capacity: 100_000, active: 20_000, inactive: 5_000, step: 40, seed: 0x2545_F491_4F6C_DD1D)
    }

    @Test("Mostly the active timeout (busy flows, long inactive timeout)")
    func activeTimeouts() {
        self.run(keys: 300, capacity: 100_000, active: 3_000, inactive: 60_000, step: 20, seed: 0x9E37_79B9_7F4A_7C15)
    }

    @Test("A full table: evictions, each hole filled by the last entry")
    func eviction() {
        self.run(keys: 3_000, capacity: 700, active: 30_000, inactive: 8_000, step: 15, seed: 0xD1B5_4A32_D192_ED03)
    }
}
