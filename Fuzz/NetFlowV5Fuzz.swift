/// libFuzzer entry point for the NetFlowV5 decoder; built by scripts/fuzz/run.sh together with the
/// decoder sources (Sources/FlowCollector/Decoders, Templates) and NetmonCore's flow vocabulary.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? NetFlowV5Decoder.decode(bytes, exporter: .v4(0x7F00_0001))
    return 0
}
