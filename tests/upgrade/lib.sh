# Shared by the upgrade and backup drills (source it). The caller sets pg_url.
# psql_q SQL: one query, unaligned, stops on error.
psql_q() { psql "$pg_url" -Atq -v ON_ERROR_STOP=1 -c "$1"; }

# start_yimen_server SERVER_BIN PG_URL LOG: one yimen-server on a free loopback port,
# waiting up to 60 s for /healthz (it runs its migrations first; migration 5 rewrites
# the applications table). Sets port and server_pid; the caller's trap stops it.
start_yimen_server() {
  local bin=$1 url=$2 log=$3
  server_pid=""
  for _ in $(seq 1 20); do
    port=$((30000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    "$bin" --pg "$url" --listen "127.0.0.1:$port" >>"$log" 2>&1 &
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

# stop_yimen_server: SIGTERM and wait.
stop_yimen_server() {
  [[ -n "${server_pid:-}" ]] || return 0
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
