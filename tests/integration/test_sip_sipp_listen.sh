#!/usr/bin/env bash
# sip-leg listen against sipp's built-in UAC on loopback:
#  1. one call: answered, sipp's BYE ends it, exit code 5 (peer gone);
#  2. 10 warm-up calls then 50 in sequence into one `listen --calls 0`: every
#     call answered and ended, the same number of file descriptors after the
#     50 as before them, and RSS within 2 MiB (allocator arenas settle over the
#     first few hundred calls; measured flat from call 300 to 700).
# Ports 35200-35299.
source "${GW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sip/lib.sh" || { echo "FAIL: cannot load tests/sip/lib.sh"; exit 1; }
need sipp python3 timeout

LEG=35210 UAC=35200 MEDIA=35220
common=(--bind "udp:127.0.0.1:$LEG" --rtp udp:127.0.0.1:0 --json)

echo "== 1. a sipp UAC calls, sip-leg answers, sipp hangs up"
bg LEG_PID timeout 30 "$SIPLEG" listen "${common[@]}" --timeout 20 >"$TMP/listen1.out" 2>"$TMP/listen1.err"
wait_for "$TMP/listen1.out" '"event":"listening"'
timeout 20 sipp -sn uac "127.0.0.1:$LEG" -s agent -i 127.0.0.1 -p $UAC -mi 127.0.0.1 -mp $MEDIA -m 1 -nostdin \
  >"$TMP/sipp1.log" 2>&1 || fail "sipp UAC call failed"
wait_exit "$LEG_PID" 10
[[ $RC == 5 ]] || fail "listen exit $RC, want 5 (peer hung up)"
grep -q '"event":"incoming"' "$TMP/listen1.out" || fail "no incoming event"
answered=$(event "$TMP/listen1.out" answered)
[[ $(json_field "$answered" remote_rtp) == "127.0.0.1:$MEDIA" ]] || fail "answered: $answered"
ended=$(event "$TMP/listen1.out" ended)
[[ $(json_field "$ended" cause) == remote_hangup ]] || fail "ended: $ended"

echo "== 2. 10 + 50 calls in sequence: no fd or memory growth"
bg LEG_PID "$SIPLEG" listen "${common[@]}" --calls 0 >"$TMP/listen2.out" 2>"$TMP/listen2.err"
wait_for "$TMP/listen2.out" '"event":"listening"'
timeout 60 sipp -sn uac "127.0.0.1:$LEG" -s agent -i 127.0.0.1 -p $UAC -mi 127.0.0.1 -mp $MEDIA -m 10 -l 1 -r 10 \
  -nostdin >"$TMP/sipp2a.log" 2>&1 || fail "sipp: 10 warm-up calls failed"
sleep 0.5
fds_before=$(ls /proc/"$LEG_PID"/fd | wc -l)
rss_before=$(awk '/VmRSS/ {print $2}' /proc/"$LEG_PID"/status)
timeout 120 sipp -sn uac "127.0.0.1:$LEG" -s agent -i 127.0.0.1 -p $UAC -mi 127.0.0.1 -mp $MEDIA -m 50 -l 1 -r 10 \
  -nostdin >"$TMP/sipp2b.log" 2>&1 || fail "sipp: 50 calls failed"
sleep 0.5
fds_after=$(ls /proc/"$LEG_PID"/fd | wc -l)
rss_after=$(awk '/VmRSS/ {print $2}' /proc/"$LEG_PID"/status)
ended=$(grep -c '"event":"ended"' "$TMP/listen2.out")
answered=$(grep -c '"event":"answered"' "$TMP/listen2.out")
echo "calls answered=$answered ended=$ended; fds before: $fds_before, after: $fds_after; RSS before: ${rss_before} KiB, after: ${rss_after} KiB"
((answered == 60 && ended == 60)) || fail "answered $answered / ended $ended of 60"
((fds_after <= fds_before)) || fail "file descriptors grew from $fds_before to $fds_after"
((rss_after - rss_before < 2048)) || fail "RSS grew by $((rss_after - rss_before)) KiB over 50 calls"
kill -INT "$LEG_PID"
wait_exit "$LEG_PID" 10
[[ $RC == 0 ]] || fail "listen --calls 0 exit $RC after SIGINT, want 0"

echo "PASS test_sip_sipp_listen"
