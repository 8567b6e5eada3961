#!/usr/bin/env bash
# Configures and builds one flavour of the tree.
# Usage: scripts/build.sh [release|asan|fuzz|sanitize] [ninja targets...]
# The build dirs are build, build-asan, build-fuzz, build-sanitize under
# GW_BUILD_ROOT (default: the source tree). sanitize is what scripts/test.sh
# uses: one clang tree, ASan+UBSan everywhere and libFuzzer coverage, for both
# unit_tests and the *_fuzz targets (-O1, asserts on).
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
  sanitize) dir=$root/build-sanitize; args=(-DCMAKE_BUILD_TYPE=Debug -DGW_SANITIZE=ON -DGW_FUZZ=ON
             "-DCMAKE_C_FLAGS_DEBUG=-O1 -g" "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g"
             -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14) ;;
  *) echo "build.sh: unknown flavour '$flavour' (release|asan|fuzz|sanitize)" >&2; exit 2 ;;
esac
cmake -G Ninja -S "$top" -B "$dir" "${args[@]}" >/dev/null
exec ninja -C "$dir" -j "$jobs" "$@"
