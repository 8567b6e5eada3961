# shellcheck shell=bash
# The call cases of the deployment lab (design brief §1, issue 7), sourced by
# lab.sh for `lab.sh run CASE...`. Each case prints one "PASS: CASE: what
# (figures)" or "FAIL: ..." line per assertion; the run ends with
# "N passed, M failed". Evidence: the browsers' JSON lines (tests/browser/
# lab-calls.mjs), the captures of the enterprise switch (ent.pcap: SIP, RTP)
# and of the Internet switch (inet.pcap), Kamailio's "LAB:" log lines.
# Everything a case writes is in LAB_DIR/cases/CASE/.

CASES=(infra customer-sip-agent customer-enterprise-agent customer-remote-agent sip-agent-calls-browser
  customer-media-server faults)
RUN_CHECKS=0
RUN_FAILS=0
BG_PIDS=()
CASE=''
RUN=''
SIPLEG=$GW_BUILD_DIR/tools/sip-leg/sip-leg
BROWSER_TIMEOUT=${LAB_BROWSER_TIMEOUT:-120}

# ---- helpers ---------------------------------------------------------------
# ok WHAT CMD...: one assertion.
ok() {
  local what=$1
  shift
  RUN_CHECKS=$((RUN_CHECKS + 1))
  if "$@"; then echo "PASS: $CASE: $what"
  else echo "FAIL: $CASE: $what"; RUN_FAILS=$((RUN_FAILS + 1)); fi
}
# ge A B: A >= B for integers (empty = 0).
ge() { ((${1:-0} >= ${2:-0})); }

now() { date +%s.%N; }

