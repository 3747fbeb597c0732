#!/usr/bin/env bash
# Capture benchmark: netmond's offline flow building (`netmond import --as packets`, release build
# linked as the .deb's) beside `softflowd -r`, `nfpcapd -r` and `pmacctd -I` (nfprobe) on the same
# generated pcap, in the same run: wall time, packets/s, CPU ns per packet, peak RSS; then netmond's
# bytes per flow with 1,000,000 concurrent flows. Same timeouts everywhere (60 s active, 15 s inactive).
#
# Usage: scripts/bench/pcap.sh [PACKETS] [FLOWS]   (defaults 1,000,000 packets over 100,000 flows)
# Files go to ${NETMOND_BENCH_DIR:-.build/bench-pcap} (~450 MB for 1M packets); nothing is committed.
# NETMOND_BENCH_SKIP=pmacctd (comma-separated program names) leaves peers out (pmacctd takes minutes).
# NETMOND_BENCH_RUNS=N (default 5): each tool runs N times, taking turns with the others, and the
# summary gives the median and range (pmacctd runs once). NETMOND_BASELINE=BINARY adds another netmond
# build (e.g. main's, copied aside) to the rotation, for a before/after in the same minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
PACKETS="${1:-1000000}"
FLOWS="${2:-100000}"
DIR="${NETMOND_BENCH_DIR:-.build/bench-pcap}"
mkdir -p "$DIR"

# NETMOND_BIN runs another build in netmond's place (e.g. NETMOND_BIN=.build/pcap-loop/pcap-loop, the
# import loop of scripts/bench/pcap-loop.sh without the daemon), labelled by NETMOND_LABEL.
# Otherwise the binary the .deb ships: a release build with the Swift runtime linked statically and
# the same linker flags as packaging/debian/rules (a dynamically linked build spends ~5 % of this
# benchmark's CPU loading the Swift libraries, which no installed netmond does).
if [ -n "${NETMOND_BIN:-}" ]; then
    bin="$NETMOND_BIN"
else
    # Its own scratch path: these flags would otherwise rebuild all of .build/release, which the
    # other benchmarks share.
    swift build -c release --product netmond --scratch-path .build/static --static-swift-stdlib \
        -Xlinker -z -Xlinker relro -Xlinker -z -Xlinker now
    bin="$(swift build -c release --scratch-path .build/static --show-bin-path)/netmond"
fi
if readelf -d "$bin" 2>/dev/null | grep -q 'libswiftCore\.so'; then
    runtime="Swift runtime linked dynamically, unlike the .deb's"
else
    runtime="Swift runtime linked statically, as in the .deb"
fi

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), \
$(free -g | awk '/^Mem:/ {print $2 " GB"}'), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: ${NETMOND_BIN:+NETMOND_BIN=$NETMOND_BIN }${NETMOND_BENCH_SKIP:+NETMOND_BENCH_SKIP=$NETMOND_BENCH_SKIP }\
${NETMOND_BENCH_RUNS:+NETMOND_BENCH_RUNS=$NETMOND_BENCH_RUNS }\
${NETMOND_BASELINE:+NETMOND_BASELINE=$NETMOND_BASELINE }scripts/bench/pcap.sh $*"
echo "netmond: $bin ($runtime)"
mixed="$DIR/mixed-$PACKETS-$FLOWS.pcap"
[ -s "$mixed" ] || python3 scripts/bench/gen-pcap.py "$mixed" --packets "$PACKETS" --flows "$FLOWS"
concurrent="$DIR/concurrent-1000000.pcap"
[ -s "$concurrent" ] || python3 scripts/bench/gen-pcap.py "$concurrent" --flows 1000000 --concurrent
small="$DIR/small.pcap"
[ -s "$small" ] || python3 scripts/bench/gen-pcap.py "$small" --packets 1000 --flows 100
# Into the page cache first: a file read from the disk costs netmond ~300 ns more CPU per packet
# (measured 2026-11-28), and would fall on whichever tool happens to run first.
cat "$mixed" "$concurrent" "$small" >/dev/null
python3 scripts/bench/pcap-run.py "$bin" "$mixed" "$concurrent" "$small" "$DIR/work"
