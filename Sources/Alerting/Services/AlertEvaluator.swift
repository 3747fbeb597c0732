import AsyncAlgorithms
import Foundation
import Logging
import NetmonCore
import ServiceLifecycle
import Storage

/// Runs every rule each `evaluation_interval`: loads a snapshot, advances each alert's state
/// machine, applies silences, correlation and escalation, and records state changes together
/// with the notifications they cause (the outbox) in one transaction.
public final class AlertEvaluator: Service, Sendable {
    /// What one cycle did.
    public struct CycleReport: Sendable, Hashable {
        public var rules = 0
        public var findings = 0
        public var fired = 0
        public var resolved = 0
        public var notifications = 0
        public var templateErrors: [String] = []
    }

    private let database: NetmonDatabase
    private let configuration: AlertingConfiguration
    private let logger: Logger
    private let catalog: AlertingCatalog
    private let alerts: AlertStore
    private let loader: SnapshotLoader
    /// Requests for an early cycle (definitions changed through the API); at most one waits.
    private let nudges: AsyncStream<Void>
    private let nudge: AsyncStream<Void>.Continuation

    /// - Parameter exporterDevices: flow exporter address → device name (`flows.exporters[].device`),
    ///   so that top-talker rules find an exporter's interfaces and their speeds.
    public init(
        database: NetmonDatabase,
        configuration: AlertingConfiguration,
        logger: Logger,
        exporterDevices: [String: String] = [:]
    ) {
        self.database = database
        self.configuration = configuration
        self.logger = logger
        self.catalog = AlertingCatalog(database: database)
        self.alerts = AlertStore(database: database)
        self.loader = SnapshotLoader(database: database, exporterDevices: exporterDevices)
        let (nudges, nudge) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.nudges = nudges
        self.nudge = nudge
    }

    /// Asks for a cycle now rather than at the next interval: rules, channels, policies and
    /// silences are read afresh every cycle, so a change made through the API takes effect at once.
    public func requestEvaluation() {
        self.nudge.yield()
    }

    public func run() async throws {
        try await self.catalog.seed(self.configuration, now: Self.currentTime())
        let interval = self.configuration.evaluationInterval
        let ticks = AsyncTimerSequence(interval: interval, clock: .continuous).map { _ in () }
        for await _ in merge(ticks, self.nudges).cancelOnGracefulShutdown() {
            do {
                let report = try await self.evaluate(now: Self.currentTime())
                if report.fired + report.resolved + report.notifications > 0 {
                    self.logger.info(
                        "alerting: cycle",
                        metadata: [
                            "alert.rules": "\(report.rules)", "alert.fired": "\(report.fired)",
                            "alert.resolved": "\(report.resolved)", "alert.notifications": "\(report.notifications)",
                        ]
                    )
                }
            } catch {
                self.logger.error("alerting: evaluation failed: \(error)")
            }
        }
    }

