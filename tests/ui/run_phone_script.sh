#!/usr/bin/env bash
# Photos from a resident's phone, end to end on the kiosk (docs/ui-scripts.md "Photos
# from a phone"): a throwaway PostgreSQL (scripts/pg-local.sh), the real yimen-server
# with --phone-url, the kiosk enrolled with a code from the real yimen-admin, the UI
# script headless, and the runner plays the phone: when the script saves a screenshot
# named *-phone_qr.png it decodes the QR code in it with zbarimg and sends the script's
# "# phone-send:" pictures sealed to the key behind that link.
# usage: run_phone_script.sh KIOSK SCRIPT OUT_DIR [KIOSK FLAGS...]
# (the server and yimen-admin are taken from KIOSK's build directory)
# Script lines read here: "# phone-send: N" (pictures to send, default 2),
# "# phone-server: on|none|off" (none: the server is stopped after enrolment — the kiosk
# is offline; off: the server runs without phone upload), "# phone-link-seconds: N"
# (--phone-link-seconds), "# phone-browser: yes" (the phone is Debian's chromium on the
# real page, tests/phone/phone_send.js; otherwise phone_standin.py seals and posts as
# the page does, which can also send a file that is no picture: "# phone-garbage: yes").
# YIMEN_PHONE_SLOW4G=1 (with phone-browser): two ~3 MB 4000x3000 photos on DevTools'
# "Slow 4G", and the time from choosing them to both on the kiosk's page is printed.
set -euo pipefail
export SDL_AUDIODRIVER=dummy
kiosk=$1 script=$2 out=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(cd "$(dirname "$kiosk")/.." && pwd)
# Debian's python3, where python3-nacl is (a pyenv or venv python3 earlier on PATH lacks it).
py=/usr/bin/python3
[[ -x $py ]] || py=python3
command -v zbarimg >/dev/null && "$py" -c 'import nacl' 2>/dev/null ||
  { echo "SKIP: needs zbarimg (zbar-tools) and PyNaCl (python3-nacl): scripts/deps.sh" >&2; exit 77; }
setting() { sed -n "s/^# $1: *\([^ ]*\).*/\1/p" "$script" | head -n 1; }
send=$(setting phone-send); send=${send:-2}
mode=$(setting phone-server); mode=${mode:-on}
seconds=$(setting phone-link-seconds); seconds=${seconds:-600}
browser=$(setting phone-browser)
slow=${YIMEN_PHONE_SLOW4G:-0}
if [[ $browser == yes ]]; then
  [[ -d "$repo/tests/phone/node_modules/puppeteer-core" && -x /usr/bin/chromium ]] ||
    { echo "SKIP: the phone is chromium: needs /usr/bin/chromium and npm ci --prefix tests/phone" >&2; exit 77; }
