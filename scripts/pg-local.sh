#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster in a directory of ours, for development and tests:
# no system service, no password, loopback only. PostgreSQL refuses to run as root, so
# as root the cluster belongs to the `postgres` user (docs/design.md "Known traps"); as
# anyone else, to them.
#
#   scripts/pg-local.sh start [DIR]   initdb if needed, start, print the URL. A new
#                                     cluster gets a free port, recorded in DIR/port;
#                                     the same cluster always starts on that port again,
#                                     so servers pointed at it find it after a restart
#   scripts/pg-local.sh stop  [DIR]   stop it (the data stays; rm -rf DIR to forget it)
#   scripts/pg-local.sh url   [DIR]   print the URL of a running cluster
#
# DIR defaults to .cache/pg in the repository. Every command is idempotent.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command=${1:-}
dir=${2:-$repo_root/.cache/pg}
pg_bin=${YIMEN_PG_BIN:-/usr/lib/postgresql/15/bin}
database=yimen

usage() {
  echo "usage: $0 start|stop|url [DIR]" >&2
  exit 2
}

die() {
  echo "pg-local: $*" >&2
  exit 1
}

[[ -x "$pg_bin/pg_ctl" ]] || die "no PostgreSQL 15 in $pg_bin (run scripts/deps.sh)"

# As root everything runs as `postgres`; otherwise as the caller.
as_owner=()
if [[ $(id -u) -eq 0 ]]; then
  as_owner=(runuser -u postgres --)
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"
sock="$dir/sock"
log="$dir/postgres.log"
port_file="$dir/port"

url_for() {
  echo "postgresql://postgres@127.0.0.1:$1/$database"
}

is_running() {
  [[ -f "$data/PG_VERSION" ]] && "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

port_is_free() {
  # A connect that fails means nobody listens there.
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

prepare_dir() {
  if [[ ${#as_owner[@]} -gt 0 ]]; then
    chown postgres: "$dir"
    "${as_owner[@]}" test -w "$dir" ||
      die "user postgres cannot write $dir: every parent directory must be searchable (chmod o+x)"
  fi
  mkdir -p "$sock"
  [[ ${#as_owner[@]} -gt 0 ]] && chown postgres: "$sock"
  return 0
}

init_cluster() {
  [[ -f "$data/PG_VERSION" ]] && return 0
  "${as_owner[@]}" "$pg_bin/initdb" -D "$data" --username=postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    die "initdb failed, see $dir/initdb.log"
  # Only our socket directory and loopback; fsync stays on so crash tests mean something.
  cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sock'
max_connections = 100
shared_buffers = 64MB
logging_collector = off
EOF
}

# pg_stat_statements (docs/benchmarks.md "Where a push's time goes") when this
# PostgreSQL has it: loaded at start, so the view works in any database after
# CREATE EXTENSION pg_stat_statements. Nothing else changes; a cluster made before
# this existed gets it at its next start. YIMEN_PG_NO_STATEMENTS=1 leaves it out.
enable_statement_stats() {
  [[ -f "$data/postgresql.conf" && -z "${YIMEN_PG_NO_STATEMENTS:-}" ]] || return 0
  [[ -f "$("$pg_bin/pg_config" --pkglibdir 2>/dev/null || echo /nonexistent)/pg_stat_statements.so" ]] ||
    [[ -f "${pg_bin%/bin}/lib/pg_stat_statements.so" ]] || return 0
  grep -q "^shared_preload_libraries = 'pg_stat_statements'" "$data/postgresql.conf" && return 0
  "${as_owner[@]}" tee -a "$data/postgresql.conf" >/dev/null <<EOF
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
pg_stat_statements.max = 1000
EOF
}

# The port this cluster had before, if it has a recorded one.
recorded_port() {
  [[ -f "$data/PG_VERSION" && -f "$port_file" ]] || return 0
  local port
  port=$(tr -dc '0-9' <"$port_file")
  [[ -n "$port" ]] && echo "$port"
  return 0
}

# Starts on $1; on success makes the database and prints the URL.
start_on_port() {
  local port=$1
  "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
    -o "-p $port" start >/dev/null 2>&1 || return 1
  "${as_owner[@]}" "$pg_bin/psql" -h "$sock" -p "$port" -U postgres -d postgres -Atq \
    -c "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1 ||
    "${as_owner[@]}" "$pg_bin/createdb" -h "$sock" -p "$port" -U postgres "$database"
  url_for "$port"
}

start_cluster() {
  prepare_dir
  local port
  port=$(recorded_port)
  init_cluster
  enable_statement_stats
  if is_running; then
    url_for "$(cat "$port_file")"
    return 0
  fi
  # An existing cluster keeps its port: servers started against it still hold that
  # URL. If something else took it, say so instead of moving under their feet.
  if [[ -n "$port" ]]; then
    port_is_free "$port" ||
      die "port $port recorded for $dir is in use by another program; stop it, or remove $port_file to pick a new port"
    start_on_port "$port" || die "could not start PostgreSQL on port $port, see $log"
    return 0
  fi
  local attempt
  for attempt in $(seq 1 20); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    port_is_free "$port" || continue
    echo "$port" >"$port_file"
    start_on_port "$port" && return 0
    # Someone took the port between our check and the bind: try another.
    echo "pg-local: start on port $port failed (attempt $attempt), retrying" >&2
  done
  die "could not start PostgreSQL, see $log"
}

stop_cluster() {
  if is_running; then
    "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
  return 0
}

case "$command" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  url)
    is_running || die "no cluster running in $dir"
    url_for "$(cat "$port_file")"
    ;;
  *) usage ;;
esac
