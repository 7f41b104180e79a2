#!/usr/bin/env bash
# The packages as an operator gets them (docs/operations.md "Installing from
# packages"): builds the .debs from BUILD_DIR with cpack, checks their Depends,
# installs them with apt (so dependencies resolve), checks the files, the user and the
# units (systemd-analyze verify), runs the installed binaries from /usr/bin — the
# server against a real PostgreSQL answering /healthz and speaking systemd's notify
# protocol, the kiosk headless through a UI script on its installed assets — and
# purges them. Needs root (it installs packages); exits 77 (skipped) otherwise.
# usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
[[ $(id -u) -eq 0 ]] || { echo "SKIP: installs packages, needs root"; exit 77; }
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
if [[ "$prefix" != /usr ]]; then
  echo "FAIL: $build installs under '$prefix'; packages need /usr (scripts/package.sh $build)"
  exit 1
fi

fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== $*"; }
work=$(mktemp -d /tmp/yimen-package-XXXXXX)
chmod 0755 "$work"  # postgres and yimen must reach what is inside
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  "$src/scripts/pg-local.sh" stop "$work/pg" >/dev/null 2>&1 || true
  if dpkg-query -W -f='${Status}' yimen-common 2>/dev/null | grep -q installed; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq yimen-kiosk yimen-server yimen-common \
      >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step "cpack"
rm -f "$build"/yimen-*.deb
(cd "$build" && cpack -G DEB >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
debs=("$build"/yimen-common_*.deb "$build"/yimen-kiosk_*.deb "$build"/yimen-server_*.deb)
for deb in "${debs[@]}"; do
  [[ -f "$deb" ]] || fail "no $deb"
  echo "$(basename "$deb"): $(stat -c %s "$deb") bytes"
done

step "Depends (dpkg -I)"
depends() { dpkg-deb -f "$1" Depends; }
expect_depends() {
  local deb=$1
  shift
  local line
  line=$(depends "$deb")
  echo "$(basename "$deb"): $line"
  for want in "$@"; do
    grep -qE "(^|, )$want( |,|$)" <<<"$line" || fail "$(basename "$deb") does not depend on $want"
  done
}
# Linked libraries (dpkg-shlibdeps) and what the kiosk opens by path at run time.
expect_depends "${debs[1]}" yimen-common adduser libc6 libsdl2-2.0-0 libsqlite3-0 libsodium23 libcurl4 \
  librime1 libzinnia0 libespeak-ng1 libopencc1.1 libfreetype6 libqrencode4 libpangocairo-1.0-0 \
  fonts-noto-cjk fonts-dejavu-core rime-data-luna-pinyin rime-data-terra-pinyin rime-data-stroke rime-essay \
  tegaki-zinnia-simplified-chinese espeak-ng-data libopencc-data libegl1 libgl1-mesa-dri
expect_depends "${debs[2]}" yimen-common libc6 libpqxx-6.4 libsodium23 libssl3 'libstdc\+\+6'
expect_depends "${debs[0]}" adduser
[[ $(dpkg-deb -f "${debs[0]}" Architecture) == all ]] || fail "yimen-common is not Architecture: all"

step "install (apt-get install ./yimen-*.deb)"
# The postinst must create the user: start without one (a user left by an earlier
# purge, as Debian leaves it, is removed first).
if getent passwd yimen >/dev/null; then deluser --quiet --system yimen >/dev/null; fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${debs[@]}" \
  >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get install"; }
for p in yimen-common yimen-kiosk yimen-server; do
  echo "$p $(dpkg-query -W -f='${Version} ${Status}' "$p")"
done

step "files, user, state directory"
for f in /usr/bin/yimen-kiosk /usr/bin/yimen-server /usr/bin/yimen-admin; do
  [[ -x "$f" ]] || fail "$f missing"
done
for f in catalog/catalog.json strings/ui.zh-CN.json strings/validation.en.json \
         voice/mandarin_readings.txt voice/cantonese_readings.txt; do
  [[ -f "/usr/share/yimen/$f" ]] || fail "/usr/share/yimen/$f missing"
