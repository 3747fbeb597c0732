#!/usr/bin/env bash
# REST API benchmark: the release netmond serving an authenticated device list (100 devices) and
# a 1-day series (1,440 points), with a JWT and with an API key, beside nginx serving the very
# same JSON bytes as static files, in the same run, all on loopback. wrk saturating runs
# (requests/s and latency distribution), then a ~1,000 req/s paced run (wrk with a Lua delay:
# 10 connections × one request per 10 ms) for the p99 at that rate, once idle and once while
# IPFIX flows are replayed into the same daemon (scripts/bench/flow-replay.py, FLOW_RATE
# datagrams/s of 30 records, default 500 = 15,000 flows/s, bounded by the run's length).
# Usage: scripts/bench/api.sh [SECONDS per run, default 10]
#   NETMOND_BIN=path  use this netmond binary instead of building the release one
#   FLOW_RATE=n       IPFIX datagrams/s during the paced run with flow ingest
#   PERF_DIR=dir      also profile the daemon (perf record -g) during each saturating netmond run
#                     into dir/NAME.data (reports: perf report -i FILE --no-children | swift-demangle)
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$(pwd)"
SECONDS_PER_RUN="${1:-10}"

FLOW_RATE="${FLOW_RATE:-500}"
if [ -n "${NETMOND_BIN:-}" ]; then
  BIN="$NETMOND_BIN"
else
  swift build -c release --product netmond
  BIN="$(swift build -c release --show-bin-path)/netmond"
fi

