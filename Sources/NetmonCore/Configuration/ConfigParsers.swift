import Foundation

/// Pure parsers for the value syntaxes netmond's configuration uses.
package enum ConfigParsers {
    private static let durationUnits: [(suffix: String, nanoseconds: Int64)] = [
        ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
        ("d", 86_400_000_000_000), ("w", 604_800_000_000_000),
    ]

    /// Parses `500ms`, `10s`, `1.5m`, `5m`, `1h`, `14d`, `1w`, or a sum such as `1h30m`.
    package static func duration(_ text: String) -> Duration? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return nil }
        var total: Double = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { $0.isLetter }
            guard let unit = durationUnits.first(where: { $0.suffix == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += value * Double(unit.nanoseconds)
        }
        guard total.isFinite, total < 1e18 else { return nil }
        return .nanoseconds(Int64(total))
    }

    /// Formats a duration the way the configuration writes it (`10s`, `5m`, `1500ms`).
    package static func format(_ duration: Duration) -> String {
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        for unit in durationUnits.reversed() where nanoseconds != 0 && nanoseconds % unit.nanoseconds == 0 {
            return "\(nanoseconds / unit.nanoseconds)\(unit.suffix)"
        }
        return "\(Double(nanoseconds) / 1e6)ms"
    }

    private static let sizeUnits: [(suffix: String, bytes: Int)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
        ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
        ("B", 1), ("", 1),
    ]

    /// Parses a byte count: `65536`, `512KiB`, `64MiB`, `1GB`.
    package static func byteSize(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for unit in sizeUnits where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value >= 0, value.rounded() == value || unit.bytes > 1 else {
                continue
            }
            let bytes = value * Double(unit.bytes)
            guard bytes < 9e18 else { return nil }
            return Int(bytes)
        }
        return nil
    }

    /// Formats a byte count with the largest binary unit that divides it exactly.
    package static func format(bytes: Int) -> String {
        for unit in sizeUnits.prefix(4).reversed() where bytes != 0 && bytes % unit.bytes == 0 {
            return "\(bytes / unit.bytes)\(unit.suffix)"
        }
        return "\(bytes)"
    }
}
