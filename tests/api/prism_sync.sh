#!/usr/bin/env bash
# The API description against the real thing (issue 19 item 9): a Prism proxy
# (`prism proxy docs/api/openapi.yaml --errors`, tools/apicheck) sits between a real
# yimen-kiosk and a real yimen-server on PostgreSQL, and checks every request and
# every reply against docs/api/openapi.yaml. Through it the kiosk enrolls, pushes two
# applications (one with a document photo, uploaded in chunks), sends audit rows and
# heartbeats, pulls staff accounts, a published catalog and a status change. Any
# violation Prism reports, in a request or a reply, fails the test; so does a sync
# that does not drain. One summary line "prism-sync:".
#
# usage: prism_sync.sh --build DIR [--out DIR]
set -euo pipefail
export SDL_AUDIODRIVER=dummy

repo=$(cd "$(dirname "$0")/../.." && pwd)
build="" out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "prism-sync: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -n "$build" ]] || { echo "usage: $0 --build DIR [--out DIR]" >&2; exit 2; }
build=$(cd "$build" && pwd)
kiosk=$build/app/yimen-kiosk server=$build/server/yimen-server admin=$build/server/yimen-admin
submitter=$build/tests/faults/yimen-fault-submit
prism=$repo/tools/apicheck/node_modules/.bin/prism
for bin in "$kiosk" "$server" "$admin" "$submitter"; do
  [[ -x "$bin" ]] || { echo "prism-sync: no $bin" >&2; exit 2; }
done
# 77: skipped (ctest SKIP_RETURN_CODE); scripts/test.sh installs the tools first.
[[ -x "$prism" ]] || { echo "prism-sync: no $prism (run: npm ci --prefix tools/apicheck)" >&2; exit 77; }
out=${out:-$build/tests/api/prism_sync}

