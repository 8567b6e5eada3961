#!/usr/bin/env bash
# sip-leg over SIP/TLS (RFC 3261 §26.2, RFC 5630) against Kamailio with its
# tls module (Debian `kamailio-tls-modules`; the test is skipped without it)
# on loopback, with a self-signed certificate made here with openssl:
#  1. `listen --bind tls:... --tls-dir D --tls-verify` registers over TLS
#     (server certificate verified against D/cafile.pem) with digest auth;
#  2. a sipp UAC calls alice through Kamailio, which opens TLS to sip-leg
#     (our agent.pem); answered, RTP echoed by sipp through the pipe, sipp's
#     BYE ends it (exit 5), unregistered on the way out;
#  3. --tls-verify with a CA that did not sign Kamailio's certificate: the
#     the connection is dropped and the REGISTER times out (408, exit 13).
# Ports 36100-36199.
source "$GW_SOURCE_DIR/tests/sip/lib.sh"
need kamailio sipp python3 timeout openssl
TLSMOD=/usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so
if [[ ! -f $TLSMOD ]]; then
  echo "SKIP test_sip_tls: $TLSMOD missing (Debian kamailio-tls-modules)"
  exit 0
fi

KAM=36100 KAMTLS=36101 LEG=36110 UAC=36120 MEDIA=36130 PIPE_OUT=36140 PIPE_IN=36142

# One self-signed certificate for 127.0.0.1, used by both sides.
mkcert() {  # mkcert DIR
  mkdir -p "$1"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1/key.pem" -out "$1/cert.pem" -days 1 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || fail "openssl req failed"
  cat "$1/key.pem" "$1/cert.pem" >"$1/agent.pem"  # sofia-sip: key and certificate
  cp "$1/cert.pem" "$1/cafile.pem"                # sofia-sip: the CAs it trusts
}
mkcert "$TMP/pki"
mkcert "$TMP/other"
cat >"$TMP/tls.cfg" <<EOF
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $TMP/pki/key.pem
certificate = $TMP/pki/cert.pem

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
EOF
KAM_LISTEN="udp:127.0.0.1:$KAM tls:127.0.0.1:$KAMTLS" start_kamailio $KAM WITH_TLS "TLSCFG=\"$TMP/tls.cfg\""

echo "== 1. register over TLS, the server's certificate verified"
bg LEG_PID timeout 40 "$SIPLEG" listen --bind "tls:127.0.0.1:$LEG" --tls-dir "$TMP/pki" --tls-verify \
  --rtp udp:127.0.0.1:0 --json --registrar "sips:127.0.0.1:$KAMTLS" --aor sip:alice@127.0.0.1 \
  --password alice-secret --expires 60 --timeout 30 --pipe "udp:127.0.0.1:$PIPE_OUT" \
  --pipe-bind "udp:127.0.0.1:$PIPE_IN" >"$TMP/listen.out" 2>"$TMP/listen.err"
wait_for "$TMP/listen.out" '"event":"registered"' 10
reg=$(event "$TMP/listen.out" registered)
echo "registered: $reg"

echo "== 2. a sipp UAC calls alice through Kamailio, which reaches sip-leg over TLS"
bg SIPP timeout 30 sipp -sn uac "127.0.0.1:$KAM" -s alice -i 127.0.0.1 -p $UAC -mi 127.0.0.1 -mp $MEDIA \
  -rtp_echo -d 4000 -m 1 -nostdin >"$TMP/sipp-uac.log" 2>&1
wait_for "$TMP/listen.out" '"event":"answered"' 10
probe=$(python3 "$SIPDIR/rtp_probe.py" $PIPE_IN $PIPE_OUT 100)
echo "probe: $probe"
intact=$(json_field "$probe" intact)
((intact >= 95)) || fail "only $intact of 100 RTP packets came back intact"
wait_exit "$SIPP" 20
[[ $RC == 0 ]] || fail "the sipp UAC failed (exit $RC)"
wait_exit "$LEG_PID" 15
[[ $RC == 5 ]] || fail "listen exit $RC, want 5 (peer hung up)"
answered=$(event "$TMP/listen.out" answered)
[[ $(json_field "$answered" remote_rtp) == "127.0.0.1:$MEDIA" ]] || fail "answered: $answered"
grep -q '"event":"unregistered","ts":[0-9.eE+]*,"status":200' "$TMP/listen.out" || fail "no unregister on exit"

echo "== 3. --tls-verify with the wrong CA: registration fails"
rc=0
# sofia-sip drops the connection on the bad certificate; the REGISTER then
# fails when its transaction times out (RFC 3261 §17.1.2.2 timer F, 32 s).
timeout 50 "$SIPLEG" register sip:bob@127.0.0.1 --registrar "sips:127.0.0.1:$KAMTLS" --password bob-secret \
  --bind "tls:127.0.0.1:$LEG" --tls-dir "$TMP/other" --tls-verify --retry 0 --json \
  >"$TMP/wrongca.out" 2>"$TMP/wrongca.err" || rc=$?
[[ $rc == 13 ]] || fail "wrong CA: exit $rc, want 13 (registrar never answered)"
grep -q '"event":"registration_failed".*"status":408' "$TMP/wrongca.out" || fail "no 408 registration_failed with the wrong CA"
grep -q '"event":"registered"' "$TMP/wrongca.out" && fail "registered although the CA is wrong"

echo "PASS test_sip_tls"
