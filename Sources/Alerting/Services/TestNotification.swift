import Foundation
import NetmonCore
import Storage

/// "Send test notification": records a notification of event `test` for one channel in the
/// outbox; the dispatcher delivers it like any other (its delivery log shows the outcome).
public enum TestNotification {
    /// Records a test notification for channel `channelID`; returns its idempotency key, or nil
    /// when the channel does not exist.
    public static func send(channelID: Int64, database: NetmonDatabase, now: Int64) async throws -> String? {
        guard
            let channel = try await AlertingCatalog(database: database).load().channels.first(where: {
                $0.id == channelID
            })
        else { return nil }
        let key = "test-\(channelID)-\(now)-\(UUID().uuidString.prefix(8))"
        let context = NotificationContext(
            event: "test",
            alertID: nil,
            rule: "test notification",
            ruleKind: "test",
            severity: .info,
            state: "test",
            device: nil,
            interface: nil,
            value: nil,
            summary: "netmond can reach channel \(channel.name)",
            since: nil,
            time: now
        )
        let built = NotificationPayload.build(context, eventID: key, channel: channel)
        try await AlertStore(database: database).enqueue(
            [
                OutboxDraft(
                    idempotencyKey: key,
                    alertID: nil,
                    channelID: channelID,
                    event: "test",
                    payload: built.payload
                )
            ],
            now: now
        )
        return key
    }
}
