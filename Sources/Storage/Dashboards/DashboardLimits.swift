import Foundation

/// The bounds of saved dashboards: what one user can store is small and fixed.
public enum DashboardLimits {
    /// Characters (Unicode scalars) of a dashboard name (at least one that is not a space).
    public static let maxNameLength = 100
    /// Characters of a panel title.
    public static let maxTitleLength = 100
    /// Panels of one dashboard.
    public static let maxPanels = 24
    /// Series of one series panel (what one `GET /api/v1/series` call answers).
    public static let maxSeriesPerPanel = 20
    /// Rows of a flow top-N panel.
    public static let maxFlowRows = 100
    /// Characters of a flow filter value (address, prefix, protocol name, dimension).
    public static let maxFilterLength = 64
    /// Dashboards one user owns.
    public static let maxDashboardsPerOwner = 50
    /// Bytes of the panels' JSON as stored.
    public static let maxPanelsJSONBytes = 65_536
}

/// A draft that breaks a bound or a rule: `field` names what is wrong (`name`, `panels[2].title`).
public struct DashboardValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(self.field): \(self.message)" }
}

extension DashboardDraft {
    /// The draft with its name and titles trimmed, after checking every bound of
    /// ``DashboardLimits`` and the shape of each panel (pure: no database).
    ///
    /// - Throws: ``DashboardValidationError`` naming the first field at fault.
    public func validated() throws -> DashboardDraft {
        var draft = self
        draft.name = try Self.text(self.name, field: "name", maxLength: DashboardLimits.maxNameLength, required: true)
        guard self.panels.count <= DashboardLimits.maxPanels else {
            throw DashboardValidationError(field: "panels", "at most \(DashboardLimits.maxPanels) panels")
        }
        for index in draft.panels.indices {
            draft.panels[index] = try Self.validated(draft.panels[index], field: "panels[\(index)]")
        }
        return draft
    }

    /// The panels as the JSON the database stores.
    ///
    /// - Throws: ``DashboardValidationError`` when it is larger than
    ///   ``DashboardLimits/maxPanelsJSONBytes``.
    func panelsJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(self.panels)
        guard data.count <= DashboardLimits.maxPanelsJSONBytes else {
            throw DashboardValidationError(
                field: "panels",
                "the panels take more than \(DashboardLimits.maxPanelsJSONBytes) bytes"
            )
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// `panel` with its title trimmed, after checking its bounds and that it has what its kind
    /// needs (series ids or a flow query, not both). `field` prefixes the error's field name.
    ///
    /// - Throws: ``DashboardValidationError``.
    public static func validated(_ panel: DashboardPanel, field: String) throws -> DashboardPanel {
        var panel = panel
        panel.title = try Self.text(
            panel.title,
            field: "\(field).title",
            maxLength: DashboardLimits.maxTitleLength,
            required: false
        )
        switch panel.kind {
        case .series:
            guard panel.flow == nil else {
                throw DashboardValidationError(field: "\(field).flow", "a series panel has no flow query")
            }
            guard (1...DashboardLimits.maxSeriesPerPanel).contains(panel.seriesIDs.count) else {
                throw DashboardValidationError(
                    field: "\(field).series_ids",
                    "1 to \(DashboardLimits.maxSeriesPerPanel) series"
                )
            }
            guard panel.seriesIDs.allSatisfy({ $0 > 0 }), Set(panel.seriesIDs).count == panel.seriesIDs.count else {
                throw DashboardValidationError(field: "\(field).series_ids", "positive ids, each once")
            }
        case .flowTop:
            guard panel.seriesIDs.isEmpty, panel.aggregation == nil else {
                throw DashboardValidationError(field: field, "a flow_top panel has no series_ids or aggregation")
            }
            guard let flow = panel.flow else {
                throw DashboardValidationError(field: "\(field).flow", "a flow_top panel needs a flow query")
            }
            guard (1...DashboardLimits.maxFlowRows).contains(flow.limit) else {
                throw DashboardValidationError(field: "\(field).flow.limit", "1 to \(DashboardLimits.maxFlowRows)")
            }
            let texts: [(String, String?)] = [
                ("by", flow.by), ("exporter", flow.exporter), ("src", flow.src), ("dst", flow.dst),
                ("protocol", flow.ipProtocol),
            ]
            for (name, value) in texts {
                guard let value else { continue }
                guard !value.isEmpty, value.count <= DashboardLimits.maxFilterLength,
                    value.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F })
                else {
                    throw DashboardValidationError(
                        field: "\(field).flow.\(name)",
                        "1 to \(DashboardLimits.maxFilterLength) printable ASCII characters"
                    )
                }
            }
            for (name, value) in [("interface", flow.interface), ("output_interface", flow.outputInterface)] {
                guard let value else { continue }
                guard (0...Int64(UInt32.max)).contains(value) else {
                    throw DashboardValidationError(field: "\(field).flow.\(name)", "an ifIndex (0 to 4294967295)")
                }
            }
            if let port = flow.port, !(0...65535).contains(port) {
                throw DashboardValidationError(field: "\(field).flow.port", "0 to 65535")
            }
        }
        return panel
    }

    /// `text` without surrounding spaces: no control characters, at most `maxLength` characters,
    /// not empty when `required`.
    static func text(_ text: String, field: String, maxLength: Int, required: Bool) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !required || !trimmed.isEmpty else {
            throw DashboardValidationError(field: field, "must not be empty")
        }
        // Unicode scalars, as SQLite's length() counts them (the table's check repeats the bound).
        guard trimmed.unicodeScalars.count <= maxLength else {
            throw DashboardValidationError(field: field, "at most \(maxLength) characters")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw DashboardValidationError(field: field, "must not contain control characters")
        }
        return trimmed
    }
}
