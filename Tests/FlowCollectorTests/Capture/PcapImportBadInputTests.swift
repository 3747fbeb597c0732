import FlowCollector
import Foundation
import NetmonCore
import NetmonTesting
import Testing

/// Files that are not captures, or damaged ones: a clear error, or a counted drop, never a crash.
@Suite("pcap import: bad files and other formats")
struct PcapImportBadInputTests {
    static let fixture = RepositoryPaths.file("Tests/Fixtures/pcap/mixed-300.pcap")

    private func write(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pcap-bad-\(UUID()).pcap").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// A classic little-endian pcap header.
    private func header(snapLength: UInt32 = 65535, linkType: UInt32 = 1) -> [UInt8] {
        self.le32(0xA1B2_C3D4) + [2, 0, 4, 0] + self.le32(0) + self.le32(0) + self.le32(snapLength)
            + self.le32(linkType)
    }

    private func fixtureBytes() throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixture)))
    }

    @Test("Not a capture (wrong magic, empty, cut header, missing): a clear error naming the file")
    func notACapture() throws {
        for bytes in [[UInt8](repeating: 0x42, count: 64), [], Array(try self.fixtureBytes().prefix(10))] {
            let path = try self.write(bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect {
                _ = try PcapImporter().run(path: path)
            } throws: { error in
                guard let error = error as? CaptureError else { return false }
                return error.code == .badFile && error.message.contains(path)
            }
        }
        #expect(throws: CaptureError.self) { _ = try PcapImporter().run(path: "/nonexistent/x.pcap") }
    }

    @Test("A file cut mid-packet: the packets before the cut, and the reason")
    func truncatedFile() throws {
        let path = try self.write(Array(try self.fixtureBytes().prefix(20_000)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try PcapImporter().run(path: path)
        #expect(summary.packetsRead > 50 && summary.packetsRead < 1340)
        #expect(summary.fileError?.contains("truncated") == true)
        #expect(summary.packets == summary.packetsRead)
    }

    @Test("An absurd record length stops the reading with a reason")
    func absurdRecordLength() throws {
        let frame =
            PacketBuilder.ethernet(etherType: 0x0800)
            + PacketBuilder.ipv4(
                source: 1,
                destination: 2,
                protocol: 17,
                payload: PacketBuilder.udp(source: 1, destination: 2)
            )
        let good =
            self.le32(1_767_225_600) + self.le32(0) + self.le32(UInt32(frame.count)) + self.le32(UInt32(frame.count))
            + frame
        let absurd = self.le32(1_767_225_601) + self.le32(0) + self.le32(0x7FFF_FFF0) + self.le32(0x7FFF_FFF0) + frame
        let path = try self.write(self.header() + good + absurd)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try PcapImporter().run(path: path)
        #expect(summary.packetsRead == 1 && summary.flows == 1)
        #expect(summary.fileError != nil)
    }

    @Test("Snap-length-cut packets are counted as truncated, or keep their flow without ports")
    func snapLengthCut() throws {
        let frame =
            PacketBuilder.ethernet(etherType: 0x0800)
            + PacketBuilder.ipv4(
                source: 1,
                destination: 2,
                protocol: 6,
                payload: PacketBuilder.tcp(source: 1, destination: 2, flags: 2) + [UInt8](repeating: 0, count: 100)
            )
        var body: [UInt8] = []
        for (index, cut) in [20, 30, 40, 60].enumerated() {
            body += self.le32(1_767_225_600 + UInt32(index)) + self.le32(0) + self.le32(UInt32(cut))
            body += self.le32(UInt32(frame.count)) + frame.prefix(cut)
        }
        let path = try self.write(self.header(snapLength: 60) + body)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try PcapImporter().run(path: path)
        #expect(summary.packetsRead == 4)
        #expect(summary.drops.truncated == 2)
        // The 40-byte cut has addresses but no ports; the 60-byte one is whole: two flows.
        #expect(summary.flows == 2 && summary.packets == 2)
        #expect(summary.bytes == 2 * UInt64(frame.count - 14))
    }

    @Test("An unsupported link type is refused by name")
    func unsupportedLinkType() throws {
        let path = try self.write(self.header(linkType: 105))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try PcapImporter().run(path: path)
        } throws: { error in
            (error as? CaptureError)?.code == .unsupportedLinkType
        }
    }

    @Test("pcapng gives the same summary as pcap")
    func pcapng() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pcap-ng-\(UUID()).pcapng").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let converted = try await runCommand("/usr/bin/editcap", ["-F", "pcapng", Self.fixture, path])
        #expect(converted.status == 0, "editcap: \(converted.stderr)")
        let classic = try PcapImporter().run(path: Self.fixture)
        let next = try PcapImporter().run(path: path)
        #expect(next.packetsRead == classic.packetsRead && next.flows == classic.flows)
        #expect(next.bytes == classic.bytes && next.topTalkers == classic.topTalkers)
    }
}
