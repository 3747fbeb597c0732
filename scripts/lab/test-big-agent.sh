#!/usr/bin/env bash
# Self-test of the 2,000-interface agent (scripts/lab/big-agent.sh): start, bulkwalk ifTable and
# ifXTable with -Cr50, check 2,000 rows per column and the counters against the generated
# expectation, stop, check nothing is left. `ok - ...` / `not ok - ...`, `N passed, N failed`.
set -uo pipefail
LAB_NAME=test-big-agent
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
B="$LAB_SCRIPTS/big-agent.sh"
PORT="${NETMOND_LAB_BIG_PORT:-16164}"
N="${NETMOND_LAB_BIG_INTERFACES:-2000}"
S="udp:127.0.0.1:$PORT"
PASS=0
FAIL=0
T0=$SECONDS
OUT="$LAB_DIR/test-big-agent"
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
notok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
finish() {
  trap - EXIT INT TERM
  echo "# total time $((SECONDS - T0)) s"
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
  exit $?
}
trap '"$B" stop >/dev/null 2>&1; notok "interrupted"; finish' INT TERM
mkdir -p "$LAB_DIR"; rm -rf "$OUT"; mkdir -p "$OUT"
if "$B" start >"$OUT/start.log" 2>&1; then ok "big-agent start"; else
  notok "big-agent start"; sed 's/^/#   /' "$OUT/start.log"; "$B" stop >/dev/null 2>&1; finish
fi
# rows per column: every column of the walk must have exactly N rows
per_column() { # FILE ENTRY_PREFIX NCOLS
  local bad
  bad="$(grep -v 'No more variables' "$1" | awk '{print $1}' | sed -E 's/\.[0-9]+$//' | sort | uniq -c |
    awk -v n="$N" '$1 != n' | wc -l)"
  [ "$(grep -v 'No more variables' "$1" | awk '{print $1}' | sed -E 's/\.[0-9]+$//' | sort -u | wc -l)" = "$3" ] && [ "$bad" = 0 ]
}
for t in "ifTable 1.3.6.1.2.1.2.2 22" "ifXTable 1.3.6.1.2.1.31.1.1 19"; do
  read -r name root ncols <<<"$t"
  t1=$SECONDS
  timeout 120 snmpbulkwalk -v2c -c big-2000 -On -t 5 -r 1 -Cr50 "$S" "$root" >"$OUT/$name.txt" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ] && per_column "$OUT/$name.txt" "$root" "$ncols"; then
    ok "$name: snmpbulkwalk -Cr50: $ncols columns x $N rows ($((SECONDS - t1)) s)"; else
    notok "$name: rc=$rc, rows per column: $(awk '{print $1}' "$OUT/$name.txt" | sed -E 's/\.[0-9]+$//' | sort | uniq -c | awk '{print $1}' | sort | uniq -c | tr '\n' ' ')"; fi
done
exp="$LAB_DIR/big-agent/big-2000.tsv"
got="$(grep '^\.1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.6\.' "$OUT/ifXTable.txt" | sed -E 's/^\.1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.6\.([0-9]+) = Counter64: ([0-9]+)$/\1\t\2/' | sort)"
want="$(tail -n +2 "$exp" | cut -f1,3 | sort)"
if [ -n "$got" ] && [ "$got" = "$want" ]; then ok "ifHCInOctets equal the generator's expectation"; else notok "ifHCInOctets differ from $exp"; fi
got="$(grep '^\.1\.3\.6\.1\.2\.1\.2\.2\.1\.10\.' "$OUT/ifTable.txt" | sed -E 's/^\.1\.3\.6\.1\.2\.1\.2\.2\.1\.10\.([0-9]+) = Counter32: ([0-9]+)$/\1\t\2/' | sort)"
want="$(tail -n +2 "$exp" | cut -f1,4 | sort)"
if [ -n "$got" ] && [ "$got" = "$want" ]; then ok "ifInOctets equal the generator's expectation"; else notok "ifInOctets differ from $exp"; fi
if [ "$(timeout 10 snmpget -v2c -c big-2000 -On -Oqv -t 2 -r 1 "$S" 1.3.6.1.2.1.2.1.0)" = "$N" ]; then ok "ifNumber = $N"; else notok "ifNumber"; fi
if "$B" stop >"$OUT/stop.log" 2>&1; then ok "big-agent stop"; else notok "big-agent stop"; fi
if pgrep -f -- "$LAB_DIR/big-agent/" >/dev/null; then notok "process left"; else ok "no process left"; fi
if lab_port_in_use "$PORT"; then notok "port $PORT still bound"; else ok "port $PORT free"; fi
finish
