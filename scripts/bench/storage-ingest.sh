#!/usr/bin/env bash
# Builds the storage ingest benchmark in release mode and runs it: 10,000,000 samples over 10,000
# series through the real SampleWriter, then the sqlite3 CLI importing the same rows from CSV.
# Extra arguments go to the benchmark (--samples N, --series N, --dir DIRECTORY, --skip-sqlite3).
# Needs the sqlite3 CLI (apt-get install sqlite3) and ~1 GB free under --dir (default .build/).
set -euo pipefail
cd "$(dirname "$0")/../.."

swift build -c release --product storage-ingest-bench
bin="$(swift build -c release --show-bin-path)/storage-ingest-bench"

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), \
$(free -g | awk '/^Mem:/ {print $2 " GB"}'), $(uname -sr)"
echo "sqlite: $(sqlite3 --version | cut -d' ' -f1) (CLI and libsqlite3)"
echo "command: scripts/bench/storage-ingest.sh $*"
exec "$bin" "$@"
