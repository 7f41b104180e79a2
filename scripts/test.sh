#!/usr/bin/env bash
# Installs what is missing, builds and runs every test. Three builds:
#   build/ci    Release with -Werror: the kiosk, the server, UI scripts, integration tests
#   build/asan  ASan + UBSan: every unit test, and the server's integration tests
#               (tests/server: the server core in-process, yimen-server, yimen-admin)
#   build/fuzz  clang + libFuzzer: each harness for a short run (label "fuzz")
# The builds are CMakePresets.json's "ci" and "asan" and tests/fuzz's "fuzz". The C/C++
# lines a change touched are held to .clang-format and .clang-tidy
# (scripts/lint-changed.sh). Then the Debian packages: scripts/package.sh builds them
# from build/ci and the package.install test installs them on this machine, runs them
# and purges them.
# Exits non-zero on any failure; ends with one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/deps.sh

# The API tools (tools/apicheck: @redocly/cli for the lint, Prism for tests/api),
# pinned by package-lock.json. npm ci runs only when the lock file differs from the
# one node_modules was installed from, so a second run costs nothing.
# The console's and the phone page's browser tests (tests/console, tests/phone:
# puppeteer-core and axe-core) the same way;
# PUPPETEER_SKIP_DOWNLOAD: they drive Debian's chromium, never a downloaded browser.
apicheck=tools/apicheck
for npm_dir in "$apicheck" tests/console tests/phone; do
  lock_sum=$(sha256sum "$npm_dir/package-lock.json" | cut -d' ' -f1)
  if [[ "$(cat "$npm_dir/node_modules/.yimen-lock" 2>/dev/null || true)" != "$lock_sum" ]]; then
    echo "== npm ci ($npm_dir)"
    (cd "$npm_dir" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" >"$npm_dir/node_modules/.yimen-lock"
  fi
done

jobs=$(nproc)
# ccache, when the machine has it, makes a second run on the same machine cheap; the
# base dir lets a clone in another folder hit the same cache. Presets cannot be
# conditional, so the launcher is given on the command line.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
export CTEST_OUTPUT_ON_FAILURE=1

echo "== build: release (-Werror)"
# Installed under /usr, as the packages are (scripts/package.sh reuses this build).
cmake --preset ci "${launcher[@]}" >/dev/null
cmake --build --preset ci -j"$jobs"

echo "== build: asan+ubsan (unit tests)"
cmake --preset asan "${launcher[@]}" >/dev/null
cmake --build --preset asan -j"$jobs"

# A project of its own (tests/fuzz/CMakeLists.txt): domain + protocol sources only.
# Its presets (tests/fuzz/CMakePresets.json) are read from the current directory.
echo "== build: libFuzzer harnesses (clang)"
(cd tests/fuzz && cmake --preset fuzz "${launcher[@]}" >/dev/null)
cmake --build build/fuzz -j"$jobs"

passed=0
failed=0
run_ctest() {
  local dir=$1
  shift
  local log
  log=$(mktemp)
  set +e
  ctest --test-dir "$dir" -j"$jobs" --timeout 900 "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  local line
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
  if [[ -n "$line" ]]; then
    local total fail
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
    fail=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$line")
    passed=$((passed + total - fail))
    failed=$((failed + fail))
  elif [[ $rc -ne 0 ]]; then
    failed=$((failed + 1))
  fi
  rm -f "$log"
  return 0
}

# docs/api/openapi.yaml must pass Redocly's recommended rules (redocly.yaml).
echo "== API description: redocly lint"
if REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
     "$apicheck/node_modules/.bin/redocly" lint --config redocly.yaml --format=stylish; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

# New and changed C/C++ lines only (the rule for "changed": scripts/lint-changed.sh).
echo "== C/C++ format of the changed lines (clang-format)"
if scripts/lint-changed.sh format; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi
echo "== clang-tidy on the changed .cpp files (build/ci's compile_commands.json)"
if scripts/lint-changed.sh tidy build/ci; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

echo "== unit tests (asan+ubsan)"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_ctest build/asan -L unit
# The server under the sanitizers: tests/server and the fail-over fleet run, the test
# binaries and every yimen-server / yimen-admin they start built with ASan + UBSan.
# Children report to files (log_path): a report from any process fails the step, even
# when its test passed (a leak at a server's exit, an error in a killed child).
# fleet.smoke is left out: its storms measure timing, which ASan only slows down.
echo "== server integration tests (asan+ubsan)"
san_logs="$root/build/asan/sanitizer-logs"
rm -rf "$san_logs"
mkdir -p "$san_logs"
chmod 0777 "$san_logs"
ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1:log_path=$san_logs/asan" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$san_logs/ubsan" \
  run_ctest build/asan -L integration -E '^fleet\.smoke$'
if compgen -G "$san_logs/*" >/dev/null; then
  echo "sanitizer reports from the server integration tests:"
  cat "$san_logs"/*
  failed=$((failed + 1))
fi

echo "== every test, release build (also the UI unit tests the asan build leaves out)"
run_ctest build/ci -LE package

# Installs packages on this machine: alone, after everything else has run.
echo "== Debian packages: build (scripts/package.sh), install, run, purge"
if scripts/package.sh build/ci; then
  run_ctest build/ci -L package
else
  echo "scripts/package.sh failed"
  failed=$((failed + 1))
fi

echo "== fuzz harnesses, short runs (scripts/fuzz.sh for the long one)"
run_ctest build/fuzz -L fuzz

echo "test.sh: ${passed} passed, ${failed} failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
