import NetmonCore

/// One poll of the interface tables: every counter column (64-bit where the device has them),
/// statuses and discontinuity markers, in one multi-column walk.
enum InterfacePolling {
    /// One counter value, with the agent's sysUpTime of the response it came in.
    struct CounterValue: Sendable {
        var value: UInt64
        var width: CounterReading.Width
        var uptime: UInt32?
    }

    struct Result: Sendable {
        /// Counter values by interface, then by position in `InterfaceCounter.all` (an array, not a
        /// dictionary keyed by the counter: hashing its strings and OIDs per value cost more than
        /// decoding it).
        var counters: [Int: [CounterValue?]] = [:]
        var operStatus: [Int: Int] = [:]
        var adminStatus: [Int: Int] = [:]
        var discontinuity: [Int: UInt32] = [:]
    }

    static func poll(_ client: SNMPClient, discovery: DiscoveryResult, maxRepetitions: Int) async throws -> Result {
        let anyHC = discovery.interfaces.contains { $0.hasHCCounters }
        let allHC = anyHC && discovery.interfaces.allSatisfy { $0.hasHCCounters }
        let hcByIndex = Dictionary(discovery.interfaces.map { ($0.ifIndex, $0.hasHCCounters) }) { first, _ in first }

        // A few 32-bit-only interfaces on an HC device (Null0, some VLAN interfaces) are read by
        // GET of their instances; many of them make walking the 32-bit columns cheaper.
        let legacyOnly = discovery.interfaces.filter { !$0.hasHCCounters }.map(\.ifIndex)
        let getLegacyInstances = anyHC && !legacyOnly.isEmpty && legacyOnly.count * 4 <= discovery.interfaces.count

        // (column, counter, width) to walk.
        var plan: [(oid: OID, position: Int, width: CounterReading.Width)] = []
        for (position, counter) in InterfaceCounter.all.enumerated() {
            if anyHC, let hc = counter.hc { plan.append((hc, position, .bits64)) }
            let walkLegacy = counter.hc == nil || !anyHC || (!allHC && !getLegacyInstances)
            if walkLegacy, let legacy = counter.legacy { plan.append((legacy, position, .bits32)) }
        }
        let statusColumns =
            [IFMIB.ifOperStatus, IFMIB.ifAdminStatus] + (anyHC ? [IFMIB.ifCounterDiscontinuityTime] : [])
        let columns = try await client.walkColumns(
            plan.map(\.oid) + statusColumns,
            maxRepetitions: maxRepetitions,
            withAgentUptime: true
        )

        var result = Result()
        for (column, entry) in plan.enumerated() {
            let hasHC = InterfaceCounter.all[entry.position].hc != nil
            for timed in columns[column] {
                guard let index = self.index(of: timed.varBind.oid, under: entry.oid) else { continue }
                // An interface without HC counters takes its 32-bit values; one with takes only 64-bit.
                if entry.width == .bits32, hasHC, hcByIndex[index] == true { continue }
                guard let value = self.counterValue(timed.varBind.value, width: entry.width) else { continue }
                result.counters[index, default: Self.emptyRow][entry.position] = CounterValue(
                    value: value,
                    width: entry.width,
                    uptime: timed.agentUptime
                )
            }
        }
        for (offset, column) in statusColumns.enumerated() {
            for varBind in columns[plan.count + offset].map(\.varBind) {
                guard let index = self.index(of: varBind.oid, under: column),
                    let value = varBind.value.unsignedValue
                else { continue }
                switch column {
                case IFMIB.ifOperStatus: result.operStatus[index] = Int(value)
                case IFMIB.ifAdminStatus: result.adminStatus[index] = Int(value)
                default: result.discontinuity[index] = UInt32(truncatingIfNeeded: value)
                }
            }
        }
        if getLegacyInstances {
            try await self.getLegacyCounters(client, interfaces: legacyOnly, into: &result)
        }
        return result
    }

    /// GETs the 32-bit counters of `interfaces` (those without HC counters), 48 objects a request,
    /// with sysUpTime in each.
    private static func getLegacyCounters(
        _ client: SNMPClient,
        interfaces: [Int],
        into result: inout Result
    ) async throws {
        var wanted: [(oid: OID, index: Int, position: Int)] = []
        for index in interfaces {
            for (position, counter) in InterfaceCounter.all.enumerated() where counter.hc != nil {
                if let legacy = counter.legacy { wanted.append((legacy.appending(UInt32(index)), index, position)) }
            }
        }
        var start = 0
        while start < wanted.count {
            let chunk = wanted[start..<min(start + 48, wanted.count)]
            start += chunk.count
            let values = try await client.get([SystemMIB.sysUpTime] + chunk.map(\.oid))
            guard values.count == chunk.count + 1 else { continue }
            let uptime: UInt32? = {
                if case .timeTicks(let ticks) = values[0].value { return ticks }
                return nil
            }()
            for (item, varBind) in zip(chunk, values.dropFirst()) {
                guard let value = self.counterValue(varBind.value, width: .bits32) else { continue }
                result.counters[item.index, default: Self.emptyRow][item.position] = CounterValue(
                    value: value,
                    width: .bits32,
                    uptime: uptime
                )
            }
        }
    }

    /// An interface's counters before any is read.
    private static let emptyRow = [CounterValue?](repeating: nil, count: InterfaceCounter.all.count)

    static func index(of oid: OID, under column: OID) -> Int? {
        let suffix = oid.suffix(after: column)
        guard suffix.count == 1, suffix[0] <= Int32.max else { return nil }
        return Int(suffix[0])
    }

    /// A counter's value, only when the agent sent the type the column promises (a hostile or
    /// broken agent sending strings for counters is ignored, not guessed at).
    static func counterValue(_ value: SNMPValue, width: CounterReading.Width) -> UInt64? {
        switch (value, width) {
        case (.counter64(let value), .bits64): value
        case (.counter32(let value), .bits32): UInt64(value)
        default: nil
        }
    }
}
