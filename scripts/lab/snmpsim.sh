#!/usr/bin/env bash
# snmpsim agents replaying recordings of real routers/switches (PyPI snmpsim-data), one SNMP engine
# per UDP endpoint, all in one snmpsim-command-responder process.
#
#   scripts/lab/snmpsim.sh start|stop|status|restart|manifest
#
# Agents (port = NETMOND_LAB_SNMPSIM_BASE_PORT + i, default 16171..16174):
#   cisco-c3560    Cisco Catalyst 3560 (IOS 12.2)      57 interfaces
#   juniper-mx960  Juniper MX960 (JUNOS 13.3R9)        61 interfaces
#   arista-7150s   Arista DCS-7150S-52-CL (EOS 4.20)   59 interfaces
#   huawei-s5720   Huawei S5720-36C-EI (VRP 5.160)     39 interfaces
# SNMPv2c community = agent name. Each recording is copied to $LAB_DIR/snmpsim/data/<name>/ and its
# counters are rewritten to the `numeric` variation so they move at a known rate (see
# $LAB_DIR/snmpsim/<name>.rates.tsv): for interface index i,
#   ifHCInOctets  (1.3.6.1.2.1.31.1.1.1.6.i, Counter64) and ifInOctets  (1.3.6.1.2.1.2.2.1.10.i, Counter32):
#       rate 1000*(1 + i%10) bytes/s from the recorded value
#   ifHCOutOctets (1.3.6.1.2.1.31.1.1.1.10.i) and ifOutOctets (1.3.6.1.2.1.2.2.1.16.i): half that
#   sysUpTime (1.3.6.1.2.1.1.3.0) advances 100 ticks/s.
# Counter32 values wrap at 2^32. Time zero is snmpsim's start.
# Log: $LAB_DIR/snmpsim/snmpsim.log, level NETMOND_LAB_SNMPSIM_LOG_LEVEL (error; info logs every request).
#
# SNMPv3 on every agent (LAB-ONLY TEST CREDENTIALS): user labsim, SHA "labsimauth01", AES
# "labsimpriv01"; context name "" is not mapped: use context name = agent name.
#
# Manifest for tests: $LAB_DIR/snmpsim/agents.tsv, header line then one line per agent:
#   name<TAB>port<TAB>community<TAB>recording   (recording = the copied .snmprec snmpsim serves)
set -euo pipefail
LAB_NAME=snmpsim
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SIM_DIR="$LAB_DIR/snmpsim"
LOG="$SIM_DIR/snmpsim.log"
MANIFEST="$SIM_DIR/agents.tsv"
START_TIMEOUT="${NETMOND_LAB_SNMPSIM_START_TIMEOUT:-60}"

# name|recording path inside snmpsim_data/data
AGENTS=(
  "cisco-c3560|network/switch/cisco-c3560.snmprec.bz2"
  "juniper-mx960|network/router/juniper-mx960-13-3r9-13.snmprec.bz2"
  "arista-7150s|cloud/arista-dcs-7150s-52-cl.snmprec.bz2"
  "huawei-s5720|network/router/huawei-s5720.snmprec.bz2"
)

sim_data_root() {
  "$VENV/bin/python" -c 'import snmpsim_data, os; print(os.path.join(os.path.dirname(snmpsim_data.__file__), "data"))'
}

# rewrite_recording SRC.bz2 DEST RATES: copy a recording, making octet counters and sysUpTime move.
rewrite_recording() {
  bzcat "$1" | awk -F'|' -v OFS='|' -v rates="$3" '
    function idx(oid, prefix) { return substr(oid, length(prefix) + 1) }
    BEGIN { print "oid\ttype\tinitial\trate_per_s" > rates }
    {
      oid = $1; tag = $2; val = $3
      rate = -1
      if (tag == "70" && index(oid, "1.3.6.1.2.1.31.1.1.1.6.") == 1) {
        i = idx(oid, "1.3.6.1.2.1.31.1.1.1.6."); rate = 1000 * (1 + i % 10)
      } else if (tag == "70" && index(oid, "1.3.6.1.2.1.31.1.1.1.10.") == 1) {
        i = idx(oid, "1.3.6.1.2.1.31.1.1.1.10."); rate = 500 * (1 + i % 10)
      } else if (tag == "65" && index(oid, "1.3.6.1.2.1.2.2.1.10.") == 1) {
        i = idx(oid, "1.3.6.1.2.1.2.2.1.10."); rate = 1000 * (1 + i % 10)
      } else if (tag == "65" && index(oid, "1.3.6.1.2.1.2.2.1.16.") == 1) {
        i = idx(oid, "1.3.6.1.2.1.2.2.1.16."); rate = 500 * (1 + i % 10)
      } else if (tag == "67" && oid == "1.3.6.1.2.1.1.3.0") {
        rate = 100
      }
      if (rate >= 0 && val ~ /^[0-9]+$/ && NF == 3) {
        print oid, tag ":numeric", "rate=" rate ",initial=" val ",wrap=1"
        printf "%s\t%s\t%s\t%s\n", oid, tag, val, rate > rates
      } else {
        print
      }
    }' > "$2.tmp"
  mv "$2.tmp" "$2"
}

