#!/usr/bin/env python3
"""webrtc-gw's one-call endpoint (docs/API.md §6) in front of a peer a user
would pick instead of webrtc-gw, so that bench/gw_load drives the peer exactly
as it drives the gateway (bench/peers/run.sh). Signaling only: the media go
between gw_load and the peer, and the peer's CPU is what run.sh counts.

  peer_gateway.py --port P rtpengine --ng 127.0.0.1:N --echo 127.0.0.1:E
      rtpengine (media only) over its ng protocol: the browser's offer is
      turned into plain RTP/AVP towards E (sipp -rtp_echo's media port),
      E's answer back into ICE + DTLS-SRTP for the browser.
  peer_gateway.py --port P janus --api http://127.0.0.1:8088/janus --target sip:echo@H:P
      Janus + its SIP plugin over Janus's HTTP API: per call a session, a
      SIP handle registered as a guest, and a call to the target (sipp -sn uas
      -rtp_echo) with the browser's offer; the answer comes on the long poll.
  peer_gateway.py --port P answer-sh [--build DIR]
      the chained tools: examples/browser-echo/answer.sh per call (ice-session
      + srtp-rtp-bridge + an RTP echo; four processes a call, so few calls).

POST /api/v1/calls {"target","sdp"} -> 201 {"call_id","sdp"}; DELETE -> 204.
Stdlib only; HTTPS with a throw-away self-signed certificate. SIGTERM stops it.
"""
import argparse
import itertools
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class PeerError(Exception):
    pass


# ---- rtpengine: the ng control protocol (bencoded dictionaries over UDP) ----

def bencode(v):
    if isinstance(v, int):
        return b"i%de" % v
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, bytes):
        return b"%d:%s" % (len(v), v)
    if isinstance(v, list):
        return b"l" + b"".join(bencode(x) for x in v) + b"e"
    if isinstance(v, dict):
        return b"d" + b"".join(bencode(k) + bencode(v[k]) for k in sorted(v)) + b"e"
    raise TypeError(type(v))


def bdecode(data, i=0):
    """(value, next index); strings come back as str."""
    c = data[i:i + 1]
    if c == b"i":
        end = data.index(b"e", i)
        return int(data[i + 1:end]), end + 1
    if c in (b"l", b"d"):
        i, items = i + 1, []
        while data[i:i + 1] != b"e":
            x, i = bdecode(data, i)
            items.append(x)
        if c == b"l":
            return items, i + 1
        return dict(zip(items[::2], items[1::2])), i + 1
    colon = data.index(b":", i)
    n = int(data[i:colon])
    return data[colon + 1:colon + 1 + n].decode(errors="replace"), colon + 1 + n


class Rtpengine:
    def __init__(self, ng, echo):
        host, port = ng.rsplit(":", 1)
        self.ng = (host, int(port))
        self.echo_host, self.echo_port = echo.rsplit(":", 1)
        self.cookies = itertools.count(1)
        self.local = threading.local()

    def command(self, msg):
        if not hasattr(self.local, "sock"):
            self.local.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.local.sock.settimeout(2)
        cookie = b"%d_%d" % (threading.get_ident(), next(self.cookies))
        for _ in range(3):  # ng is UDP: retransmit with the same cookie
            self.local.sock.sendto(cookie + b" " + bencode(msg), self.ng)
            try:
                while True:
                    data = self.local.sock.recv(65536)
                    if data.startswith(cookie + b" "):
                        reply, _ = bdecode(data, len(cookie) + 1)
                        break
                break
            except socket.timeout:
                continue
        else:
            raise PeerError("rtpengine did not answer " + msg["command"])
        if reply.get("result") != "ok":
            raise PeerError(f"rtpengine {msg['command']}: {reply.get('error-reason', reply)}")
        return reply

    def echo_sdp(self):
        """sipp's answer as its uas scenario writes it, whatever the offer: PCMU on its media port."""
        ip = self.echo_host
        return (f"v=0\r\no=sipp 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\n"
                f"m=audio {self.echo_port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")

    def open(self, n, offer):
        call_id = f"bench-{n}"
        # The plain offer rtpengine returns would go to a SIP peer; sipp's
        # -rtp_echo needs none, so only rtpengine's state matters here.
        self.command({"command": "offer", "call-id": call_id, "from-tag": "browser", "sdp": offer,
                      "transport-protocol": "RTP/AVP", "ICE": "remove", "DTLS": "off",
                      "rtcp-mux": ["demux"], "replace": ["origin", "session-connection"]})
        answer = self.command({"command": "answer", "call-id": call_id, "from-tag": "browser",
                               "to-tag": "echo", "sdp": self.echo_sdp(),
                               "replace": ["origin", "session-connection"]})["sdp"]
        return call_id, answer

    def close(self, call_id):
        self.command({"command": "delete", "call-id": call_id, "from-tag": "browser"})


