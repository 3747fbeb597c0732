import Metrics
import NetmonCore

/// The poller's self-metrics (exposed on /metrics).
struct SNMPPollerMetrics: Sendable {
    let devices = Gauge(label: "netmond_snmp_devices")
    let skipped = Counter(label: "netmond_snmp_polls_skipped_total")
    let succeeded = Counter(label: "netmond_snmp_polls_total", dimensions: [("outcome", "success")])
    let failed = Counter(label: "netmond_snmp_polls_total", dimensions: [("outcome", "failure")])
    let varBinds = Counter(label: "netmond_snmp_varbinds_total")
    let gaps = Counter(label: "netmond_snmp_rate_gaps_total")
    let duration = Metrics.Timer(label: "netmond_snmp_poll_duration_seconds")
    let requests = Counter(label: "netmond_snmp_requests_total")
    let retransmissions = Counter(label: "netmond_snmp_retransmissions_total")
    let lateAnswers = Counter(label: "netmond_snmp_late_answers_total")
    let timeouts = Counter(label: "netmond_snmp_request_timeouts_total")
    /// The adaptive window's current limit of polls in flight.
    let window = Gauge(label: "netmond_snmp_poll_window")
    let windowDecreases = Counter(label: "netmond_snmp_poll_window_decreases_total")
    let inFlight = Meter(label: "netmond_snmp_polls_in_flight")

    func record(_ report: PollReport, device: String) {
        (report.error == nil ? self.succeeded : self.failed).increment()
        self.varBinds.increment(by: report.varBinds)
        self.gaps.increment(by: report.gaps)
        self.requests.increment(by: report.requests)
        self.retransmissions.increment(by: report.retransmissions)
        self.lateAnswers.increment(by: report.lateAnswers)
        self.timeouts.increment(by: report.timeouts)
        self.duration.recordNanoseconds(
            report.duration.components.seconds * 1_000_000_000 + report.duration.components.attoseconds / 1_000_000_000
        )
        Gauge(label: "netmond_snmp_device_up", dimensions: [("device", device)]).record(report.error == nil ? 1 : 0)
        Gauge(label: "netmond_snmp_device_poll_seconds", dimensions: [("device", device)])
            .record(Double(report.duration.components.seconds) + Double(report.duration.components.attoseconds) / 1e18)
    }
}
