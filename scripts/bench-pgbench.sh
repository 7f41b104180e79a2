#!/usr/bin/env bash
# The PostgreSQL baselines for the fleet and the drain (docs/benchmarks.md): pgbench
# running what one single-application push runs (the device and key-ring reads, then
# nonce + multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING in one transaction),
# and a plain one-row INSERT into the same table, each for a few seconds on the given
# pg-local cluster, with the cluster's CPU per transaction from /proc.
#
#   scripts/bench-pgbench.sh PG_DIR YIMEN_SERVER_BIN [SECONDS]
#
# Prints two lines bench.sh reads:
#   pgbench push statements: N tx/s, X ms PostgreSQL CPU per tx
#   pgbench one-row INSERT: N tx/s, X ms PostgreSQL CPU per tx
set -euo pipefail

pg_dir=$1
server_bin=$2
seconds=${3:-5}
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pg_bin=${YIMEN_PG_BIN:-/usr/lib/postgresql/15/bin}
base=$(bash "$repo_root/scripts/pg-local.sh" url "$pg_dir")
base=${base%/*}
db=pgbench_$$
url="$base/$db"
work=$(mktemp -d /tmp/yimen-pgbench-XXXXXX)
server_pid=
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  "$pg_bin/psql" "$base/postgres" -qAt -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"$pg_bin/psql" "$base/postgres" -qAt -c "CREATE DATABASE $db"
# The server's own migrations make the tables (the first "listening" line means done).
"$server_bin" --pg "$url" --listen 127.0.0.1:0 >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q listening "$work/server.out" 2>/dev/null && break
  sleep 0.1
done
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=
"$pg_bin/psql" "$url" -qAt -c \
  "INSERT INTO devices (public_key, hall, kiosk_code, app_version) VALUES ('pgbench', 'h', 'PGBN', 'pgbench')"
device=$("$pg_bin/psql" "$url" -qAt -c "SELECT id FROM devices WHERE kiosk_code = 'PGBN'")
payload=$(head -c 800 /dev/zero | base64 -w0)  # a sealed payload's size as text (~1.1 KB)

cat >"$work/push.sql" <<SQL
SELECT public_key, hall, revoked_at IS NOT NULL, kiosk_code FROM devices WHERE id = $device;
SELECT key_id, public_key, '', state FROM sealing_keys ORDER BY key_id;
BEGIN;
INSERT INTO request_nonces (device_id, nonce) VALUES ($device, md5(random()::text)) ON CONFLICT DO NOTHING RETURNING 1;
INSERT INTO applications (id, uuid, app_number, receipt, device_id, hall, service_code, catalog_version, payload_format, payload, submitted_at, received_at, attachments_total, complete) SELECT s.id, s.uuid, 'PGBN-' || s.id, 'R-' || lpad(s.id::text, 8, '0'), $device, 'h', s.service_code, s.catalog_version, s.payload_format, s.payload, s.submitted_at, now(), s.attachments_total, s.attachments_total = 0 FROM (SELECT nextval('applications_id_seq') AS id, x.* FROM jsonb_to_recordset(jsonb_build_array(jsonb_build_object('uuid', gen_random_uuid(), 'service_code', 'dibao', 'catalog_version', '2026.3', 'payload_format', 'sealed-v1', 'payload', '$payload', 'submitted_at', '2026-11-23T02:30:00Z', 'attachments_total', 0))) AS x(uuid uuid, service_code text, catalog_version text, payload_format text, payload text, submitted_at text, attachments_total int)) s ON CONFLICT DO NOTHING RETURNING uuid::text, receipt;
COMMIT;
SQL
cat >"$work/insert.sql" <<SQL
INSERT INTO applications (id, uuid, app_number, receipt, device_id, hall, service_code, catalog_version, payload_format, payload, submitted_at, received_at) SELECT s.id, gen_random_uuid(), 'PGBI-' || s.id, 'RI-' || s.id, $device, 'h', 'dibao', '2026.3', 'sealed-v1', '$payload', '', now() FROM (SELECT nextval('applications_id_seq') AS id) s;
SQL

# CPU seconds of the whole cluster: the postmaster with its reaped children (exited
# backends) plus every live child.
cluster_cpu() {
  local pm ticks total=0 pid
  pm=$(head -1 "$pg_dir/data/postmaster.pid")
  ticks=$(getconf CLK_TCK)
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for pid in $(cat "/proc/$pm/task/$pm/children" 2>/dev/null); do
    [[ -r "/proc/$pid/stat" ]] || continue
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total $ticks" | awk '{printf "%.3f", $1 / $2}'
}

# run LABEL SCRIPT: pgbench for $seconds with 4 clients, prepared statements.
run() {
  local label=$1 script=$2 before after tps
  before=$(cluster_cpu)
  tps=$("$pg_bin/pgbench" -n -M prepared -c 4 -j 2 -T "$seconds" -f "$script" "$url" 2>"$work/pgbench.err" |
    sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  sleep 0.5  # the pgbench backends exit and are reaped
  after=$(cluster_cpu)
  awk -v label="$label" -v tps="$tps" -v cpu="$(echo "$after $before" | awk '{print $1 - $2}')" \
    -v s="$seconds" 'BEGIN { printf "%s: %.0f tx/s, %.2f ms PostgreSQL CPU per tx\n", label, tps, (tps > 0 ? 1000 * cpu / (tps * s) : 0) }'
}

run "pgbench push statements" "$work/push.sql"
run "pgbench one-row INSERT" "$work/insert.sql"
