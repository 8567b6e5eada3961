# Shared helpers for integration tests (source it). Every test:
#  - is bounded in time (the caller wraps commands in `timeout`, ctest adds its own),
#  - stops every process it started by PID, and deletes every namespace it made,
#    even when it fails (one EXIT trap runs gw_cleanup).
# Namespaces use documentation ranges only: 198.51.100.0/24, 203.0.113.0/24,
# and 100.64.0.0/10 for NAT-ed LANs; nothing is routed from the host namespace.

set -uo pipefail
GW_BUILD_DIR=${GW_BUILD_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build}
GW_SOURCE_DIR=${GW_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
GW_TOOLS=$GW_BUILD_DIR/tools
GW_TMP=$(mktemp -d /tmp/gw-test.XXXXXX)
GW_PIDS=()
GW_NETNS=()
GW_FAILS=0
GW_CHECKS=0

gw_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

gw_cleanup() {
  local pid ns
  for pid in "${GW_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  sleep 0.2
  for pid in "${GW_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  for ns in "${GW_NETNS[@]}"; do ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null; ip netns del "$ns" 2>/dev/null; done
  [[ ${GW_KEEP_TMP:-0} == 1 ]] || rm -rf "$GW_TMP"
}
trap gw_cleanup EXIT

# gw_bg CMD...: starts a process in the background and records its PID in GW_LAST_PID.
gw_bg() {
  "$@" &
  GW_LAST_PID=$!
  GW_PIDS+=("$GW_LAST_PID")
}

# gw_stop PID: SIGTERM, wait up to 5 s, then SIGKILL. Returns the exit code.
gw_stop() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

# gw_netns VAR NAME: creates a namespace with a unique name, lo up, and sets
# VAR to its name. (Not in $(...): the cleanup list must see it.)
gw_netns() {
  local -n _gw_ns_var=$1
  local ns="gw$$-$2"
  ip netns add "$ns" || return 1
  GW_NETNS+=("$ns")
  ip -n "$ns" link set lo up
  _gw_ns_var=$ns
}

# gw_link NS_A IF_A ADDR_A NS_B IF_B ADDR_B: a veth pair between two namespaces.
gw_link() {
  local tmp_a="v$$a$RANDOM" tmp_b="v$$b$RANDOM"
  ip link add "$tmp_a" type veth peer name "$tmp_b" || return 1
  ip link set "$tmp_a" netns "$1"; ip link set "$tmp_b" netns "$4"
  ip -n "$1" link set "$tmp_a" name "$2"; ip -n "$4" link set "$tmp_b" name "$5"
  [[ -n $3 ]] && ip -n "$1" addr add "$3" dev "$2"
  [[ -n $6 ]] && ip -n "$4" addr add "$6" dev "$5"
  ip -n "$1" link set "$2" up; ip -n "$4" link set "$5" up
}

# gw_wait_udp NS PORT: waits up to 5 s for a UDP socket bound on PORT ("-" = host ns).
gw_wait_udp() {
  local ns=$1 port=$2 i
  for i in $(seq 50); do
    if [[ $ns == - ]]; then ss -Hlun "sport = :$port" | grep -q . && return 0
    else ip netns exec "$ns" ss -Hlun "sport = :$port" | grep -q . && return 0; fi
    sleep 0.1
  done
  gw_log "nothing listens on udp port $port"; return 1
}

# check NAME CMD...: runs a check, counts it, prints PASS/FAIL.
check() {
  local name=$1; shift
  GW_CHECKS=$((GW_CHECKS + 1))
  if "$@"; then echo "PASS: $name"; else echo "FAIL: $name"; GW_FAILS=$((GW_FAILS + 1)); fi
}

# json_get FILE KEY: a top-level or dotted key from a one-object JSON file.
json_get() {
  python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v[int(k)] if isinstance(v, list) else v.get(k) if isinstance(v, dict) else None
print("" if v is None else (json.dumps(v) if isinstance(v,(dict,list,bool)) else v))' "$1" "$2"
}

# gw_local_ports: sets HTTPS and MEDIA to a free TCP and a free UDP port on
# 127.0.0.1 (for a webrtc-gw on loopback).
gw_local_ports() {
  read -r HTTPS MEDIA <<<"$(python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); u=socket.socket(type=socket.SOCK_DGRAM); u.bind(("127.0.0.1",0))
print(s.getsockname()[1], u.getsockname()[1])')"
}

# gw_wait_https PORT: waits up to 10 s for https://127.0.0.1:PORT/healthz.
gw_wait_https() {
  local i
  for i in $(seq 100); do curl -skf "https://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.1; done
  return 1
}

gw_finish() {
  echo "$((GW_CHECKS - GW_FAILS)) passed, $GW_FAILS failed"
  [[ $GW_FAILS -eq 0 ]]
}

gw_require() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null || { gw_log "missing $c: run scripts/install-deps.sh"; exit 1; }
  done
}
