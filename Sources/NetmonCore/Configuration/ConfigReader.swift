import Foundation
import Yams

/// Collects the issues found while decoding one configuration document, so that a user sees every
/// mistake in one run instead of one per restart.
package final class ConfigDiagnostics {
    package private(set) var issues: [ConfigurationIssue] = []

    package init() {}

    package func report(_ path: String, line: Int?, _ message: String) {
        self.issues.append(ConfigurationIssue(path: path, line: line, message: message))
    }
}

/// A cursor over one YAML node that knows its key path and line.
///
/// Decoding code asks for typed values (`int`, `duration`, `port`, ...) or for a mapping of known
/// keys; every mismatch is reported to `diagnostics` with the path and line, and a fallback is
/// returned so decoding can carry on and report further mistakes.
package struct ConfigValue {
    package let node: Node
    package let path: String
    package let diagnostics: ConfigDiagnostics

    package init(node: Node, path: String, diagnostics: ConfigDiagnostics) {
        self.node = node
        self.path = path
        self.diagnostics = diagnostics
    }

    package var line: Int? { self.node.mark?.line }

    /// True for an absent value written as `~`, `null` or nothing (plain, unquoted).
    package var isNull: Bool {
        guard case .scalar(let scalar) = self.node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// Reports a problem with this value.
    package func fail(_ message: String) {
        self.diagnostics.report(self.path, line: self.line, message)
    }

    /// The plain text of a scalar, or nil (reported) for a mapping or list.
    package func scalarText(expecting what: String) -> String? {
        switch self.node {
        case .scalar(let scalar):
            return scalar.string
        case .mapping:
            self.fail("expected \(what), found a mapping")
        case .sequence:
            self.fail("expected \(what), found a list")
        case .alias:
            self.fail("expected \(what), found an alias")
        }
        return nil
    }

    /// A string scalar. Quoted or plain; numbers are accepted as their text.
    package func string() -> String? {
        self.scalarText(expecting: "a string")
    }

    /// A boolean: `true` or `false` (YAML 1.2 core schema).
    package func bool() -> Bool? {
        guard let text = self.scalarText(expecting: "true or false") else { return nil }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default:
            self.fail("\(quoted(text)) is not a boolean; use true or false")
            return nil
        }
    }

    /// An integer within `range`.
    package func int(in range: ClosedRange<Int> = Int.min...Int.max, what: String = "an integer") -> Int? {
        guard let text = self.scalarText(expecting: what) else { return nil }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            self.fail("\(quoted(text)) is not \(what)")
            return nil
        }
        guard range.contains(value) else {
            self.fail("\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    /// A UDP or TCP port number, 1...65535.
    package func port() -> Int? {
        guard let text = self.scalarText(expecting: "a port") else { return nil }
        guard let value = Int(text), (1...65535).contains(value) else {
            self.fail("\(quoted(text)) is not a port; use a number from 1 to 65535")
            return nil
        }
        return value
    }

    /// A duration with a unit, e.g. `500ms`, `10s`, `5m`, `1h`, `14d`, within `range`.
    package func duration(in range: ClosedRange<Duration>? = nil) -> Duration? {
        guard let text = self.scalarText(expecting: "a duration") else { return nil }
        guard let value = ConfigParsers.duration(text) else {
            self.fail("\(quoted(text)) is not a duration; write a number and a unit: 500ms, 10s, 5m, 1h, 7d")
            return nil
        }
        if let range, !range.contains(value) {
            self.fail(
                "\(text) is out of range \(ConfigParsers.format(range.lowerBound))...\(ConfigParsers.format(range.upperBound))"
            )
            return nil
        }
        return value
    }

    /// A size in bytes, e.g. `65536`, `512KiB`, `64MiB`, `1GB`, within `range`.
    package func byteSize(in range: ClosedRange<Int>? = nil) -> Int? {
        guard let text = self.scalarText(expecting: "a size") else { return nil }
        guard let value = ConfigParsers.byteSize(text) else {
            self.fail("\(quoted(text)) is not a size; write bytes or a number and a unit: 512KiB, 64MiB, 1GiB")
            return nil
        }
        if let range, !range.contains(value) {
            self.fail("\(text) is out of range \(range.lowerBound)...\(range.upperBound) bytes")
            return nil
        }
        return value
    }

    /// One of a fixed set of words.
    package func oneOf<T>(_ choices: KeyValuePairs<String, T>) -> T? {
        guard let text = self.scalarText(expecting: "a word") else { return nil }
        if let match = choices.first(where: { $0.key == text }) { return match.value }
        self.fail("\(quoted(text)) is not one of: \(choices.map(\.key).joined(separator: ", "))")
        return nil
    }

    /// The elements of a list, each with its indexed path.
    package func list() -> [ConfigValue] {
        switch self.node {
        case .sequence(let sequence):
            return sequence.enumerated().map { index, element in
                ConfigValue(node: element, path: "\(self.path)[\(index)]", diagnostics: self.diagnostics)
            }
        case .scalar where self.isNull:
            return []
        default:
            self.fail("expected a list")
            return []
        }
    }

    /// This node as a mapping with known keys; nil (reported) when it is not a mapping.
    package func mapping() -> ConfigMapping? {
        switch self.node {
        case .mapping(let mapping):
            return ConfigMapping(mapping: mapping, value: self)
        case .scalar where self.isNull:
            return ConfigMapping(mapping: Node.Mapping([]), value: self)
        default:
            self.fail("expected a mapping of keys to values")
            return nil
        }
    }
}

/// A YAML mapping being decoded: hands out values by key and reports keys nobody asked for.
package final class ConfigMapping {
    private var entries: [(key: String, node: Node, keyLine: Int?)] = []
    private var used: Set<String> = []
    private let value: ConfigValue

    init(mapping: Node.Mapping, value: ConfigValue) {
        self.value = value
        var seen: Set<String> = []
        for (keyNode, node) in mapping {
            let key = keyNode.string ?? "\(keyNode)"
            let line = keyNode.mark?.line
            if !seen.insert(key).inserted {
                value.diagnostics.report(self.childPath(key), line: line, "duplicate key")
                continue
            }
            self.entries.append((key, node, line))
        }
    }

    private func childPath(_ key: String) -> String {
        self.value.path.isEmpty ? key : "\(self.value.path).\(key)"
    }

    /// The value under `key`, or nil when the key is absent (or explicitly null).
    package subscript(_ key: String) -> ConfigValue? {
        self.used.insert(key)
        guard let entry = self.entries.first(where: { $0.key == key }) else { return nil }
        let child = ConfigValue(node: entry.node, path: self.childPath(key), diagnostics: self.value.diagnostics)
        return child.isNull ? nil : child
    }

    /// True when the mapping has `key` (whether or not its value was valid).
    package func contains(_ key: String) -> Bool {
        self.entries.contains { $0.key == key }
    }

    /// Decodes `key` with `decode` when present; otherwise keeps `fallback`.
    package func read<T>(_ key: String, into target: inout T, _ decode: (ConfigValue) -> T?) {
        if let child = self[key], let decoded = decode(child) {
            target = decoded
        }
    }

    /// Reports every key that was never asked for as unknown, naming the keys that are allowed.
    package func rejectUnknownKeys() {
        for entry in self.entries where !self.used.contains(entry.key) {
            let known = self.used.sorted().joined(separator: ", ")
            self.value.diagnostics.report(
                self.childPath(entry.key),
                line: entry.keyLine,
                "unknown key; known keys here: \(known)"
            )
        }
    }
}

/// Quotes user text in messages so that empty strings and spaces are visible.
func quoted(_ text: String) -> String {
    "\"\(text)\""
}

extension ConfigValue {
    /// An IPv4 or IPv6 address literal.
    package func ipAddress() -> String? {
        guard let text = self.scalarText(expecting: "an IP address") else { return nil }
        guard IPAddressText.isValid(text) else {
            self.fail("\(quoted(text)) is not an IP address; write e.g. 127.0.0.1, 0.0.0.0, ::1 or ::")
            return nil
        }
        return text
    }
}

/// Validation of IP address literals through the C library's own parser.
package enum IPAddressText {
    package static func isValid(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}

extension ConfigValue {
    /// One of a fixed set of words, returned as written in the set.
    package func word(in choices: [String]) -> String? {
        guard let text = self.scalarText(expecting: "a word") else { return nil }
        guard let match = choices.first(where: { $0.lowercased() == text.lowercased() }) else {
            self.fail("\(quoted(text)) is not one of: \(choices.joined(separator: ", "))")
            return nil
        }
        return match
    }

    /// An SNMPv3 password: at least 8 characters (RFC 3414).
    package func password() -> Secret? {
        guard let text = self.string() else { return nil }
        guard text.utf8.count >= 8 else {
            self.fail("too short: SNMPv3 passwords have at least 8 characters")
            return nil
        }
        return Secret(text)
    }

    /// An IP address literal or a DNS host name.
    package func hostOrAddress() -> String? {
        guard let text = self.scalarText(expecting: "an address") else { return nil }
        if IPAddressText.isValid(text) { return text }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            !text.isEmpty && text.count <= 253
            && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.unicodeScalars.allSatisfy {
                        $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-")
                    }
            }
        guard valid else {
            self.fail("\(quoted(text)) is neither an IP address nor a host name")
            return nil
        }
        return text
    }
}
