#!/usr/bin/env bash
# A fleet of N snmpsim agents for load benchmarks: N copies of one recorded 48-port switch (Cisco
# Catalyst 3560, IOS 12.2: 57 ifTable rows, 52 of them ethernetCsmacd, 56 with ifXTable HC counters)
# served by K snmpsim-command-responder processes (snmpsim is single-threaded, ~6.5k varbinds/s per
# process), one SNMP engine and one UDP port per agent.
#
#   scripts/bench/snmpsim-fleet.sh up N [K]   # start (or reuse) N agents in K processes (default 8)
#   scripts/bench/snmpsim-fleet.sh down       # stop every fleet process (by PID file), check none is left
#   scripts/bench/snmpsim-fleet.sh status
#   scripts/bench/snmpsim-fleet.sh pids       # PIDs of the running fleet processes, one a line
#
# Agent i (1-based) listens on udp:127.0.0.1:(BASE + i - 1), community sw%04d (= its file name: copies
# are hard links, snmpsim derives the community from the file's real path). The recording is the
# lab's rewrite (octet counters and sysUpTime move; see scripts/lab/snmpsim.sh). Endpoints for the
# benchmark: $DIR/endpoints.txt, `127.0.0.1:PORT:COMMUNITY`, one a line.
#
# Environment: NETMOND_BENCH_SNMP_DIR (default <repo>/.build/bench-snmp; every directory above it must
# be searchable by nobody), NETMOND_BENCH_SNMP_BASE_PORT (21001), NETMOND_BENCH_SNMP_START_TIMEOUT
# (seconds all agents may take to answer; default 300), NETMOND_VENV.
set -euo pipefail
LAB_NAME=snmpsim-fleet
DIR="${NETMOND_BENCH_SNMP_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.build/bench-snmp}"
# The lab helpers (PID files, checked stops) with the fleet's dir as their lab dir.
export NETMOND_LAB_DIR="$DIR"
# shellcheck source=../lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lab/common.sh"

BASE_PORT="${NETMOND_BENCH_SNMP_BASE_PORT:-21001}"
START_TIMEOUT="${NETMOND_BENCH_SNMP_START_TIMEOUT:-300}"
RECORDING="network/switch/cisco-c3560.snmprec.bz2"

fleet_names() { for f in "$RUN_DIR"/fleet-*.pid; do [ -e "$f" ] && basename "$f" .pid; done; return 0; }

fleet_pids() {
  local name
  for name in $(fleet_names); do lab_pid "$name" || true; done
}

prepare() {
  local n="$1" k="$2" root master i name port p
  root="$("$VENV/bin/python" -c 'import snmpsim_data, os; print(os.path.join(os.path.dirname(snmpsim_data.__file__), "data"))')" \
    || lab_die "snmpsim-data not importable from $VENV (run scripts/install-deps.sh)"
  mkdir -p "$DIR/data" "$DIR/cache" "$RUN_DIR" "$DIR/log" "$SNMP_PERSISTENT_DIR"
  master="$DIR/master.snmprec"
  if [ ! -s "$master" ]; then
    # Reuse the lab's counter rewrite (moving octet counters and sysUpTime).
    (
      set +e
      # shellcheck source=../lab/snmpsim.sh
      eval "$(sed -n '/^rewrite_recording()/,/^}/p' "$LAB_SCRIPTS/snmpsim.sh")"
      rewrite_recording "$root/$RECORDING" "$master" "$DIR/master.rates.tsv"
    )
  fi
  : > "$DIR/endpoints.txt.tmp"
  for ((p = 0; p < k; p++)); do : > "$DIR/args-$p.txt"; done
  for ((i = 1; i <= n; i++)); do
    name="$(printf 'sw%04d' "$i")"
    port=$((BASE_PORT + i - 1))
    mkdir -p "$DIR/data/$name"
    # A hard link (not a symlink): the community is the file's own path. Same inode, no extra disk.
    if [ ! "$DIR/data/$name/$name.snmprec" -ef "$master" ]; then
      ln -f "$master" "$DIR/data/$name/$name.snmprec"
    fi
    p=$(((i - 1) % k))
    printf -- '--v3-engine-id=auto\n--data-dir=%s\n--agent-udpv4-endpoint=127.0.0.1:%s\n' \
      "$DIR/data/$name" "$port" >> "$DIR/args-$p.txt"
    printf '127.0.0.1:%s:%s\n' "$port" "$name" >> "$DIR/endpoints.txt.tmp"
  done
  mv "$DIR/endpoints.txt.tmp" "$DIR/endpoints.txt"
  printf '%s %s\n' "$n" "$k" > "$DIR/fleet.size"
}

