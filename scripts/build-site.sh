#!/usr/bin/env bash
# The release site (split, precompressed WASM, JS and CSS in target/site, its hash file in
# target/release) built in the background while the caller builds something else:
#   scripts/build-site.sh start   starts `cargo leptos build --release --precompress --split
#                                 --frontend-only` for the site and for the candidate's and the
#                                 phone's own bundles (moved to target/site/pkg/candidate and
#                                 pkg/phone, their hash files beside the site's), in its own
#                                 process group, output in target/build-site.log
#   scripts/build-site.sh wait    waits for it, prints its output, fails if it failed
#   scripts/build-site.sh stop    stops it if it still runs (for the caller's exit trap)
set -euo pipefail
cd "$(dirname "$0")/.."
log=target/build-site.log
status=target/build-site.status
pidfile=target/build-site.pid
running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
case "${1:-}" in
  start)
    mkdir -p target
    rm -f "$status"
    # The three projects start together: cargo compiles one at a time (they share
    # target/front), and while one runs wasm-opt and compression on one core, the next one's
    # WASM compiles on the other. Each bundle of its own is built into its own site root
    # (cargo-leptos empties the one it builds into) and moved into the site at the end.
    setsid bash -c 'code=0
      build() { cargo leptos build --release --precompress --split --frontend-only --project "$1" \
        >"target/build-site-$1.log" 2>&1; }
      build vigil & vigil=$!
      build candidate & candidate=$!
      build phone & phone=$!
      wait $vigil || code=$?; wait $candidate || code=$?; wait $phone || code=$?
      cat target/build-site-vigil.log target/build-site-candidate.log target/build-site-phone.log >"$1"
      if [ "$code" = 0 ]; then
        for own in candidate phone; do
          { rm -rf "target/site/pkg/$own" && mv "target/site-$own/pkg/$own" "target/site/pkg/$own"; } >>"$1" 2>&1 || code=$?
        done
      fi
      echo "$code" >"$2"' build-site "$log" "$status" &
    echo $! >"$pidfile"
    ;;
  wait)
    while [ ! -f "$status" ]; do
      if ! running && [ ! -f "$status" ]; then
        echo "no site build running (scripts/build-site.sh start)" >&2
        exit 1
      fi
      sleep 2
    done
    rm -f "$pidfile"
    cat "$log"
    code=$(cat "$status")
    if [ "$code" != 0 ]; then
      echo "the site build failed (exit $code)" >&2
      exit "$code"
    fi
    ;;
  stop)
    if running; then kill -- "-$(cat "$pidfile")" 2>/dev/null || true; fi
    rm -f "$pidfile"
    ;;
  *)
    echo "usage: scripts/build-site.sh start|wait|stop" >&2
    exit 2
    ;;
esac
