#!/usr/bin/env bash
# stun-probe against its own server and against coturn on loopback, and
# coturn's independent clients against `stun-probe serve`.
source "$(dirname "$0")/lib.sh"
gw_require turnserver turnutils_stunclient turnutils_natdiscovery python3
SP=$GW_TOOLS/stun-probe/stun-probe
T=$GW_TMP

# --- our server, RFC 5780 on 127.0.0.1 + 127.0.0.2 --------------------------
gw_bg "$SP" serve --listen 127.0.0.1:34780 --alternate 127.0.0.2:34781 --json --rate 2000 >"$T/serve.jsonl"
SERVE=$GW_LAST_PID
gw_wait_udp - 34780 || exit 1

timeout 20 "$SP" 127.0.0.1:34780 stun:127.0.0.1:34780?transport=tcp --json >"$T/probe.jsonl"; rc=$?
check "probe udp+tcp exits 0" test "$rc" -eq 0
check "probe: two answers" test "$(grep -c '"ok":true' "$T/probe.jsonl")" -eq 2
check "probe: mapped = local (no NAT on loopback)" grep -q '"notes":\["mapped address = local address' "$T/probe.jsonl"
check "probe: OTHER-ADDRESS advertised" grep -q '"other_address":"127.0.0.2:34781"' "$T/probe.jsonl"

timeout 60 "$SP" --nat 127.0.0.1:34780 --json >"$T/nat.json"; rc=$?
check "nat: exit 0 (no NAT)" test "$rc" -eq 0
check "nat: mapping endpoint-independent" test "$(json_get "$T/nat.json" mapping)" = endpoint-independent
check "nat: filtering endpoint-independent" test "$(json_get "$T/nat.json" filtering)" = endpoint-independent
check "nat: no NAT" test "$(json_get "$T/nat.json" rfc3489_name)" = "open internet"
check "nat: large packets answered" test "$(json_get "$T/nat.json" large_packets)" = yes

timeout 60 "$SP" --audit 127.0.0.1:34780 --samples 30 --json >"$T/audit.json"; rc=$?
check "audit: exit 0" test "$rc" -eq 0
check "audit: RFC 5780 seen" test "$(json_get "$T/audit.json" rfc5780)" = true
check "audit: unknown comprehension-required attribute gets 420" \
  grep -q '"case":"unknown comprehension-required attribute","expected":"420","got":"420"' "$T/audit.json"
check "audit: no malformed request answered with success" bash -c "! grep -q '\"got\":\"success\"' '$T/audit.json'"
check "audit: 30 RTT samples, none lost" test "$(json_get "$T/audit.json" rtt.lost)" = 0

# coturn's own clients against our server (an independent implementation).
timeout 20 turnutils_stunclient -p 34780 127.0.0.1 >"$T/stunclient.txt" 2>&1
check "turnutils_stunclient gets a reflexive address" grep -q 'UDP reflexive addr: 127.0.0.1' "$T/stunclient.txt"
timeout 30 turnutils_natdiscovery -m -f -p 34780 127.0.0.1 >"$T/natdisc.txt" 2>&1
check "turnutils_natdiscovery: endpoint-independent mapping" grep -q 'NAT with Endpoint Independent Mapping' "$T/natdisc.txt"
check "turnutils_natdiscovery: endpoint-independent filtering" grep -q 'NAT with Endpoint Independent Filtering' "$T/natdisc.txt"

# Garbage never kills the server; it is counted.
python3 - <<'PY'
import os, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(2000):
    s.sendto(os.urandom(i % 600), ("127.0.0.1", 34780))
PY
sleep 0.5
timeout 10 "$SP" 127.0.0.1:34780 --timeout 3 >/dev/null; rc=$?
check "server still answers after 2000 random datagrams" test "$rc" -eq 0
kill -USR1 "$SERVE"
for i in $(seq 30); do grep -q '"reason":"SIGUSR1"' "$T/serve.jsonl" && break; sleep 0.1; done
check "SIGUSR1 prints counters with drops" bash -c "grep '\"reason\":\"SIGUSR1\"' '$T/serve.jsonl' | grep -q '\"dropped_total\":[1-9]'"
gw_stop "$SERVE"
check "exit prints final counters" grep -q '"reason":"exit"' "$T/serve.jsonl"

