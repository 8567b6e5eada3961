#!/usr/bin/env bash
# Configures and builds one flavour of the tree.
# Usage: scripts/build.sh [release|asan|fuzz] [ninja targets...]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
flavour=${1:-release}; shift || true
jobs=${GW_JOBS:-$(nproc)}
case $flavour in
  release) dir=$top/build; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan)    dir=$top/build-asan; args=(-DCMAKE_BUILD_TYPE=Debug -DGW_SANITIZE=ON) ;;
  fuzz)    dir=$top/build-fuzz; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DGW_FUZZ=ON
             -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14) ;;
  *) echo "build.sh: unknown flavour '$flavour' (release|asan|fuzz)" >&2; exit 2 ;;
esac
cmake -G Ninja -S "$top" -B "$dir" "${args[@]}" >/dev/null
ninja -C "$dir" -j "$jobs" "$@"
