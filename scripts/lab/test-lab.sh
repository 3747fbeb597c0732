#!/usr/bin/env bash
# Self-test of the netmond lab: brings it up, checks every peer with real clients, brings it down
# and checks nothing is left. Prints `ok - ...` / `not ok - ...` per check and a final
# `N passed, N failed` line; exits 1 if any check failed. Bounded: every client call has a timeout.
#
#   scripts/lab/test-lab.sh            (root; run scripts/install-deps.sh first)
set -uo pipefail
LAB_NAME=test-lab
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
HERE="$LAB_SCRIPTS"
T0=$SECONDS
PASS=0
FAIL=0
OUT="$LAB_DIR/test-lab"
FIXTURE="$REPO/Tests/Fixtures/pcap/mixed-300.pcap"
TRUTH="$REPO/Tests/Fixtures/pcap/mixed-300.flows.tsv"

ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
notok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
check() { # check DESCRIPTION CMD... : ok if CMD succeeds
  local d="$1"; shift
  if "$@"; then ok "$d"; else notok "$d"; fi
}

finish() {
  trap - EXIT INT TERM
  echo "# total time $((SECONDS - T0)) s"
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
  exit $?
}
on_abort() {
  echo "# interrupted: bringing the lab down"
  "$HERE/lab.sh" down >/dev/null 2>&1 || true
  notok "test run interrupted"
  finish
}
trap on_abort INT TERM

SNMPOPTS=(-On -t 2 -r 1)
walk() { timeout 30 snmpbulkwalk "${SNMPOPTS[@]}" "$@" 2>&1; }
get1() { timeout 10 snmpget "${SNMPOPTS[@]}" -Oqv "$@" 2>/dev/null; }
count_prefix() { grep -c "^\.$1\." || true; }

# ------------------------------------------------------------------ up
mkdir -p "$LAB_DIR"
if "$HERE/lab.sh" up >"$LAB_DIR/test-lab-up.log" 2>&1; then
  ok "lab up ($((SECONDS - T0)) s)"
else
  notok "lab up (see $LAB_DIR/test-lab-up.log)"
  sed 's/^/#   /' "$LAB_DIR/test-lab-up.log"
  "$HERE/lab.sh" down >/dev/null 2>&1 || true
  finish
fi
rm -rf "$OUT"; mkdir -p "$OUT"

# ------------------------------------------------------------------ snmpd v2c
S="udp:127.0.0.1:$SNMPD_PORT"
walk -v2c -c "$SNMPD_COMMUNITY" "$S" 1.3.6.1.2.1.2.2 >"$OUT/snmpd-iftable.txt"
n=$(count_prefix 1.3.6.1.2.1.2.2.1.2 <"$OUT/snmpd-iftable.txt")
check "snmpd v2c ifTable walk: $n ifDescr rows" [ "$n" -ge 1 ]
walk -v2c -c "$SNMPD_COMMUNITY" "$S" 1.3.6.1.2.1.31.1.1 >"$OUT/snmpd-ifxtable.txt"
n=$(count_prefix 1.3.6.1.2.1.31.1.1.1.6 <"$OUT/snmpd-ifxtable.txt")
check "snmpd v2c ifXTable walk: $n ifHCInOctets rows" [ "$n" -ge 1 ]
check "snmpd rejects a wrong community" \
  bash -c "! timeout 10 snmpget -On -t 0.5 -r 0 -v2c -c wrong-community $S 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1"

# ------------------------------------------------------------------ snmpd v3
while IFS='|' read -r name ap apw pp ppw lvl; do
  case "$lvl" in
    priv) args=(-l authPriv -a "$ap" -A "$apw" -x "$pp" -X "$ppw"); lname="authPriv $ap/$pp" ;;
    auth) args=(-l authNoPriv -a "$ap" -A "$apw"); lname="authNoPriv $ap" ;;
    *) args=(-l noAuthNoPriv); lname="noAuthNoPriv" ;;
  esac
  walk -v3 -u "$name" "${args[@]}" "$S" 1.3.6.1.2.1.31.1.1 >"$OUT/snmpd-v3-$name.txt"
  n=$(count_prefix 1.3.6.1.2.1.31.1.1.1.6 <"$OUT/snmpd-v3-$name.txt")
  check "snmpd v3 $lname user $name: ifXTable walk, $n ifHCInOctets rows" [ "$n" -ge 1 ]
