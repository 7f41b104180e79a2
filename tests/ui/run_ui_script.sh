#!/usr/bin/env bash
# Runs one UI script against the real kiosk, headless, in a fresh data directory, then
# checks the database holds exactly the expected applications and outbox rows.
# usage: run_ui_script.sh KIOSK SCRIPT OUT_DIR EXPECTED_APPLICATIONS [KIOSK FLAGS...]
set -euo pipefail
export SDL_AUDIODRIVER=dummy  # the voice synthesises and "plays" without a sound card
kiosk=$1 script=$2 out=$3 expected=$4
shift 4
rm -rf "$out"
mkdir -p "$out/data" "$out/screenshots"
# Scripts that need a staff PIN name it in a "# staff-pin: N" line.
pin=$(sed -n 's/^# staff-pin: *\([0-9]*\).*/\1/p' "$script" | head -n 1)
if [[ -n "$pin" ]]; then
  "$kiosk" --data-dir "$out/data" --set-staff-pin "$pin"
fi
"$kiosk" --headless --data-dir "$out/data" --script "$script" --screenshots "$out/screenshots" "$@" \
  2> >(tee "$out/kiosk.log" >&2)
apps=$(sqlite3 "$out/data/yimen.db" "SELECT count(*) FROM applications;")
outbox=$(sqlite3 "$out/data/yimen.db" "SELECT count(*) FROM outbox;")
echo "database: $apps application(s), $outbox outbox row(s); screenshots: $(ls "$out/screenshots" | wc -l)"
if [[ "$apps" != "$expected" || "$outbox" != "$expected" ]]; then
  echo "FAIL: expected $expected application(s) and $expected outbox row(s)" >&2
  exit 1
fi
# A printed (saved) receipt for every application, when the script printed one.
if grep -q '^tap receipt:print' "$script"; then
  receipts=$(ls "$out/data/receipts" 2>/dev/null | grep -c '\.pdf$' || true)
  [[ "$receipts" == "$expected" ]] || { echo "FAIL: expected $expected receipt PDF(s), found $receipts" >&2; exit 1; }
fi
integrity=$(sqlite3 "$out/data/yimen.db" "PRAGMA integrity_check;")
[[ "$integrity" == "ok" ]] || { echo "FAIL: integrity_check: $integrity" >&2; exit 1; }
