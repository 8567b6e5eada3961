#!/usr/bin/env python3
"""A browser agent without a browser, for webrtc-gw's SIP-mode tests: signs
in as a DN over the WebSocket API, prints every event as a JSON line, and
answers (or rejects) incoming calls with a WebRTC answer built from the
gateway's offer (ICE/DTLS values are made up: the signaling is what is
tested; media is covered by the browser tests).

  gw_sip_agent.py HOST PORT DN [--reject busy|--ignore] [--calls N] [--seconds S]

Exits 0 after N calls ended (or S seconds with --calls 0), 1 on an error.
"""
import argparse
import json
import re
import select
import sys
import time

from gw_ws_client import Closed, WebSocket


def answer_for(offer):
    """A minimal JSEP answer: PCMU (and telephone-event) with the offer's PTs."""
    pts = {}
    for m in re.finditer(r"a=rtpmap:(\d+) ([\w-]+)/(\d+)", offer):
        pts.setdefault((m.group(2).lower(), m.group(3)), m.group(1))
    pcmu = pts.get(("pcmu", "8000"), "0")
    lines = ["v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
             "m=audio 9 UDP/TLS/RTP/SAVPF " + pcmu + (" " + pts[("telephone-event", "8000")]
                                                       if ("telephone-event", "8000") in pts else ""),
             "c=IN IP4 0.0.0.0", "a=mid:0", "a=ice-ufrag:agnt", "a=ice-pwd:abcdefghijklmnopqrstuvwx",
             "a=fingerprint:sha-256 " + ":".join(["AB"] * 32), "a=setup:active", "a=rtcp-mux", "a=sendrecv",
             "a=rtpmap:" + pcmu + " PCMU/8000"]
    if ("telephone-event", "8000") in pts:
        lines.append("a=rtpmap:" + pts[("telephone-event", "8000")] + " telephone-event/8000")
    return "\r\n".join(lines) + "\r\n"


def say(obj):
    print(json.dumps(obj), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("dn")
    p.add_argument("--reject", default=None, help="reject incoming calls with this reason")
    p.add_argument("--ignore", action="store_true", help="let incoming calls ring (no answer)")
    p.add_argument("--calls", type=int, default=1, help="exit after this many calls ended (0: run --seconds)")
    p.add_argument("--seconds", type=float, default=30)
    a = p.parse_args()
    ws = WebSocket(a.host, a.port, timeout=a.seconds)
    hello = ws.request("hello", versions=[1], client="gw_sip_agent.py")
    signin = ws.request("signin", dn=a.dn)
    say({"step": "signin", "ok": bool(hello.get("ok")) and bool(signin.get("ok")), "response": signin})
    if not signin.get("ok"):
        sys.exit(1)
    ended = 0
    deadline = time.time() + a.seconds
    while time.time() < deadline and (a.calls == 0 or ended < a.calls):
        # Wait for bytes first: a timeout inside a frame would lose its start.
        if not ws.buf and not ws.sock.pending() and not select.select([ws.sock], [], [], 0.5)[0]:
            continue
        try:
            msg = ws.recv_json()
        except Closed as c:
            say({"step": "closed", "code": c.code})
            sys.exit(1)
        if msg.get("type") != "event":
            continue
        say(msg)
        if msg["event"] == "incoming-call":
            cid = msg["call_id"]
            if a.ignore:
                continue
            if a.reject:
                r = ws.request("reject", call_id=cid, reason=a.reject)
            else:
                r = ws.request("answer", call_id=cid, sdp=answer_for(msg.get("sdp", "")))
            say({"step": "reject" if a.reject else "answer", "ok": bool(r.get("ok")), "response": r})
        elif msg["event"] == "ended":
            ended += 1
    ws.close()
    sys.exit(0 if (a.calls == 0 or ended >= a.calls) else 1)


if __name__ == "__main__":
    main()
