import Foundation

/// The HS256 signing key file: 32 random bytes, created with mode 0600 when missing.
public enum JWTKeyFile {
    /// A key file that cannot be used.
    public struct KeyFileError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads the key at `path`, creating it first when the file does not exist.
    public static func loadOrCreate(path: String) throws -> [UInt8] {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            let key = SecretMaterial.randomBytes(32)
            let created = manager.createFile(
                atPath: path,
                contents: Data(key),
                attributes: [.posixPermissions: 0o600]
            )
            guard created else {
                throw KeyFileError(
                    description: "cannot create the JWT key file \(path): check that its directory exists and is "
                        + "writable by netmond (auth.jwt_key_file)"
                )
            }
            return key
        }
        guard let data = manager.contents(atPath: path) else {
            throw KeyFileError(description: "cannot read the JWT key file \(path) (auth.jwt_key_file)")
        }
        guard data.count >= 32 else {
            throw KeyFileError(
                description: "the JWT key file \(path) holds \(data.count) bytes, fewer than 32; delete it and "
                    + "netmond creates a new one (this logs every user out)"
            )
        }
        if let attributes = try? manager.attributesOfItem(atPath: path),
            let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0
        {
            throw KeyFileError(
                description: "the JWT key file \(path) is readable by others (mode \(String(mode, radix: 8))); "
                    + "run chmod 600 \(path)"
            )
        }
        return [UInt8](data)
    }
}
