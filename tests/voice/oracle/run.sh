#!/usr/bin/env bash
# ctest voice_pinyin_oracle: pinyin-pro, pinned by package-lock.json, reads every Chinese
# sentence the kiosk can say and is compared with our yimen-pinyin (oracle.mjs).
# ctest voice_cantonese_audit (--cantonese): espeak-ng yue against Rime's Jyutping.
#   run.sh BUILD/app/voice/yimen-pinyin [--cantonese]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
if [[ ${2:-} == --cantonese ]]; then
  exec python3 "$here/cantonese_audit.py" "$1" "$root"
fi
if [[ ! -f $here/node_modules/pinyin-pro/package.json ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --silent)
fi
exec node "$here/oracle.mjs" "$1" "$root" ${2:+"$2"}
