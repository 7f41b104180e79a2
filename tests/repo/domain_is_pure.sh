#!/usr/bin/env bash
# app/domain is what the kiosk and the server both validate with, so it includes no
# ImGui, SDL, SQLite or curl (docs/design.md "Folders and arrows"). Usage: SOURCE_ROOT.
set -euo pipefail
root=${1:?usage: domain_is_pure.sh SOURCE_ROOT}
hits=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](imgui|SDL|sqlite3|curl/)' \
  "$root/app/domain" || true)
if [[ -n "$hits" ]]; then
  echo "app/domain must not include UI, database or network headers:"
  echo "$hits"
  exit 1
fi
echo "app/domain: $(find "$root/app/domain" -name '*.h' -o -name '*.cpp' | wc -l) files, none includes ImGui, SDL, SQLite or curl"
