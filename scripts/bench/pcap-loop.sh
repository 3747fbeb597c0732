#!/usr/bin/env bash
# Builds the offline flow-building loop (scripts/bench/pcap-loop.swift: PcapImporter of
# Sources/FlowCollector/Capture) with swiftc -O, outside SwiftPM and without the daemon, for quick
# measurements and `perf record` while changing the capture code; the figures of record come from
# scripts/bench/pcap.sh (the release netmond beside its peers).
# Usage: scripts/bench/pcap-loop.sh FILE.pcap [REPEAT]   (binary in ${OUT:-.build/pcap-loop})
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${OUT:-$ROOT/.build/pcap-loop}"
mkdir -p "$OUT"
FLAGS=(-O -g -parse-as-library -swift-version 6 -package-name netmond -I "$OUT" -L "$OUT" ${SWIFTFLAGS:-})
# NetmonCore's flow values, and of its configuration only the listener protocols the importer names
# (the rest of the configuration needs Yams and swift-log).
awk '/^public struct FlowConfiguration/ {print; inside = 1; next}
    inside && /public enum ListenerProtocol/ {copy = 1}
    copy {print} copy && /^    }$/ {print "}"; exit}' \
    "$ROOT/Sources/NetmonCore/Configuration/FlowConfiguration.swift" >"$OUT/FlowConfiguration.swift"
CORE=("$ROOT"/Sources/NetmonCore/Flows/*.swift "$ROOT"/Sources/NetmonCore/Duration+Milliseconds.swift
    "$OUT/FlowConfiguration.swift")
# FlowCollector's decoders and capture code, without the services (swift-metrics, swift-log, lifecycle).
COLLECTOR=("$ROOT"/Sources/FlowCollector/Decoders/*.swift "$ROOT"/Sources/FlowCollector/Templates/*.swift
    "$ROOT"/Sources/FlowCollector/Pipeline/{FlowDatagramProcessor,SequenceTracker}.swift)
for file in "$ROOT"/Sources/FlowCollector/Capture/*.swift; do
    case "$(basename "$file")" in CaptureMetrics.swift | CaptureService.swift | CaptureThread.swift) ;; *) COLLECTOR+=("$file") ;; esac
done
swiftc "${FLAGS[@]}" -wmo -module-name NetmonCore -emit-module -emit-library -static "${CORE[@]}" \
    -o "$OUT/libNetmonCore.a"
swiftc "${FLAGS[@]}" -wmo -module-name FlowCollector -emit-module -emit-library -static \
    -I "$ROOT/Sources/CPcap" "${COLLECTOR[@]}" -o "$OUT/libFlowCollector.a"
swiftc "${FLAGS[@]}" -I "$ROOT/Sources/CPcap" -module-name PcapLoop "$ROOT/scripts/bench/pcap-loop.swift" \
    -lFlowCollector -lNetmonCore -lpcap -o "$OUT/pcap-loop"
[ $# -eq 0 ] || "$OUT/pcap-loop" "$@"
