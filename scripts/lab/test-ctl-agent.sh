#!/usr/bin/env bash
# Self-test of the controllable agent (scripts/lab/ctl-agent.sh): start, set values, read them back
# with net-snmp's snmpget/snmpbulkwalk, check ordering, stop, check nothing is left. Prints
# `ok - ...` / `not ok - ...` and `N passed, N failed`; exits 1 on any failure. Bounded (timeouts).
set -uo pipefail
LAB_NAME=test-ctl-agent
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
HERE="$LAB_SCRIPTS"
CTL="$HERE/ctl-agent.sh"
PORT="${NETMOND_LAB_CTL_PORT:-16162}"
S="udp:127.0.0.1:$PORT"
C=netmond-ctl
PASS=0
FAIL=0
T0=$SECONDS
OUT="$LAB_DIR/test-ctl-agent"

ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
notok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
finish() {
  trap - EXIT INT TERM
  echo "# total time $((SECONDS - T0)) s"
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
  exit $?
}
trap '"$CTL" stop >/dev/null 2>&1; notok "interrupted"; finish' INT TERM

get() { timeout 10 snmpget -v2c -c "$C" -On -t 2 -r 1 "$S" "$@" 2>&1; }
walk() { timeout 30 snmpbulkwalk -v2c -c "$C" -On -t 2 -r 1 "$@" "$S" "${WALK_ROOT:?}" 2>&1; }
expect_get() { # expect_get DESCRIPTION OID EXPECTED_LINE
  local got
  got="$(get "$2")"
  if [ "$got" = "$3" ]; then ok "$1"; else notok "$1: got '$got', want '$3'"; fi
}
# is the OID list on stdin strictly increasing in lexicographic OID order?
oids_increasing() {
  awk '{print $1}' | sed 's/^\.//' | python3 -c '
import sys
prev = None
for line in sys.stdin:
    t = tuple(int(x) for x in line.strip().split("."))
    if prev is not None and t <= prev:
        print("out of order:", prev, t); sys.exit(1)
    prev = t
'
}

mkdir -p "$LAB_DIR"; rm -rf "$OUT"; mkdir -p "$OUT"
"$CTL" stop >/dev/null 2>&1
if "$CTL" reset && "$CTL" start >"$OUT/start.log" 2>&1; then ok "ctl-agent start"; else
  notok "ctl-agent start"; sed 's/^/#   /' "$OUT/start.log"; "$CTL" stop >/dev/null 2>&1; finish
fi

# ---- default state
expect_get "default sysUpTime" 1.3.6.1.2.1.1.3.0 ".1.3.6.1.2.1.1.3.0 = Timeticks: (100000) 0:16:40.00"
expect_get "default ifNumber = 2" 1.3.6.1.2.1.2.1.0 ".1.3.6.1.2.1.2.1.0 = INTEGER: 2"
expect_get "default ifName.1 = eth0" 1.3.6.1.2.1.31.1.1.1.1.1 '.1.3.6.1.2.1.31.1.1.1.1.1 = STRING: "eth0"'
expect_get "default ifHighSpeed.2 = 100" 1.3.6.1.2.1.31.1.1.1.15.2 ".1.3.6.1.2.1.31.1.1.1.15.2 = Gauge32: 100"
expect_get "default eth1 has no ifHCInOctets" 1.3.6.1.2.1.31.1.1.1.6.2 ".1.3.6.1.2.1.31.1.1.1.6.2 = No Such Instance currently exists at this OID"

# ---- values come from the script, not from snmpd's modules (host has lo with ifIndex 1)
expect_get "ifDescr.1 from the state, not the host" 1.3.6.1.2.1.2.2.1.2.1 '.1.3.6.1.2.1.2.2.1.2.1 = STRING: "eth0"'

# ---- set while running (no restart)
if "$CTL" set sysUpTime 4294967000 ifTableLastChange 12345 \
    if.1.ifInOctets 4294967290 if.1.ifOutOctets 4294967295 \
    if.1.ifHCInOctets 18446744073709551000 if.1.ifHCOutOctets 4294967296000 \
    if.1.ifInErrors 7 if.2.ifOperStatus 2 if.2.ifAlias "changed alias" if.2.ifInOctets 12; then
  ok "set (one atomic write)"
