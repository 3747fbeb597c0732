#!/usr/bin/env bash
# Flow lab: nfcapd as an oracle collector, softflowd to replay a pcap as NetFlow v5/v9 or IPFIX.
#
#   scripts/lab/flows.sh start|stop|status|restart     nfcapd on udp:127.0.0.1:$NETMOND_LAB_NFCAPD_PORT (19995)
#   scripts/lab/flows.sh replay [PCAP] [5|9|10] [PORT]  export PCAP (default: the committed fixture
#                                                       Tests/Fixtures/pcap/mixed-300.pcap) with
#                                                       softflowd as NetFlow v5/v9/IPFIX (default 9)
#                                                       to 127.0.0.1:PORT (default: nfcapd's port)
#   scripts/lab/flows.sh flush                          make nfcapd write its current file (restart)
#   scripts/lab/flows.sh dump [NFDUMP ARGS...]          nfdump -R <nfcapd dir> ARGS (default -I)
#   scripts/lab/flows.sh clear                          stop nfcapd and delete its files
#
# nfcapd writes to $LAB_DIR/flows/nfcapd/ and only finishes a file at rotation (-t 60) or exit,
# hence `flush` before `dump`. softflowd runs in the foreground (-D), is bounded by a timeout
# (NETMOND_LAB_REPLAY_TIMEOUT, 60 s) and exits at the end of the file; `-a` (pcap times) is always
# used and `-c` never (softflowd 1.1.0 can hang with -c and -r). NetFlow v5 cannot carry IPv6.
set -euo pipefail
LAB_NAME=flows
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

FLOW_DIR="$LAB_DIR/flows"
NFCAPD_DIR="$FLOW_DIR/nfcapd"
NFCAPD_LOG="$FLOW_DIR/nfcapd.log"
FIXTURE="$REPO/Tests/Fixtures/pcap/mixed-300.pcap"
REPLAY_TIMEOUT="${NETMOND_LAB_REPLAY_TIMEOUT:-60}"

start() {
  lab_require nfcapd ss setsid
  lab_init_dirs
  if pid="$(lab_pid nfcapd)"; then
    lab_log "nfcapd already running (pid $pid) on udp:127.0.0.1:$NFCAPD_PORT"
    return 0
  fi
  lab_port_in_use "$NFCAPD_PORT" && lab_die "udp port $NFCAPD_PORT is already in use (set NETMOND_LAB_NFCAPD_PORT)"
  mkdir -p "$NFCAPD_DIR"
  lab_log "starting nfcapd on udp:127.0.0.1:$NFCAPD_PORT writing $NFCAPD_DIR (log $NFCAPD_LOG)"
  lab_spawn nfcapd "$NFCAPD_LOG" nfcapd -b 127.0.0.1 -p "$NFCAPD_PORT" -w "$NFCAPD_DIR" -t 60 \
    -B 8388608 -I netmond-lab
  local i
  for ((i = 0; i < 100; i++)); do
    lab_is_running nfcapd || break
    lab_port_in_use "$NFCAPD_PORT" && break
    sleep 0.1
  done
  if ! lab_is_running nfcapd || ! lab_port_in_use "$NFCAPD_PORT"; then
    tail -n 20 "$NFCAPD_LOG" >&2 || true
    lab_stop nfcapd || true
    lab_die "nfcapd did not start"
  fi
  lab_log "nfcapd up (pid $(lab_pid nfcapd))"
}

replay() {
  local pcap="${1:-$FIXTURE}" ver="${2:-9}" port="${3:-$NFCAPD_PORT}" rc=0
  lab_require softflowd timeout
  lab_init_dirs
  [ -r "$pcap" ] || lab_die "pcap $pcap not readable"
  case "$ver" in 5|9|10) ;; *) lab_die "version must be 5, 9 or 10 (IPFIX), not '$ver'" ;; esac
  mkdir -p "$FLOW_DIR"
  lab_log "softflowd: replaying $pcap as v$ver to 127.0.0.1:$port"
  # -p keeps its pid file in the lab dir (its default is /var/run/softflowd.pid); pid and log
  # files are per port, so replays to different collectors can run at the same time.
  local pidfile="$RUN_DIR/softflowd-replay-$port.pid" log="$FLOW_DIR/softflowd-replay-$port.log"
  timeout -k 2 "$REPLAY_TIMEOUT" softflowd -D -a -v "$ver" -m 200000 -r "$pcap" -n "127.0.0.1:$port" \
    -p "$pidfile" >"$log" 2>&1 || rc=$?
  rm -f "$pidfile"
  [ "$rc" -ne 124 ] || lab_die "softflowd did not finish within ${REPLAY_TIMEOUT}s (log $log)"
  [ "$rc" -eq 0 ] || lab_die "softflowd exited $rc (log $log)"
  lab_log "softflowd: done ($(grep -c . "$log" || true) log lines in $log)"
}

flush() {
  lab_is_running nfcapd || lab_die "nfcapd is not running"
  lab_stop nfcapd
  start
}

dump() {
  lab_require nfdump
  [ -d "$NFCAPD_DIR" ] || lab_die "no nfcapd data in $NFCAPD_DIR"
  if [ "$#" -eq 0 ]; then set -- -I; fi
  nfdump -R "$NFCAPD_DIR" "$@"
}

case "${1:-}" in
  start) start ;;
  stop) lab_stop nfcapd ;;
  restart) lab_stop nfcapd; start ;;
  status) lab_status nfcapd ;;
  replay) shift; replay "$@" ;;
  flush) flush ;;
  dump) shift; dump "$@" ;;
  clear) lab_stop nfcapd; rm -rf "$NFCAPD_DIR" ;;
  *) echo "usage: $0 start|stop|status|restart|replay [PCAP] [5|9|10] [PORT]|flush|dump [ARGS]|clear" >&2; exit 2 ;;
esac
