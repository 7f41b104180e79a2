#!/usr/bin/env bash
# Runs every benchmark and prints ONE table: each figure next to its goal and, where
# there is one, its baseline measured in the same run (headless Chromium on an
# equivalent form page, a raw SQLite commit, a raw PostgreSQL insert). What each row
# measures and how: docs/benchmarks.md. Benchmarks print; nothing here fails on a time.
#
#   scripts/bench.sh [--quick] [--json FILE] [--build-dir DIR] [--keep-logs]
#     --quick      the smoke sizes (a minute or two instead of ~10)
#     --json FILE  also write the table (and every raw figure) as JSON
#     --build-dir  where to build (default build/dev; Release, ccache if present)
#
# Installs Debian's chromium (and python3) with apt when missing — on purpose here and
# not in scripts/test.sh, which must not pull a browser into CI.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
quick=0
json_out=""
build_dir="$repo_root/build/dev"
keep_logs=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --json) json_out=$(realpath -m "$2"); shift ;;
    --build-dir) build_dir=$(realpath -m "$2"); shift ;;
    --keep-logs) keep_logs=1 ;;
    *) sed -n '2,13p' "$0" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "bench.sh: $*" >&2; }

# ---- tools: the browser baseline and the table renderer ----
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v python3 >/dev/null || missing+=(python3)
if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing ${missing[*]} (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- build only what the benchmarks run ----
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
cmake -S "$repo_root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target yimen-kiosk yimen-seed yimen-server yimen-fleet \
  bench_kiosk bench_ime bench_voice bench_drain bench_staff_list bench_submit bench_queue \
  bench_console bench_roster bench_stats bench_idcard yimen-admin yimen-phone-kiosk >/dev/null

logs=$(mktemp -d /tmp/yimen-bench-XXXXXX)
chmod 755 "$logs"  # PostgreSQL (user postgres) keeps its cluster in here
pg_dir="$logs/pg"
cleanup() {
  bash "$repo_root/scripts/pg-local.sh" stop "$pg_dir" >/dev/null 2>&1 || true
  if [[ $keep_logs -eq 1 ]]; then log "logs kept in $logs"; else rm -rf "$logs"; fi
}
trap cleanup EXIT
# One cluster for the drain and the fleet, started once.
bash "$repo_root/scripts/pg-local.sh" start "$pg_dir" >/dev/null
export YIMEN_TEST_PG_DIR="$pg_dir"

q=()
[[ $quick -eq 1 ]] && q=(--quick)
b="$build_dir/tests/bench"
# run NAME COMMAND...: output to $logs/NAME.txt and the terminal; a failed benchmark
# leaves its rows empty in the table instead of stopping the others.
run() {
  local name=$1; shift
  log "running $name"
  if ! "$@" >"$logs/$name.txt" 2>"$logs/$name.err"; then
    log "$name failed (exit $?); see its output below"
    tail -5 "$logs/$name.err" >&2 || true
  fi
  sed 's/^/    /' "$logs/$name.txt" >&2
}

run kiosk "$b/bench_kiosk" "$build_dir/app/yimen-kiosk" "${q[@]}"
run staff_list "$b/bench_staff_list" "$build_dir/app/yimen-kiosk" "$build_dir/tests/store/yimen-seed" "${q[@]}"
run submit "$b/bench_submit" "${q[@]}"
run drain "$b/bench_drain" "${q[@]}"
run queue "$b/bench_queue" "${q[@]}"
run console "$b/bench_console" "${q[@]}"
run roster "$b/bench_roster" "${q[@]}"
run stats "$b/bench_stats" "${q[@]}"
if [[ $quick -eq 1 ]]; then
  run fleet "$build_dir/tools/fleet/yimen-fleet" --quick --storm --json "$logs/fleet.json"
  run fleet_backlog "$build_dir/tools/fleet/yimen-fleet" --quick --apps-per-push 5 \
    --json "$logs/fleet_backlog.json"
  run pgbench bash "$repo_root/scripts/bench-pgbench.sh" "$pg_dir" "$build_dir/server/yimen-server" 2
  run chromium python3 "$repo_root/tests/bench/bench_chromium.py" --runs 2 --idle-s 3 --json "$logs/chromium.json"
else
  run fleet "$build_dir/tools/fleet/yimen-fleet" --kiosks 1000 --pushes 5 --connections 12 \
    --storm --json "$logs/fleet.json"
  # A kiosk with a backlog sends its queue in one push: 5 applications per push.
  run fleet_backlog "$build_dir/tools/fleet/yimen-fleet" --kiosks 1000 --pushes 2 \
    --apps-per-push 5 --connections 12 --json "$logs/fleet_backlog.json"
  run pgbench bash "$repo_root/scripts/bench-pgbench.sh" "$pg_dir" "$build_dir/server/yimen-server" 5
  run chromium python3 "$repo_root/tests/bench/bench_chromium.py" --runs 5 --idle-s 10 --json "$logs/chromium.json"
fi
run ime "$b/bench_ime" "${q[@]}"
run voice "$b/bench_voice" "${q[@]}"
run idcard "$b/bench_idcard" "${q[@]}"
# Photos from a phone on DevTools' "Slow 4G": the whole path (Debian's chromium on the
# real page → the real server → the kiosk's page) beside the page alone and the same
# two original files sent as they are on the same emulated link (tests/phone).
if [[ ! -d "$repo_root/tests/phone/node_modules/puppeteer-core" ]]; then
  (cd "$repo_root/tests/phone" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) >/dev/null
fi
YIMEN_PHONE_SLOW4G=1 run phone_e2e bash "$repo_root/tests/ui/run_phone_script.sh" \
  "$build_dir/app/yimen-kiosk" "$repo_root/tests/ui/phone_dibao.script" "$logs/phone_e2e"
run phone_page bash "$repo_root/tests/phone/run_phone_test.sh" --build "$build_dir" --out "$logs/phone_page"
# One household, 低保 + 医疗救助 + 临时救助: the script runner's input count of one visit
# beside three separate applications (issue 14 item 8, docs/benchmarks.md).
run visit_input bash "$repo_root/tests/ui/run_ui_script.sh" "$build_dir/app/yimen-kiosk" \
  "$repo_root/tests/ui/visit_three_services.script" "$logs/visit_input" 3
run separate_input bash "$repo_root/tests/ui/run_ui_script.sh" "$build_dir/app/yimen-kiosk" \
  "$repo_root/tests/ui/visit_separate_baseline.script" "$logs/separate_input" 3

# ---- one table ----
LOGS="$logs" JSON_OUT="$json_out" QUICK="$quick" LOAD="$(cut -d' ' -f1-3 /proc/loadavg)" \
  CORES="$(nproc)" python3 - <<'PY'
import json, os, re

logs = os.environ["LOGS"]

def text(name):
    try:
        with open(os.path.join(logs, name + ".txt")) as f:
            return f.read()
    except OSError:
        return ""

def jload(name):
    try:
        with open(os.path.join(logs, name + ".json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}

def num(pattern, source, group=1):
    m = re.search(pattern, source)
    return float(m.group(group)) if m else None

kiosk, staff, submit, drain = text("kiosk"), text("staff_list"), text("submit"), text("drain")
queue = text("queue")
queue_seeded = num(r"bench_queue: (\d+) applications", queue)
queue_p99s = [float(x) for x in re.findall(r"QueryQueue p50 +[\d.]+ ms +p99 +([\d.]+) ms", queue)]
queue_raw_p99s = [float(x) for x in re.findall(r"raw SELECT\+count p50 +[\d.]+ ms +p99 +([\d.]+) ms", queue)]
queue_p99 = max(queue_p99s) if queue_p99s else None
queue_raw_p99 = max(queue_raw_p99s) if queue_raw_p99s else None
console = text("console")
console_seeded = num(r"bench_console: (\d+) applications", console)
def worst(pattern, source):
    found = [float(x) for x in re.findall(pattern, source)]
    return max(found) if found else None
queue_page_p99 = worst(r"queue: [^|]*?p50 +[\d.]+ ms +p99 +([\d.]+) ms", console)
queue_page_raw_p99 = worst(r"raw SELECT\+count p50 +[\d.]+ ms +p99 +([\d.]+) ms", console)
app_page_p99 = num(r"application page +p50 +[\d.]+ ms +p99 +([\d.]+) ms", console)
app_open_p99 = num(r"OpenApplication p50 +[\d.]+ ms +p99 +([\d.]+) ms", console)
app_raw_p99 = num(r"raw unseal\+parse +p50 +[\d.]+ ms +p99 +([\d.]+) ms", console)
roster = text("roster")
roster_rows = num(r"roster export (\d+) rows", roster)
roster_xlsx = num(r"roster export \d+ rows: xlsx ([\d.]+) s", roster)
roster_raw = num(r"raw floor ([\d.]+) s", roster)
roster_cpu = num(r"ExportRoster xlsx +[\d.]+ s wall +([\d.]+) s CPU", roster)
stats = text("stats")
stats_seeded = num(r"bench_stats: (\d+) applications", stats)
stats_page_p99 = num(r"year page \(county\) +p50 +[\d.]+ ms +p99 +([\d.]+) ms", stats)
stats_page_p50 = num(r"year page \(county\) +p50 +([\d.]+) ms", stats)
stats_raw_p99 = num(r"raw GROUP BY p50 +[\d.]+ ms +p99 +([\d.]+) ms", stats)
ime, voice = text("ime"), text("voice")
idcard = text("idcard")
phone_e2e, phone_page = text("phone_e2e"), text("phone_page")
phone_kiosk_ms = num(r"phone e2e \(Slow 4G[^)]*\): \d+ photo\(s\) chosen on the phone -> on the kiosk's page: (\d+) ms", phone_e2e)
phone_sent_ms = num(r"measure: two photos .*?chosen -> both uploaded (\d+) ms", phone_page)
phone_plain_ms = num(r"measure: baseline, the two originals sent as they are: (\d+) ms", phone_page)
card_read_p99 = num(r"idcard read at 115200 baud .*?p99=([\d.]+) ms", idcard)
card_fill_p50 = num(r"idcard card placed -> fields filled .*?p50=([\d.]+) ms", idcard)
card_fill_p99 = num(r"idcard card placed -> fields filled .*?p99=([\d.]+) ms", idcard)
card_poll = num(r"idcard card placed -> fields filled \(poll every (\d+) ms", idcard)
fleet, chrome = jload("fleet"), jload("chromium")
backlog, pgbench = jload("fleet_backlog"), text("pgbench")
pgb_push_tps = num(r"pgbench push statements: (\d+) tx/s", pgbench)
pgb_push_cpu = num(r"pgbench push statements: .*?([\d.]+) ms PostgreSQL CPU", pgbench)
pgb_insert_tps = num(r"pgbench one-row INSERT: (\d+) tx/s", pgbench)
pgb_insert_cpu = num(r"pgbench one-row INSERT: .*?([\d.]+) ms PostgreSQL CPU", pgbench)

start = num(r"start to first frame, median of \d+: (\d+) ms", kiosk)
pss = num(r"PSS ([\d.]+) MB", kiosk)
idle = num(r"CPU while idle for \d+ s: ([\d.]+) %", kiosk)
form_cpu = num(r"form screen .*?ui_cpu_p99_us=(\d+)", kiosk)
form_wall = num(r"form screen .*?frame_wall_p99_us=(\d+)", kiosk)
glide_cpu = num(r"gliding after a flick\s+bench_frames:.*?ui_cpu_p99_us=(\d+)", staff)
glide_wall = num(r"gliding after a flick\s+bench_frames:.*?frame_wall_p99_us=(\d+)", staff)
rows_seeded = num(r"staff list benchmark: (\d+) applications", staff)
submit_p99 = num(r"Store::Submit.*?p99 ([\d.]+) ms", submit)
raw_p99 = num(r"raw INSERT \+ COMMIT.*?p99 ([\d.]+) ms", submit)
drain_rate = num(r"whole path.*?= (\d+) applications/s", drain)
raw_pg = num(r"raw batched INSERT.*?= (\d+) rows/s", drain)
pinyin_p99 = num(r"key → candidates p50 [\d.]+ ms, p99 ([\d.]+) ms", ime)
hw_p99 = num(r"stroke → candidates p50 [\d.]+ ms, p99 ([\d.]+) ms", ime)
voice_p99 = num(r"start latency, every UI string: p50 [\d.]+ ms, p99 ([\d.]+) ms", voice)
c_start = chrome.get("start_to_screenshot_ms")
c_pss = chrome.get("pss_mb")
c_idle = chrome.get("idle_cpu_pct")
storm_off = fleet.get("storm_no_jitter", {})
storm_on = fleet.get("storm_jitter", {})

def f(v, fmt="{:.1f}"):
    return "—" if v is None else fmt.format(v)

def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b

rows = []
def row(name, ours, unit, baseline, goal, ratio_text, meets):
    rows.append({"measure": name, "yimen": ours, "unit": unit, "baseline": baseline,
                 "goal": goal, "ratio": ratio_text,
                 "verdict": "—" if meets is None else ("meets" if meets else "MISSES")})

def both(*conds):
    return None if any(c is None for c in conds) else all(conds)

r_start_c = ratio(c_start, start)
row("Cold start: spawn → first frame", f(start, "{:.0f}"), "ms",
    f"Chromium {f(c_start, '{:.0f}')} ms (spawn → screenshot)", "≤ 250 ms and ≥ 5× faster",
    f"{f(ratio(start, 250), '{:.2f}')}× goal; Chromium/ours {f(r_start_c, '{:.1f}')}×",
    both(start is not None and start <= 250, r_start_c is not None and r_start_c >= 5))
r_mem = ratio(c_pss, pss)
row("Resident memory (PSS, whole tree)", f(pss), "MB",
    f"Chromium {f(c_pss)} MB over {chrome.get('processes', '—')} processes",
    "≤ 100 MB and ≥ 5× below", f"{f(ratio(pss, 100), '{:.2f}')}× goal; Chromium/ours {f(r_mem, '{:.1f}')}×",
    both(pss is not None and pss <= 100, r_mem is not None and r_mem >= 5))
row("Idle CPU (% of one core)", f(idle, "{:.2f}"), "%", f"Chromium {f(c_idle, '{:.2f}')} %",
    "≤ 0.5 %", f"{f(ratio(idle, 0.5), '{:.2f}')}× goal", None if idle is None else idle <= 0.5)
row("Frame p99, 低保 form (UI CPU / wall)",
    f"{f(None if form_cpu is None else form_cpu / 1000, '{:.2f}')} / {f(None if form_wall is None else form_wall / 1000, '{:.1f}')}",
    "ms", "—", "16.7 ms = one 60 Hz frame (reference)",
    f"{f(ratio(None if form_wall is None else form_wall / 1000, 16.7), '{:.2f}')}× (wall)", None)
row(f"Frame p99, staff list {f(rows_seeded, '{:,.0f}')} rows gliding (UI CPU / wall)",
    f"{f(None if glide_cpu is None else glide_cpu / 1000, '{:.2f}')} / {f(None if glide_wall is None else glide_wall / 1000, '{:.1f}')}",
    "ms", "—", "16.7 ms (reference)",
    f"{f(ratio(None if glide_wall is None else glide_wall / 1000, 16.7), '{:.2f}')}× (wall)", None)
r_submit = ratio(submit_p99, raw_p99)
row("Durable submit p99 (Store::Submit)", f(submit_p99, "{:.2f}"), "ms",
    f"raw SQLite INSERT+COMMIT p99 {f(raw_p99, '{:.2f}')} ms", "≤ 1.5× raw",
    f"{f(r_submit, '{:.2f}')}× raw", None if r_submit is None else r_submit <= 1.5)
r_drain = ratio(drain_rate, raw_pg)
row("Drain: outbox → server → PostgreSQL", f(drain_rate, "{:.0f}"), "apps/s",
    f"raw batched INSERT {f(raw_pg, '{:.0f}')} rows/s", "≥ 50 % of raw",
    f"{f(None if r_drain is None else 100 * r_drain, '{:.0f}')} % of raw", None if r_drain is None else r_drain >= 0.5)
row(f"Office queue page p99 at {f(queue_seeded, '{:,.0f}')} (worst of first/deep/filtered/overdue/township)",
    f(queue_p99, "{:.1f}"), "ms", f"raw SELECT + count p99 {f(queue_raw_p99, '{:.1f}')} ms (same SQL, same connection)",
    "≤ 50 ms", f"{f(ratio(queue_p99, 50), '{:.2f}')}× goal; {f(ratio(queue_p99, queue_raw_p99), '{:.2f}')}× raw",
    None if queue_p99 is None else queue_p99 <= 50)
row(f"Console queue page p99 at {f(console_seeded, '{:,.0f}')} (ServerCore::Handle, HTML + status counts; worst of first/filtered/deep/overdue)",
    f(queue_page_p99, "{:.1f}"), "ms", f"raw SELECT + count p99 {f(queue_page_raw_p99, '{:.1f}')} ms (same run)",
    "≤ 50 ms", f"{f(ratio(queue_page_p99, 50), '{:.2f}')}× goal; {f(ratio(queue_page_p99, queue_page_raw_p99), '{:.2f}')}× raw",
    None if queue_page_p99 is None else queue_page_p99 <= 50)
row("Console application page p99 (unseal + re-validate + render)", f(app_page_p99, "{:.1f}"), "ms",
    f"raw crypto_box_seal_open + JSON parse p99 {f(app_raw_p99, '{:.2f}')} ms; OpenApplication p99 {f(app_open_p99, '{:.1f}')} ms",
    "≤ 30 ms", f"{f(ratio(app_page_p99, 30), '{:.2f}')}× goal",
    None if app_page_p99 is None else app_page_p99 <= 30)
row(f"Subsidy roster export, {f(roster_rows, '{:,.0f}')} rows (XLSX: query, unseal every row, write, hash, audit)",
    f(roster_xlsx, "{:.2f}"), "s", f"raw SELECT + crypto_box_seal_open + JSON parse + raw libxlsxwriter write {f(roster_raw, '{:.2f}')} s; "
    f"export CPU {f(roster_cpu, '{:.2f}')} s", "≤ 5 s", f"{f(ratio(roster_xlsx, 5), '{:.2f}')}× goal; {f(ratio(roster_xlsx, roster_raw), '{:.2f}')}× raw",
    None if roster_xlsx is None else roster_xlsx <= 5)
row(f"Statistics page, a year of {f(stats_seeded, '{:,.0f}')} applications p99 (p50) (ServerCore::Handle, county-wide)",
    f"{f(stats_page_p99, '{:.0f}')} ({f(stats_page_p50, '{:.0f}')})", "ms",
    f"direct GROUP BY over applications p99 {f(stats_raw_p99, '{:.0f}')} ms (raw, same run; the page reads the aggregates)",
    "≤ 500 ms", f"{f(ratio(stats_page_p99, 500), '{:.2f}')}× goal; {f(ratio(stats_page_p99, stats_raw_p99), '{:.2f}')}× raw",
    None if stats_page_p99 is None else stats_page_p99 <= 500)
pps, p99 = fleet.get("pushes_per_s"), fleet.get("push_p99_ms")
row(f"Fleet: {fleet.get('kiosks', '—')} kiosks, 2 servers, pushes/s (1 application each)", f(pps, "{:.0f}"), "/s",
    f"CPU-bound ceiling {f(fleet.get('cpu_bound_pushes_per_s'), '{:.0f}')}/s", "≥ 2,000/s",
    f"{f(ratio(pps, 2000), '{:.2f}')}× goal", None if pps is None else pps >= 2000)
row("Fleet push latency p99 (p50)", f"{f(p99)} ({f(fleet.get('push_p50_ms'))})", "ms", "—",
    "≤ 50 ms", f"{f(ratio(p99, 50), '{:.2f}')}× goal", None if p99 is None else p99 <= 50)
row("Fleet: PostgreSQL CPU per push (1 application)", f(fleet.get("cpu_ms_per_push_postgres"), "{:.2f}"),
    "ms", f"pgbench, the same statements: {f(pgb_push_cpu, '{:.2f}')} ms ({f(pgb_push_tps, '{:.0f}')} tx/s); "
    f"one-row INSERT {f(pgb_insert_cpu, '{:.2f}')} ms ({f(pgb_insert_tps, '{:.0f}')} tx/s)", "—",
    f"{f(ratio(fleet.get('cpu_ms_per_push_postgres'), pgb_push_cpu), '{:.2f}')}× pgbench", None)
aps, bp99 = backlog.get("applications_per_s"), backlog.get("push_p99_ms")
row(f"Fleet, backlog ({backlog.get('apps_per_push', '—')} apps/push): applications/s (pushes/s)",
    f"{f(aps, '{:.0f}')} ({f(backlog.get('pushes_per_s'), '{:.0f}')})", "/s",
    f"CPU-bound ceiling {f(backlog.get('cpu_bound_pushes_per_s'), '{:.0f}')} apps/s", "≥ 2,000 apps/s",
    f"{f(ratio(aps, 2000), '{:.2f}')}× goal", None if aps is None else aps >= 2000)
row("Fleet, backlog: push latency p99 (p50)", f"{f(bp99)} ({f(backlog.get('push_p50_ms'))})", "ms",
    "—", "≤ 50 ms", f"{f(ratio(bp99, 50), '{:.2f}')}× goal", None if bp99 is None else bp99 <= 50)
row("Fleet, backlog: CPU per application (servers + PostgreSQL)",
    f"{f(backlog.get('cpu_ms_per_push_servers'), '{:.2f}')} + {f(backlog.get('cpu_ms_per_push_postgres'), '{:.2f}')}",
    "ms", "—", "—", "", None)
row("Fleet errors / rows stored = acknowledged",
    f"{fleet.get('push_errors', '—')} / {str(fleet.get('correct', '—')).lower()}", "", "—", "0 / true", "",
    None if not fleet else (fleet.get("push_errors") == 0 and fleet.get("correct") is True))
pk_on, pk_off = storm_on.get("peak_due_per_100ms"), storm_off.get("peak_due_per_100ms")
row("Reconnect storm: peak requests due per 100 ms", f"{f(pk_on, '{:.0f}')} with jitter", "",
    f"{f(pk_off, '{:.0f}')} without jitter", "spread (lower peak)",
    f"{f(ratio(pk_off, pk_on), '{:.1f}')}× lower peak", None if pk_on is None or pk_off is None else pk_on < pk_off)
# The goals bench_ime prints on each line ("goal p99 <= 5 ms").
pinyin_goal = num(r"key → candidates.*goal p99 <= ([\d.]+) ms", ime)
hw_goal = num(r"stroke → candidates.*goal p99 <= ([\d.]+) ms", ime)
row("Pinyin key → candidates p99", f(pinyin_p99, "{:.2f}"), "ms", "—",
    f"≤ {f(pinyin_goal, '{:g}')} ms", f"{f(ratio(pinyin_p99, pinyin_goal), '{:.2f}')}× goal",
    None if pinyin_p99 is None or pinyin_goal is None else pinyin_p99 <= pinyin_goal)
row("Handwriting stroke → candidates p99", f(hw_p99, "{:.2f}"), "ms", "—",
    f"≤ {f(hw_goal, '{:g}')} ms", f"{f(ratio(hw_p99, hw_goal), '{:.2f}')}× goal",
    None if hw_p99 is None or hw_goal is None else hw_p99 <= hw_goal)
row("Speech start latency p99 (every UI string)", f(voice_p99), "ms", "—", "≤ 300 ms",
    f"{f(ratio(voice_p99, 300), '{:.2f}')}× goal", None if voice_p99 is None else voice_p99 <= 300)

# The card lands at a random moment of the reader's poll: the wait for the next poll
# (up to one interval) plus one read is the floor; the goal is that floor.
card_goal = None if card_poll is None or card_read_p99 is None else card_poll + card_read_p99
row("ID card placed → fields filled p99 (p50) (simulated reader on a pty, 115200 baud)",
    f"{f(card_fill_p99, '{:.0f}')} ({f(card_fill_p50, '{:.0f}')})", "ms",
    f"one read alone (find+select+read, 1,295 bytes) p99 {f(card_read_p99, '{:.0f}')} ms; poll every {f(card_poll, '{:.0f}')} ms",
    f"≤ poll + read p99 = {f(card_goal, '{:.0f}')} ms", f"{f(ratio(card_fill_p99, card_goal), '{:.2f}')}× goal",
    None if card_fill_p99 is None or card_goal is None else card_fill_p99 <= card_goal)

row("Phone upload, two ~3 MB photos on Slow 4G: chosen on the phone → on the kiosk's page",
    f(None if phone_kiosk_ms is None else phone_kiosk_ms / 1000, "{:.1f}"), "s",
    f"the two originals sent as they are on the same link {f(None if phone_plain_ms is None else phone_plain_ms / 1000, '{:.1f}')} s; "
    f"the page alone, chosen → uploaded {f(None if phone_sent_ms is None else phone_sent_ms / 1000, '{:.1f}')} s",
    "faster than sending the originals", f"{f(ratio(phone_kiosk_ms, phone_plain_ms), '{:.2f}')}× the originals",
    None if phone_kiosk_ms is None or phone_plain_ms is None else phone_kiosk_ms < phone_plain_ms)

def input_total(name):
    m = re.search(r"input: taps=(\d+) characters=(\d+)", text(name))
    return None if not m else (int(m.group(1)), int(m.group(2)))
visit_in, separate_in = input_total("visit_input"), input_total("separate_input")
visit_sum = None if visit_in is None else sum(visit_in)
separate_sum = None if separate_in is None else sum(separate_in)
row("Input for 低保 + 医疗救助 + 临时救助, one visit (taps + characters)",
    "—" if visit_in is None else f"{visit_in[0]} + {visit_in[1]} = {visit_sum}", "",
    "—" if separate_in is None else f"three separate applications {separate_in[0]} + {separate_in[1]} = {separate_sum}",
    "≥ 50 % fewer", f"{f(None if visit_sum is None or not separate_sum else 100 * (1 - visit_sum / separate_sum), '{:.0f}')} % fewer",
    None if visit_sum is None or not separate_sum else visit_sum <= 0.5 * separate_sum)

head = ["measure", "Yimen", "baseline (same run)", "goal", "ratio", "verdict"]
cells = [[r["measure"], (r["yimen"] + " " + r["unit"]).strip(), r["baseline"], r["goal"],
          r["ratio"], r["verdict"]] for r in rows]
print(f"\nYimen benchmarks{' [quick]' if os.environ['QUICK'] == '1' else ''} — "
      f"{os.environ['CORES']} cores, load average {os.environ['LOAD']} at the end "
      "(figures on a shared machine are loaded: compare ratios within this run)\n")
print("| " + " | ".join(head) + " |")
print("|" + "|".join("---" for _ in head) + "|")
for c in cells:
    print("| " + " | ".join(c) + " |")
if os.environ["JSON_OUT"]:
    with open(os.environ["JSON_OUT"], "w") as out:
        json.dump({"rows": rows, "fleet": fleet, "fleet_backlog": backlog, "chromium": chrome,
                   "load_average": os.environ["LOAD"]}, out, indent=2, ensure_ascii=False)
PY
