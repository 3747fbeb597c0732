#!/usr/bin/env bash
# A device with 2,000 interfaces for the netmond lab: snmpsim serving a generated recording
# (scripts/lab/gen-big-agent.py, deterministic) on udp:127.0.0.1:$NETMOND_LAB_BIG_PORT (16164),
# v2c community big-2000. Its own snmpsim-command-responder process (PID file run/big-agent.pid),
# separate from snmpsim.sh's agents so either can run alone.
#
#   scripts/lab/big-agent.sh start|stop|status|restart|path
#
# Recording: $LAB_DIR/big-agent/data/big-2000.snmprec (regenerated when missing or older than the
# generator), expected rows: $LAB_DIR/big-agent/big-2000.tsv (ifIndex, ifName, ifHCInOctets,
# ifInOctets). NETMOND_LAB_BIG_INTERFACES (2000) changes the size; the community stays big-2000.
# SNMPv3 (lab-only): user labsim, SHA "labsimauth01", AES "labsimpriv01", context name big-2000.
set -euo pipefail
LAB_NAME=big-agent
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BIG_PORT="${NETMOND_LAB_BIG_PORT:-16164}"
BIG_N="${NETMOND_LAB_BIG_INTERFACES:-2000}"
BIG_NAME=big-2000
BIG_DIR="$LAB_DIR/big-agent"
LOG="$BIG_DIR/snmpsim.log"
REC="$BIG_DIR/data/$BIG_NAME.snmprec"
EXPECT="$BIG_DIR/$BIG_NAME.tsv"
GEN="$LAB_SCRIPTS/gen-big-agent.py"
START_TIMEOUT="${NETMOND_LAB_SNMPSIM_START_TIMEOUT:-60}"

prepare() {
  mkdir -p "$BIG_DIR/data" "$BIG_DIR/cache"
  # regenerate when missing, when the generator changed, or when the size changed
  if [ ! -s "$REC" ] || [ "$GEN" -nt "$REC" ] || ! grep -q "^1\.3\.6\.1\.2\.1\.2\.1\.0|2|$BIG_N\$" "$REC"; then
    lab_log "generating $BIG_N interfaces into $REC"
    /usr/bin/python3 "$GEN" --interfaces "$BIG_N" --seed 2000 --out "$REC.tmp" --expect "$EXPECT"
    mv "$REC.tmp" "$REC"
    rm -rf "$BIG_DIR/cache"; mkdir -p "$BIG_DIR/cache"
  fi
  {
    echo "--v3-engine-id=auto"
    echo "--v3-user=labsim"
    echo "--v3-auth-key=labsimauth01"
    echo "--v3-auth-proto=SHA"
    echo "--v3-priv-key=labsimpriv01"
    echo "--v3-priv-proto=AES"
    echo "--data-dir=$BIG_DIR/data"
    echo "--agent-udpv4-endpoint=127.0.0.1:$BIG_PORT"
  } > "$BIG_DIR/args.txt"
}

start() {
  lab_require snmpget ss setsid /usr/bin/python3
  [ -x "$VENV/bin/snmpsim-command-responder" ] || lab_die "$VENV/bin/snmpsim-command-responder missing: run scripts/install-deps.sh"
  lab_init_dirs
  if pid="$(lab_pid big-agent)"; then
    lab_log "already running (pid $pid) on udp:127.0.0.1:$BIG_PORT"
    return 0
  fi
  if lab_port_in_use "$BIG_PORT"; then
    lab_die "udp port $BIG_PORT is already in use (set NETMOND_LAB_BIG_PORT)"
  fi
  prepare
  local user_args=()
  if [ "$(id -u)" -eq 0 ]; then
    user_args=(--process-user=nobody --process-group=nogroup)
    chown -R nobody:nogroup "$BIG_DIR/cache"
    chmod -R a+rX "$BIG_DIR"
  fi
  : > "$LOG"
  [ "$(id -u)" -ne 0 ] || chown nobody:nogroup "$LOG"
  lab_log "starting on udp:127.0.0.1:$BIG_PORT, community $BIG_NAME (log $LOG)"
  lab_spawn big-agent "$LOG" "$VENV/bin/snmpsim-command-responder" \
    "${user_args[@]}" --cache-dir="$BIG_DIR/cache" --logging-method=file:"$LOG" \
    --log-level="${NETMOND_LAB_SNMPSIM_LOG_LEVEL:-error}" --args-from-file="$BIG_DIR/args.txt"
  if ! lab_wait_snmp "$BIG_PORT" "$BIG_NAME" "$START_TIMEOUT" 1.3.6.1.2.1.2.1.0; then
    lab_log "no answer within ${START_TIMEOUT}s; last log lines:"
    tail -n 20 "$LOG" >&2 || true
    lab_stop big-agent 10 || true
    lab_die "big-agent did not start"
  fi
  lab_log "up (pid $(lab_pid big-agent)), $BIG_N interfaces, recording $REC"
}

case "${1:-}" in
  start) start ;;
  stop) lab_stop big-agent 10 ;;
  restart) lab_stop big-agent 10; start ;;
  status) lab_status big-agent ;;
  path) echo "$REC" ;;
  *) echo "usage: $0 start|stop|status|restart|path" >&2; exit 2 ;;
esac
