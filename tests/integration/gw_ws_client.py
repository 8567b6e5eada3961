#!/usr/bin/env python3
"""A small RFC 6455 WebSocket client over TLS (stdlib only) for webrtc-gw's
API tests, and the abuse scenarios of test_gw_api_abuse.sh.

  gw_ws_client.py HOST PORT SCENARIO [--source IP]

Each scenario prints what it saw and exits 0 when the gateway behaved as
docs/API.md says, 1 otherwise. The certificate is not verified (the
gateway's is self-signed); only loopback addresses are used by the tests.
"""
import argparse
import base64
import hashlib
import json
import os
import socket
import ssl
import struct
import sys
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10


class Closed(Exception):
    def __init__(self, code, reason=""):
        super().__init__(f"closed {code} {reason}")
        self.code = code
        self.reason = reason


def tls_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def tls_connect(host, port, source=None, timeout=5.0):
    raw = socket.create_connection((host, port), timeout=timeout,
                                  source_address=(source, 0) if source else None)
    return tls_context().wrap_socket(raw, server_hostname=host)


class WebSocket:
    def __init__(self, host, port, path="/api/v1/ws", source=None, timeout=5.0):
        self.sock = tls_connect(host, port, source, timeout)
        self.buf = b""
        key = base64.b64encode(os.urandom(16)).decode()
        req = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               f"Origin: https://{host}:{port}\r\n\r\n")
        self.sock.sendall(req.encode())
        head = self._read_until(b"\r\n\r\n").decode("latin-1")
        status = head.split("\r\n", 1)[0]
        if " 101 " not in status + " ":
            raise RuntimeError(f"upgrade refused: {status}")
        want = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        headers = {l.split(":", 1)[0].strip().lower(): l.split(":", 1)[1].strip()
                   for l in head.split("\r\n")[1:] if ":" in l}
        if headers.get("sec-websocket-accept") != want:
            raise RuntimeError("bad Sec-WebSocket-Accept")
        self.next_id = 0

    def _read_until(self, marker):
        while marker not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed(1006, "eof")
            self.buf += chunk
        head, self.buf = self.buf.split(marker, 1)
        return head

    def _read_exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed(1006, "eof")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send_frame(self, opcode, payload, fin=True):
        """A client frame: always masked (RFC 6455 §5.3)."""
        header = bytes([(0x80 if fin else 0) | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send_text(self, text):
        self.send_frame(OP_TEXT, text.encode())

    def recv_frame(self):
        """(opcode, payload) of the next data frame; answers pings; raises
        Closed on a close frame or EOF."""
        while True:
            b0, b1 = self._read_exact(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if b1 & 0x80:
                raise RuntimeError("server frames must not be masked")
            if n == 126:
                n = struct.unpack("!H", self._read_exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read_exact(8))[0]
            payload = self._read_exact(n)
            if opcode == OP_PING:
                self.send_frame(OP_PONG, payload)
                continue
            if opcode == OP_PONG:
                continue
            if opcode == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                try:
                    self.send_frame(OP_CLOSE, payload[:2])
                except OSError:
                    pass
                raise Closed(code, payload[2:].decode(errors="replace"))
            return opcode, payload

    def recv_json(self):
        op, payload = self.recv_frame()
        if op != OP_TEXT:
            raise RuntimeError(f"unexpected opcode {op}")
        return json.loads(payload)

    def request(self, type_, **fields):
        """Sends a request and returns its response (events before it are skipped)."""
        self.next_id += 1
        rid = self.next_id
        self.send_text(json.dumps({"id": rid, "type": type_, **fields}))
        while True:
            msg = self.recv_json()
            if msg.get("id") == rid:
                return msg

    def close(self, code=1000):
        try:
            self.send_frame(OP_CLOSE, struct.pack("!H", code))
            self.sock.close()
        except OSError:
            pass


def expect(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what)
    return bool(cond)


def err(msg):
    return (msg.get("error") or {}).get("code")


def expect_close(ws, code, seconds=5.0):
    ws.sock.settimeout(seconds)
    try:
        while True:
            ws.recv_frame()
    except Closed as c:
        return expect(c.code == code, f"closed with {c.code} ({c.reason}), want {code}")
    except (socket.timeout, TimeoutError):
        return expect(False, f"no close {code} within {seconds} s")


def sc_protocol_errors(a):
    ws = WebSocket(a.host, a.port, source=a.source)
    ok = True
    r = ws.request("ping")
    ok &= expect(err(r) == "bad-state" and r["id"] == 1, f"ping before hello: {r}")
    ws.send_text("{this is not json")
    r = ws.recv_json()
    ok &= expect(err(r) == "bad-json" and r.get("id", 0) is None, f"malformed JSON: {r}")
    r = ws.request("hello", versions=[1])
    ok &= expect(r.get("ok") is True and r.get("version") == 1, "hello ok, version 1")
    ok &= expect(r.get("limits", {}).get("max_frame_bytes") == 65536, f"limits {r.get('limits')}")
    r = ws.request("teleport")
    ok &= expect(err(r) == "unknown-type" and r["id"] == ws.next_id, f"unknown type: {r}")
    ws.send_text(json.dumps({"type": "ping"}))
    r = ws.recv_json()
    ok &= expect(err(r) == "missing-field" and r.get("id", 0) is None, f"missing id: {r}")
    ws.send_text(json.dumps({"id": "s-7", "type": "ping", "extra": 1}))
    r = ws.recv_json()
    ok &= expect(err(r) == "unknown-field" and r["id"] == "s-7", f"unknown field, string id: {r}")
    ws.send_text("[1,2,3]")
    r = ws.recv_json()
    ok &= expect(err(r) == "bad-request" and r.get("id", 0) is None, f"not an object: {r}")
    ws.send_text("[" * 20 + "]" * 20)
    r = ws.recv_json()
    ok &= expect(err(r) == "bad-json", f"nesting 20 deep: {r}")
    r = ws.request("hangup", call_id="c-does-not-exist")
    ok &= expect(err(r) == "no-such-call", f"hangup of an unknown call: {r}")
    avp = ("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
           "m=audio 5004 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
    r = ws.request("call", target="echo", sdp=avp)
    ok &= expect(err(r) == "bad-sdp", f"non-WebRTC offer: {r}")
    r = ws.request("ping")
    ok &= expect(r.get("ok") is True and isinstance(r.get("now_ms"), int), "still answers ping")
    ws.close()
    return ok


def sc_oversized(a):
    ws = WebSocket(a.host, a.port, source=a.source)
    ws.request("hello", versions=[1])
    ws.send_text(json.dumps({"id": 1, "type": "ping", "pad": "x" * (70 * 1024)}))
    return expect_close(ws, 1009)


def sc_binary(a):
    ws = WebSocket(a.host, a.port, source=a.source)
    ws.request("hello", versions=[1])
    ws.send_frame(OP_BINARY, b"\x00\x01\x02binary")
    return expect_close(ws, 1003)


def sc_burst(a):
    ws = WebSocket(a.host, a.port, source=a.source, timeout=15)
    ws.request("hello", versions=[1])
    n = 300
    frames = b""
    for i in range(n):  # one write: a real burst
        payload = json.dumps({"id": 1000 + i, "type": "ping"}).encode()
        mask = os.urandom(4)
        frames += bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[j % 4] for j, b in enumerate(payload))
    start = time.monotonic()
    ws.sock.sendall(frames)
    got = {}
    try:
        while len(got) < n:
            r = ws.recv_json()
            if isinstance(r.get("id"), int) and r["id"] >= 1000:
                got[r["id"]] = err(r) or "ok"
    except Closed as c:
        elapsed = time.monotonic() - start
        return expect(c.code == 1008 and elapsed >= 10, f"closed {c.code} after {elapsed:.1f} s during the burst")
    limited = sum(1 for v in got.values() if v == "rate-limited")
    ok = expect(len(got) == n, f"{len(got)}/{n} answered")
    ok &= expect(50 <= limited < n, f"{limited} of {n} rate-limited")
    ok &= expect(all(v in ("ok", "rate-limited") for v in got.values()), "only ok or rate-limited")
    time.sleep(1.0)  # 50 tokens back
    r = ws.request("ping")
    ok &= expect(r.get("ok") is True, f"ping after the burst: {r}")
    ws.close()
    return ok


def sc_conn_flood(a):
    """200 TLS connections from one address at once: over 20/s burst 40,
    the gateway answers 429 (or closes); it must not fall over."""
    statuses = {}
    socks = []
    for _ in range(a.count):
        try:
            raw = socket.create_connection((a.host, a.port), timeout=5, source_address=(a.source, 0))
            socks.append(raw)
        except OSError as e:
            statuses[type(e).__name__] = statuses.get(type(e).__name__, 0) + 1
    ctx = tls_context()
    for raw in socks:
        try:
            s = ctx.wrap_socket(raw, server_hostname=a.host)
            s.sendall(f"GET /healthz HTTP/1.1\r\nHost: {a.host}\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            code = data.split(b" ")[1].decode() if data.startswith(b"HTTP/") else "closed"
            s.close()
        except (OSError, ssl.SSLError) as e:
            code = "refused:" + type(e).__name__
        statuses[code] = statuses.get(code, 0) + 1
    print(json.dumps(statuses, sort_keys=True))
    ok = expect(sum(statuses.values()) == a.count, "every connection accounted for")
    refused = sum(v for k, v in statuses.items() if k != "200")
    ok &= expect(statuses.get("200", 0) >= 20, f"{statuses.get('200', 0)} answered 200 (burst 40)")
    ok &= expect(refused >= 100, f"{refused} answered 429 or refused")
    ok &= expect(set(statuses) <= {"200", "429", "closed"} | {k for k in statuses if k.startswith("refused:")},
                 "only 200, 429 or refused")
    return ok


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("scenario", choices=["protocol-errors", "oversized", "binary", "burst", "conn-flood"])
    p.add_argument("--source", default=None, help="local address to connect from")
    p.add_argument("--count", type=int, default=200)
    a = p.parse_args()
    fn = {"protocol-errors": sc_protocol_errors, "oversized": sc_oversized, "binary": sc_binary,
          "burst": sc_burst, "conn-flood": sc_conn_flood}[a.scenario]
    try:
        ok = fn(a)
    except (Closed, OSError, RuntimeError, ValueError, KeyError) as e:
        ok = expect(False, f"{a.scenario}: {type(e).__name__}: {e}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
