#!/usr/bin/env bash
# Zero-loss receive rate of netmond beside nfcapd (nfdump) and nfacctd (pmacct), in one run.
#
# scripts/bench/flow-replay.py sends the same IPFIX stream (30 records per datagram) on loopback at
# rising rates, 10 s each, to one collector at a time, each freshly started with the same 4 MiB
# socket receive buffer. Loss = records sent - records the collector stored (netmond: records in
# flows_raw_packed after a graceful stop, with the default flow writer queue; nfcapd: nfdump -I;
# nfacctd: the packets its print plugin counted, one packet per record). Also reported: the kernel's UDP RcvbufErrors during the run
# and the collector's peak RSS (VmHWM).
#
#   scripts/bench/flow-zero-loss.sh [--skip-build] [RATE...]   # datagrams/s; default 2000 5000 10000 20000 40000
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$PATH:/opt/swift/usr/bin"
SECONDS_PER_RATE="${SECONDS_PER_RATE:-10}"
BUFFER=$((4 << 20))
WORK="$(mktemp -d /tmp/netmond-zero-loss.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

if [ "${1:-}" = --skip-build ]; then shift; else
  (cd "$REPO" && swift build -c release --product netmond >/dev/null)
fi
RATES=("$@")
[ "${#RATES[@]}" -gt 0 ] || RATES=(2000 5000 10000 20000 40000)
NETMOND="$REPO/.build/release/netmond"
[ -x "$NETMOND" ] || { echo "no release build at $NETMOND" >&2; exit 1; }
for tool in nfcapd nfdump nfacctd sqlite3 python3; do command -v "$tool" >/dev/null || { echo "missing $tool (scripts/install-deps.sh)" >&2; exit 1; }; done

rcvbuf_errors() { awk '/^Udp:/ { if (++n == 2) print $6 }' /proc/net/snmp; }
free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
peak_rss_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
wait_udp() { # PORT: until something listens (at most 20 s)
  local hex; hex="$(printf ':%04X' "$1")"
  for _ in $(seq 200); do awk '{print $2}' /proc/net/udp | grep -q "$hex\$" && return 0; sleep 0.1; done
  echo "nothing listens on udp $1" >&2; return 1
}
stop() { kill -"$2" "$1" 2>/dev/null || true; for _ in $(seq 300); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -KILL "$1" 2>/dev/null || true; }

# run COLLECTOR RATE -> prints "sent stored rcvbuf_errors peak_rss_kib"
run() {
  local collector="$1" rate="$2" port dir pid sent stored before after rss
  port="$(free_port)"; dir="$WORK/$collector-$rate"; mkdir -p "$dir"
  case "$collector" in
    netmond)
      cat > "$dir/netmond.yaml" <<YAML
log: {level: warning}
http: {address: 127.0.0.1, port: $(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
storage: {path: $dir/netmond.db}
snmp: {enabled: false}
flows:
  listeners: [{protocol: ipfix, address: 127.0.0.1, port: $port}]
  receive_buffer: $BUFFER
YAML
      "$NETMOND" run --config "$dir/netmond.yaml" >"$dir/log" 2>&1 & pid=$! ;;
    nfcapd)
      mkdir -p "$dir/flows"
      nfcapd -b 127.0.0.1 -p "$port" -w "$dir/flows" -t 3600 -B "$BUFFER" >"$dir/log" 2>&1 & pid=$! ;;
    nfacctd)
      cat > "$dir/nfacctd.conf" <<CONF
daemonize: false
nfacctd_ip: 127.0.0.1
nfacctd_port: $port
nfacctd_pipe_size: $BUFFER
plugins: print
aggregate: proto
print_output: csv
print_output_file: $dir/out.csv
print_refresh_time: 3600
CONF
      nfacctd -f "$dir/nfacctd.conf" >"$dir/log" 2>&1 & pid=$! ;;
  esac
  PIDS+=("$pid")
  wait_udp "$port"
  sleep 1
  before="$(rcvbuf_errors)"
  sent="$(python3 "$REPO/scripts/bench/flow-replay.py" "$port" "$rate" "$SECONDS_PER_RATE" | awk '{print $4}')"
  sleep 2
  after="$(rcvbuf_errors)"
  rss="$(peak_rss_kib "$pid")"
  case "$collector" in
    netmond) stop "$pid" TERM; stored="$(sqlite3 "$dir/netmond.db" 'SELECT coalesce(sum(records), 0) FROM flows_raw_packed')" ;;
    nfcapd) stop "$pid" TERM; stored="$(nfdump -R "$dir/flows" -I | awk '/^Flows:/ {print $2}')" ;;
    nfacctd) stop "$pid" INT; stored="$(awk -F, 'NR > 1 { s += $2 } END { print s + 0 }' "$dir/out.csv" 2>/dev/null || echo 0)" ;;
  esac
  echo "$sent ${stored:-0} $((after - before)) $rss"
  rm -rf "$dir"
}

echo "zero-loss: $(nproc) cores, ${SECONDS_PER_RATE}s per rate, 30 records/datagram, SO_RCVBUF $BUFFER (rmem_max $(cat /proc/sys/net/core/rmem_max))"
printf '%-8s %10s %12s %12s %9s %9s %8s\n' collector dgrams/s records_sent stored lost_% rcvbuf_err rss_MiB
for collector in netmond nfcapd nfacctd; do
  for rate in "${RATES[@]}"; do
    read -r sent stored errors rss < <(run "$collector" "$rate")
    lost=$(python3 -c "print(f'{100 * ($sent - $stored) / max($sent, 1):.3f}')")
    printf '%-8s %10s %12s %12s %9s %9s %8s\n' "$collector" "$rate" "$sent" "$stored" "$lost" "$errors" "$((rss / 1024))"
  done
done
