#!/usr/bin/env bash
# Two ice-session processes on loopback, their ICE parameters exchanged by
# tests/integration/ice_pair.py (JSON events -> stdin commands): full-full
# and full-lite connect and carry numbered datagrams both ways through their
# pipes, bit-exact; killing one side makes the other exit 5 (consent lost,
# RFC 7675) within 30 s; ICE restart reconnects. Also: exit codes for no peer and bad input, and a
# Chromium offer accepted with --remote-sdp.
source "$(dirname "$0")/lib.sh"
gw_require python3
IS=$GW_TOOLS/ice-session/ice-session
PAIR=$GW_SOURCE_DIR/tests/integration/ice_pair.py
T=$GW_TMP

pair() {  # NAME ARGS... for ice_pair.py; summary in $T/NAME.json
  local name=$1; shift
  mkdir -p "$T/$name"
  timeout 120 python3 "$PAIR" --summary "$T/$name.json" --log-dir "$T/$name" "$@"
  local rc=$?
  [[ $rc -eq 0 ]] || { cat "$T/$name.json" >&2; tail -n 5 "$T/$name"/*.stderr >&2; }
  return $rc
}

# Full (controlling) <-> full (controlled), unix datagram pipes.
pair full-full --pipe unix --count 1000 --rate 1000 \
  --a "$IS --bind 127.0.0.1 --controlling" --b "$IS --bind 127.0.0.1 --controlled"
check "full-full: 1000 datagrams each way, bit-exact, clean exits" test "$(json_get "$T/full-full.json" ok)" = true
check "full-full: host-host pair on 127.0.0.1" \
  test "$(json_get "$T/full-full.json" a.pair.local.type)/$(json_get "$T/full-full.json" b.pair.remote.address)" = host/127.0.0.1

# Full <-> lite (RFC 8445 §2.5), loopback UDP pipes.
pair full-lite --pipe udp --count 1000 --rate 1000 \
  --a "$IS --bind 127.0.0.1" --b "$IS --bind 127.0.0.1 --lite"
check "full-lite: 1000 datagrams each way, bit-exact, clean exits" test "$(json_get "$T/full-lite.json" ok)" = true
check "full-lite: the lite side announced a=ice-lite" grep -q '"a=ice-lite"' "$T/full-lite/b.events"

# ICE restart (RFC 8445 §9) from A: new credentials on both sides (B restarts
# on A's new ufrag/pwd), a pair again, the stream again.
pair restart --restart --count 300 --a "$IS --bind 127.0.0.1" --b "$IS --bind 127.0.0.1 --controlled"
check "restart: new ufrags on both sides, pair again, 300 datagrams each way again" \
  test "$(json_get "$T/restart.json" ok)/$(json_get "$T/restart.json" restart.pair_again)" = true/true

# Consent freshness: SIGKILL B, A must exit 5 within 30 s.
pair consent --count 50 --kill b --within 30 --a "$IS --bind 127.0.0.1" --b "$IS --bind 127.0.0.1"
check "consent lost: survivor exits 5" test "$(json_get "$T/consent.json" survivor_exit)" = 5
check "consent lost: within 30 s" python3 -c "import json,sys; sys.exit(0 if json.load(open('$T/consent.json'))['survivor_seconds'] <= 30 else 1)"
check "consent lost: failed event names the reason" grep -q '"reason":"consent-lost"' "$T/consent/a.events"

# Nobody answers: exit 3 (no remote parameters) after --timeout.
timeout 20 "$IS" --bind 127.0.0.1 --timeout 1 --json </dev/null >"$T/alone.jsonl" 2>"$T/alone.err"; rc=$?
check "no peer: exit 3 after --timeout" test "$rc" -eq 3
check "no peer: failed event, reason timeout" grep -q '"reason":"timeout"' "$T/alone.jsonl"

# A peer that never answers checks: exit 4 (negotiation failed).
# (stdin from a file: its end does not end the session.)
cat >"$T/nocheck.cmds" <<'CMDS'
{"cmd":"remote-credentials","ufrag":"abcd","pwd":"0123456789012345678901"}
{"cmd":"remote-candidate","candidate":"candidate:1 1 udp 2122260223 127.0.0.1 9 typ host"}
{"cmd":"end-of-candidates"}
CMDS
start=$SECONDS
timeout 40 "$IS" --bind 127.0.0.1 --timeout 20 --json <"$T/nocheck.cmds" >"$T/nocheck.jsonl" 2>"$T/nocheck.err"; rc=$?
gw_log "checks failed after $((SECONDS - start)) s"
check "checks fail: exit 4" test "$rc" -eq 4
check "checks fail: reason checks-failed or timeout" grep -Eq '"reason":"(checks-failed|timeout)"' "$T/nocheck.jsonl"

# Bad commands give error events and the session keeps going.
{
  echo 'not json'
  echo '{"cmd":"dance"}'
  echo '{"cmd":"remote-candidate","candidate":"candidate:1 1 udp 1 host.local 5000 typ host"}'
  echo '{"cmd":"remote-credentials","ufrag":"x","pwd":"y"}'
  echo '{"cmd":"stats"}'
  echo '{"cmd":"close"}'
} | timeout 20 "$IS" --bind 127.0.0.1 --json >"$T/bad.jsonl" 2>"$T/bad.err"; rc=$?
check "bad commands: 4 error events" test "$(grep -c '"event":"error"' "$T/bad.jsonl")" -eq 4
check "bad commands: mDNS candidate named" grep -q 'ice.mdns-candidate' "$T/bad.jsonl"
check "bad commands: stats answered, close exits 0" bash -c "grep -q '\"event\":\"stats\"' '$T/bad.jsonl' && test $rc -eq 0"

# Usage errors exit 2.
"$IS" --lite --controlling >/dev/null 2>&1; check "usage: --lite --controlling exits 2" test $? -eq 2
"$IS" --port-range 9-3 >/dev/null 2>&1; check "usage: bad --port-range exits 2" test $? -eq 2
"$IS" --remote-sdp /nonexistent >/dev/null 2>&1; check "usage: unreadable --remote-sdp exits 2" test $? -eq 2

# A Chromium offer: controlled role, its mid, candidates accepted; SDP lines out.
echo '{"cmd":"close"}' | (sleep 1; cat) | timeout 20 "$IS" --bind 127.0.0.1 --port-range 40000-40100 \
  --remote-sdp "$GW_SOURCE_DIR/tests/data/sdp/chromium156-offer-audio.sdp" >"$T/offer.sdp" 2>"$T/offer.err"; rc=$?
check "remote offer: exit 0 on close" test "$rc" -eq 0
check "remote offer: SDP lines for the answer" bash -c "grep -q '^a=ice-ufrag:' '$T/offer.sdp' && grep -q '^a=ice-pwd:' '$T/offer.sdp' && grep -q '^a=end-of-candidates' '$T/offer.sdp'"
check "remote offer: port range honoured" bash -c "grep '^a=candidate:' '$T/offer.sdp' | awk '{p=\$6; if (p<40000||p>40100) exit 1}'"
check "remote offer: no candidate refused" bash -c "! grep -qi 'skipped\|error' '$T/offer.err'"

gw_finish
