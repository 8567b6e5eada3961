#!/usr/bin/env bash
# webrtc-gw against the peers a user would pick instead, in the same run
# (issue 6's benchmark): the same gw_load "browsers" (ICE + DTLS-SRTP, PCMU,
# 20 ms) call the same sipp echo (-rtp_echo) through each peer in turn:
#   webrtc-gw  SIP mode, the call bridged to sip:echo@sipp (as gw_load/run.sh --sip-echo)
#   rtpengine  rtpengine-daemon 10.5, userspace (--table=-1), one worker thread,
#              driven over ng by peer_gateway.py: ICE+DTLS-SRTP <-> plain RTP to sipp
#   janus      Janus 1.1 with its SIP plugin, HTTP API, its default threading,
#              driven by peer_gateway.py: a guest SIP handle per call INVITEs sipp
# Everything runs in a network namespace of its own (lo, and a veth end with
# 198.51.100.1 for the media: Janus gathers no loopback candidates); the
# peer pinned to CPU 0, gw_load, sipp and peer_gateway.py to CPU 1. The
# peer's CPU over the media phase (/proc/PID/stat utime+stime), RSS and
# threads come from a 0.25 s sampler (bench/gw_load/report.py run).
# --split: two hosts instead of one: the peer alone in one namespace
# (198.51.100.1), gw_load, sipp and peer_gateway.py in another (198.51.100.2),
# a veth between them, and RPS on each veth end steering its receive work to
# its own side's CPU, as each host's NIC would. On loopback a sender pays
# for its receiver's softirq work; here each side pays for its own. The
# peer's cost is then CPU 0's busy time (wall - idle - iowait from
# /proc/stat), which includes its receive softirqs wherever they ran.
# --setup: also capture the peer's signaling (tcpdump in its namespace) and
# report its own share of each call's set-up (bench/peers/setup_time.py);
# give a low --rate so that the calls are set up one at a time.
# The peers are installed by scripts/install-deps.sh bench.
#
# Usage: bench/peers/run.sh [--calls "100"] [--peers "webrtc-gw rtpengine janus"]
#                           [--duration 20] [--rate 20] [--repeat 1] [--split] [--setup] [BUILD_DIR]
# Needs root (ip netns). Prints a Markdown table; exit 0, 1 a run failed to
# start, 2 usage. KEEP_TMP=1 keeps the work directory (logs, captures).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$SRC/bench/peers
CALLS=100 PEERS="webrtc-gw rtpengine janus" DURATION=20 RATE=20 REPEAT=1 SPLIT=0 SETUP=0
ARGS=("$@")
while [ $# -gt 0 ]; do
  case $1 in
    --calls) CALLS=$2; shift 2 ;;
    --peers) PEERS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --split) SPLIT=1; shift ;;
    --setup) SETUP=1; shift ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
BUILD=${1:-$SRC/build}
GW=$BUILD/tools/webrtc-gw/webrtc-gw LOAD=$BUILD/bench/gw_load
for p in $PEERS; do
  case $p in
    webrtc-gw) [ -x "$GW" ] || { echo "run.sh: no $GW" >&2; exit 2; } ;;
    rtpengine) command -v rtpengine >/dev/null || { echo "run.sh: no rtpengine (scripts/install-deps.sh bench)" >&2; exit 2; } ;;
    janus) command -v janus >/dev/null || { echo "run.sh: no janus (scripts/install-deps.sh bench)" >&2; exit 2; } ;;
    *) echo "run.sh: unknown peer $p" >&2; exit 2 ;;
  esac
