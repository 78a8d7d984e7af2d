#!/usr/bin/env bash
# Installs what Vigil needs on Debian with rustup (run as root), skipping whatever is already
# there at the right version:
#   scripts/setup.sh build   toolchain + wasm target, wasm-bindgen-cli, cargo-leptos, npm packages
#   scripts/setup.sh test    the same, plus Debian's chromium for the end-to-end tests
# No prebuilt binaries are downloaded: the Rust tools are built from crates.io in debug mode
# (about 5 minutes instead of 30 in release mode on 2 cores). The downloads and Debian packages
# (npm, the face assets, Chromium, fonts) install in the background meanwhile: they wait on the
# network and dpkg, the tool builds on the CPU.
set -euo pipefail
mode=${1:-build}
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)

. scripts/lib/common.sh

# Toolchain and the wasm target, as pinned in rust-toolchain.toml.
channel=$(awk -F'"' '/^channel/ { print $2 }' rust-toolchain.toml)
if ! rustup target list --installed --toolchain "$channel" 2>/dev/null | grep -q wasm32-unknown-unknown; then
  say "rustup: toolchain $channel with wasm32-unknown-unknown"
  rustup toolchain install "$channel" --profile minimal -c rustfmt -c clippy -t wasm32-unknown-unknown
fi

command -v gcc >/dev/null || apt_install build-essential
command -v pkg-config >/dev/null || apt_install pkg-config
command -v npm >/dev/null || apt_install nodejs npm

# The downloads and Debian packages, in the background while the Rust tools build (one job,
# so apt and dpkg never run twice at once); its output is printed when it ends.
downloads() {
  # npm packages: binaryen (wasm-opt for release builds) and Playwright.
  if [ ! -d end2end/node_modules ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "npm ci in end2end/"
    (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
  fi
  if [ "$mode" = test ]; then
    [ -x /usr/bin/chromium ] || apt_install chromium
    # Chinese glyphs in the screenshots the tests take (without it they show as boxes).
    apt_install fonts-noto-cjk
  fi
  # Face verification: libdlib and the dlib models (both modes); test photos and Y4M files (test).
  scripts/face-assets.sh "$mode"
}
downloads_log=$(mktemp)
downloads >"$downloads_log" 2>&1 &
downloads_pid=$!
trap 'kill "$downloads_pid" 2>/dev/null || true; rm -f "$downloads_log"' EXIT

# wasm-bindgen-cli must equal the wasm-bindgen crate version in Cargo.lock.
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }')" != "$WASM_BINDGEN_VERSION" ]; then
  say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (debug build)"
  cargo install --debug --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# cargo-leptos: its published lockfile needs rustc 1.96; pin one package back (see docs). Built
# in debug mode, but with the compressors it precompresses the site with optimised (brotli and
# gzip at their highest levels over ~1,400 files: 97 s unoptimised on an idle machine, 64-81 s
# optimised beside other builds). The stamp beside it says it was built this way.
LEPTOS_BUILD="$LEPTOS_VERSION+vigil-opt1"
stamp="$HOME/.cargo/bin/.cargo-leptos-build"
if [ "$(cargo leptos --version 2>/dev/null | awk '{ print $2 }')" != "$LEPTOS_VERSION" ] ||
  [ "$(cat "$stamp" 2>/dev/null)" != "$LEPTOS_BUILD" ]; then
  say "cargo install cargo-leptos $LEPTOS_VERSION (debug build, compressors optimised, no downloads)"
  cargo install cargo-leptos --version "$LEPTOS_VERSION" --locked >/dev/null 2>&1 || true
  crate=$(ls "$HOME"/.cargo/registry/cache/*/cargo-leptos-$LEPTOS_VERSION.crate | head -n 1)
  work=$(mktemp -d)
  tar -xzf "$crate" -C "$work"
  opt=()
  for p in brotli alloc-no-stdlib libflate libflate_lz77 crc32fast adler32 rle-decode-fast; do
    opt+=(--config "profile.dev.package.$p.opt-level=3")
  done
  (cd "$work/cargo-leptos-$LEPTOS_VERSION" &&
    cargo update -p cargo-util-schemas --precise 0.14.1 &&
    cargo "${opt[@]}" install --debug --force --path . --locked --features no_downloads)
  rm -rf "$work"
  echo "$LEPTOS_BUILD" >"$stamp"
fi

# Garage, the S3-compatible object store the tests put media in (test mode only). A real,
# distributed S3 server from crates.io (Vigil only talks S3 to it); debug build without its
# optional SQLite, K2V and metrics parts: about 9 minutes on 2 cores, once.
GARAGE_VERSION=2.5.0
if [ "$mode" = test ] && [ "$(garage --version 2>/dev/null | awk '{ print $2 }')" != "cargo:$GARAGE_VERSION" ]; then
  say "cargo install garage $GARAGE_VERSION (debug build, for the object storage tests)"
  cargo install --debug --locked garage --version "$GARAGE_VERSION" --no-default-features --features bundled-libs,lmdb
fi

downloads_code=0
wait "$downloads_pid" || downloads_code=$?
cat "$downloads_log"
if [ "$downloads_code" != 0 ]; then
  echo "setup: the downloads and Debian packages failed (exit $downloads_code)" >&2
  exit "$downloads_code"
fi
