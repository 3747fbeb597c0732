#!/usr/bin/env bash
# Alert evaluation benchmark: 1,000 rules over 10,000 series per cycle (CPU and wall time per
# cycle), then the delay from a sample's arrival to the webhook receiver getting the alert, with
# the evaluator and dispatcher running as in the daemon (receiver: scripts/lab/webhook-receiver.py
# on loopback).
#
#   scripts/bench/alerting.sh [--skip-build] [rules] [series] [cycles] [trials] [interval_ms]
#     defaults: 1000 10000 10 50 1000
#
# Release build. Every step is bounded by `timeout`; the receiver is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=1
if [ "${1:-}" = "--skip-build" ]; then build=0; shift; fi
rules="${1:-1000}"
series="${2:-10000}"
cycles="${3:-10}"
trials="${4:-50}"
interval="${5:-1000}"

export PATH="$PATH:/opt/swift/usr/bin"
# NETMOND_SCRATCH_PATH: build directory (default .build), e.g. to avoid waiting on a debug build's lock.
SCRATCH=()
[ -n "${NETMOND_SCRATCH_PATH:-}" ] && SCRATCH=(--scratch-path "$NETMOND_SCRATCH_PATH")
if [ "$build" = 1 ]; then
  timeout 3600 swift build -c release "${SCRATCH[@]}" --product alerting-bench >/dev/null
fi
BIN="$(swift build -c release "${SCRATCH[@]}" --show-bin-path)/alerting-bench"
WORK="$(mktemp -d /tmp/netmond-alerting-bench.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 scripts/lab/webhook-receiver.py --port "$PORT" --log "$WORK/receiver.log" --secret bench >/dev/null 2>&1 &
RECEIVER=$!
cleanup() { kill "$RECEIVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null && break
  sleep 0.1
done
echo "alerting-bench: $(nproc) cores, $(date -u +%FT%TZ), rules=$rules series=$series cycles=$cycles trials=$trials interval=${interval}ms"
timeout 1800 "$BIN" "$WORK" "http://127.0.0.1:$PORT/hook" "$WORK/receiver.log" \
  "$rules" "$series" "$cycles" "$trials" "$interval"
if command -v prometheus >/dev/null; then
  echo "peer: Prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') on the same rule set and series"
  timeout 900 scripts/bench/alerting-prometheus.sh "$rules" "$series"
fi
