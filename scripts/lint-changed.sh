#!/usr/bin/env bash
# Holds new and changed C/C++ code to .clang-format and .clang-tidy without reformatting
# the tree (which would collide with every branch in flight): only what a change
# touched is checked.
#   scripts/lint-changed.sh format        clang-format on the changed lines only
#   scripts/lint-changed.sh tidy [BUILD]  clang-tidy on the changed .cpp files (with
#                                         BUILD's compile_commands.json, build/ci),
#                                         findings on the changed lines only
# Which change (docs/testing.md "Format and lint"), first that applies:
#   1. $YIMEN_LINT_BASE, a commit: everything since it;
#   2. on a branch: since its merge base with origin/main (or main);
#   3. on main itself (a fresh clone in CI): HEAD's own commit against its first
#      parent, so a merge commit is checked for everything it brought in.
# The working tree is compared with that base, so uncommitted edits count too.
# Exits 1 on a finding (the diff or the warnings are printed), 2 on misuse.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
build=${2:-build/ci}
paths=(app platform sync server config tools tests)

lint_base() {
  if [[ -n "${YIMEN_LINT_BASE:-}" ]]; then
    git rev-parse --verify "${YIMEN_LINT_BASE}^{commit}"
    return
  fi
  local head ref mb
  head=$(git rev-parse HEAD)
  for ref in origin/main main; do
    git rev-parse --verify -q "${ref}^{commit}" >/dev/null || continue
    mb=$(git merge-base HEAD "$ref" 2>/dev/null) || continue
    [[ "$mb" != "$head" ]] && { echo "$mb"; return; }
    break
  done
  # On main (or with no main to compare with): what HEAD's commit changed. Empty for a
  # root commit or a shallow clone that lacks the parent.
  git rev-parse --verify -q 'HEAD^1^{commit}' || true
}

base=$(lint_base)
if [[ -z "$base" ]]; then
  echo "lint: no base commit (root commit or shallow clone): nothing to compare with"
  exit 0
fi
echo "lint: changes since $(git log -1 --format='%h %s' "$base" | cut -c1-80)"

changed() {  # changed files (added, copied, modified, renamed) matching the globs
  git diff --name-only --diff-filter=ACMR "$base" -- "${paths[@]}" |
    grep -E "$1" || true
}

case "$mode" in
  format)
    command -v git-clang-format >/dev/null || { echo "lint: git-clang-format missing (scripts/deps.sh)"; exit 2; }
    mapfile -t files < <(changed '\.(c|h|cpp|hpp)$')
    echo "lint: clang-format on the changed lines of ${#files[@]} file(s)"
    [[ ${#files[@]} -eq 0 ]] && exit 0
    # git-clang-format 14 exits 0 either way: a diff in its output is the finding.
    out=$(git clang-format --binary clang-format-14 --style=file --diff \
            --extensions c,h,cpp,hpp "$base" -- "${files[@]}")
    echo "$out"
    if grep -q '^diff --git' <<<"$out"; then
      echo "lint: clang-format would change the lines above; apply with"
      echo "  git clang-format --binary clang-format-14 --extensions c,h,cpp,hpp $base"
      exit 1
    fi
    ;;
  tidy)
    db="$build/compile_commands.json"
    [[ -f "$db" ]] || { echo "lint: $db missing (configure $build first)"; exit 2; }
    mapfile -t candidates < <(changed '\.cpp$')
    files=()
    for f in "${candidates[@]}"; do
      # Only what this build compiles (tests/fuzz is its own project).
      if grep -qF "\"file\": \"$PWD/$f\"" "$db"; then files+=("$f"); else echo "lint: not in $db: $f"; fi
    done
    echo "lint: clang-tidy on ${#files[@]} changed .cpp file(s), findings on changed lines only"
    [[ ${#files[@]} -eq 0 ]] && exit 0
    # The changed lines of every changed source and header, as clang-tidy's
    # -line-filter: a finding on a line the change did not touch is not reported, so
    # touching a file does not make its older code fail. A changed header is checked
    # through the changed .cpp files that include it.
    filter=$(git diff -U0 --no-color "$base" -- "${paths[@]}" | python3 -c '
import json, re, sys
ranges, name = {}, None
for line in sys.stdin:
    if line.startswith("+++ "):
        name = line[6:].rstrip("\n") if line.startswith("+++ b/") else None
    elif line.startswith("@@") and name and re.search(r"\.(c|h|cpp|hpp)$", name):
        m = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", line)
        start, count = int(m.group(1)), int(m.group(2) or 1)
        if count:
            ranges.setdefault(name, []).append([start, start + count - 1])
print(json.dumps([{"name": n, "lines": r} for n, r in ranges.items()]))
')
    # -w: the compiler's own warnings are the GCC builds' business (-Werror there);
    # clang would add its own and turn them into errors through the build's -Werror.
    # The sed drops clang's "N warnings generated." counts of what -w and the filters hid;
    # pipefail keeps xargs's status (non-zero when any file had a finding).
    printf '%s\0' "${files[@]}" |
      xargs -0 -n 1 -P "$(nproc)" clang-tidy-14 -p "$build" --quiet --extra-arg=-w \
        "--line-filter=$filter" 2>&1 |
      sed -E '/^[0-9]+ warnings? generated\.$/d'
    ;;
  *)
    echo "usage: scripts/lint-changed.sh format | tidy [BUILD_DIR]" >&2
    exit 2
    ;;
esac
