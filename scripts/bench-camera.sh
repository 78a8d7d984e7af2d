#!/usr/bin/env bash
# Camera relay benchmark (see server/benches/camera.rs): 2,000 candidates × 2 views sending
# JPEG frames, a proctor frames socket per room plus focus sockets, against the real server and
# a bare relay in the same run. Options after the script name go to the bench, e.g.
# `scripts/bench-camera.sh --candidates 500 --measure 20`.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each side holds one socket per candidate view: raise the open-file limit (children inherit it).
# The bench process holds every client socket (9,900 candidates are 19,800 + the proctors'), so
# as root it also tries to raise the hard limit (a container without CAP_SYS_RESOURCE refuses:
# then the hard limit it was given is the cap, as for the server).
[ "$(id -u)" = 0 ] && ulimit -Hn 1048576 2>/dev/null || true
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# Three runs by default (--runs N); the summary table (medians, lowest–highest) also goes to
# target/bench-camera.md (--out FILE to change it).
mkdir -p target
# --instances N runs N servers on one PostgreSQL and NATS: this machine's, unless set.
export VIGIL_BENCH_POSTGRES="${VIGIL_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
export VIGIL_BENCH_NATS="${VIGIL_BENCH_NATS:-nats://127.0.0.1:4222}"
exec cargo bench -p server --bench camera -- --out target/bench-camera.md "$@"
