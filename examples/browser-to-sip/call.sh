#!/usr/bin/env bash
# Carries a browser's WebRTC audio call to a SIP target with the chained tools
# alone (no webrtc-gw):
#
#   browser ⇄ ice-session ⇄ srtp-rtp-bridge ⇄ sip-leg ⇄ SIP agent
#            (ICE, consent)   (DTLS-SRTP)     (SIP, RTP/AVP)
#
# Usage: call.sh OFFER.sdp ANSWER.sdp SIP_TARGET [WORKDIR]
#   Calls SIP_TARGET first, offering the browser's G.711 codecs with the
#   browser's payload types; when the SIP side answers, starts the bridge and
#   ICE, and writes ANSWER.sdp (atomically) with the codec the SIP side chose.
#   Then runs until either side hangs up: the browser gone (ice-session exits
#   5, or the bridge gets DTLS close_notify) -> sip-leg sends BYE; a BYE from
#   SIP (sip-leg exits 5) -> the bridge sends close_notify, ICE stops.
#   Exits with the status of the tool that ended first (see README.md).
# Environment:
#   BIND=IP            address ICE candidates are gathered on (default: all)
#   BASE_PORT=N        local ports N..N+3 for the chain (default 46100)
#   SIP_CODECS=PCMU,PCMA  codecs offered to SIP, best first, when the browser
#                      offered them (opus works too when the SIP side has it)
#   SIP_DTMF=1         also offer the browser's telephone-event/8000 (0: no)
#   SIP_BIND           sip-leg --bind (default: sip-leg's, udp:0.0.0.0:5060)
#   SIP_RTP            sip-leg --rtp (default: any even port)
#   SIP_ADVERTISE      sip-leg --advertise
#   SIP_TIMEOUT=30     seconds for the SIP side to answer (then CANCEL, exit 3)
#   SIP_LEG_ARGS       more sip-leg call options, split on blanks
#                      (e.g. "--proxy sip:pbx.example.com --from sip:web@example.com")
#   ICE_TIMEOUT=30     seconds for ICE to select a pair once the answer is written
#   GW_BUILD_DIR       where the tools are (default: ../../build next to this script)
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${GW_BUILD_DIR:-$here/../../build}
ICE_SESSION=${ICE_SESSION:-$(command -v ice-session || echo "$build/tools/ice-session/ice-session")}
BRIDGE=${SRTP_RTP_BRIDGE:-$(command -v srtp-rtp-bridge || echo "$build/tools/srtp-rtp-bridge/srtp-rtp-bridge")}
SIP_LEG=${SIP_LEG:-$(command -v sip-leg || echo "$build/tools/sip-leg/sip-leg")}
MAKE_ANSWER=$here/../browser-echo/make_answer.py

usage='usage: call.sh OFFER.sdp ANSWER.sdp SIP_TARGET [WORKDIR]'
offer=${1:?$usage}
answer=${2:?$usage}
target=${3:?$usage}
work=${4:-$(mktemp -d /tmp/browser-to-sip.XXXXXX)}
mkdir -p "$work"
base=${BASE_PORT:-46100}
ice_pipe=$base           # ice-session's pipe
secure=$((base + 1))     # bridge, secure side
plain=$((base + 2))      # bridge, plain side (RTP and RTCP muxed)
sip_pipe=$((base + 3))   # sip-leg's end of the pipe

log() { printf 'call.sh: %s\n' "$*" >&2; }
pids=()
stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  pids=()
}
trap 'stop_all; exit 143' TERM INT
trap 'stop_all' EXIT

# send FD LINE: a command to a tool's stdin; a tool that is gone is no error
# (and no SIGPIPE for this script).
send() { (trap '' PIPE; printf '%s\n' "$2" >&"$1") 2>/dev/null; }
# event FILE NAME: the first JSON line with that event.
event() { grep -m1 "\"event\":\"$2\"" "$1" 2>/dev/null; }
# wait_event FILE EVENT SECONDS [PID]: until that event appears (or PID exits).
wait_event() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -q "\"event\":\"$2\"" "$1" 2>/dev/null && return 0
    [[ -n ${4:-} ]] && ! kill -0 "$4" 2>/dev/null && { log "no $2 event: the tool exited"; return 1; }
    sleep 0.1
  done
  log "no $2 event in $1 after $3 s"; return 1
}

remote_fp=$(python3 "$MAKE_ANSWER" fingerprint "$offer") || exit 2
log "browser fingerprint: $remote_fp"
dtmf=(); [[ ${SIP_DTMF:-1} == 0 ]] && dtmf=(--no-dtmf)
codecs=$(python3 "$MAKE_ANSWER" sip-codecs "$offer" --codecs "${SIP_CODECS:-PCMU,PCMA}" "${dtmf[@]}") || exit 4
log "codecs offered to $target: $codecs"

# 1. The SIP side first: its answer decides the codec of the browser's answer.
#    sip-leg pipes the agent's RTP to the bridge's plain port and sends what
#    arrives on its own pipe end to the agent (payload types untouched).
sip_args=(--json call "$target" --codecs "$codecs" --timeout "${SIP_TIMEOUT:-30}"
  --pipe "udp:127.0.0.1:$plain" --pipe-bind "udp:127.0.0.1:$sip_pipe")
