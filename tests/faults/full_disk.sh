#!/usr/bin/env bash
# Full disk (issue 7 item 3) with a real full filesystem: the kiosk's data directory is
# a 4 MB tmpfs, filled to the last block while a resident is on the review screen
# (tests/faults/full_disk.script). Checks: the full-disk message and no receipt, the
# typed form kept, the retry after space returns committed exactly one application,
# the storage.full audit row, PRAGMA integrity_check ok. Exit 77 (skipped) when this
# machine does not let us mount a tmpfs (not root, or a container without the right).
#
# usage: full_disk.sh KIOSK OUT_DIR
set -euo pipefail
export SDL_AUDIODRIVER=dummy
kiosk=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
data=$out/data
if mountpoint -q "$data" 2>/dev/null; then umount "$data"; fi
rm -rf "$out"
mkdir -p "$data" "$out/screenshots"
if ! mount -t tmpfs -o size=4m,mode=0700 yimen-full-disk "$data" 2>"$out/mount.log"; then
  echo "full_disk: cannot mount a tmpfs here ($(cat "$out/mount.log")): skipped" >&2
  exit 77
fi
kiosk_pid=""
cleanup() {
  [[ -n "$kiosk_pid" ]] && kill "$kiosk_pid" 2>/dev/null
  umount "$data" 2>/dev/null || umount -l "$data" 2>/dev/null || true
}
trap cleanup EXIT

"$kiosk" --data-dir "$data" --add-staff wangli --pin 24681357 2>/dev/null
# The server key a deployment provisions before enrollment (without one no submit).
"$kiosk" --data-dir "$data" --provision-sealing-key "$here/../data/sealing_test_key.pub"
"$kiosk" --headless --data-dir "$data" --script "$here/full_disk.script" \
  --screenshots "$out/screenshots" 2>"$out/kiosk.log" &
kiosk_pid=$!

# Act on the script's cues: fill the disk to its last block, later free it.
filled=0 freed=0
while kill -0 "$kiosk_pid" 2>/dev/null; do
  if [[ $filled -eq 0 ]] && grep -q "FILL-DISK" "$out/kiosk.log"; then
    dd if=/dev/zero of="$data/filler" bs=4k 2>/dev/null || true  # stops at ENOSPC
    filled=1
    echo "full_disk: disk filled: $(df --output=avail -B1 "$data" | tail -1) bytes free" >&2
  fi
  if [[ $filled -eq 1 && $freed -eq 0 ]] && grep -q "FREE-DISK" "$out/kiosk.log"; then
    rm -f "$data/filler"
    freed=1
    echo "full_disk: disk freed: $(df --output=avail -B1 "$data" | tail -1) bytes free" >&2
  fi
  sleep 0.05
done
rc=0; wait "$kiosk_pid" || rc=$?
kiosk_pid=""
cat "$out/kiosk.log" >&2
[[ $rc -eq 0 ]] || { echo "full_disk: FAIL: the script failed (exit $rc)" >&2; exit 1; }
grep -q "submit failed: .*full" "$out/kiosk.log" ||
  { echo "full_disk: FAIL: the first submit was not refused for a full disk" >&2; exit 1; }

db=$data/yimen.db
apps=$(sqlite3 "$db" "SELECT count(*) FROM applications;")
outbox=$(sqlite3 "$db" "SELECT count(*) FROM outbox;")
alarms=$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE action = 'storage.full';")
integrity=$(sqlite3 "$db" "PRAGMA integrity_check;")
echo "full-disk: applications $apps, outbox $outbox, storage.full audit rows $alarms, integrity $integrity" | tee "$out/summary.txt"
[[ "$apps" == 1 && "$outbox" == 1 ]] || { echo "full_disk: FAIL: expected exactly 1 application and outbox row" >&2; exit 1; }
[[ "$alarms" -ge 1 ]] || { echo "full_disk: FAIL: no storage.full audit row" >&2; exit 1; }
[[ "$integrity" == "ok" ]] || { echo "full_disk: FAIL: integrity_check: $integrity" >&2; exit 1; }
