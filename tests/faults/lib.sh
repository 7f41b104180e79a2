# Shared by the fault drivers (source it): a throwaway PostgreSQL in OUT/pg and one
# yimen-server on a free loopback port. Sets pg_url, port, server_pid and psql_q;
# the caller's cleanup trap stops server_pid.
# usage: start_server NAME REPO SERVER_BIN OUT
start_server() {
  local name=$1 repo=$2 server=$3 out=$4
  pg_url=$(bash "$repo/scripts/pg-local.sh" start "$out/pg")
  start_yimen_server "$server" "$pg_url" "$out/server.log" || { echo "$name: see above" >&2; exit 1; }
}

# start_yimen_server SERVER_BIN PG_URL LOG [FLAGS...]: one yimen-server on a free loopback port,
# waiting up to 60 s for /healthz (it runs its migrations first, and migration 5
# rewrites the applications table). Sets port and server_pid; the caller's trap stops
# it. Returns 1, having printed the log, when it would not start.
start_yimen_server() {
  local bin=$1 url=$2 log=$3
  shift 3
  server_pid=""
  for _ in $(seq 1 20); do
    port=$((30000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    "$bin" --pg "$url" --listen "127.0.0.1:$port" "$@" >>"$log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 600); do
      curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""
  done
  echo "yimen-server would not start:" >&2
  cat "$log" >&2
  return 1
}
psql_q() { psql "$pg_url" -Atq -c "$1"; }

# The office account the driver runs yimen-admin as: the first admin of the fresh
# database (console-user add --bootstrap), its random password in OUT/admin.password
# (mode 600), exported as YIMEN_ADMIN_PASSWORD_FILE. Sets admin_user.
# usage: bootstrap_admin ADMIN_BIN OUT
bootstrap_admin() {
  local admin=$1 out=$2
  admin_user=fault-admin
  (umask 077 && head -c 24 /dev/urandom | base64 >"$out/admin.password")
  "$admin" --pg "$pg_url" console-user add "$admin_user" --role admin --scope 全市 --bootstrap \
    <"$out/admin.password" >/dev/null
  export YIMEN_ADMIN_PASSWORD_FILE=$out/admin.password
}

# Visits (docs/internals/visits.md) must be complete: every visit the kiosk committed
# holds all its applications or none, on the kiosk and on the server. The server side
# is read from the kiosk's uuids (a visit is complete there when PostgreSQL holds each
# of its uuids), and also from the server's own visit columns when its schema has them.
# Sets visits (committed on the kiosk), visits_broken_local, visits_broken_server and
# visits_check ("by uuid" or "by uuid and the server's visit columns").
# usage: check_visits KIOSK_DB OUT
check_visits() {
  local db=$1 out=$2
  visits=$(sqlite3 "$db" "SELECT count(DISTINCT visit_id) FROM applications WHERE visit_id IS NOT NULL;")
  visits_broken_local=$(sqlite3 "$db" "SELECT count(*) FROM (SELECT visit_id FROM applications
    WHERE visit_id IS NOT NULL GROUP BY visit_id HAVING count(*) != max(visit_size));")
  sqlite3 -separator ' ' "$db" "SELECT uuid, visit_id, visit_size FROM applications
    WHERE visit_id IS NOT NULL ORDER BY uuid;" >"$out/local_visits.txt"
  psql_q "SELECT uuid FROM applications;" | LC_ALL=C sort >"$out/server_visit_uuids.txt"
  visits_broken_server=$(LC_ALL=C join "$out/local_visits.txt" "$out/server_visit_uuids.txt" |
    awk '{ held[$2]++; size[$2] = $3 } END { n = 0; for (v in size) if (held[v] != size[v]) n++; print n }')
  # A visit of which the server holds no application at all is broken too.
  local on_server_visits
  on_server_visits=$(LC_ALL=C join "$out/local_visits.txt" "$out/server_visit_uuids.txt" | awk '{ print $2 }' | sort -u | wc -l)
  visits_broken_server=$((visits_broken_server + visits - on_server_visits))
  visits_check="by uuid"
  if [[ $(psql_q "SELECT count(*) FROM information_schema.columns
                  WHERE table_name = 'applications' AND column_name = 'visit_number';") == 1 ]]; then
    visits_check="by uuid and the server's visit columns"
    visits_broken_server=$((visits_broken_server + $(psql_q "SELECT count(*) FROM (SELECT visit_id
      FROM applications WHERE visit_id IS NOT NULL GROUP BY visit_id
      HAVING count(*) != max(visit_size) OR count(DISTINCT visit_number) != 1) v;")))
    if [[ $(psql_q "SELECT count(DISTINCT visit_id) FROM applications WHERE visit_id IS NOT NULL;") != "$visits" ]]; then
      visits_broken_server=$((visits_broken_server + 1))
    fi
  fi
}
