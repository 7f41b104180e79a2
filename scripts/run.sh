#!/usr/bin/env bash
# One command to try Yimen: installs what is missing, builds (Release), starts a local
# PostgreSQL (scripts/pg-local.sh) and yimen-server on loopback, enrolls the kiosk
# the first time (a one-time code from yimen-admin) and starts the kiosk with sync.
# Closing the kiosk stops the server; PostgreSQL keeps running for the next start
# (scripts/pg-local.sh stop to stop it). Flags are passed to yimen-kiosk (--kiosk for
# fullscreen, --landscape, ...).
#
#   YIMEN_DATA_DIR   the kiosk's data   (default ~/.local/share/yimen)
#   YIMEN_PG_DIR     the database       (default .cache/pg)
#   YIMEN_PORT       the server's port  (default 8443)
#   YIMEN_PHONE_URL  the base phones reach the server at, for 用手机传照片 (default: this
#                    machine's loopback, so a browser here can play the phone)
#   YIMEN_BUILD_DIR  the build to use   (default build/release)
#   YIMEN_ADMIN_PASSWORD_FILE  local-admin's password (default .cache/yimen-admin.password)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
bin=${YIMEN_BUILD_DIR:-build/release}
cmake -S . -B "$bin" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$bin" -j"$(nproc)" >/dev/null

data_dir=${YIMEN_DATA_DIR:-$HOME/.local/share/yimen}
pg_dir=${YIMEN_PG_DIR:-.cache/pg}
port=${YIMEN_PORT:-8443}
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && " $* " != *" --headless "* ]]; then
  cat >&2 <<MSG
run.sh: built, but there is no display to show the kiosk on (DISPLAY is not set).
  Start it on a desktop or kiosk screen, or see it headless:
    $bin/app/yimen-kiosk --headless --data-dir /tmp/yimen-demo \\
        --script tests/ui/dibao_apply.script --screenshots /tmp/yimen-shots
  or in a virtual X server:
    xvfb-run -a -s "-screen 0 1080x1920x24" scripts/run.sh
MSG
  exit 1
fi

# 1. The database: a throwaway cluster of our own (postgres user when run as root).
pg_url=$(scripts/pg-local.sh start "$pg_dir")
echo "run.sh: PostgreSQL at $pg_url" >&2

# 2. The server on loopback (plain HTTP is allowed there only), stopped on exit.
server_log=$(mktemp -t yimen-server.XXXXXX.log)
"$bin/server/yimen-server" --pg "$pg_url" --listen "127.0.0.1:$port" \
  --phone-url "${YIMEN_PHONE_URL:-http://127.0.0.1:$port}" >/dev/null 2>"$server_log" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
server_url="http://127.0.0.1:$port"
for _ in $(seq 1 50); do
  curl -fsS "$server_url/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$server_log" >&2; exit 1; }
  sleep 0.1
done
echo "run.sh: yimen-server at $server_url (log: $server_log)" >&2

# 3. Enroll this kiosk once; its key and device id stay in its data directory.
if ! sqlite3 "$data_dir/yimen.db" "SELECT 1 FROM settings WHERE key = 'sync.device_id'" \
    2>/dev/null | grep -q 1; then
  # yimen-admin signs in as an office account (docs/operations.md): on a fresh database
  # run.sh makes the first admin, its random password kept beside the database.
  admin_pw=${YIMEN_ADMIN_PASSWORD_FILE:-$(dirname "$pg_dir")/yimen-admin.password}
  if [[ ! -s "$admin_pw" ]]; then
    (umask 077 && head -c 24 /dev/urandom | base64 >"$admin_pw")
    "$bin/server/yimen-admin" --pg "$pg_url" console-user add local-admin --role admin \
      --scope 本地测试 --bootstrap <"$admin_pw" >/dev/null
    echo "run.sh: office account local-admin, password in $admin_pw" >&2
  fi
  code=$(YIMEN_ADMIN_PASSWORD_FILE=$admin_pw "$bin/server/yimen-admin" --pg "$pg_url" \
    --user local-admin enroll-code --hall "本地测试大厅")
  "$bin/app/yimen-kiosk" --data-dir "$data_dir" --enroll "$server_url" "$code"
fi

# 4. The kiosk, syncing in the background; the server stops when it closes.
"$bin/app/yimen-kiosk" --data-dir "$data_dir" "$@"
