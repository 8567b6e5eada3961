#!/usr/bin/env bash
# webrtc-gw under many browsers (design brief §8): for each call count, a
# fresh gateway and one gw_load run (echo calls with media for DURATION s);
# the gateway's CPU over the media phase (/proc/PID/stat utime+stime), RSS,
# threads and fds before/during/after from a 0.25 s sampler; sign-ins per
# second on another fresh gateway; the bare loop of bench/srtp at the same
# packet rates for the ratio. Writes the gw-bench section of docs/BENCHMARKS.md.
#
# Usage: bench/gw_load/run.sh [--calls "100 250 500 1000"] [--duration 20] [--rate 50]
#                             [--repeat 1] [--signins 200] [--no-doc] [--pin]
#                             [--gw-args "--ice-mode full"] [--sip-echo]
# --pin: the gateway on CPU 0, gw_load on CPU 1 (taskset), so the generator
#        cannot steal the gateway's core: "legs per core" needs it.
# --gw-args: more webrtc-gw options for every gateway of the sweep.
# --sip-echo: bridged calls instead of the built-in echo: the gateway in SIP
#        mode (--sip-proxy) calls sip:echo@ a sipp UAS with -rtp_echo, so each
#        call is a browser leg (SRTP) bridged to a plain RTP leg and back.
#        sipp runs beside gw_load (pinned with it under --pin).
# Env: GW_BUILD_DIR   where tools/webrtc-gw/webrtc-gw is (default: build)
#      LOAD_BUILD_DIR where bench/gw_load is built (default: build-bench; built if missing)
#      DOC            the file to write (default: docs/BENCHMARKS.md)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$SRC/bench/gw_load
GW_BUILD_DIR=${GW_BUILD_DIR:-$SRC/build}
LOAD_BUILD_DIR=${LOAD_BUILD_DIR:-$SRC/build-bench}
DOC=${DOC:-$SRC/docs/BENCHMARKS.md}
GW=$GW_BUILD_DIR/tools/webrtc-gw/webrtc-gw
LOAD=$LOAD_BUILD_DIR/bench/gw_load
CALLS="100 250 500 1000" DURATION=20 RATE=50 REPEAT=1 SIGNINS=200 WRITE_DOC=1
PIN_GW=() PIN_LOAD=() GW_EXTRA=() SIP_ECHO=0 TARGET=echo
ARGS=("$@")
while [ $# -gt 0 ]; do
  case $1 in
    --calls) CALLS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --signins) SIGNINS=$2; shift 2 ;;
    --no-doc) WRITE_DOC=0; shift ;;
    --pin) PIN_GW=(taskset -c 0) PIN_LOAD=(taskset -c 1); shift ;;
    --gw-args) read -r -a GW_EXTRA <<<"$2"; shift 2 ;;
    --sip-echo) SIP_ECHO=1; shift ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$GW" ] || { echo "run.sh: no gateway at $GW (set GW_BUILD_DIR)" >&2; exit 2; }
if [ ! -x "$LOAD" ]; then
  cmake -S "$SRC" -B "$LOAD_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C "$LOAD_BUILD_DIR" -j1 gw_load >/dev/null
fi

T=$(mktemp -d /tmp/gw-load-bench.XXXXXX)
# A private copy: a rebuild of $GW during the sweep must not mix binaries.
GW_INFO="$GW, $(stat -c %y "$GW" | cut -d. -f1), sha256 $(sha256sum "$GW" | cut -c1-12), source $(git -C "$SRC" describe --always --dirty 2>/dev/null || echo '?')"
cp "$GW" "$T/webrtc-gw"
GW=$T/webrtc-gw
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { printf 'run.sh: %s\n' "$*" >&2; }
source "$SRC/bench/lib.sh"  # free_port, stop_pid, start_sampler

if ((SIP_ECHO)); then
  command -v sipp >/dev/null || { echo "run.sh: --sip-echo needs sipp" >&2; exit 2; }
  SIPP_PORT=$(free_port udp) SIPP_MEDIA=$(free_port udp)
  "${PIN_LOAD[@]}" sipp -sn uas -i 127.0.0.1 -p "$SIPP_PORT" -mi 127.0.0.1 -mp "$SIPP_MEDIA" -rtp_echo -nostdin \
    >"$T/sipp.log" 2>&1 </dev/null &
  PIDS+=("$!")
  sleep 0.5
  kill -0 "$!" 2>/dev/null || { echo "run.sh: sipp did not start: $(tail -5 "$T/sipp.log")" >&2; exit 1; }
  TARGET="sip:echo@127.0.0.1:$SIPP_PORT"
  ((WRITE_DOC)) && log "--sip-echo: the gw-bench section stays as it is (output only, as with --no-doc)"
  WRITE_DOC=0
  GW_EXTRA+=(--sip-proxy "sip:127.0.0.1:$SIPP_PORT" --sip-domain 127.0.0.1 --private-bind 127.0.0.1
             --sip-port "$(free_port udp)" --skip-plan-check)
fi

