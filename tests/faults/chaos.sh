#!/usr/bin/env bash
# Network chaos (issue 7 item 2): the real kiosk, enrolled through yimen-chaos-proxy to a
# real yimen-server and PostgreSQL, browses headless (tests/faults/browse.script) while
# yimen-fault-submit puts N applications into its store through Store::Submit, spread
# over the chaos period, and the kiosk's own sync engine pushes them through delays,
# resets, stalls, truncated replies, replies dropped after the server committed, 503
# bursts and blackholes. Every fourth submission is a visit of three (低保 + 医疗救助 +
# 临时救助, Store::SubmitVisit; docs/internals/visits.md), which must arrive complete. Then the network recovers and the driver waits for the server
# to hold every acknowledged application (at most 10 minutes). Checks: lost 0 (every
# acknowledged number in PostgreSQL), duplicated 0 (no number or uuid twice, nothing
# the kiosk never committed), the kiosk's outbox empty, and no stall: no gap between
# frames over 100 ms in which the UI thread used under 20 ms of CPU; every visit complete
# on the kiosk and on the server (lib.sh check_visits) (blocked on a lock,
# I/O or the network, not working; docs/testing-faults.md "Stalls"). Reports the drain
# time after recovery and the kiosk's longest gap between frames. One summary line
# "network-chaos:".
#
# usage: chaos.sh --build DIR [--count N] [--chaos-seconds S] [--out DIR] [--seed N]
#   short mode (ctest faults.chaos): --count 100 --chaos-seconds 30
#   long mode: --count 1000 --chaos-seconds 300
set -euo pipefail
export SDL_AUDIODRIVER=dummy

repo=$(cd "$(dirname "$0")/../.." && pwd)
build="" count=100 chaos_s=25 out="" seed=$$
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --chaos-seconds) chaos_s=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    *) echo "chaos: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -n "$build" ]] || { echo "usage: $0 --build DIR [--count N] [--chaos-seconds S]" >&2; exit 2; }
build=$(cd "$build" && pwd)
kiosk=$build/app/yimen-kiosk server=$build/server/yimen-server admin=$build/server/yimen-admin
proxy=$build/tests/faults/yimen-chaos-proxy submitter=$build/tests/faults/yimen-fault-submit
for bin in "$kiosk" "$server" "$admin" "$proxy" "$submitter"; do
  [[ -x "$bin" ]] || { echo "chaos: no $bin" >&2; exit 2; }
done
out=${out:-$build/tests/faults/chaos}
RANDOM=$seed

rm -rf "$out"
mkdir -p "$out/data"
# PostgreSQL runs as the postgres user (docs/design.md "Known traps") and must reach pg/.
chmod o+x "$out"
data=$out/data journal=$out/acknowledged.journal db=$out/data/yimen.db
server_pid="" proxy_pid="" kiosk_pid=""
cleanup() {
  for pid in $kiosk_pid $proxy_pid $server_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash "$repo/scripts/pg-local.sh" stop "$out/pg" >/dev/null 2>&1 || true
}
trap cleanup EXIT
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# shellcheck source=tests/faults/lib.sh
source "$repo/tests/faults/lib.sh"
start_server chaos "$repo" "$server" "$out"

# The proxy in front of it, calm until the kiosk is enrolled.
"$proxy" --listen 0 --upstream "$port" --seed "$seed" >"$out/proxy.out" 2>"$out/proxy.log" &
proxy_pid=$!
for _ in $(seq 1 50); do grep -q "listening on" "$out/proxy.out" 2>/dev/null && break; sleep 0.1; done
proxy_port=$(sed -n 's/^chaos-proxy: listening on //p' "$out/proxy.out")
[[ -n "$proxy_port" ]] || { echo "chaos: the proxy did not start" >&2; cat "$out/proxy.log" >&2; exit 1; }
bootstrap_admin "$admin" "$out"
code=$("$admin" --pg "$pg_url" --user "$admin_user" enroll-code --hall "故障测试大厅")
"$kiosk" --data-dir "$data" --enroll "http://127.0.0.1:$proxy_port" "$code" >"$out/enroll.log"
kiosk_code=$(sed -n "s/.*kiosk code \(.*\)/\1/p" "$out/enroll.log")

# The kiosk, browsing; its sync engine talks to the server through the proxy.
"$kiosk" --headless --data-dir "$data" --script "$repo/tests/faults/browse.script" --sync-interval-seconds 1 \
  >/dev/null 2>"$out/kiosk.log" &
kiosk_pid=$!
for _ in $(seq 1 300); do grep -q "^ready:" "$out/kiosk.log" && break; sleep 0.1; done

# Chaos, and the submissions spread over it. The kiosk's sync engine runs a cycle every
# second when quiet (--sync-interval-seconds 1), since nothing wakes it from the
# submitter's process; after a failure it backs off as it would in a hall.
kill -USR1 "$proxy_pid"
chaos_started=$(now_ms)
"$submitter" --data-dir "$data" --draft "$repo/tests/faults/youdai_draft.json" --count "$count" \
  --every-ms $((chaos_s * 1000 / count)) --journal "$journal" --visit-every 4 >"$out/submit.log" 2>&1