[[ -n ${SIP_BIND:-} ]] && sip_args+=(--bind "$SIP_BIND")
[[ -n ${SIP_RTP:-} ]] && sip_args+=(--rtp "$SIP_RTP")
[[ -n ${SIP_ADVERTISE:-} ]] && sip_args+=(--advertise "$SIP_ADVERTISE")
# shellcheck disable=SC2206 # split on blanks on purpose
[[ -n ${SIP_LEG_ARGS:-} ]] && sip_args+=(${SIP_LEG_ARGS})
rm -f "$work/sip.ctl"; mkfifo "$work/sip.ctl"
"$SIP_LEG" "${sip_args[@]}" >"$work/sip.events" 2>"$work/sip.log" <"$work/sip.ctl" &
sip_pid=$!
pids+=("$sip_pid")
exec 4>"$work/sip.ctl" # sip-leg's command stream (hangup), open while we run

if ! wait_event "$work/sip.events" answered $((${SIP_TIMEOUT:-30} + 5)) "$sip_pid"; then
  wait "$sip_pid"; rc=$?
  log "the SIP side did not answer: sip-leg exited with status $rc ($(event "$work/sip.events" ended))"
  pids=()
  exit $rc
fi
answered=$(event "$work/sip.events" answered)
# The codec the SIP side answered: its payload type (one of the browser's, as
# offered), clock rate, and telephone-event when both ends have the same one.
read -r pt rate te desc < <(python3 -c 'import json, sys
a = json.loads(sys.argv[1])
name, _, rest = a["codec"].partition("/")
c = next((c for c in a.get("codecs", []) if c["name"].lower() == name.lower()), None)
print(c["pt"] if c else name, rest.split("/")[0] or 8000, a.get("telephone_event_pt", "-"), a["codec"], "from", a.get("remote_rtp"))' "$answered") || exit 4
also=()
if [[ $te != - ]]; then
  if grep -q "^a=rtpmap:$te telephone-event/8000" "$offer"; then also=(--also "$te")
  else log "SIP telephone-event payload type $te is not the browser's: DTMF not answered to the browser"; fi
fi
log "SIP side answered: pt $pt $desc"

# 2. DTLS server (a=setup:passive) towards ice-session's pipe; plain RTP to sip-leg.
"$BRIDGE" --json --dtls passive --remote-fingerprint "$remote_fp" \
  --secure "udp:127.0.0.1:$secure" --secure-remote "udp:127.0.0.1:$ice_pipe" \
  --plain "udp:127.0.0.1:$plain" --plain-remote "udp:127.0.0.1:$sip_pipe" --plain-rtcp-mux \
  --handshake-timeout "${ICE_TIMEOUT:-30}" --stats-interval 1 --clock-rate "$rate" \
  >"$work/bridge.events" 2>"$work/bridge.log" </dev/null &
bridge_pid=$!
pids+=("$bridge_pid")

# 3. ICE: controlled (the browser is a full agent offering), its pipe towards
#    the bridge's secure port; the offer carried all the browser's candidates.
ice_args=(--json --remote-sdp "$offer" --pipe "udp:127.0.0.1:$ice_pipe"
  --pipe-remote "udp:127.0.0.1:$secure" --timeout "${ICE_TIMEOUT:-30}")
[[ -n ${BIND:-} ]] && ice_args+=(--bind "$BIND")
rm -f "$work/ice.ctl"; mkfifo "$work/ice.ctl"
"$ICE_SESSION" "${ice_args[@]}" >"$work/ice.events" 2>"$work/ice.log" <"$work/ice.ctl" &
ice_pid=$!
pids+=("$ice_pid")
exec 3>"$work/ice.ctl" # ice-session's command stream, open while we run
send 3 '{"cmd":"end-of-candidates"}'

# 4. The browser's answer: ICE lines and fingerprint from the events, the codec
#    (and telephone-event) the SIP side answered, with the browser's payload types.
wait_event "$work/bridge.events" fingerprint 10 "$bridge_pid" || exit 1
wait_event "$work/ice.events" end-of-candidates 10 "$ice_pid" || exit 1
python3 "$MAKE_ANSWER" answer "$offer" "$work/ice.events" "$work/bridge.events" \
  --codec "$pt" "${also[@]}" >"$answer.tmp" || exit 1
mv "$answer.tmp" "$answer"
log "answer written to $answer (work dir $work)"

# 5. Until one side hangs up.
declare -A name=([$sip_pid]=sip-leg [$ice_pid]=ice-session [$bridge_pid]=srtp-rtp-bridge)
first=
wait -n -p first "$sip_pid" "$ice_pid" "$bridge_pid"
rc=$?
# `wait` also returns when a trapped signal arrives; the TERM trap exits itself.
log "${name[$first]:-?} exited first, with status $rc"
rest=()
for pid in "${pids[@]}"; do [[ $pid == "$first" ]] || rest+=("$pid"); done
pids=("${rest[@]}")
if [[ $first == "$sip_pid" ]]; then
  # The SIP side hung up: the bridge's close_notify tells the browser (through
  # ice-session's pipe, so the bridge stops first), then ICE stops.
  kill -TERM "$bridge_pid" 2>/dev/null; wait "$bridge_pid" 2>/dev/null
  sleep 0.2
else
  # The browser is gone: BYE to the SIP side.
  send 4 '{"cmd":"hangup"}'
  for _ in $(seq 50); do kill -0 "$sip_pid" 2>/dev/null || break; sleep 0.1; done
  log "sip-leg: $(event "$work/sip.events" ended)"
fi
stop_all
exit $rc