GW_PID= HTTPS_PORT= MEDIA_PORT=
start_gw() {  # NAME
  HTTPS_PORT=$(free_port tcp)
  local media i
  media=$(free_port udp)
  MEDIA_PORT=$media
  mkdir -p "$T/$1.state"
  GW_CMD=("$GW" --public-bind 127.0.0.1 --https-port "$HTTPS_PORT" --media-port "$media" --media-threads 1
          --state-dir "$T/$1.state" --web-root "$SRC/web" --json "${GW_EXTRA[@]}")
  "${PIN_GW[@]}" "${GW_CMD[@]}" >"$T/$1.gw.events" 2>"$T/$1.gw.log" </dev/null &
  GW_PID=$!; PIDS+=("$GW_PID")
  for ((i = 0; i < 100; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$HTTPS_PORT") 2>/dev/null && return 0
    kill -0 "$GW_PID" 2>/dev/null || break
    sleep 0.1
  done
  log "gateway did not open port $HTTPS_PORT; its log:"; tail -20 "$T/$1.gw.log" >&2; return 1
}


run_calls() {  # CALLS REP -> a line in runs.jsonl
  local n=$1 rep=$2 name="calls$1.$2" rc=0 limit
  start_gw "$name"
  sleep 1
  start_sampler "$GW_PID" "$T/$name.samples"
  sleep 1  # "before" samples
  limit=$(python3 -c "print(int($n / $RATE + 30 + $DURATION + 60))")
  timeout -s INT -k 10 "$limit" "${PIN_LOAD[@]}" "$LOAD" --gateway "127.0.0.1:$HTTPS_PORT" --calls "$n" --rate "$RATE" \
    --duration "$DURATION" --threads 1 --target "$TARGET" --json >"$T/$name.json" 2>"$T/$name.load.log" || rc=$?
  # Kernel drops at the gateway's media socket (receive buffer full), to tell
  # them from drops inside the gateway or at the generator.
  ss -uamn "sport = :$MEDIA_PORT" >"$T/$name.ss" 2>/dev/null || true
  sleep 3  # the gateway ends the calls on DELETE; "after" samples
  stop_pid "$SAMPLER"
  stop_pid "$GW_PID"
  log "$n calls (run $rep): gw_load exit $rc: $(head -c 400 "$T/$name.json")"
  python3 "$HERE/report.py" run "$T/$name.samples" "$T/$name.json" "$n" "$rep" "$T/$name.ss" "$T/$name.gw.events" \
    >>"$T/runs.jsonl"
}

run_signin() {  # REP
  local name="signin.$1"
  start_gw "$name"
  timeout -s INT -k 10 $((SIGNINS / 20 + 90)) "$LOAD" --mode signin --gateway "127.0.0.1:$HTTPS_PORT" \
    --calls "$SIGNINS" --rate 20 --json >"$T/$name.json" 2>"$T/$name.load.log" || true
  stop_pid "$GW_PID"
  log "sign-ins (run $1): $(cat "$T/$name.json")"
  [ -s "$T/$name.json" ] && cat "$T/$name.json" >>"$T/signin.jsonl"
}

# The bare loop (bench/srtp/srtp_bench.cpp relay) at the gateway's packet rate.
BENCH=$T/srtp_bench
g++ -O2 -std=c++20 -I"$SRC/libcore" "$SRC/bench/srtp/srtp_bench.cpp" "$SRC/libcore/srtp/openssl_gcm.cpp" \
  $(pkg-config --cflags --libs libsrtp2 libcrypto) -o "$BENCH"
run_bare() {  # PPS DIRECTION(s2p|p2s)
  local pps=$1 dir=$2 key in out x pid c0 c1 res send op count
  key=$(openssl rand -hex 28)
  read -r in out x <<<"$(python3 "$SRC/tests/integration/srtp_helper.py" ports 3)"
  if [ "$dir" = s2p ]; then send=srtp; op=unprotect; else send=rtp; op=protect; fi
  count=$((pps * 10))
  "$BENCH" relay --in "$in" --out "$out" --profile gcm --key "$key" --op "$op" >/dev/null &
  pid=$!; PIDS+=("$pid")
  sleep 0.3
  c0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  res=$(timeout 60 "$BENCH" load --to "$in" --recv "$out" --profile gcm --key "$key" --send "$send" \
        --size 172 --rate "$pps" --count "$count")
  c1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  stop_pid "$pid"
  python3 "$HERE/report.py" bare "$pps" "$res" "$dir" "$(python3 -c "print(($c1 - $c0) / $(getconf CLK_TCK))")" \
    >>"$T/bare.jsonl"
}

for ((rep = 0; rep < REPEAT; rep++)); do
  for n in $CALLS; do run_calls "$n" "$rep"; done
  [ "$SIGNINS" -gt 0 ] && run_signin "$rep"
done
for n in $CALLS; do
  for dir in s2p p2s; do run_bare $((n * 50)) "$dir"; done
done

COMMAND="bench/gw_load/run.sh$(printf ' %q' "${ARGS[@]}")"
COMMAND+=$'\n'"# gateway: webrtc-gw --public-bind 127.0.0.1 --https-port P --media-port M --media-threads 1 --state-dir DIR --web-root web --json${GW_EXTRA[*]:+ ${GW_EXTRA[*]}}"
GW_LOAD_TARGET=$TARGET python3 "$HERE/report.py" markdown "$T/runs.jsonl" "$T/signin.jsonl" "$T/bare.jsonl" "$COMMAND" "$GW_INFO" \
  >"$T/section.md"
cat "$T/section.md"
if [ "$WRITE_DOC" = 1 ]; then
  python3 "$HERE/report.py" write-doc "$DOC" "$T/section.md"
  log "wrote the gw-bench section of $DOC"
fi
