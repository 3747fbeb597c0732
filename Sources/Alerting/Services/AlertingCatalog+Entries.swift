import Foundation
import Storage

extension AlertingCatalog {
    /// A decoded definition with its row: name, seeded flag and times (what the API shows).
    public struct Entry<Value: Sendable>: Sendable {
        public var value: Value
        public var stored: StoredDefinition
    }

    /// Every definition of `kind` that decodes as `type`, by name, with its id set by `setID`.
    /// Definitions that no longer decode are left out.
    public func entries<Value: Decodable & Sendable>(
        _ kind: AlertDefinitionKind,
        as type: Value.Type,
        setID: (inout Value, Int64) -> Void
    ) async throws -> [Entry<Value>] {
        try await self.store.all(kind).compactMap { stored in
            guard var value = try? JSONDecoder().decode(Value.self, from: Data(stored.definition.utf8)) else {
                return nil
            }
            setID(&value, stored.id)
            return Entry(value: value, stored: stored)
        }
    }

    /// The definition of `kind` with `id`, decoded as `type`; nil when there is none (or it no
    /// longer decodes).
    public func entry<Value: Decodable & Sendable>(
        _ kind: AlertDefinitionKind,
        id: Int64,
        as type: Value.Type,
        setID: (inout Value, Int64) -> Void
    ) async throws -> Entry<Value>? {
        guard let stored = try await self.store.get(kind, id: id),
            var value = try? JSONDecoder().decode(Value.self, from: Data(stored.definition.utf8))
        else { return nil }
        setID(&value, stored.id)
        return Entry(value: value, stored: stored)
    }
}