# browser NODE LABEL ARGS...: one Chromium in NODE's namespace; waits for it
# (in the background, so that an interrupt stops it at once).
browser() {
  browser_bg "$@"
  local pid=$BG_PID rc
  wait "$pid"
  rc=$?
  local p keep=()
  for p in "${BG_PIDS[@]}"; do [[ $p == "$pid" ]] || keep+=("$p"); done
  BG_PIDS=("${keep[@]}")
  return $rc
}
# browser_bg NODE LABEL ARGS...: the same without waiting (BG_PID).
browser_bg() {
  local node=$1 label=$2
  shift 2
  timeout -k 5 "$BROWSER_TIMEOUT" ip netns exec "$(nsname "$node")" env HOME="$LAB_DIR/home" \
    node "$REPO/tests/browser/lab-calls.mjs" --base "$GW_URL" --label "$label" --seconds "$LAB_SECONDS" "$@" \
    >"$RUN/$label.jsonl" 2>"$RUN/$label.log" &
  BG_PID=$!
  BG_PIDS+=("$BG_PID")
}
bg_cleanup() {
  local pid
  for pid in "${BG_PIDS[@]}"; do [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null; done
  for pid in "${BG_PIDS[@]}"; do [[ -n $pid ]] && wait "$pid" 2>/dev/null; done
  BG_PIDS=()
}
# bg_wait PID SECONDS: waits for a background browser; kills it after SECONDS.
bg_wait() {
  local pid=$1 t=$2 i
  for ((i = 0; i < t * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

# wait_line FILE REGEX SECONDS [FROM_LINE]: until a line (after FROM_LINE) matches.
wait_line() {
  local f=$1 re=$2 t=$3 from=${4:-0} i
  for ((i = 0; i < t * 10; i++)); do
    tail -n "+$((from + 1))" "$f" 2>/dev/null | grep -Eq -- "$re" && return 0
    sleep 0.1
  done
  return 1
}
lines() { wc -l <"$1" 2>/dev/null || echo 0; }
KAMLOG() { echo "$LAB_DIR/logs/kamailio.err"; }

# q FILE PYEXPR [INDEX]: evaluates a Python expression on a browser's summary
# line (INDEX: which one, default the last; `s` is the summary) and prints it.
q() {
  python3 - "$@" <<'EOF'
import json, sys
f, expr = sys.argv[1], sys.argv[2]
idx = int(sys.argv[3]) if len(sys.argv) > 3 else -1
try:
    ss = [json.loads(l) for l in open(f) if l.startswith('{') and '"event":"summary"' in l]
    s = ss[idx]
    v = eval(expr, {}, {'s': s})
except Exception as e:
    v = ''
print('' if v is None else (json.dumps(v) if isinstance(v, (dict, list, bool)) else v))
EOF
}
# is_true VALUE
is_true() { [[ $1 == true ]]; }
# wall FILE EVENT: the browser's wall clock (epoch s) of its first EVENT line.
wall() {
  python3 -c 'import json,sys
for l in open(sys.argv[1]):
    if l.startswith("{"):
        e = json.loads(l)
        if e.get("event") == sys.argv[2]:
            print(e["wall"] / 1000); break' "$1" "$2"
}
series() { q "$1" '" ".join(str(p[1]) for p in s["media"]["series"])' "${2:--1}"; }

# rtp WHAT SINCE SRC DST [PCAP]: packets | dtmf | pts of the RTP flows from SRC
# to DST (prefixes of "IP:PORT") captured since SINCE (epoch s).
rtp() {
  python3 "$LAB_HERE/lab_pcap.py" rtp "${5:-$LAB_DIR/ent.pcap}" --since "$2" | python3 -c '
import json, sys
what, src, dst = sys.argv[1:4]
fl = [f for f in json.load(sys.stdin) if f["src"].startswith(src) and f["dst"].startswith(dst)]
if what == "packets": print(sum(f["packets"] for f in fl))
elif what == "dtmf": print("".join(f["dtmf"] for f in fl))
else: print(",".join(sorted({p for f in fl for p in f["pts"]})))' "$1" "$3" "$4"
}
# sip SINCE: SIP messages on the enterprise LAN since SINCE (lab_pcap.py sip).
sip() { python3 "$LAB_HERE/lab_pcap.py" sip "$LAB_DIR/ent.pcap" --since "$1"; }
# info_dtmf SINCE USER: digits of the gateway's SIP INFO (dtmf-relay) to USER.
info_dtmf() {
  sip "$1" | grep -E "^[0-9.]+ 198\.51\.100\.10:5060 > [^|]*\| INFO .*\| To <sip:$2@" | grep -o 'Signal=[^ ;|]*' |
    cut -d= -f2 | tr -d '\n'
}
# first_sip SINCE REGEX: epoch of the first SIP message matching REGEX.
first_sip() { sip "$1" | grep -E -- "$2" | head -n 1 | cut -d' ' -f1; }
# await_sip SINCE REGEX: first_sip, asked again for up to 3 s: tcpdump may not
# have written a message yet when the page that it ended has been told.
await_sip() {
  local i t
  for i in $(seq 15); do
    t=$(first_sip "$1" "$2")
    [[ -n $t ]] && break
    sleep 0.2
  done
  echo "$t"
}
# secs A B: B - A in seconds, one decimal.
secs() { python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$2"; }
lt() { python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$1" "$2"; }

# Checks shared by every answered browser call: summary INDEX of FILE.
media_checks() {
  local f=$1 idx=$2 who=$3
  ok "$who: answered ($(q "$f" 's.get("answer_ms")' "$idx") ms)" is_true "$(q "$f" 's.get("answered")' "$idx")"
  ok "$who: inbound packetsReceived rises at every 1 s step for ${LAB_SECONDS} s ($(series "$f" "$idx"); $(q "$f" 's["media"]["reason"]' "$idx"))" \
    is_true "$(q "$f" 's["media"]["ok"]' "$idx")"
}

dump_on_failure() {
  local f
  for f in "$RUN"/*.log; do
    [[ -s $f ]] || continue
    echo "---- $f (tail)" >&2
    grep -v '<< {"type":"event","event":"stats"' "$f" | tail -n 25 | cut -c1-400 >&2
  done
  echo "---- webrtc-gw stderr (tail)" >&2
  tail -n 25 "$LAB_DIR/logs/webrtc-gw.err" | cut -c1-400 >&2
  echo "---- SIP on the enterprise LAN during the case" >&2
  sip "$CASE_T0" | cut -c1-250 | tail -n 40 >&2
}

# ---- cases -----------------------------------------------------------------
# infra: the lab itself, without the gateway's SIP mode.
case_infra() {
  local m
  m=$(in_ns cust "$STUN_PROBE" --timeout 2 --json 203.0.113.3 2>/dev/null | grep -o '"mapped":"[^"]*"' | head -n 1 | cut -d'"' -f4)
  ok "customer LAN behind NAT: public STUN sees $m" grep -q '^203.0.113.21:' <<<"$m"
  m=$(in_ns remote "$STUN_PROBE" --timeout 2 --json 203.0.113.3 2>/dev/null | grep -o '"mapped":"[^"]*"' | head -n 1 | cut -d'"' -f4)
  ok "remote agent LAN behind NAT: public STUN sees $m" grep -q '^203.0.113.22:' <<<"$m"
  m=$(in_ns eagent "$STUN_PROBE" --timeout 2 --json 203.0.113.31 2>/dev/null | grep -o '"mapped":"[^"]*"' | head -n 1 | cut -d'"' -f4)
  ok "enterprise agent LAN: enterprise STUN sees the enterprise NAT $m" grep -q '^203.0.113.30:' <<<"$m"
  m=$(in_ns dmz "$STUN_PROBE" --timeout 2 --json 203.0.113.3 2>/dev/null | grep -o '"mapped":"[^"]*"' | head -n 1 | cut -d'"' -f4)
  ok "DMZ: no NAT, STUN sees $m" grep -q '^203.0.113.10:' <<<"$m"
  ok "DMZ does not forward (net.ipv4.ip_forward=0)" test "$(in_ns dmz sysctl -n net.ipv4.ip_forward)" = 0
  ok "the customer LAN cannot reach the enterprise LAN" bash -c "! ip netns exec $(nsname cust) ping -c 1 -W 1 198.51.100.20 >/dev/null 2>&1"
  ok "the host namespace has no route or address of the lab's ranges" \
    bash -c "! { ip route show; ip addr show; } | grep -Eq '203\.0\.113\.|198\.51\.100\.|100\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\.'"

  local rc=0
  timeout 15 ip netns exec "$(nsname dmz)" "$SIPLEG" register "sip:2010@$DOMAIN" --registrar sip:198.51.100.20 \
    --password secret-2010 --bind udp:198.51.100.10:5098 --retry 0 --duration 1 --json >"$RUN/register.out" 2>&1 || rc=$?
  ok "Kamailio: REGISTER 2010 with digest (sip-leg register, exit $rc)" grep -q '"event":"registered"' "$RUN/register.out"
  rc=0
  timeout 15 ip netns exec "$(nsname dmz)" "$SIPLEG" register "sip:2010@$DOMAIN" --registrar sip:198.51.100.20 \
    --password wrong --bind udp:198.51.100.10:5098 --retry 0 --json >"$RUN/register-wrong.out" 2>&1 || rc=$?
  ok "Kamailio: a wrong password is refused (exit $rc, want 12)" test "$rc" = 12
  ok "baresip 3002 registered at Kamailio" grep -q "LAB: REGISTER sip:3002@$DOMAIN from 198.51.100.31" "$(KAMLOG)"

  # sip-leg in the DMZ calls through Kamailio; rtp_probe.py feeds its pipe.
  local target probe
  for target in 3001 4000; do
    timeout 20 ip netns exec "$(nsname dmz)" bash -c "
      '$SIPLEG' call sip:$target@$DOMAIN --proxy sip:198.51.100.20 --bind udp:198.51.100.10:5098 \
        --rtp udp:198.51.100.10:21990 --duration 3 --json --pipe udp:127.0.0.1:31000 --pipe-bind udp:127.0.0.1:31002 \
        >'$RUN/sipleg-$target.out' 2>'$RUN/sipleg-$target.err' &
      for i in \$(seq 50); do grep -q '\"event\":\"answered\"' '$RUN/sipleg-$target.out' && break; sleep 0.1; done
      python3 '$REPO/tests/sip/rtp_probe.py' 31002 31000 100 >'$RUN/probe-$target.json'; wait" 2>/dev/null
    probe=$(cat "$RUN/probe-$target.json" 2>/dev/null)
    if [[ $target == 3001 ]]; then
      ok "sipp agent 3001 through Kamailio echoes RTP ($probe)" \
        ge "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["intact"])' "$probe" 2>/dev/null)" 90
    else
      ok "media server 4000 through Kamailio plays G.711 ($probe)" \
        ge "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["received"])' "$probe" 2>/dev/null)" 60
    fi
  done

  # The customer's Chromium through its NAT to the gateway's built-in echo.
  local t0 f=$RUN/customer.jsonl
  t0=$(now)
  browser cust customer --role customer --target echo
  media_checks "$f" -1 "customer Chromium -> echo"
  ok "customer Chromium gathered the srflx candidate 203.0.113.21 ($(q "$f" 's["ice"]["selected"]'))" \
    is_true "$(q "$f" 'any(c["type"] == "srflx" and c["address"] == "203.0.113.21" for c in s["ice"]["local"])')"
  local n
  n=$(rtp packets "$t0" 203.0.113.21: 203.0.113.10:40000 "$LAB_DIR/inet.pcap")
  ok "its media crossed the customer NAT: $n packets 203.0.113.21 -> 203.0.113.10:40000" ge "$n" 200
}

sip_mode_required() {
  if [[ $(cat "$LAB_DIR/gw-mode") != sip ]]; then
    ok "webrtc-gw runs in SIP mode (it has no --sip-registrar: standalone)" false
    return 1
  fi
}

# 1. Customer -> SIP agents: sipp echo 3001 (answers telephone-event: DTMF as
#    RFC 4733; the customer hangs up), sipp 3003 (PCMU only: DTMF as SIP INFO;
#    the agent hangs up), baresip 3002.
case_customer_sip_agent() {
  sip_mode_required || return
  local f=$RUN/customer.jsonl t0 n d tb
  t0=$(now)
  browser cust customer --role customer --target 3001,3003,3002 --dtmf '123#,45,' --end hangup,remote,hangup
  # 3001: echo, DTMF, customer hangs up.
  media_checks "$f" 0 "3001 (sipp echo)"
  n=$(rtp packets "$t0" 198.51.100.10: 198.51.100.30:6000)
  ok "3001: the SIP agent received $n RTP packets from the gateway" ge "$n" $((LAB_SECONDS * 40))
  n=$(rtp packets "$t0" 198.51.100.30:6000 198.51.100.10:)
  ok "3001: the SIP agent sent $n RTP packets (its echo) to the gateway" ge "$n" $((LAB_SECONDS * 40))
  ok "3001: the page sent DTMF as $(q "$f" 's.get("dtmf",{}).get("modes")' 0)" test -n "$(q "$f" 's.get("dtmf")' 0)"
  d=$(rtp dtmf "$t0" 198.51.100.10: 198.51.100.30:6000)
  ok "3001: DTMF 123# from the page arrives at the agent as RFC 4733 (got '$d', PTs $(rtp pts "$t0" 198.51.100.10: 198.51.100.30:6000))" \
    test "$d" = '123#'
  tb=$(first_sip "$t0" '198\.51\.100\.20:5060 > 198\.51\.100\.30:5060 \| BYE ')
  ok "3001: the customer's hang-up reaches the agent as BYE (via Kamailio)" test -n "$tb"
  ok "3001: the page shows the call ended ($(q "$f" 's.get("ended")' 0))" is_true "$(q "$f" 's.get("end_ms", -1) >= 0' 0)"
  # 3003: the agent hangs up.
  media_checks "$f" 1 "3003 (sipp, hangs up)"
  d=$(info_dtmf "$t0" 3003)
  ok "3003: DTMF 45 from the page arrives at the agent (no telephone-event there) as SIP INFO (got '$d', page modes $(q "$f" 's.get("dtmf",{}).get("modes")' 1))" \
    test "$d" = 45
  tb=$(first_sip "$t0" '198\.51\.100\.30:5062 > 198\.51\.100\.20:5060 \| BYE ')
  ok "3003: the agent sent BYE" test -n "$tb"
  ok "3003: the page is told the agent hung up ($(q "$f" 's.get("ended")' 1), $(q "$f" 's.get("end_wait_ms")' 1) ms after the media window)" \
    is_true "$(q "$f" '(s.get("ended") or {}).get("reason") == "remote-hangup"' 1)"
  # 3002: baresip.
  media_checks "$f" 2 "3002 (baresip)"
  n=$(rtp packets "$t0" 198.51.100.10: 198.51.100.31:)
  ok "3002: baresip received $n RTP packets" ge "$n" $((LAB_SECONDS * 40))
  n=$(rtp packets "$t0" 198.51.100.31: 198.51.100.10:)
  ok "3002: baresip sent $n RTP packets" ge "$n" $((LAB_SECONDS * 40))
}

# Agent browser in NODE signs in as DN (with STUN override ICE, or none),
# then the customer calls the DN; both ways of audio; the customer hangs up.
customer_calls_agent() {
  local node=$1 dn=$2 srflx=$3 ice=${4:-}
  local fa=$RUN/agent.jsonl fc=$RUN/customer.jsonl kl t0
  kl=$(lines "$(KAMLOG)")
  t0=$(now)
  browser_bg "$node" agent --role agent --dn "$dn" --end remote --ring-wait 60 ${ice:+--ice-servers "$ice"}
  local apid=$BG_PID
  wait_line "$fa" '"event":"(signed-in|summary)"' 30
  ok "agent in $node signed in as $dn" grep -q '"event":"signed-in"' "$fa"
  wait_line "$(KAMLOG)" "LAB: REGISTER sip:$dn@$DOMAIN from 198\.51\.100\.10:.* ok" 10 "$kl"
  ok "the gateway registered $dn at Kamailio (contact: $(tail -n "+$((kl + 1))" "$(KAMLOG)" | grep -o "REGISTER sip:$dn@[^ ]* from [^ ]* contact [^ ]*" | head -n 1 | awk '{print $6}'))" \
    wait_line "$(KAMLOG)" "LAB: REGISTER sip:$dn@$DOMAIN from 198\.51\.100\.10:.* ok" 1 "$kl"
  browser cust customer --role customer --target "$dn" --seconds $((LAB_SECONDS + 1))
  bg_wait "$apid" 30
  media_checks "$fc" -1 "customer"
  media_checks "$fa" -1 "agent $dn"
  ok "the call was routed through Kamailio to $dn's registered contact" \
    wait_line "$(KAMLOG)" "LAB: INVITE sip:$dn@$DOMAIN from 198\.51\.100\.10:.*registered contact" 1 "$kl"
  ok "the agent's browser found its reflexive address $srflx by STUN ($(q "$fa" '[c["address"] for c in s["ice"]["local"] if c["type"] == "srflx"]'))" \
    is_true "$(q "$fa" "any(c['type'] == 'srflx' and c['address'] == '$srflx' for c in s['ice']['local'])")"
  ok "the agent page is told the customer hung up ($(q "$fa" 's.get("ended")'))" \
    is_true "$(q "$fa" '(s.get("ended") or {}).get("reason") == "remote-hangup"')"
  local n
  n=$(rtp packets "$t0" "$srflx:" 203.0.113.10:40000 "$LAB_DIR/inet.pcap")
  ok "the agent's media crossed its NAT: $n packets $srflx -> 203.0.113.10:40000" ge "$n" $((LAB_SECONDS * 40))
}

# 2. Customer -> browser agent inside the enterprise, behind the enterprise NAT,
#    using the enterprise STUN server.
case_customer_enterprise_agent() {
  sip_mode_required || return
  customer_calls_agent eagent 2002 203.0.113.30 stun:203.0.113.31:3478
}

# 3. Customer -> remote browser agent behind its own NAT (public STUN).
case_customer_remote_agent() {
  sip_mode_required || return
  customer_calls_agent remote 2003 203.0.113.22
}

# 4. A SIP agent (sipp UAC with RTP echo) calls a browser agent's DN through
#    Kamailio; the page rings, answers; the SIP agent hangs up.
case_sip_agent_calls_browser() {
  sip_mode_required || return
  local dn=2004 fa=$RUN/agent.jsonl kl t0 rc=0 n
  kl=$(lines "$(KAMLOG)")
  t0=$(now)
  browser_bg eagent agent --role agent --dn "$dn" --end remote --ring-wait 30 --ice-servers stun:203.0.113.31:3478
  local apid=$BG_PID
  wait_line "$fa" '"event":"(signed-in|summary)"' 30
  ok "agent signed in as $dn" grep -q '"event":"signed-in"' "$fa"
  ok "the gateway registered $dn at Kamailio" \
    wait_line "$(KAMLOG)" "LAB: REGISTER sip:$dn@$DOMAIN from 198\.51\.100\.10:.* ok" 10 "$kl"
  timeout 40 ip netns exec "$(nsname agent)" sipp -sn uac 198.51.100.20:5060 -s "$dn" -i 198.51.100.30 -p 5070 \
    -mi 198.51.100.30 -mp 6300 -rtp_echo -m 1 -d $(((LAB_SECONDS + 5) * 1000)) -nostdin -trace_err \
    -error_file "$RUN/sipp-uac-errors.log" >"$RUN/sipp-uac.out" 2>&1 || rc=$?
  bg_wait "$apid" 20
  ok "the sipp call to $dn completed (answered, BYE; sipp exit $rc)" test "$rc" = 0
  ok "the agent page rang (incoming from $(grep -o '"event":"incoming"[^}]*' "$fa" | grep -o '"from":"[^"]*"'))" \
    grep -q '"event":"incoming"' "$fa"
  media_checks "$fa" -1 "agent $dn"
  n=$(rtp packets "$t0" 198.51.100.10: 198.51.100.30:6300)
  ok "the SIP agent received $n RTP packets" ge "$n" $((LAB_SECONDS * 40))
  n=$(rtp packets "$t0" 198.51.100.30:6300 198.51.100.10:)
  ok "the SIP agent sent $n RTP packets (echo)" ge "$n" $((LAB_SECONDS * 40))
  ok "the page is told the SIP agent hung up ($(q "$fa" 's.get("ended")'))" \
    is_true "$(q "$fa" '(s.get("ended") or {}).get("reason") == "remote-hangup"')"
}

# 5. Customer -> the media server stand-in: the browser receives its media.
case_customer_media_server() {
  sip_mode_required || return
  local f=$RUN/customer.jsonl t0 n
  t0=$(now)
  browser cust customer --role customer --target "sip:4000@$DOMAIN"
  media_checks "$f" -1 "sip:4000@$DOMAIN"
  n=$(rtp packets "$t0" 198.51.100.40:6000 198.51.100.10:)
  ok "the media server played $n RTP packets (PT $(rtp pts "$t0" 198.51.100.40:6000 198.51.100.10:)) to the gateway" \
    ge "$n" $((LAB_SECONDS * 30))
  ok "the browser hears it: totalAudioEnergy $(q "$f" 's["media"]["energy"]') > 0" \
    is_true "$(q "$f" '(s["media"]["energy"] or 0) > 0')"
  ok "the customer's hang-up reaches the media server as BYE" \
    test -n "$(await_sip "$t0" '198\.51\.100\.20:5060 > 198\.51\.100\.40:5060 \| BYE ')"
}

# 6. Faults: no answer, Kamailio restarted, the customer page closed mid-call.
case_faults() {
  sip_mode_required || return
  local dn=2005 fa=$RUN/agent.jsonl kl apid
  # The agent for b) signs in first (its browser starts while a) runs).
  kl=$(lines "$(KAMLOG)")
  browser_bg remote agent --role agent --dn "$dn" --end remote \
    --ring-wait $((LAB_RING_TIMEOUT + LAB_REG_EXPIRES * 2 + 90))
  apid=$BG_PID

  # a) 3009 rings forever: the gateway CANCELs after --ring-timeout; the page is told.
  local f=$RUN/noanswer.jsonl t0 tinv tcan
  t0=$(now)
  browser cust noanswer --role customer --target 3009 --expect ended --answer-timeout $((LAB_RING_TIMEOUT + 20))
  tinv=$(first_sip "$t0" '198\.51\.100\.10:5060 > 198\.51\.100\.20:5060 \| INVITE sip:3009')
  tcan=$(await_sip "$t0" '198\.51\.100\.10:5060 > 198\.51\.100\.20:5060 \| CANCEL ')
  ok "no answer: the gateway sent CANCEL $( [[ -n $tinv && -n $tcan ]] && secs "$tinv" "$tcan") s after its INVITE (ring timeout $LAB_RING_TIMEOUT s)" \
    test -n "$tcan"
  ok "no answer: the CANCEL reached the agent" test -n "$(await_sip "$t0" '198\.51\.100\.20:5060 > 198\.51\.100\.30:5069 \| CANCEL ')"
  ok "no answer: the page is told ($(q "$f" 's.get("ended")'), after $(q "$f" 's.get("end_ms")') ms)" \
    is_true "$(q "$f" 'not s.get("answered") and bool((s.get("ended") or {}).get("reason"))')"

  # b) Kamailio restarted (bindings lost) while the gateway has a DN registered.
  wait_line "$fa" '"event":"(signed-in|summary)"' 30
  ok "restart: agent signed in as $dn and registered" \
    wait_line "$(KAMLOG)" "LAB: REGISTER sip:$dn@$DOMAIN from 198\.51\.100\.10:.* ok" 10 "$kl"
  stop kamailio
  sleep 1
  local trs treg i
  trs=$(now)
  start_kamailio
  ok "restart: Kamailio restarted (pid $(pid_of kamailio); its location table is in memory: every binding lost)" pid_of kamailio
  for ((i = 0; i < (LAB_REG_EXPIRES * 2 + 5) * 5; i++)); do
    treg=$(first_sip "$trs" "198\.51\.100\.20:5060 > 198\.51\.100\.10:5060 \| SIP/2\.0 200 [^|]*\| CSeq [0-9]+ REGISTER \| [^|]*\| To <?sip:$dn@")
    [[ -n $treg ]] && break
    sleep 0.2
  done
  ok "restart: the gateway re-registered $dn ($( [[ -n $treg ]] && secs "$trs" "$treg") s after the restart; --sip-register-expires $LAB_REG_EXPIRES)" \
    test -n "$treg"

  # c) Then the same customer page calls 3001 and is closed mid-call: BYE to
  #    the SIP side within 30 s.
  f=$RUN/customer.jsonl
  t0=$(now)
  browser cust customer --role customer --target "$dn,3001" --seconds $((LAB_SECONDS + 1)) --end hangup,close
  bg_wait "$apid" 20
  media_checks "$f" 0 "restart: a call to $dn after the restart"
  local tclose tbye
  tclose=$(wall "$f" closing)
  ok "page closed: the call to 3001 was up before ($(series "$f" 1))" is_true "$(q "$f" 's.get("answered")' 1)"
  for ((i = 0; i < 320; i++)); do
    tbye=$(first_sip "$t0" '198\.51\.100\.10:5060 > 198\.51\.100\.20:5060 \| BYE sip:[^|]*198\.51\.100\.30:5060')
    [[ -n $tbye ]] && break
    sleep 0.1
  done
  ok "page closed: the gateway sent BYE to the SIP side $( [[ -n $tbye && -n $tclose ]] && secs "$tclose" "$tbye") s after (<= 30 s)" \
    bash -c "[[ -n '$tbye' && -n '$tclose' ]] && python3 -c 'import sys; sys.exit(0 if float(sys.argv[2]) - float(sys.argv[1]) <= 30 else 1)' '$tclose' '$tbye'"
  ok "page closed: the BYE reached the agent 3001" \
    test -n "$(await_sip "$t0" '198\.51\.100\.20:5060 > 198\.51\.100\.30:5060 \| BYE ')"
}

# known_cases CASE...: all names known (else says which and returns 2).
known_cases() {
  local c
  for c in "$@"; do
    [[ $c == all ]] || printf '%s\n' "${CASES[@]}" | grep -qx -- "$c" ||
      { lab_log "unknown case $c (known: ${CASES[*]} all)"; return 2; }
  done
}

run_cases() {
  local c list=()
  known_cases "$@" || return 2
  for c in "$@"; do
    if [[ $c == all ]]; then list+=("${CASES[@]}"); else list+=("$c"); fi
  done
  mkdir -p "$LAB_DIR/home"
  for c in "${list[@]}"; do
    CASE=$c
    RUN=$LAB_DIR/cases/$c
    rm -rf "$RUN"
    mkdir -p "$RUN"
    CASE_T0=$(now)
    local before=$RUN_FAILS t=$SECONDS
    lab_log "== $c"
    "case_${c//-/_}"
    bg_cleanup
    lab_log "== $c: $((SECONDS - t)) s"
    ((RUN_FAILS > before)) && dump_on_failure 2>&1 | sed "s/^/[$c] /" >&2
  done
  echo "$((RUN_CHECKS - RUN_FAILS)) passed, $RUN_FAILS failed"
  ((RUN_FAILS == 0))
}
