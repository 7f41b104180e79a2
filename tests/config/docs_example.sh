#!/usr/bin/env bash
# docs/operations.md "Configuration" shows packaging/etc/server.toml and kiosk.toml in
# full; this fails when a copy there differs from the file the packages install.
# usage: docs_example.sh REPO
set -euo pipefail
repo=$1
status=0
for name in server kiosk; do
  # The ```toml block right after the line naming /etc/yimen/NAME.toml.
  awk -v want="\`/etc/yimen/$name.toml\` (\`packaging/etc/$name.toml\`):" '
    $0 == want { found = 1; next }
    found && /^```toml$/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }
  ' "$repo/docs/operations.md" >"${TMPDIR:-/tmp}/docs_example_$$.toml"
  if ! diff -u "$repo/packaging/etc/$name.toml" "${TMPDIR:-/tmp}/docs_example_$$.toml"; then
    echo "docs-example: docs/operations.md's copy of $name.toml differs from packaging/etc/$name.toml" >&2
    status=1
  fi
  rm -f "${TMPDIR:-/tmp}/docs_example_$$.toml"
done
[[ $status -eq 0 ]] && echo "docs-example: both copies in docs/operations.md match packaging/etc"
exit $status