while (($(now_ms) - chaos_started < chaos_s * 1000)); do sleep 0.2; done
kill -0 "$kiosk_pid" 2>/dev/null || { echo "chaos: the kiosk died during chaos" >&2; cat "$out/kiosk.log" >&2; exit 1; }

# Recovery: how long until the server holds every acknowledged application?
kill -USR2 "$proxy_pid"
recovered=$(now_ms)
touch "$journal"
acked=$(sort -u "$journal" | wc -l)
on_server=0 drained=0
while (($(now_ms) - recovered < 600000)); do
  on_server=$(psql_q "SELECT count(*) FROM applications;")
  if ((on_server >= acked)) &&
     [[ $(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE delivered_at_ms IS NULL;" 2>/dev/null || echo x) == 0 ]]; then
    drained=1
    break
  fi
  sleep 0.5
done
drain_ms=$(($(now_ms) - recovered))

# SIGTERM makes the kiosk print its frame report; its EGL/llvmpipe teardown can then
# take minutes on a busy machine (seen here: 170 s inside Window::~Window), which is
# not what this test measures, so after the report it is killed.
kill -TERM "$kiosk_pid"
for _ in $(seq 1 200); do grep -q "^frames:" "$out/kiosk.log" && break; sleep 0.05; done
sleep 1
kill -KILL "$kiosk_pid" 2>/dev/null || true
wait "$kiosk_pid" 2>/dev/null || true
kiosk_pid=""
kill -TERM "$proxy_pid"
wait "$proxy_pid" || true
proxy_pid=""

sort -u "$journal" >"$out/acked.txt"
sqlite3 "$db" "SELECT uuid FROM applications;" | sort >"$out/local_uuid.txt"
psql_q "SELECT app_number FROM applications;" | sort >"$out/server.txt"
psql_q "SELECT uuid FROM applications;" | sort >"$out/server_uuid.txt"
lost=$(comm -23 "$out/acked.txt" "$out/server.txt" | wc -l)
duplicated=$(($(uniq -d "$out/server.txt" | wc -l) + $(uniq -d "$out/server_uuid.txt" | wc -l) +
              $(comm -13 "$out/local_uuid.txt" "$out/server_uuid.txt" | wc -l)))
server_count=$(wc -l <"$out/server.txt")
check_visits "$db" "$out"
gap_line=$(grep "^frames:" "$out/kiosk.log" || echo "frames: no report")
# Stalls: the kiosk logs each long gap as it happens ("frame gap: X ms before frame N
# (screen S; UI thread CPU C ms, V/I switches)") and the longest in its exit report. A gap
# over stall_gap_ms with under stall_cpu_ms of UI CPU is a stall unless the switches say
# the machine took the core away (involuntary > voluntary: busy, not blocked). No exit
# report at all means the UI thread did not get round to SIGTERM within 10 s: a stall too.
stall_gap_ms=100 stall_cpu_ms=20
stalls=$({
  sed -n 's/^frame gap: \([0-9.]*\) ms .*UI thread CPU \([0-9.]*\) ms, \([0-9]*\)\/\([0-9]*\) switches.*/\1 \2 \3 \4/p' "$out/kiosk.log"
  sed -n 's/^frames: .*longest gap between frames \([0-9.]*\) ms .*UI thread CPU \([0-9.]*\) ms, \([0-9]*\) voluntary \/ \([0-9]*\) involuntary.*/\1 \2 \3 \4/p' "$out/kiosk.log"
} | awk -v gap="$stall_gap_ms" -v cpu="$stall_cpu_ms" '$1 > gap && $2 < cpu && $4 <= $3 { n++ } END { print n + 0 }')
[[ $gap_line == "frames: no report" ]] && stalls=$((stalls + 1))
fates=$(grep "network recovered" "$out/proxy.log" | sed 's/.*requests so far: //' | tail -1)
# The kiosk's own sync statistics are in its log; the engine's errors are expected here.
echo "network-chaos: submissions $count, acknowledged $acked, on server $server_count, lost $lost," \
     "duplicated $duplicated, visits $visits (broken: $visits_broken_local on the kiosk," \
     "$visits_broken_server on the server, checked $visits_check), drain after recovery $([[ $drained -eq 1 ]] && echo "$((drain_ms / 1000)).$((drain_ms % 1000 / 100)) s" || echo "NOT within 600 s")," \
     "chaos ${chaos_s} s (proxy: $fates); kiosk ${kiosk_code:-?} ${gap_line#frames: };" \
     "stalls (gaps over $stall_gap_ms ms with under $stall_cpu_ms ms of UI CPU) $stalls" | tee "$out/summary.txt"
if [[ $stalls -ne 0 ]]; then
  echo "chaos: the UI thread stalled:" >&2
  grep "^frame gap:\|^frames:" "$out/kiosk.log" >&2 || true
fi
if [[ $lost -ne 0 || $duplicated -ne 0 || $drained -ne 1 || $acked -eq 0 || $stalls -ne 0 ||
      $visits -eq 0 || $visits_broken_local -ne 0 || $visits_broken_server -ne 0 ]]; then
  echo "chaos: FAIL (logs in $out)" >&2
  exit 1
fi
