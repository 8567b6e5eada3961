#!/usr/bin/env bash
# webrtc-gw under load without a browser (issue 6): bench/gw_load plays 100
# WebRTC "browsers" (offer over HTTPS, ICE checks against the ICE-lite
# gateway, DTLS-SRTP, G.711 every 20 ms) calling `echo` for 30 s.
# Checks: every call up, no loss; after the hang-ups the gateway holds no
# leg, no extra fd and little extra memory; 10 browsers that vanish without
# a word are ended by ICE consent (RFC 7675) within 35 s; SIGTERM ends the
# remaining calls with server-shutdown and exits 0.
source "$(dirname "$0")/lib.sh"
gw_require python3 curl timeout
GW=$GW_BUILD_DIR/tools/webrtc-gw/webrtc-gw
LOAD=$GW_BUILD_DIR/bench/gw_load
T=$GW_TMP
gw_local_ports

gw_bg "$GW" --public-bind 127.0.0.1 --https-port "$HTTPS" --media-port "$MEDIA" --media-threads 1 \
  --state-dir "$T/state" --web-root "$GW_SOURCE_DIR/web" --json >"$T/gw.out" 2>"$T/gw.err"
gw_pid=$GW_LAST_PID
gw_wait_https "$HTTPS"
check "the gateway answers /healthz" curl -skf -o /dev/null "https://127.0.0.1:$HTTPS/healthz"

fds() { ls "/proc/$gw_pid/fd" | wc -l; }
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$gw_pid/status"; }
threads() { awk '/Threads/{print $2}' "/proc/$gw_pid/status"; }
fd0=$(fds)
# Warm-up (allocator arenas, TLS session caches), then the baseline.
timeout 60 "$LOAD" --gateway "127.0.0.1:$HTTPS" --calls 100 --duration 2 --json >/dev/null 2>"$T/warm.err"
sleep 0.5
fd1=$(fds) rss1=$(rss_kb)

timeout 120 "$LOAD" --gateway "127.0.0.1:$HTTPS" --calls 100 --rate 50 --duration 30 --max-loss 0 --json \
  >"$T/load.json" 2>"$T/load.err"
load_rc=$?
tail -n 1 "$T/load.json" | python3 -c 'import json,sys
d=json.load(sys.stdin)
print("calls_up=%s loss_pct=%s packets_sent=%s received=%s setup_ms=%s" % (d["calls_up"], d["loss_pct"],
      d["packets_sent"], d["packets_received"], d["setup_ms"]))' >&2 || true
check "gw_load: 100 echo calls for 30 s, all up, no loss (exit 0)" test "$load_rc" = 0
check "gw_load: 100 calls came up" \
  python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().splitlines()[-1]); sys.exit(d["calls_up"]!=100)' "$T/load.json"
check "gw_load: >= 140000 packets echoed" \
  python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().splitlines()[-1]); sys.exit(d["packets_received"]<140000)' "$T/load.json"
sleep 1
fd2=$(fds) rss2=$(rss_kb) th=$(threads)
gw_log "fds: start $fd0, after warm-up $fd1, after load $fd2; RSS $rss1 -> $rss2 KiB; threads $th"
check "no leaked fds after the calls ended ($fd1 -> $fd2)" test "$fd2" -le "$fd1"
check "RSS grew by < 4 MiB over 100 finished calls ($rss1 -> $rss2 KiB)" test $((rss2 - rss1)) -lt 4096
check "threads: main + 1 media thread ($th)" test "$th" -le 2
check "every leg was removed" \
  python3 -c 'import json,sys
started=ended=0
for l in open(sys.argv[1]):
    e=json.loads(l)
    started+=e.get("event")=="call-started"; ended+=e.get("event")=="call-ended"
sys.exit(started!=ended or started<200)' "$T/gw.out"

# Browsers that vanish: no DELETE, no close_notify. Consent ends them.
t0=$(date +%s)
timeout 60 "$LOAD" --gateway "127.0.0.1:$HTTPS" --calls 10 --duration 2 --no-hangup --json >/dev/null 2>"$T/vanish.err"
for _ in $(seq 400); do
  n=$(grep -c '"reason":"consent-lost"' "$T/gw.out" || true)
  [[ $n -ge 10 ]] && break
  sleep 0.1
done
t1=$(date +%s)
check "10 vanished browsers ended with consent-lost within 35 s ($((t1 - t0)) s)" \
  test "$(grep -c '"reason":"consent-lost"' "$T/gw.out")" -ge 10 -a $((t1 - t0)) -le 37

# Graceful shutdown with calls up.
timeout 60 "$LOAD" --gateway "127.0.0.1:$HTTPS" --calls 5 --duration 20 --json >/dev/null 2>&1 &
load_pid=$!
GW_PIDS+=("$load_pid")
for _ in $(seq 100); do
  [[ $(grep -c '"event":"media-ready"' "$T/gw.out") -ge 215 ]] && break
  sleep 0.1
done
kill -TERM "$gw_pid"
rc=0
for _ in $(seq 100); do kill -0 "$gw_pid" 2>/dev/null || break; sleep 0.1; done
wait "$gw_pid" || rc=$?
check "SIGTERM: exit 0 within 10 s" test "$rc" = 0
check "SIGTERM: calls ended with server-shutdown" grep -q '"reason":"server-shutdown"' "$T/gw.out"
check "no sanitizer report or abort in the gateway's log" bash -c "! grep -qiE 'AddressSanitizer|runtime error|abort|terminate called' '$T/gw.err'"
gw_stop "$load_pid"
[[ $GW_FAILS -gt 0 ]] && { tail -n 20 "$T/gw.err" "$T/load.err" >&2; }
gw_finish
