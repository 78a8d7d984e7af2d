#!/usr/bin/env bash
# Live fan-out benchmark (see server/benches/live.rs). Arguments: candidate counts to measure
# beside the 10-candidate reference (default 500 2000). Results go to BENCHMARKS.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec cargo bench -p server --bench live -- "$@"
