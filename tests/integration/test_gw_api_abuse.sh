#!/usr/bin/env bash
# webrtc-gw's public API under abuse (docs/API.md §5-§7), on loopback only:
# webrtc-gw on 127.0.0.1 (free ports), a stdlib WebSocket client
# (gw_ws_client.py) and curl. Each abuse source uses its own 127.0.0.x
# address so the per-IP connection limit of one check does not touch the
# others.
#
# Checks:
# 1. protocol errors: request before hello -> bad-state; malformed JSON ->
#    bad-json with id null; unknown type; missing id; the socket goes on;
# 2. a 70 KiB text frame -> close 1009; a binary frame -> close 1003;
# 3. 300 requests in one burst -> some rate-limited, every one answered, the
#    socket still answers ping (a 1008 close only after 10 s over the rate);
# 4. 200 TCP connections at once from one address -> some 429/refused, and
#    /healthz still answers (from that address after the refill, and others);
# 5. POST /api/v1/calls: bad JSON -> 400 bad-json, non-WebRTC SDP -> 400
#    bad-sdp, a 70 KiB body -> 413, wrong method -> 405, DELETE unknown -> 404;
# 6. throughout: the process lives, /healthz is 200, stderr has no
#    sanitizer/abort text; SIGTERM -> exit 0 within 10 s.
source "$(dirname "$0")/lib.sh"
gw_require python3 timeout curl
GW_BIN=$GW_BUILD_DIR/tools/webrtc-gw/webrtc-gw
CLIENT=$(dirname "$0")/gw_ws_client.py
T=$GW_TMP
if [[ ! -x $GW_BIN ]]; then gw_log "no $GW_BIN: build the project first"; exit 1; fi

free_port() { # free_port tcp|udp
  python3 -c 'import socket,sys
s=socket.socket(socket.AF_INET, socket.SOCK_STREAM if sys.argv[1]=="tcp" else socket.SOCK_DGRAM)
s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1"
}
HTTPS_PORT=$(free_port tcp)
MEDIA_PORT=$(free_port udp)
HOST=127.0.0.1
BASE=https://$HOST:$HTTPS_PORT
mkdir -p "$T/state"
gw_bg timeout 300 "$GW_BIN" --public-bind "$HOST" --https-port "$HTTPS_PORT" --media-port "$MEDIA_PORT" \
  --media-threads 1 --state-dir "$T/state" --web-root "$GW_SOURCE_DIR/web" --json >"$T/gw.out" 2>"$T/gw.err"
gw_pid=$GW_LAST_PID

# healthz [SOURCE]: the HTTP status of GET /healthz.
healthz() {
  curl -ks --max-time 3 --interface "${1:-127.0.0.1}" -o /dev/null -w '%{http_code}' "$BASE/healthz"
}
up=0
for _ in $(seq 100); do
  [[ $(healthz) == 200 ]] && { up=1; break; }
  kill -0 "$gw_pid" 2>/dev/null || break
  sleep 0.1
done
check "webrtc-gw answers $BASE/healthz" test "$up" = 1
if ((!up)); then tail -n 30 "$T/gw.err" "$T/gw.out" >&2; gw_finish; exit 1; fi
check "a listening event on stdout (--json)" grep -q '"event":"listening"' "$T/gw.out"

alive() {
  kill -0 "$gw_pid" 2>/dev/null && [[ $(healthz 127.0.0.1) == 200 ]]
}
no_crash_text() {
  ! grep -Eiq 'AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:|LeakSanitizer|Aborted|terminate called|Assertion|core dumped|SIGSEGV' "$T/gw.err"
}
ws() { timeout 60 python3 "$CLIENT" "$HOST" "$HTTPS_PORT" "$@"; }

# 1-2. WebSocket protocol errors and frame abuse.
check "WS protocol errors: bad-state, bad-json (id null), unknown-type, missing id" ws protocol-errors --source 127.0.0.2
check "WS 70 KiB text frame: close 1009" ws oversized --source 127.0.0.2
check "WS binary frame: close 1003" ws binary --source 127.0.0.2
check "gateway alive after frame abuse" alive

# 3. A burst of requests on one socket.
check "WS 300-request burst: rate-limited, then ping answered" ws burst --source 127.0.0.3
check "gateway alive after the request burst" alive

# 4. A connection flood from one address.
check "200 connections at once from 127.0.0.4: some 429/refused" ws conn-flood --source 127.0.0.4 --count 200
check "gateway alive after the connection flood (other address)" alive
sleep 2.5  # 20/s refill: the flooding address gets tokens back
check "the flooding address is served again after the refill" test "$(healthz 127.0.0.4)" = 200

# 5. HTTP one-call endpoint errors.
# post BODY_FILE [METHOD [PATH]]: prints the status; the body in $T/resp.
post() {
  curl -ks --max-time 5 --interface 127.0.0.5 -X "${2:-POST}" -H 'Content-Type: application/json' \
    --data-binary "@$1" -o "$T/resp" -w '%{http_code}' "$BASE${3:-/api/v1/calls}"
}
code_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["error"]["code"])' "$T/resp" 2>/dev/null; }
printf '{"target": "echo", "sdp": ' >"$T/bad.json"
r=$(post "$T/bad.json")
check "POST bad JSON: 400 bad-json ($r $(code_of))" test "$r $(code_of)" = "400 bad-json"
python3 -c 'import json; print(json.dumps({"target":"echo","sdp":"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"}))' >"$T/avp.json"
r=$(post "$T/avp.json")
check "POST non-WebRTC SDP: 400 bad-sdp ($r $(code_of))" test "$r $(code_of)" = "400 bad-sdp"
python3 -c 'print("{\"target\":\"echo\",\"sdp\":\"v=0\\r\\n" + "a" * (70 * 1024) + "\"}")' >"$T/big.json"
r=$(post "$T/big.json")
check "POST 70 KiB body: 413 ($r)" test "$r" = 413
python3 -c 'import json; print(json.dumps({"target":"no such target!","sdp":"v=0\r\n"}))' >"$T/target.json"
r=$(post "$T/target.json")
check "POST bad target: 400 bad-target ($r $(code_of))" test "$r $(code_of)" = "400 bad-target"
r=$(post "$T/bad.json" PUT)
check "PUT /api/v1/calls: 405 ($r)" test "$r" = 405
r=$(post "$T/bad.json" DELETE /api/v1/calls/c-424242)
check "DELETE unknown call: 404 ($r)" test "$r" = 404
check "gateway alive after the HTTP errors" alive
check "gateway stderr has no sanitizer/abort text" no_crash_text

# 6. Graceful stop.
kill -TERM "$gw_pid"
rc=124
for _ in $(seq 100); do
  if ! kill -0 "$gw_pid" 2>/dev/null; then wait "$gw_pid"; rc=$?; break; fi
  sleep 0.1
done
check "SIGTERM: exit 0 within 10 s (rc=$rc)" test "$rc" = 0
check "a stopped event on stdout" grep -q '"event":"stopped"' "$T/gw.out"
check "gateway stderr has no sanitizer/abort text at exit" no_crash_text
if ((GW_FAILS)); then gw_log "== webrtc-gw stderr"; tail -n 40 "$T/gw.err" >&2; fi
gw_finish
