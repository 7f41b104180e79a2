#!/usr/bin/env python3
"""A stand-in phone for the kiosk's UI scripts (tests only).

  phone_standin.py send URL FILE...  reads the link's public key from the real page's
                                     data-key, seals each file to it (crypto_box_seal,
                                     PyNaCl), POSTs it as application/octet-stream to
                                     URL/files, then POSTs URL/done (完成)

It does what yimen-server's page (server/mobile/phone.js) does after the resident chose
the photos, against the real server, without a browser — so it can also send a file
that is no picture, which the page itself would refuse, to test the kiosk's own check.
The browser on the real page is tests/phone/phone_send.js ("# phone-browser: yes").
"""
import base64
import re
import sys
import time
import urllib.request

from nacl.public import PublicKey, SealedBox


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
    if len(sys.argv) >= 4 and sys.argv[1] == "send":
        send(sys.argv[2], sys.argv[3:])
    else:
        sys.exit("usage: phone_standin.py send URL FILE...")
