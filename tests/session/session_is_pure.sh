#!/usr/bin/env bash
# app/session is the kiosk's visit without a window (docs/internals/ui.md): it includes
# no ImGui, no SDL and nothing from app/ui, so tests, the ASan build and simulators
# drive it headless. Usage: SOURCE_ROOT.
set -euo pipefail
root=${1:?usage: session_is_pure.sh SOURCE_ROOT}
hits=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](imgui|SDL|ui/)' \
  "$root/app/session" || true)
if [[ -n "$hits" ]]; then
  echo "app/session must not include ImGui, SDL or app/ui headers:"
  echo "$hits"
  exit 1
fi
echo "app/session: $(find "$root/app/session" -name '*.h' -o -name '*.cpp' | wc -l) files, none includes ImGui, SDL or app/ui"