    /// UTC epoch milliseconds now.
    public static func currentTime() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }

    /// Runs one evaluation cycle at `now` (UTC epoch ms).
    @discardableResult
    public func evaluate(now: Int64) async throws -> CycleReport {
        var report = CycleReport()
        let loaded = try await self.catalog.load()
        for problem in loaded.problems { self.logger.warning("alerting: skipped definition: \(problem)") }
        let rules = loaded.rules.filter { $0.enabled && $0.id != nil }
        report.rules = rules.count
        let snapshot = try await self.loader.load(needs: EvaluationNeeds(rules: rules), now: now)
        let evaluator = RuleEvaluator(snapshot: snapshot)
        let deviceIDs = Dictionary(snapshot.devices.map { ($0.name, $0.id) }) { first, _ in first }
        var parents: [Int64: Int64] = [:]
        for link in self.configuration.deviceParents {
            if let child = deviceIDs[link.device], let parent = deviceIDs[link.parent] { parents[child] = parent }
        }
        let correlator = Correlator(devices: snapshot.devices, parents: parents)
        let organisations = Dictionary(snapshot.devices.map { ($0.id, $0.organisationID) }) { first, _ in first }

        // Findings, and rows for targets seen breaching for the first time.
        var existing: [String: StoredAlert] = [:]
        for alert in try await self.alerts.alerts(limit: Int.max) {
            existing["\(alert.ruleID)|\(alert.targetKey)"] = alert
        }
        var findings: [(AlertRule, RuleFinding)] = []
        var missing: [(ruleID: Int64, targetKey: String, deviceID: Int64?, interfaceID: Int64?)] = []
        var tracked: [Int64: Set<String>] = [:]
        for alert in existing.values { tracked[alert.ruleID, default: []].insert(alert.targetKey) }
        for rule in rules {
            let organisation = rule.organisationID ?? NetmonDatabase.defaultOrganisationID
            for finding in evaluator.evaluate(rule, tracked: tracked[rule.id!] ?? []) {
                // A rule only targets devices of its own organisation.
                if let deviceID = finding.deviceID, organisations[deviceID] != organisation { continue }
                findings.append((rule, finding))
                let key = "\(rule.id!)|\(finding.targetKey)"
                if existing[key] == nil, finding.observation == .breaching {
                    missing.append((rule.id!, finding.targetKey, finding.deviceID, finding.interfaceID))
                }
            }
        }
        report.findings = findings.count
        if !missing.isEmpty {
            let ids = try await self.alerts.ensure(missing, now: now)
            for target in missing {
                let key = "\(target.ruleID)|\(target.targetKey)"
                guard let id = ids[key] else { continue }
                existing[key] = StoredAlert(
                    id: id,
                    ruleID: target.ruleID,
                    targetKey: target.targetKey,
                    deviceID: target.deviceID,
                    interfaceID: target.interfaceID,
                    state: "ok",
                    machine: "{}",
                    escalation: "{}",
                    value: nil,
                    summary: "",
                    suppressed: nil,
                    silenced: false,
                    ackedAt: nil,
                    ackBy: nil,
                    ackComment: nil,
                    eventSequence: 0,
                    updatedAt: now
                )
            }
        }

        let settings = { (rule: AlertRule) in
            AlertStateMachine.Settings(
                forMilliseconds: rule.forMilliseconds,
                flapWindowMilliseconds: self.configuration.flapWindow.wholeMilliseconds,
                flapThreshold: self.configuration.flapThreshold
            )
        }
        let channels = Dictionary(loaded.channels.map { ($0.name, $0) }) { first, _ in first }
        let policies = Dictionary(loaded.policies.map { ($0.name, $0) }) { first, _ in first }
        var changed: [StoredAlert] = []
        var history: [AlertHistoryEntry] = []
        var outbox: [OutboxDraft] = []
        var reopened: [Int64] = []
        let decoder = JSONDecoder()
        for (rule, finding) in findings {
            guard var alert = existing["\(rule.id!)|\(finding.targetKey)"] else { continue }
            var machine =
                (try? decoder.decode(AlertStateMachine.self, from: Data(alert.machine.utf8))) ?? AlertStateMachine()
            var progress =
                (try? decoder.decode(EscalationProgress.self, from: Data(alert.escalation.utf8)))
                ?? EscalationProgress()
            let before = machine
            let actions = machine.observe(finding.observation, at: now, settings: settings(rule))
            let device = finding.deviceID.flatMap(evaluator.device)
            let suppressed = correlator.suppression(
                of: rule.condition,
                deviceID: finding.deviceID,
                interfaceID: finding.interfaceID
            )
            let silenced = loaded.silences.contains {
                $0.organisationID ?? NetmonDatabase.defaultOrganisationID
                    == rule.organisationID ?? NetmonDatabase.defaultOrganisationID
                    && $0.silences(rule: rule.name, device: device, at: now)
            }
            let quiet = suppressed != nil || silenced
            let policy = rule.policy.flatMap { policies[$0] }

            var notices: [(event: String, step: Int?, channels: [String])] = []
            for action in actions {
                switch action {
                case .fire:
                    report.fired += 1
                    history.append(
                        AlertHistoryEntry(alertID: alert.id, time: now, kind: "fired", comment: finding.summary)
                    )
                    progress = EscalationProgress()
                    if alert.ackedAt != nil {
                        reopened.append(alert.id)
                        alert.ackedAt = nil
                    }
                case .resolve:
                    report.resolved += 1
                    history.append(
                        AlertHistoryEntry(alertID: alert.id, time: now, kind: "resolved", comment: finding.summary)
                    )
                    if let policy, progress.stepsDone > 0, !quiet {
                        notices.append(("resolved", nil, policy.reachedChannels(progress)))
                    }
                    progress = EscalationProgress()
                case .startFlapping, .stopFlapping:
                    history.append(AlertHistoryEntry(alertID: alert.id, time: now, kind: action.rawValue))
                    if let policy, !quiet { notices.append((action.rawValue, nil, policy.reachedChannels(progress))) }
                }
            }
            if let policy, machine.isFiring, !machine.isFlapping, !quiet, let since = machine.since {
                for notice in policy.due(
                    firingSince: since,
                    acknowledged: alert.ackedAt != nil,
                    progress: &progress,
                    now: now
                ) {
                    notices.append((notice.step == nil ? "repeat" : "firing", notice.step, notice.channels))
                }
            }
            for notice in notices {
                alert.eventSequence += 1
                let eventID = "alert-\(alert.id)-event-\(alert.eventSequence)"
                let context = NotificationContext(
                    event: notice.event,
                    alertID: alert.id,
                    rule: rule.name,
                    ruleKind: rule.condition.kind,
                    severity: rule.severity,
                    state: machine.state.rawValue,
                    device: device?.name,
                    interface: finding.interfaceID.flatMap(evaluator.interface)?.name,
                    value: finding.value,
                    summary: finding.summary,
                    since: machine.since ?? machine.firedAt,
                    time: now,
                    step: notice.step,
                    suppressedChildren: rule.condition == .deviceUnreachable
                        ? finding.deviceID.map(correlator.suppressedChildren) ?? [] : [],
                    link: self.link(alertID: alert.id)
                )
                for name in notice.channels {
                    guard let channel = channels[name], let channelID = channel.id else {
                        self.logger.warning("alerting: rule \(rule.name) notifies unknown channel \(name)")
                        continue
                    }
                    let built = NotificationPayload.build(context, eventID: eventID, channel: channel)
                    for problem in built.templateErrors {
                        report.templateErrors.append("channel \(name): \(problem)")
                        self.logger.warning("alerting: channel \(name): \(problem)")
                    }
                    outbox.append(
                        OutboxDraft(
                            idempotencyKey: "\(eventID)-channel-\(channelID)",
                            alertID: alert.id,
                            channelID: channelID,
                            event: notice.event,
                            payload: built.payload
                        )
                    )
                }
            }
            let machineText = AlertingCatalog.encode(machine)
            let progressText = AlertingCatalog.encode(progress)
            let summaryChanged = alert.summary != finding.summary || alert.value != finding.value
            guard
                machine != before || machineText != alert.machine || progressText != alert.escalation
                    || alert.suppressed != suppressed || alert.silenced != silenced || !notices.isEmpty
                    || (summaryChanged && machine.state != .ok)
            else { continue }
            alert.state = machine.state.rawValue
            alert.machine = machineText
            alert.escalation = progressText
            alert.value = finding.value
            alert.summary = finding.summary
            alert.suppressed = suppressed
            alert.silenced = silenced
            alert.updatedAt = now
            changed.append(alert)
        }
        if !reopened.isEmpty { try await self.alerts.clearAcknowledgement(ids: reopened) }
        report.notifications = try await self.alerts.commit(alerts: changed, history: history, outbox: outbox, now: now)
        return report
    }

    private func link(alertID: Int64) -> String? {
        let base = self.configuration.dashboardURL
        guard !base.isEmpty else { return nil }
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/alerts/\(alertID)"
    }
}