# ---- Janus + SIP plugin: Janus's HTTP API (janus.transport.http) ----

class Janus:
    def __init__(self, api, target, timeout=10):
        self.api, self.target, self.timeout = api.rstrip("/"), target, timeout
        self.txn = itertools.count(1)

    def post(self, path, body):
        body = dict(body, transaction=f"t{next(self.txn)}")
        req = urllib.request.Request(self.api + path, json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=self.timeout) as r:
            reply = json.load(r)
        if reply.get("janus") == "error":
            raise PeerError(f"janus: {reply['error']}")
        return reply

    def wait_event(self, session, handle, want):
        """Long-polls the session until the SIP plugin reports one of `want`."""
        for _ in range(20):
            with urllib.request.urlopen(f"{self.api}/{session}?maxev=1", timeout=self.timeout + 30) as r:
                events = json.load(r)
            for e in events if isinstance(events, list) else [events]:
                if e.get("sender") != handle or e.get("janus") != "event":
                    continue
                result = e.get("plugindata", {}).get("data", {}).get("result", {})
                err = e.get("plugindata", {}).get("data", {}).get("error")
                if err:
                    raise PeerError(f"janus sip: {err}")
                if result.get("event") in want:
                    return result["event"], e.get("jsep")
                if result.get("event") in ("hangup", "registration_failed"):
                    raise PeerError(f"janus sip: {result}")
        raise PeerError(f"janus: no {want} event")

    def open(self, n, offer):
        session = self.post("", {"janus": "create"})["data"]["id"]
        try:
            handle = self.post(f"/{session}", {"janus": "attach", "plugin": "janus.plugin.sip"})["data"]["id"]
            path = f"/{session}/{handle}"
            self.post(path, {"janus": "message", "body": {"request": "register", "type": "guest",
                                                          "username": f"sip:browser{n}@127.0.0.1"}})
            self.wait_event(session, handle, ("registered",))
            self.post(path, {"janus": "message", "body": {"request": "call", "uri": self.target},
                             "jsep": {"type": "offer", "sdp": offer}})
            _, jsep = self.wait_event(session, handle, ("accepted",))
        except Exception:
            self.close(str(session))
            raise
        if not jsep or "sdp" not in jsep:
            self.close(str(session))
            raise PeerError("janus: accepted without an answer")
        return str(session), jsep["sdp"]

    def close(self, call_id):
        try:
            self.post(f"/{call_id}", {"janus": "destroy"})  # hangs up its SIP call too
        except (OSError, PeerError):
            pass


# ---- the chained tools: examples/browser-echo/answer.sh per call ----

