#!/usr/bin/env bash
# sip-leg over SIP/TLS (RFC 3261 §26.2, RFC 5630) against Kamailio with its
# tls module (Debian `kamailio-tls-modules`; the test is skipped without it)
# on loopback, with self-signed certificates made here with openssl:
#  1. `listen --bind tls:... --tls-dir D --tls-verify` registers over TLS
#     (server certificate verified against D/cafile.pem, and it names
#     127.0.0.1, the host we connect to) with digest auth;
#  2. a sipp UAC calls alice through Kamailio, which opens TLS to sip-leg
#     (our agent.pem); answered, RTP echoed by sipp through the pipe, sipp's
#     BYE ends it (exit 5), unregistered on the way out;
#  3. --tls-verify with a CA that did not sign Kamailio's certificate: the
#     connection is dropped, a tls_failed event says why, exit 14 at once
#     (sofia-sip alone would let the REGISTER time out after 32 s);
#  4. --tls-verify against a trusted certificate for another name
#     (sip.example.net, on Kamailio's second TLS port): the same, with the
#     host name in the event (RFC 5922 §7.2);
#  5. a trusted certificate whose CN is another name but whose
#     subjectAltName holds sip:127.0.0.1 (Kamailio's third TLS port):
#     registered.
source "${GW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sip/lib.sh" || { echo "FAIL: cannot load tests/sip/lib.sh"; exit 1; }
need kamailio sipp python3 timeout openssl
TLSMOD=/usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so
if [[ ! -f $TLSMOD ]]; then
  echo "SKIP test_sip_tls: $TLSMOD missing (Debian kamailio-tls-modules)"
  exit 0
fi

KAM=36100 KAMTLS=36101 KAMTLS2=36102 KAMTLS3=36103 LEG=36110 UAC=36120 MEDIA=36130 PIPE_OUT=36140 PIPE_IN=36142

# mkcert DIR CN SAN: a self-signed certificate, trusted by whoever uses DIR.
# (sofia-sip matches the host against subjectAltName DNS/URI entries and
# the CN; it skips IP entries, which OpenSSL 3 lists as "IP Address".)
mkcert() {
  mkdir -p "$1"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1/key.pem" -out "$1/cert.pem" -days 1 \
    -subj "/CN=$2" -addext "subjectAltName=$3" >/dev/null 2>&1 || fail "openssl req failed"
  cat "$1/key.pem" "$1/cert.pem" >"$1/agent.pem"  # sofia-sip: key and certificate
  cp "$1/cert.pem" "$1/cafile.pem"                # sofia-sip: the CAs it trusts
}
mkcert "$TMP/pki" 127.0.0.1 IP:127.0.0.1    # Kamailio's on KAMTLS, and ours
mkcert "$TMP/other" 127.0.0.1 IP:127.0.0.1  # same name, another key: an untrusted CA
mkcert "$TMP/named" sip.example.net DNS:sip.example.net  # Kamailio's on KAMTLS2
mkcert "$TMP/san" not-this-name URI:sip:127.0.0.1  # Kamailio's on KAMTLS3
for d in named san; do  # trust-DIR trusts DIR's certificate
  mkdir -p "$TMP/trust-$d"
  cp "$TMP/pki/agent.pem" "$TMP/trust-$d/agent.pem"
  cp "$TMP/$d/cert.pem" "$TMP/trust-$d/cafile.pem"
done
# Kamailio's tls.cfg: one server profile per certificate (default: pki).
{
  for profile in "default pki" "127.0.0.1:$KAMTLS2 named" "127.0.0.1:$KAMTLS3 san"; do
    set -- $profile
    printf '[server:%s]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n' "$1"
    printf 'private_key = %s\ncertificate = %s\n\n' "$TMP/$2/key.pem" "$TMP/$2/cert.pem"
  done
  printf '[client:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n'
} >"$TMP/tls.cfg"
KAM_LISTEN="udp:127.0.0.1:$KAM tls:127.0.0.1:$KAMTLS tls:127.0.0.1:$KAMTLS2 tls:127.0.0.1:$KAMTLS3" start_kamailio $KAM WITH_TLS "TLSCFG=\"$TMP/tls.cfg\""

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

# refused N WHAT REGISTRAR TLS_DIR: a --tls-verify register that must stop
# at once (exit 14, not the 32 s transaction timeout) with a tls_failed
# event; sets EVENT.
refused() {
  local n=$1 what=$2 registrar=$3 dir=$4 start=$SECONDS
  leg "refused$n" register sip:bob@127.0.0.1 --registrar "$registrar" --password bob-secret \
    --bind "tls:127.0.0.1:$LEG" --tls-dir "$dir" --tls-verify --retry 0 --json
  [[ $RC == 14 ]] || fail "$what: exit $RC, want 14 (TLS refused)"
  ((SECONDS - start <= 10)) || fail "$what: took $((SECONDS - start)) s"
  EVENT=$(event "$TMP/refused$n.out" tls_failed)
  echo "$what: exit $RC after $((SECONDS - start)) s: $EVENT"
  grep -q '"event":"registered"' "$TMP/refused$n.out" && fail "$what: registered anyway"
  return 0
}

echo "== 3. --tls-verify with the wrong CA: refused at once"
refused 3 "wrong CA" "sips:127.0.0.1:$KAMTLS" "$TMP/other"
[[ $(json_field "$EVENT" reason) == *"not trusted"* ]] || fail "wrong CA: $EVENT"

echo "== 4. --tls-verify, a trusted certificate for another name: refused"
refused 4 "wrong name" "sips:127.0.0.1:$KAMTLS2" "$TMP/trust-named"
[[ $(json_field "$EVENT" host) == 127.0.0.1 && $(json_field "$EVENT" reason) == *"does not name 127.0.0.1"* ]] ||
  fail "wrong name: $EVENT"

echo "== 5. --tls-verify, the host in subjectAltName (URI sip:127.0.0.1), another CN: registered"
leg san register sip:bob@127.0.0.1 --registrar "sips:127.0.0.1:$KAMTLS3" --password bob-secret \
  --bind "tls:127.0.0.1:$LEG" --tls-dir "$TMP/trust-san" --tls-verify --retry 0 --duration 1 --json
[[ $RC == 0 ]] || fail "subjectAltName URI: exit $RC, want 0"
grep -q '"event":"registered"' "$TMP/san.out" || fail "subjectAltName URI: not registered"

echo "PASS test_sip_tls"