else
  notok "set"
fi
expect_get "sysUpTime set" 1.3.6.1.2.1.1.3.0 ".1.3.6.1.2.1.1.3.0 = Timeticks: (4294967000) 497 days, 2:27:50.00"
expect_get "ifTableLastChange set" 1.3.6.1.2.1.31.1.5.0 ".1.3.6.1.2.1.31.1.5.0 = Timeticks: (12345) 0:02:03.45"
expect_get "Counter32 near 2^32 (ifInOctets.1)" 1.3.6.1.2.1.2.2.1.10.1 ".1.3.6.1.2.1.2.2.1.10.1 = Counter32: 4294967290"
expect_get "Counter32 = 2^32-1 (ifOutOctets.1)" 1.3.6.1.2.1.2.2.1.16.1 ".1.3.6.1.2.1.2.2.1.16.1 = Counter32: 4294967295"
expect_get "Counter64 near 2^64 (ifHCInOctets.1)" 1.3.6.1.2.1.31.1.1.1.6.1 ".1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 18446744073709551000"
expect_get "Counter64 above 2^32 (ifHCOutOctets.1)" 1.3.6.1.2.1.31.1.1.1.10.1 ".1.3.6.1.2.1.31.1.1.1.10.1 = Counter64: 4294967296000"
expect_get "ifInErrors.1" 1.3.6.1.2.1.2.2.1.14.1 ".1.3.6.1.2.1.2.2.1.14.1 = Counter32: 7"
expect_get "ifOperStatus.2 down" 1.3.6.1.2.1.2.2.1.8.2 ".1.3.6.1.2.1.2.2.1.8.2 = INTEGER: 2"
expect_get "ifAlias.2" 1.3.6.1.2.1.31.1.1.1.18.2 '.1.3.6.1.2.1.31.1.1.1.18.2 = STRING: "changed alias"'
expect_get "ifInOctets.2" 1.3.6.1.2.1.2.2.1.10.2 ".1.3.6.1.2.1.2.2.1.10.2 = Counter32: 12"

# ---- several OIDs in one GET
got="$(get 1.3.6.1.2.1.1.3.0 1.3.6.1.2.1.2.2.1.10.1 1.3.6.1.2.1.31.1.1.1.6.1 | awk '{print $NF}' | tr '\n' ' ')"
if [ "$got" = "2:27:50.00 4294967290 18446744073709551000 " ]; then ok "one GET, three varbinds"; else notok "one GET, three varbinds: $got"; fi

# ---- set-json: a third interface, 32-bit only, no ifXTable row; ifIndex gap
cat >"$OUT/doc.json" <<'EOT'
{"interfaces": [
  {"ifIndex": 1, "ifDescr": "eth0", "ifSpeed": 1000000000, "ifHighSpeed": 1000, "ifHCInOctets": 5000000000},
  {"ifIndex": 2, "ifDescr": "eth1", "hc": false, "ifSpeed": 100000000, "ifHighSpeed": 100},
  {"ifIndex": 10, "ifDescr": "old0", "ifXTable": false, "ifInOctets": 99}
]}
EOT
if "$CTL" set-json <"$OUT/doc.json"; then ok "set-json"; else notok "set-json"; fi
expect_get "ifNumber follows the interface list" 1.3.6.1.2.1.2.1.0 ".1.3.6.1.2.1.2.1.0 = INTEGER: 3"
expect_get "ifInOctets.10 after set-json" 1.3.6.1.2.1.2.2.1.10.10 ".1.3.6.1.2.1.2.2.1.10.10 = Counter32: 99"
expect_get "ifHCInOctets.1 after set-json" 1.3.6.1.2.1.31.1.1.1.6.1 ".1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 5000000000"
expect_get "sysUpTime kept by set-json (merge)" 1.3.6.1.2.1.1.3.0 ".1.3.6.1.2.1.1.3.0 = Timeticks: (4294967000) 497 days, 2:27:50.00"
if ! "$CTL" set if.x.ifInOctets 1 2>/dev/null && ! echo '[1]' | "$CTL" set-json 2>/dev/null; then
  ok "bad set / set-json rejected"; else notok "bad set / set-json accepted"; fi

