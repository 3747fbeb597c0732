#!/usr/bin/env bash
# Hostile SNMPv2c responder for the netmond lab (scripts/lab/hostile-agent.py) on
# udp:127.0.0.1:$NETMOND_LAB_HOSTILE_PORT (16163): answers wrongly on purpose so the poller's error
# paths can be tested against real datagrams.
#
#   scripts/lab/hostile-agent.sh start [MODE]|stop|status|restart [MODE]|modes
#
# One instance serves every mode: the v2c community selects it (community `truncated` gets truncated
# responses, `slow` answers after 3 s, ...); any other community gets MODE (default `ok`).
# Modes: ok truncated oversized hugelength badlength wrongtype wrongtype-name garbage loop
# loop-lower wrongid silent slow (see docs/LAB.md). Log: $LAB_DIR/hostile-agent/hostile.log
# (one line per request). Random choices (truncation offset, garbage) come from a fixed seed
# (NETMOND_LAB_HOSTILE_SEED, default 1) so a run is reproducible. NETMOND_LAB_HOSTILE_SLOW (3)
# is the delay of mode slow, in seconds.
set -euo pipefail
LAB_NAME=hostile-agent
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

HOSTILE_PORT="${NETMOND_LAB_HOSTILE_PORT:-16163}"
H_DIR="$LAB_DIR/hostile-agent"
LOG="$H_DIR/hostile.log"
PY="${NETMOND_LAB_HOSTILE_PYTHON:-/usr/bin/python3}"
SCRIPT="$LAB_SCRIPTS/hostile-agent.py"
START_TIMEOUT="${NETMOND_LAB_START_TIMEOUT:-15}"

start() {
  local mode="${1:-ok}"
  lab_require snmpget ss setsid "$PY"
  lab_init_dirs
  mkdir -p "$H_DIR"
  if pid="$(lab_pid hostile-agent)"; then
    lab_log "already running (pid $pid) on udp:127.0.0.1:$HOSTILE_PORT"
    return 0
  fi
  if lab_port_in_use "$HOSTILE_PORT"; then
    lab_die "udp port $HOSTILE_PORT is already in use (set NETMOND_LAB_HOSTILE_PORT)"
  fi
  lab_log "starting on udp:127.0.0.1:$HOSTILE_PORT, default mode $mode (log $LOG)"
  # $LOG (inside the lab dir) is on the command line: lab_pid and lab.sh down recognise the process.
  lab_spawn hostile-agent "$H_DIR/stdout.log" "$PY" "$SCRIPT" --bind 127.0.0.1 --port "$HOSTILE_PORT" \
    --mode "$mode" --log "$LOG" --seed "${NETMOND_LAB_HOSTILE_SEED:-1}" --slow-delay "${NETMOND_LAB_HOSTILE_SLOW:-3}"
  if ! lab_wait_snmp "$HOSTILE_PORT" ok "$START_TIMEOUT" 1.3.6.1.2.1.1.3.0; then
    lab_log "no answer within ${START_TIMEOUT}s; last log lines:"
    tail -n 20 "$H_DIR/stdout.log" "$LOG" >&2 || true
    lab_stop hostile-agent || true
    lab_die "hostile-agent did not start"
  fi
  lab_log "up (pid $(lab_pid hostile-agent))"
}

case "${1:-}" in
  start) start "${2:-ok}" ;;
  stop) lab_stop hostile-agent ;;
  restart) lab_stop hostile-agent; start "${2:-ok}" ;;
  status) lab_status hostile-agent ;;
  modes) "$PY" -c 'import importlib.util,sys; s=importlib.util.spec_from_file_location("h",sys.argv[1]); m=importlib.util.module_from_spec(s); s.loader.exec_module(m); print("\n".join(m.MODES))' "$SCRIPT" ;;
  *) echo "usage: $0 start [MODE]|stop|status|restart [MODE]|modes" >&2; exit 2 ;;
esac
