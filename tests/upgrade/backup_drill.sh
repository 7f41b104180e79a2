#!/usr/bin/env bash
# Backup and restore drill (issue 19 item 7), with the commands docs/operations.md
# "Backup and restore" gives, on real kiosks, a real yimen-server and PostgreSQL.
#
# Part 1, a logical dump (pg_dump -Fc) restored into a fresh cluster:
#   two kiosks push 10 applications each (photos on one) → pg_dump → they push 8 more
#   each, acknowledged → the cluster is destroyed → the dump is restored into a new
#   cluster (scripts/pg-local.sh), the post-restore step runs, the server starts.
#   What a restore from an older dump does, measured rather than assumed:
#   - the 16 applications acknowledged after the dump are NOT in the restored
#     database, though the kiosks hold receipts for them;
#   - the server started on the restored database gives it a new epoch by itself
#     (another cluster), as scripts/after-restore.sql would; the kiosks see it in
#     their next status pull and send again everything acknowledged they still hold:
#     afterwards the server holds every application each kiosk ever submitted, once,
#     photos complete, every kiosk receipt equal to the server's; later pushes
#     (4 more each) arrive once. Without the epoch the 16 stay lost (the test fails);
#   - the manual `yimen-kiosk --resend-acknowledged-since <dump time>` on top of that
#     changes nothing (duplicates only).
# Part 2, a base backup + WAL archive (point-in-time recovery): a cluster archiving
#   its WAL, pg_basebackup, more pushes acknowledged, pg_switch_wal, the cluster
#   destroyed (immediate stop), the base backup restored with restore_command: every
#   acknowledged application is there without any kiosk step (the new timeline still
#   changes the epoch: the kiosk's resend finds only duplicates).
#
# usage: backup_drill.sh --build DIR [--out DIR]
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/upgrade/lib.sh
source "$repo/tests/upgrade/lib.sh"
parse_build_out backup-drill backup_drill "$@"
kiosk=$build/app/yimen-kiosk server=$build/server/yimen-server admin=$build/server/yimen-admin
submitter=$build/tests/faults/yimen-fault-submit
for bin in "$kiosk" "$server" "$admin" "$submitter"; do
  [[ -x "$bin" ]] || { echo "backup-drill: no $bin" >&2; exit 2; }
done
pg_bin=${YIMEN_PG_BIN:-/usr/lib/postgresql/15/bin}
as_pg=()
[[ $(id -u) -eq 0 ]] && as_pg=(runuser -u postgres --)

