#!/usr/bin/env bash
# Page-load benchmark (end2end/scripts/page-load.mjs): a throwaway demo server from the
# release build on port 3300, then bytes and time to interactive per page, unthrottled and on
# Slow 4G. Build first with `scripts/build-site.sh start && scripts/build-site.sh wait`
# (VIGIL_BIN=target/debug/vigil: another server binary with the same site).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
data=$(mktemp -d)
"${VIGIL_BIN:-./target/release/vigil}" serve --hash-file target/release/hash.txt --demo --data-dir "$data" --addr 127.0.0.1:3300 >"$data/log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fs http://127.0.0.1:3300/healthz >/dev/null && break; sleep 0.2; done
(cd end2end && node scripts/page-load.mjs http://127.0.0.1:3300 "$@")