rm -rf "$out"
mkdir -p "$out/data"
# PostgreSQL runs as the postgres user (docs/design.md "Known traps") and must reach pg/.
chmod o+x "$out"
data=$out/data
server_pid="" prism_pid="" keeper_pid=""
cleanup() {
  for pid in $prism_pid $keeper_pid $server_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash "$repo/scripts/pg-local.sh" stop "$out/pg" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# shellcheck source=tests/faults/lib.sh
source "$repo/tests/faults/lib.sh"
start_server prism-sync "$repo" "$server" "$out"

# Prism between them, on a free loopback port (plain HTTP: the server allows it on
# loopback, and the kiosk allows http:// to a loopback host). Prism re-encodes the
# bodies it forwards (binary ones as UTF-8 text), which would break the signatures:
# tools/apicheck/body_keeper.js on both sides of it hands the server the kiosk's own
# bytes, while Prism still sees and checks every request and every reply.
prism_port=""
for _ in $(seq 1 20); do
  candidate=$((30000 + RANDOM % 30000))
  (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null && continue
  prism_port=$candidate
  break
done
node "$repo/tools/apicheck/body_keeper.js" "$port" "$prism_port" >"$out/keeper.log" 2>&1 &
keeper_pid=$!
for _ in $(seq 1 50); do grep -q "^body-keeper: front" "$out/keeper.log" && break; sleep 0.1; done
front_port=$(sed -n 's/^body-keeper: front \([0-9]*\) back.*/\1/p' "$out/keeper.log")
back_port=$(sed -n 's/^body-keeper: front [0-9]* back \([0-9]*\)/\1/p' "$out/keeper.log")
[[ -n "$front_port" && -n "$back_port" ]] || { echo "prism-sync: body_keeper did not start" >&2; cat "$out/keeper.log" >&2; exit 1; }
"$prism" proxy "$repo/docs/api/openapi.yaml" "http://127.0.0.1:$back_port" --errors \
  --host 127.0.0.1 --port "$prism_port" >"$out/prism.log" 2>&1 &
prism_pid=$!
for _ in $(seq 1 300); do
  grep -q "Prism is listening" "$out/prism.log" 2>/dev/null && break
  kill -0 "$prism_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q "Prism is listening" "$out/prism.log" || { echo "prism-sync: prism did not start" >&2; cat "$out/prism.log" >&2; exit 1; }
via=http://127.0.0.1:$front_port

# What the kiosk will pull: a staff account of its hall and a catalog.
hall="接口测试大厅"
bootstrap_admin "$admin" "$out"
"$admin" --pg "$pg_url" --user "$admin_user" staff-add wangli --hall "$hall" <<<"24681357" \
  >/dev/null 2>&1
# The shipped catalog as one published body (docs/catalog.md "Publishing"), as prism-1.
python3 - "$repo/assets/catalog" >"$out/catalog.json" <<'PY'
import json, os, sys
root = sys.argv[1]
files = {os.path.relpath(os.path.join(d, n), root): json.load(open(os.path.join(d, n), encoding="utf-8"))
         for d, _, names in os.walk(root) for n in names if n.endswith(".json")}
files["catalog.json"]["version"] = "prism-1"
print(json.dumps({"files": files}, ensure_ascii=False))
PY
"$admin" --pg "$pg_url" --user "$admin_user" publish-catalog "$out/catalog.json"

# Enrollment, through Prism.
code=$("$admin" --pg "$pg_url" --user "$admin_user" enroll-code --hall "$hall")
enrolled=0
"$kiosk" --data-dir "$data" --enroll "$via" "$code" >"$out/enroll.log" 2>&1 || enrolled=$?

first=0 second=0
if [[ $enrolled -eq 0 ]]; then
  # Two applications in the store: one with a 300 KB document photo (uploaded as an
  # encrypted attachment after the push), one without.
  python3 - "$repo/tests/faults/youdai_draft.json" "$out/photo_draft.json" <<'PY'
import base64, json, os, sys
draft = json.load(open(sys.argv[1]))
draft["attachments"] = {"photo:id_card_front": base64.b64encode(os.urandom(300_000)).decode()}
json.dump(draft, open(sys.argv[2], "w"))
PY
  "$submitter" --data-dir "$data" --draft "$out/photo_draft.json" --count 1 --journal "$out/journal" >/dev/null
  "$submitter" --data-dir "$data" --draft "$repo/tests/faults/youdai_draft.json" --count 1 \
    --journal "$out/journal" >/dev/null

  # A staff account on the kiosk makes audit rows to push.
  "$kiosk" --data-dir "$data" --add-staff zhaomin --pin 97531864 2>/dev/null

  sync_once() { "$kiosk" --data-dir "$data" --sync-once >>"$out/sync.log" 2>&1; }
  sync_once || first=$?
  # A status change for the photo application, pulled by the second cycle.
  # (set by a reviewer: an admin may not change statuses, docs/operations.md "Roles").
  number=$(head -n 1 "$out/journal")
  (umask 077 && head -c 24 /dev/urandom | base64 >"$out/reviewer.password")
  "$admin" --pg "$pg_url" --user "$admin_user" console-user add reviewer1 --role reviewer --scope 全市 \
    <"$out/reviewer.password" >/dev/null
  YIMEN_ADMIN_PASSWORD_FILE=$out/reviewer.password YIMEN_CATALOG_DIR=$repo/assets/catalog \
    "$admin" --pg "$pg_url" --user reviewer1 set-status "$number" 已受理 >/dev/null
  sync_once || second=$?
fi

for pid in $prism_pid $keeper_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
prism_pid="" keeper_pid=""

on_server=$(psql_q "SELECT count(*) FROM applications;")
photos_complete=$(psql_q "SELECT count(*) FROM attachments WHERE complete;")
status_pulled=$(sqlite3 "$data/yimen.db" "SELECT count(*) FROM status_changes;" 2>/dev/null || echo 0)
audit_on_server=$(psql_q "SELECT count(*) FROM kiosk_audit;" 2>/dev/null || echo "?")
requests=$(grep -c "Request received" "$out/prism.log" || true)
violations=$(($(grep -ciE "violation" "$out/prism.log" || true) +
              $(grep -c "^body-keeper: violation" "$out/keeper.log" || true)))
keeper=$(grep "bodies carried" "$out/keeper.log" | sed 's/^body-keeper: //' || true)
echo "prism-sync: $requests requests through Prism, $violations violation line(s);" \
     "enroll exits $enrolled, sync exits $first/$second; applications on server $on_server, photos complete" \
     "$photos_complete, status changes pulled $status_pulled, audit rows on server $audit_on_server;" \
     "body-keeper: ${keeper:-?}" |
  tee "$out/summary.txt"
if [[ $violations -ne 0 ]]; then
  echo "prism-sync: Prism reported violations:" >&2
  grep -iE "violation" "$out/prism.log" "$out/keeper.log" | head -40 >&2
fi
if [[ $violations -ne 0 || $enrolled -ne 0 || $first -ne 0 || $second -ne 0 || $on_server -ne 2 ||
      $photos_complete -ne 1 || $requests -lt 8 ]]; then
  echo "prism-sync: FAIL (logs in $out)" >&2
  exit 1
fi
