# Shared by tests/integration/test_srtp_*.sh (sourced). Every process started
# here is recorded and stopped by PID on exit; every wait is bounded.
set -euo pipefail
: "${GW_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${GW_BUILD_DIR:=$GW_SOURCE_DIR/build}"
BRIDGE="$GW_BUILD_DIR/tools/srtp-rtp-bridge/srtp-rtp-bridge"
HELPER="python3 $GW_SOURCE_DIR/tests/integration/srtp_helper.py"
T=$(mktemp -d /tmp/gw-srtp-test.XXXXXX)
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
  if [ "${KEEP_TMP:-0}" = 1 ]; then echo "logs kept in $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for f in "$T"/*.out "$T"/*.err; do
    [ -s "$f" ] && { echo "--- $f"; tail -n 20 "$f"; } >&2
  done
  exit 1
}

# start_bridge NAME ARGS... : runs the bridge in the background (stdin kept
# open on a FIFO so JSON commands can be sent), sets ${NAME}_PID.
start_bridge() {
  local name=$1; shift
  mkfifo "$T/$name.in"
  timeout -k 2 120 "$BRIDGE" --json -v "$@" <"$T/$name.in" >"$T/$name.out" 2>"$T/$name.err" &
  local pid=$!
  PIDS+=("$pid")
  exec {fd}>"$T/$name.in"   # hold the FIFO open for writing
  eval "${name}_FD=$fd"
  eval "${name}_PID=$pid"
}

# send_command NAME JSON
send_command() { local fd; eval "fd=\${$1_FD}"; echo "$2" >&"$fd"; }

wait_event() { $HELPER wait-event "$T/$1.out" "$2" "${3:-10}" >/dev/null || fail "$1: no '$2' event"; }

# wait_exit PID SECS -> sets EXIT_CODE
wait_exit() {
  local pid=$1 secs=$2 i=0
  while kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt $((secs * 20)) ] && fail "process $pid did not exit within ${secs}s"
    sleep 0.05
  done
  set +e; wait "$pid"; EXIT_CODE=$?; set -e
}

make_cert() {  # make_cert NAME -> $T/NAME.pem, $T/NAME.key
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/$1.key" \
    -out "$T/$1.pem" -days 2 -subj "/CN=$1" 2>/dev/null
}
fingerprint() { $HELPER fingerprint "$T/$1.pem"; }
