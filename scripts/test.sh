#!/usr/bin/env bash
# Installs what the tests need, then runs every test: formatting and lints, the WASM leak
# guard, unit tests, server integration tests, and end-to-end tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export PATH="$PWD/scripts/tools:$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "clippy (server and app with ssr; frontend on wasm32)"
cargo clippy -p app -p server -p y4m --features app/ssr --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "server-only crates must not reach the WASM build"
leaks=$(cargo tree -p frontend --target wasm32-unknown-unknown -e normal --prefix none |
  awk '{ print $1 }' | grep -E '^(sqlx|sqlx-core|tokio|axum|argon2|hyper|mio)$' | sort -u || true)
if [ -n "$leaks" ]; then
  echo "server-only crates in the frontend's wasm32 dependency tree: $leaks" >&2
  exit 1
fi
echo "none found"

step "unit tests (domain, store, bus, services)"
cargo test -p app --features ssr

step "server integration tests (real HTTP and WebSocket clients)"
cargo test -p server

step "release build (server + WASM)"
cargo leptos build --release --precompress --split

step "end-to-end tests (Playwright, Debian Chromium)"
cd end2end
npx playwright test
