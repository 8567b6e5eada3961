#!/usr/bin/env bash
# Answers a browser's WebRTC audio offer with an echo, using only the
# toolkit's binaries (plus python3 helpers for the SDP and the RTP echo):
#
#   browser ⇄ ice-session ⇄ srtp-rtp-bridge ⇄ rtp_echo.py
#            (ICE, consent)   (DTLS-SRTP)     (plain RTP+RTCP back)
#
# Usage: answer.sh OFFER.sdp ANSWER.sdp [WORKDIR]
#   Writes ANSWER.sdp (atomically, when complete), then runs until ice-session
#   ends (the browser went away: consent lost, exit 5) and exits with
#   ice-session's exit status. Events and logs stay in WORKDIR.
# Environment:
#   BIND=IP          the address ICE candidates are gathered on (default: all)
#   BASE_PORT=N      local ports N..N+3 for the chain (default 46000)
#   CODEC=opus       the codec answered (the offer's payload type is kept)
#   ECHO_SSRC=swap   swap the browser's SSRC for another one; "keep" echoes as is
#   ICE_TIMEOUT=30   seconds for ICE to select a pair
#   GW_BUILD_DIR     where the tools are (default: ../../build next to this script)
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${GW_BUILD_DIR:-$here/../../build}
ICE_SESSION=${ICE_SESSION:-$(command -v ice-session || echo "$build/tools/ice-session/ice-session")}
BRIDGE=${SRTP_RTP_BRIDGE:-$(command -v srtp-rtp-bridge || echo "$build/tools/srtp-rtp-bridge/srtp-rtp-bridge")}

offer=${1:?usage: answer.sh OFFER.sdp ANSWER.sdp [WORKDIR]}
answer=${2:?usage: answer.sh OFFER.sdp ANSWER.sdp [WORKDIR]}
work=${3:-$(mktemp -d /tmp/browser-echo.XXXXXX)}
mkdir -p "$work"
base=${BASE_PORT:-46000}
ice_pipe=$base          # ice-session's pipe
secure=$((base + 1))    # bridge, secure side
plain=$((base + 2))     # bridge, plain side (RTP and RTCP muxed)
echo_port=$((base + 3)) # the RTP echo

log() { printf 'answer.sh: %s\n' "$*" >&2; }
pids=()
stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  pids=()
}
trap 'stop_all; exit 143' TERM INT
trap 'stop_all' EXIT

# wait_event FILE EVENT SECONDS: until a JSON line with that event appears.
wait_event() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -q "\"event\":\"$2\"" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  log "no $2 event in $1 after $3 s"; return 1
}

remote_fp=$(python3 "$here/make_answer.py" fingerprint "$offer") || exit 2
log "browser fingerprint: $remote_fp"

# The RTP echo on the plain side.
echo_args=(--listen "127.0.0.1:$echo_port" --stats "$work/echo.json")
[[ ${ECHO_SSRC:-swap} == keep ]] && echo_args+=(--keep-ssrc)
python3 "$here/rtp_echo.py" "${echo_args[@]}" 2>"$work/echo.log" &
pids+=("$!")

# The codec's RTP clock rate (for the bridge's jitter figures), from the offer.
clock=$(grep -m1 -io "^a=rtpmap:[0-9]* ${CODEC:-opus}/[0-9]*" "$offer" | sed 's|.*/||')

# DTLS server (a=setup:passive) towards ice-session's pipe; plain RTP to the echo.
"$BRIDGE" --json --dtls passive --remote-fingerprint "$remote_fp" \
  --secure "udp:127.0.0.1:$secure" --secure-remote "udp:127.0.0.1:$ice_pipe" \
  --plain "udp:127.0.0.1:$plain" --plain-remote "udp:127.0.0.1:$echo_port" --plain-rtcp-mux \
  --handshake-timeout "${ICE_TIMEOUT:-30}" --stats-interval 1 --clock-rate "${clock:-8000}" \
  >"$work/bridge.events" 2>"$work/bridge.log" </dev/null &
pids+=("$!")

# ICE: controlled (the offerer is a full agent), its pipe towards the bridge's
# secure port. The browser gathered completely before offering, so its
# candidates are all in the offer: say so on stdin.
ice_args=(--json --remote-sdp "$offer" --pipe "udp:127.0.0.1:$ice_pipe"
  --pipe-remote "udp:127.0.0.1:$secure" --timeout "${ICE_TIMEOUT:-30}")
[[ -n ${BIND:-} ]] && ice_args+=(--bind "$BIND")
rm -f "$work/ice.ctl"; mkfifo "$work/ice.ctl"
"$ICE_SESSION" "${ice_args[@]}" >"$work/ice.events" 2>"$work/ice.log" <"$work/ice.ctl" &
ice_pid=$!
pids+=("$ice_pid")
exec 3>"$work/ice.ctl" # ice-session's command stream, open while we run
echo '{"cmd":"end-of-candidates"}' >&3

wait_event "$work/bridge.events" fingerprint 10 || exit 1
wait_event "$work/ice.events" end-of-candidates 10 || exit 1
python3 "$here/make_answer.py" answer "$offer" "$work/ice.events" "$work/bridge.events" \
  --codec "${CODEC:-opus}" >"$answer.tmp" || exit 1
mv "$answer.tmp" "$answer"
log "answer written to $answer (work dir $work)"

wait "$ice_pid"
rc=$?
# `wait` also returns when a trapped signal arrives; the TERM trap exits itself.
log "ice-session exited with status $rc"
rest=()
for pid in "${pids[@]}"; do [[ $pid == "$ice_pid" ]] || rest+=("$pid"); done
pids=("${rest[@]}")
stop_all
exit $rc
