/// libFuzzer entry point for the captured-packet decoder and the flow table; built by
/// scripts/fuzz/run.sh with the sources of Sources/FlowCollector/Capture that are pure (decoder,
/// key, link types, flow table). The first input byte picks the link type, the rest is the frame.
nonisolated(unsafe) private let table = FlowTable(configuration: .init(maximumFlows: 1_000))
nonisolated(unsafe) private var clock: Int64 = 0

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let linkTypes: [CaptureLinkType] = [.ethernet, .linuxSLL, .linuxSLL2, .null, .rawIP]
    let linkType = linkTypes[Int(data[0]) % linkTypes.count]
    let frame = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    var packet = CapturedPacket()
    if CapturedPacketDecoder.decode(frame, linkType: linkType, into: &packet) == .decoded {
        precondition(packet.payloadStart <= packet.payloadEnd && packet.payloadEnd <= frame.count)
        clock += 700
        table.add(packet, now: clock)
        if clock % 7_000 == 0 { table.expire(now: clock) }
        _ = table.takeExpired()
    }
    return 0
}
