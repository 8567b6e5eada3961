#!/usr/bin/env bash
# Installs everything webrtc-gw needs to build and test on Debian 12, as root.
# Usage: scripts/install-deps.sh [build|test|bench]
#   build: the compilers and libraries; test (default): build + the test peers;
#   bench: test + the peers bench/peers/run.sh measures us against (Janus, rtpengine).
set -euo pipefail
what=${1:-test}
export DEBIAN_FRONTEND=noninteractive

build_pkgs=(
  build-essential cmake ninja-build pkg-config clang-14 libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev libssl-dev openssl
  libnice-dev libglib2.0-dev libsrtp2-dev
  libsofia-sip-ua-dev libsofia-sip-ua-glib-dev
  libcli11-dev libgtest-dev libgmock-dev
)
# Real peers used by the integration tests (design brief §7).
test_pkgs=(
  coturn sip-tester kamailio iproute2 iptables socat zsh fish
  gstreamer1.0-tools gstreamer1.0-plugins-bad gstreamer1.0-plugins-good
  chromium kamailio-tls-modules baresip-core tcpdump
)

# The gateways a user would pick instead, for bench/peers (not needed by tests).
bench_pkgs=(janus rtpengine-daemon)

case $what in
  build | test | bench) ;;
  *) echo "install-deps.sh: unknown target '$what' (build, test or bench)" >&2; exit 2 ;;
esac
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps.sh: run as root (apt-get install)" >&2
  exit 1
fi

pkgs=("${build_pkgs[@]}")
[[ $what != build ]] && pkgs+=("${test_pkgs[@]}")
[[ $what == bench ]] && pkgs+=("${bench_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  # coturn's postinst tries to start a daemon; policy-rc.d keeps it stopped.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The browser tests drive Debian's Chromium with playwright-core (npm, lockfile).
if [[ $what != build ]]; then
  if ! command -v npm >/dev/null; then
    apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  top=$(cd "$(dirname "$0")/.." && pwd)
  if [[ ! -d $top/tests/browser/node_modules/playwright-core ]]; then
    npm ci --prefix "$top/tests/browser" --no-audit --no-fund --loglevel=error
  fi
fi
echo "install-deps.sh: ${#pkgs[@]} packages present"
