#!/usr/bin/env python3
"""Helpers for the srtp-rtp-bridge integration tests (stdlib only).

  ports N                      print N free UDP port pairs (P even, P+1 free too)
  wait-event FILE EVENT SECS   wait until FILE (JSON Lines) has {"event": EVENT}; print it
  flow ...                     send RTP (and RTCP) one way, check bit-exact arrival
  flood HOST:PORT... --count N send random datagrams
  fingerprint PEM              print 'sha-256 AB:CD:...' of a PEM certificate
"""
import argparse
import hashlib
import json
import os
import random
import socket
import ssl
import struct
import sys
import time


def free_pairs(n):
    out, held = [], []
    while len(out) < n:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        p = s.getsockname()[1]
        if p % 2 or p > 65000:
            s.close()
            continue
        t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            t.bind(("127.0.0.1", p + 1))
        except OSError:
            s.close()
            continue
        held += [s, t]
        out.append(p)
    for s in held:
        s.close()
    return out


def wait_event(path, event, secs):
    deadline = time.time() + secs
    while time.time() < deadline:
        try:
            with open(path) as f:
                for line in f:
                    line = line.strip()
                    if not line.startswith("{"):
                        continue
                    ev = json.loads(line)
                    if ev.get("event") == event:
                        print(json.dumps(ev))
                        return 0
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    print(f"timeout waiting for {event} in {path}", file=sys.stderr)
    return 1


def rtp_packet(seq, ts, ssrc, payload, pt=0):
    return struct.pack("!BBHII", 0x80, pt, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc) + payload


def rtcp_rr(ssrc, n):
    # RR with one report block (RFC 3550 §6.4.2), then an APP packet carrying n.
    rr = struct.pack("!BBHI", 0x81, 201, 7, ssrc) + struct.pack("!IIIIII", 0x1234, n, n, 0, 0, 0)
    app = struct.pack("!BBHI4sI", 0x80, 204, 3, ssrc, b"test", n)
    return rr + app


def bind(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("127.0.0.1", port))
    return s


def flow(a):
    tx, rx = bind(a.send_from), bind(a.recv_on)
    tx_rtcp = bind(a.send_from + 1) if a.rtcp else None
    rx_rtcp = bind(a.recv_on + 1) if a.rtcp else None
    rnd = random.Random(a.seed)
    ssrc = rnd.getrandbits(32)
    sent = []
    seq0 = a.first_seq
    for i in range(a.count):
        payload = rnd.randbytes(a.size - 12)
        pkt = rtp_packet(seq0 + i, 160 * i, ssrc, payload)
        sent.append(pkt)
        tx.sendto(pkt, ("127.0.0.1", a.to))
        if a.pace:
            time.sleep(a.pace)
    rx.settimeout(a.timeout)
    got = []
    try:
        while len(got) < len(sent):
            data, src = rx.recvfrom(65536)
            if not a.any_source and src[1] != a.expect_from:
                print(f"packet from unexpected {src}", file=sys.stderr)
                return 1
            got.append(data)
    except socket.timeout:
        pass
    if got != sent:
        same = sum(1 for x, y in zip(got, sent) if x == y)
        print(f"RTP mismatch: sent {len(sent)} got {len(got)} identical-in-order {same}", file=sys.stderr)
        return 1
    if a.rtcp:
        pkts = [rtcp_rr(ssrc, n) for n in range(5)]
        for p in pkts:
            tx_rtcp.sendto(p, ("127.0.0.1", a.to + 1))
        rx_rtcp.settimeout(a.timeout)
        rgot = []
        try:
            while len(rgot) < len(pkts):
                data, src = rx_rtcp.recvfrom(65536)
                rgot.append(data)
        except socket.timeout:
            pass
        if rgot != pkts:
            print(f"RTCP mismatch: sent {len(pkts)} got {len(rgot)}", file=sys.stderr)
            return 1
    print(f"ok: {len(sent)} RTP{' + 5 RTCP' if a.rtcp else ''} bit-exact")
    return 0


def flood(a):
    rnd = random.Random(a.seed)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    targets = []
    for t in a.targets:
        host, port = t.rsplit(":", 1)
        targets.append((host, int(port)))
    for i in range(a.count):
        n = rnd.randint(0, 1400)
        data = bytearray(rnd.randbytes(n))
        if n and i % 3 == 0:
            data[0] = rnd.choice([0x80, 0x90, 0x81, 0x16, 0x17, 0x15, 0x00, 0x01])  # RTP/DTLS/STUN look-alikes
        if n > 1 and i % 5 == 0:
            data[1] = rnd.choice([0, 8, 96, 200, 201, 0xC8])
        s.sendto(bytes(data), targets[i % len(targets)])
    print(f"sent {a.count} random datagrams")
    return 0


def fingerprint(path):
    with open(path) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    d = hashlib.sha256(der).hexdigest().upper()
    print("sha-256 " + ":".join(d[i:i + 2] for i in range(0, len(d), 2)))
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ports")
    p.add_argument("n", type=int)
    p = sub.add_parser("wait-event")
    p.add_argument("file")
    p.add_argument("event")
    p.add_argument("secs", type=float)
    p = sub.add_parser("flow")
    p.add_argument("--send-from", type=int, required=True)
    p.add_argument("--to", type=int, required=True)
    p.add_argument("--recv-on", type=int, required=True)
    p.add_argument("--expect-from", type=int, required=True)
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--size", type=int, default=172)
    p.add_argument("--first-seq", type=int, default=65400)  # crosses the 16-bit wrap
    p.add_argument("--pace", type=float, default=0.0005)
    p.add_argument("--timeout", type=float, default=3.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rtcp", action="store_true")
    p.add_argument("--any-source", action="store_true")
    p = sub.add_parser("flood")
    p.add_argument("targets", nargs="+")
    p.add_argument("--count", type=int, default=3000)
    p.add_argument("--seed", type=int, default=7)
    p = sub.add_parser("fingerprint")
    p.add_argument("pem")
    a = ap.parse_args()
    if a.cmd == "ports":
        print(" ".join(map(str, free_pairs(a.n))))
        return 0
    if a.cmd == "wait-event":
        return wait_event(a.file, a.event, a.secs)
    if a.cmd == "flow":
        return flow(a)
    if a.cmd == "flood":
        return flood(a)
    return fingerprint(a.pem)


if __name__ == "__main__":
    sys.exit(main())
