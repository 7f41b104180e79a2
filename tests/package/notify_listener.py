#!/usr/bin/env python3
# Stands in for systemd's end of the notify protocol: binds a unix datagram socket,
# writes each message it receives to OUT as "SECONDS_SINCE_START MESSAGE" (newlines in
# a message become spaces) and exits after STOPPING=1 or after TIMEOUT seconds.
# usage: notify_listener.py SOCKET OUT TIMEOUT
import os
import socket
import sys
import time

path, out_path, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
if os.path.exists(path):
    os.unlink(path)
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o666)  # the server runs as the yimen user
start = time.monotonic()
with open(out_path, "w", buffering=1) as out:
    while True:
        left = timeout - (time.monotonic() - start)
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            data = sock.recv(4096)
        except socket.timeout:
            break
        message = data.decode("utf-8", "replace").replace("\n", " ")
        out.write("%.3f %s\n" % (time.monotonic() - start, message))
        if "STOPPING=1" in message.split(" "):
            break
os.unlink(path)
