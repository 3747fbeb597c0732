#!/usr/bin/env bash
# Contract test of the REST API: starts the debug netmond on a fresh database in a temporary
# directory (loopback only), creates an admin, and runs schemathesis against the daemon's own
# OpenAPI document (/api/v1/openapi.json): no 5xx, every status, content type and body as
# documented. Bounded: NETMOND_SCHEMATHESIS_EXAMPLES examples per operation (default 25).
# Needs schemathesis in $NETMOND_VENV (scripts/install-deps.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"
VENV="${NETMOND_VENV:-$REPO/.venv}"
EXAMPLES="${NETMOND_SCHEMATHESIS_EXAMPLES:-25}"
BIN="${NETMOND_BIN:-$REPO/.build/debug/netmond}"
[ -x "$BIN" ] || { echo "api-contract: $BIN missing; run swift build first" >&2; exit 1; }
[ -x "$VENV/bin/schemathesis" ] || { echo "api-contract: schemathesis missing in $VENV; run scripts/install-deps.sh" >&2; exit 1; }

WORK="$(mktemp -d /tmp/netmond-api-contract.XXXXXX)"
PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A free TCP port on loopback.
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
cat > "$WORK/netmond.yaml" <<YAML
log:
  level: warning
  format: text
http:
  address: 127.0.0.1
  port: $PORT
storage:
  path: $WORK/netmond.db
snmp:
  enabled: false
flows:
  enabled: false
auth:
  bcrypt_cost: 4
  login_max_failures: 1000
YAML
"$BIN" check-config -q "$WORK/netmond.yaml"

PASSWORD="contract-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$PASSWORD" | "$BIN" user add --admin --config "$WORK/netmond.yaml" contract >/dev/null

"$BIN" run --config "$WORK/netmond.yaml" >"$WORK/netmond.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/netmond.log" >&2; exit 1; }
  sleep 0.1
done

TOKEN="$(curl -fsS -H 'Content-Type: application/json' \
  -d "{\"username\":\"contract\",\"password\":\"$PASSWORD\"}" \
  "http://127.0.0.1:$PORT/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
# A device so that paths with ids find something.
curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"name":"contract-1","address":"127.0.0.1","snmp":{"version":"2c","community":"contract"}}' \
  "http://127.0.0.1:$PORT/api/v1/devices"

echo "api-contract: schemathesis against http://127.0.0.1:$PORT/api/v1/openapi.json ($EXAMPLES examples per operation)"
status=0
cd "$WORK"   # schemathesis keeps its cache in the working directory
"$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "$EXAMPLES" \
  --suppress-health-check all \
  --no-color || status=$?
if ! kill -0 "$PID" 2>/dev/null; then
  echo "api-contract: netmond died during the run" >&2
  cat "$WORK/netmond.log" >&2
  exit 1
fi
exit $status
