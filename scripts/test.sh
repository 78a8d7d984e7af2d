#!/usr/bin/env bash
# Installs what the tests need, then runs every test: formatting and lints (clippy on every
# crate, native and wasm32), the WASM leak guard, unit tests, the store contract suite, server
# integration tests, and end-to-end tests in headless Chromium; the store contract suite, the
# server suite and the end-to-end suite on SQLite and, when it is here, on PostgreSQL; the
# two-instance tests on NATS and the media tests on Garage (S3), when they are here.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export PATH="$PWD/scripts/tools:$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Each step says when it starts, in minutes and seconds since the tests began (after the setup).
SECONDS=0
step() { printf '\n\033[1;34m==> [%d:%02d] %s\033[0m\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }

# Lints ride on the builds instead of a check build of their own: clippy-driver (what `cargo
# clippy` runs) compiles the workspace's crates, so every dependency is compiled once for the
# tests and once for the site, never a third and fourth time for clippy. `cargo clippy` sets
# these two variables in the same way; a lint is an error in either build.
RUSTC_WORKSPACE_WRAPPER=$(rustup which clippy-driver)
CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
export RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS

# The release site builds in the background from the start (its wasm-opt and compression
# phases use one core) while the test build takes the other. Its crates are linted for
# wasm32 with each bundle's features (the site's and the candidate's split builds, the phone's).
step "release build of the site, linted, started in the background (target/build-site.log)"
scripts/build-site.sh start
trap "'$PWD/scripts/build-site.sh' stop" EXIT

step "format"
cargo fmt --all -- --check

step "server-only crates must not reach the WASM build"
leaks=$(cargo tree -p frontend -p frontend-candidate -p frontend-phone --target wasm32-unknown-unknown -e normal --prefix none |
  awk '{ print $1 }' | grep -E '^(sqlx|sqlx-core|tokio|axum|argon2|hyper|mio)$' | sort -u || true)
if [ -n "$leaks" ]; then
  echo "server-only crates in the frontend's wasm32 dependency tree: $leaks" >&2
  exit 1
fi
echo "none found"

# One cargo invocation for all, so the dependencies are built once with one set of features;
# the test run below uses the same packages, features and lint settings, so it builds nothing.
step "unit and integration test builds, linted (domain, backend, app with ssr, server: every target)"
packages=(-p domain -p backend -p app -p server -p y4m --features app/ssr)
cargo test "${packages[@]}" --all-targets --no-run

# The end-to-end suite runs the `vigil` binary the integration tests just built (dev profile,
# hot crates optimised) against the release site: the split, precompressed WASM and its hash
# file. The release server binary is what `scripts/run-demo.sh` and deployments build.
step "release build of the site (split, precompressed WASM, CSS): waiting for it"
scripts/build-site.sh wait

# PostgreSQL: the store contract suite, the server integration suite and the end-to-end suite
# run on it as well, when it is here (this machine kind runs it on 127.0.0.1:5432, trust auth,
# user postgres). VIGIL_TEST_POSTGRES may name another database; without one the PostgreSQL
# half is skipped, said loudly here and by each skipped test.
pg_admin=postgres://postgres@127.0.0.1:5432/postgres
pg_here() { command -v psql >/dev/null && psql -q "$pg_admin" -c 'SELECT 1' >/dev/null 2>&1; }
fresh_db() { psql -q -v ON_ERROR_STOP=1 "$pg_admin" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"; }
if [ -z "${VIGIL_TEST_POSTGRES:-}" ] && pg_here; then
  fresh_db vigil_test
  export VIGIL_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/vigil_test
fi
if [ -z "${VIGIL_TEST_POSTGRES:-}" ]; then
  printf '\n\033[1;33m!!! NO POSTGRESQL: the PostgreSQL half of the tests is SKIPPED (store contract, server suite, end-to-end). Run PostgreSQL on 127.0.0.1:5432 or set VIGIL_TEST_POSTGRES=postgres://...\033[0m\n\n'
fi

# NATS (JetStream) on 127.0.0.1:4222 on this machine kind: the two-instance tests run on it
# (VIGIL_TEST_NATS may name another server); without it they are skipped, said loudly.
nats_here() { (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; }
if [ -z "${VIGIL_TEST_NATS:-}" ] && nats_here; then
  export VIGIL_TEST_NATS=nats://127.0.0.1:4222
fi
if [ -z "${VIGIL_TEST_NATS:-}" ]; then
  printf '\n\033[1;33m!!! NO NATS: the two-instance tests are SKIPPED. Run nats-server on 127.0.0.1:4222 or set VIGIL_TEST_NATS=nats://...\033[0m\n\n'
fi

# Garage, the S3-compatible object store (installed from crates.io by the setup): media on
# object storage, shared by two instances. Started here on free ports, stopped at the end.
if [ -z "${VIGIL_TEST_S3_ENDPOINT:-}" ] && command -v garage >/dev/null; then
  step "object storage for the tests: Garage on loopback (target/garage/garage.log)"
  eval "$(scripts/s3-server.sh start target/garage)"
  trap "'$PWD/scripts/build-site.sh' stop; '$PWD/scripts/s3-server.sh' stop '$PWD/target/garage'" EXIT
fi
if [ -z "${VIGIL_TEST_S3_ENDPOINT:-}" ]; then
  printf '\n\033[1;33m!!! NO OBJECT STORAGE: the S3 tests are SKIPPED. Run scripts/setup.sh test (it installs Garage) or set VIGIL_TEST_S3_ENDPOINT=http://...\033[0m\n\n'
fi

step "unit tests (domain, store contract on SQLite${VIGIL_TEST_POSTGRES:+ and PostgreSQL}, bus, services) and server integration tests (real HTTP and WebSocket clients)"
cargo test "${packages[@]}"

if [ -n "${VIGIL_TEST_POSTGRES:-}" ]; then
  step "server integration tests again, on PostgreSQL (a schema per test)"
  VIGIL_TEST_SERVER_DB=postgres cargo test "${packages[@]}" --test api
fi

step "end-to-end tests (Playwright, Debian Chromium)${VIGIL_TEST_NATS:+, with a second instance on NATS}"
cd end2end
export VIGIL_E2E_NATS=${VIGIL_TEST_NATS:-}
VIGIL_E2E_BIN=./target/debug/vigil npx playwright test
if pg_here; then
  step "end-to-end tests again, on PostgreSQL"
  fresh_db vigil_e2e
  VIGIL_E2E_DATABASE=postgres://postgres@127.0.0.1:5432/vigil_e2e VIGIL_E2E_BIN=./target/debug/vigil npx playwright test
else
  printf '\n\033[1;33m!!! NO POSTGRESQL on 127.0.0.1:5432: the end-to-end suite on PostgreSQL is SKIPPED\033[0m\n\n'
fi
step "all green"
