#!/usr/bin/env python3
"""A stand-in for webrtc-gw's one-call endpoint (docs/API.md §6), for testing
gw_load's HTTPS client before the gateway exists. Each POST runs
examples/browser-echo/answer.sh (ICE full agent + DTLS + RTP echo) for that
offer and answers 201 with its SDP; DELETE stops it (204). Few calls only:
each one is four processes.

  mock_gateway.py --port 8443 [--build DIR]      (Ctrl-C stops; calls are killed)
"""
import argparse
import itertools
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
ANSWER_SH = os.path.join(HERE, "..", "..", "examples", "browser-echo", "answer.sh")
calls, lock, counter = {}, threading.Lock(), itertools.count(1)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def reply(self, status, body=None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path != "/api/v1/calls" or body.get("target") != "echo":
            return self.reply(404, {"error": {"code": "target-not-found", "message": "no"}})
        n = next(counter)
        work = tempfile.mkdtemp(prefix="mock-gw-")
        offer, answer = os.path.join(work, "offer.sdp"), os.path.join(work, "answer.sdp")
        with open(offer, "w") as f:
            f.write(body["sdp"])
        env = dict(os.environ, BIND="127.0.0.1", CODEC="PCMU", BASE_PORT=str(47200 + 10 * n),
                   GW_BUILD_DIR=ARGS.build)
        p = subprocess.Popen(["bash", ANSWER_SH, offer, answer, work], env=env,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(100):
            if os.path.exists(answer):
                break
            time.sleep(0.1)
        else:
            os.killpg(p.pid, signal.SIGTERM)
            return self.reply(500, {"error": {"code": "internal", "message": "answer.sh gave no answer"}})
        call_id = f"c-{n}"
        with lock:
            calls[call_id] = p
        self.send_response(201)
        data = json.dumps({"call_id": call_id, "sdp": open(answer).read()}).encode()
        self.send_header("Location", f"/api/v1/calls/{call_id}")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_DELETE(self):
        with lock:
            p = calls.pop(self.path.rsplit("/", 1)[-1], None)
        if p is None:
            return self.reply(404, {"error": {"code": "no-such-call", "message": "no"}})
        os.killpg(p.pid, signal.SIGTERM)
        self.reply(204)

    def log_message(self, fmt, *args):
        sys.stderr.write("mock_gateway: " + fmt % args + "\n")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8443)
    ap.add_argument("--build", default=os.path.join(HERE, "..", "..", "build"))
    ARGS = ap.parse_args()
    work = tempfile.mkdtemp(prefix="mock-gw-tls-")
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-subj", "/CN=mock-gw", "-days", "1", "-keyout", key, "-out", cert],
                   check=True, stderr=subprocess.DEVNULL)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    finally:
        for p in calls.values():
            os.killpg(p.pid, signal.SIGTERM)


if __name__ == "__main__":
    main()
