#!/usr/bin/env bash
# ctest voice_pinyin_oracle: pinyin-pro, pinned by package-lock.json, reads every Chinese
# sentence the kiosk can say and is compared with our yimen-pinyin (oracle.mjs).
#   run.sh BUILD/app/voice/yimen-pinyin
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [[ ! -f $here/node_modules/pinyin-pro/package.json ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --silent)
fi
exec node "$here/oracle.mjs" "$1" "$(cd "$here/../../.." && pwd)"
