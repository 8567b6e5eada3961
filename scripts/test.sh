#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test: unit tests, integration
# tests with real peers, the unit tests again under ASan+UBSan, and every
# libFuzzer target for a bounded time. Ends with "N passed, N failed".
# The sanitizer tree (clang: ASan+UBSan unit tests and the fuzz targets, one
# libcore for both) builds in the background at idle CPU priority while ctest
# runs the unit tests and the light integration tests (they mostly wait on
# timers and peers); the heavy ones (label "heavy": browsers, the lab, media
# load) run after it, on an otherwise idle machine.
# Environment: GW_FUZZ_SECONDS (default 20 per target), GW_FUZZ_JOBS (targets
# run at once, default 1: each gets a core only on an otherwise idle machine),
# GW_SKIP_INSTALL=1, GW_BUILD_ROOT (where the build dirs go; default: here).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
root=${GW_BUILD_ROOT:-$top}
export GW_BUILD_ROOT=$root
rel=$root/build san=$root/build-sanitize
fuzz_seconds=${GW_FUZZ_SECONDS:-20}
fuzz_jobs=${GW_FUZZ_JOBS:-1}
passed=0; failed=0; failures=()
step() { echo; echo "==== $* [$(date +%T), ${SECONDS}s in]"; }
record() {  # record NAME RC
  if [[ $2 -eq 0 ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
}

if [[ ${GW_SKIP_INSTALL:-0} != 1 ]]; then
  step "install dependencies"
  scripts/install-deps.sh test || { echo "install failed"; exit 1; }
fi

step "build (release)"
scripts/build.sh release || { echo "0 passed, 1 failed"; exit 1; }

step "build (sanitize: ASan+UBSan unit tests, fuzz targets) in the background"
targets=$(ls tests/fuzz/*_fuzz.cpp 2>/dev/null | xargs -rn1 basename | sed 's/\.cpp$//')
idle=(nice -n 19)
chrt --idle 0 true 2>/dev/null && idle=(chrt --idle 0)
mkdir -p "$san"
"${idle[@]}" scripts/build.sh sanitize unit_tests $targets >"$san/build.log" 2>&1 &
san_pid=$!
echo "${idle[*]} scripts/build.sh sanitize unit_tests $targets (log: $san/build.log)"

run_ctest() {  # NAME CTEST-ARGS...: one ctest pass, its counts added to the totals
  local name=$1 log=$rel/ctest-$1.log rc nfailed ntotal
  shift
  ctest --test-dir "$rel" --output-on-failure --timeout 600 -j1 "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  # "100% tests passed, 0 tests failed out of 11"
  nfailed=$(grep -Eo '[0-9]+ tests failed out of [0-9]+' "$log" | tail -n1 | grep -Eo '^[0-9]+' || true)
  ntotal=$(grep -Eo 'tests failed out of [0-9]+' "$log" | tail -n1 | grep -Eo '[0-9]+$' || true)
  passed=$((passed + ${ntotal:-0} - ${nfailed:-0}))
  failed=$((failed + ${nfailed:-0}))
  [[ $rc -ne 0 ]] && failures+=("ctest $name (see above)")
  [[ $rc -ne 0 && ${ntotal:-0} -eq 0 ]] && failed=$((failed + 1))
}

step "unit + integration tests (ctest), all but the heavy ones"
run_ctest light -LE heavy

step "build (sanitize): waiting for it"
wait "$san_pid"; san_rc=$?
if [[ $san_rc -eq 0 ]]; then tail -n 1 "$san/build.log"; else tail -n 60 "$san/build.log"; fi

# Browsers, the lab and media load count packets every second: they run
# once nothing else competes for the CPU (a compiler on the other
# hyperthread stalled media for a second at a time).
step "heavy integration tests (ctest -L heavy: browsers, lab, media load)"
run_ctest heavy -L heavy

[[ $san_rc -ne 0 ]] && record "sanitize build (no ASan unit run, no fuzzing)" 1

step "unit tests under ASan+UBSan"
if [[ $san_rc -eq 0 ]]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$san/tests/unit_tests" --gtest_brief=1
  record "unit tests under ASan+UBSan" $?
fi

step "fuzz targets (${fuzz_seconds}s each, ${fuzz_jobs} at a time)"
fuzz_one() {  # TARGET: runs it, exits with its status
  local t=$1 corpus=$san/corpus-$1 seeds=tests/fuzz/seeds/${1%_fuzz}
  mkdir -p "$corpus"
  [[ -d $seeds ]] || seeds=
  timeout $((fuzz_seconds + 60)) "$san/tests/$t" "$corpus" $seeds -max_total_time="$fuzz_seconds" \
    -rss_limit_mb=2048 -print_final_stats=1 >"$san/$t.log" 2>&1
}
if [[ -n $targets && $san_rc -eq 0 ]]; then
  set -- $targets
  while (($#)); do
    batch=("${@:1:fuzz_jobs}")
    pids=()
    for t in "${batch[@]}"; do fuzz_one "$t" & pids+=($!); done
    for i in "${!batch[@]}"; do
      t=${batch[$i]}
      wait "${pids[$i]}"; rc=$?
      echo "-- $t"; tail -n 3 "$san/$t.log"
      [[ $rc -ne 0 ]] && { echo "fuzz $t failed:"; tail -n 40 "$san/$t.log"; }
      record "fuzz $t" $rc
    done
    shift ${#batch[@]}
  done
fi

echo
if ((${#failures[@]})); then printf 'FAILED: %s\n' "${failures[@]}"; fi
echo "${passed} passed, ${failed} failed"
[[ $failed -eq 0 && ${#failures[@]} -eq 0 ]]
