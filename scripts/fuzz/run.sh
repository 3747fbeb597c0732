#!/usr/bin/env bash
# Builds one libFuzzer target per flow decoder (swiftc -sanitize=fuzzer,address) from the pure
# decoder sources plus Fuzz/<Decoder>Fuzz.swift, seeds each corpus with the UDP payloads of the
# committed fixture captures, and runs each for SECONDS (default 60). Then the same for the
# compressed sample chunk codec (Sources/Storage/TimeSeries, Fuzz/SampleChunkFuzz.swift), with an
# empty seed corpus (its harness encodes each input, so valid chunks are reached at once). Crashes land in
# .build-fuzz/<Decoder>/ as crash-* files; the exit status is non-zero if any target failed.
# Usage: scripts/fuzz/run.sh [seconds]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECONDS_PER_TARGET="${1:-60}"
OUT="$ROOT/.build-fuzz"
mkdir -p "$OUT"
SOURCES=("$ROOT"/Sources/NetmonCore/Flows/*.swift "$ROOT"/Sources/FlowCollector/Decoders/*.swift
    "$ROOT"/Sources/FlowCollector/Templates/*.swift)
# The packet-capture target: the pure parts of Sources/FlowCollector/Capture.
CAPTURE_SOURCES=("$ROOT"/Sources/NetmonCore/Flows/*.swift "$ROOT"/Sources/NetmonCore/Duration+Milliseconds.swift
    "$ROOT"/Sources/FlowCollector/Capture/{CapturedPacketDecoder,CaptureLinkType,FlowKey,FlowTable}.swift)

# Seed corpora: one file per UDP payload of each export capture.
python3 "$ROOT/scripts/fuzz/seed_corpus.py" "$ROOT/Tests/Fixtures/flows" "$OUT/seeds"

status=0
for target in NetFlowV5 NetFlowV9 IPFIX SFlow CapturedPacket; do
    dir="$OUT/$target"
    mkdir -p "$dir/corpus"
    sources=("${SOURCES[@]}")
    [ "$target" != CapturedPacket ] || sources=("${CAPTURE_SOURCES[@]}")
    # -I: the flow table imports the CPcap shim (for its prefetch helper) through its module map.
    swiftc -O -g -use-ld=lld -sanitize=fuzzer,address -parse-as-library -swift-version 6 -package-name netmond \
        -I "$ROOT/Sources/CPcap" -module-name "${target}Fuzz" "${sources[@]}" "$ROOT/Fuzz/${target}Fuzz.swift" \
        -o "$dir/fuzzer"
    cp "$OUT"/seeds/"$target"/* "$dir/corpus/" 2>/dev/null || true
    echo "== $target: ${SECONDS_PER_TARGET}s"
    if ! (cd "$dir" && ./fuzzer -max_total_time="$SECONDS_PER_TARGET" -max_len=65535 -timeout=5 \
        -rss_limit_mb=2048 -print_final_stats=1 corpus >"$dir/fuzz.log" 2>&1); then
        echo "!! $target failed: see $dir/fuzz.log"
        status=1
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov:" "$dir/fuzz.log" | tail -3 || true
    ls "$dir"/crash-* "$dir"/timeout-* "$dir"/oom-* 2>/dev/null || true
done
# The time-series chunk codecs: standard library only, built from their four files.
CHUNK_SOURCES=("$ROOT"/Sources/Storage/TimeSeries/BitStream.swift "$ROOT"/Sources/Storage/TimeSeries/SampleChunkCodec.swift
    "$ROOT"/Sources/Storage/TimeSeries/SampleChunkSetCodec.swift "$ROOT"/Sources/Storage/TimeSeries/SampleChunkError.swift)
dir="$OUT/SampleChunk"
mkdir -p "$dir/corpus"
swiftc -O -g -use-ld=lld -sanitize=fuzzer,address -parse-as-library -swift-version 6 -package-name netmond \
    -module-name SampleChunkFuzz "${CHUNK_SOURCES[@]}" "$ROOT/Fuzz/SampleChunkFuzz.swift" -o "$dir/fuzzer"
echo "== SampleChunk: ${SECONDS_PER_TARGET}s"
if ! (cd "$dir" && ./fuzzer -max_total_time="$SECONDS_PER_TARGET" -max_len=4096 -timeout=5 \
    -rss_limit_mb=2048 -print_final_stats=1 corpus >"$dir/fuzz.log" 2>&1); then
    echo "!! SampleChunk failed: see $dir/fuzz.log"
    status=1
fi
grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov:" "$dir/fuzz.log" | tail -3 || true
ls "$dir"/crash-* "$dir"/timeout-* "$dir"/oom-* 2>/dev/null || true
exit "$status"