WORK="$(mktemp -d /tmp/netmond-api-bench.XXXXXX)"
PID=""
NGINX_PID=""
cleanup() {
  [ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill -TERM "$NGINX_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PORT="$(free_port)"
NGINX_PORT="$(free_port)"
FLOW_PORT="$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"

cat > "$WORK/netmond.yaml" <<YAML
log: {level: warning, format: text}
http: {address: 127.0.0.1, port: $PORT}
storage: {path: $WORK/netmond.db}
snmp: {enabled: false}
flows:
  listeners: [{protocol: ipfix, address: 127.0.0.1, port: $FLOW_PORT}]
YAML
PASSWORD="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$PASSWORD" | "$BIN" user add --admin --config "$WORK/netmond.yaml" bench >/dev/null
"$BIN" run --config "$WORK/netmond.yaml" >"$WORK/netmond.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

API="http://127.0.0.1:$PORT/api/v1"
TOKEN="$(curl -fsS -H 'Content-Type: application/json' -d "{\"username\":\"bench\",\"password\":\"$PASSWORD\"}" \
  "$API/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
KEY="$(curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"name":"bench","role":"viewer"}' \
  "$API/api-keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')"
for i in $(seq 1 100); do
  curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"bench-$i\",\"address\":\"192.0.2.$i\",\"tags\":[\"bench\"],\"snmp\":{\"version\":\"2c\",\"community\":\"bench\"}}" \
    "$API/devices"
done
# One day of one-minute samples of one series, written the way the storage writer lays them out.
NOW_MS="$(($(date +%s) * 1000))"
sqlite3 "$WORK/netmond.db" <<SQL
INSERT INTO series (device_id, metric, unit, kind) VALUES (1, 'if_in_octets', 'B/s', 'rate');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1439)
INSERT INTO samples (series_id, ts, value) SELECT 1, $NOW_MS - 86400000 + i * 60000, 1000000 + (i % 97) * 1234.5 FROM n;
INSERT INTO series_latest (series_id, first_ts, ts, value) VALUES (1, $NOW_MS - 86400000, $NOW_MS - 60000, 1000000);
SQL
FROM=$((NOW_MS - 86400000))
DEVICES="$API/devices?limit=100"
SERIES="$API/series?ids=1&from=$FROM&to=$NOW_MS&step=60000"

mkdir -p "$WORK/www" "$WORK/nginx"
chmod 755 "$WORK" "$WORK/www"   # nginx workers (nobody) read the static files
curl -fsS -H "Authorization: Bearer $TOKEN" "$DEVICES" > "$WORK/www/devices.json"
curl -fsS -H "Authorization: Bearer $TOKEN" "$SERIES" > "$WORK/www/series.json"
python3 - "$WORK/www" <<'PY'
import json, sys
d = json.load(open(sys.argv[1] + "/devices.json")); s = json.load(open(sys.argv[1] + "/series.json"))
assert d["total"] == 100 and len(d["items"]) == 100, d["total"]
assert len(s["series"][0]["points"]) == 1440, len(s["series"][0]["points"])
PY
cat > "$WORK/nginx/nginx.conf" <<NGINX
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx; fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx;
  default_type application/json;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; }
}
NGINX
nginx -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
sleep 0.5
cat > "$WORK/pace.lua" <<'LUA'
function delay() return 10 end
LUA

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sizes: devices.json $(wc -c < "$WORK/www/devices.json") B, series.json $(wc -c < "$WORK/www/series.json") B"
run() { # name, extra wrk args...
  local name="$1"; shift
  local perf_pid=""
  if [ -n "${PERF_DIR:-}" ] && [[ "$name" == netmond* ]] && [[ " $* " == *" -c32 "* ]]; then
    mkdir -p "$PERF_DIR"
    perf record -F 999 -g -o "$PERF_DIR/${name//[^a-zA-Z0-9]/_}.data" -p "$PID" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  local out; out="$(wrk --latency "$@")"
  if [ -n "$perf_pid" ]; then kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true; fi
  local rps p50 p99
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  printf '%-34s %10s req/s   p50 %8s   p99 %8s\n' "$name" "$rps" "$p50" "$p99"
  grep -q "Non-2xx" <<<"$out" && { echo "  (non-2xx answers!)"; grep "Non-2xx" <<<"$out"; }
  return 0
}
SAT=(-t2 -c32 -d"${SECONDS_PER_RUN}s")
PACED=(-t2 -c10 -d"${SECONDS_PER_RUN}s" -s "$WORK/pace.lua")
echo "# saturating: wrk ${SAT[*]}"
run "nginx devices.json" "${SAT[@]}" "http://127.0.0.1:$NGINX_PORT/devices.json"
run "netmond devices, JWT" "${SAT[@]}" -H "Authorization: Bearer $TOKEN" "$DEVICES"
run "netmond devices, API key" "${SAT[@]}" -H "X-API-Key: $KEY" "$DEVICES"
run "nginx series.json" "${SAT[@]}" "http://127.0.0.1:$NGINX_PORT/series.json"
run "netmond 1-day series, JWT" "${SAT[@]}" -H "Authorization: Bearer $TOKEN" "$SERIES"
run "netmond 1-day series, API key" "${SAT[@]}" -H "X-API-Key: $KEY" "$SERIES"
echo "# paced ~1,000 req/s: wrk ${PACED[*]}"
run "nginx devices.json" "${PACED[@]}" "http://127.0.0.1:$NGINX_PORT/devices.json"
run "netmond devices, JWT" "${PACED[@]}" -H "Authorization: Bearer $TOKEN" "$DEVICES"
run "netmond devices, API key" "${PACED[@]}" -H "X-API-Key: $KEY" "$DEVICES"
run "netmond 1-day series, JWT" "${PACED[@]}" -H "Authorization: Bearer $TOKEN" "$SERIES"
echo "# paced ~1,000 req/s while $FLOW_RATE IPFIX datagrams/s ($((FLOW_RATE * 30)) flows/s) are replayed into netmond"
flows_before="$(sqlite3 "$WORK/netmond.db" 'SELECT coalesce(sum(records), 0) FROM flows_raw_packed' 2>/dev/null || echo 0)"
python3 scripts/bench/flow-replay.py "$FLOW_PORT" "$FLOW_RATE" "$((SECONDS_PER_RUN * 2 + 4))" > "$WORK/replay.out" &
REPLAY_PID=$!
sleep 2
run "netmond devices, JWT + flows" "${PACED[@]}" -H "Authorization: Bearer $TOKEN" "$DEVICES"
run "netmond devices, API key + flows" "${PACED[@]}" -H "X-API-Key: $KEY" "$DEVICES"
echo "  load during the flow run: $(cut -d' ' -f1-3 /proc/loadavg)"
wait "$REPLAY_PID" || true
sleep 3
echo "  replayer: $(cat "$WORK/replay.out"); flow records stored during the run: $(( $(sqlite3 "$WORK/netmond.db" 'SELECT coalesce(sum(records), 0) FROM flows_raw_packed') - flows_before ))"
echo "netmond RSS after: $(awk '/VmRSS/ {print $2 " kB"}' /proc/$PID/status)"
