import FlowCollector
import Foundation
import NetmonCore
import NetmonTesting
import Testing

/// netmond reads classic pcap files itself (PcapFileReader) and leaves pcapng to libpcap: every
/// variant of the classic format must give the same import as libpcap's reading of the same packets
/// converted to pcapng by editcap.
@Suite("pcap import: netmond's classic-pcap reader agrees with libpcap")
struct PcapFileReaderTests {
    static let fixture = RepositoryPaths.file("Tests/Fixtures/pcap/mixed-300.pcap")

    private func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("pcap-reader-\(UUID())-\(name)").path
    }

    private func editcap(_ arguments: [String]) async throws {
        let result = try await runCommand("/usr/bin/editcap", arguments)
        #expect(result.status == 0, "editcap \(arguments): \(result.stderr)")
    }

    /// The fixture rewritten big-endian (the other byte order from this machine's).
    private func bigEndian(of path: String) throws -> String {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        func swap(_ slice: ArraySlice<UInt8>) -> [UInt8] { slice.reversed() }
        var out = swap(bytes[0..<4]) + swap(bytes[4..<6]) + swap(bytes[6..<8])
        for field in stride(from: 8, to: 24, by: 4) { out += swap(bytes[field..<field + 4]) }
        var offset = 24
        while offset + 16 <= bytes.count {
            let captured = Int(bytes[offset + 8]) | Int(bytes[offset + 9]) << 8 | Int(bytes[offset + 10]) << 16
            for field in stride(from: offset, to: offset + 16, by: 4) { out += swap(bytes[field..<field + 4]) }
            out += bytes[(offset + 16)..<(offset + 16 + captured)]
            offset += 16 + captured
        }
        let target = self.temporary("swapped.pcap")
        try Data(out).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// The fixture with a snap length of 100 in its header but whole records: both readers cut the
    /// records to 100 bytes.
    private func overlongRecords(of path: String) throws -> String {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes.replaceSubrange(16..<20, with: [100, 0, 0, 0])
        let target = self.temporary("overlong.pcap")
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    private func expectSame(_ classic: String, _ next: String) throws {
        let ours = try PcapImporter().run(path: classic)
        let theirs = try PcapImporter().run(path: next)
        #expect(ours.fileError == nil && theirs.fileError == nil)
        #expect(ours.packetsRead == theirs.packetsRead && ours.packetsRead > 1000)
        #expect(ours.flows == theirs.flows && ours.packets == theirs.packets && ours.bytes == theirs.bytes)
        #expect(ours.firstSeen == theirs.firstSeen && ours.lastSeen == theirs.lastSeen)
        #expect(ours.drops == theirs.drops)
        #expect(ours.topTalkers == theirs.topTalkers && ours.topPorts == theirs.topPorts)
    }

    @Test("Microsecond, nanosecond and big-endian files, and snap-length cuts")
    func variants() async throws {
        var made: [String] = []
        defer { for path in made { try? FileManager.default.removeItem(atPath: path) } }
        let nano = self.temporary("nano.pcap")
        let cut = self.temporary("cut.pcap")
        made += [nano, cut]
        try await self.editcap(["-F", "nsecpcap", Self.fixture, nano])
        try await self.editcap(["-s", "60", Self.fixture, cut])
        let swapped = try self.bigEndian(of: Self.fixture)
        let overlong = try self.overlongRecords(of: Self.fixture)
        made += [swapped, overlong]
        for classic in [Self.fixture, nano, cut, swapped] {
            let next = self.temporary("next.pcapng")
            made.append(next)
            try await self.editcap(["-F", "pcapng", classic, next])
            try self.expectSame(classic, next)
        }
        // Records longer than the header's snap length: as libpcap, cut to it.
        let cut100 = self.temporary("cut100.pcapng")
        made.append(cut100)
        try await self.editcap(["-F", "pcapng", "-s", "100", Self.fixture, cut100])
        try self.expectSame(overlong, cut100)
    }
}