done
[ -x "$LOAD" ] || { echo "run.sh: no $LOAD (build the gw_load target)" >&2; exit 2; }
command -v sipp >/dev/null || { echo "run.sh: needs sipp" >&2; exit 2; }
((SETUP)) && ! command -v tcpdump >/dev/null && { echo "run.sh: --setup needs tcpdump" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (ip netns)" >&2; exit 2; }

T=$(mktemp -d /tmp/peers-bench.XXXXXX)
PEER_NS=gwpeers-$$ LOAD_NS=gwpeers-$$ PEER_IP=198.51.100.1 LOAD_IP=198.51.100.1
# PEER_LOCAL: where the peer's SIP side and control sockets listen; SIPP_IP: sipp's.
PEER_LOCAL=127.0.0.1 SIPP_IP=127.0.0.1
if ((SPLIT)); then
  LOAD_NS=gwload-$$ LOAD_IP=198.51.100.2 PEER_LOCAL=$PEER_IP SIPP_IP=$LOAD_IP
fi
PIDS=()
source "$SRC/bench/lib.sh"
cleanup() {
  stop_pids "${PIDS[@]:-}"
  ip netns del "$PEER_NS" 2>/dev/null || true
  ((SPLIT)) && ip netns del "$LOAD_NS" 2>/dev/null
  if [ -n "${KEEP_TMP:-}" ]; then echo "run.sh: kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$PEER_NS"
ip -n "$PEER_NS" link set lo up
if ((SPLIT)); then
  ip netns add "$LOAD_NS"
  ip -n "$LOAD_NS" link set lo up
  ip link add peer0 netns "$PEER_NS" type veth peer name load0 netns "$LOAD_NS"
  ip -n "$LOAD_NS" addr add "$LOAD_IP/24" dev load0
  ip -n "$LOAD_NS" link set load0 up
  # RPS: what arrives at a side is processed on that side's CPU (0: peer, 1: load).
  ip netns exec "$PEER_NS" sh -c 'echo 1 >/sys/class/net/peer0/queues/rx-0/rps_cpus'
  ip netns exec "$LOAD_NS" sh -c 'echo 2 >/sys/class/net/load0/queues/rx-0/rps_cpus'
else
  ip -n "$PEER_NS" link add peer0 type veth peer name load0
  ip -n "$PEER_NS" link set load0 up
fi
ip -n "$PEER_NS" addr add "$PEER_IP/24" dev peer0
ip -n "$PEER_NS" link set peer0 up
ON_PEER=(taskset -c 0 ip netns exec "$PEER_NS")
ON_LOAD=(taskset -c 1 ip netns exec "$LOAD_NS")

SIPP_PORT=25060 SIPP_MEDIA=26000  # inside the namespace: nothing else there
"${ON_LOAD[@]}" sipp -sn uas -i "$SIPP_IP" -p "$SIPP_PORT" -mi "$SIPP_IP" -mp "$SIPP_MEDIA" -rtp_echo -nostdin \
  >"$T/sipp.log" 2>&1 </dev/null &
PIDS+=("$!")
sleep 0.5
kill -0 "$!" 2>/dev/null || { echo "run.sh: sipp did not start: $(tail -5 "$T/sipp.log")" >&2; exit 1; }

# Janus's configuration: only the SIP plugin and the HTTP transport.
janus_config() {
  local d=$T/janus lib=/usr/lib/x86_64-linux-gnu/janus
  mkdir -p "$d/conf" "$d/plugins" "$d/transports" "$d/events" "$d/loggers"
  ln -sf "$lib/plugins/libjanus_sip.so" "$d/plugins/"
  ln -sf "$lib/transports/libjanus_http.so" "$d/transports/"
  cat >"$d/conf/janus.jcfg" <<EOF
general: { configs_folder = "$d/conf" plugins_folder = "$d/plugins" transports_folder = "$d/transports"
           events_folder = "$d/events" loggers_folder = "$d/loggers" debug_level = 3 }
media: { rtp_port_range = "40000-44999" }
nat: { nice_debug = false }
EOF
  cat >"$d/conf/janus.transport.http.jcfg" <<EOF
general: { json = "compact" base_path = "/janus" http = true port = 28088 ip = "$PEER_LOCAL" https = false }
admin: { admin_http = false }
EOF
  cat >"$d/conf/janus.plugin.sip.jcfg" <<EOF
general: { local_ip = "$PEER_LOCAL" keepalive_interval = 0 register_ttl = 3600 rtp_port_range = "45000-49999" events = false }
EOF
}

PEER_PID= API_HOST=127.0.0.1 API_PORT= RUN_PIDS=()
start_peer() {  # PEER NAME
  local name=$2 adapter=()
  API_PORT=$(free_port tcp) API_HOST=127.0.0.1
  case $1 in
    webrtc-gw)
      API_HOST=$PEER_IP  # its HTTPS listens on --public-bind
      mkdir -p "$T/$name.state"
      "${ON_PEER[@]}" "$GW" --public-bind "$PEER_IP" --https-port "$API_PORT" --media-port 27000 --media-threads 1 \
        --state-dir "$T/$name.state" --web-root "$SRC/web" --json --sip-proxy "sip:$SIPP_IP:$SIPP_PORT" \
        --sip-domain "$SIPP_IP" --private-bind "$PEER_LOCAL" --sip-port 25070 --skip-plan-check \
        >"$T/$name.events" 2>"$T/$name.log" </dev/null & ;;
    rtpengine)
      "${ON_PEER[@]}" rtpengine -f -E --table=-1 --interface="$PEER_IP" --listen-ng="$PEER_LOCAL:22230" \
        --port-min=30000 --port-max=39999 --num-threads=1 --log-level=5 >"$T/$name.log" 2>&1 </dev/null &
      adapter=(rtpengine --ng "$PEER_LOCAL:22230" --echo "$SIPP_IP:$SIPP_MEDIA") ;;
    janus)
      [ -d "$T/janus" ] || janus_config
      "${ON_PEER[@]}" janus --configs-folder="$T/janus/conf" -F "$T/janus/conf" >"$T/$name.log" 2>&1 </dev/null &
      adapter=(janus --api "http://$PEER_LOCAL:28088/janus" --target "sip:echo@$SIPP_IP:$SIPP_PORT") ;;
  esac
  PEER_PID=$!; PIDS+=("$PEER_PID"); RUN_PIDS=("$PEER_PID")
  if ((${#adapter[@]})); then
    "${ON_LOAD[@]}" python3 "$HERE/peer_gateway.py" --port "$API_PORT" "${adapter[@]}" >"$T/$name.adapter.log" 2>&1 </dev/null &
    PIDS+=("$!"); RUN_PIDS+=("$!")
  fi
  local i ready="exec 3<>/dev/tcp/$API_HOST/$API_PORT"
  [ "$1" = janus ] && ready+=" && exec 4<>/dev/tcp/$PEER_LOCAL/28088"  # Janus's own API too
  for ((i = 0; i < 100; i++)); do
    ip netns exec "$LOAD_NS" bash -c "$ready" 2>/dev/null && sleep 1 && return 0
    kill -0 "$PEER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "run.sh: $1 did not start; its log:" >&2; tail -20 "$T/$name.log" >&2; return 1
}

run_peer() {  # PEER CALLS REP -> a line in $T/runs.jsonl
  local peer=$1 n=$2 rep=$3 name="$1.$2.$3" rc=0 limit
  start_peer "$peer" "$name"
  sleep 1
  start_sampler "$PEER_PID" "$T/$name.samples"
  taskset -cp 1 "$SAMPLER" >/dev/null
  start_cpu_sampler 0 "$T/$name.cpu0"
  taskset -cp 1 "$CPU_SAMPLER" >/dev/null
  local capture= control_port=$API_PORT
  case $peer in rtpengine) control_port=22230 ;; janus) control_port=28088 ;; esac
  if ((SETUP)); then
    ip netns exec "$PEER_NS" tcpdump -i "$( ((SPLIT)) && echo any || echo lo)" -s 0 -U -w "$T/$name.pcap" \
      "port $control_port or port $SIPP_PORT" >/dev/null 2>&1 &
    capture=$!; PIDS+=("$capture")
  fi
  sleep 1
  limit=$(python3 -c "print(int($n / $RATE + 30 + $DURATION + 60))")
  timeout -s INT -k 10 "$limit" "${ON_LOAD[@]}" "$LOAD" --gateway "$API_HOST:$API_PORT" --bind "$LOAD_IP" \
    --calls "$n" --rate "$RATE" --duration "$DURATION" --threads 1 --target "sip:echo@$SIPP_IP:$SIPP_PORT" \
    --json >"$T/$name.json" 2>"$T/$name.load.log" || rc=$?
  sleep 3  # calls ended; "after" samples
  stop_pids "$SAMPLER" "$CPU_SAMPLER" "${RUN_PIDS[@]}" $capture  # samplers, peer, adapter, capture
  local setup=/dev/null
  if ((SETUP)); then
    setup=$T/$name.setup.json
    python3 "$HERE/setup_time.py" "$peer" "$T/$name.pcap" "$control_port" "$SIPP_PORT" >"$setup" || true
  fi
  printf 'run.sh: %s, %s calls (run %s): gw_load exit %s: %s\n' "$peer" "$n" "$rep" "$rc" \
    "$(head -c 300 "$T/$name.json")" >&2
  python3 "$SRC/bench/gw_load/report.py" run "$T/$name.samples" "$T/$name.json" "$n" "$rep" |
    python3 "$HERE/report.py" tag "$peer" "$T/$name.cpu0" "$T/$name.json" "$setup" \
      >>"$T/runs.jsonl"
}

for ((rep = 0; rep < REPEAT; rep++)); do
  for n in $CALLS; do
    for peer in $PEERS; do
      run_peer "$peer" "$n" "$rep"
    done
  done
done
((SPLIT)) && echo "# --split: CPU 0 busy ms per call-s is the peer's cost, its receive softirqs included"
echo "# bench/peers/run.sh$(printf ' %q' "${ARGS[@]}") ($(git -C "$SRC" describe --always --dirty 2>/dev/null || echo '?'), $(date -u +%FT%TZ))"
python3 "$HERE/report.py" table "$T/runs.jsonl"
