#!/usr/bin/env bash
# The deployment lab (examples/lab/lab.sh, design brief §7, issue 7) runs the
# call cases of design brief §1 end to end: real NATs (network namespaces +
# MASQUERADE), coturn and an enterprise STUN server, webrtc-gw dual-homed in a
# DMZ in SIP mode, Kamailio (registrar + proxy, digest), sipp and baresip as
# SIP agents, sipp playing a pcap as the media server, and Debian's Chromium
# (tests/browser/lab-calls.mjs) as customers and browser agents.
#
# Cases (one PASS/FAIL line of lab.sh per assertion becomes one check here):
#   infra                      the lab itself: NAT/STUN reflexive addresses, no
#                              forwarding in the DMZ, Kamailio digest REGISTER,
#                              sip-leg -> Kamailio -> sipp echo / media server,
#                              customer Chromium -> built-in echo through its NAT
#   customer-sip-agent         1. audio both ways, DTMF (RFC 4733 and SIP INFO),
#                              hang-up from each side, baresip
#   customer-enterprise-agent  2. browser agent behind the enterprise NAT with
#                              the enterprise STUN server, routed via Kamailio
#   customer-remote-agent      3. remote browser agent behind its own NAT
#   sip-agent-calls-browser    4. sipp calls a browser agent's DN via Kamailio
#   customer-media-server      5. the browser hears the media server's pcap
#   faults                     6. no answer (CANCEL, the page is told), Kamailio
#                              restarted (re-REGISTER), page closed (BYE <= 30 s)
# Env: GW_LAB_CASES (default: all of the above), GW_LAB_SECONDS (media window,
# default 5), GW_KEEP_TMP=1 keeps the lab's logs and captures (LAB_DIR below).
# Namespaces: lt<PID>-*, made and deleted by lab.sh (nothing on the host).
source "$(dirname "$0")/lib.sh"
gw_require ip iptables tcpdump turnserver kamailio sipp baresip node curl python3 timeout
LAB=$GW_SOURCE_DIR/examples/lab/lab.sh
CASES=${GW_LAB_CASES:-infra customer-sip-agent customer-enterprise-agent customer-remote-agent sip-agent-calls-browser customer-media-server faults}
T=$GW_TMP
chmod 755 "$T"

if [[ ! -x $GW_BUILD_DIR/tools/webrtc-gw/webrtc-gw || ! -d $GW_SOURCE_DIR/tests/browser/node_modules/playwright-core ]]; then
  gw_log "needs the built tools and tests/browser/node_modules (scripts/install-deps.sh, build the project)"
  exit 1
fi

export LAB_PREFIX=lt$$ LAB_DIR=$T/lab GW_BUILD_DIR LAB_TTL=420 LAB_SECONDS=${GW_LAB_SECONDS:-5} LAB_RING_TIMEOUT=8
lab_down() { timeout 60 "$LAB" down >>"$T/down.log" 2>&1; }
trap 'lab_down; gw_cleanup' EXIT

t0=$SECONDS
timeout 60 "$LAB" up >"$T/up.log" 2>&1
rc=$?
check "lab.sh up (exit $rc, $((SECONDS - t0)) s)" test "$rc" = 0
if ((rc)); then
  cat "$T/up.log" >&2
  gw_finish
  exit 1
fi
mode=$(cat "$LAB_DIR/gw-mode" 2>/dev/null)
gw_log "lab up in $((SECONDS - t0)) s, webrtc-gw in $mode mode; cases: $CASES"

# shellcheck disable=SC2086
timeout 330 "$LAB" run $CASES >"$T/run.out" 2>"$T/run.err"
rc=$?
while IFS= read -r line; do
  case $line in
    PASS:*) check "${line#PASS: }" true ;;
    FAIL:*) check "${line#FAIL: }" false ;;
  esac
done <"$T/run.out"
check "lab.sh run printed its total and exited (exit $rc)" grep -Eq '^[0-9]+ passed, [0-9]+ failed$' "$T/run.out"
for c in $CASES; do
  check "case $c ran" grep -q "^PASS: $c: \|^FAIL: $c: " "$T/run.out"
done
grep '== .*: [0-9]* s$' "$T/run.err" | sed 's/^/  /' >&2

cp -r "$LAB_DIR/pids" "$T/pids.before" 2>/dev/null
lab_down
check "lab.sh down deleted every namespace" bash -c "! ip netns list | grep -q '^$LAB_PREFIX-'"
left=''
for f in "$T"/pids.before/*; do
  [[ -e $f ]] || continue
  read -r pid st <"$f"
  [[ -d /proc/$pid && $(awk '{print $22}' "/proc/$pid/stat" 2>/dev/null) == "$st" ]] && left+=" $(basename "$f")"
done
check "lab.sh down stopped every server it started (left:${left:- none})" test -z "$left"
check "webrtc-gw exited cleanly on SIGTERM (its last event is \"stopped\")" \
  bash -c "tail -n 1 '$LAB_DIR/logs/webrtc-gw.out' | grep -q '\"event\":\"stopped\"'"
if ((GW_FAILS)); then
  gw_log "== lab.sh run stderr (failed cases: browser logs, gateway log, SIP on the enterprise LAN)"
  cut -c1-400 "$T/run.err" | tail -n 200 >&2
  gw_log "== webrtc-gw stderr (tail)"
  tail -n 40 "$LAB_DIR/logs/webrtc-gw.err" | cut -c1-400 >&2
  [[ ${GW_KEEP_TMP:-0} == 1 ]] && gw_log "logs and captures kept in $LAB_DIR"
fi
gw_finish
