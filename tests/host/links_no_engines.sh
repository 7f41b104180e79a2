#!/usr/bin/env bash
# links_no_engines.sh KIOSK: fails when the kiosk binary links (NEEDED) an input or voice
# engine that app/ime and app/voice open with dlopen on first use.
set -euo pipefail
kiosk=$1
needed=$(readelf -d "$kiosk" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "$(wc -l <<<"$needed") libraries linked"
bad=$(grep -E '^lib(rime|zinnia|espeak-ng|opencc)\.so' <<<"$needed" || true)
if [[ -n $bad ]]; then
  echo "linked, though opened on first use: $bad" >&2
  exit 1
fi
echo "no input or voice engine linked"
