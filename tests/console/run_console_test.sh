#!/usr/bin/env bash
# The office console's browser tests (issue 12 item 5): a throwaway PostgreSQL, the real
# yimen-server (with the shipped catalog), office accounts and halls made with the real
# yimen-admin, a kiosk enrolled with the real yimen-kiosk, then console_test.js drives
# Debian's chromium (puppeteer-core, tests/console/package-lock.json) against it.
#   main: applications queued by yimen-fault-submit and synced with --sync-once; the
#         browser runs its "main" phase; the server restarts with a 3 s idle limit and
#         the browser runs "restart" (the key locked until unlocked, a session timing out).
#   catalog: a kiosk starts a form, the catalog changes (yimen-admin publish-catalog), the
#         form is submitted under the old version and the next resident sees the new
#         低保 figure (catalog_mid_application.script); then catalog_test.js uploads a
#         broken and a changed catalog, reads the diff and publishes; --sync-once; the
#         details screen and the self-check show the published figure.
#   e2e:  a kiosk UI script submits 低保 with a photo (dibao_photo.script), --sync-once,
#         the reviewer sets 需补正 with two materials in the browser, --sync-once, and a
#         generated status-check UI script must show those two materials in Chinese.
#   stats: 5 applications in two townships, 2 decided with yimen-admin set-status; the
#         browser checks the statistics page, its exports and a township's own figures.
#   fleet: two kiosks, one silent (backdated in PostgreSQL); fleet_test.js revokes the
#         other in the browser; it keeps its outbox and its UI script shows the state.
#   visit: a visit of two applications and one alone, pushed sealed by a kiosk stand-in;
#         visit_test.js checks the visit section, the delivery line and the queue.
# usage: run_console_test.sh --build DIR --suite main|e2e|stats|roster|fleet|catalog|visit [--out DIR] [--screenshots DIR]
set -euo pipefail
export SDL_AUDIODRIVER=dummy
repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/tests/console
build="" suite="" out="" shots=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --suite) suite=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --screenshots) shots=$2; shift 2 ;;
    *) echo "console-test: unknown argument $1" >&2; exit 2 ;;
  esac
done
build=$(cd "$build" && pwd)
server=$build/server/yimen-server admin=$build/server/yimen-admin kiosk=$build/app/yimen-kiosk
submitter=$build/tests/faults/yimen-fault-submit
[[ -d "$here/node_modules/puppeteer-core" ]] ||
  { echo "console-test: no node_modules (run: npm ci --prefix tests/console)" >&2; exit 77; }
[[ -x /usr/bin/chromium ]] || { echo "console-test: no /usr/bin/chromium" >&2; exit 77; }
out=${out:-$build/tests/console/$suite}
rm -rf "$out"
mkdir -p "$out"
chmod o+x "$out"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  bash "$repo/scripts/pg-local.sh" stop "$out/pg" >/dev/null 2>&1 || true
}
trap cleanup EXIT
pg_url=$(bash "$repo/scripts/pg-local.sh" start "$out/pg")

# shellcheck source=tests/faults/lib.sh
source "$repo/tests/faults/lib.sh"
# start_server [FLAGS...]: yimen-server on a free loopback port (plain HTTP is allowed
# there) with the shipped catalog; sets port and server_pid.
start_server() {
  start_yimen_server "$server" "$pg_url" "$out/server.log" --catalog "$repo/assets/catalog" "$@" ||
    { echo "console-test: see above" >&2; exit 1; }
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }
start_server

# Accounts: the first admin, then a supervisor (whole county), reviewers of two
# townships, an approver, and an account to lock out. Passwords random, in files.
secret() { head -c 18 /dev/urandom | base64 | tr '+/' '-_'; }
admin_pw=$(secret)
"$admin" --pg "$pg_url" console-user add admin --role admin --scope 中山市 --bootstrap <<<"$admin_pw" >/dev/null
(umask 077 && echo "$admin_pw" >"$out/admin.password")
export YIMEN_ADMIN_PASSWORD_FILE=$out/admin.password
declare -A pw
add_user() {  # NAME ROLE SCOPE
  pw[$1]=$(secret)
  "$admin" --pg "$pg_url" --user admin console-user add "$1" --role "$2" --scope "$3" <<<"${pw[$1]}" >/dev/null
}
add_user zhuguan supervisor 中山市
add_user shaxi_chushen reviewer 沙溪镇
add_user shiqi_chushen reviewer 石岐街道
add_user shenpi approver 沙溪镇
add_user suoding reviewer 沙溪镇
add_user yibao department 医保
add_user zhujian department 住建
"$admin" --pg "$pg_url" --user admin department add 医保 >/dev/null
"$admin" --pg "$pg_url" --user admin department add 住建 >/dev/null
"$admin" --pg "$pg_url" --user admin hall set 沙溪大厅 --town 沙溪镇 >/dev/null
"$admin" --pg "$pg_url" --user admin hall set 石岐大厅 --town 石岐街道 >/dev/null

