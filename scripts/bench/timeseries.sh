#!/usr/bin/env bash
# Builds the time-series benchmark in release mode and runs it: a synthetic fleet of polled ports
# (default 100 ports × 4 series × 30 days at 60 s, plus one port × 4 series × 365 days) through the
# real SampleWriter, then rollups, compression, range queries (1 day, 30 days, 1 year of one port),
# a 100-port 30-day billing report and a capacity forecast. Then the peer: rrdtool 1.7 storing the
# same long port (in/out rates) with RRAs matching netmond's default retention (1 min × 14 d,
# 5 min × 400 d avg+max, 1 h × 5 y avg+max, 1 d × 10 y avg+max), timed for update and fetch.
# Extra arguments go to the benchmark (--interfaces N, --days D, --long-days D, --dir DIRECTORY).
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=.build/bench-timeseries
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    if [[ "${args[$i]}" == --dir ]]; then DIR="${args[$((i + 1))]}"; fi
done

swift build -c release --product timeseries-bench
bin="$(swift build -c release --show-bin-path)/timeseries-bench"

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), \
$(free -g | awk '/^Mem:/ {print $2 " GB"}'), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: scripts/bench/timeseries.sh $*"
"$bin" "$@"

# Peer: rrdtool with the same long port.
command -v rrdtool >/dev/null || { echo "rrdtool not installed (scripts/install-deps.sh)"; exit 1; }
rrd="$DIR/longport.rrd"
first=$(head -1 "$DIR/longport.txt" | cut -d: -f1)
last=$(tail -1 "$DIR/longport.txt" | cut -d: -f1)
rm -f "$rrd"
rrdtool create "$rrd" --start $((first - 60)) --step 60 \
    DS:in:GAUGE:120:0:U DS:out:GAUGE:120:0:U \
    RRA:AVERAGE:0.5:1:20160 \
    RRA:AVERAGE:0.5:5:115200 RRA:MAX:0.5:5:115200 \
    RRA:AVERAGE:0.5:60:43800 RRA:MAX:0.5:60:43800 \
    RRA:AVERAGE:0.5:1440:3650 RRA:MAX:0.5:1440:3650
updates=$(wc -l <"$DIR/longport.txt")
start_ns=$(date +%s%N)
xargs -n 2000 rrdtool update "$rrd" --template in:out <"$DIR/longport.txt"
end_ns=$(date +%s%N)
elapsed_ms=$(((end_ns - start_ns) / 1000000))
size=$(stat -c %s "$rrd")
echo "rrdtool update: $updates updates (2 values each) in ${elapsed_ms} ms ($((updates * 2000 / (elapsed_ms + 1))) values/s, incl. consolidation into 7 RRAs)"
echo "rrdtool file: $size bytes, preallocated for 14 d raw + 400 d 5-min + 5 y hourly + 10 y daily of 2 series"
fetch() { # label, seconds back, resolution
    local label="$1" span="$2" resolution="$3" n=100
    local commands=""
    for ((i = 0; i < n; i++)); do
        commands+="fetch $rrd AVERAGE -r $resolution -s $((last - span)) -e $last"$'\n'
    done
    local s e
    s=$(date +%s%N)
    printf '%s' "$commands" | rrdtool - >/dev/null
    e=$(date +%s%N)
    echo "rrdtool fetch $label: mean $(((e - s) / n / 1000)) µs over $n fetches (one rrdtool - process)"
}
fetch "1 day, 60 s" 86400 60
fetch "30 days, 1 h" $((30 * 86400)) 3600
fetch "1 year, 1 d" $((365 * 86400)) 86400
