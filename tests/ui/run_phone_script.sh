#!/usr/bin/env bash
# Photos from a resident's phone, end to end on the kiosk (docs/ui-scripts.md "Photos
# from a phone"): starts a server (the stand-in tests/ui/phone_standin.py), enrolls the
# kiosk with it, runs the UI script headless, and plays the phone: when the script saves
# a screenshot named *-phone_qr.png it decodes the QR code in it with zbarimg and sends
# the script's "# phone-send:" pictures sealed to the key behind that link.
# usage: run_phone_script.sh KIOSK SCRIPT OUT_DIR [KIOSK FLAGS...]
# YIMEN_PHONE_REAL=BUILD_DIR: the real server instead of the stand-in — a throwaway
# PostgreSQL (scripts/pg-local.sh), yimen-server with --phone-url, the kiosk enrolled
# with a code from yimen-admin; the phone (phone_standin.py send) then talks to the real
# page's endpoints.
# Script lines read here: "# phone-send: N" (pictures to send, default 2),
# "# phone-server: standin|none|off" (none: nothing listens — the kiosk is offline; off:
# the server has no phone upload), "# phone-link-seconds: N" (the links' lifetime).
set -euo pipefail
export SDL_AUDIODRIVER=dummy
kiosk=$1 script=$2 out=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
# Debian's python3, where python3-nacl is (a pyenv or venv python3 earlier on PATH lacks it).
py=/usr/bin/python3
[[ -x $py ]] || py=python3
command -v zbarimg >/dev/null && "$py" -c 'import nacl' 2>/dev/null ||
  { echo "SKIP: needs zbarimg (zbar-tools) and PyNaCl (python3-nacl): scripts/deps.sh" >&2; exit 77; }
rm -rf "$out"
mkdir -p "$out/data" "$out/screenshots" "$out/pictures"
setting() { sed -n "s/^# $1: *\([^ ]*\).*/\1/p" "$script" | head -n 1; }
send=$(setting phone-send); send=${send:-2}
mode=$(setting phone-server); mode=${mode:-standin}
seconds=$(setting phone-link-seconds); seconds=${seconds:-600}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# The server. Enrolment needs one even for "none"; it is stopped before the kiosk starts.
real=${YIMEN_PHONE_REAL:-}
if [[ -n $real ]]; then
  real=$(cd "$real" && pwd)
  repo=$(cd "$here/../.." && pwd)
  pg_url=$(bash "$repo/scripts/pg-local.sh" start "$out/pg")
  cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [[ -n "${server_pid:-}" ]] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    bash "$repo/scripts/pg-local.sh" stop "$out/pg" >/dev/null 2>&1 || true
  }
  # shellcheck source=tests/faults/lib.sh
  source "$repo/tests/faults/lib.sh"
  # The links' public base is a placeholder (the port is picked at start): the phone
  # opens the link's path on the server's real address, as tests/phone does.
  phone_flags=(--phone-url https://phone.invalid)
  [[ $mode == off ]] && phone_flags=()
  start_yimen_server "$real/server/yimen-server" "$pg_url" "$out/server.log" "${phone_flags[@]}"
  bootstrap_admin "$real/server/yimen-admin" "$out"
  code=$("$real/server/yimen-admin" --pg "$pg_url" --user "$admin_user" enroll-code --hall 测试大厅)
  "$kiosk" --data-dir "$out/data" --enroll "http://127.0.0.1:$port" "$code"
  if [[ $mode == none ]]; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi
else
  PHONE_LINK_SECONDS=$seconds PHONE_UPLOAD_OFF=$([[ $mode == off ]] && echo 1 || echo 0) \
    "$py" "$here/phone_standin.py" serve "$out/port" 2>"$out/server.log" &
  server=$!
  pids+=("$server")
  for _ in $(seq 100); do [[ -s "$out/port" ]] && break; sleep 0.1; done
  port=$(cat "$out/port")
  "$kiosk" --data-dir "$out/data" --enroll "http://127.0.0.1:$port" ONE-TIME-CODE
  if [[ $mode == none ]]; then kill "$server"; wait "$server" 2>/dev/null || true; fi
fi

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
done

"$kiosk" --headless --data-dir "$out/data" --script "$script" --screenshots "$out/screenshots" \
  --camera none --import-dir "$out/pictures" "$@" 2> >(tee "$out/kiosk.log" >&2) &
kiosk_pid=$!
pids+=("$kiosk_pid")

# The phone: scan the code off the kiosk's screen, then send.
if [[ $mode == standin ]] && grep -q 'phone_qr' "$script"; then
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
    "$py" "$here/phone_standin.py" send "$url" "${files[@]}"
  fi
fi
status=0
wait "$kiosk_pid" || status=$?
[[ $status == 0 ]] || { echo "FAIL: the kiosk's script failed ($status)" >&2; exit 1; }
expected=$(setting expect-applications); expected=${expected:-0}
apps=$(sqlite3 "$out/data/yimen.db" "SELECT count(*) FROM applications;")
echo "database: $apps application(s); screenshots: $(ls "$out/screenshots" | wc -l)"
[[ "$apps" == "$expected" ]] || { echo "FAIL: expected $expected application(s)" >&2; exit 1; }
# Nothing of the photos on disk but inside the sealed application.
if grep -rqa "JFIF" "$out/data" --exclude=yimen.db* 2>/dev/null; then
  echo "FAIL: a JPEG lies under the data directory" >&2; exit 1
fi
echo "PASS"
