#!/usr/bin/env bash
# Installs what the tests need, then runs every test: formatting and lints, the WASM leak
# guard, unit tests, server integration tests, and end-to-end tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export PATH="$PWD/scripts/tools:$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

# The release site builds in the background from the start (its wasm-opt and compression
# phases use one core) while clippy and the test builds take the other.
step "release build of the site started in the background (target/build-site.log)"
scripts/build-site.sh start
trap "'$PWD/scripts/build-site.sh' stop" EXIT

step "format"
cargo fmt --all -- --check

step "clippy (server and app with ssr; the two WASM entry points on wasm32)"
cargo clippy -p app -p server -p y4m --features app/ssr --all-targets -- -D warnings
cargo clippy -p frontend -p frontend-phone --target wasm32-unknown-unknown -- -D warnings

step "server-only crates must not reach the WASM build"
leaks=$(cargo tree -p frontend -p frontend-phone --target wasm32-unknown-unknown -e normal --prefix none |
  awk '{ print $1 }' | grep -E '^(sqlx|sqlx-core|tokio|axum|argon2|hyper|mio)$' | sort -u || true)
if [ -n "$leaks" ]; then
  echo "server-only crates in the frontend's wasm32 dependency tree: $leaks" >&2
  exit 1
fi
echo "none found"

# One cargo invocation for both, so the dependencies are built once with one set of features.
step "unit and integration test builds"
cargo test -p app -p server --features app/ssr --no-run

# The end-to-end suite runs the `vigil` binary the integration tests just built (dev profile,
# hot crates optimised) against the release site: the split, precompressed WASM and its hash
# file. The release server binary is what `scripts/run-demo.sh` and deployments build.
step "release build of the site (split, precompressed WASM, CSS): waiting for it"
scripts/build-site.sh wait

step "unit tests (domain, store, bus, services) and server integration tests (real HTTP and WebSocket clients)"
cargo test -p app -p server --features app/ssr

step "end-to-end tests (Playwright, Debian Chromium)"
cd end2end
VIGIL_E2E_BIN=./target/debug/vigil npx playwright test
