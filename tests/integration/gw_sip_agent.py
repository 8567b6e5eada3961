#!/usr/bin/env python3
"""A browser without a browser, for webrtc-gw's SIP-mode tests, over the
WebSocket API; prints every event as a JSON line. ICE/DTLS values are made
up: the signaling is what is tested (media is covered by the browser tests).

Agent:  gw_sip_agent.py HOST PORT DN [--reject busy|--ignore] [--calls N] [--seconds S]
  signs in as DN and answers (or rejects) incoming calls with a WebRTC
  answer built from the gateway's offer; exits 0 after N calls ended (or S
  seconds with --calls 0).
Caller: gw_sip_agent.py HOST PORT DN|- --call TARGET [--hold] [--seconds S]
  signs in as DN (- : a customer, not signed in), then
  calls TARGET with a WebRTC offer (PCMU, telephone-event); once answered,
  optionally holds and resumes (waiting for the gateway's held/resumed),
  then hangs up; exits 0 when the call ended.
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


OFFER = "\r\n".join([
    "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0", "a=msid-semantic: WMS",
    "m=audio 9 UDP/TLS/RTP/SAVPF 0 101", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
    "a=ice-ufrag:cllr", "a=ice-pwd:abcdefghijklmnopqrstuvwx", "a=ice-options:trickle",
    "a=fingerprint:sha-256 " + ":".join(["CD"] * 32), "a=setup:actpass", "a=mid:0", "a=sendrecv",
    "a=rtcp-mux", "a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16"]) + "\r\n"


def say(obj):
    print(json.dumps(obj), flush=True)


def next_event(ws, deadline):
    while time.time() < deadline:
        if not ws.buf and not ws.sock.pending() and not select.select([ws.sock], [], [], 0.5)[0]:
            continue
        msg = ws.recv_json()
        if msg.get("type") == "event":
            say(msg)
            return msg
    return None


def wait_event(ws, names, deadline):
    while True:
        ev = next_event(ws, deadline)
        if ev is None or ev["event"] in names:
            return ev


def run_caller(ws, a):
    deadline = time.time() + a.seconds
    ws.request("hello", versions=[1], client="gw_sip_agent.py")
    if a.dn != "-":  # an agent's own call: signed in first
        signin = ws.request("signin", dn=a.dn)
        say({"step": "signin", "ok": bool(signin.get("ok")), "response": signin})
        if not signin.get("ok"):
            return 1
    r = ws.request("call", target=a.call, sdp=OFFER)
    say({"step": "call", "ok": bool(r.get("ok")), "response": r})
    if not r.get("ok"):
        return 1
    cid = r["call_id"]
    ev = wait_event(ws, {"answered", "ended"}, deadline)
    if ev is None or ev["event"] != "answered":
        return 1
    if a.hold:
        for req, want in (("hold", "held"), ("resume", "resumed")):
            r = ws.request(req, call_id=cid)
            say({"step": req, "ok": bool(r.get("ok")), "response": r})
            time.sleep(0.5)  # the re-INVITE's transaction completes
    r = ws.request("hangup", call_id=cid)
    say({"step": "hangup", "ok": bool(r.get("ok"))})
    ev = wait_event(ws, {"ended"}, deadline)
    ws.close()
    return 0 if ev is not None else 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("dn")
    p.add_argument("--reject", default=None, help="reject incoming calls with this reason")
    p.add_argument("--ignore", action="store_true", help="let incoming calls ring (no answer)")
    p.add_argument("--calls", type=int, default=1, help="exit after this many calls ended (0: run --seconds)")
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--call", default=None, help="caller mode: call this target")
    p.add_argument("--hold", action="store_true", help="caller mode: hold and resume once answered")
    a = p.parse_args()
    ws = WebSocket(a.host, a.port, timeout=a.seconds)
    if a.call:
        sys.exit(run_caller(ws, a))
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
