#!/usr/bin/env python3
"""RTP echo for the plain side of srtp-rtp-bridge (RTP and RTCP muxed, RFC 5761).

Every datagram goes back to where it came from. With --ssrc-swap (the
default) the echo looks like a peer of its own: the sender's SSRC X is
swapped with another one, Y, wherever an SSRC appears (RTP header, RTCP
sender and report blocks, feedback media SSRC), so the browser receives a
stream that is not its own sending SSRC and its receiver reports about Y come
back as Y's reports about X.

  rtp_echo.py --listen 127.0.0.1:46003 [--keep-ssrc] [--stats FILE]
"""
import argparse
import json
import signal
import socket
import struct
import sys


def parse_hostport(text):
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


class Swapper:
    def __init__(self):
        self.pair = None  # (X, Y)

    def learn(self, ssrc):
        if self.pair is None:
            other = ssrc ^ 0x5EC0DE01
            self.pair = (ssrc, other)

    def swap(self, value):
        if self.pair is None:
            return value
        x, y = self.pair
        return y if value == x else x if value == y else value

    def swap_at(self, buf, off):
        if off + 4 <= len(buf):
            (v,) = struct.unpack_from("!I", buf, off)
            struct.pack_into("!I", buf, off, self.swap(v))

    def rtp(self, buf):
        (ssrc,) = struct.unpack_from("!I", buf, 8)
        self.learn(ssrc)
        self.swap_at(buf, 8)

    def rtcp(self, buf):
        off = 0
        while off + 8 <= len(buf):
            first, pt, length = struct.unpack_from("!BBH", buf, off)
            size = (length + 1) * 4
            if (first >> 6) != 2 or off + size > len(buf):
                break
            count = first & 0x1F
            self.swap_at(buf, off + 4)  # sender SSRC (SR, RR, SDES 1st chunk, BYE, FB, XR)
            if pt == 200:  # SR: report blocks after 20 bytes of sender info
                for i in range(count):
                    self.swap_at(buf, off + 28 + 24 * i)
            elif pt == 201:  # RR
                for i in range(count):
                    self.swap_at(buf, off + 8 + 24 * i)
            elif pt in (205, 206):  # RTPFB / PSFB: media source SSRC
                self.swap_at(buf, off + 8)
            off += size


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listen", required=True, help="HOST:PORT to bind")
    ap.add_argument("--keep-ssrc", action="store_true", help="echo datagrams unchanged")
    ap.add_argument("--stats", help="write packet counts here (JSON) at exit")
    args = ap.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(parse_hostport(args.listen))
    swapper = Swapper()
    counts = {"rtp": 0, "rtcp": 0, "other": 0}

    def finish(*_):
        if args.stats:
            with open(args.stats, "w") as f:
                json.dump({**counts, "ssrc_pair": swapper.pair}, f)
        sys.exit(0)

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    while True:
        data, src = sock.recvfrom(65536)
        buf = bytearray(data)
        if len(buf) >= 12 and (buf[0] >> 6) == 2:
            if 192 <= buf[1] <= 223:  # RTCP packet types 192..223 (RFC 5761 §4)
                counts["rtcp"] += 1
                if not args.keep_ssrc:
                    swapper.rtcp(buf)
            else:
                counts["rtp"] += 1
                if not args.keep_ssrc:
                    swapper.rtp(buf)
        else:
            counts["other"] += 1
        sock.sendto(bytes(buf), src)


if __name__ == "__main__":
    main()
