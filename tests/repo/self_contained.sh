#!/usr/bin/env bash
# The repository must stand on its own: no file may cite design notes kept outside it
# (the project's early DESIGN/STYLE/DOMAIN/TRAPS notes, a ../shared folder). What the
# code needs from them lives in docs/design.md; cite that instead. Usage: ROOT (the
# source tree). Prints every offending line and fails if there is one.
set -euo pipefail
root=${1:?usage: self_contained.sh SOURCE_ROOT}
cd "$root"

# Built from pieces so that this file does not match itself.
notes='(DESIGN|STYLE|DOMAIN|TRAPS)' machine_dir='/work'
pattern="${notes}\\.md|${notes} decision|\\.\\./shared/|${machine_dir}/shared|shared/${notes}"

# The tracked files when this is a git checkout, else every file (a source tarball).
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- app platform sync server tests scripts tools \
    docs config packaging assets CMakeLists.txt README.md)
else
  mapfile -t files < <(find app platform sync server tests scripts tools docs config \
    packaging assets CMakeLists.txt README.md -type f -not -path '*/node_modules/*' 2>/dev/null)
fi

hits=$(printf '%s\0' "${files[@]}" | xargs -0 grep -InE "$pattern" -- 2>/dev/null || true)
echo "checked ${#files[@]} files"
if [[ -n "$hits" ]]; then
  echo "references to notes outside the repository (cite docs/design.md instead):"
  echo "$hits"
  exit 1
fi
echo "no references outside the repository"
