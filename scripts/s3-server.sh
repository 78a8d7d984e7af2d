#!/usr/bin/env bash
# Garage, the S3-compatible object store the tests put media in (installed from crates.io by
# `scripts/setup.sh test`): one node on loopback, on free ports, with a bucket `vigil` and a
# fresh key.
#   eval "$(scripts/s3-server.sh start DIR)"   starts it; prints the variables the tests read
#   scripts/s3-server.sh stop DIR              stops it
# Its data, configuration and log (garage.log) are in DIR.
set -euo pipefail
cmd=${1:?start or stop}
dir=$(realpath -m "${2:?a directory}")
cfg=$dir/garage.toml
g() { garage -c "$cfg" "$@"; }
hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

case $cmd in
start)
  command -v garage >/dev/null || { echo "s3-server: garage is not installed (scripts/setup.sh test)" >&2; exit 1; }
  "$0" stop "$dir" 2>/dev/null || true
  rm -rf "$dir" && mkdir -p "$dir"
  s3=$(free_port) rpc=$(free_port)
  umask 077
  cat >"$cfg" <<TOML
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "lmdb"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$rpc"
rpc_public_addr = "127.0.0.1:$rpc"
rpc_secret = "$(hex 32)"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$s3"
root_domain = ".s3.garage.localhost"
TOML
  garage -c "$cfg" server >"$dir/garage.log" 2>&1 &
  echo $! >"$dir/pid"
  for _ in $(seq 1 150); do g status >/dev/null 2>&1 && break; sleep 0.2; done
  node=$(g node id -q 2>/dev/null | cut -d@ -f1)
  g layout assign -z dc1 -c 1G "$node" >/dev/null
  g layout apply --version 1 >/dev/null
  key=GK$(hex 12) secret=$(hex 32)
  g key import --yes -n vigil "$key" "$secret" >/dev/null
  for _ in $(seq 1 50); do g bucket create vigil >/dev/null 2>&1 && break; sleep 0.2; done
  g bucket allow --read --write --owner vigil --key vigil >/dev/null
  echo "export VIGIL_TEST_S3_ENDPOINT=http://127.0.0.1:$s3 VIGIL_TEST_S3_BUCKET=vigil VIGIL_TEST_S3_REGION=garage AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret"
  ;;
stop)
  [ -f "$dir/pid" ] && kill "$(cat "$dir/pid")" 2>/dev/null
  rm -f "$dir/pid"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
