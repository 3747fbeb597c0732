#!/usr/bin/env bash
# CPU cost per record of packing raw flows, unpacking them and the per-minute aggregation, built
# straight from the pure Storage sources with swiftc -O (no package build needed; see
# scripts/bench/flow-pack-micro.swift).
#   scripts/bench/flow-pack-micro.sh
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$PATH:/opt/swift/usr/bin"
WORK="$(mktemp -d /tmp/flow-pack-micro.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
# One module: NetmonCore's flow vocabulary plus the pure Storage files (their NetmonCore import dropped).
for file in FlowPackCodec FlowPackChecksum FlowPacker FlowMinuteAggregator FlowKeyTable; do
  sed -e 's/^public import NetmonCore$//; s/^import NetmonCore$//' "$REPO/Sources/Storage/Flows/$file.swift" > "$WORK/$file.swift"
done
echo 'enum FlowBatchInserter { static let maximumRecordsPerPack = 4_096 }' > "$WORK/Stub.swift"
cp "$REPO/scripts/bench/flow-pack-micro.swift" "$WORK/main.swift"
swiftc -O -swift-version 6 -module-name FlowPackMicro "$REPO"/Sources/NetmonCore/Flows/*.swift \
  "$REPO/Sources/NetmonCore/Duration+Milliseconds.swift" "$WORK"/*.swift -o "$WORK/flow-pack-micro"
"$WORK/flow-pack-micro"
