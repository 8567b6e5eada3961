#!/usr/bin/env python3
"""Sends RTP into a sip-leg pipe and counts what comes back (tests only).

usage: rtp_probe.py SEND_PORT RECV_PORT COUNT [--expect-echo]
Sends COUNT PCMU packets (20 ms apart) to 127.0.0.1:SEND_PORT from a socket
bound on 127.0.0.1:RECV_PORT, and prints one JSON line:
{"sent": N, "received": M, "intact": K} where intact counts packets whose
payload equals one we sent (an echo must return the bytes unchanged)."""
import json
import socket
import struct
import sys
import time

send_port, recv_port, count = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", recv_port))
sock.settimeout(0.005)
sent_payloads = set()
received = intact = 0


def drain(until):
    global received, intact
    while time.time() < until:
        try:
            data, _ = sock.recvfrom(4096)
        except socket.timeout:
            continue
        received += 1
        if len(data) >= 12 and data[12:] in sent_payloads:
            intact += 1


for i in range(count):
    payload = struct.pack("!I", i) + bytes((i * 7 + k) % 256 for k in range(156))
    sent_payloads.add(payload)
    packet = struct.pack("!BBHII", 0x80, 0, i & 0xFFFF, i * 160, 0x5EED) + payload
    sock.sendto(packet, ("127.0.0.1", send_port))
    drain(time.time() + 0.02)
drain(time.time() + 0.5)
print(json.dumps({"sent": count, "received": received, "intact": intact}))
