#!/usr/bin/env bash
# Builds the netmond .deb with `dpkg-buildpackage -us -uc -b` (debhelper, compat 13).
#
#   scripts/deb/build-deb.sh [--version V] [--out DIR]
#
# packaging/debian/ is staged as debian/ in DIR/netmond-V/, next to `src`, a link to this
# repository; debian/rules runs the release build (static Swift runtime) in the repository, so
# an up-to-date .build/release is reused. The packages land in DIR (default .build/deb).
#
# The version has one source, NetmondVersion.current (Sources/NetmonCore/NetmondVersion.swift):
# the top entry of packaging/debian/changelog and the man page must carry the same version, or
# the build stops. --version V builds another package version without touching the repository
# (the upgrade test uses it): V must be NetmondVersion.current followed by a "+suffix", and a
# changelog entry for V is added in the staging copy only.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"
export PATH="$PATH:/opt/swift/usr/bin"

die() { printf 'build-deb: %s\n' "$*" >&2; exit 1; }

OUT="$REPO/.build/deb"
PACKAGE_VERSION=""
while [ $# -gt 0 ]; do
    case "$1" in
        --version) PACKAGE_VERSION="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        *) die "unknown argument $1 (usage: build-deb.sh [--version V] [--out DIR])" ;;
    esac
done

# ---------------------------------------------------------------- one version
UPSTREAM="$(sed -n 's/.*static let current = "\([^"]*\)".*/\1/p' Sources/NetmonCore/NetmondVersion.swift)"
[ -n "$UPSTREAM" ] || die "cannot read NetmondVersion.current from Sources/NetmonCore/NetmondVersion.swift"
CHANGELOG_VERSION="$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)"
[ "$CHANGELOG_VERSION" = "$UPSTREAM" ] \
    || die "packaging/debian/changelog is at $CHANGELOG_VERSION but NetmondVersion.current is $UPSTREAM: add a changelog entry (or fix the version)"
MAN_VERSION="$(sed -n 's/^\.TH NETMOND 8 "[^"]*" "netmond \([^"]*\)".*/\1/p' docs/netmond.8)"
[ "$MAN_VERSION" = "$UPSTREAM" ] || die "docs/netmond.8 says netmond $MAN_VERSION but NetmondVersion.current is $UPSTREAM"
if [ -z "$PACKAGE_VERSION" ]; then
    PACKAGE_VERSION="$UPSTREAM"
else
    case "$PACKAGE_VERSION" in
        "$UPSTREAM"+*) ;;
        *) die "--version $PACKAGE_VERSION must be $UPSTREAM+SUFFIX (the binary reports $UPSTREAM)" ;;
    esac
fi

# ---------------------------------------------------------------- staging
STAGE="$OUT/netmond-$PACKAGE_VERSION"
rm -rf "$STAGE"
mkdir -p "$STAGE"
cp -a packaging/debian "$STAGE/debian"
cp etc/netmond.service "$STAGE/debian/netmond.service"
ln -s "$REPO" "$STAGE/src"
if [ "$PACKAGE_VERSION" != "$UPSTREAM" ]; then
    {
        printf 'netmond (%s) bookworm; urgency=medium\n\n' "$PACKAGE_VERSION"
        printf '  * Rebuild of %s as %s (package upgrade test).\n\n' "$UPSTREAM" "$PACKAGE_VERSION"
        printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -l packaging/debian/changelog -S Maintainer)" "$(date -R)"
        cat packaging/debian/changelog
    } > "$STAGE/debian/changelog"
fi

ARCH="$(dpkg --print-architecture)"
rm -f "$OUT/netmond_${PACKAGE_VERSION}_$ARCH.deb" "$OUT/netmond-dbgsym_${PACKAGE_VERSION}_$ARCH.deb"
printf 'build-deb: dpkg-buildpackage -us -uc -b for netmond %s in %s\n' "$PACKAGE_VERSION" "$STAGE"
(cd "$STAGE" && dpkg-buildpackage -us -uc -b)
DEB="$OUT/netmond_${PACKAGE_VERSION}_$ARCH.deb"
[ -f "$DEB" ] || die "dpkg-buildpackage did not produce $DEB"
printf 'build-deb: %s\n' "$DEB"
