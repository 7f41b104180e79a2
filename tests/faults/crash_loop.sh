#!/usr/bin/env bash
# Crash loop (issue 7 item 1): "never lost, never duplicated" under SIGKILL. The real
# kiosk, enrolled against a real yimen-server and PostgreSQL, submits 老年人优待证
# applications from a headless UI script while its sync thread pushes them; the driver
# SIGKILLs it at a random moment (mid-form, mid-submit, mid-sync), checks the SQLite
# file, restarts it, and repeats. The kiosk journals every receipt it has drawn
# (YIMEN_TEST_RECEIPT_JOURNAL, fsync'ed): those applications were acknowledged to a
# resident. Beside it, yimen-fault-submit puts visits of three (低保 + 医疗救助 +
# 临时救助, docs/internals/visits.md) into the same store through Store::SubmitVisit,
# journaling their numbers the same way, and is SIGKILLed with the kiosk (a UI that
# makes visits is not in this driver yet). At the end one clean sync, then:
#   lost       acknowledged numbers missing from the kiosk store or from PostgreSQL
#   duplicated numbers or uuids PostgreSQL holds more than once, or rows it holds
#              that the kiosk never committed
#   integrity  restarts after which PRAGMA integrity_check was not "ok"
#   visits     visits not complete (all of their applications or none) on the kiosk,
#              or not complete on the server (lib.sh check_visits)
# All four must be 0. Prints one summary line starting "crash-loop:".
#
# usage: crash_loop.sh --build DIR [--iterations N] [--max-kill-ms MS] [--out DIR] [--seed N]
#   short mode (ctest faults.crash_loop): --iterations 8; long mode: --iterations 500
set -euo pipefail
export SDL_AUDIODRIVER=dummy

repo=$(cd "$(dirname "$0")/../.." && pwd)
build="" iterations=12 max_kill_ms=12000 out="" seed=$$
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --max-kill-ms) max_kill_ms=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    *) echo "crash_loop: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -n "$build" ]] || { echo "usage: $0 --build DIR [--iterations N] [--out DIR]" >&2; exit 2; }
build=$(cd "$build" && pwd)
kiosk=$build/app/yimen-kiosk server=$build/server/yimen-server admin=$build/server/yimen-admin
submitter=$build/tests/faults/yimen-fault-submit
for bin in "$kiosk" "$server" "$admin" "$submitter"; do [[ -x "$bin" ]] || { echo "crash_loop: no $bin" >&2; exit 2; }; done
out=${out:-$build/tests/faults/crash_loop}
RANDOM=$seed

