#!/usr/bin/env bash
# Lighthouse (mobile) on every candidate page: a throwaway demo server from the release build
# on port 3300, Lighthouse installed from npm into target/lighthouse on first use (not part of
# the test command's installs). Build first with `scripts/build-site.sh start && scripts/build-site.sh wait`
# (VIGIL_BIN=target/debug/vigil: another server binary with the same site).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
lh=target/lighthouse
if [ ! -d "$lh/node_modules/lighthouse" ]; then
  mkdir -p "$lh"
  (cd "$lh" && npm install --no-audit --no-fund --loglevel=error lighthouse@12)
fi
cp end2end/scripts/lighthouse.mjs "$lh/"
data=$(mktemp -d)
"${VIGIL_BIN:-./target/release/vigil}" serve --hash-file target/release/hash.txt --demo --data-dir "$data" --addr 127.0.0.1:3300 >"$data/log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fs http://127.0.0.1:3300/healthz >/dev/null && break; sleep 0.2; done
(cd "$lh" && node lighthouse.mjs http://127.0.0.1:3300 "$@")
