/// libFuzzer entry point for the NetFlowV9 decoder; built by scripts/fuzz/run.sh together with the
/// decoder sources (Sources/FlowCollector/Decoders, Templates) and NetmonCore's flow vocabulary.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var cache = FlowTemplateCache()
    // Twice through one cache, so data sets of the input meet templates of the input.
    _ = try? NetFlowV9Decoder.decode(bytes, exporter: .v4(0x7F00_0001), templates: &cache, now: 0)
    _ = try? NetFlowV9Decoder.decode(bytes, exporter: .v4(0x7F00_0001), templates: &cache, now: 1)
    return 0
}