done < <("$HERE/snmpd.sh" users)
check "snmpd v3 rejects a wrong auth password (labSHA)" \
  bash -c "! timeout 10 snmpget -On -t 0.5 -r 0 -v3 -u labSHA -l authPriv -a SHA -A wrongpassword -x AES -X labSHApriv01 $S 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1"

# ------------------------------------------------------------------ snmpsim
MANIFEST="$LAB_DIR/snmpsim/agents.tsv"
check "snmpsim manifest lists agents" [ "$(grep -vc '^name' "$MANIFEST" 2>/dev/null || echo 0)" -ge 4 ]
while IFS=$'\t' read -r name port comm rec; do
  [ "$name" != name ] || continue
  A="udp:127.0.0.1:$port"
  want_if=$(grep -c '^1\.3\.6\.1\.2\.1\.2\.2\.1\.2\.' "$rec")
  want_hc=$(grep -c '^1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.6\.' "$rec")
  walk -v2c -c "$comm" "$A" 1.3.6.1.2.1.2.2 >"$OUT/$name-iftable.txt"
  n=$(count_prefix 1.3.6.1.2.1.2.2.1.2 <"$OUT/$name-iftable.txt")
  check "snmpsim $name (port $port) ifTable walk: $n/$want_if ifDescr rows" [ "$n" -eq "$want_if" -a "$n" -gt 0 ]
  walk -v2c -c "$comm" "$A" 1.3.6.1.2.1.31.1.1 >"$OUT/$name-ifxtable.txt"
  n=$(count_prefix 1.3.6.1.2.1.31.1.1.1.6 <"$OUT/$name-ifxtable.txt")
  check "snmpsim $name (port $port) ifXTable walk: $n/$want_hc ifHCInOctets rows" [ "$n" -eq "$want_hc" -a "$n" -gt 0 ]
done <"$MANIFEST"

# v3 authPriv against one snmpsim agent (context name = agent name)
read -r name port comm rec < <(sed -n 2p "$MANIFEST")
v=$(get1 -v3 -u labsim -l authPriv -a SHA -A labsimauth01 -x AES -X labsimpriv01 -n "$comm" \
  "udp:127.0.0.1:$port" 1.3.6.1.2.1.1.5.0)
check "snmpsim $name v3 authPriv SHA/AES get sysName: $v" [ -n "$v" ]

# counters move at the configured rate (ifHCInOctets of the interface with the highest rate)
read -r name port comm rec < <(sed -n 3p "$MANIFEST")
RATES="$LAB_DIR/snmpsim/$name.rates.tsv"
read -r oid _ _ rate < <(awk -F'\t' 'NR > 1 && $1 ~ /^1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.6\./' "$RATES" | sort -t$'\t' -k4,4n | tail -1)
a=$(get1 -v2c -c "$comm" "udp:127.0.0.1:$port" "$oid"); ta=$(date +%s.%N)
sleep 2
b=$(get1 -v2c -c "$comm" "udp:127.0.0.1:$port" "$oid"); tb=$(date +%s.%N)
if [[ "$a" =~ ^[0-9]+$ && "$b" =~ ^[0-9]+$ ]]; then
  measured=$(awk -v a="$a" -v b="$b" -v ta="$ta" -v tb="$tb" 'BEGIN { printf "%.0f", (b - a) / (tb - ta) }')
  check "snmpsim $name counter $oid moved $a -> $b ($measured B/s, configured $rate)" \
    awk -v m="$measured" -v r="$rate" 'BEGIN { exit !(m > 0.8 * r && m < 1.2 * r) }'
else
  notok "snmpsim $name counter $oid readable twice (got '$a', '$b')"