server_pid=""
clusters=()
cleanup() {
  stop_yimen_server
  for c in "${clusters[@]}"; do bash "$repo/scripts/pg-local.sh" stop "$c" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

# Drafts: the fault tests' youdai draft, and the same with a document photo.
python3 - "$repo/tests/faults/youdai_draft.json" "$repo/tests/upgrade/photo.jpg" "$out/photo.json" <<'PY'
import base64, json, sys
draft = json.load(open(sys.argv[1]))
draft["attachments"] = {"photo:photo": base64.b64encode(open(sys.argv[2], "rb").read()).decode()}
json.dump(draft, open(sys.argv[3], "w"), ensure_ascii=False)
PY

new_cluster() {  # NAME: a fresh cluster in OUT/NAME; sets pg_url
  clusters+=("$out/$1")
  pg_url=$(bash "$repo/scripts/pg-local.sh" start "$out/$1")
}
destroy_cluster() {  # NAME: the disaster (immediate stop, files gone)
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$out/$1/data" -m immediate -w stop >/dev/null
  rm -rf "${out:?}/$1"
}
enroll() {  # KIOSK
  local code
  code=$("$admin" --pg "$pg_url" --user "$admin_user" enroll-code --hall "备份演练大厅")
  mkdir -p "$out/$1"
  "$kiosk" --data-dir "$out/$1" --enroll "http://127.0.0.1:$port" "$code" >"$out/$1.enroll.log"
}
point_kiosk() {  # KIOSK: at the server now running (the drill's servers move ports)
  sqlite3 "$out/$1/yimen.db" \
    "UPDATE settings SET value = 'http://127.0.0.1:$port' || char(10) WHERE key = 'sync.server_urls';"
}
submit() {  # KIOSK DRAFT COUNT
  "$submitter" --data-dir "$out/$1" --draft "$2" --count "$3" --journal "$out/$1.journal" >>"$out/submit.log"
}
drain() {  # KIOSK: --sync-once until nothing is left (at most 10 runs)
  local runs=0
  until "$kiosk" --data-dir "$out/$1" --sync-once >>"$out/$1.sync.log" 2>&1; do
    runs=$((runs + 1))
    ((runs < 10)) || fail "$1 still has work after 10 sync cycles"
  done
}
acked_uuids() {  # KIOSK: every application the kiosk holds a receipt for
  sqlite3 "$out/$1/yimen.db" \
    "SELECT application_uuid FROM outbox WHERE delivered_at_ms IS NOT NULL ORDER BY 1;"
}
all_uuids() { sqlite3 "$out/$1/yimen.db" "SELECT uuid FROM applications ORDER BY 1;"; }
server_uuids() { psql_q "SELECT uuid FROM applications ORDER BY 1;"; }
missing_on_server() {  # FILE of uuids → how many are not on the server
  server_uuids >"$out/server.uuids"
  comm -23 "$1" "$out/server.uuids" | wc -l
}
no_duplicates() {
  check "applications stored twice (uuid or number)" \
    "$(psql_q "SELECT (SELECT count(*) - count(DISTINCT uuid) FROM applications) +
                      (SELECT count(*) - count(DISTINCT app_number) FROM applications);")" 0
}

echo "part 1: pg_dump -Fc, restored into a fresh cluster"
new_cluster pg1
start_yimen_server "$server" "$pg_url" "$out/server1.log"
bootstrap_admin "$admin" "$out"
enroll k1
enroll k2
submit k1 "$out/photo.json" 5
submit k1 "$repo/tests/faults/youdai_draft.json" 5
submit k2 "$repo/tests/faults/youdai_draft.json" 10
drain k1
drain k2
check "on the server before the dump" "$(psql_q "SELECT count(*) FROM applications;")" 20
# The dump's snapshot is taken when pg_dump starts; the resend time must not be later.
sleep 1
dump_time=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sleep 1
pg_dump -Fc -f "$out/yimen.dump" "$pg_url"
echo "  dump: $(stat -c %s "$out/yimen.dump") bytes at $dump_time"
sleep 1
submit k1 "$out/photo.json" 3
submit k1 "$repo/tests/faults/youdai_draft.json" 5
submit k2 "$repo/tests/faults/youdai_draft.json" 8
drain k1
drain k2
check "on the server before the disaster" "$(psql_q "SELECT count(*) FROM applications;")" 36
{ acked_uuids k1; acked_uuids k2; } | sort >"$out/acked_before_disaster"
check "acknowledged by the kiosks" "$(wc -l <"$out/acked_before_disaster")" 36

epoch_before=$(psql_q "SELECT epoch FROM database_epoch;")
stop_yimen_server
destroy_cluster pg1
new_cluster pg2
started=$(date +%s%N)
pg_restore --no-owner --exit-on-error -d "$pg_url" "$out/yimen.dump"
echo "  restored in $((($(date +%s%N) - started) / 1000000)) ms"
# Even before after-restore.sql the server sees another cluster and changes the epoch
# (RefreshDatabaseEpoch); the script is run anyway, as the runbook says (sequences).
start_yimen_server "$server" "$pg_url" "$out/server2.log"
check "epoch unchanged by a restore into a fresh cluster" \
  "$(psql_q "SELECT count(*) FROM database_epoch WHERE epoch = '$epoch_before';")" 0
psql "$pg_url" -Atq -v ON_ERROR_STOP=1 -f "$repo/scripts/after-restore.sql" >/dev/null
point_kiosk k1
point_kiosk k2
check "acknowledged applications missing from the restored database" \
  "$(missing_on_server "$out/acked_before_disaster")" 16

# Later pushes; the kiosks see the new database epoch in their status pull and send
# again every acknowledged application they still hold.
submit k1 "$repo/tests/faults/youdai_draft.json" 4
submit k2 "$repo/tests/faults/youdai_draft.json" 4
drain k1
drain k2
{ grep -h "database was restored" "$out/k1.sync.log" "$out/k2.sync.log" || true; } | sed "s/^/  /"
{ all_uuids k1; all_uuids k2; } | sort >"$out/all_submitted"
check "submitted applications missing after the resend" "$(missing_on_server "$out/all_submitted")" 0
check "on the server after the resend" "$(psql_q "SELECT count(*) FROM applications;")" 44
no_duplicates
check "photos incomplete" "$(psql_q "SELECT count(*) FROM attachments WHERE NOT complete;")" 0
check "photos" "$(psql_q "SELECT count(*) FROM attachments;")" 8
# Each kiosk ends with the receipt the server holds.
mismatched=0
for k in k1 k2; do
  while IFS='|' read -r uuid receipt; do
    [[ "$(psql_q "SELECT receipt FROM applications WHERE uuid = '$uuid';")" == "$receipt" ]] ||
      mismatched=$((mismatched + 1))
  done < <(sqlite3 "$out/$k/yimen.db" "SELECT uuid, server_receipt FROM applications;")
done
check "kiosk receipts differing from the server's" "$mismatched" 0
# The manual resend (for a restore without after-restore.sql) on top changes nothing.
"$kiosk" --data-dir "$out/k2" --resend-acknowledged-since "$dump_time" | sed 's/^/  /'
drain k2
check "on the server after a manual resend as well" "$(psql_q "SELECT count(*) FROM applications;")" 44
no_duplicates
stop_yimen_server

echo "part 2: pg_basebackup + WAL archive, point-in-time recovery"
new_cluster pg3
mkdir -p "$out/wal"
chown postgres: "$out/wal" 2>/dev/null || true
cat >>"$out/pg3/data/postgresql.conf" <<EOF
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $out/wal/%f && cp %p $out/wal/%f'
archive_timeout = 60
EOF
bash "$repo/scripts/pg-local.sh" stop "$out/pg3" >/dev/null
pg_url=$(bash "$repo/scripts/pg-local.sh" start "$out/pg3")
start_yimen_server "$server" "$pg_url" "$out/server3.log"
bootstrap_admin "$admin" "$out"
enroll k3
submit k3 "$out/photo.json" 4
submit k3 "$repo/tests/faults/youdai_draft.json" 6
drain k3
mkdir -p "$out/base"
chown postgres: "$out/base" 2>/dev/null || true
pg_port=$(cat "$out/pg3/port")
"${as_pg[@]}" pg_basebackup -h 127.0.0.1 -p "$pg_port" -U postgres -D "$out/base/data" \
  --wal-method=stream --checkpoint=fast
submit k3 "$repo/tests/faults/youdai_draft.json" 7
drain k3
# The segment holding the last acknowledgement goes to the archive now (in service,
# archive_timeout bounds how long it may wait).
segment=$(psql_q "SELECT pg_walfile_name(pg_switch_wal());")
for _ in $(seq 1 300); do [[ -f "$out/wal/$segment" ]] && break; sleep 0.1; done
[[ -f "$out/wal/$segment" ]] || fail "WAL segment $segment was not archived within 30 s"
acked_uuids k3 >"$out/acked_k3"
epoch_before=$(psql_q "SELECT epoch FROM database_epoch;")
check "acknowledged by kiosk 3" "$(wc -l <"$out/acked_k3")" 17
stop_yimen_server
destroy_cluster pg3

# Restore: the base backup as a new data directory, replaying the archived WAL.
mkdir -p "$out/pg4/sock"
mv "$out/base/data" "$out/pg4/data"
cat >>"$out/pg4/data/postgresql.conf" <<EOF
unix_socket_directories = '$out/pg4/sock'
archive_mode = off
restore_command = 'cp $out/wal/%f %p'
EOF
touch "$out/pg4/data/recovery.signal"
chown -R postgres: "$out/pg4" 2>/dev/null || true
chmod 700 "$out/pg4/data"
started=$(date +%s%N)
clusters+=("$out/pg4")
pg_url=$(bash "$repo/scripts/pg-local.sh" start "$out/pg4")
for _ in $(seq 1 300); do
  [[ $(psql_q "SELECT pg_is_in_recovery();" 2>/dev/null) == f ]] && break
  sleep 0.1
done
check "recovery finished" "$(psql_q "SELECT pg_is_in_recovery();")" f
echo "  base backup + WAL replay: $((($(date +%s%N) - started) / 1000000)) ms"
start_yimen_server "$server" "$pg_url" "$out/server4.log"
point_kiosk k3
check "acknowledged applications lost by point-in-time recovery" "$(missing_on_server "$out/acked_k3")" 0
# The recovered cluster is on a new WAL timeline: a new epoch, so the kiosk resends
# what it holds (all duplicates here: nothing was lost).
check "epoch unchanged by point-in-time recovery" \
  "$(psql_q "SELECT count(*) FROM database_epoch WHERE epoch = '$epoch_before';")" 0
submit k3 "$repo/tests/faults/youdai_draft.json" 3
drain k3
check "on the recovered server after later pushes" "$(psql_q "SELECT count(*) FROM applications;")" 20
no_duplicates
echo "backup-drill: the dump restore lacked 16 acknowledged applications; the kiosks resent them" \
     "on the new epoch (44 of 44, no duplicates); base backup + WAL lost 0 of 17"
