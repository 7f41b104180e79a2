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
# Applications are sealed to the server's key (docs/architecture.md): the test kiosk is
# provisioned with a made-up public key, as a deployment provisions one before
# enrollment. "# no-sealing-key" leaves it unprovisioned (it must refuse to submit).
if ! grep -q '^# no-sealing-key' "$script"; then
  "$kiosk" --data-dir "$out/data" --provision-sealing-key "$(dirname "$0")/../data/sealing_test_key.pub"
fi
# Scripts that need a staff PIN name it in a "# staff-pin: N" line.
pin=$(sed -n 's/^# staff-pin: *\([0-9]*\).*/\1/p' "$script" | head -n 1)
if [[ -n "$pin" ]]; then
  "$kiosk" --data-dir "$out/data" --set-staff-pin "$pin"
fi
# "# staff-account: NAME PIN" lines make staff accounts (staff mode's login).
while read -r name account_pin; do
  "$kiosk" --data-dir "$out/data" --add-staff "$name" --pin "$account_pin"
done < <(sed -n 's/^# staff-account: *\([^ ]*\) *\([0-9]*\).*/\1 \2/p' "$script")
# "# seed: N" fills the store with N made-up applications (tests/tools/seed_applications.cpp;
# three fixed ones first: TEST-261120-0001-F, -0002-D, -0003-B).
# "# seed-visit" adds a fixed visit of three (TEST-261120-V0001-…, ID tail 20031X).
seed=$(sed -n 's/^# seed: *\([0-9]*\).*/\1/p' "$script" | head -n 1)
if [[ -n "$seed" ]]; then
  seed_visit=0
  grep -q '^# seed-visit' "$script" && seed_visit=1
  "${YIMEN_SEED:?YIMEN_SEED must name the yimen-seed binary}" --data-dir "$out/data" --count "$seed" \
    --visit "$seed_visit"
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
# "# receipt-pdf: NUMBER": a receipt PDF saved for that application (staff re-print).
while read -r number; do
  [[ -s "$out/data/receipts/$number.pdf" ]] || { echo "FAIL: no receipt PDF for $number" >&2; exit 1; }
  echo "receipt: $number.pdf saved"
done < <(sed -n 's/^# receipt-pdf: *\([^ ]*\).*/\1/p' "$script")
# "# csv-has: TEXT" / "# csv-lacks: TEXT": what the exported CSV files must (not) hold.
csv_checks=$(grep -c '^# csv-' "$script" || true)
if [[ "$csv_checks" != "0" ]]; then
  shopt -s nullglob
  csvs=("$out"/data/exports/*.csv)
  [[ ${#csvs[@]} -gt 0 ]] || { echo "FAIL: no CSV under $out/data/exports" >&2; exit 1; }
  while IFS= read -r text; do
    grep -qF -- "$text" "${csvs[@]}" || { echo "FAIL: the CSV lacks \"$text\"" >&2; exit 1; }
  done < <(sed -n 's/^# csv-has: //p' "$script")
  while IFS= read -r text; do
    if grep -qF -- "$text" "${csvs[@]}"; then echo "FAIL: the CSV holds \"$text\"" >&2; exit 1; fi
  done < <(sed -n 's/^# csv-lacks: //p' "$script")
  echo "csv: ${#csvs[@]} file(s), $(cat "${csvs[@]}" | wc -l) line(s), checks passed"
fi
# Every application the kiosk stored is sealed (seeded rows are made-up stubs).
unsealed=$(sqlite3 "$out/data/yimen.db" "SELECT count(*) FROM applications WHERE payload_format NOT IN ('sealed-v2', 'purged') AND CAST(payload AS TEXT) != '{\"seeded\":true}';")
[[ "$unsealed" == "0" ]] || { echo "FAIL: $unsealed application(s) stored unsealed" >&2; exit 1; }
# "# log-lacks: TEXT": the kiosk's stderr log must not hold TEXT (personal data).
while IFS= read -r text; do
  if grep -qF -- "$text" "$out/kiosk.log"; then echo "FAIL: the kiosk log holds \"$text\"" >&2; exit 1; fi
done < <(sed -n 's/^# log-lacks: //p' "$script")
# "# receipt-lacks: TEXT": no saved receipt PDF holds TEXT, in its bytes, its metadata
# or its text layer (pdftotext; spaces and line breaks dropped, as wrapping adds them).
receipt_text() { pdftotext -enc UTF-8 "$1" - 2>/dev/null | tr -d ' \n\f'; }
while IFS= read -r text; do
  for pdf in "$out"/data/receipts/*.pdf; do
    [[ -e "$pdf" ]] || continue
    if grep -qaF -- "$text" "$pdf" || pdfinfo "$pdf" 2>/dev/null | grep -qF -- "$text" ||
       receipt_text "$pdf" | grep -qF -- "${text// /}"; then
      echo "FAIL: receipt $pdf holds \"$text\"" >&2; exit 1
    fi
  done
done < <(sed -n 's/^# receipt-lacks: //p' "$script")
# "# receipt-has: TEXT": every saved receipt PDF's text layer holds TEXT (and there is one).
while IFS= read -r text; do
  compgen -G "$out/data/receipts/*.pdf" >/dev/null ||
    { echo "FAIL: no saved receipt PDF to hold \"$text\"" >&2; exit 1; }
  for pdf in "$out"/data/receipts/*.pdf; do
    receipt_text "$pdf" | grep -qF -- "${text// /}" ||
      { echo "FAIL: the text of receipt $pdf lacks \"$text\"" >&2; exit 1; }
  done
  echo "receipt text: \"$text\" found"
done < <(sed -n 's/^# receipt-has: //p' "$script")
# "# audit-has: ACTION" / "# audit-lacks: ACTION": the audit table holds (no) row with it.
while IFS= read -r action; do
  n=$(sqlite3 "$out/data/yimen.db" "SELECT count(*) FROM audit WHERE action = '${action//\'/}';")
  [[ "$n" != "0" ]] || { echo "FAIL: no audit row $action" >&2; exit 1; }
done < <(sed -n 's/^# audit-has: //p' "$script")
while IFS= read -r action; do
  n=$(sqlite3 "$out/data/yimen.db" "SELECT count(*) FROM audit WHERE action = '${action//\'/}';")
  [[ "$n" == "0" ]] || { echo "FAIL: an audit row $action" >&2; exit 1; }
done < <(sed -n 's/^# audit-lacks: //p' "$script")
integrity=$(sqlite3 "$out/data/yimen.db" "PRAGMA integrity_check;")
[[ "$integrity" == "ok" ]] || { echo "FAIL: integrity_check: $integrity" >&2; exit 1; }
