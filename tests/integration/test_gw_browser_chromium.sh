#!/usr/bin/env bash
# The gateway's own pages in a real browser: webrtc-gw serves web/ over HTTPS
# and Debian's Chromium, driven by playwright-core (tests/browser/gw-calls.mjs)
# with a fake microphone, uses customer.html and agent.html.
#
#   [ns "gw": eth0 198.51.100.1/24]--veth--[ns "web": eth0 198.51.100.7/24]
#    webrtc-gw (HTTPS/WSS :8443,            Chromium + node (two browser
#    media UDP :40000, standalone)          contexts: customer, agent)
#
# Checks (one per JSON line of the driver):
# - echo: the customer page calls "echo"; inbound-rtp packetsReceived rises at
#   every 1 s step for >= 5 s; stats shown; hang up -> ended;
# - agent: agent.html signs in as 2001, customer.html calls 2001, the test
#   clicks Answer on the banner; both pages' inbound packets rise for >= 5 s;
#   the customer hangs up -> both pages show ended within 5 s; again with the
#   agent hanging up;
# - hold: agent clicks Hold -> the customer's inbound stops within 2 s
#   (<= 5 packets over 2 s); Resume -> it rises again;
# - dtmf: the customer clicks 1 2 3 # (insertDTMF, RFC 4733) -> the agent page
#   gets dtmf events 1 2 3 # within 5 s;
# - tone: the customer page calls "tone", inbound packets rise;
# - no JavaScript error or CSP violation on the pages.
# With GW_BROWSER_GW_NAT=1 the gateway sits behind a NAT and runs full ICE
# (test_gw_full_ice_chromium.sh):
#   [ns "gw": 100.64.0.1] -- [ns "gwnat": 100.64.0.254 | 203.0.113.1,
#   MASQUERADE, DNAT tcp 8443] -- [ns "web": 203.0.113.7, Chromium and a STUN
#   server (stun-probe serve)]. webrtc-gw --ice-mode full learns its reflexive
#   address 203.0.113.1 from the STUN server and trickles it; its own checks
#   open the NAT's pinhole (RFC 8445 §2.1), which ICE-lite could never do.
# Env: GW_BROWSER_SCENARIOS (default echo,agent,hold,dtmf,tone),
#      GW_BROWSER_SECONDS (default 6), GW_BROWSER_TRICKLE=1 (trickle ICE),
#      GW_BROWSER_ARGS (more driver options, e.g. --full-sdp),
#      GW_BROWSER_GW_NAT=1 (the topology above), GW_KEEP_TMP=1.
source "$(dirname "$0")/lib.sh"
gw_require ip python3 node timeout curl
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
BROWSER_DIR=$GW_SOURCE_DIR/tests/browser
GW_BIN=$GW_BUILD_DIR/tools/webrtc-gw/webrtc-gw
SCENARIOS=${GW_BROWSER_SCENARIOS:-echo,agent,hold,dtmf,tone}
SECONDS_PER_CHECK=${GW_BROWSER_SECONDS:-6}
T=$GW_TMP
chmod 755 "$T"

if [[ ! -x $GW_BIN ]]; then
  gw_log "no $GW_BIN: build the project first"
  exit 1
fi
if [[ ! -x $CHROMIUM || ! -d $BROWSER_DIR/node_modules/playwright-core ]]; then
  gw_log "needs $CHROMIUM and tests/browser/node_modules: run scripts/install-deps.sh (apt chromium, npm ci --prefix tests/browser)"
  exit 1
fi

gwns='' web='' gwnat=''
gw_netns gwns gw && gw_netns web web || exit 1
HTTPS_PORT=8443 MEDIA_PORT=40000
gw_args=()
if [[ ${GW_BROWSER_GW_NAT:-0} == 1 ]]; then
  gw_require iptables
  gw_netns gwnat gwnat || exit 1
  gw_link "$gwns" eth0 100.64.0.1/24 "$gwnat" lan 100.64.0.254/24 || exit 1
  gw_link "$gwnat" wan 203.0.113.1/24 "$web" eth0 203.0.113.7/24 || exit 1
  ip -n "$gwns" route add default via 100.64.0.254
  ip netns exec "$gwnat" sysctl -qw net.ipv4.ip_forward=1
  ip netns exec "$gwnat" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE
  ip netns exec "$gwnat" iptables -t nat -A PREROUTING -i wan -p tcp --dport "$HTTPS_PORT" \
    -j DNAT --to-destination 100.64.0.1:"$HTTPS_PORT"
  gw_bg ip netns exec "$web" "$GW_TOOLS/stun-probe/stun-probe" serve --listen 203.0.113.7:3478 -q
  gw_wait_udp "$web" 3478 || exit 1
  GW_IP=100.64.0.1
  BASE=https://203.0.113.1:$HTTPS_PORT
  gw_args=(--ice-mode full --stun stun:203.0.113.7:3478 --cert-name 203.0.113.1 --skip-plan-check)
