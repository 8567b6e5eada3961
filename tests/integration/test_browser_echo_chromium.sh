#!/usr/bin/env bash
# A real browser call answered by chained tools (issue 4): Debian's Chromium,
# driven by playwright-core (tests/browser/echo.mjs) with a fake microphone,
# offers audio; examples/browser-echo/answer.sh answers it with ice-session
# (ICE, consent), srtp-rtp-bridge (DTLS-SRTP, passive) and an RTP echo.
#
#   [ns "web": eth0 198.51.100.7/24]--veth--[ns "lan": 198.51.100.1/24, idle]
#    Chromium + node + ice-session + srtp-rtp-bridge + echo, all in "web"
#
# Chromium runs in the namespace (design brief §9: in the host namespace it
# offers the machine's own address). Checks:
# 1. the answer is assembled from the tools' events (ICE lines, fingerprint);
# 2. getStats(): inbound-rtp audio packetsReceived rises at every 1 s step for
#    at least 5 s;
# 3. DTLS-SRTP keyed, the echo saw RTP;
# 4. after the page and browser are closed, ice-session exits with its
#    peer-gone status 5 (consent freshness, RFC 7675) within 30 s.
source "$(dirname "$0")/lib.sh"
gw_require ip python3 node timeout
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
BROWSER_DIR=$GW_SOURCE_DIR/tests/browser
ANSWER=$GW_SOURCE_DIR/examples/browser-echo/answer.sh
T=$GW_TMP
chmod 755 "$T"

if [[ ! -x $CHROMIUM || ! -d $BROWSER_DIR/node_modules/playwright-core ]]; then
  gw_log "needs $CHROMIUM and tests/browser/node_modules: run scripts/install-deps.sh (apt chromium, npm ci --prefix tests/browser)"
  exit 1
fi

web='' lan=''
gw_netns web web && gw_netns lan lan || exit 1
gw_link "$web" eth0 198.51.100.7/24 "$lan" eth0 198.51.100.1/24 || exit 1
ip -n "$web" route add default via 198.51.100.1

# The browser: writes $T/offer.sdp, waits for $T/answer.sdp, measures.
gw_bg timeout 120 ip netns exec "$web" env HOME="$T" node "$BROWSER_DIR/echo.mjs" --dir "$T" --seconds 7
node_pid=$GW_LAST_PID
for _ in $(seq 300); do [[ -e $T/offer.sdp ]] && break; sleep 0.1; done
check "Chromium made an offer with a host candidate on 198.51.100.7" \
  grep -q '^a=candidate:.* 198\.51\.100\.7 .* typ host' "$T/offer.sdp"
if [[ ! -e $T/offer.sdp ]]; then
  wait "$node_pid"; gw_finish; exit 1
fi

# The answerer: the example script, as a user would run it.
mkdir -p "$T/answer"
gw_bg timeout 150 ip netns exec "$web" env GW_BUILD_DIR="$GW_BUILD_DIR" BIND=198.51.100.7 ECHO_SSRC="${ECHO_SSRC:-swap}" \
  "$ANSWER" "$T/offer.sdp" "$T/answer.sdp" "$T/answer"
answer_pid=$GW_LAST_PID
for _ in $(seq 200); do [[ -e $T/answer.sdp ]] && break; sleep 0.1; done
[[ -e $T/answer.sdp ]] && sed 's/^/  answer: /' "$T/answer.sdp" | tr -d '\r' >&2
fp=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    e=json.loads(l)
    if e.get("event")=="fingerprint": print(e["fingerprint"]); break' "$T/answer/bridge.events" 2>/dev/null)
ufrag=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    e=json.loads(l)
    if e.get("event")=="local-credentials": print(e["ufrag"]); break' "$T/answer/ice.events" 2>/dev/null)
check "answer: opus with the offer's payload type, BUNDLE mid, passive" \
  bash -c "grep -q '^m=audio 9 UDP/TLS/RTP/SAVPF 111' '$T/answer.sdp' && grep -q '^a=rtpmap:111 opus/48000/2' '$T/answer.sdp' \
    && grep -q '^a=group:BUNDLE 0' '$T/answer.sdp' && grep -q '^a=setup:passive' '$T/answer.sdp'"
check "answer: fingerprint from srtp-rtp-bridge's event, ICE lines from ice-session's" \
  bash -c "[[ -n '$fp' && -n '$ufrag' ]] && grep -qF 'a=fingerprint:$fp' '$T/answer.sdp' \
    && grep -qF 'a=ice-ufrag:$ufrag' '$T/answer.sdp' && grep -q '^a=candidate:.* 198\.51\.100\.7 ' '$T/answer.sdp'"

# The browser measures, then closes the page and itself through Playwright.
wait "$node_pid"
node_rc=$?
[[ -e $T/result.json ]] && gw_log "packetsReceived [t s, count]: $(json_get "$T/result.json" packetsReceived)"
check "getStats(): inbound audio packetsReceived rises over >= 5 s" \
  bash -c "[[ $node_rc -eq 0 ]] && [[ \$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r[\"ok\"] and r[\"span\"]>=5 and r[\"packetsReceived\"][-1][1]>=200)' '$T/result.json') == True ]]"
check "srtp-rtp-bridge: DTLS-SRTP handshake done" grep -q '"event":"handshake_done"' "$T/answer/bridge.events"
check "ice-session: a pair was selected" grep -q '"event":"selected-pair"' "$T/answer/ice.events"

# Peer gone: ice-session (so answer.sh) must exit 5 within 30 s of the close.
closed=$(cat "$T/closed" 2>/dev/null || date +%s.%N)
answer_rc=
for _ in $(seq 350); do
  kill -0 "$answer_pid" 2>/dev/null || { wait "$answer_pid"; answer_rc=$?; break; }
  sleep 0.1
done
after=$(python3 -c "import time; print(round(time.time() - $closed, 1))")
gw_log "answer.sh exited with ${answer_rc:-nothing (still running)} ${after} s after the browser closed"
check "ice-session exits with peer-gone status 5 within 30 s of the page closing" \
  bash -c "[[ '$answer_rc' == 5 ]] && python3 -c 'import sys; sys.exit(0 if $after <= 30 else 1)'"
grep -h '"event":"failed"' "$T/answer/ice.events" >&2
if ((GW_FAILS)); then
  for f in "$T"/answer/*.log; do gw_log "== $f"; tail -n 15 "$f" >&2; done
  [[ -e $T/result.json ]] && { gw_log "== result.json"; tail -c 3000 "$T/result.json" >&2; }
fi
gw_finish
