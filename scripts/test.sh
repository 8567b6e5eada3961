#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test: unit tests, integration
# tests with real peers, the unit tests again under ASan+UBSan, and every
# libFuzzer target for a bounded time. Ends with "N passed, N failed".
# Environment: GW_FUZZ_SECONDS (default 20 per target), GW_SKIP_INSTALL=1.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
fuzz_seconds=${GW_FUZZ_SECONDS:-20}
passed=0; failed=0; failures=()
step() { echo; echo "==== $*"; }
record() {  # record NAME RC
  if [[ $2 -eq 0 ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
}

if [[ ${GW_SKIP_INSTALL:-0} != 1 ]]; then
  step "install dependencies"
  scripts/install-deps.sh test || { echo "install failed"; exit 1; }
fi

step "build (release)"
scripts/build.sh release || { echo "0 passed, 1 failed"; exit 1; }

step "unit + integration tests (ctest)"
ctest --test-dir build --output-on-failure --timeout 600 -j1 2>&1 | tee build/ctest.log
ctest_rc=${PIPESTATUS[0]}
# "100% tests passed, 0 tests failed out of 11"
ctest_failed=$(grep -Eo '[0-9]+ tests failed out of [0-9]+' build/ctest.log | tail -n1 | grep -Eo '^[0-9]+' || true)
ctest_total=$(grep -Eo 'tests failed out of [0-9]+' build/ctest.log | tail -n1 | grep -Eo '[0-9]+$' || true)
passed=$((passed + ${ctest_total:-0} - ${ctest_failed:-0}))
failed=$((failed + ${ctest_failed:-0}))
[[ $ctest_rc -ne 0 ]] && failures+=("ctest (see above)")
[[ $ctest_rc -ne 0 && ${ctest_total:-0} -eq 0 ]] && failed=$((failed + 1))

step "unit tests under ASan+UBSan"
if scripts/build.sh asan unit_tests; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    build-asan/tests/unit_tests --gtest_brief=1
  record "unit tests under ASan+UBSan" $?
else
  record "ASan build" 1
fi

step "fuzz targets (${fuzz_seconds}s each)"
targets=$(ls tests/fuzz/*_fuzz.cpp 2>/dev/null | xargs -rn1 basename | sed 's/\.cpp$//')
if [[ -n $targets ]] && scripts/build.sh fuzz $targets; then
  for t in $targets; do
    corpus=build-fuzz/corpus-$t; mkdir -p "$corpus"
    seeds=tests/fuzz/seeds/${t%_fuzz}
    [[ -d $seeds ]] || seeds=
    timeout $((fuzz_seconds + 60)) build-fuzz/tests/$t "$corpus" $seeds -max_total_time="$fuzz_seconds" \
      -rss_limit_mb=2048 -print_final_stats=1 >build-fuzz/$t.log 2>&1
    rc=$?
    tail -n 3 build-fuzz/$t.log
    [[ $rc -ne 0 ]] && { echo "fuzz $t failed:"; tail -n 40 build-fuzz/$t.log; }
    record "fuzz $t" $rc
  done
elif [[ -n $targets ]]; then
  record "fuzz build" 1
fi

echo
if ((${#failures[@]})); then printf 'FAILED: %s\n' "${failures[@]}"; fi
echo "${passed} passed, ${failed} failed"
[[ $failed -eq 0 && ${#failures[@]} -eq 0 ]]