# ---- walks: ordering, rows per column, GETBULK with several repetitions
WALK_ROOT=1.3.6.1.2.1.2.2 walk -Cr7 >"$OUT/iftable.txt"
n10="$(grep -c '^\.1\.3\.6\.1\.2\.1\.2\.2\.1\.10\.' "$OUT/iftable.txt")"
if oids_increasing <"$OUT/iftable.txt" && [ "$n10" = 3 ]; then ok "ifTable bulkwalk ordered, 3 rows of ifInOctets"; else
  notok "ifTable bulkwalk (rows $n10)"; fi
WALK_ROOT=1.3.6.1.2.1.31.1.1 walk -Cr50 >"$OUT/ifxtable.txt"
nhc="$(grep -c '^\.1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.6\.' "$OUT/ifxtable.txt")"
nname="$(grep -c '^\.1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.1\.' "$OUT/ifxtable.txt")"
if oids_increasing <"$OUT/ifxtable.txt" && [ "$nhc" = 1 ] && [ "$nname" = 2 ]; then
  ok "ifXTable bulkwalk ordered (ifName rows 2, ifHCInOctets rows 1)"; else
  notok "ifXTable bulkwalk (ifName $nname, ifHCInOctets $nhc)"; sed 's/^/#   /' "$OUT/ifxtable.txt" | head -20; fi
WALK_ROOT=1.3.6.1.2.1 walk -Cr10 >"$OUT/mib2.txt"
got="$(grep -v "No more variables" "$OUT/mib2.txt" | grep -E '^\.1\.3\.6\.1\.2\.1\.(1\.3|2\.1|31\.1\.5)\.0 ' | awk '{print $1}' | tr '\n' ' ')"
if [ "$got" = ".1.3.6.1.2.1.1.3.0 .1.3.6.1.2.1.2.1.0 .1.3.6.1.2.1.31.1.5.0 " ] && ! grep -q '"lo"' "$OUT/mib2.txt" \
    && ! grep -v "No more variables" "$OUT/mib2.txt" | grep -vqE '^\.1\.3\.6\.1\.2\.1\.(1|2|31\.1\.1|31\.1\.5)\.'; then
  ok "walk of mib-2 crosses the pass_persist subtrees, only system + IF-MIB visible, no host interface"; else notok "mib-2 walk: $got"; fi
timeout 30 snmpwalk -v1 -c "$C" -On -t 2 -r 1 "$S" 1.3.6.1.2.1.31.1.1 >"$OUT/ifxtable-v1.txt" 2>&1
if ! grep -q Counter64 "$OUT/ifxtable-v1.txt" && [ "$(grep -c '^\.1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.1\.' "$OUT/ifxtable-v1.txt")" = 2 ]; then
  ok "SNMPv1 walk of ifXTable works (Counter64 skipped by the agent)"; else notok "SNMPv1 walk of ifXTable"; fi

# ---- reset
"$CTL" reset
expect_get "reset restores the default sysUpTime" 1.3.6.1.2.1.1.3.0 ".1.3.6.1.2.1.1.3.0 = Timeticks: (100000) 0:16:40.00"

# ---- stop, nothing left
if "$CTL" stop >"$OUT/stop.log" 2>&1; then ok "ctl-agent stop"; else notok "ctl-agent stop"; fi
sleep 0.2
if pgrep -f -- "$LAB_DIR/ctl-agent" >/dev/null; then notok "processes left: $(pgrep -af -- "$LAB_DIR/ctl-agent")"; else
  ok "no snmpd or pass_persist process left"; fi
if lab_port_in_use "$PORT"; then notok "port $PORT still bound"; else ok "port $PORT free"; fi
finish