# enroll DIR HALL: a kiosk data directory enrolled at HALL.
enroll() {
  local code
  code=$("$admin" --pg "$pg_url" --user admin enroll-code --hall "$2")
  "$kiosk" --data-dir "$1" --enroll "http://127.0.0.1:$port" "$code" >>"$out/kiosk.log" 2>&1
}
sync_once() { "$kiosk" --data-dir "$1" --sync-once >>"$out/kiosk.log" 2>&1; }
passphrase="zhongshan-$(secret)"
fixture() {  # NUMBER SECOND_NUMBER OTHER_NUMBER FULL_NAME
  python3 - "$out/fixture.json" <<PY
import json, sys
pw = dict(line.split(' ', 1) for line in """$(for k in "${!pw[@]}"; do echo "$k ${pw[$k]}"; done)""".splitlines())
json.dump({
  "base": "http://127.0.0.1:$port", "screenshots": "$shots" or "$out/screenshots",
  "supervisor": {"name": "zhuguan", "password": pw["zhuguan"]},
  "reviewer": {"name": "shaxi_chushen", "password": pw["shaxi_chushen"]},
  "other_reviewer": {"name": "shiqi_chushen", "password": pw["shiqi_chushen"]},
  "approver": {"name": "shenpi", "password": pw["shenpi"]},
  "locked": {"name": "suoding", "password": pw["suoding"]},
  "department": {"name": "yibao", "scope": "医保", "password": pw["yibao"]},
  "other_department": {"name": "zhujian", "scope": "住建", "password": pw["zhujian"]},
  "notice_days": json.load(open("$repo/assets/catalog/services/dibao.json"))["public_notice_days"],
  "passphrase": "$passphrase", "number": "$1", "second_number": "$2", "other_number": "$3",
  "full_name": "$4", "idle_seconds": 3, "materials": ["hukou", "income_proof"],
}, open(sys.argv[1], "w"), ensure_ascii=False)
PY
}
browser() { (cd "$here" && node console_test.js "$1" "$out/fixture.json") 2>&1 | tee -a "$out/browser.log"; }

