import Foundation

/// Paths of the repository and of the build products, for tests that read committed files or
/// start netmond's own executables.
public enum RepositoryPaths {
    /// The repository root (found from this source file's location).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // NetmonTesting
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The absolute path of a file in the repository.
    public static func file(_ relativePath: String) -> String {
        self.root.appendingPathComponent(relativePath).path
    }

    /// The build products directory holding the test bundle and the executables built with it.
    public static let products: URL = {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable)
        // The test runner is `<products>/netmondPackageTests.xctest` (Linux); walk up past any bundle.
        while url.path != "/" && (url.pathExtension == "xctest" || !url.hasDirectoryPath) {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("netmond").path) { return url }
        }
        return url
    }()

    /// The path of an executable built alongside the tests, e.g. `netmond`.
    public static func executable(_ name: String) -> String {
        self.products.appendingPathComponent(name).path
    }
}
