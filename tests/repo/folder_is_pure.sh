#!/usr/bin/env bash
# A folder that must stay free of some headers, checked by its #include lines:
#   app/domain  no ImGui, SDL, SQLite or curl: the kiosk and the server both validate with
#               it (docs/design.md "Folders and arrows");
#   app/session no ImGui, SDL or app/ui: the visit without a window, which tests, the ASan
#               build and simulators drive headless (docs/internals/ui.md).
# Usage: folder_is_pure.sh SOURCE_ROOT FOLDER 'REGEX' 'WHAT'
#   REGEX matches the start of a forbidden include's path; WHAT names it in the message.
set -euo pipefail
root=${1:?usage: folder_is_pure.sh SOURCE_ROOT FOLDER REGEX WHAT}
folder=${2:?folder}
forbidden=${3:?regex}
what=${4:?what}
hits=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($forbidden)" \
  "$root/$folder" || true)
if [[ -n "$hits" ]]; then
  echo "$folder must not include $what headers:"
  echo "$hits"
  exit 1
fi
echo "$folder: $(find "$root/$folder" -name '*.h' -o -name '*.cpp' | wc -l) files, none includes $what"
