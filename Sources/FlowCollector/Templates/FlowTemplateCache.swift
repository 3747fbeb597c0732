#if canImport(NetmonCore)
import NetmonCore
#endif

/// Identifies a template: exporter, protocol version, observation domain (source id) and template id,
/// as goflow2 keys its template system.
public struct FlowTemplateKey: Sendable, Hashable {
    /// The exporter's address.
    public var exporter: IPAddress
    /// 9 for NetFlow v9, 10 for IPFIX.
    public var version: UInt16
    /// NetFlow v9 source id or IPFIX observation domain id.
    public var observationDomain: UInt32
    /// The template id.
    public var templateID: UInt16

    /// Makes a key.
    public init(exporter: IPAddress, version: UInt16, observationDomain: UInt32, templateID: UInt16) {
        self.exporter = exporter
        self.version = version
        self.observationDomain = observationDomain
        self.templateID = templateID
    }
}

/// The templates and sampling state of the NetFlow v9 / IPFIX exporters one collector task sees.
///
/// A value type owned by one task and passed `inout` to the decoders. It is bounded per exporter in
/// entries and bytes (the least recently refreshed template is evicted to make room) and in the number
/// of exporters; templates expire ``Limits/templateLifetime`` milliseconds after they were last
/// received, measured with the `now` the caller passes in (there is no clock inside).
public struct FlowTemplateCache: Sendable {
    /// The bounds of the cache.
    public struct Limits: Sendable, Hashable {
        /// Templates kept per exporter (default 512).
        public var maximumTemplatesPerExporter: Int
        /// Approximate template bytes kept per exporter (default 64 KiB).
        public var maximumBytesPerExporter: Int
        /// Exporters tracked; a new exporter beyond this evicts the least recently seen (default 4096).
        public var maximumExporters: Int
        /// Milliseconds after its last refresh that a template expires (default 30 minutes).
        public var templateLifetime: Int64

        /// Makes limits; every argument has the documented default.
        public init(
            maximumTemplatesPerExporter: Int = 512,
            maximumBytesPerExporter: Int = 64 * 1024,
            maximumExporters: Int = 4096,
            templateLifetime: Int64 = 30 * 60 * 1000
        ) {
            self.maximumTemplatesPerExporter = maximumTemplatesPerExporter
            self.maximumBytesPerExporter = maximumBytesPerExporter
            self.maximumExporters = maximumExporters
            self.templateLifetime = templateLifetime
        }
    }

    /// Identifies a sampler of one exporter's observation domain; `samplerID` nil is the default.
    public struct SamplerKey: Sendable, Hashable {
        /// 9 for NetFlow v9, 10 for IPFIX.
        public var version: UInt16
        /// Source id / observation domain id.
        public var observationDomain: UInt32
        /// The sampler or selector id (elements 48 / 302), or nil for the domain-wide rate.
        public var samplerID: UInt64?

        /// Makes a sampler key.
        public init(version: UInt16, observationDomain: UInt32, samplerID: UInt64?) {
            self.version = version
            self.observationDomain = observationDomain
            self.samplerID = samplerID
        }
    }

    private struct Entry: Sendable {
        var template: FlowTemplate
        var refreshed: Int64
    }

    private struct ExporterState: Sendable {
        var templates: [FlowTemplateKey: Entry] = [:]
        var bytes = 0
        var samplingRates: [SamplerKey: UInt32] = [:]
        var systemInitTimes: [UInt32: Int64] = [:]
        var lastSeen: Int64 = 0
    }

    /// The bounds in force.
    public let limits: Limits
    private var exporters: [IPAddress: ExporterState] = [:]

    /// Makes an empty cache.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// The number of templates held, over all exporters.
    public var count: Int { self.exporters.values.reduce(0) { $0 + $1.templates.count } }

    /// The approximate template bytes held for `exporter`.
    public func byteCount(exporter: IPAddress) -> Int { self.exporters[exporter]?.bytes ?? 0 }

    // MARK: Templates

