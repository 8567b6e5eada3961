#!/usr/bin/env python3
"""A scripted, partly malicious SIP peer for sip-leg's robustness test.

usage: bad_peer.py TARGET_PORT LOCAL_PORT
Talks UDP to sip-leg (listen) on 127.0.0.1:TARGET_PORT and prints one JSON
object with what came back for each case:
  garbage       random datagrams            -> no reply (dropped)
  broken        INVITE with a broken Via     -> 400 or no reply
  bad_sdp       INVITE with malformed SDP    -> 488 (or 400)
  no_codec      INVITE offering only G729    -> 488
  no_offer      INVITE without SDP: 200 carries an offer, we answer in ACK, BYE -> 200
  options       OPTIONS                      -> 200 (still alive)
"""
import json
import os
import random
import socket
import sys
import time

target = ("127.0.0.1", int(sys.argv[1]))
local_port = int(sys.argv[2])
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", local_port))
sock.settimeout(0.2)
rng = random.Random(4733)


def branch():
    return "z9hG4bK" + os.urandom(6).hex()


def request(method, call_id, cseq, body="", ctype="application/sdp", to_tag="", via=None, uri=None):
    uri = uri or f"sip:leg@127.0.0.1:{target[1]}"
    via = via or f"SIP/2.0/UDP 127.0.0.1:{local_port};branch={branch()};rport"
    lines = [
        f"{method} {uri} SIP/2.0",
        f"Via: {via}",
        "Max-Forwards: 70",
        f"From: <sip:bad@127.0.0.1:{local_port}>;tag=bad{call_id[:6]}",
        f"To: <sip:leg@127.0.0.1>{';tag=' + to_tag if to_tag else ''}",
        f"Call-ID: {call_id}",
        f"CSeq: {cseq} {method}",
        f"Contact: <sip:bad@127.0.0.1:{local_port}>",
    ]
    if body:
        lines.append(f"Content-Type: {ctype}")
    lines.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def responses(seconds=2.0, until_final=True):
    out = []
    end = time.time() + seconds
    while time.time() < end:
        try:
            data, _ = sock.recvfrom(65535)
        except socket.timeout:
            continue
        text = data.decode(errors="replace")
        if not text.startswith("SIP/2.0 "):
            continue  # a request from sip-leg (e.g. a BYE) is not expected here
        out.append(text)
        code = int(text.split(" ", 2)[1])
        if until_final and code >= 200:
            break
    return out


def status(resps):
    return [int(r.split(" ", 2)[1]) for r in resps]


def header(msg, name):
    for line in msg.split("\r\n"):
        if line.lower().startswith(name.lower() + ":"):
            return line.split(":", 1)[1].strip()
    return ""


def to_tag(msg):
    to = header(msg, "To")
    return to.split("tag=", 1)[1].split(";")[0] if "tag=" in to else ""


def ack_for(call_id, cseq, final_msg, body=""):
    sock.sendto(request("ACK", call_id, cseq, body=body, to_tag=to_tag(final_msg)), target)


result = {}
# 1. garbage: random bytes and truncated SIP.
for i in range(100):
    n = rng.randint(1, 1400)
    sock.sendto(bytes(rng.getrandbits(8) for _ in range(n)), target)
sock.sendto(b"INVITE sip:x SIP/2.0\r\nVia: \r\n\r\n", target)
result["garbage"] = status(responses(1.0, until_final=False))

# 2. an INVITE whose Via cannot be parsed.
cid = "broken-" + os.urandom(4).hex()
sock.sendto(request("INVITE", cid, 1, via="SIP/2.0/UDP ;;;;branch"), target)
result["broken"] = status(responses(1.5))

# 3. malformed SDP.
cid = "badsdp-" + os.urandom(4).hex()
sock.sendto(request("INVITE", cid, 1, body="v=0\r\no=x\r\nm=audio notaport RTP/AVP zero\r\n"), target)
r = responses(3.0)
result["bad_sdp"] = status(r)
if r and status(r)[-1] >= 300:
    ack_for(cid, 1, r[-1])

# 4. an offer with no codec sip-leg takes.
cid = "nocodec-" + os.urandom(4).hex()
sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n"
sock.sendto(request("INVITE", cid, 1, body=sdp), target)
r = responses(3.0)
result["no_codec"] = status(r)
if r and status(r)[-1] >= 300:
    ack_for(cid, 1, r[-1])

# 5. offer-less INVITE: the 200 must carry an offer; the answer goes in the ACK.
cid = "nooffer-" + os.urandom(4).hex()
sock.sendto(request("INVITE", cid, 1), target)
r = responses(3.0)
result["no_offer"] = status(r)
offer_in_200 = bool(r) and status(r)[-1] == 200 and "m=audio" in r[-1]
result["offer_in_200"] = offer_in_200
if offer_in_200:
    answer = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40002 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
    ack_for(cid, 1, r[-1], body=answer)
    time.sleep(0.3)
    sock.sendto(request("BYE", cid, 2, to_tag=to_tag(r[-1])), target)
    result["bye"] = status(responses(2.0))

# 6. still alive?
cid = "options-" + os.urandom(4).hex()
sock.sendto(request("OPTIONS", cid, 1), target)
result["options"] = status(responses(2.0))
print(json.dumps(result))
