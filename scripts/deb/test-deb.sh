#!/usr/bin/env bash
# The package test (`make test-deb`, part of `make test`), as root on Debian 12:
#   1. build the .deb (scripts/deb/build-deb.sh) and check it: lintian without errors, no
#      libswift*.so left in the binary, dependencies from dh_shlibdeps, the conffile;
#   2. systemd-analyze verify and security --offline=true on the unit (exposure <= 2.0);
#   3. in a clean Debian 12 minbase root (debootstrap, cached under /var/cache and mounted
#      read-only below an overlay, so every run starts clean): apt-get install ./netmond_*.deb,
#      netmond version, the unit's ExecStart run as the netmond user with the unit's capabilities,
#      no-new-privileges, memory-deny-write-execute and umask, in a private network namespace:
#      READY=1 over NOTIFY_SOCKET, /healthz answers, SIGTERM stops it cleanly with STOPPING=1;
#   4. upgrade N -> N+1 (a rebuild with a bumped package version) keeps an edited config and the
#      database; the new version starts on it; remove keeps state, purge deletes it.
#
# NETMOND_DEB_ROOT_CACHE  the cached pristine root (default /var/cache/netmond-deb-test/bookworm-minbase)
# NETMOND_DEB_MIRROR      the Debian mirror (default http://deb.debian.org/debian)
# NETMOND_DEB_EXPOSURE    the highest acceptable exposure score (default 2.0)
# NETMOND_DEB_SKIP_BUILD  1: test the packages of the previous run (.build/deb) instead of building
# The whole script is one block, parsed before it runs: editing the file mid-run is then harmless.
{
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"
export PATH="$PATH:/opt/swift/usr/bin:/usr/sbin:/sbin"
STARTED=$(date +%s)

ROOT_CACHE="${NETMOND_DEB_ROOT_CACHE:-/var/cache/netmond-deb-test/bookworm-minbase}"
MIRROR="${NETMOND_DEB_MIRROR:-http://deb.debian.org/debian}"
MAX_EXPOSURE="${NETMOND_DEB_EXPOSURE:-2.0}"
PYTHON=/usr/bin/python3
ARCH="$(dpkg --print-architecture)"
UPSTREAM="$(sed -n 's/.*static let current = "\([^"]*\)".*/\1/p' Sources/NetmonCore/NetmondVersion.swift)"
NEXT="$UPSTREAM+upgradetest1"

log() { printf 'test-deb [%3ss]: %s\n' "$(($(date +%s) - STARTED))" "$*"; }
fail() { printf 'test-deb: FAIL: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root (debootstrap, chroot, mounts)"
for tool in debootstrap lintian dpkg-buildpackage systemd-analyze unshare nsenter setpriv curl sqlite3 "$PYTHON"; do
    command -v "$tool" >/dev/null || fail "$tool is missing: run scripts/install-deps.sh"
done

WORK="$(mktemp -d /tmp/netmond-deb-test.XXXXXX)"
ROOT="$WORK/root"
MOUNTS=()
DAEMON_PID=""
LISTENER_PID=""
cleanup() {
    local status=$?
    local pid
    for pid in $DAEMON_PID $LISTENER_PID; do
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    done
    local index
    for ((index = ${#MOUNTS[@]} - 1; index >= 0; index--)); do
        umount "${MOUNTS[index]}" 2>/dev/null || umount -l "${MOUNTS[index]}" 2>/dev/null || true
    done
    if findmnt -rn -o TARGET | grep -q "^$WORK"; then
        printf 'test-deb: mounts left under %s; not deleting it\n' "$WORK" >&2
    else
        rm -rf "$WORK"
    fi
    [ $status -eq 0 ] || printf 'test-deb: FAILED (exit %s) after %ss\n' "$status" "$(($(date +%s) - STARTED))" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mount_in_root() { # mount_in_root TARGET MOUNT-ARGS...
    local target="$1"; shift
    mount "$@" "$target"
    MOUNTS+=("$target")
}

# ---------------------------------------------------------------- 1. build and check the .deb
DEB="$REPO/.build/deb/netmond_${UPSTREAM}_$ARCH.deb"
DEB_NEXT="$REPO/.build/deb/next/netmond_${NEXT}_$ARCH.deb"
if [ "${NETMOND_DEB_SKIP_BUILD:-0}" = 1 ] && [ -f "$DEB" ] && [ -f "$DEB_NEXT" ]; then
    log "NETMOND_DEB_SKIP_BUILD=1: testing the packages built before"
else
    log "building netmond $UPSTREAM and $NEXT"
    scripts/deb/build-deb.sh > "$WORK/build-n.log" 2>&1 || { tail -40 "$WORK/build-n.log"; fail "make deb failed"; }
    # N+1 only has to install and run: compressed fast, without a -dbgsym package.
    NETMOND_DEB_COMPRESSION=gzip DEB_BUILD_OPTIONS=noautodbgsym \
        scripts/deb/build-deb.sh --version "$NEXT" --out "$REPO/.build/deb/next" > "$WORK/build-n1.log" 2>&1 \
        || { tail -40 "$WORK/build-n1.log"; fail "building $NEXT failed"; }
fi

log "lintian $(basename "$DEB")"
lintian --fail-on error --tag-display-limit 0 "$DEB" > "$WORK/lintian.txt" 2>&1 || { cat "$WORK/lintian.txt"; fail "lintian reports errors"; }
sed 's/^/  lintian: /' "$WORK/lintian.txt"

CONTENTS="$WORK/contents"
dpkg-deb -x "$DEB" "$CONTENTS"
dpkg-deb -e "$DEB" "$WORK/control"
if ldd "$CONTENTS/usr/sbin/netmond" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime'; then
    fail "the binary still links the Swift runtime dynamically"
fi
DEPENDS="$(dpkg-deb -f "$DEB" Depends)"
log "Depends: $DEPENDS"
for library in libsnmp40 libpcap0.8 libsqlite3-0 libc6; do
    grep -q "$library" <<<"$DEPENDS" || fail "Depends lacks $library (dh_shlibdeps): $DEPENDS"
done
grep -qx /etc/netmond/netmond.yaml "$WORK/control/conffiles" || fail "/etc/netmond/netmond.yaml is not a conffile"
cmp -s "$CONTENTS/etc/netmond/netmond.yaml" etc/netmond.yaml || fail "the packaged config differs from etc/netmond.yaml"
for file in usr/share/man/man8/netmond.8.gz usr/share/doc/netmond/netmond.yaml.gz usr/share/doc/netmond/copyright \
    lib/systemd/system/netmond.service; do
    [ -f "$CONTENTS/$file" ] || fail "/$file is not in the package"
done

# ---------------------------------------------------------------- 2. the unit
UNIT="$CONTENTS/lib/systemd/system/netmond.service"
log "systemd-analyze verify"
# The unit as installed, with the binary's path pointed into the unpacked package (verify checks
# that ExecStart is executable) and man pages looked up there (it checks Documentation=man:...).
mkdir "$WORK/unit"
sed "s#/usr/sbin/netmond#$CONTENTS/usr/sbin/netmond#g" "$UNIT" > "$WORK/unit/netmond.service"
MANPATH="$CONTENTS/usr/share/man" systemd-analyze verify "$WORK/unit/netmond.service" > "$WORK/verify.txt" 2>&1 \
    || { cat "$WORK/verify.txt"; fail "systemd-analyze verify failed"; }
[ ! -s "$WORK/verify.txt" ] || { cat "$WORK/verify.txt"; fail "systemd-analyze verify printed warnings"; }
systemd-analyze security --offline=true "$UNIT" > "$WORK/security.txt" 2>&1 || true
EXPOSURE="$(sed -n 's/.*Overall exposure level for netmond.service: \([0-9.]*\).*/\1/p' "$WORK/security.txt")"
[ -n "$EXPOSURE" ] || { cat "$WORK/security.txt"; fail "systemd-analyze security printed no score"; }
awk -v e="$EXPOSURE" -v max="$MAX_EXPOSURE" 'BEGIN { exit !(e <= max) }' \
    || { grep '✗' "$WORK/security.txt"; fail "exposure $EXPOSURE is above $MAX_EXPOSURE"; }
log "systemd-analyze security --offline=true: exposure $EXPOSURE (target <= $MAX_EXPOSURE)"
EXEC_START="$(sed -n 's/^ExecStart=//p' "$UNIT")"
[ -n "$EXEC_START" ] || fail "the unit has no ExecStart"

# ---------------------------------------------------------------- 3. a clean Debian 12 root
if [ ! -x "$ROOT_CACHE/usr/bin/apt-get" ]; then
    log "debootstrap --variant=minbase bookworm into $ROOT_CACHE (once; later runs reuse it)"
    rm -rf "$ROOT_CACHE.tmp"
    mkdir -p "$(dirname "$ROOT_CACHE")"
    debootstrap --variant=minbase bookworm "$ROOT_CACHE.tmp" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 \
        || { tail -20 "$WORK/debootstrap.log"; fail "debootstrap failed"; }
    mv "$ROOT_CACHE.tmp" "$ROOT_CACHE"
fi
mkdir -p "$WORK/upper" "$WORK/overlay-work" "$ROOT"
mount_in_root "$ROOT" -t overlay overlay -o "lowerdir=$ROOT_CACHE,upperdir=$WORK/upper,workdir=$WORK/overlay-work"
mount_in_root "$ROOT/proc" -t proc proc
mount_in_root "$ROOT/dev" --bind /dev
mount_in_root "$ROOT/sys" -t sysfs sysfs -o ro
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$MIRROR" "$MIRROR" > "$ROOT/etc/apt/sources.list"
cp "$DEB" "$DEB_NEXT" "$ROOT/tmp/"
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }

log "apt-get update in the clean root"
in_root apt-get update -q > "$WORK/apt-update.log" 2>&1 || { cat "$WORK/apt-update.log"; fail "apt-get update failed"; }
BEFORE="$(in_root dpkg-query -W -f '${Package}\n' | sort)"
log "apt-get install ./netmond_${UPSTREAM}_$ARCH.deb"
in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$DEB")" > "$WORK/install-n.log" 2>&1 \
    || { cat "$WORK/install-n.log"; fail "apt-get install of $UPSTREAM failed"; }
ADDED="$(comm -13 <(echo "$BEFORE") <(in_root dpkg-query -W -f '${Package}\n' | sort) | tr '\n' ' ')"
log "installed with: $ADDED"

VERSION_OUTPUT="$(in_root netmond version)" || fail "netmond version failed in the clean root"
grep -qx "netmond $UPSTREAM" <<<"$(head -1 <<<"$VERSION_OUTPUT")" || fail "netmond version printed: $VERSION_OUTPUT"
log "netmond version: $(tr '\n' ' ' <<<"$VERSION_OUTPUT")"
in_root getent passwd netmond | grep -q ':/var/lib/netmond:/usr/sbin/nologin$' || fail "no netmond system user"
[ "$(in_root stat -c '%U:%G %a' /var/lib/netmond)" = "netmond:netmond 750" ] \
    || fail "/var/lib/netmond is $(in_root stat -c '%U:%G %a' /var/lib/netmond), not netmond:netmond 750"
[ "$(in_root stat -c '%U:%G %a' /etc/netmond/netmond.yaml)" = "root:netmond 640" ] \
    || fail "/etc/netmond/netmond.yaml is $(in_root stat -c '%U:%G %a' /etc/netmond/netmond.yaml), not root:netmond 640"

# run_service NAME: runs the unit's ExecStart as systemd would (user, capabilities,
# no-new-privileges, MemoryDenyWriteExecute through PR_SET_MDWE, UMask) in a private network
# namespace with only loopback, checks READY=1, /healthz, SIGTERM -> exit 0 and STOPPING=1.
run_service() {
    local name="$1" notify="$ROOT/run/netmond-notify.sock" messages="$WORK/$1.notify" output="$WORK/$1.out"
    rm -f "$notify"
    "$PYTHON" - "$notify" "$messages" <<'PY' &
import os, socket, sys
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
sock.settimeout(90)
with open(sys.argv[2], "w", buffering=1) as out:
    try:
        while True:
            message = sock.recv(4096).decode()
            out.write(message.replace("\n", " ") + "\n")
            if "STOPPING=1" in message:
                break
    except socket.timeout:
        pass
PY
    LISTENER_PID=$!
    local waited=0
    while [ ! -S "$notify" ] && [ $waited -lt 50 ]; do sleep 0.1; waited=$((waited + 1)); done
    # shellcheck disable=SC2086 # EXEC_START is the unit's command line, split as systemd does
    "$PYTHON" -c '
import ctypes, os, sys
PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 1
if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
    sys.exit("prctl(PR_SET_MDWE) failed: " + os.strerror(ctypes.get_errno()))
os.execvp(sys.argv[1], sys.argv[1:])
' unshare --net /bin/sh -c 'ip link set lo up && exec "$@"' sh \
        chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin HOME=/var/lib/netmond LANG=C.UTF-8 \
        NOTIFY_SOCKET=/run/netmond-notify.sock WATCHDOG_USEC=2000000 \
        /bin/sh -c 'umask 0027 && exec "$@"' sh \
        setpriv --reuid=netmond --regid=netmond --init-groups --no-new-privs \
        --inh-caps=-all,+net_raw,+net_bind_service --ambient-caps=-all,+net_raw,+net_bind_service \
        --bounding-set=-all,+net_raw,+net_bind_service \
        $EXEC_START > "$output" 2>&1 &
    DAEMON_PID=$!
    # Probe only once the daemon is in its own network namespace (never the host's 8080).
    local tries=0
    while [ "$(readlink "/proc/$DAEMON_PID/ns/net" 2>/dev/null)" = "$(readlink /proc/self/ns/net)" ] && [ $tries -lt 100 ]; do
        sleep 0.05
        tries=$((tries + 1))
    done
    local health=""
    tries=0
    while [ $tries -lt 300 ] && kill -0 "$DAEMON_PID" 2>/dev/null; do
        if health="$(nsenter --net="/proc/$DAEMON_PID/ns/net" curl -fsS --max-time 2 http://127.0.0.1:8080/healthz 2>/dev/null)"; then break; fi
        health=""
        sleep 0.1
        tries=$((tries + 1))
    done
    [ -n "$health" ] || { cat "$output"; fail "$name: /healthz did not answer within 30 s"; }
    grep -q '"status":"ok"' <<<"$health" || fail "$name: /healthz answered $health"
    tries=0
    while ! grep -q "^READY=1" "$messages" && [ $tries -lt 50 ]; do sleep 0.1; tries=$((tries + 1)); done
    grep -q "^READY=1" "$messages" || { cat "$messages" "$output"; fail "$name: no READY=1 on NOTIFY_SOCKET"; }
    [ "$(awk '/^NoNewPrivs/ { print $2 }' /proc/"$DAEMON_PID"/status)" = 1 ] || fail "$name: no-new-privileges is not set"
    [ "$(awk '/^Uid/ { print $2 }' /proc/"$DAEMON_PID"/status)" = "$(in_root id -u netmond)" ] || fail "$name: not running as netmond"
    sleep 1.2 # one watchdog period (WATCHDOG_USEC=2 s: a WATCHDOG=1 every second)
    kill -TERM "$DAEMON_PID"
    local status=0 deadline=$(($(date +%s) + 20))
    while kill -0 "$DAEMON_PID" 2>/dev/null && [ "$(date +%s)" -lt $deadline ]; do sleep 0.1; done
    kill -0 "$DAEMON_PID" 2>/dev/null && { cat "$output"; fail "$name: still running 20 s after SIGTERM"; }
    wait "$DAEMON_PID" || status=$?
    DAEMON_PID=""
    [ $status -eq 0 ] || { cat "$output"; fail "$name: exit status $status after SIGTERM"; }
    grep -q "netmond stopped" "$output" || { cat "$output"; fail "$name: no 'netmond stopped' in the log"; }
    wait "$LISTENER_PID" || true
    LISTENER_PID=""
    grep -q "^WATCHDOG=1" "$messages" || { cat "$messages"; fail "$name: no WATCHDOG=1 on NOTIFY_SOCKET"; }
    grep -q "^STOPPING=1" "$messages" || { cat "$messages"; fail "$name: no STOPPING=1 on NOTIFY_SOCKET"; }
    [ "$(in_root stat -c '%U %a' /var/lib/netmond/netmond.db)" = "netmond 640" ] \
        || fail "$name: the database is $(in_root stat -c '%U %a' /var/lib/netmond/netmond.db), not netmond 640 (UMask=0027)"
    log "$name: READY=1, /healthz ok, WATCHDOG=1, SIGTERM -> STOPPING=1 and exit 0 (as netmond, MDWE, no-new-privs)"
}
run_service "run-$UPSTREAM"

# ---------------------------------------------------------------- 4. upgrade, remove, purge
log "editing the config and adding a row to the database"
MARKER="deb-upgrade-test-$$"
printf '\n# %s: an admin edit that must survive the upgrade\n' "$MARKER" >> "$ROOT/etc/netmond/netmond.yaml"
sed -i 's/^  level: info$/  level: debug/' "$ROOT/etc/netmond/netmond.yaml"
sqlite3 "$ROOT/var/lib/netmond/netmond.db" \
    "INSERT INTO devices (name, address, created_at, updated_at) VALUES ('$MARKER', '192.0.2.1', 0, 0);"
device_kept() { [ "$(sqlite3 "$ROOT/var/lib/netmond/netmond.db" "SELECT count(*) FROM devices WHERE name = '$MARKER';")" = 1 ]; }
config_kept() { grep -q "$MARKER" "$ROOT/etc/netmond/netmond.yaml" && grep -q '^  level: debug$' "$ROOT/etc/netmond/netmond.yaml"; }

log "apt-get install ./netmond_${NEXT}_$ARCH.deb (upgrade)"
in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$DEB_NEXT")" < /dev/null > "$WORK/install-n1.log" 2>&1 \
    || { cat "$WORK/install-n1.log"; fail "upgrade to $NEXT failed"; }
[ "$(in_root dpkg-query -W -f '${Version}' netmond)" = "$NEXT" ] || fail "netmond is not at $NEXT after the upgrade"
config_kept || fail "the upgrade lost the config edit"
device_kept || fail "the upgrade lost the database row"
[ "$(in_root stat -c '%U:%G %a' /etc/netmond/netmond.yaml)" = "root:netmond 640" ] || fail "the upgrade changed the config's owner or mode"
run_service "run-$NEXT"
device_kept || fail "netmond $NEXT lost the database row when it started"
grep -q 'debug' "$WORK/run-$NEXT.out" || fail "netmond $NEXT did not use the edited config (log.level: debug)"
[ "$(sqlite3 "$ROOT/var/lib/netmond/netmond.db" 'PRAGMA integrity_check;')" = ok ] || fail "database integrity_check failed"
log "upgrade $UPSTREAM -> $NEXT kept the config edit and the data; $NEXT started on them"

in_root apt-get remove -y -q netmond > "$WORK/remove.log" 2>&1 || { cat "$WORK/remove.log"; fail "apt-get remove failed"; }
[ ! -e "$ROOT/usr/sbin/netmond" ] || fail "remove left /usr/sbin/netmond"
device_kept || fail "remove deleted the database"
config_kept || fail "remove deleted the config"
in_root getent passwd netmond >/dev/null || fail "remove deleted the netmond user"
in_root apt-get purge -y -q netmond > "$WORK/purge.log" 2>&1 || { cat "$WORK/purge.log"; fail "apt-get purge failed"; }
[ ! -e "$ROOT/var/lib/netmond" ] || fail "purge left /var/lib/netmond"
[ ! -e "$ROOT/etc/netmond" ] || fail "purge left /etc/netmond"
! in_root getent passwd netmond >/dev/null || fail "purge left the netmond user"
! in_root getent group netmond >/dev/null || fail "purge left the netmond group"
log "remove kept state and config; purge deleted state, config, user and group"

log "PASS in $(($(date +%s) - STARTED)) s"
exit 0
}