up() {
  local n="${1:?usage: up N [K]}" k="${2:-8}" p running user_args=() deadline line port comm left
  lab_require snmpget ss setsid bzcat awk
  [ -x "$VENV/bin/snmpsim-command-responder" ] || lab_die "$VENV/bin/snmpsim-command-responder missing: run scripts/install-deps.sh"
  running="$(fleet_pids | wc -l)"
  if [ "$running" -gt 0 ]; then
    if [ "$(cat "$DIR/fleet.size" 2>/dev/null)" = "$n $k" ] && [ "$running" -eq "$k" ]; then
      lab_log "already running: $n agents in $k processes"
      return 0
    fi
    lab_die "a different fleet is running ($(cat "$DIR/fleet.size" 2>/dev/null)): run down first"
  fi
  for ((p = 0; p < n; p++)); do
    if lab_port_in_use $((BASE_PORT + p)); then lab_die "udp port $((BASE_PORT + p)) in use (set NETMOND_BENCH_SNMP_BASE_PORT)"; fi
  done
  prepare "$n" "$k"
  if [ "$(id -u)" -eq 0 ]; then
    user_args=(--process-user=nobody --process-group=nogroup)
    chown -R nobody:nogroup "$DIR/cache" "$DIR/log"
    chmod -R a+rX "$DIR/data" "$DIR"
  fi
  for ((p = 0; p < k; p++)); do
    : > "$DIR/log/fleet-$p.log"
    [ "$(id -u)" -ne 0 ] || chown nobody:nogroup "$DIR/log/fleet-$p.log"
    lab_spawn "fleet-$p" "$DIR/log/fleet-$p.log" "$VENV/bin/snmpsim-command-responder" \
      "${user_args[@]}" --cache-dir="$DIR/cache" --logging-method=file:"$DIR/log/fleet-$p.log" --log-level=error \
      --args-from-file="$DIR/args-$p.txt"
  done
  lab_log "starting $n agents in $k processes on udp:127.0.0.1:$BASE_PORT..$((BASE_PORT + n - 1))"
  local started=$SECONDS
  deadline=$((SECONDS + START_TIMEOUT))
  left="$n"
  while IFS=: read -r _ port comm; do
    until snmpget -v2c -c "$comm" -On -t 0.5 -r 0 "udp:127.0.0.1:$port" 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1; do
      if ((SECONDS >= deadline)); then
        lab_log "agent $comm on port $port did not answer within ${START_TIMEOUT}s"
        tail -n 5 "$DIR"/log/fleet-*.log >&2 || true
        down
        lab_die "fleet did not start"
      fi
      if [ "$(fleet_pids | wc -l)" -lt "$k" ]; then
        tail -n 20 "$DIR"/log/fleet-*.log >&2 || true
        down
        lab_die "a fleet process died while starting"
      fi
      sleep 0.5
    done
    left=$((left - 1))
  done < "$DIR/endpoints.txt"
  lab_log "up: $n agents answering after $((SECONDS - started)) s; pids $(fleet_pids | xargs); endpoints $DIR/endpoints.txt"
}

down() {
  local name
  for name in $(fleet_names); do lab_stop "$name" 10; done
  # Nothing whose command line names the fleet's args files may remain.
  if pgrep -f -- "--args-from-file=$DIR/args-" >/dev/null; then
    lab_die "fleet processes still alive: $(pgrep -f -- "--args-from-file=$DIR/args-" | xargs)"
  fi
  lab_log "down"
}

status() {
  local name rc=0
  [ -n "$(fleet_names)" ] || { lab_log "not running"; return 3; }
  for name in $(fleet_names); do lab_status "$name" || rc=3; done
  return "$rc"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  status) status ;;
  pids) fleet_pids ;;
  *) echo "usage: $0 up N [K] | down | status | pids" >&2; exit 2 ;;
esac
