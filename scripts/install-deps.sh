#!/usr/bin/env bash
# Install everything netmond needs to build and to run its lab of real peers on a
# Debian 12 machine, as root. Idempotent: a second run checks and does nothing.
#
#   scripts/install-deps.sh            # apt packages + <repo>/.venv (snmpsim, scapy, ...)
#
# Env: NETMOND_VENV (default <repo>/.venv), NETMOND_SKIP_APT=1, NETMOND_SKIP_VENV=1.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${NETMOND_VENV:-$REPO/.venv}"

log() { printf 'install-deps: %s\n' "$*"; }
die() { printf 'install-deps: ERROR: %s\n' "$*" >&2; exit 1; }
trap 'rc=$?; [ $rc -eq 0 ] || printf "install-deps: FAILED (exit %s)\n" "$rc" >&2' EXIT

[ "$(id -u)" -eq 0 ] || die "must run as root (apt-get install)"
command -v dpkg-query >/dev/null || die "not a Debian system (no dpkg-query)"

APT_PACKAGES=(
  # build
  libsnmp-dev libpcap-dev libsqlite3-dev pkg-config sqlite3
  # lab peers and tools
  snmpd snmp softflowd nfdump pmacct fprobe tshark tcpreplay iproute2 procps psmisc curl openssl
  # benchmark peers
  rrdtool
  # packet capture tests (tcpdump beside netmond) and scripts/bench/pcap.sh (/usr/bin/time)
  tcpdump time
  # peer of the alerting benchmark (rule evaluation)
  prometheus
  # python for snmpsim / scapy
  python3 python3-venv python3-gdbm
  # the dashboard's browser tests (scripts/browser/: WebDriver from the standard library)
  chromium chromium-driver
  # Debian package and its test (scripts/deb): build, lint, a clean root, the unit's checks
  debhelper dpkg-dev lintian debootstrap systemd util-linux
)
# Python packages for the venv (snmpsim and its recordings pinned: the lab picks recordings by path;
# scapy pinned so scripts/lab/gen-traffic.py regenerates the same fixture).
PY_PACKAGES=(snmpsim==1.2.2 snmpsim-data==1.0.1 cryptography scapy==2.8.0 schemathesis==4.32.5 aiosmtpd==1.4.6)
VENV_REQ_VERSION=1

# ---------------------------------------------------------------- apt
missing_packages() {
  local p st
  for p in "${APT_PACKAGES[@]}"; do
    st="$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)"
    [ "$st" = "installed" ] || printf '%s\n' "$p"
  done
}

if [ "${NETMOND_SKIP_APT:-0}" = 1 ]; then
  log "NETMOND_SKIP_APT=1: skipping apt"
else
  mapfile -t MISSING < <(missing_packages)
  if [ "${#MISSING[@]}" -eq 0 ]; then
    log "apt: all ${#APT_PACKAGES[@]} packages already installed"
  else
    log "apt: missing: ${MISSING[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # tshark: do not ask whether non-root users may capture.
    log "apt: preseeding wireshark-common/install-setuid=false"
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections \
      || die "debconf-set-selections failed"
    # Do not let the packages start their system services (snmpd on udp 161, nfcapd on 2055,
    # fprobe capturing eth0...) while installing: the lab runs its own instances on other ports.
    # Only when no policy-rc.d exists already; removed again right after apt.
    POLICY=/usr/sbin/policy-rc.d
    if [ ! -e "$POLICY" ]; then
      log "apt: installing a temporary $POLICY (no service starts during install)"
      printf '#!/bin/sh\n# temporary, from netmond scripts/install-deps.sh\nexit 101\n' > "$POLICY"
      chmod 755 "$POLICY"
      trap 'rc=$?; rm -f "$POLICY"; [ $rc -eq 0 ] || printf "install-deps: FAILED (exit %s)\n" "$rc" >&2' EXIT
    fi
    log "apt: apt-get update"
    apt-get update -q -o DPkg::Lock::Timeout=600 || die "apt-get update failed"
    log "apt: apt-get install ${MISSING[*]}"
    apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends "${MISSING[@]}" \
      || die "apt-get install failed for: ${MISSING[*]}"
    if [ -n "${POLICY:-}" ] && grep -q 'netmond scripts/install-deps.sh' "$POLICY" 2>/dev/null; then
      rm -f "$POLICY"
    fi
    mapfile -t STILL < <(missing_packages)
    [ "${#STILL[@]}" -eq 0 ] || die "still not installed after apt-get: ${STILL[*]}"
    log "apt: done"
  fi
fi

# System services that are already installed or running (snmpd on 127.0.0.1:161, nfdump's nfcapd
# on 2055...) are left alone: the lab uses other ports (docs/LAB.md).

# ---------------------------------------------------------------- venv
if [ "${NETMOND_SKIP_VENV:-0}" = 1 ]; then
  log "NETMOND_SKIP_VENV=1: skipping virtualenv"
  exit 0
fi

MARKER="$VENV/.netmond-requirements"
WANT="v$VENV_REQ_VERSION ${PY_PACKAGES[*]}"
if [ -x "$VENV/bin/python" ] && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$WANT" ] \
   && [ -x "$VENV/bin/snmpsim-command-responder" ]; then
  log "venv: $VENV already has: ${PY_PACKAGES[*]}"
else
  if [ ! -x "$VENV/bin/python" ]; then
    log "venv: creating $VENV with /usr/bin/python3 -m venv"
    /usr/bin/python3 -m venv "$VENV" || die "python3 -m venv failed (is python3-venv installed?)"
  fi
  log "venv: pip install ${PY_PACKAGES[*]}"
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || log "venv: (pip self-upgrade failed, continuing)"
  "$VENV/bin/python" -m pip install -q "${PY_PACKAGES[@]}" || die "pip install failed"
  "$VENV/bin/python" -c 'import snmpsim, scapy, cryptography, aiosmtpd' || die "venv imports failed"
  [ -x "$VENV/bin/snmpsim-command-responder" ] || die "snmpsim-command-responder missing in $VENV/bin"
  printf '%s\n' "$WANT" > "$MARKER"
  log "venv: done"
fi

# snmpsim runs as nobody when started as root: it must be able to read the venv and every
# directory above it.
if [ -n "$(find "$VENV" \( ! -perm -o+r -o \( -type d ! -perm -o+x \) \) ! -type l -print -quit)" ]; then
  log "venv: making $VENV readable by others"
  chmod -R a+rX "$VENV"
fi
d="$VENV"
while [ "$d" != "/" ]; do
  d="$(dirname "$d")"
  perm="$(stat -c '%A' "$d")"
  if [ "${perm:9:1}" != "x" ] && [ "${perm:9:1}" != "t" ]; then
    log "venv: WARNING: $d is not searchable by others ($perm); snmpsim as nobody will fail"
  fi
done
if command -v runuser >/dev/null; then
  runuser -u nobody -- "$VENV/bin/python" -c 'import snmpsim' 2>/dev/null \
    || die "user nobody cannot import snmpsim from $VENV (check directory permissions)"
  log "venv: readable by nobody: ok"
fi
log "all dependencies present"
