#!/usr/bin/env bash
# Roster import benchmark (see server/benches/roster.rs). Arguments: row counts to measure
# beside the 100-row reference (default 10000). Results go to BENCHMARKS.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo bench -p server --bench roster -- "$@"
