#!/usr/bin/env bash
# Runs a photo UI script: makes the pictures to import, preloads the fake V4L2 camera
# (tests/media/fake_v4l2.c) and hands over to run_ui_script.sh with --import-dir and
# --camera /dev/video-fake.
# usage: run_photo_script.sh FIXTURES_BIN FAKE_V4L2_SO KIOSK SCRIPT OUT_DIR EXPECTED [KIOSK FLAGS...]
set -euo pipefail
fixtures=$1 fake=$2
shift 2
out=$3
# Beside OUT_DIR, which run_ui_script.sh empties first.
import_dir="$out.import"
rm -rf "$import_dir"
"$fixtures" "$import_dir"
here=$(dirname "$0")
LD_PRELOAD="$fake" exec "$here/run_ui_script.sh" "$@" --import-dir "$import_dir" --camera /dev/video-fake
