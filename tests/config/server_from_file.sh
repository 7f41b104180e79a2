#!/usr/bin/env bash
# yimen-server started from a configuration file (issue 19 item 2), on the shared
# PostgreSQL fixture: the file's database (with a password, which --print-config must
# mask) and workers, a --listen flag overriding the file's address, /healthz answered;
# yimen-admin --config reads the same file's database; a typo in the file is refused
# with its line number and the server does not start.
# usage: server_from_file.sh SERVER_BIN ADMIN_BIN PG_LOCAL OUT_DIR   (env YIMEN_TEST_PG_DIR)
set -euo pipefail
server=$1 admin=$2 pg_local=$3 out=$4
rm -rf "$out"
mkdir -p "$out"
base=$(bash "$pg_local" url "$YIMEN_TEST_PG_DIR")
db=config_$$
psql "$base" -Atq -c "CREATE DATABASE $db"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  psql "$base" -Atq -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() { echo "server-from-file: FAIL: $*" >&2; exit 1; }

# The fixture trusts loopback, so the password is never checked: it is here to be masked.
url=$(sed "s|postgresql://postgres@|postgresql://postgres:hunter2-secret@|; s|/yimen\$|/$db|" <<<"$base")
cat >"$out/server.toml" <<TOML
# written by tests/config/server_from_file.sh
[database]
url = "$url"

[listen]
address = "127.0.0.1:1"   # overridden by --listen below
workers = 3
TOML

"$server" --config "$out/server.toml" --listen 127.0.0.1:0 --print-config >"$out/print.toml"
grep -q 'address = "127.0.0.1:0"' "$out/print.toml" || fail "the --listen flag did not win over the file"
grep -q 'workers = 3' "$out/print.toml" || fail "workers from the file not in effect"
grep -q 'hunter2' "$out/print.toml" && fail "--print-config shows the database password"
grep -q 'postgres:\*\*\*\*@' "$out/print.toml" || fail "the password is not shown masked"

"$server" --config "$out/server.toml" --listen 127.0.0.1:0 >"$out/server.out" 2>"$out/server.log" &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$out/server.out")
  [[ -n "$port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$out/server.log" >&2; fail "the server exited"; }
  sleep 0.1
done
[[ -n "$port" ]] || fail "the server did not start"
health=$(curl -fsS "http://127.0.0.1:$port/healthz")
grep -q '"ok":true' <<<"$health" || fail "healthz: $health"
"$admin" --config "$out/server.toml" migrate || fail "yimen-admin --config could not reach the file's database"

printf '[database]\nurl = "%s"\n\n[listen]\nmax_conections = 5\n' "$url" >"$out/typo.toml"
set +e
"$server" --config "$out/typo.toml" >/dev/null 2>"$out/typo.err"
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "a typo in the file: exit $rc, expected 2"
grep -q 'typo.toml:5:1: unknown key listen.max_conections (did you mean listen.max_connections?)' \
  "$out/typo.err" || fail "typo message: $(cat "$out/typo.err")"
echo "server-from-file: started from $out/server.toml on port $port (--listen over the file), healthz ok," \
     "password masked, yimen-admin --config ok, typo refused: $(cat "$out/typo.err")"
