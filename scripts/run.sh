#!/usr/bin/env bash
# One command to try Yimen: installs what is missing, builds (Release) and starts the
# kiosk. Flags are passed to yimen-kiosk (--kiosk for fullscreen, --landscape, ...).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"$(nproc)" >/dev/null

data_dir=${YIMEN_DATA_DIR:-$HOME/.local/share/yimen}
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  cat >&2 <<MSG
run.sh: built, but there is no display to show the kiosk on (DISPLAY is not set).
  Start it on a desktop or kiosk screen, or see it headless:
    build/release/app/yimen-kiosk --headless --data-dir /tmp/yimen-demo \\
        --script tests/ui/dibao_apply.script --screenshots /tmp/yimen-shots
  or in a virtual X server:
    xvfb-run -a -s "-screen 0 1080x1920x24" build/release/app/yimen-kiosk
MSG
  exit 1
fi
exec build/release/app/yimen-kiosk --data-dir "$data_dir" "$@"
