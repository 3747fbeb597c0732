import Foundation
import NetmonTesting
import Testing

@testable import WebAPI

/// The compiled-in dashboard must equal its source files, and those files must keep the rules that
/// make the Content-Security-Policy hold (no inline script, no eval, no HTML sinks).
@Suite("Dashboard assets")
struct DashboardAssetsTests {
    static let directory = RepositoryPaths.file("Sources/WebAPI/Dashboard/assets")

    static func sourceFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: self.directory).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test(
        "the generated Swift file holds exactly the asset files' bytes (regenerate with scripts/gen-dashboard-assets.sh)"
    )
    func generatedFileIsFresh() throws {
        let files = try Self.sourceFiles()
        #expect(files == DashboardAssets.all.keys.sorted())
        for name in files {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(Self.directory)/\(name)")))
            let compiledIn = DashboardAssets.all[name]?.identity == bytes
            #expect(compiledIn, "\(name) is stale in DashboardAssets+Generated.swift")
        }
    }

    @Test("the generator's --check agrees (ETags and gzip copies too)")
    func generatorCheck() async throws {
        let result = try await runCommand(
            "/bin/bash",
            [RepositoryPaths.file("scripts/gen-dashboard-assets.sh"), "--check"],
            timeout: .seconds(60)
        )
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("ETags are distinct and strong")
    func etags() {
        let tags = DashboardAssets.all.values.map(\.etag)
        #expect(Set(tags).count == tags.count)
        #expect(tags.allSatisfy { $0.hasPrefix("\"") && $0.hasSuffix("\"") && $0.count == 34 })
    }

    @Test("no inline script, no eval, no HTML string sinks in the dashboard's sources")
    func noUnsafePatterns() throws {
        let forbidden = [
            "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
            "setTimeout(\"", "javascript:", "localStorage.setItem(\"netmond.token", "sessionStorage",
        ]
        for name in try Self.sourceFiles() where name.hasSuffix(".js") || name.hasSuffix(".html") {
            let text = try String(contentsOfFile: "\(Self.directory)/\(name)", encoding: .utf8)
            for pattern in forbidden {
                #expect(!text.contains(pattern), "\(name) contains \(pattern)")
            }
            if name.hasSuffix(".html") {
                // Every <script> loads a file; none carries code; no inline event handlers or styles.
                #expect(!text.contains("<script>"), "\(name) has an inline script")
                #expect(
                    text.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil,
                    "\(name) has an inline handler"
                )
                #expect(!text.contains("style="), "\(name) has an inline style")
            }
        }
    }

    @Test("the page preloads every module it imports (no import waterfall)")
    func modulePreload() throws {
        let page = try String(contentsOfFile: "\(Self.directory)/app.html", encoding: .utf8)
        for name in try Self.sourceFiles() where name.hasSuffix(".js") && name != "theme.js" && name != "app.js" {
            #expect(
                page.contains("<link rel=\"modulepreload\" href=\"/ui/assets/\(name)\">"),
                "app.html misses \(name)"
            )
        }
    }

    @Test("the whole dashboard stays far below 100 KB on the wire")
    func weight() {
        let wire = DashboardAssets.all.values.reduce(0) { $0 + ($1.gzip?.count ?? $1.identity.count) }
        #expect(wire < 100 * 1024, "dashboard weighs \(wire) bytes gzipped")
    }
}
