# shellcheck shell=bash
# Shared by the upgrade test and the backup drill (source it after setting repo).
# Brings tests/faults/lib.sh (start_yimen_server, bootstrap_admin) and adds:
# shellcheck source=tests/faults/lib.sh
source "$repo/tests/faults/lib.sh"

# psql_q SQL: one query on $pg_url, unaligned; stops on the first error.
psql_q() { psql "$pg_url" -Atq -v ON_ERROR_STOP=1 -c "$1"; }

# stop_yimen_server: SIGTERM the server start_yimen_server started, and wait.
stop_yimen_server() {
  [[ -n "${server_pid:-}" ]] || return 0
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# parse_build_out NAME DEFAULT_OUT_SUBDIR ARGS...: --build DIR [--out DIR] into build
# and out (out emptied, reachable by the postgres user), SDL without sound.
parse_build_out() {
  local name=$1 default_out=$2
  shift 2
  build="" out=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --build) build=$(cd "$2" && pwd); shift 2 ;;
      --out) out=$2; shift 2 ;;
      *) echo "$name: unknown argument $1" >&2; exit 2 ;;
    esac
  done
  [[ -n "$build" ]] || { echo "usage: $0 --build DIR [--out DIR]" >&2; exit 2; }
  out=${out:-$build/tests/upgrade/$default_out}
  rm -rf "$out"
  mkdir -p "$out"
  chmod o+x "$out"
  export SDL_AUDIODRIVER=dummy
  test_name=$name
}

# fail WHAT: the test's verdict, with where its logs are.
fail() { echo "$test_name: FAIL: $*" >&2; echo "(logs in $out)" >&2; exit 1; }
# check WHAT GOT WANT: prints the figure; fails unless it is the expected one.
check() {
  echo "  $1: $2"
  [[ "$2" == "$3" ]] || fail "$1 is $2, expected $3"
}
