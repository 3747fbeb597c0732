/// The protocol or source a ``FlowRecord`` came from.
public enum FlowOrigin: String, Sendable, Hashable, CaseIterable {
    /// A NetFlow version 5 export.
    case netflow5
    /// A NetFlow version 9 export (RFC 3954).
    case netflow9
    /// An IPFIX export (RFC 7011).
    case ipfix
    /// An sFlow version 5 flow sample.
    case sflow
    /// A flow built by netmond itself from captured packets.
    case pcap
}

/// Where a flow's effective sampling rate came from.
public enum SamplingSource: String, Sendable, Hashable, CaseIterable {
    /// Nothing said the traffic was sampled; the rate is 1.
    case none
    /// The `sampling_interval` field of a NetFlow v5 header.
    case netflow5Header
    /// A sampling field inside the flow record itself (NetFlow v9 / IPFIX data).
    case flowRecord
    /// An options data record (sampler table) of the same exporter and observation domain.
    case optionsData
    /// The sampling rate of an sFlow flow sample.
    case sflowSample
    /// A rate configured for the exporter in netmond's configuration.
    case configured
}

/// The direction of a flow relative to the observing interface, when the exporter says it.
public enum FlowDirection: String, Sendable, Hashable, CaseIterable {
    /// Traffic entering the observation point.
    case ingress
    /// Traffic leaving the observation point.
    case egress
}