rm -rf "$out"
mkdir -p "$out/data"
# PostgreSQL runs as the postgres user (docs/design.md "Known traps") and must reach pg/.
chmod o+x "$out"
data=$out/data journal=$out/receipts.journal db=$out/data/yimen.db
server_pid="" visit_pid=""
cleanup() {
  [[ -n "$visit_pid" ]] && kill -KILL "$visit_pid" 2>/dev/null
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  bash "$repo/scripts/pg-local.sh" stop "$out/pg" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The server and its database.
# shellcheck source=tests/faults/lib.sh
source "$repo/tests/faults/lib.sh"
start_server crash_loop "$repo" "$server" "$out"
url="http://127.0.0.1:$port"

# Enroll the kiosk (its kiosk code becomes the prefix of every application number).
bootstrap_admin "$admin" "$out"
code=$("$admin" --pg "$pg_url" --user "$admin_user" enroll-code --hall "故障测试大厅")
"$kiosk" --data-dir "$data" --enroll "$url" "$code" >"$out/enroll.log"

# The script: three applications in a row, so a kill lands anywhere in a visit.
script=$out/submit3.script
for _ in 1 2 3; do cat "$repo/tests/faults/submit_youdai.script"; done >"$script"

touch "$journal"
integrity_failures=0 script_failures=0 killed=0 finished=0 local_lost=0
started_at=$(date +%s)
for i in $(seq 1 "$iterations"); do
  kill_ms=$((300 + (RANDOM * 32768 + RANDOM) % max_kill_ms))
  run_script=$script
  if ((i == iterations)); then  # the last run goes to the end: at least one receipt for sure
    kill_ms=600000 run_script=$repo/tests/faults/submit_youdai.script
  fi
  YIMEN_TEST_RECEIPT_JOURNAL=$journal "$kiosk" --headless --data-dir "$data" --script "$run_script" \
    >/dev/null 2>"$out/kiosk.log" &
  pid=$!
  # Visits of three, one every 0.4 s, into the same store (the last run: two, to the end).
  visit_count=100000
  ((i == iterations)) && visit_count=2
  "$submitter" --data-dir "$data" --draft "$repo/tests/faults/youdai_draft.json" --count "$visit_count" \
    --visit-every 1 --every-ms 400 --journal "$journal" >>"$out/visits.log" 2>&1 &
  visit_pid=$!
  # Half the kills come at a random moment; the other half shortly (0-1.5 s) after a
  # receipt was drawn, which is when Store::Submit has just committed and the sync
  # thread is pushing the application (a form takes ~10 s to fill, so random kills
  # alone would mostly land mid-form).
  if ((i < iterations && RANDOM % 2 == 0)); then
    seen=$(wc -l <"$journal" 2>/dev/null || echo 0)
    kill_ms=$((RANDOM % 1500))
    wait_until=$(($(date +%s) + 120))
    while kill -0 "$pid" 2>/dev/null && (($(wc -l <"$journal" 2>/dev/null || echo 0) == seen)) &&
          (($(date +%s) < wait_until)); do sleep 0.02; done
  fi
  # Sleep in small steps so a kiosk that finished on its own is not waited on.
  deadline=$(($(date +%s%N) / 1000000 + kill_ms))
  while kill -0 "$pid" 2>/dev/null && (($(date +%s%N) / 1000000 < deadline)); do sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    killed=$((killed + 1))
  fi
  if ((i == iterations)); then wait "$visit_pid" 2>/dev/null || true; fi
  kill -KILL "$visit_pid" 2>/dev/null || true
  { wait "$visit_pid"; } 2>/dev/null || true
  visit_pid=""
  rc=0; { wait "$pid"; } 2>/dev/null || rc=$?
  if [[ $rc -ne 0 && $rc -ne 137 ]]; then
    script_failures=$((script_failures + 1))
    cp "$out/kiosk.log" "$out/kiosk-failed-$i.log"
  elif [[ $rc -eq 0 ]]; then
    finished=$((finished + 1))
  fi
  check=$(sqlite3 "$db" "PRAGMA integrity_check;" 2>&1 || true)
  if [[ "$check" != "ok" ]]; then
    integrity_failures=$((integrity_failures + 1))
    echo "crash_loop: iteration $i: integrity_check: $check" >&2
    cp "$db" "$out/corrupt-$i.db" 2>/dev/null || true
  fi
  # After every restart: each journaled receipt is in the kiosk's own store.
  if [[ -s "$journal" ]]; then
    sort -u "$journal" >"$out/acked.txt"
    sqlite3 "$db" "SELECT app_number FROM applications;" | sort -u >"$out/local.txt"
    missing=$(comm -23 "$out/acked.txt" "$out/local.txt" | wc -l)
    if [[ $missing -ne 0 ]]; then
      local_lost=$((local_lost + missing))
      echo "crash_loop: iteration $i: $missing acknowledged application(s) missing locally" >&2
    fi
  fi
  if ((i % 25 == 0 || i == iterations)); then
    echo "crash_loop: $i/$iterations, $(sort -u "$journal" 2>/dev/null | wc -l) acknowledged," \
         "$local_lost lost locally, $integrity_failures integrity failures, $script_failures script failures," \
         "$(($(date +%s) - started_at)) s" >&2
  fi
done

# Network healthy, no more kills: one clean sync must send everything that is left.
synced=0
for _ in $(seq 1 10); do
  if "$kiosk" --data-dir "$data" --sync-once >>"$out/sync.log" 2>&1; then synced=1; break; fi
  sleep 1
done
touch "$journal"
sort -u "$journal" >"$out/acked.txt"
sqlite3 "$db" "SELECT app_number FROM applications;" | sort >"$out/local.txt"
sqlite3 "$db" "SELECT uuid FROM applications;" | sort >"$out/local_uuid.txt"
psql_q "SELECT app_number FROM applications;" | sort >"$out/server.txt"
psql_q "SELECT uuid FROM applications;" | sort >"$out/server_uuid.txt"
acked=$(wc -l <"$out/acked.txt")
local_count=$(wc -l <"$out/local.txt")
server_count=$(wc -l <"$out/server.txt")
lost=$(comm -23 "$out/acked.txt" "$out/server.txt" | wc -l)
dup_numbers=$(uniq -d "$out/server.txt" | wc -l)
dup_uuids=$(uniq -d "$out/server_uuid.txt" | wc -l)
strangers=$(comm -13 "$out/local_uuid.txt" "$out/server_uuid.txt" | wc -l)  # on the server, never committed here
unsent=$(comm -23 "$out/local_uuid.txt" "$out/server_uuid.txt" | wc -l)
duplicated=$((dup_numbers + dup_uuids + strangers))
check_visits "$db" "$out"
lost=$((lost + local_lost))
# Committed, but the kiosk died before the receipt was drawn: the resident saw no receipt.
unacked=$((local_count - acked))

echo "crash-loop: iterations $iterations (killed $killed, ran to the end $finished, script failures $script_failures)," \
     "acknowledged $acked, committed $local_count (no receipt drawn: $unacked), on server $server_count," \
     "lost $lost, duplicated $duplicated, integrity failures $integrity_failures, unsent $unsent," \
     "visits $visits (broken: $visits_broken_local on the kiosk, $visits_broken_server on the server, checked $visits_check)," \
     "final sync $([[ $synced -eq 1 ]] && echo ok || echo FAILED), $(($(date +%s) - started_at)) s" | tee "$out/summary.txt"
if [[ $lost -ne 0 || $duplicated -ne 0 || $integrity_failures -ne 0 || $unsent -ne 0 || $synced -ne 1 ||
      $script_failures -ne 0 || $acked -eq 0 || $visits -eq 0 || $visits_broken_local -ne 0 ||
      $visits_broken_server -ne 0 ]]; then
  echo "crash_loop: FAIL (logs in $out)" >&2
  exit 1
fi
