#!/usr/bin/env bash
# Bad input from a scripted peer (tests/sip/bad_peer.py) at `sip-leg listen`:
# random datagrams and an unparsable INVITE are dropped by the stack, a
# malformed SDP offer and an offer without a usable codec get 488, an
# offer-less INVITE gets an offer in the 200 and the answer in the ACK
# (RFC 3261 §13.2.1), OPTIONS still gets 200; then a sipp call still works and
# sip-leg exits cleanly on SIGINT. Ports 35400-35499.
source "${GW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sip/lib.sh" || { echo "FAIL: cannot load tests/sip/lib.sh"; exit 1; }
need sipp python3 timeout

LEG=35410 PEER=35400 UAC=35420 MEDIA=35430
bg LEG_PID timeout 60 "$SIPLEG" listen --bind "udp:127.0.0.1:$LEG" --rtp udp:127.0.0.1:0 --calls 0 --json \
  >"$TMP/listen.out" 2>"$TMP/listen.err"
wait_for "$TMP/listen.out" '"event":"listening"'

res=$(timeout 40 python3 "$SIPDIR/bad_peer.py" $LEG $PEER) || fail "bad_peer.py failed"
echo "bad peer: $res"
check() { python3 -c "import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if ($1) else 1)" "$res" || fail "$2: $res"; }
check 'all(s == 400 for s in r["garbage"])' "garbage must be dropped (or 400)"
check 'all(s in (100, 400) for s in r["broken"])' "a broken INVITE must be dropped or get 400"
check 'r["bad_sdp"] and r["bad_sdp"][-1] in (400, 488)' "malformed SDP must get 488"
check 'r["no_codec"] and r["no_codec"][-1] == 488' "an offer without a usable codec must get 488"
check 'r["offer_in_200"] and r.get("bye") == [200]' "offer-less INVITE"
check 'r["options"] == [200]' "OPTIONS after the bad input"
kill -0 "$LEG_PID" 2>/dev/null || fail "sip-leg died"
[[ $(grep -c '"cause":"negotiation"' "$TMP/listen.out") == 2 ]] || fail "want two negotiation failures reported"

timeout 20 sipp -sn uac "127.0.0.1:$LEG" -s agent -i 127.0.0.1 -p $UAC -mi 127.0.0.1 -mp $MEDIA -m 1 -nostdin \
  >"$TMP/sipp.log" 2>&1 || fail "a good call after the bad input failed"
kill -INT "$LEG_PID"
wait_exit "$LEG_PID" 10
[[ $RC == 0 ]] || fail "listen exit $RC after SIGINT, want 0"
echo "PASS test_sip_malformed"
