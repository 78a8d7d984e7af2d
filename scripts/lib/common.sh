# Sourced by the setup scripts: a step line, and Debian packages installed only when missing.
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

# installed PACKAGE: installed now (a removed package whose configuration files stay is not).
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

# apt_install [--no-install-recommends] PACKAGE...: installs those not installed, one apt-get.
apt_updated=0
apt_install() {
  local flags=() missing=()
  if [ "${1:-}" = --no-install-recommends ]; then flags+=("$1"); shift; fi
  for p in "$@"; do installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "apt-get install ${missing[*]}"
  if [ $apt_updated -eq 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${flags[@]}" "${missing[@]}" >/dev/null
}
