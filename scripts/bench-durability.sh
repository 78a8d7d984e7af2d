#!/usr/bin/env bash
# What durable answer acknowledgements cost (see server/benches/durability.rs): SQLite
# synchronous=FULL against NORMAL in the same run. Results go to BENCHMARKS.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo bench -p server --bench durability
