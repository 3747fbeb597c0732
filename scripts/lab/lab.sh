#!/usr/bin/env bash
# The whole netmond lab at once: private snmpd, snmpsim agents, nfcapd oracle collector.
# `up` does not start the poller-test agents (ctl-agent.sh, hostile-agent.sh, big-agent.sh: tests
# start the ones they need); `down` stops them too, `status` reports them, `env` gives their ports.
#
#   scripts/lab/lab.sh up|down|status|env
#
# `down` stops everything by PID file and then checks that no process whose command line mentions
# the lab dir is left. `env` prints shell assignments tests can eval (ports, dirs, manifest).
# See docs/LAB.md.
set -euo pipefail
LAB_NAME=lab
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
HERE="$LAB_SCRIPTS"

# Processes whose command line mentions the lab dir (zombies have none and do not count).
lab_leftovers() {
  pgrep -f -- "$LAB_DIR/" 2>/dev/null | grep -vx -e "$$" -e "${BASHPID:-$$}" || true
}

up() {
  lab_log "lab dir $LAB_DIR"
  "$HERE/snmpd.sh" start || { "$0" down >&2 || true; lab_die "snmpd failed"; }
  "$HERE/snmpsim.sh" start || { "$0" down >&2 || true; lab_die "snmpsim failed"; }
  "$HERE/flows.sh" start || { "$0" down >&2 || true; lab_die "nfcapd failed"; }
  lab_log "up: snmpd udp:127.0.0.1:$SNMPD_PORT, snmpsim $LAB_DIR/snmpsim/agents.tsv, nfcapd udp:127.0.0.1:$NFCAPD_PORT"
}

down() {
  local rc=0 left i
  "$HERE/flows.sh" stop || rc=1
  "$HERE/ctl-agent.sh" stop || rc=1
  "$HERE/hostile-agent.sh" stop || rc=1
  "$HERE/big-agent.sh" stop || rc=1
  "$HERE/snmpsim.sh" stop || rc=1
  "$HERE/snmpd.sh" stop || rc=1
  # a replay still running (e.g. an interrupted test)
  lab_stop softflowd-replay 2 || rc=1
  for ((i = 0; i < 30; i++)); do
    left="$(lab_leftovers)"
    [ -n "$left" ] || break
    sleep 0.1
  done
  if [ -n "$left" ]; then
    lab_log "processes still running from $LAB_DIR:"
    # shellcheck disable=SC2086
    ps -o pid,args -p $(echo $left | tr ' ' ',') >&2 || true
    lab_die "down: leftover processes (not killed: started elsewhere?)"
  fi
  [ "$rc" -eq 0 ] || lab_die "down: some stop failed"
  lab_log "down: nothing left running from $LAB_DIR"
}

status() {
  local rc=0
  "$HERE/snmpd.sh" status || rc=1
  "$HERE/snmpsim.sh" status || rc=1
  "$HERE/flows.sh" status || rc=1
  # optional agents (not started by up): reported, do not make status fail
  "$HERE/ctl-agent.sh" status || true
  "$HERE/hostile-agent.sh" status || true
  "$HERE/big-agent.sh" status || true
  return "$rc"
}

envvars() {
  cat <<EOT
NETMOND_LAB_DIR=$LAB_DIR
NETMOND_LAB_SNMPD_PORT=$SNMPD_PORT
NETMOND_LAB_COMMUNITY=$SNMPD_COMMUNITY
NETMOND_LAB_SNMPSIM_BASE_PORT=$SNMPSIM_BASE_PORT
NETMOND_LAB_SNMPSIM_MANIFEST=$LAB_DIR/snmpsim/agents.tsv
NETMOND_LAB_NFCAPD_PORT=$NFCAPD_PORT
NETMOND_LAB_NFCAPD_DIR=$LAB_DIR/flows/nfcapd
NETMOND_LAB_CTL_PORT=${NETMOND_LAB_CTL_PORT:-16162}
NETMOND_LAB_CTL_COMMUNITY=netmond-ctl
NETMOND_LAB_CTL_STATE=$LAB_DIR/ctl-agent/state.json
NETMOND_LAB_HOSTILE_PORT=${NETMOND_LAB_HOSTILE_PORT:-16163}
NETMOND_LAB_BIG_PORT=${NETMOND_LAB_BIG_PORT:-16164}
NETMOND_LAB_BIG_COMMUNITY=big-2000
EOT
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  env) envvars ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
