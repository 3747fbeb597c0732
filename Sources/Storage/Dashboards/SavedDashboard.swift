/// Who sees a saved dashboard.
public enum DashboardVisibility: String, Sendable, Hashable, CaseIterable, Codable {
    /// Its owner only.
    case `private`
    /// Every user of its organisation.
    case shared
}

/// How much room a panel takes in the dashboard's grid.
public enum DashboardPanelSize: String, Sendable, Hashable, CaseIterable, Codable {
    /// A third of the width.
    case small
    /// Half of the width.
    case medium
    /// The whole width.
    case large
}

/// What a panel shows.
public enum DashboardPanelKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A line chart of metric series (by series id).
    case series
    /// A table of the top-N flow keys of a dimension, with filters.
    case flowTop = "flow_top"
}

/// The flow query of a `flow_top` panel: the dimension and the filters of `GET /api/v1/flows/top`
/// (the API checks their values; the store their sizes).
public struct DashboardFlowQuery: Sendable, Hashable, Codable {
    /// The dimension (`src`, `dst`, `conversation`, `src_port`, `dst_port`, `protocol`, ...).
    public var by: String
    /// How many rows (1 to ``DashboardLimits/maxFlowRows``).
    public var limit: Int
    public var exporter: String?
    public var interface: Int64?
    public var outputInterface: Int64?
    public var src: String?
    public var dst: String?
    public var port: Int?
    /// A protocol number or name (`tcp`, `udp`...).
    public var ipProtocol: String?

    enum CodingKeys: String, CodingKey {
        case by, limit, exporter, interface, src, dst, port
        case outputInterface = "output_interface"
        case ipProtocol = "protocol"
    }

    public init(
        by: String,
        limit: Int = 10,
        exporter: String? = nil,
        interface: Int64? = nil,
        outputInterface: Int64? = nil,
        src: String? = nil,
        dst: String? = nil,
        port: Int? = nil,
        ipProtocol: String? = nil
    ) {
        self.by = by
        self.limit = limit
        self.exporter = exporter
        self.interface = interface
        self.outputInterface = outputInterface
        self.src = src
        self.dst = dst
        self.port = port
        self.ipProtocol = ipProtocol
    }
}

/// One panel of a dashboard: a series chart or a flow top-N table. It is stored as JSON in the
/// dashboard's `panels` array, in display order.
public struct DashboardPanel: Sendable, Hashable, Codable {
    public var kind: DashboardPanelKind
    /// The panel's heading (may be empty: the UI then names it after what it shows).
    public var title: String
    public var size: DashboardPanelSize
    /// The series of a `series` panel (empty for other kinds).
    public var seriesIDs: [Int64]
    /// How a `series` panel buckets its points (`avg` when nil); nil for other kinds.
    public var aggregation: SeriesAggregation?
    /// The query of a `flow_top` panel; nil for other kinds.
    public var flow: DashboardFlowQuery?

    enum CodingKeys: String, CodingKey {
        case kind = "type"
        case title, size, aggregation, flow
        case seriesIDs = "series_ids"
    }

    public init(
        kind: DashboardPanelKind,
        title: String,
        size: DashboardPanelSize = .medium,
        seriesIDs: [Int64] = [],
        aggregation: SeriesAggregation? = nil,
        flow: DashboardFlowQuery? = nil
    ) {
        self.kind = kind
        self.title = title
        self.size = size
        self.seriesIDs = seriesIDs
        self.aggregation = aggregation
        self.flow = flow
    }

    /// A series panel.
    public static func series(
        _ ids: [Int64],
        title: String,
        size: DashboardPanelSize = .medium,
        aggregation: SeriesAggregation? = nil
    ) -> DashboardPanel {
        DashboardPanel(kind: .series, title: title, size: size, seriesIDs: ids, aggregation: aggregation)
    }

    /// A flow top-N panel.
    public static func flowTop(
        _ query: DashboardFlowQuery,
        title: String,
        size: DashboardPanelSize = .medium
    ) -> DashboardPanel {
        DashboardPanel(kind: .flowTop, title: title, size: size, flow: query)
    }
}

extension SeriesAggregation: Codable {}

/// What a user writes: a dashboard without its id, owner and times.
public struct DashboardDraft: Sendable, Hashable {
    public var name: String
    public var visibility: DashboardVisibility
    public var panels: [DashboardPanel]

    public init(name: String, visibility: DashboardVisibility, panels: [DashboardPanel]) {
        self.name = name
        self.visibility = visibility
        self.panels = panels
    }
}

/// A stored dashboard.
public struct SavedDashboard: Sendable, Hashable {
    public var id: Int64
    public var organisationID: Int64
    /// The user who made it; nil once that user is deleted (only shared dashboards outlive them).
    public var ownerID: Int64?
    public var ownerName: String?
    public var name: String
    public var visibility: DashboardVisibility
    public var panels: [DashboardPanel]
    /// UTC epoch milliseconds.
    public var createdAt: Int64
    public var updatedAt: Int64

    /// Whether `userID`, acting in `organisationScope` (nil: a superadmin, every organisation),
    /// may see this dashboard: its owner always; anyone of its organisation when it is shared.
    /// Private dashboards are private even from admins.
    public func isVisible(to userID: Int64, organisationScope: Int64?) -> Bool {
        if let ownerID, ownerID == userID { return true }
        guard self.visibility == .shared else { return false }
        return organisationScope.map { $0 == self.organisationID } ?? true
    }
}
