#!/usr/bin/env bash
# Builds Vigil (server and WASM, release) and starts it with the demo exam on an embedded
# SQLite file under ./data at http://127.0.0.1:3000. Extra arguments go to `vigil serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
export PATH="$PWD/scripts/tools:$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# The site (WASM, split and precompressed) and the server build side by side: each leaves a
# core idle for long stretches (wasm-opt and compression run on one), so together they take
# less time than one after the other.
scripts/build-site.sh start
trap "'$PWD/scripts/build-site.sh' stop" EXIT
cargo leptos build --release --server-only --project vigil
scripts/build-site.sh wait
# The first ten demo candidates get a real face as roster photo, so face verification can pass.
face=()
[ -f target/face-fixtures/obama2.jpg ] && face=(--demo-face-photo target/face-fixtures/obama2.jpg)
exec ./target/release/vigil serve --demo "${face[@]}" "$@"
