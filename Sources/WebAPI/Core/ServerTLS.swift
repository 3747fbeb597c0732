import Foundation
import NIOSSL
import NetmonCore

/// Why the HTTP server cannot start: the configuration key at fault and what to do about it.
public struct HTTPStartError: Error, CustomStringConvertible {
    /// The configuration key, e.g. `http.tls.private_key`.
    public var key: String
    public var message: String

    public var description: String { "\(self.key): \(self.message)" }
}

/// Loads and checks the certificate and private key of `http.tls` at start, so that a wrong file
/// stops the daemon with an error naming the key rather than failing every handshake later.
enum ServerTLS {
    static let certificateKey = "http.tls.certificate"
    static let privateKeyKey = "http.tls.private_key"

    /// The server's TLS configuration (TLS 1.2 or newer, HTTP/1.1 by ALPN).
    /// - Throws: ``HTTPStartError`` for a missing, unreadable or malformed file, or a key that does
    ///   not belong to the certificate.
    static func configuration(_ files: HTTPConfiguration.TLSFiles) throws -> TLSConfiguration {
        let certificateBytes = try self.read(files.certificate, key: Self.certificateKey, what: "certificate")
        let keyBytes = try self.read(files.privateKey, key: Self.privateKeyKey, what: "private key")
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(certificateBytes)
        } catch {
            chain = []
        }
        guard !chain.isEmpty else {
            throw HTTPStartError(
                key: Self.certificateKey,
                message: "\(files.certificate) holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the "
                    + "server certificate followed by its intermediates, e.g. certbot's fullchain.pem"
            )
        }
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
        } catch {
            throw HTTPStartError(
                key: Self.privateKeyKey,
                message: "\(files.privateKey) holds no unencrypted PEM private key (-----BEGIN PRIVATE KEY-----, "
                    + "RSA or EC); a passphrase-protected key must be decrypted first (openssl pkey -in KEY -out KEY2)"
            )
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(privateKey)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["http/1.1"]
        do {
            // BoringSSL checks here that the key is the certificate's.
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw HTTPStartError(
                key: Self.privateKeyKey,
                message: "\(files.privateKey) does not match the certificate in \(files.certificate); give the key "
                    + "the certificate was issued for (compare `openssl x509 -noout -pubkey -in CERT` with "
                    + "`openssl pkey -pubout -in KEY`)"
            )
        }
        return configuration
    }

    private static func read(_ path: String, key: String, what: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw HTTPStartError(
                key: key,
                message: "\(path) does not exist; point it to the PEM \(what) file, or remove http.tls for plain HTTP"
            )
        }
        guard !isDirectory.boolValue else {
            throw HTTPStartError(key: key, message: "\(path) is a directory; point it to the PEM \(what) file")
        }
        guard FileManager.default.isReadableFile(atPath: path), let data = FileManager.default.contents(atPath: path)
        else {
            throw HTTPStartError(
                key: key,
                message: "\(path) cannot be read by this process; make it readable by the user netmond runs as "
                    + "(e.g. chgrp netmond \(path) && chmod 640 \(path))"
            )
        }
        guard data.count <= 1 << 20 else {
            throw HTTPStartError(key: key, message: "\(path) is larger than 1 MiB; it is not a PEM \(what) file")
        }
        return [UInt8](data)
    }
}