# --- against coturn (turnserver STUN-only, two addresses) -------------------
gw_bg turnserver -n --stun-only --no-cli --no-tls --no-dtls -L 127.0.0.1 -L 127.0.0.2 -p 34790 \
  --alt-listening-port 34791 --log-file "$T/coturn.log" --simple-log --pidfile "$T/coturn.pid" \
  --db "$T/coturn.sqlite" >"$T/coturn.out" 2>&1
COTURN=$GW_LAST_PID
gw_wait_udp - 34790 || exit 1
timeout 20 "$SP" 127.0.0.1:34790 -t tcp --json >"$T/coturn-probe.jsonl"; rc=$?
check "probe coturn over udp+tcp" test "$rc" -eq 0
check "coturn SOFTWARE seen" grep -q '"software":"Coturn' "$T/coturn-probe.jsonl"
timeout 60 "$SP" --nat 127.0.0.1:34790 --json >"$T/coturn-nat.json"; rc=$?
check "nat against coturn: exit 0" test "$rc" -eq 0
check "nat against coturn: conclusive open internet" test "$(json_get "$T/coturn-nat.json" rfc3489_name)" = "open internet"
gw_stop "$COTURN"

# --- TLS (stuns:) against coturn with a self-signed certificate, and IPv6 ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
gw_bg turnserver -n --stun-only --no-cli --no-dtls -L 127.0.0.1 -p 34792 --tls-listening-port 34793 \
  --cert "$T/cert.pem" --pkey "$T/key.pem" --log-file "$T/coturn-tls.log" --simple-log \
  --pidfile "$T/coturn-tls.pid" --db "$T/coturn-tls.sqlite" >"$T/coturn-tls.out" 2>&1
COTURN_TLS=$GW_LAST_PID
for i in $(seq 50); do ss -Hltn "sport = :34793" | grep -q . && break; sleep 0.1; done
timeout 20 "$SP" -4 stuns:localhost:34793 --ca "$T/cert.pem" --json >"$T/tls.jsonl"; rc=$?
check "stuns: with the server's CA: answered over TLS" bash -c "test $rc -eq 0 && grep -q '\"transport\":\"tls\",.*\"ok\":true' '$T/tls.jsonl'"
timeout 20 "$SP" -4 stuns:localhost:34793 --json >"$T/tls-untrusted.jsonl" 2>/dev/null; rc=$?
check "stuns: untrusted certificate refused (exit 3, 'tls' failure)" \
  bash -c "test $rc -eq 3 && grep -q '\"failure\":\"tls\"' '$T/tls-untrusted.jsonl'"
timeout 20 "$SP" -4 stuns:localhost:34793 -k >/dev/null; rc=$?
check "stuns: --insecure accepts it" test "$rc" -eq 0
gw_stop "$COTURN_TLS"

if ip -6 addr show lo | grep -q '::1'; then
  gw_bg "$SP" serve --listen '[::1]:34784' -q
  V6=$GW_LAST_PID
  gw_wait_udp - 34784 || exit 1
  timeout 20 "$SP" '[::1]:34784' -t tcp --json >"$T/v6.jsonl"; rc=$?
  check "IPv6: udp and tcp answered, mapped [::1]" bash -c "test $rc -eq 0 && test \$(grep -c '\"mapped\":\"\[::1\]' '$T/v6.jsonl') -eq 2"
  gw_stop "$V6"
fi

# --- failures: exit codes ----------------------------------------------------
timeout 20 "$SP" 127.0.0.1:34799 --timeout 1 >/dev/null 2>&1; rc=$?
check "no server: exit 3 (unreachable)" test "$rc" -eq 3
"$SP" --nat >/dev/null 2>&1; rc=$?
check "usage error: exit 2" test "$rc" -eq 2
"$SP" 'stun:bad host' >/dev/null 2>&1; rc=$?
check "bad URI: exit 2" test "$rc" -eq 2
# A server without OTHER-ADDRESS: inconclusive (11), never a wrong verdict.
gw_bg "$SP" serve --listen 127.0.0.1:34782 -q
PLAIN=$GW_LAST_PID
gw_wait_udp - 34782 || exit 1
timeout 60 "$SP" --nat 127.0.0.1:34782 --json >"$T/plain-nat.json"; rc=$?
check "server without RFC 5780 on loopback: still 'no NAT' (exit 0)" test "$rc" -eq 0
check "server without RFC 5780: tests not run are named" grep -q '"not_run":\[".\+' "$T/plain-nat.json"
gw_stop "$PLAIN"

gw_finish