prepare() {
  local root a name rel port i=0 rec
  root="$(sim_data_root)" || lab_die "snmpsim-data not importable from $VENV (run scripts/install-deps.sh)"
  mkdir -p "$SIM_DIR/data" "$SIM_DIR/cache"
  printf 'name\tport\tcommunity\trecording\n' > "$MANIFEST.tmp"
  : > "$SIM_DIR/args.txt"
  for a in "${AGENTS[@]}"; do
    IFS='|' read -r name rel <<<"$a"
    port=$((SNMPSIM_BASE_PORT + i))
    i=$((i + 1))
    [ -f "$root/$rel" ] || lab_die "recording $root/$rel not found (snmpsim-data version?)"
    mkdir -p "$SIM_DIR/data/$name"
    rec="$SIM_DIR/data/$name/$name.snmprec"
    # Community = file path relative to the data dir without extension = agent name.
    if [ ! -s "$rec" ] || [ "$root/$rel" -nt "$rec" ] || [ "${BASH_SOURCE[0]}" -nt "$rec" ]; then
      rewrite_recording "$root/$rel" "$rec" "$SIM_DIR/$name.rates.tsv"
    fi
    if lab_port_in_use "$port"; then
      lab_die "udp port $port (agent $name) is already in use (set NETMOND_LAB_SNMPSIM_BASE_PORT)"
    fi
    {
      echo "--v3-engine-id=auto"
      echo "--v3-user=labsim"
      echo "--v3-auth-key=labsimauth01"
      echo "--v3-auth-proto=SHA"
      echo "--v3-priv-key=labsimpriv01"
      echo "--v3-priv-proto=AES"
      echo "--data-dir=$SIM_DIR/data/$name"
      echo "--agent-udpv4-endpoint=127.0.0.1:$port"
    } >> "$SIM_DIR/args.txt"
    printf '%s\t%s\t%s\t%s\n' "$name" "$port" "$name" "$rec" >> "$MANIFEST.tmp"
  done
  mv "$MANIFEST.tmp" "$MANIFEST"
}

start() {
  lab_require snmpget ss setsid bzcat awk
  [ -x "$VENV/bin/snmpsim-command-responder" ] || lab_die "$VENV/bin/snmpsim-command-responder missing: run scripts/install-deps.sh"
  lab_init_dirs
  if pid="$(lab_pid snmpsim)"; then
    lab_log "already running (pid $pid); manifest $MANIFEST"
    return 0
  fi
  prepare
  local user_args=()
  if [ "$(id -u)" -eq 0 ]; then
    # snmpsim refuses to run as root; it drops to nobody, which must read the data and write the cache.
    user_args=(--process-user=nobody --process-group=nogroup)
    chown -R nobody:nogroup "$SIM_DIR/cache"
    chmod -R a+rX "$SIM_DIR/data" "$SIM_DIR"
  fi
  : > "$LOG"
  [ "$(id -u)" -ne 0 ] || chown nobody:nogroup "$LOG"
  lab_log "starting ${#AGENTS[@]} agents on udp:127.0.0.1:$SNMPSIM_BASE_PORT.. (log $LOG)"
  lab_spawn snmpsim "$LOG" "$VENV/bin/snmpsim-command-responder" \
    "${user_args[@]}" --cache-dir="$SIM_DIR/cache" --logging-method=file:"$LOG" --log-level="${NETMOND_LAB_SNMPSIM_LOG_LEVEL:-error}" \
    --args-from-file="$SIM_DIR/args.txt"
  local name port comm rec deadline
  deadline=$((SECONDS + START_TIMEOUT))
  while IFS=$'\t' read -r name port comm rec; do
    [ "$name" != name ] || continue
    if ! lab_wait_snmp "$port" "$comm" $((deadline - SECONDS > 1 ? deadline - SECONDS : 1)); then
      lab_log "agent $name on port $port did not answer; last log lines:"
      tail -n 20 "$LOG" >&2 || true
      lab_stop snmpsim || true
      lab_die "snmpsim did not start"
    fi
    lab_log "agent $name answering on udp:127.0.0.1:$port community $comm"
  done < "$MANIFEST"
  lab_log "up (pid $(lab_pid snmpsim)); manifest $MANIFEST"
}

case "${1:-}" in
  start) start ;;
  stop) lab_stop snmpsim 10 ;;
  restart) lab_stop snmpsim 10; start ;;
  status) lab_status snmpsim ;;
  manifest) cat "$MANIFEST" ;;
  *) echo "usage: $0 start|stop|status|restart|manifest" >&2; exit 2 ;;
esac