done
unit_dir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
for u in yimen-server.service yimen-kiosk.service; do
  [[ -f "$unit_dir/$u" ]] || fail "$unit_dir/$u missing"
done
[[ -d /etc/yimen ]] || fail "/etc/yimen missing"
for pair in server:server.toml kiosk:kiosk.toml; do
  package=yimen-${pair%%:*} name=${pair#*:}
  if [[ -f "$src/packaging/etc/$name" ]]; then
    [[ -f /etc/yimen/$name ]] || fail "/etc/yimen/$name missing"
    dpkg-query -W -f='${Conffiles}\n' "$package" | grep -q "/etc/yimen/$name" ||
      fail "/etc/yimen/$name is not a conffile of $package"
    [[ $(stat -c '%U:%G %a' "/etc/yimen/$name") == "root:yimen 640" ]] ||
      fail "/etc/yimen/$name is $(stat -c '%U:%G %a' "/etc/yimen/$name"), not root:yimen 640"
    echo "/etc/yimen/$name: conffile, root:yimen 640"
  else
    echo "packaging/etc/$name not in this tree: no conffile to check"
  fi
done
getent passwd yimen || fail "no yimen user"
[[ $(getent passwd yimen | cut -d: -f3) -lt 1000 ]] || fail "yimen is not a system user"
[[ $(stat -c '%U %a' /var/lib/yimen) == "yimen 700" ]] || fail "/var/lib/yimen: $(stat -c '%U %a' /var/lib/yimen)"
id -nG yimen

step "systemd-analyze verify"
# ExecStart names /usr/bin/yimen-server, /usr/bin/cage (scripts/deps.sh installs it):
# verify checks that they exist, with everything else in the units.
verify_out=$(systemd-analyze verify "$unit_dir/yimen-server.service" "$unit_dir/yimen-kiosk.service" 2>&1) ||
  { echo "$verify_out"; fail "systemd-analyze verify"; }
[[ -z "$verify_out" ]] || { echo "$verify_out"; fail "systemd-analyze verify printed warnings"; }
echo "both units verify clean"

step "installed binaries"
/usr/bin/yimen-server --version
admin_help=$(/usr/bin/yimen-admin --help 2>&1 || true)
grep -q "usage" <<<"$admin_help" || { echo "$admin_help"; fail "yimen-admin --help"; }
echo "$admin_help" | head -n 3
kiosk_version=$(/usr/bin/yimen-kiosk --version)
echo "$kiosk_version"
grep -qx "assets: /usr/share/yimen" <<<"$kiosk_version" || fail "the installed kiosk's assets are not /usr/share/yimen"

step "yimen-server from /usr/bin, as the yimen user, on PostgreSQL, under a stand-in systemd"
pg_url=$("$src/scripts/pg-local.sh" start "$work/pg" | tail -n 1)
python3 "$src/tests/package/notify_listener.py" "$work/notify.sock" "$work/notify.log" 60 &
listener_pid=$!
for _ in $(seq 100); do [[ -S "$work/notify.sock" ]] && break; sleep 0.05; done
[[ -S "$work/notify.sock" ]] || fail "the notify listener did not start"
# WATCHDOG_USEC of 2 s: a ping every second, so a few arrive in a short test.
# setpriv execs the server itself (runuser would stand between it and our SIGTERM).
NOTIFY_SOCKET="$work/notify.sock" WATCHDOG_USEC=2000000 \
  setpriv --reuid=yimen --regid=yimen --init-groups -- /usr/bin/yimen-server --pg "$pg_url" --listen 127.0.0.1:0 >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
port=""
for _ in $(seq 300); do
  port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/server.out")
  [[ -n "$port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err"; fail "yimen-server exited"; }
  sleep 0.1
done
[[ -n "$port" ]] || { cat "$work/server.err"; fail "yimen-server did not listen"; }
health=$(curl -sS -w ' %{http_code}' "http://127.0.0.1:$port/healthz")
echo "/healthz: $health"
[[ "$health" == *" 200" ]] || fail "/healthz did not answer 200"
for _ in $(seq 100); do
  (($(grep -c ' WATCHDOG=1$' "$work/notify.log" || true) >= 3)) && break
  sleep 0.1
done
kill -TERM "$server_pid"
wait "$server_pid" || fail "yimen-server exited non-zero after SIGTERM"
server_pid=""
wait "$listener_pid" || true
echo "notify messages (seconds since the listener started):"
cat "$work/notify.log"
grep -q ' READY=1 STATUS=listening on 127.0.0.1:' "$work/notify.log" || fail "no READY=1"
pings=$(grep -c ' WATCHDOG=1$' "$work/notify.log" || true)
((pings >= 3)) || fail "$pings WATCHDOG=1 pings, expected 3 or more"
tail -n 1 "$work/notify.log" | grep -q ' STOPPING=1$' || fail "the last message is not STOPPING=1"
first_ready=$(awk '/READY=1/ {print NR; exit}' "$work/notify.log")
first_ping=$(awk '/WATCHDOG=1/ {print NR; exit}' "$work/notify.log")
((first_ready < first_ping)) || fail "WATCHDOG=1 before READY=1"
awk '/WATCHDOG=1/ { if (last != "") printf "watchdog interval: %.3f s\n", $1 - last; last = $1 }' \
  "$work/notify.log"

step "yimen-server under systemd"
if [[ "$(ps -p 1 -o comm=)" == systemd && -d /run/systemd/system ]]; then
  # The packaged unit with the test's database and port instead of the config file.
  mkdir -p /run/systemd/system/yimen-server.service.d
  cat >/run/systemd/system/yimen-server.service.d/test.conf <<EOF
[Service]
ExecStart=
ExecStart=/usr/bin/yimen-server --pg $pg_url --listen 127.0.0.1:18443
WatchdogSec=4
EOF
  systemctl daemon-reload
  systemctl start yimen-server.service || { journalctl -u yimen-server -n 50 --no-pager; fail "systemctl start"; }
  sleep 5  # past one WatchdogSec: still active means the pings arrive
  systemctl is-active yimen-server.service || fail "yimen-server is not active after WatchdogSec"
  curl -fsS "http://127.0.0.1:18443/healthz" || fail "/healthz under systemd"
  systemctl stop yimen-server.service
  rm -rf /run/systemd/system/yimen-server.service.d
  systemctl daemon-reload
else
  echo "systemd is not PID 1 here (PID 1: $(ps -p 1 -o comm=)): the unit is checked by"
  echo "systemd-analyze verify and the notify protocol by the stand-in above"
fi

step "yimen-kiosk from /usr/bin, headless, a UI script on the installed assets"
"$src/tests/ui/run_ui_script.sh" /usr/bin/yimen-kiosk "$src/tests/ui/dibao_apply.script" \
  "$work/ui" 1 >"$work/ui.log" 2>&1 || { tail -n 40 "$work/ui.log"; fail "the UI script failed"; }
grep -E '^(database|ready)' "$work/ui.log" || true

step "purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq yimen-kiosk yimen-server yimen-common \
  >"$work/apt-purge.log" 2>&1 || { cat "$work/apt-purge.log"; fail "apt-get purge"; }
for f in /usr/bin/yimen-kiosk /usr/bin/yimen-server /usr/bin/yimen-admin /usr/share/yimen \
         /var/lib/yimen /etc/yimen "$unit_dir/yimen-server.service"; do
  [[ ! -e "$f" ]] || fail "$f is still there after purge"
done
getent passwd yimen >/dev/null || fail "purge removed the yimen user (Debian leaves it)"
echo "purged: binaries, assets, /etc/yimen and /var/lib/yimen gone; the yimen user stays"
echo "PASS"
