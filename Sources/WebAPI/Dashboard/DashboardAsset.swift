import Foundation

/// One file of the dashboard, compiled into the binary by `scripts/gen-dashboard-assets.sh`.
///
/// The generator stores the bytes as base64 text (string literals compile fast where large array
/// literals do not), a gzip copy when it is smaller, and a strong ETag (a SHA-256 prefix of the bytes).
struct DashboardAsset: Sendable {
    /// The `Content-Type` to serve it with.
    let contentType: String
    /// A strong entity tag, quotes included.
    let etag: String
    /// The file's bytes.
    let identity: [UInt8]
    /// The file's bytes compressed with `gzip -9n`, when that is smaller than `identity`.
    let gzip: [UInt8]?

    init(contentType: String, etag: String, identityBase64: String, gzipBase64: String?) {
        self.contentType = contentType
        self.etag = etag
        self.identity = Self.decode(identityBase64)
        self.gzip = gzipBase64.map(Self.decode)
    }

    private static func decode(_ base64: String) -> [UInt8] {
        // The generator writes valid base64; a decoding failure means a corrupt generated file,
        // which the staleness test catches, so an empty asset (served as such) is the fallback.
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else { return [] }
        return [UInt8](data)
    }
}
