# Shared helpers for tests/integration/test_sip_*.sh (sourced, not run).
# Every process started with `bg` is stopped by PID on exit; the temp dir goes.
set -euo pipefail

SRC=${GW_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${GW_BUILD_DIR:-$SRC/build}
export GW_SOURCE_DIR=$SRC GW_BUILD_DIR=$BUILD
SIPLEG=$BUILD/tools/sip-leg/sip-leg
SIPDIR=$SRC/tests/sip
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sip-test.XXXXXX")
PIDS=()

cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  [[ -n ${KEEP_TMP:-} ]] || rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  local f
  for f in "$TMP"/*.out "$TMP"/*.err "$TMP"/*.log; do
    [[ -s $f ]] || continue
    echo "---- $f" >&2
    tail -n 25 "$f" >&2
  done
  exit 1
}

need() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null || fail "$c is not installed (scripts/install-deps.sh)"; done
}

[[ -x $SIPLEG ]] || fail "sip-leg not built at $SIPLEG"

# bg VAR cmd...: starts cmd in the background, records its PID in VAR and PIDS.
bg() {
  local var=$1
  shift
  "$@" 0<&0 &  # explicit: a background job would otherwise get /dev/null as stdin
  local pid=$!
  PIDS+=("$pid")
  printf -v "$var" '%s' "$pid"
}

# wait_udp_port PORT...: until something listens on each UDP PORT (5 s at
# most each): a peer started in the background may be slow to bind on a
# loaded machine, and a call sent before gets ICMP port unreachable.
wait_udp_port() {
  local port i
  for port in "$@"; do
    for ((i = 0; i < 50; i++)); do
      ss -Hlun "sport = :$port" | grep -q . && break
      sleep 0.1
    done
    ((i < 50)) || fail "nothing listens on UDP port $port"
  done
}

# sipp_uas NAME SCENARIO PORT [sipp options...]: a one-call sipp UAS on
# 127.0.0.1:PORT in the background (PID in SIPP, output in $TMP/NAME.log),
# once it has bound its port.
sipp_uas() {
  local name=$1 scenario=$2 port=$3
  shift 3
  bg SIPP timeout 30 sipp -sf "$scenario" -i 127.0.0.1 -p "$port" -m 1 -nostdin "$@" >"$TMP/$name.log" 2>&1
  wait_udp_port "$port"
}

# leg NAME ARGS...: runs `sip-leg ARGS` for 20 s at most, stdout in
# $TMP/NAME.out, stderr in $TMP/NAME.err; its exit status in RC.
leg() {
  local name=$1
  shift
  RC=0
  timeout 20 "$SIPLEG" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" || RC=$?
}

# wait_for FILE REGEX [SECONDS]: until a line of FILE matches.
wait_for() {
  local file=$1 re=$2 t=${3:-10} i
  for ((i = 0; i < t * 10; i++)); do
    grep -Eq -- "$re" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "timed out waiting for /$re/ in $file"
}

# wait_exit PID [SECONDS]: waits for a background process of this shell and
# sets RC to its exit status (not in a subshell: only the parent can wait).
RC=0
wait_exit() {
  local pid=$1 t=${2:-20} i
  for ((i = 0; i < t * 10; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      RC=0
      wait "$pid" || RC=$?
      return 0
    fi
    sleep 0.1
  done
  fail "process $pid still running after ${t}s"
}

# event FILE NAME: the first JSON event line with that name.
event() { grep -m1 "\"event\":\"$2\"" "$1" || true; }

# json_field LINE KEY: a top-level field of a JSON line.
json_field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print("" if v is None else v)' "$1" "$2"; }

# wait_port_free PORT: the tests' fixed ports lie in the ephemeral range, so
# another program's client socket may hold one for a while (seen once in CI:
# kamailio's TLS bind "Address already in use"). Waits up to 65 s while a
# socket that blocks a SO_REUSEADDR bind has it: a live TCP socket or a UDP
# one, not the orphans (TIME_WAIT, FIN_WAIT2) a stopped Kamailio leaves.
port_holders() {
  ss -Htn state established state syn-sent state syn-recv state close-wait state fin-wait-1 state listening \
    "( sport = :$1 )" 2>/dev/null
  ss -Hun -a "( sport = :$1 )" 2>/dev/null
}
wait_port_free() {
  local i
  for i in $(seq 650); do
    [[ -z $(port_holders "$1") ]] && return 0
    ((i == 1)) && echo "port $1 is in use; waiting for it:" >&2 && port_holders "$1" >&2
    sleep 0.1
  done
  echo "port $1 still in use after 65 s" >&2
}

# Kamailio on loopback with the test config and a private copy of the users.
# start_kamailio PORT [extra -A defines...]; sets KAM_PID. It listens on
# udp:127.0.0.1:PORT unless KAM_LISTEN lists its sockets (space-separated
# proto:host:port, e.g. "udp:127.0.0.1:1 tcp:127.0.0.1:1").
# stop_kamailio: stops it by PID and waits until it is gone.
start_kamailio() {
  local port=$1
  shift
  local d=$TMP/kam-$port
  rm -rf "$d"  # a restart on the same port starts with an empty location table
  mkdir -p "$d"
  cp -r "$SIPDIR/dbtext" "$d/db"
  local defs=(-A "DBURL=\"text://$d/db\"")
  local a
  for a in "$@"; do defs+=(-A "$a"); done
  local listen=() l
  for l in ${KAM_LISTEN:-udp:127.0.0.1:$port}; do
    listen+=(-l "$l")
    wait_port_free "${l##*:}"
  done
  bg KAM_PID kamailio -f "$SIPDIR/kamailio.cfg" -DD -E -Y "$d" -w "$d" "${listen[@]}" \
    "${defs[@]}" -m 32 -M 8 >"$TMP/kamailio-$port.log" 2>&1
  sleep 1.5
  kill -0 "$KAM_PID" 2>/dev/null || fail "kamailio did not start"
}

stop_kamailio() {
  kill "$KAM_PID" 2>/dev/null || true
  local i
  for ((i = 0; i < 50; i++)); do
    kill -0 "$KAM_PID" 2>/dev/null || break
    sleep 0.1
  done
  wait "$KAM_PID" 2>/dev/null || true
  sleep 0.3  # its worker processes leave the port
}

# count FILE REGEX: how many lines match.
count() { grep -Ec -- "$2" "$1" 2>/dev/null || true; }
