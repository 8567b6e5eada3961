#!/usr/bin/env bash
# Configures and builds one flavour of the tree.
# Usage: scripts/build.sh [release|asan|fuzz] [ninja targets...]
# The build dirs are build, build-asan, build-fuzz under GW_BUILD_ROOT
# (default: the source tree).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
root=${GW_BUILD_ROOT:-$top}
flavour=${1:-release}; shift || true
jobs=${GW_JOBS:-$(nproc)}
case $flavour in
  release) dir=$root/build; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan)    dir=$root/build-asan; args=(-DCMAKE_BUILD_TYPE=Debug -DGW_SANITIZE=ON) ;;
  fuzz)    dir=$root/build-fuzz; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DGW_FUZZ=ON
             -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14) ;;
  *) echo "build.sh: unknown flavour '$flavour' (release|asan|fuzz)" >&2; exit 2 ;;
esac
cmake -G Ninja -S "$top" -B "$dir" "${args[@]}" >/dev/null
ninja -C "$dir" -j "$jobs" "$@"
