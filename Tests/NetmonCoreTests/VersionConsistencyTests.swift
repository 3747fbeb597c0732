import Foundation
import NetmonCore
import NetmonTesting
import Testing

/// The version has one source, `NetmondVersion.current`; the Debian changelog and the man page
/// repeat it and must agree (scripts/deb/build-deb.sh refuses to build otherwise).
@Suite("Version consistency")
struct VersionConsistencyTests {
    private func read(_ path: String) throws -> String {
        try String(contentsOfFile: RepositoryPaths.file(path), encoding: .utf8)
    }

    @Test("the top entry of packaging/debian/changelog is NetmondVersion.current")
    func changelog() throws {
        let firstLine = try #require(try self.read("packaging/debian/changelog").split(separator: "\n").first)
        #expect(firstLine.hasPrefix("netmond (\(NetmondVersion.current)) "), "changelog starts: \(firstLine)")
    }

    @Test("the man page netmond(8) names NetmondVersion.current")
    func manPage() throws {
        let header = try self.read("docs/netmond.8").split(separator: "\n").first { $0.hasPrefix(".TH ") }
        #expect(
            header?.contains("\"netmond \(NetmondVersion.current)\"") == true,
            "man page header: \(header ?? "none")"
        )
    }
}
