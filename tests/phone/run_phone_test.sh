#!/usr/bin/env bash
# The phone upload page's browser test (issue 15 item 2): a throwaway PostgreSQL, the
# real yimen-server with phone upload on, a stand-in kiosk (yimen-phone-kiosk, enrolled
# with a code from the real yimen-admin), two noisy 4000x3000 JPEGs of about 3 MB made
# here (no downloads), then phone_test.js drives Debian's chromium with a phone's
# viewport (puppeteer-core, tests/phone/package-lock.json).
# usage: run_phone_test.sh --build DIR [--out DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/tests/phone
build="" out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "phone-test: unknown argument $1" >&2; exit 2 ;;
  esac
done
build=$(cd "$build" && pwd)
server=$build/server/yimen-server admin=$build/server/yimen-admin
tool=$build/tests/phone/yimen-phone-kiosk
[[ -d "$here/node_modules/puppeteer-core" ]] ||
  { echo "phone-test: no node_modules (run: npm ci --prefix tests/phone)" >&2; exit 77; }
[[ -x /usr/bin/chromium ]] || { echo "phone-test: no /usr/bin/chromium" >&2; exit 77; }
out=${out:-$build/tests/phone/upload}
rm -rf "$out"
mkdir -p "$out"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  bash "$repo/scripts/pg-local.sh" stop "$out/pg" >/dev/null 2>&1 || true
}
trap cleanup EXIT
pg_url=$(bash "$repo/scripts/pg-local.sh" start "$out/pg")

# shellcheck source=tests/faults/lib.sh
source "$repo/tests/faults/lib.sh"
# The links' public base is a placeholder: the server's port is picked at start, and
# phone_test.js opens each link's path on the real origin.
start_yimen_server "$server" "$pg_url" "$out/server.log" --phone-url https://phone.invalid ||
  { echo "phone-test: see above" >&2; exit 1; }
bootstrap_admin "$admin" "$out"
code=$("$admin" --pg "$pg_url" --user "$admin_user" enroll-code --hall 测试大厅)
"$tool" enroll "http://127.0.0.1:$port" "$code" "$out/kiosk.json"

# Two photos as a phone takes them: 4000x3000, about 3 MB each.
for n in 1 2; do
  bytes=$("$tool" make-jpeg "$out/photo$n.jpg" 4000 3000 "$n" 85)
  echo "phone-test: photo$n.jpg $bytes bytes"
done
printf 'not a photo, a text file\n' >"$out/notes.txt"

cat >"$out/fixture.json" <<JSON
{"base": "http://127.0.0.1:$port", "tool": "$tool", "state": "$out/kiosk.json",
 "photos": ["$out/photo1.jpg", "$out/photo2.jpg"], "text": "$out/notes.txt",
 "log": "$out/server.log", "db": "$pg_url", "out": "$out",
 "screenshots": "$build/tests/phone/screenshots"}
JSON
node "$here/phone_test.js" "$out/fixture.json"