if [[ "$suite" == main ]]; then
  enroll "$out/shaxi" 沙溪大厅
  enroll "$out/shiqi" 石岐大厅
  "$submitter" --data-dir "$out/shaxi" --draft "$repo/tests/faults/youdai_draft.json" --count 2 \
    --journal "$out/shaxi.journal" >/dev/null
  "$submitter" --data-dir "$out/shiqi" --draft "$repo/tests/faults/youdai_draft.json" --count 1 \
    --journal "$out/shiqi.journal" >/dev/null
  sync_once "$out/shaxi"
  sync_once "$out/shiqi"
  fixture "$(sed -n 1p "$out/shaxi.journal")" "$(sed -n 2p "$out/shaxi.journal")" \
    "$(sed -n 1p "$out/shiqi.journal")" 张秀英
  status=0
  # A flood of wrong sign-ins (each waits Argon2id and its growing delay on a worker)
  # holds at most a quarter of the 8 workers: the rest get 503 busy at once, and the
  # kiosks' API keeps answering meanwhile.
  pids=()
  for i in $(seq 1 12); do
    curl -s -o /dev/null -w "%{http_code}\n" -H 'Content-Type: application/json' \
      -d "{\"name\":\"flood$i\",\"password\":\"not-the-password\"}" \
      "http://127.0.0.1:$port/api/office/v1/session" >"$out/flood.$i" &
    pids+=($!)
  done
  sleep 0.3
  healthz=$(curl -s -o /dev/null -w "%{time_total}" "http://127.0.0.1:$port/healthz")
  wait "${pids[@]}"
  busy=$(cat "$out"/flood.* | grep -c '^503$' || true)
  refused=$(cat "$out"/flood.* | grep -c '^401$' || true)
  echo "console-test: 12 wrong sign-ins at once: $refused refused (401), $busy busy (503); /healthz meanwhile in ${healthz} s"
  [[ "$busy" -ge 1 && $((busy + refused)) -eq 12 ]] || { echo "FAIL sign-ins are not bounded" >&2; status=1; }
  browser main || status=1
  # A restart: the unlocked secrets were only in the old process's memory.
  stop_server
  start_server --console-idle-seconds 3
  sed -i "s|127.0.0.1:[0-9]*\"|127.0.0.1:$port\"|" "$out/fixture.json"
  browser restart || status=1
  unprotected=$(psql "$pg_url" -Atq -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'sealing_keys' AND column_name = 'secret_key'")
  hashes=$(psql "$pg_url" -Atq -c "SELECT count(*) FROM console_sessions WHERE length(token_hash) = 64")
  echo "console-test: plaintext key column left: $unprotected; sessions stored as hashes: $hashes"
  [[ "$unprotected" == 0 ]] || status=1
  exit $status
fi

if [[ "$suite" == e2e ]]; then
  data=$out/kiosk
  enroll "$data" 沙溪大厅
  "$build/tests/media/yimen-photo-fixtures" "$out/import" >/dev/null
  LD_PRELOAD="$build/tests/media/libyimen_fake_v4l2.so" \
    "$kiosk" --headless --data-dir "$data" --script "$here/dibao_photo.script" \
    --screenshots "$out/kiosk_shots" --import-dir "$out/import" --camera /dev/video-fake \
    >>"$out/kiosk.log" 2>&1 || { echo "console-test: the kiosk script failed" >&2; tail -20 "$out/kiosk.log" >&2; exit 1; }
  number=$(sqlite3 "$data/yimen.db" "SELECT app_number FROM applications LIMIT 1;")
  sync_once "$data"
  fixture "$number" "" "" 欧阳燚
  status=0
  browser e2e || status=1
  sync_once "$data"
  # The resident's status look-up at the kiosk: number + the last six of the ID
  # (442000196503121236 → 121236).
  cat >"$out/status.script" <<EOS
expect 查询办理进度
tap home:status
expect 受理编号
type $number
tap s:id_tail
tap key:1
tap key:2
tap key:1
tap key:2
tap key:3
tap key:6
tap status:lookup
expect 办理进度
expect 需补正
expect 户口簿
expect 收入证明
screenshot status_needs_materials
tap status:done
EOS
  "$kiosk" --headless --data-dir "$data" --script "$out/status.script" \
    --screenshots "$out/kiosk_status" >>"$out/kiosk.log" 2>&1 || {
    echo "console-test: the kiosk's status look-up does not show the two materials" >&2
    tail -20 "$out/kiosk.log" >&2; status=1; }
  [[ $status == 0 ]] && echo "console-test e2e: kiosk → server → console 需补正 → kiosk status shows 户口簿, 收入证明"
  # The same application on through 转办 and 公示 (console_test.js "flow").
  browser flow || status=1
  kiosk_shot=$(ls "$out"/kiosk_status/*status_needs_materials.png 2>/dev/null | head -n 1)
  if [[ -n "$shots" && -n "$kiosk_shot" ]]; then cp "$kiosk_shot" "$shots/console_kiosk_status.png"; fi
  exit $status
fi
if [[ "$suite" == stats ]]; then
  # Statistics (docs/console.md "Statistics"): 3 applications at 沙溪大厅 and 2 at 石岐大厅
  # through real kiosks; at 沙溪 one is approved (880 yuan), one refused, one left
  # 已送达 — by the real yimen-admin set-status as the reviewer and the approver
  # (the two-person rule holds). The browser checks the figures that makes.
  enroll "$out/shaxi" 沙溪大厅
  enroll "$out/shiqi" 石岐大厅
  "$submitter" --data-dir "$out/shaxi" --draft "$repo/tests/faults/youdai_draft.json" --count 3 \
    --journal "$out/shaxi.journal" >/dev/null
  "$submitter" --data-dir "$out/shiqi" --draft "$repo/tests/faults/youdai_draft.json" --count 2 \
    --journal "$out/shiqi.journal" >/dev/null
  sync_once "$out/shaxi"
  sync_once "$out/shiqi"
  as_user() {  # NAME ARGS...: yimen-admin as that office account
    local name=$1; shift
    (umask 077 && echo "${pw[$name]}" >"$out/$name.password")
    YIMEN_ADMIN_PASSWORD_FILE=$out/$name.password "$admin" --pg "$pg_url" --user "$name" "$@" >/dev/null
  }
  first=$(sed -n 1p "$out/shaxi.journal") second=$(sed -n 2p "$out/shaxi.journal")
  for n in "$first" "$second"; do
    as_user shaxi_chushen set-status "$n" accept --catalog "$repo/assets/catalog"
    as_user shaxi_chushen set-status "$n" preliminary_pass --catalog "$repo/assets/catalog"
  done
  as_user shenpi set-status "$first" approve --amount 880 --start-month 2027-01 --catalog "$repo/assets/catalog"
  as_user shenpi set-status "$second" refuse --reason 不符合条件 --catalog "$repo/assets/catalog"
  fixture "$first" "$second" "$(sed -n 1p "$out/shiqi.journal")" 张秀英
  (cd "$here" && node stats_test.js "$out/fixture.json") 2>&1 | tee -a "$out/browser.log"
  exit "${PIPESTATUS[0]}"
fi
# The subsidy roster (issue 13): two 低保 applications from the 沙溪 kiosk go through the
# real workflow with yimen-admin (受理, 初审通过 by the reviewer; 批准 by the approver); the
# first is made final after its 公示 (its end date moved to the past, as days later), the
# second stays 公示中. roster_test.js: the supervisor previews 沙溪镇 for this month (one
# person), downloads XLSX and CSV; a reviewer has no roster.
if [[ "$suite" == roster ]]; then
  enroll "$out/shaxi" 沙溪大厅
  "$submitter" --data-dir "$out/shaxi" --draft "$here/roster_draft.json" --service dibao --count 2 \
    --journal "$out/shaxi.journal" >/dev/null
  sync_once "$out/shaxi"
  first=$(sed -n 1p "$out/shaxi.journal") second=$(sed -n 2p "$out/shaxi.journal")
  month=$(TZ=Asia/Shanghai date +%Y-%m)
  as_user() {  # NAME ARGS...: yimen-admin signed in as NAME (password on stdin)
    local name=$1; shift
    YIMEN_ADMIN_PASSWORD_FILE='' YIMEN_CATALOG_DIR="$repo/assets/catalog" \
      "$admin" --pg "$pg_url" --user "$name" "$@" <<<"${pw[$name]}" >>"$out/admin.log"
  }
  for n in "$first" "$second"; do
    as_user shaxi_chushen set-status "$n" accept
    as_user shaxi_chushen set-status "$n" preliminary_pass
    as_user shenpi set-status "$n" approve --amount 1225 --start-month "$month"
  done
  psql "$pg_url" -Atq -c "UPDATE applications SET notice_until = current_date - 2 WHERE app_number = '$first'"
  as_user shenpi set-status "$first" finalize
  fixture "$first" "$second" "" ""
  status=0
  (cd "$here" && ROSTER_MONTH=$month CHECK_XLSX="$repo/tests/server/check_xlsx.py" DOWNLOADS="$out/downloads" \
    node roster_test.js "$out/fixture.json") 2>&1 | tee -a "$out/browser.log" || status=1
  exports=$(psql "$pg_url" -Atq -c "SELECT count(*) FROM roster_exports WHERE actor = 'zhuguan' AND row_count = 1")
  echo "console-test roster: $exports audited exports of one row"
  [[ "$exports" == 2 ]] || { echo "FAIL expected two audited exports" >&2; status=1; }
  exit $status
fi
if [[ "$suite" == fleet ]]; then
  # Two kiosks report once; the 石岐 one then falls silent (its heartbeat backdated 3
  # hours in PostgreSQL); the 沙溪 one holds one undelivered application when the
  # supervisor revokes it in the browser. Afterwards the revoked kiosk syncs (refused,
  # outbox kept) and its UI script shows the revoked state to residents and staff.
  enroll "$out/live" 沙溪大厅
  enroll "$out/silent" 石岐大厅
  "$kiosk" --data-dir "$out/live" --add-staff wangli --pin 24681357 >>"$out/kiosk.log" 2>&1
  sync_once "$out/live"
  sync_once "$out/silent"
  psql "$pg_url" -Atq -c "UPDATE devices SET last_heartbeat_at = now() - interval '3 hours' WHERE hall = '石岐大厅'"
  "$submitter" --data-dir "$out/live" --draft "$repo/tests/faults/youdai_draft.json" --count 1 \
    --journal "$out/live.journal" >/dev/null
  number=$(sed -n 1p "$out/live.journal")
  live_id=$(psql "$pg_url" -Atq -c "SELECT id FROM devices WHERE hall = '沙溪大厅'")
  silent_id=$(psql "$pg_url" -Atq -c "SELECT id FROM devices WHERE hall = '石岐大厅'")
  key_id=$(psql "$pg_url" -Atq -c "SELECT sealing_key_id FROM devices WHERE id = $live_id")
  python3 - "$out/fixture.json" <<PY
import json, sys
json.dump({"base": "http://127.0.0.1:$port", "screenshots": "$shots" or "$out/screenshots",
           "supervisor": {"name": "zhuguan", "password": "${pw[zhuguan]}"},
           "reviewer": {"name": "shaxi_chushen", "password": "${pw[shaxi_chushen]}"},
           "live_id": $live_id, "silent_id": $silent_id, "key_id": "$key_id"},
          open(sys.argv[1], "w"), ensure_ascii=False)
PY
  status=0
  (cd "$here" && node fleet_test.js "$out/fixture.json") 2>&1 | tee -a "$out/browser.log" || status=1
  outbox_before=$(sqlite3 "$out/live/yimen.db" "SELECT count(*) FROM outbox WHERE delivered_at_ms IS NULL")
  sync_once "$out/live" || true
  outbox_after=$(sqlite3 "$out/live/yimen.db" "SELECT count(*) FROM outbox WHERE delivered_at_ms IS NULL")
  on_server=$(psql "$pg_url" -Atq -c "SELECT count(*) FROM applications WHERE app_number = '$number'")
  revoked_log=$(grep -c 'device_revoked' "$out/server.log" || true)
  echo "console-test fleet: undelivered on the revoked kiosk before/after its sync: $outbox_before/$outbox_after; on the server: $on_server; device_revoked replies logged: $revoked_log"
  [[ "$outbox_before" == 1 && "$outbox_after" == 1 && "$on_server" == 0 && "$revoked_log" -ge 1 ]] || {
    echo "FAIL the revoked kiosk's outbox or the server's refusal" >&2; status=1; }
  "$kiosk" --headless --data-dir "$out/live" --script "$repo/tests/ui/staff_revoked.script" \
    --screenshots "$out/kiosk_shots" >>"$out/kiosk.log" 2>&1 || {
    echo "console-test: the revoked kiosk's UI script failed" >&2; tail -20 "$out/kiosk.log" >&2; status=1; }
  for name in home_revoked staff_revoked; do
    kiosk_shot=$(ls "$out"/kiosk_shots/*"$name".png 2>/dev/null | head -n 1)
    if [[ -n "$shots" && -n "$kiosk_shot" ]]; then cp "$kiosk_shot" "$shots/console_fleet_kiosk_${name%_revoked}.png"; fi
  done
  exit $status
fi
# Several services in one visit (docs/internals/visits.md): yimen-console-visit-push
# enrolls at 沙溪大厅 and pushes 优待证 (decision by SMS) and 低保 (by post) as one visit,
# and a 优待证 alone with no choice, as an older kiosk sends. The reviewer 受理s the 低保
# and routes it to 医保 with the real yimen-admin; visit_test.js checks the visit
# section, the delivery line and the queue as the reviewer, the 医保 department (one
# application, the other counted) and another township (404).
if [[ "$suite" == visit ]]; then
  code=$("$admin" --pg "$pg_url" --user admin enroll-code --hall 沙溪大厅)
  # The roster's 低保 draft for the same resident as the 优待证 one (its name there tests
  # CSV quoting and would fail the name rule when opened).
  python3 - "$here/roster_draft.json" "$out/dibao_draft.json" <<'PY'
import json, sys
draft = json.load(open(sys.argv[1], encoding="utf-8"))
draft["values"]["name"] = "张秀英"
json.dump(draft, open(sys.argv[2], "w"), ensure_ascii=False)
PY
  "$build/tests/console/yimen-console-visit-push" --server "http://127.0.0.1:$port" --code "$code" \
    --visit "$repo/tests/faults/youdai_draft.json:sms" --visit "$out/dibao_draft.json:post" \
    --alone "$repo/tests/faults/youdai_draft.json" --out "$out/visit.txt" ||
    { echo "console-test: the visit push failed" >&2; exit 1; }
  visit=$(sed -n 1p "$out/visit.txt" | cut -d' ' -f2)
  first=$(sed -n 2p "$out/visit.txt") second=$(sed -n 3p "$out/visit.txt") alone=$(sed -n 4p "$out/visit.txt")
  as_user() {  # NAME ARGS...: yimen-admin signed in as NAME (password on stdin)
    local name=$1; shift
    YIMEN_ADMIN_PASSWORD_FILE='' YIMEN_CATALOG_DIR="$repo/assets/catalog" \
      "$admin" --pg "$pg_url" --user "$name" "$@" <<<"${pw[$name]}" >>"$out/admin.log"
  }
  as_user shaxi_chushen set-status "$second" accept
  as_user shaxi_chushen set-status "$second" route --department 医保 --due "$(date -d '+10 days' +%F)"
  # yimen-admin show prints the visit and the choice as the console does.
  YIMEN_ADMIN_PASSWORD_FILE='' YIMEN_CATALOG_DIR="$repo/assets/catalog" \
    "$admin" --pg "$pg_url" --user shaxi_chushen show "$first" --catalog "$repo/assets/catalog" \
    <<<"${pw[shaxi_chushen]}" >"$out/show.txt"
  status=0
  grep -q "^visit       $visit (2 applications)" "$out/show.txt" &&
    grep -q "^delivery    短信通知：138\*\*\*\*5678" "$out/show.txt" ||
    { echo "FAIL yimen-admin show: no visit or delivery line" >&2; head -12 "$out/show.txt" >&2; status=1; }
  python3 - "$out/fixture.json" <<PY
import json, sys
json.dump({"base": "http://127.0.0.1:$port", "screenshots": "$shots" or "$out/screenshots",
           "reviewer": {"name": "shaxi_chushen", "password": "${pw[shaxi_chushen]}"},
           "other_reviewer": {"name": "shiqi_chushen", "password": "${pw[shiqi_chushen]}"},
           "department": {"name": "yibao", "password": "${pw[yibao]}"},
           "visit": "$visit", "first": "$first", "second": "$second", "alone": "$alone"},
          open(sys.argv[1], "w"), ensure_ascii=False)
PY
  (cd "$here" && node visit_test.js "$out/fixture.json") 2>&1 | tee -a "$out/browser.log" || status=1
  exit $status
fi
if [[ "$suite" == catalog ]]; then
  data=$out/kiosk
  enroll "$data" 沙溪大厅
  today=$(TZ=Asia/Shanghai date +%F)
  # catalog_body VERSION EFFECTIVE YUAN@DATE...: the shipped catalog as one published body
  # (docs/catalog.md "Publishing") effective from EFFECTIVE, with a new city-wide 低保
  # line per YUAN@DATE; BROKEN=1 makes the last one negative.
  catalog_body() {
    python3 - "$repo/assets/catalog" "$@" <<'PY'
import json, os, sys
root, version, effective = sys.argv[1:4]
files = {}
for d, _, names in os.walk(root):
    for n in names:
        if n.endswith(".json"):
            p = os.path.join(d, n)
            files[os.path.relpath(p, root)] = json.load(open(p, encoding="utf-8"))
files["catalog.json"].update(version=version, effective_from=effective)
std = files["services/dibao.json"]["standards"]
for spec in sys.argv[4:]:
    yuan, date = spec.split("@")
    std.append(dict(std[2], amount_yuan=int(yuan), effective=date,
                    source={"zh": "市民政局通知（测试）", "en": "City bureau notice (test)"}))
if os.environ.get("BROKEN"):
    std[-1]["amount_yuan"] = -5
print(json.dumps({"files": files}, ensure_ascii=False))
PY
  }
  catalog_body 2026.12.1 2026-12-01 1300@2026-12-01 >"$out/v1300.json"
  catalog_body 2026.12.2 "$today" 1300@2026-12-01 "1350@$today" >"$out/v1350.json"
  BROKEN=1 catalog_body 2026.12.9 "$today" 1300@2026-12-01 "1350@$today" >"$out/broken.json"
  status=0

  # 1. Mid-application: the kiosk runs with a sync every second; 2026.12.1 is published
  # once its form has started.
  "$kiosk" --headless --data-dir "$data" --sync-interval-seconds 1 \
    --script "$here/catalog_mid_application.script" --screenshots "$out/kiosk_mid" \
    >>"$out/kiosk.log" 2>&1 &
  kiosk_pid=$!
  for _ in $(seq 1 600); do
    ls "$out"/kiosk_mid/*draft_started.png >/dev/null 2>&1 && break
    kill -0 "$kiosk_pid" 2>/dev/null || break
    sleep 0.1
  done
  "$admin" --pg "$pg_url" --user admin publish-catalog "$out/v1300.json"
  if ! wait "$kiosk_pid"; then
    echo "console-test: the mid-application kiosk script failed" >&2; tail -20 "$out/kiosk.log" >&2; status=1
  fi
  grep "catalog:" "$out/kiosk.log" || true
  sync_once "$data"
  versions=$(psql "$pg_url" -Atq -c "SELECT string_agg(catalog_version, ',' ORDER BY id) FROM applications")
  echo "console-test catalog: applications recorded catalog versions: $versions"
  [[ "$versions" == "2026.11.2,2026.12.1" ]] ||
    { echo "FAIL the form started before the change must record 2026.11.2, the next 2026.12.1" >&2; status=1; }

  # 2. The console: broken upload, changed upload, diff, publish (catalog_test.js).
  python3 - "$out/fixture.json" <<PY
import json, sys
json.dump({"base": "http://127.0.0.1:$port", "screenshots": "$shots" or "$out/screenshots",
           "supervisor": {"name": "zhuguan", "password": "${pw[zhuguan]}"},
           "reviewer": {"name": "shaxi_chushen", "password": "${pw[shaxi_chushen]}"},
           "broken_file": "$out/broken.json", "changed_file": "$out/v1350.json",
           "changed_version": "2026.12.2", "today": "$today"}, open(sys.argv[1], "w"), ensure_ascii=False)
PY
  (cd "$here" && node catalog_test.js "$out/fixture.json") 2>&1 | tee -a "$out/browser.log" || status=1
  audit=$(psql "$pg_url" -Atq -c "SELECT string_agg(action || ':' || version || ':' || actor, ' ' ORDER BY id) FROM catalog_audit")
  echo "console-test catalog: audit: $audit"

  # 3. The kiosk pulls what the console published and shows it.
  "$kiosk" --data-dir "$data" --sync-once 2>&1 | tee -a "$out/kiosk.log" | grep "catalog" || true
  cat >"$out/after_publish.script" <<'EOS'
tap 我要申请
tap dibao
expect 1350
expect_not 1300
screenshot dibao_details_published
tap check_eligibility
tap e:area=urban
tap_contains 家里一起生活的有几口人
type 3
tap 填好了
tap_contains 全家每个月的收入
type 2400
tap 填好了
tap e:has_car=no
tap e:has_extra_house=no
tap e:special_member=no
tap eligibility:check
expect 1350
screenshot dibao_eligibility_published
EOS
  "$kiosk" --headless --data-dir "$data" --script "$out/after_publish.script" \
    --screenshots "$out/kiosk_after" >>"$out/kiosk.log" 2>&1 ||
    { echo "FAIL the kiosk does not show the published 1350 after --sync-once" >&2; tail -20 "$out/kiosk.log" >&2; status=1; }
  if [[ -n "$shots" ]]; then
    for name in dibao_details_published dibao_eligibility_published; do
      shot=$(ls "$out"/kiosk_after/*"$name".png 2>/dev/null | head -n 1)
      [[ -n "$shot" ]] && cp "$shot" "$shots/console_catalog_kiosk_${name#dibao_}.png"
    done
  fi
  [[ $status == 0 ]] && echo "console-test catalog: publish → --sync-once → the kiosk shows 1350; a started form kept its version"
  exit $status
fi
echo "console-test: --suite main|e2e|stats|roster|fleet|catalog" >&2
exit 2
