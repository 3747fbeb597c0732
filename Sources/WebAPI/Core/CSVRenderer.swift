import Foundation

/// Renders API items as CSV (RFC 4180): one row per item, a header of column names, nested
/// objects flattened to dotted columns, arrays as compact JSON, null as an empty cell.
///
/// Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
/// carriage return) are prefixed with `'`.
enum CSVRenderer {
    static func render(_ items: [JSONValue]) -> String {
        var columns: [String] = []
        var known: Set<String> = []
        var rows: [[String: String]] = []
        rows.reserveCapacity(items.count)
        for item in items {
            var cells: [String: String] = [:]
            Self.flatten(item, prefix: "", into: &cells, columns: &columns, known: &known)
            rows.append(cells)
        }
        var out = columns.map(Self.quoted).joined(separator: ",") + "\r\n"
        for row in rows {
            out += columns.map { Self.quoted(row[$0] ?? "") }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    private static func flatten(
        _ value: JSONValue,
        prefix: String,
        into cells: inout [String: String],
        columns: inout [String],
        known: inout Set<String>
    ) {
        if case .object(let entries) = value {
            for (key, child) in entries {
                Self.flatten(
                    child,
                    prefix: prefix.isEmpty ? key : "\(prefix).\(key)",
                    into: &cells,
                    columns: &columns,
                    known: &known
                )
            }
            return
        }
        let column = prefix.isEmpty ? "value" : prefix
        if known.insert(column).inserted { columns.append(column) }
        cells[column] = Self.cell(value)
    }

    static func cell(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return JSONValue.format(number)
        case .string(let text):
            if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
                return "'" + text
            }
            return text
        case .array, .object: return String(decoding: value.bytes, as: UTF8.self)
        }
    }

    static func quoted(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