    /// Learns or refreshes a template at time `now` (epoch ms).
    ///
    /// - Returns: false when the template alone is larger than the per-exporter byte budget and was
    ///   refused; otherwise true (older templates of the exporter may have been evicted).
    @discardableResult
    public mutating func insert(_ template: FlowTemplate, for key: FlowTemplateKey, now: Int64) -> Bool {
        let size = template.approximateByteCount
        guard size <= self.limits.maximumBytesPerExporter, self.limits.maximumTemplatesPerExporter > 0 else {
            return false
        }
        self.admitExporter(key.exporter, now: now)
        let limits = self.limits
        // Mutated in place: exporters re-send their templates in (nearly) every datagram, and a
        // copy of the state taken out of the dictionary would copy its tables on each refresh.
        Self.update(&self.exporters[key.exporter, default: ExporterState()]) { state in
            state.lastSeen = now
            if let index = state.templates.index(forKey: key), state.templates.values[index].template == template {
                state.templates.values[index].refreshed = now
                return
            }
            if let old = state.templates.removeValue(forKey: key) { state.bytes -= old.template.approximateByteCount }
            while !state.templates.isEmpty
                && (state.templates.count >= limits.maximumTemplatesPerExporter
                    || state.bytes + size > limits.maximumBytesPerExporter)
            {
                guard let oldest = state.templates.min(by: { $0.value.refreshed < $1.value.refreshed }) else { break }
                state.templates.removeValue(forKey: oldest.key)
                state.bytes -= oldest.value.template.approximateByteCount
            }
            state.templates[key] = Entry(template: template, refreshed: now)
            state.bytes += size
        }
        return true
    }

    private static func update(_ state: inout ExporterState, _ body: (inout ExporterState) -> Void) {
        body(&state)
    }

    /// The template for `key` if it is known and has not expired at `now`; an expired one is removed.
    public mutating func template(for key: FlowTemplateKey, now: Int64) -> FlowTemplate? {
        guard let entry = self.exporters[key.exporter]?.templates[key] else { return nil }
        guard now &- entry.refreshed <= self.limits.templateLifetime else {
            self.withdraw(key)
            return nil
        }
        return entry.template
    }

    /// Forgets one template (IPFIX withdrawal).
    public mutating func withdraw(_ key: FlowTemplateKey) {
        guard let entry = self.exporters[key.exporter]?.templates.removeValue(forKey: key) else { return }
        self.exporters[key.exporter]?.bytes -= entry.template.approximateByteCount
    }

    /// Forgets every template of one exporter's observation domain (IPFIX "withdraw all", id 2 or 3).
    public mutating func withdrawAll(exporter: IPAddress, version: UInt16, observationDomain: UInt32) {
        guard let state = self.exporters[exporter] else { return }
        for key in state.templates.keys where key.version == version && key.observationDomain == observationDomain {
            self.withdraw(key)
        }
    }

    /// Removes every template not refreshed within the lifetime at `now`; returns how many.
    @discardableResult
    public mutating func expire(now: Int64) -> Int {
        var removed = 0
        for (exporter, state) in self.exporters {
            for (key, entry) in state.templates where now &- entry.refreshed > self.limits.templateLifetime {
                self.withdraw(key)
                removed += 1
            }
            if self.exporters[exporter]?.templates.isEmpty == true
                && now &- state.lastSeen > self.limits.templateLifetime
            {
                self.exporters.removeValue(forKey: exporter)
            }
        }
        return removed
    }

    private mutating func admitExporter(_ exporter: IPAddress, now: Int64) {
        guard self.exporters[exporter] == nil, self.exporters.count >= self.limits.maximumExporters else { return }
        if let stalest = self.exporters.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
            self.exporters.removeValue(forKey: stalest.key)
        }
    }

    // MARK: Sampling and exporter clock

    /// Records the sampling rate announced by options data (or configured) for a sampler.
    public mutating func setSamplingRate(_ rate: UInt32, exporter: IPAddress, sampler: SamplerKey, now: Int64) {
        self.admitExporter(exporter, now: now)
        self.exporters[exporter, default: ExporterState()].samplingRates[sampler] = max(1, rate)
    }

    /// The rate for `sampler`, falling back to the domain-wide rate when the sampler id is unknown.
    public func samplingRate(exporter: IPAddress, sampler: SamplerKey) -> UInt32? {
        guard let rates = self.exporters[exporter]?.samplingRates else { return nil }
        if let rate = rates[sampler] { return rate }
        var domainWide = sampler
        domainWide.samplerID = nil
        return rates[domainWide]
    }

    /// Records an IPFIX exporter's systemInitTimeMilliseconds (element 160) for one domain.
    public mutating func setSystemInitTime(_ time: Int64, exporter: IPAddress, observationDomain: UInt32, now: Int64) {
        self.admitExporter(exporter, now: now)
        self.exporters[exporter, default: ExporterState()].systemInitTimes[observationDomain] = time
    }

    /// The last systemInitTimeMilliseconds announced by `exporter` for `observationDomain`.
    public func systemInitTime(exporter: IPAddress, observationDomain: UInt32) -> Int64? {
        self.exporters[exporter]?.systemInitTimes[observationDomain]
    }
}
