#!/usr/bin/env bash
# SNMP polling benchmark: netmond's SNMPEngine + DevicePoller against net-snmp's snmpbulkwalk, on the
# same snmpsim agents (copies of a recorded 48-port Cisco 3560) in the same run.
#
#   scripts/bench/snmp-poll.sh [options] [N...]     # default N: 100 500 1000
#     --processes K    snmpsim processes serving the fleet (default 12)
#     --concurrency C  netmond's most polls in flight: the adaptive window's ceiling and start
#                      (default 200 = snmp.max_concurrent_polls default)
#     --min-concurrency F  the window's floor (default 4 = snmp.min_concurrent_polls default;
#                      F = C gives a fixed window of C polls, the behaviour before the window)
#     --parallel P     snmpbulkwalk processes in parallel (default 32)
#     --cycles K       netmond cycles per N (default 2: first + one steady; more show the window settle)
#     --skip-build     use the existing release binary
#     --no-peer        netmond only (e.g. a second, fixed-window run on a kept fleet)
#     --bin PATH       use this snmp-poll-bench binary (no build), e.g. one kept from an earlier commit
#     --keep-fleet     leave the snmpsim fleet running at the end (a running fleet of the same size is reused)
#
# For each N: one netmond run (sessions opened, cycle 1 = discovery + interface counters + health,
# cycle 2 = steady state), then snmpbulkwalk -v2c -On -Cr25 of system (1.3.6.1.2.1.1), ifTable
# (1.3.6.1.2.1.2.2) and ifXTable (1.3.6.1.2.1.31.1.1) for every device, one process per walk, P at a
# time. Both use timeout 2 s, 1 retry, max-repetitions 25. CPU: netmond from getrusage(RUSAGE_SELF);
# snmpbulkwalk as the children's rusage reported by /usr/bin/time around xargs; snmpsim from
# /proc/PID/stat. Every step is bounded by `timeout`; the fleet is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$(pwd)"

processes=12
concurrency=200
minconc=4
cycles=2
peer=1
parallel=32
build=1
keep=0
bin=""
sizes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --processes) processes="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --skip-build) build=0; shift ;;
    --bin) bin="$2"; build=0; shift 2 ;;
    --keep-fleet) keep=1; shift ;;
    --min-concurrency) minconc="$2"; shift 2 ;;
    --cycles) cycles="$2"; shift 2 ;;
    --no-peer) peer=0; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) sizes+=("$1"); shift ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(100 500 1000)
max=0
for n in "${sizes[@]}"; do [ "$n" -gt "$max" ] && max="$n"; done

DIR="${NETMOND_BENCH_SNMP_DIR:-$REPO/.build/bench-snmp}"
export NETMOND_BENCH_SNMP_DIR="$DIR"
FLEET=scripts/bench/snmpsim-fleet.sh
export MIBS=""
export SNMP_PERSISTENT_DIR="$DIR/snmp-client"
mkdir -p "$DIR/results" "$SNMP_PERSISTENT_DIR"

if [ "$build" -eq 1 ]; then
  timeout 1800 swift build -c release --product snmp-poll-bench
fi
[ -n "$bin" ] || bin="$(swift build -c release --show-bin-path)/snmp-poll-bench"
[ -x "$bin" ] || { echo "missing $bin (build it: swift build -c release --product snmp-poll-bench)" >&2; exit 1; }

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), \
$(free -g | awk '/^Mem:/ {print $2 " GB"}'), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "peers: $(snmpbulkwalk -V 2>&1 | head -1), snmpsim $("${NETMOND_VENV:-$REPO/.venv}/bin/pip" show snmpsim 2>/dev/null | awk '/^Version/ {print $2}')"
echo "command: scripts/bench/snmp-poll.sh --processes $processes --concurrency $concurrency --min-concurrency $minconc --cycles $cycles --parallel $parallel$([ "$peer" -eq 1 ] || echo " --no-peer") ${sizes[*]}"
echo "binary: $bin"

cleanup() { [ "$keep" -eq 1 ] || "$FLEET" down >/dev/null 2>&1 || "$FLEET" down; }
trap cleanup EXIT
trap 'exit 130' INT TERM
# Reuses a running fleet of the same size; a different one makes `up` fail (run `down` first).
timeout 900 "$FLEET" up "$max" "$processes"
pids="$("$FLEET" pids | paste -sd,)"
ticks="$(getconf CLK_TCK)"

