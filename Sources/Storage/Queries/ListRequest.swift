/// A page of a list: offset and limit, one sort field (from the store's whitelist) and a
/// free-text search. Stores turn it into parameterised SQL; the sort field is looked up in the
/// store's whitelist and never pasted from the request.
public struct ListRequest: Sendable, Hashable {
    public var limit: Int
    public var offset: Int
    /// A key of the store's `sortFields`; nil for the store's default order.
    public var sort: String?
    public var descending: Bool
    /// Case-insensitive substring to search in the store's text fields; nil or empty for all.
    public var search: String?

    public init(limit: Int = 100, offset: Int = 0, sort: String? = nil, descending: Bool = false, search: String? = nil)
    {
        self.limit = limit
        self.offset = offset
        self.sort = sort
        self.descending = descending
        self.search = search
    }

    /// `ORDER BY` for this request from `whitelist` (API name → SQL expression), with `id` last
    /// so pages are stable. An unknown sort field falls back to `fallback`.
    func orderBy(_ whitelist: [String: String], fallback: String) -> String {
        let expression = self.sort.flatMap { whitelist[$0] } ?? fallback
        return "\(expression) \(self.descending ? "DESC" : "ASC"), id \(self.descending ? "DESC" : "ASC")"
    }

    /// The search text as a LIKE pattern (with `\` escaping `%`, `_` and `\`), or nil.
    var likePattern: String? {
        guard let search, !search.isEmpty else { return nil }
        var escaped = ""
        for character in search {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%\(escaped)%"
    }
}

/// One page of items and the number of items matching before paging.
public struct ListPage<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int

    public init(items: [Item], total: Int) {
        self.items = items
        self.total = total
    }
}
