#!/usr/bin/env python3
"""A stand-in server that records what a kiosk sends and answers 503 busy.

Used by make_fixture.sh to capture the exact push requests an old kiosk build makes
(method, path, signed headers, body) without the server storing them: every request
gets 503 with Retry-After, so the kiosk keeps its items and its --sync-once ends.

usage: record_server.py OUT_DIR   (prints "listening on PORT", then serves until killed)
"""
import http.server
import json
import os
import sys
import time

OUT = sys.argv[1]
COUNT = [0]


class Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _record_and_refuse(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        COUNT[0] += 1
        stem = os.path.join(OUT, "request-%03d" % COUNT[0])
        with open(stem + ".body", "wb") as f:
            f.write(body)
        with open(stem + ".json", "w") as f:
            json.dump({"method": self.command, "path": self.path,
                       "headers": {k: v for k, v in self.headers.items()}}, f, indent=1)
        reply = b'{"error":"busy","message":"recording server"}'
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Retry-After", "1")
        self.send_header("X-Yimen-Server-Time", str(int(time.time())))
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_GET = do_POST = do_PUT = _record_and_refuse

    def log_message(self, fmt, *args):
        sys.stderr.write("record_server: " + (fmt % args) + "\n")


server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
print("listening on %d" % server.server_address[1], flush=True)
server.serve_forever()
