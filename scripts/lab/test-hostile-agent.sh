#!/usr/bin/env bash
# Self-test of the hostile agent (scripts/lab/hostile-agent.sh): starts it, runs net-snmp's snmpget
# and snmpbulkwalk against every mode (selected by community), checks and records what the tools
# do (answer, error, timeout), throws junk datagrams at the agent, stops it and checks nothing is
# left. Prints `ok - ...` / `not ok - ...`, `# observed:` lines, and `N passed, N failed`.
# Bounded: every client runs with -t 1 -r 0 (slow: -t 5) under `timeout`.
set -uo pipefail
LAB_NAME=test-hostile-agent
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
HERE="$LAB_SCRIPTS"
H="$HERE/hostile-agent.sh"
PORT="${NETMOND_LAB_HOSTILE_PORT:-16163}"
S="udp:127.0.0.1:$PORT"
PASS=0
FAIL=0
T0=$SECONDS
OUT="$LAB_DIR/test-hostile-agent"
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
notok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
finish() {
  trap - EXIT INT TERM
  echo "# total time $((SECONDS - T0)) s"
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
  exit $?
}
trap '"$H" stop >/dev/null 2>&1; notok "interrupted"; finish' INT TERM

mkdir -p "$LAB_DIR"; rm -rf "$OUT"; mkdir -p "$OUT"
"$H" stop >/dev/null 2>&1
if "$H" start >"$OUT/start.log" 2>&1; then ok "hostile-agent start"; else
  notok "hostile-agent start"; sed 's/^/#   /' "$OUT/start.log"; "$H" stop >/dev/null 2>&1; finish
fi

OIDS=(1.3.6.1.2.1.1.3.0 1.3.6.1.2.1.2.2.1.10.1)
# run NAME CMD...: output in $OUT/NAME.out, rc in RC, elapsed ms in MS, first output line in FIRST
run() {
  local name="$1" t; shift
  t=$(date +%s%N)
  timeout 20 "$@" >"$OUT/$name.out" 2>&1
  RC=$?
  MS=$((($(date +%s%N) - t) / 1000000))
  FIRST="$(grep -v '^$' "$OUT/$name.out" | head -n 1 | cut -c1-100)"
}
get() { run "$1-get" snmpget -v2c -c "$1" -On -t "${2:-1}" -r 0 "$S" "${OIDS[@]}"; }
bwalk() { run "$1-walk" snmpbulkwalk -v2c -c "$1" -On -t 1 -r 0 -Cr5 "$S" 1.3.6.1.2.1.2.2; }
walk() { run "$1-nwalk" snmpwalk -v2c -c "$1" -On -t 1 -r 0 "$S" 1.3.6.1.2.1.2.2; }
observe() { echo "# observed: $1: $2 rc=$RC ${MS}ms: $FIRST"; }
timeout_expected() { # MODE TOOL: expect net-snmp to report a timeout (it drops what it cannot use)
  if [ "$RC" -eq 1 ] && grep -q '^Timeout: No Response' "$OUT/$1-$2.out"; then
    ok "$1: $2 times out (response dropped by net-snmp)"; else notok "$1: $2 rc=$RC: $FIRST"; fi
}

# ---- ok
get ok; observe ok snmpget
if [ "$RC" -eq 0 ] && grep -q '^\.1\.3\.6\.1\.2\.1\.2\.2\.1\.10\.1 = Counter32: 1000$' "$OUT/ok-get.out"; then
  ok "ok: snmpget answers"; else notok "ok: snmpget rc=$RC: $FIRST"; fi
bwalk ok; observe ok snmpbulkwalk
n="$(grep -c '^\.1\.3\.6\.1\.2\.1\.2\.2\.1\.10\.' "$OUT/ok-walk.out")"
if [ "$RC" -eq 0 ] && [ "$n" = 3 ]; then ok "ok: ifTable bulkwalk, 3 rows"; else notok "ok: bulkwalk rc=$RC rows=$n"; fi
run ok-xwalk snmpbulkwalk -v2c -c ok -On -t 1 -r 0 -Cr50 "$S" 1.3.6.1.2.1.31.1.1
n="$(grep -c '^\.1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.6\..* = Counter64: ' "$OUT/ok-xwalk.out")"
if [ "$RC" -eq 0 ] && [ "$n" = 3 ]; then ok "ok: ifXTable bulkwalk, 3 rows of ifHCInOctets"; else notok "ok: ifXTable rc=$RC rows=$n"; fi

# ---- modes that net-snmp cannot parse or match: it drops the datagram and times out
for m in truncated hugelength badlength wrongtype-name garbage wrongid silent; do
  get "$m"; observe "$m" snmpget; timeout_expected "$m" get
  bwalk "$m"; observe "$m" snmpbulkwalk; timeout_expected "$m" walk
done

# ---- oversized: one ~60 KB datagram, accepted
get oversized; observe oversized snmpget
n="$(grep -c '^\.1\.3\.6\.1\.4\.1\.99999\.1\.' "$OUT/oversized-get.out")"
if [ "$RC" -eq 0 ] && [ "$n" -ge 59 ]; then ok "oversized: snmpget accepts the ~60 KB response ($n padding varbinds)"; else
  notok "oversized: rc=$RC padding=$n"; fi
