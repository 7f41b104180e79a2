#!/usr/bin/env bash
# scripts/pg-local.sh keeps a cluster's port: start, stop, start again (and a start of
# a running cluster) must all give the same URL, or servers started against the first
# URL are stranded. Also: a port taken by someone else is refused, not silently moved.
set -euo pipefail
pg_local=$1
dir=$2
rm -rf "$dir"
trap 'bash "$pg_local" stop "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

first=$(bash "$pg_local" start "$dir")
again=$(bash "$pg_local" start "$dir")
[[ "$again" == "$first" ]] || fail "start of a running cluster: $again, was $first"
bash "$pg_local" stop "$dir"
second=$(bash "$pg_local" start "$dir")
echo "first start: $first; after stop and start: $second"
[[ "$second" == "$first" ]] || fail "restart moved the cluster: $second, was $first"
port=${first##*:}
port=${port%%/*}

# Someone else listens on the recorded port while the cluster is down: refuse, loudly.
bash "$pg_local" stop "$dir"
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); time.sleep(30)' "$port" &
squatter=$!
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
if out=$(bash "$pg_local" start "$dir" 2>&1); then
  kill "$squatter"
  fail "started although port $port was taken: $out"
fi
kill "$squatter"
wait "$squatter" 2>/dev/null || true
echo "taken port refused: $out"
[[ "$out" == *"in use"* ]] || fail "unclear message: $out"
third=$(bash "$pg_local" start "$dir")
[[ "$third" == "$first" ]] || fail "after the squatter left: $third, was $first"
echo "PASS"
