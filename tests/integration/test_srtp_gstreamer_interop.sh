#!/usr/bin/env bash
# Interop with an independent DTLS-SRTP stack: GStreamer's dtlssrtpenc /
# dtlssrtpdec (gstreamer1.0-plugins-bad, OpenSSL + libsrtp). GStreamer is
# the DTLS client, the bridge the server. RTP sent through GStreamer's
# encoder comes out of the bridge's plain side bit-exact, and RTP sent into
# the bridge's plain side comes out of GStreamer's decoder bit-exact.
# Skipped (exit 0 with a note) when gst-launch-1.0 or the elements are missing.
source "$(dirname "$0")/srtp_lib.sh"

if ! command -v gst-launch-1.0 >/dev/null || ! gst-inspect-1.0 dtlssrtpenc >/dev/null 2>&1; then
  echo "SKIP: gst-launch-1.0 / dtlssrtpenc not installed (apt-get install gstreamer1.0-tools gstreamer1.0-plugins-bad)"
  exit 0
fi

CAPS="media=audio,clock-rate=8000,encoding-name=PCMU,payload=0"
for role in passive active; do
  gst_client=$([ $role = passive ] && echo true || echo false)
  read -r BS BP GIN GDTLS PY1 PY2 PY3 <<<"$($HELPER ports 7)"
  rm -f "$T"/*.in "$T"/*.out
  start_bridge A --dtls "$role" --secure "udp:127.0.0.1:$BS" --secure-remote "udp:127.0.0.1:$GDTLS" \
    --plain "udp:127.0.0.1:$BP" --plain-remote "udp:127.0.0.1:$PY2"
  wait_event A listening

  # GStreamer: RTP in on $GIN -> DTLS-SRTP -> bridge; SRTP from the bridge on $GDTLS -> RTP to $PY3.
  timeout -k 2 60 gst-launch-1.0 -q \
    dtlssrtpenc name=enc connection-id=gw is-client="$gst_client" ! udpsink host=127.0.0.1 port="$BS" sync=false async=false \
    udpsrc address=127.0.0.1 port="$GIN" caps="application/x-rtp,$CAPS" ! enc.rtp_sink_0 \
    udpsrc address=127.0.0.1 port="$GDTLS" caps="application/x-srtp,$CAPS" ! dtlssrtpdec name=dec connection-id=gw \
    dec.rtp_src ! udpsink host=127.0.0.1 port="$PY3" sync=false async=false \
    >"$T/gst.out" 2>"$T/gst.err" &
  GST_PID=$!
  PIDS+=("$GST_PID")
  wait_event A handshake_done 20
  grep -o '"profile":"[A-Z0-9_]*"' "$T/A.out"
  sleep 0.3  # GStreamer's encoder gets its keys right after the handshake

  # GStreamer -> bridge (the bridge decrypts). Sources: the bridge plain port.
  $HELPER flow --send-from "$PY1" --to "$GIN" --recv-on "$PY2" --expect-from "$BP" --seed 21 --count 200 --first-seq 1000 \
    || fail "GStreamer -> bridge"
  # bridge -> GStreamer (GStreamer decrypts).
  $HELPER flow --send-from "$PY2" --to "$BP" --recv-on "$PY3" --expect-from 0 --any-source --seed 22 --count 200 \
    || fail "bridge -> GStreamer"
  echo "ok: bridge $role <-> GStreamer dtlssrtpenc/dtlssrtpdec, both ways bit-exact"
  kill "$A_PID" "$GST_PID" 2>/dev/null || true
  wait_exit "$A_PID" 10
  wait_exit "$GST_PID" 10
  eval "exec ${A_FD}>&-"
done