bwalk oversized; observe oversized snmpbulkwalk
n="$(grep -c '^\.1\.3\.6\.1\.2\.1\.2\.2\.1\.' "$OUT/oversized-walk.out")"
if [ "$RC" -eq 0 ] && [ "$n" -lt 30 ]; then
  ok "oversized: snmpbulkwalk ends early without error ($n of 30 ifTable rows: padding OIDs look like the end of the subtree)"; else
  notok "oversized: bulkwalk rc=$RC rows=$n"; fi

# ---- wrongtype: decoded, wrong types shown as they are
get wrongtype; observe wrongtype snmpget
if [ "$RC" -eq 0 ] && grep -q '^\.1\.3\.6\.1\.2\.1\.2\.2\.1\.10\.1 = STRING: "1000"$' "$OUT/wrongtype-get.out"; then
  ok "wrongtype: snmpget prints the counter as STRING (no type check)"; else notok "wrongtype: rc=$RC: $FIRST"; fi
bwalk wrongtype; observe wrongtype snmpbulkwalk
if [ "$RC" -eq 0 ] && ! grep -q Counter "$OUT/wrongtype-walk.out" && grep -q '^\.1\.3\.6\.1\.2\.1\.2\.2\.1\.10\.3 = STRING: "3000"$' "$OUT/wrongtype-walk.out"; then
  ok "wrongtype: bulkwalk completes, counters as STRING"; else notok "wrongtype: bulkwalk rc=$RC"; fi

# ---- loop / loop-lower: net-snmp's walk detects the non-increasing OID and stops with an error
for m in loop loop-lower; do
  get "$m"; observe "$m" snmpget
  if [ "$RC" -eq 0 ]; then ok "$m: snmpget (GET is answered correctly)"; else notok "$m: snmpget rc=$RC"; fi
  walk "$m"; observe "$m" snmpwalk
  if [ "$RC" -eq 1 ] && grep -q 'OID not increasing' "$OUT/$m-nwalk.out"; then ok "$m: snmpwalk stops: OID not increasing"; else
    notok "$m: snmpwalk rc=$RC: $FIRST"; fi
  bwalk "$m"; observe "$m" snmpbulkwalk
  if [ "$RC" -eq 1 ] && grep -q 'OID not increasing' "$OUT/$m-walk.out"; then
    ok "$m: snmpbulkwalk stops: OID not increasing ($(grep -c ' = ' "$OUT/$m-walk.out") varbinds printed first)"; else
    notok "$m: snmpbulkwalk rc=$RC: $FIRST"; fi
done
# without the check (-Cc) the walk never ends: bounded by timeout
run loop-lower-cc timeout 3 snmpwalk -v2c -c loop-lower -On -t 1 -r 0 -Cc "$S" 1.3.6.1.2.1.2.2
observe loop-lower "snmpwalk -Cc (under timeout 3)"
if [ "$RC" -eq 124 ]; then ok "loop-lower: snmpwalk -Cc is endless ($(grep -c ' = ' "$OUT/loop-lower-cc.out") varbinds in 3 s)"; else
  notok "loop-lower: snmpwalk -Cc rc=$RC"; fi

# ---- slow
get slow 1; observe slow "snmpget -t 1"; timeout_expected slow get
get slow 5; observe slow "snmpget -t 5"
if [ "$RC" -eq 0 ] && [ "$MS" -ge 2900 ] && [ "$MS" -lt 4500 ]; then ok "slow: answered after ${MS} ms"; else notok "slow: rc=$RC ${MS} ms"; fi

# ---- the agent survives junk and is still correct
python3 - "$PORT" <<'PY'
import random, socket, sys
r = random.Random(7)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
junk = [b"", b"\x30", b"\x30\x84\xff\xff\xff\xff", b"\x30\x03\x02\x01", b"\x30\x80\x02\x01\x01",
        b"\x30\x0c\x02\x01\x01\x04\x02ok\xa0\x03\x02\x01", bytes(1400)]
junk += [bytes(r.getrandbits(8) for _ in range(r.randint(1, 600))) for _ in range(300)]
junk += [b"\x30\x82\xff\xff" + bytes(r.getrandbits(8) for _ in range(60)) for _ in range(50)]
for j in junk:
    s.sendto(j, ("127.0.0.1", int(sys.argv[1])))
PY
sleep 0.3
if lab_is_running hostile-agent; then ok "agent alive after 357 junk datagrams"; else notok "agent died on junk"; fi
get ok
if [ "$RC" -eq 0 ]; then ok "agent still answers mode ok"; else notok "agent does not answer after junk"; fi
if grep -q undecodable "$LAB_DIR/hostile-agent/hostile.log" && ! grep -q 'internal error' "$LAB_DIR/hostile-agent/hostile.log"; then
  ok "log records undecodable datagrams, no internal error"; else notok "log: $(grep -c 'internal error' "$LAB_DIR/hostile-agent/hostile.log") internal errors"; fi

# ---- stop
if "$H" stop >"$OUT/stop.log" 2>&1; then ok "hostile-agent stop"; else notok "hostile-agent stop"; fi
if pgrep -f -- "$LAB_DIR/hostile-agent/" >/dev/null; then notok "process left"; else ok "no process left"; fi
if lab_port_in_use "$PORT"; then notok "port $PORT still bound"; else ok "port $PORT free"; fi
finish
