#!/usr/bin/env python3
"""A peer's own share of call set-up, from a capture on the peer's loopback
(bench/peers/run.sh --setup; stdlib only).

  setup_time.py PEER PCAP API_PORT SIP_PORT   -> {"setup_own_ms": [per call], "calls": N}

Per call, the time the peer itself spent, without the far end's:
  webrtc-gw, janus: (offer request -> INVITE out) + (200 OK in -> answer out)
      the offer request is the browser side's last request before the INVITE
      (webrtc-gw: the TLS application-data record of its POST; janus: the
      HTTP POST with "request": "call"); the answer is the first response
      after the 200 OK (webrtc-gw: a TLS application-data record to the
      client; janus: the long poll's body with "accepted").
  rtpengine: (ng offer -> its reply) + (ng answer -> its reply).
Calls must be set up one at a time (run.sh --setup uses a low --rate), so
that the packets of one call do not interleave with the next one's.
Janus's "accepted" leaves on a long poll, so its figure includes up to one
poll turnaround of peer_gateway.py (about 1 ms).
"""
import json
import re
import statistics
import struct
import sys


def packets(path):
    """(time s, src port, dst port, payload) of each IPv4 TCP/UDP packet."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian, nano = ("<", False) if magic in (0xA1B2C3D4, 0xA1B23C4D) else (">", False)
    nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
    link = struct.unpack(endian + "I", data[20:24])[0]
    skip = {1: 14, 113: 16, 0: 4}.get(link)
    if skip is None:
        sys.exit(f"setup_time.py: link type {link} not supported")
    i = 24
    while i + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(endian + "IIII", data[i:i + 16])
        frame = data[i + 16:i + 16 + incl]
        i += 16 + incl
        ip = frame[skip:]
        if len(ip) < 20 or ip[0] >> 4 != 4:
            continue
        ihl, proto = (ip[0] & 15) * 4, ip[9]
        l4 = ip[ihl:]
        if proto == 17 and len(l4) >= 8:
            sport, dport = struct.unpack("!HH", l4[:4])
            payload = l4[8:]
        elif proto == 6 and len(l4) >= 20:
            sport, dport = struct.unpack("!HH", l4[:4])
            payload = l4[(l4[12] >> 4) * 4:]
        else:
            continue
        if payload:
            yield sec + frac / (1e9 if nano else 1e6), sport, dport, payload


def sip_setups(pkts, api_port, sip_port, is_offer, is_answer):
    """(offer request -> INVITE) + (200 OK -> answer) per INVITE, in ms."""
    out, last_offer, pending = [], None, {}
    for t, sport, dport, p in pkts:
        if dport == api_port and is_offer(p):
            last_offer = t if last_offer is None else last_offer  # a request may take several segments
        elif dport == sip_port and p.startswith(b"INVITE ") and last_offer is not None:
            cid = re.search(rb"\r\nCall-ID: *([^\r]+)", p, re.I)
            if cid and cid.group(1) not in pending:
                pending[cid.group(1)] = [t - last_offer, None]
                last_offer = None
        elif sport == sip_port and p.startswith(b"SIP/2.0 200") and re.search(rb"\r\nCSeq: *\d+ INVITE", p, re.I):
            cid = re.search(rb"\r\nCall-ID: *([^\r]+)", p, re.I)
            entry = pending.get(cid.group(1)) if cid else None
            if entry is not None and entry[1] is None:
                entry[1] = t
        elif sport == api_port and is_answer(p):
            for cid, entry in list(pending.items()):
                if entry[1] is not None and t >= entry[1]:
                    out.append(1000 * (entry[0] + t - entry[1]))
                    del pending[cid]
                    break
    return out


def ng_setups(pkts, ng_port):
    """Per call: the ng offer's and answer's request -> reply times, summed, in ms."""
    asked, per_call, out = {}, {}, []
    for t, sport, dport, p in pkts:
        cookie = p.split(b" ", 1)[0]
        if dport == ng_port:
            m = re.search(rb"7:command(\d+):(offer|answer)", p)
            cid = re.search(rb"7:call-id(\d+):", p)
            if m and cid:
                n = int(cid.group(1))
                start = cid.end()
                asked[cookie] = (t, m.group(2), p[start:start + n])
        elif sport == ng_port and cookie in asked:
            t0, cmd, call = asked.pop(cookie)
            per_call.setdefault(call, {})[cmd] = 1000 * (t - t0)
            if len(per_call[call]) == 2:
                out.append(sum(per_call.pop(call).values()))
    return out


def main(peer, pcap, api_port, sip_port):
    pkts = sorted(packets(pcap))
    api_port, sip_port = int(api_port), int(sip_port)
    if peer == "rtpengine":
        ms = ng_setups(pkts, api_port)
    elif peer == "janus":
        ms = sip_setups(pkts, api_port, sip_port, lambda p: re.search(rb'"request": ?"call"', p) is not None,
                        lambda p: b'"accepted"' in p)
    else:  # TLS records: 0x17 is application data (RFC 8446 §5.1)
        ms = sip_setups(pkts, api_port, sip_port, lambda p: p[0] == 0x17, lambda p: p[0] == 0x17)
    print(json.dumps({"setup_own_ms": [round(x, 3) for x in ms], "calls": len(ms),
                      "median_ms": round(statistics.median(ms), 3) if ms else None}))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
