#!/usr/bin/env bash
# Series through the REST API: is a one-year graph of a port as fast as a one-hour one?
# Builds the release netmond and timeseries-bench, lets timeseries-bench lay out one port with 365
# days of 60 s samples (4 series: raw compressed chunks, 5-minute/hourly/daily rollups — the real
# writer, rollup and compressor) plus one 1-day port, then starts netmond on that database
# (retention widened so the data, which ends 2026-01-01, stays whole) and times with wrk, one
# connection at a time (latency) and 8 at a time (throughput), with a JWT:
#   1 hour, 1 day, 30 days and 1 year of the port's inbound rate (default step: ~300 points),
#   1 year of daily p95 (agg=p95), and a 30-day 95th-percentile bill of the port.
# Series answers are cached per query between writes (docs/API.md), so the engine runs use a wrk
# script that moves `to` back by one millisecond per request (every request a different query, a
# cache miss); the last column repeats one query (what a dashboard's refreshes get between writes).
# Usage: scripts/bench/series-api.sh [--skip-build] [SECONDS per run, default 5]
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${1:-}" = --skip-build ]; then shift; else
  swift build -c release --product netmond
  swift build -c release --product timeseries-bench
fi
SECONDS_PER_RUN="${1:-5}"
BIN_DIR="$(swift build -c release --show-bin-path)"

WORK="$(mktemp -d /tmp/netmond-series-bench.XXXXXX)"
PID=""
cleanup() {
  [ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
"$BIN_DIR/timeseries-bench" --interfaces 1 --days 1 --long-days 365 --dir "$WORK/data" >"$WORK/data.log"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
cat >"$WORK/netmond.yaml" <<YAML
log: {level: warning, format: text}
http: {address: 127.0.0.1, port: $PORT}
storage: {path: $WORK/data/netmond.db}
snmp: {enabled: false}
flows: {enabled: false}
timeseries: {raw_retention: 800d, five_minute_retention: 800d}
YAML
PASSWORD="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$PASSWORD" | "$BIN_DIR/netmond" user add --admin --config "$WORK/netmond.yaml" bench >/dev/null
"$BIN_DIR/netmond" run --config "$WORK/netmond.yaml" >"$WORK/netmond.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
API="http://127.0.0.1:$PORT/api/v1"
TOKEN="$(curl -fsS -H 'Content-Type: application/json' -d "{\"username\":\"bench\",\"password\":\"$PASSWORD\"}" \
  "$API/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
# The long port is the last interface; its inbound rate series.
read -r SERIES IFID < <(sqlite3 -separator ' ' "$WORK/data/netmond.db" \
  "SELECT id, interface_id FROM series WHERE metric = 'if_in_octets' ORDER BY interface_id DESC LIMIT 1")
END=1767225600000
HOUR=3600000
DAY=86400000
declare -A QUERIES=(
  [1h]="$API/series?ids=$SERIES&from=$((END - HOUR))&to=$END"
  [1d]="$API/series?ids=$SERIES&from=$((END - DAY))&to=$END"
  [30d]="$API/series?ids=$SERIES&from=$((END - 30 * DAY))&to=$END"
  [1y]="$API/series?ids=$SERIES&from=$((END - 365 * DAY))&to=$END"
  [1y-p95]="$API/series?ids=$SERIES&from=$((END - 365 * DAY))&to=$END&agg=p95"
  [bill-30d]="$API/reports/billing?interfaces=$IFID&from=$((END - 30 * DAY))&to=$END"
)
cat >"$WORK/uncached.lua" <<'LUA'
-- Every request a different query (to - n ms, n unique across threads): a series-cache miss.
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
function init() n = 0 end
function request()
  n = n + 1
  local path = string.gsub(wrk.path, "&to=(%d+)", function(t) return "&to=" .. (tonumber(t) - n * 16 - id) end)
  return wrk.format(nil, path)
end
LUA
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %-10s %7s %6s %9s   %10s %9s %9s   %10s   %12s\n' query resolution points step_s bytes "c1 req/s" "c1 p50" "c1 p99" "c8 req/s" "c8 cached"
for name in 1h 1d 30d 1y 1y-p95 bill-30d; do
  url="${QUERIES[$name]}"
  curl -fsS -H "Authorization: Bearer $TOKEN" "$url" >"$WORK/answer.json"
  read -r resolution points step < <(python3 - "$WORK/answer.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
if "series" in a:
    print(a["resolution"], len(a["series"][0]["points"]), a["step"] // 1000)
else:
    print("5m-bill", a["slots_in_period"], 300)
PY
)
  one="$(wrk --latency -t1 -c1 -d"${SECONDS_PER_RUN}s" -s "$WORK/uncached.lua" -H "Authorization: Bearer $TOKEN" "$url")"
  eight="$(wrk -t2 -c8 -d"${SECONDS_PER_RUN}s" -s "$WORK/uncached.lua" -H "Authorization: Bearer $TOKEN" "$url")"
  cached="$(wrk -t2 -c8 -d"${SECONDS_PER_RUN}s" -H "Authorization: Bearer $TOKEN" "$url")"
  grep -q "Non-2xx" <<<"$one$eight$cached" && { echo "$name: non-2xx answers"; exit 1; }
  printf '%-9s %-10s %7s %6s %9s   %10s %9s %9s   %10s   %12s\n' "$name" "$resolution" "$points" "$step" \
    "$(wc -c <"$WORK/answer.json")" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$one")" "$(awk '$1=="50%" {print $2}' <<<"$one")" \
    "$(awk '$1=="99%" {print $2}' <<<"$one")" "$(awk '/Requests\/sec/ {print $2}' <<<"$eight")" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$cached")"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