else
  gw_link "$gwns" eth0 198.51.100.1/24 "$web" eth0 198.51.100.7/24 || exit 1
  GW_IP=198.51.100.1
  BASE=https://$GW_IP:$HTTPS_PORT
fi

# Not probed from --help through `| grep -q`: under pipefail, grep's early
# exit could SIGPIPE the writer and silently drop --json (CI saw it).
extra=(--json -v)
mkdir -p "$T/state"
gw_bg timeout 150 ip netns exec "$gwns" "$GW_BIN" --public-bind "$GW_IP" --https-port "$HTTPS_PORT" \
  --media-port "$MEDIA_PORT" --media-threads 1 --state-dir "$T/state" --web-root "$GW_SOURCE_DIR/web" \
  "${extra[@]}" "${gw_args[@]}" >"$T/gw.out" 2>"$T/gw.err"
gw_pid=$GW_LAST_PID

up=0
for _ in $(seq 100); do
  if ip netns exec "$web" curl -ksf --max-time 1 -o /dev/null "$BASE/healthz"; then up=1; break; fi
  kill -0 "$gw_pid" 2>/dev/null || break
  sleep 0.1
done
check "webrtc-gw answers $BASE/healthz from the browser's namespace" test "$up" = 1
if ((!up)); then
  gw_log "== webrtc-gw stderr"; tail -n 30 "$T/gw.err" >&2; tail -n 30 "$T/gw.out" >&2
  gw_finish; exit 1
fi

trickle=()
[[ ${GW_BROWSER_TRICKLE:-0} == 1 ]] && trickle=(--trickle)
read -r -a more_args <<<"${GW_BROWSER_ARGS:-}"  # e.g. --full-sdp
gw_log "driver: scenarios $SCENARIOS, $SECONDS_PER_CHECK s of audio per check"
timeout 105 ip netns exec "$web" env HOME="$T" node "$BROWSER_DIR/gw-calls.mjs" --base "$BASE" \
  --scenario "$SCENARIOS" --seconds "$SECONDS_PER_CHECK" "${trickle[@]}" "${more_args[@]}" >"$T/checks.jsonl" 2>"$T/driver.log"
driver_rc=$?
gw_log "driver exited with $driver_rc"

# One PASS/FAIL line per driver check.
while IFS=$'\t' read -r ok name; do
  check "browser: $name" test "$ok" = True
done < <(python3 -c 'import json,sys
for line in open(sys.argv[1]):
    line=line.strip()
    if not line.startswith("{"): continue
    try: c=json.loads(line)
    except ValueError: continue
    print("%s\t%s" % (c.get("ok") is True, c.get("check")))' "$T/checks.jsonl")
check "the driver ran every scenario and exited 0" test "$driver_rc" = 0
for s in ${SCENARIOS//,/ }; do
  check "the driver reported on scenario $s" grep -q "\"scenario\":\"$s\"" "$T/checks.jsonl"
done

gw_stop "$gw_pid"
gw_log "webrtc-gw stopped (exit $?)"
if [[ ${GW_BROWSER_GW_NAT:-0} == 1 ]]; then
  check "full ICE: the gateway trickled its reflexive candidate 203.0.113.1" \
    grep -qE '"event":"ice-candidate".*203\.0\.113\.1 [0-9]+ typ srflx' "$T/gw.out"
fi
if ((GW_FAILS)); then
  gw_log "== failed checks (details)"
  grep '"ok":false' "$T/checks.jsonl" | cut -c1-1500 >&2
  gw_log "== driver log (tail)"; tail -n 120 "$T/driver.log" | cut -c1-600 >&2
  gw_log "== webrtc-gw stderr (tail)"; tail -n 60 "$T/gw.err" | cut -c1-600 >&2
  gw_log "== webrtc-gw stdout (tail)"; tail -n 30 "$T/gw.out" | cut -c1-600 >&2
fi
gw_finish
