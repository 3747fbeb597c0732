# shellcheck shell=bash
# Shared helpers for the netmond lab scripts (sourced, not run).
#
# Every peer is started in the background with its own PID file under $LAB_DIR/run/ and is stopped
# by that PID only (after checking the process still looks like the one we started).

LAB_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$LAB_SCRIPTS/../.." && pwd)"
LAB_DIR="${NETMOND_LAB_DIR:-$REPO/.lab}"
VENV="${NETMOND_VENV:-$REPO/.venv}"
RUN_DIR="$LAB_DIR/run"

# Ports (UDP, 127.0.0.1). Non-standard so a system snmpd/nfcapd can run beside the lab.
SNMPD_PORT="${NETMOND_LAB_SNMPD_PORT:-16161}"
SNMPSIM_BASE_PORT="${NETMOND_LAB_SNMPSIM_BASE_PORT:-16171}"
NFCAPD_PORT="${NETMOND_LAB_NFCAPD_PORT:-19995}"

# Lab-only test credentials (never use them anywhere else).
SNMPD_COMMUNITY="${NETMOND_LAB_COMMUNITY:-netmond-lab}"

# net-snmp client tools: no MIB files, no system config, no writes under /var/lib/snmp.
export MIBS=""
export SNMP_PERSISTENT_DIR="$LAB_DIR/snmp-client"

lab_log() { printf '%s: %s\n' "${LAB_NAME:-lab}" "$*"; }
lab_die() { printf '%s: ERROR: %s\n' "${LAB_NAME:-lab}" "$*" >&2; exit 1; }

_lab_tag() { [ "$1" = "${LAB_NAME:-}" ] || printf '%s: ' "$1"; }

lab_init_dirs() {
  mkdir -p "$LAB_DIR" "$RUN_DIR" "$SNMP_PERSISTENT_DIR"
}

# lab_pid NAME -> prints the PID if NAME's pid file exists and that process is alive and its
# command line mentions the lab dir (guards against a recycled PID). Returns 1 otherwise.
lab_pid() {
  local pf="$RUN_DIR/$1.pid" pid
  [ -s "$pf" ] || return 1
  pid="$(tr -dc '0-9' < "$pf")"
  [ -n "$pid" ] || return 1
  [ -d "/proc/$pid" ] || return 1
  # zombie counts as gone
  [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != "Z" ] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$LAB_DIR" || return 1
  printf '%s\n' "$pid"
}

lab_is_running() { lab_pid "$1" >/dev/null; }

# lab_stop NAME [TIMEOUT_S]: TERM the pid from NAME's pid file, wait, KILL if needed.
lab_stop() {
  local name="$1" timeout="${2:-5}" pid i
  if ! pid="$(lab_pid "$name")"; then
    lab_log "$(_lab_tag "$name")not running"
    rm -f "$RUN_DIR/$name.pid"
    return 0
  fi
  lab_log "$(_lab_tag "$name")stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    lab_is_running "$name" || break
    sleep 0.1
  done
  if lab_is_running "$name"; then
    lab_log "$(_lab_tag "$name")still alive after ${timeout}s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do
      lab_is_running "$name" || break
      sleep 0.1
    done
  fi
  if lab_is_running "$name"; then
    lab_die "$(_lab_tag "$name")pid $pid did not die"
  fi
  rm -f "$RUN_DIR/$name.pid"
  lab_log "$(_lab_tag "$name")stopped"
}

lab_status() {
  local name="$1" pid
  if pid="$(lab_pid "$name")"; then
    lab_log "$(_lab_tag "$name")running (pid $pid)"
    return 0
  fi
  lab_log "$(_lab_tag "$name")not running"
  return 3
}

# lab_spawn NAME LOGFILE CMD...: start CMD detached (own session, no tty, stdio to LOGFILE) and
# write its PID to NAME's pid file. CMD must stay in the foreground (-f / -D style).
lab_spawn() {
  local name="$1" logf="$2"
  shift 2
  setsid "$@" </dev/null >>"$logf" 2>&1 &
  local pid=$!
  printf '%s\n' "$pid" > "$RUN_DIR/$name.pid"
}

# lab_wait_udp_port PORT TIMEOUT_S: wait until something listens on udp 127.0.0.1:PORT.
lab_port_in_use() {
  ss -Hlun "sport = :$1" 2>/dev/null | grep -q .
}

# lab_wait_snmp PORT COMMUNITY TIMEOUT_S [OID]
lab_wait_snmp() {
  local port="$1" comm="$2" timeout="$3" oid="${4:-1.3.6.1.2.1.1.1.0}" deadline
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if snmpget -v2c -c "$comm" -On -t 0.5 -r 0 "udp:127.0.0.1:$port" "$oid" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

lab_require() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || lab_die "'$c' not found: run scripts/install-deps.sh"
  done
}
