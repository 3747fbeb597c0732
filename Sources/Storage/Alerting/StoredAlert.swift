/// One alert (rule × target) as stored.
public struct StoredAlert: Sendable, Hashable {
    public var id: Int64
    public var ruleID: Int64
    /// `d:<device>`, `i:<interface>`, `s:<series>` or `flow`.
    public var targetKey: String
    public var deviceID: Int64?
    public var interfaceID: Int64?
    /// `ok`, `pending`, `firing` or `resolved`.
    public var state: String
    /// The Alerting module's state machine, JSON.
    public var machine: String
    /// Escalation progress, JSON.
    public var escalation: String
    public var value: Double?
    public var summary: String
    /// Why notifications are suppressed (correlation), or nil.
    public var suppressed: String?
    /// Inside an active silence.
    public var silenced: Bool
    public var ackedAt: Int64?
    public var ackBy: String?
    public var ackComment: String?
    /// Numbers the alert's notification events (part of their idempotency keys).
    public var eventSequence: Int64
    public var updatedAt: Int64

    public init(
        id: Int64,
        ruleID: Int64,
        targetKey: String,
        deviceID: Int64?,
        interfaceID: Int64?,
        state: String,
        machine: String,
        escalation: String,
        value: Double?,
        summary: String,
        suppressed: String?,
        silenced: Bool,
        ackedAt: Int64?,
        ackBy: String?,
        ackComment: String?,
        eventSequence: Int64,
        updatedAt: Int64
    ) {
        self.id = id
        self.ruleID = ruleID
        self.targetKey = targetKey
        self.deviceID = deviceID
        self.interfaceID = interfaceID
        self.state = state
        self.machine = machine
        self.escalation = escalation
        self.value = value
        self.summary = summary
        self.suppressed = suppressed
        self.silenced = silenced
        self.ackedAt = ackedAt
        self.ackBy = ackBy
        self.ackComment = ackComment
        self.eventSequence = eventSequence
        self.updatedAt = updatedAt
    }
}

/// A notification to record in the outbox.
public struct OutboxDraft: Sendable, Hashable {
    /// Unique per event × receiver: recording the same key twice keeps the first.
    public var idempotencyKey: String
    public var alertID: Int64?
    public var channelID: Int64
    /// `firing`, `repeat`, `resolved`, `flapping`, `flapping_stopped`, `test`...
    public var event: String
    /// What the channel sends (JSON body of a webhook, or the rendered message), JSON text.
    public var payload: String

    public init(idempotencyKey: String, alertID: Int64?, channelID: Int64, event: String, payload: String) {
        self.idempotencyKey = idempotencyKey
        self.alertID = alertID
        self.channelID = channelID
        self.event = event
        self.payload = payload
    }
}

/// A recorded notification.
public struct OutboxEntry: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        case pending, delivered, dead
    }

    public var id: Int64
    public var idempotencyKey: String
    public var alertID: Int64?
    public var channelID: Int64
    public var event: String
    public var payload: String
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Int64
    public var createdAt: Int64
    public var deliveredAt: Int64?
    public var lastError: String?
}

/// One delivery attempt (the delivery log).
public struct DeliveryAttempt: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable {
        case delivered, retry, dead
    }

    public var outboxID: Int64
    public var attempt: Int
    public var time: Int64
    public var outcome: Outcome
    /// The HTTP status or SMTP reply code, when one came.
    public var status: Int?
    public var error: String?
    public var durationMilliseconds: Double

    public init(
        outboxID: Int64,
        attempt: Int,
        time: Int64,
        outcome: Outcome,
        status: Int?,
        error: String?,
        durationMilliseconds: Double
    ) {
        self.outboxID = outboxID
        self.attempt = attempt
        self.time = time
        self.outcome = outcome
        self.status = status
        self.error = error
        self.durationMilliseconds = durationMilliseconds
    }
}

/// An entry of an alert's history.
public struct AlertHistoryEntry: Sendable, Hashable {
    public var alertID: Int64
    public var time: Int64
    /// `fired`, `resolved`, `acknowledged`, `unacknowledged`, `flapping`, `flapping_stopped`...
    public var kind: String
    public var actor: String?
    public var comment: String?

    public init(alertID: Int64, time: Int64, kind: String, actor: String? = nil, comment: String? = nil) {
        self.alertID = alertID
        self.time = time
        self.kind = kind
        self.actor = actor
        self.comment = comment
    }
}