fi
u1=$(get1 -v2c -c "$comm" "udp:127.0.0.1:$port" 1.3.6.1.2.1.1.3.0 | tr -dc 0-9)
sleep 0.3
u2=$(get1 -v2c -c "$comm" "udp:127.0.0.1:$port" 1.3.6.1.2.1.1.3.0 | tr -dc 0-9)
check "snmpsim $name sysUpTime advances ($u1 -> $u2)" [ "${u2:-0}" -gt "${u1:-0}" ]

# ------------------------------------------------------------------ flows
want_flows=$(awk -F'\t' '$1 ~ /^[0-9]+$/' "$TRUTH" | wc -l)
want_pkts=$(awk -F'\t' '$1 ~ /^[0-9]+$/ { s += $8 } END { print s }' "$TRUTH")
want_bytes=$(awk -F'\t' '$1 ~ /^[0-9]+$/ { s += $9 } END { print s }' "$TRUTH")
want4_flows=$(awk -F'\t' '$1 ~ /^[0-9]+$/ && $2 == 4' "$TRUTH" | wc -l)
want4_pkts=$(awk -F'\t' '$1 ~ /^[0-9]+$/ && $2 == 4 { s += $8 } END { print s }' "$TRUTH")
want4_bytes=$(awk -F'\t' '$1 ~ /^[0-9]+$/ && $2 == 4 { s += $9 } END { print s }' "$TRUTH")
for ver in 9 10 5; do
  label="NetFlow v$ver"; [ "$ver" != 10 ] || label=IPFIX
  if [ "$ver" = 5 ]; then wf=$want4_flows wp=$want4_pkts wb=$want4_bytes; else wf=$want_flows wp=$want_pkts wb=$want_bytes; fi
  "$HERE/flows.sh" clear >/dev/null 2>&1
  if ! "$HERE/flows.sh" start >/dev/null 2>&1; then notok "nfcapd restart for $label"; continue; fi
  if ! "$HERE/flows.sh" replay "$FIXTURE" "$ver" >"$OUT/replay-v$ver.log" 2>&1; then
    notok "softflowd replay of fixture as $label (see $OUT/replay-v$ver.log)"; continue
  fi
  sleep 0.3 # let nfcapd drain its socket
  "$HERE/flows.sh" flush >/dev/null 2>&1 || true
  timeout 20 "$HERE/flows.sh" dump -I >"$OUT/nfdump-v$ver.txt" 2>&1 || true
  f=$(awk '/^Flows:/ { print $2 }' "$OUT/nfdump-v$ver.txt")
  p=$(awk '/^Packets:/ { print $2 }' "$OUT/nfdump-v$ver.txt")
  b=$(awk '/^Bytes:/ { print $2 }' "$OUT/nfdump-v$ver.txt")
  check "softflowd $label -> nfcapd: nfdump sees $f/$wf flows, $p/$wp packets, $b/$wb bytes" \
    [ "${f:-x}" = "$wf" -a "${p:-x}" = "$wp" -a "${b:-x}" = "$wb" ]
done

# ------------------------------------------------------------------ down
if "$HERE/lab.sh" down >"$LAB_DIR/test-lab-down.log" 2>&1; then
  ok "lab down"
else
  notok "lab down (see $LAB_DIR/test-lab-down.log)"
  sed 's/^/#   /' "$LAB_DIR/test-lab-down.log"
fi
left=$(pgrep -af -- "$LAB_DIR/" | grep -v -e "^$$ " || true)
check "no process left from $LAB_DIR${left:+: $left}" [ -z "$left" ]
busy=""
for p in "$SNMPD_PORT" "$NFCAPD_PORT" $(awk -F'\t' 'NR > 1 { print $2 }' "$MANIFEST"); do
  lab_port_in_use "$p" && busy="$busy $p"
done
check "no lab UDP port still bound${busy:+:$busy}" [ -z "$busy" ]
for pf in snmpd snmpsim nfcapd; do
  [ ! -e "$RUN_DIR/$pf.pid" ] || busy="$busy $pf.pid"
done
check "no PID file left in $RUN_DIR" [ -z "${busy// /}" ] 
finish