fi
rm -rf "$out"
mkdir -p "$out/data" "$out/screenshots" "$out/pictures"
chmod o+x "$out"
pids=()
server_pid=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -n "$server_pid" ]] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  bash "$repo/scripts/pg-local.sh" stop "$out/pg" >/dev/null 2>&1 || true
}
trap cleanup EXIT
pg_url=$(bash "$repo/scripts/pg-local.sh" start "$out/pg")
# shellcheck source=tests/faults/lib.sh
source "$repo/tests/faults/lib.sh"
# The links' public base is a placeholder (the port is picked at start): the phone
# opens the link's path on the server's real address, as tests/phone does.
phone_flags=(--phone-url https://phone.invalid --phone-link-seconds "$seconds")
[[ $mode == off ]] && phone_flags=()
start_yimen_server "$build/server/yimen-server" "$pg_url" "$out/server.log" "${phone_flags[@]}"
bootstrap_admin "$build/server/yimen-admin" "$out"
code=$("$build/server/yimen-admin" --pg "$pg_url" --user "$admin_user" enroll-code --hall 测试大厅)
"$kiosk" --data-dir "$out/data" --enroll "http://127.0.0.1:$port" "$code"
if [[ $mode == none ]]; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi

# The phone's pictures: two document-like JPEGs of 2000×1500 (cjpeg, libjpeg-turbo-progs).
for i in $(seq "$send"); do
  "$py" - "$out/pictures/p$i.ppm" "$i" <<'PY'
import sys
w, h, n = 2000, 1500, int(sys.argv[2])
rows = bytearray()
for y in range(h):
    for x in range(w):
        ink = (x // 100 + y // 100 + n) % 2 == 0 and 200 < x < 1800 and 200 < y < 1300
        rows += bytes((40, 40, 60) if ink else (235, 230, 210 - 40 * n % 120))
open(sys.argv[1], "wb").write(b"P6 %d %d 255\n" % (w, h) + bytes(rows))
PY
  cjpeg -quality 90 "$out/pictures/p$i.ppm" > "$out/pictures/p$i.jpg"
  # The measurement sends photos as a phone takes them: 4000x3000, about 3 MB.
  if [[ $slow == 1 ]]; then
    "$build/tests/phone/yimen-phone-kiosk" make-jpeg "$out/pictures/p$i.jpg" 4000 3000 "$i" 85 >/dev/null
  fi
done

"$kiosk" --headless --data-dir "$out/data" --script "$script" --screenshots "$out/screenshots" \
  --camera none --import-dir "$out/pictures" "$@" 2> >(tee "$out/kiosk.log" >&2) &
kiosk_pid=$!
pids+=("$kiosk_pid")

# The phone: scan the code off the kiosk's screen, then send.
if [[ $mode == on ]] && grep -q 'phone_qr' "$script"; then
  for _ in $(seq 600); do
    shot=$(ls "$out"/screenshots/*-phone_qr.png 2>/dev/null | head -n 1 || true)
    [[ -n "$shot" ]] && break
    kill -0 "$kiosk_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -n "${shot:-}" ]]; then
    url=$(zbarimg -q --raw "$shot" | head -n 1)
    echo "phone: scanned $url"
    url="http://127.0.0.1:$port/m/${url##*/m/}"  # the link's path on the server's address
    files=("$out"/pictures/p*.jpg)
    # "# phone-garbage: yes": a file that is no picture goes first (the kiosk refuses it).
    if [[ $(setting phone-garbage) == yes ]]; then
      head -c 3000 /dev/urandom > "$out/garbage.bin"
      files=("$out/garbage.bin" "${files[@]}")
    fi
    if [[ $browser == yes ]]; then
      flags=(--shots "$out/screenshots")
      [[ $slow == 1 ]] && flags+=(--slow-4g)
      node "$repo/tests/phone/phone_send.js" "$url" "${flags[@]}" "${files[@]}" | tee "$out/phone.json" ||
        { echo "FAIL: the phone's browser could not send" >&2; exit 1; }
    else
      "$py" "$here/phone_standin.py" send "$url" "${files[@]}"
    fi
  fi
fi
status=0
wait "$kiosk_pid" || status=$?
[[ $status == 0 ]] || { echo "FAIL: the kiosk's script failed ($status)" >&2; exit 1; }
# The figure (printed, never asserted): photos chosen on the phone → all of them on
# the kiosk's page (the kiosk logs the wall clock when photos reach it).
if [[ -s "$out/phone.json" ]]; then
  chosen=$(sed -n 's/.*"chosen_unix_ms":\([0-9]*\).*/\1/p' "$out/phone.json")
  arrived=$(sed -n "s/.*phone: $send photo(s) on the page, unix_ms=\([0-9]*\).*/\1/p" "$out/kiosk.log" | head -n 1)
  if [[ -n "$chosen" && -n "$arrived" ]]; then
    echo "phone e2e$([[ $slow == 1 ]] && echo ' (Slow 4G, 4000x3000 photos)'): $send photo(s) chosen on the phone -> on the kiosk's page: $((arrived - chosen)) ms"
  fi
fi
expected=$(setting expect-applications); expected=${expected:-0}
apps=$(sqlite3 "$out/data/yimen.db" "SELECT count(*) FROM applications;")
echo "database: $apps application(s); screenshots: $(ls "$out/screenshots" | wc -l)"
[[ "$apps" == "$expected" ]] || { echo "FAIL: expected $expected application(s)" >&2; exit 1; }
# Nothing of the photos on disk but inside the sealed application.
if grep -rqa "JFIF" "$out/data" --exclude=yimen.db* 2>/dev/null; then
  echo "FAIL: a JPEG lies under the data directory" >&2; exit 1
fi
echo "PASS"
