import AsyncAlgorithms
import Foundation
import Logging
import NetmonCore
import ServiceLifecycle
import Storage

/// Sends the outbox: every due notification is delivered through its channel, each attempt is
/// logged, failures are retried with exponential backoff, and a notification becomes `dead`
/// after `max_attempts` (or at once when retrying cannot help). Pending notifications left by a
/// previous run are sent after a restart.
public final class AlertDispatcher: Service, Sendable {
    private let database: NetmonDatabase
    private let configuration: AlertingConfiguration
    private let logger: Logger
    private let alerts: AlertStore
    private let catalog: AlertingCatalog
    private let webhook: WebhookSender
    private let mailer: SMTPMailer
    private let pollInterval: Duration

    public init(
        database: NetmonDatabase,
        configuration: AlertingConfiguration,
        logger: Logger,
        pollInterval: Duration = .milliseconds(250)
    ) {
        self.database = database
        self.configuration = configuration
        self.logger = logger
        self.alerts = AlertStore(database: database)
        self.catalog = AlertingCatalog(database: database)
        let policy = DestinationPolicy(
            allowPrivate: configuration.allowPrivateDestinations,
            ownAddresses: DestinationResolver.ownAddresses()
        )
        self.webhook = WebhookSender(
            resolver: DestinationResolver(policy: policy),
            timeout: configuration.deliveryTimeout,
            userAgent: "netmond/\(NetmondVersion.current)"
        )
        self.mailer = SMTPMailer(configuration: configuration.smtp, timeout: configuration.deliveryTimeout)
        self.pollInterval = pollInterval
    }

    public func run() async throws {
        for await _ in AsyncTimerSequence(interval: self.pollInterval, clock: .continuous).cancelOnGracefulShutdown() {
            do {
                _ = try await self.dispatchDue(now: AlertEvaluator.currentTime())
            } catch {
                self.logger.error("alerting: dispatch failed: \(error)")
            }
        }
    }

    /// Attempts every notification due at `now` once (at most 8 at a time); returns how many
    /// were attempted.
    @discardableResult
    public func dispatchDue(now: Int64) async throws -> Int {
        let due = try await self.alerts.dueNotifications(now: now, limit: 200)
        guard !due.isEmpty else { return 0 }
        let channels = Dictionary(
            try await self.catalog.load().channels.compactMap { channel in
                channel.id.map { ($0, channel) }
            }
        ) { first, _ in first }
        var index = 0
        while index < due.count {
            let batch = due[index..<min(index + 8, due.count)]
            await withTaskGroup(of: Void.self) { group in
                for entry in batch {
                    group.addTask { await self.attempt(entry, channel: channels[entry.channelID]) }
                }
            }
            index += batch.count
        }
        return due.count
    }

    private func attempt(_ entry: OutboxEntry, channel: AlertChannel?) async {
        let attempt = entry.attempts + 1
        let started = ContinuousClock.now
        var status: Int?
        var failure: DeliveryError?
        if let channel {
            do {
                status = try await self.deliver(entry, channel: channel)
            } catch {
                failure = error
                status = error.status
            }
        } else {
            failure = DeliveryError("the channel no longer exists", retryable: false)
        }
        let elapsed = ContinuousClock.now - started
        let time = AlertEvaluator.currentTime()
        let outcome: DeliveryAttempt.Outcome
        var retryAt: Int64?
        if failure == nil {
            outcome = .delivered
        } else if failure?.retryable == false || attempt >= self.configuration.maxAttempts {
            outcome = .dead
        } else {
            outcome = .retry
            retryAt =
                time
                + Self.backoff(
                    attempt: attempt,
                    initial: self.configuration.retryInitial.wholeMilliseconds,
                    max: self.configuration.retryMax.wholeMilliseconds
                )
        }
        let record = DeliveryAttempt(
            outboxID: entry.id,
            attempt: attempt,
            time: time,
            outcome: outcome,
            status: status,
            error: failure?.message,
            durationMilliseconds: Double(elapsed.components.seconds) * 1000
                + Double(elapsed.components.attoseconds) / 1e15
        )
        do {
            try await self.alerts.recordAttempt(record, retryAt: retryAt)
        } catch {
            self.logger.error("alerting: cannot record delivery of notification \(entry.id): \(error)")
        }
        let metadata: Logger.Metadata = [
            "alert.notification": "\(entry.id)", "alert.channel": "\(channel?.name ?? "?")",
            "alert.attempt": "\(attempt)", "alert.outcome": "\(outcome.rawValue)",
        ]
        if let failure {
            self.logger.warning("alerting: delivery failed: \(failure.message)", metadata: metadata)
        } else {
            self.logger.debug("alerting: delivered", metadata: metadata)
        }
    }

    /// The delay (ms) before retry `attempt + 1`: `initial` doubled per attempt, capped at `max`.
    public static func backoff(attempt: Int, initial: Int64, max: Int64) -> Int64 {
        let doublings = Swift.min(Swift.max(attempt - 1, 0), 40)
        let delay = initial.multipliedReportingOverflow(by: Int64(1) << Int64(doublings))
        return delay.overflow ? max : Swift.min(delay.partialValue, max)
    }

    private func deliver(_ entry: OutboxEntry, channel: AlertChannel) async throws(DeliveryError) -> Int? {
        switch channel.kind {
        case .webhook:
            let timestamp = String(AlertEvaluator.currentTime() / 1000)
            var headers = [
                ("X-Netmond-Event", entry.event),
                ("X-Netmond-Timestamp", timestamp),
                ("Idempotency-Key", entry.idempotencyKey),
                ("X-Netmond-Schema", NotificationPayload.schema),
            ]
            if let secret = channel.secret, !secret.isEmpty {
                headers.append(
                    (
                        "X-Netmond-Signature",
                        "sha256=" + HMACSHA256.hex(key: secret, message: "\(timestamp).\(entry.payload)")
                    )
                )
            }
            return try await self.webhook.post(url: channel.url, body: entry.payload, headers: headers)
        case .slack, .teams:
            return try await self.webhook.post(url: channel.url, body: entry.payload, headers: [])
        case .email:
            guard let email = try? JSONDecoder().decode(NotificationPayload.Email.self, from: Data(entry.payload.utf8))
            else { throw DeliveryError("the stored email cannot be read", retryable: false) }
            return try await self.mailer.send(email, messageID: entry.idempotencyKey)
        }
    }
}