class AnswerSh:
    SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "browser-echo",
                          "answer.sh")

    def __init__(self, build):
        self.build, self.procs, self.lock = build, {}, threading.Lock()

    def open(self, n, offer):
        work = tempfile.mkdtemp(prefix="peer-gw-call-")
        offer_path, answer_path = os.path.join(work, "offer.sdp"), os.path.join(work, "answer.sdp")
        with open(offer_path, "w") as f:
            f.write(offer)
        env = dict(os.environ, BIND="127.0.0.1", CODEC="PCMU", BASE_PORT=str(47200 + 10 * n),
                   GW_BUILD_DIR=self.build)
        p = subprocess.Popen(["bash", self.SCRIPT, offer_path, answer_path, work], env=env,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(100):
            if os.path.exists(answer_path):
                break
            time.sleep(0.1)
        else:
            os.killpg(p.pid, signal.SIGTERM)
            shutil.rmtree(work, ignore_errors=True)
            raise PeerError("answer.sh gave no answer in 10 s")
        call_id = f"c-{n}"
        with self.lock:
            self.procs[call_id] = (p, work)
        with open(answer_path) as f:
            return call_id, f.read()

    def close(self, call_id):
        with self.lock:
            p, work = self.procs.pop(call_id, (None, None))
        if p:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait()
            shutil.rmtree(work, ignore_errors=True)


# ---- the HTTPS front ----

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gw_load's pool expects
    peer, sdp_log, counter, lock, calls = None, None, itertools.count(1), threading.Lock(), set()

    def reply(self, status, body=None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        try:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path != "/api/v1/calls" or "sdp" not in body:
                return self.reply(404, {"error": {"code": "not-found", "message": self.path}})
            call_id, answer = Handler.peer.open(next(Handler.counter), body["sdp"])
        except (PeerError, OSError, ValueError, KeyError) as e:
            sys.stderr.write(f"peer_gateway: {e}\n")
            return self.reply(502, {"error": {"code": "peer-failed", "message": str(e)}})
        with Handler.lock:
            Handler.calls.add(call_id)
            if Handler.sdp_log:
                Handler.sdp_log.write(f"--- {call_id} offer\n{body['sdp']}--- {call_id} answer\n{answer}")
                Handler.sdp_log.flush()
        self.reply(201, {"call_id": call_id, "sdp": answer})

    def do_DELETE(self):
        call_id = self.path.rsplit("/", 1)[-1]
        with Handler.lock:
            known = call_id in Handler.calls
            Handler.calls.discard(call_id)
        if not known:
            return self.reply(404, {"error": {"code": "no-such-call", "message": call_id}})
        try:
            Handler.peer.close(call_id)
        except (PeerError, OSError) as e:
            sys.stderr.write(f"peer_gateway: {e}\n")
        self.reply(204)

    def log_message(self, fmt, *args):
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--sdp-log", help="append every offer and answer to this file")
    sub = ap.add_subparsers(dest="peer", required=True)
    r = sub.add_parser("rtpengine")
    r.add_argument("--ng", required=True)
    r.add_argument("--echo", required=True)
    j = sub.add_parser("janus")
    j.add_argument("--api", required=True)
    j.add_argument("--target", required=True)
    x = sub.add_parser("answer-sh")
    x.add_argument("--build", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build"))
    a = ap.parse_args()
    if a.peer == "rtpengine":
        Handler.peer = Rtpengine(a.ng, a.echo)
    elif a.peer == "janus":
        Handler.peer = Janus(a.api, a.target)
    else:
        Handler.peer = AnswerSh(a.build)
    if a.sdp_log:
        Handler.sdp_log = open(a.sdp_log, "a")
    work = tempfile.mkdtemp(prefix="peer-gw-tls-")
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-subj", "/CN=peer-gw", "-days", "1", "-keyout", key, "-out", cert],
                   check=True, stderr=subprocess.DEVNULL)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    server.daemon_threads = True
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(json.dumps({"event": "listening", "port": a.port}), flush=True)
    try:
        server.serve_forever()
    finally:
        for c in list(Handler.calls):
            try:
                Handler.peer.close(c)
            except (PeerError, OSError):
                pass
        for f in (cert, key):
            os.unlink(f)
        os.rmdir(work)


if __name__ == "__main__":
    main()
