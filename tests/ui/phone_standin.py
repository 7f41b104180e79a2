#!/usr/bin/env python3
"""A stand-in for yimen-server's phone upload, and a stand-in phone (tests only).

  phone_standin.py serve PORT_FILE   the server: enrolment and the kiosk's phone-link
                                     calls (sync/protocol/phone_messages.h), unsigned
                                     checks skipped; writes its port to PORT_FILE
  phone_standin.py send URL FILE...  the phone: reads the link's public key, seals each
                                     file to it (crypto_box_seal, PyNaCl) and uploads it,
                                     then says 完成

The kiosk side is the real one (its worker, key, polling, opening). The phone does what
yimen-server's page (server/mobile/phone.js) does, without a browser: reads the key from
the page's data-key, POSTs each sealed photo as application/octet-stream to
/m/TOKEN/files, then POSTs /m/TOKEN/done; so `send` works against the real server too
(run_phone_script.sh with YIMEN_PHONE_REAL). The stand-in server answers the same way.
Env: PHONE_LINK_SECONDS (600), PHONE_UPLOAD_OFF=1 (POST /v1/phone-links → 404).
"""
import base64
import json
import os
import re
import secrets
import sys
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from nacl.public import PrivateKey, PublicKey, SealedBox

LINKS = {}  # link_id -> dict
LOCK = threading.Lock()


def link_state(link):
    if link["spent"]:
        return "spent"
    if time.time() > link["expires"]:
        return "expired"
    if link["done"] or len(link["files"]) >= link["max_files"]:
        return "done"
    return "open"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write("standin: " + fmt % args + "\n")

    def reply(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Yimen-Server-Time", str(int(time.time())))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def by_token(self, token):
        for link in LINKS.values():
            if link["token"] == token:
                return link
        return None

    def do_POST(self):
        path = self.path.split("?")[0]
        raw = self.body()
        with LOCK:
            if path == "/v1/enroll":
                request = json.loads(raw)
                return self.reply(200, {
                    "device_id": 1, "hall": "测试大厅",
                    "kiosk_code": request.get("kiosk_code") or "K01",
                    "sealing_public_key": base64.b64encode(bytes(PrivateKey.generate().public_key)).decode(),
                    "server_time": int(time.time()), "sealing_key_id": ""})
            if path == "/v1/phone-links":
                if os.environ.get("PHONE_UPLOAD_OFF") == "1":
                    return self.reply(404, {"error": "phone_upload_off", "message": "no phone upload"})
                request = json.loads(raw)
                seconds = int(os.environ.get("PHONE_LINK_SECONDS", "600"))
                link_id, token = str(uuid.uuid4()), secrets.token_urlsafe(32)
                LINKS[link_id] = {"token": token, "key": request["public_key"],
                                  "max_files": request.get("max_files", 4), "files": [],
                                  "expires": time.time() + seconds, "done": False, "spent": False}
                host = self.headers.get("Host")
                return self.reply(201, {"link_id": link_id, "url": f"http://{host}/m/{token}",
                                        "expires_in_s": seconds, "expires_at": "",
                                        "max_files": LINKS[link_id]["max_files"]})
            if path.startswith("/m/"):
                parts = path.split("/")
                link = self.by_token(parts[2])
                if not link or link_state(link) != "open":
                    return self.reply(410, {"error": "gone", "message": ""})
                if len(parts) == 4 and parts[3] == "files":
                    link["files"].append(base64.b64encode(raw).decode())
                    return self.reply(201, {"seq": len(link["files"])})
                if len(parts) == 4 and parts[3] == "done":
                    link["done"] = True
                    return self.reply(200, {"ok": True})
        return self.reply(503, {"error": "standin", "message": "not here"})

    def do_GET(self):
        path, _, query = self.path.partition("?")
        with LOCK:
            if path.startswith("/v1/phone-links/"):
                link = LINKS.get(path.split("/")[3])
                if not link:
                    return self.reply(404, {"error": "not_found", "message": ""})
                after = int(dict(p.split("=") for p in query.split("&") if "=" in p).get("after", 0))
                files = [{"seq": i + 1, "sealed": f} for i, f in enumerate(link["files"]) if i + 1 > after]
                left = max(0, int(link["expires"] - time.time()))
                return self.reply(200, {"state": link_state(link), "files": files,
                                        "received": len(link["files"]), "expires_in_s": left})
            if path.startswith("/m/"):
                link = self.by_token(path.split("/")[2])
                if not link or link_state(link) != "open":
                    return self.reply(410, {"error": "gone", "message": ""})
                page = ('<main class="page" id="app" data-key="%s" data-max="%d"></main>'
                        % (link["key"], link["max_files"])).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)
                return None
        return self.reply(503, {"error": "standin", "message": "not here"})

    def do_DELETE(self):
        with LOCK:
            link = LINKS.get(self.path.split("?")[0].split("/")[3])
            if link:
                link["spent"] = True
        return self.reply(204)


def serve(port_file):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


def send(url, files):
    html = urllib.request.urlopen(url, timeout=10).read().decode()
    key = re.search(r'data-key="([A-Za-z0-9+/=]+)"', html).group(1)
    box = SealedBox(PublicKey(base64.b64decode(key)))
    for path in files:
        with open(path, "rb") as f:
            sealed = box.encrypt(f.read())
        post = urllib.request.Request(url + "/files", data=sealed, method="POST",
                                      headers={"Content-Type": "application/octet-stream"})
        status = urllib.request.urlopen(post, timeout=30).status
        print("phone: sent %s %d (%d bytes sealed) unix_ms=%d" % (path, status, len(sealed), time.time() * 1000), flush=True)
    done = urllib.request.Request(url + "/done", data=b"{}", method="POST",
                                  headers={"Content-Type": "application/json"})
    print("phone: done", urllib.request.urlopen(done, timeout=10).status, flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif sys.argv[1] == "send":
        send(sys.argv[2], sys.argv[3:])
    else:
        sys.exit("usage: phone_standin.py serve PORT_FILE | send URL FILE...")