# CPU seconds of the snmpsim processes so far.
sim_cpu() {
  local pid total=0
  for pid in ${pids//,/ }; do
    total=$((total + $(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$pid/stat")))
  done
  awk -v t="$total" -v hz="$ticks" 'BEGIN { printf "%.2f", t / hz }'
}

rows=()
for n in "${sizes[@]}"; do
  ep="$DIR/results/endpoints-$n.txt"
  head -n "$n" "$DIR/endpoints.txt" > "$ep"
  echo
  echo "== N=$n devices"
  out="$DIR/results/netmond-$n.txt"
  timeout 900 "$bin" --endpoints "$ep" --concurrency "$concurrency" --min-concurrency "$minconc" --max-repetitions 25 \
    --timeout-ms 2000 --retries 1 --cycles "$cycles" --snmpsim-pids "$pids" | tee "$out"

  if [ "$peer" -eq 1 ]; then
    # Peer: one snmpbulkwalk per (device, table), P at a time.
    jobs="$DIR/results/peer-jobs-$n.txt"
    awk -F: '{ for (t = 1; t <= 3; t++) {
        oid = (t == 1 ? "1.3.6.1.2.1.1" : t == 2 ? "1.3.6.1.2.1.2.2" : "1.3.6.1.2.1.31.1.1")
        printf "-v2c -c %s -On -Cr25 -t 2 -r 1 udp:%s:%s %s\n", $3, $1, $2, oid } }' "$ep" > "$jobs"
    before="$(sim_cpu)"
    set +e
    timeout 900 /usr/bin/time -o "$DIR/results/peer-time-$n.txt" -f '%e %U %S %M' \
      xargs -P "$parallel" -L 1 snmpbulkwalk < "$jobs" 2> "$DIR/results/peer-stderr-$n.txt" \
      | grep -c '^\.1\.' > "$DIR/results/peer-lines-$n.txt"
    set -e
    after="$(sim_cpu)"
    read -r pwall puser psys prss < <(tail -n 1 "$DIR/results/peer-time-$n.txt")
    plines="$(cat "$DIR/results/peer-lines-$n.txt")"
    perrs="$(grep -c -i 'timeout\|error' "$DIR/results/peer-stderr-$n.txt" || true)"
    psim="$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.2f", a - b }')"
    pcpu="$(awk -v u="$puser" -v s="$psys" 'BEGIN { printf "%.3f", u + s }')"
    pper="$(awk -v c="$pcpu" -v v="$plines" 'BEGIN { printf "%.5f", (v > 0 ? c / v * 1000 : 0) }')"
    echo "snmpbulkwalk wall_s=$pwall user_s=$puser sys_s=$psys cpu_s=$pcpu max_rss_kb_per_process=$prss varbinds=$plines errors=$perrs snmpsim_cpu_s=$psim cpu_s_per_1k_varbinds=$pper processes=$((3 * n)) parallel=$parallel"
  fi

  field() { sed -n "s/^cycle n=$1 .*\b$2=\([^ ]*\).*/\1/p" "$out"; }
  rss="$(sed -n 's/^done max_rss_kb=//p' "$out")"
  for kind in $(seq 1 "$cycles"); do
    rows+=("| $n | netmond cycle $kind ($(field $kind kind)) | $(field $kind wall_s) | $(field $kind cpu_s) | $(field $kind varbinds) | $(field $kind cpu_s_per_1k_counted) | $((rss / 1024)) MB (peak) | $(field $kind failed) | $(field $kind requests) / $(field $kind retransmissions) / $(field $kind late_answers) | $(field $kind window_start) → $(field $kind window_end) (min $(field $kind window_min)) | $(field $kind snmpsim_cpu_s) |")
  done
  [ "$peer" -eq 0 ] || rows+=("| $n | snmpbulkwalk ×$((3 * n)), $parallel parallel | $pwall | $pcpu | $plines | $pper | $((prss / 1024)) MB (per process) | $perrs | | | $psim |")
done

echo
echo "| devices | run | wall s | CPU s (user+sys) | varbinds | CPU s / 1k varbinds | RSS | failures | requests / retransmitted / late | window | snmpsim CPU s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo "(netmond varbinds = PollReport.varBinds, counted; window = limit at the cycle's start → end, lowest so far; snmpsim: $processes processes)"
