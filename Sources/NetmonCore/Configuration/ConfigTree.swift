/// An ordered tree of configuration values, rendered as YAML by `netmond check-config` to show
/// the effective configuration with every default filled in.
package indirect enum ConfigTree: Equatable, Sendable {
    case scalar(String)
    case mapping([(key: String, value: ConfigTree)])
    case list([ConfigTree])

    package static func == (lhs: ConfigTree, rhs: ConfigTree) -> Bool {
        lhs.yaml() == rhs.yaml()
    }

    /// A quoted YAML string scalar.
    package static func string(_ text: String) -> ConfigTree {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            default:
                if character.value < 0x20 {
                    escaped += "\\x" + String(character.value, radix: 16).leftPadded(to: 2)
                } else {
                    escaped.unicodeScalars.append(character)
                }
            }
        }
        return .scalar("\"\(escaped)\"")
    }

    /// Renders the tree as block-style YAML.
    package func yaml(indent: Int = 0) -> String {
        var lines: [String] = []
        self.render(into: &lines, indent: indent)
        return lines.joined(separator: "\n") + "\n"
    }

    private func render(into lines: inout [String], indent: Int) {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .scalar(let text):
            lines.append(pad + text)
        case .mapping(let entries):
            for (key, value) in entries {
                switch value {
                case .scalar(let text):
                    lines.append("\(pad)\(key): \(text)")
                case .mapping(let children) where children.isEmpty:
                    lines.append("\(pad)\(key): {}")
                case .list(let items) where items.isEmpty:
                    lines.append("\(pad)\(key): []")
                case .mapping, .list:
                    lines.append("\(pad)\(key):")
                    value.render(into: &lines, indent: indent + 2)
                }
            }
        case .list(let items):
            for item in items {
                var itemLines: [String] = []
                item.render(into: &itemLines, indent: indent + 2)
                if var first = itemLines.first {
                    first.replaceSubrange(
                        first.index(
                            first.startIndex,
                            offsetBy: indent
                        )..<first.index(first.startIndex, offsetBy: indent + 2),
                        with: "- "
                    )
                    lines.append(first)
                    lines.append(contentsOf: itemLines.dropFirst())
                }
            }
        }
    }
}

/// A configuration section that can show itself as YAML.
package protocol ConfigRenderable {
    var configTree: ConfigTree { get }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}
