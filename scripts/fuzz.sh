#!/usr/bin/env bash
# The long fuzzing run (docs/testing.md "Fuzzing"): builds the libFuzzer harnesses in
# build/fuzz with clang, writes the seeds, runs each harness for SECONDS (default 600)
# on its corpus in build/fuzz/corpus/NAME (kept between runs, so coverage accumulates)
# and prints executions and crashes per harness. Crashing inputs land in
# build/fuzz/crashes/; exits non-zero if there is any.
#   scripts/fuzz.sh [SECONDS] [HARNESS...]     HARNESS: catalog request payload ingest sam
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
harnesses=("$@")
[[ ${#harnesses[@]} -gt 0 ]] || harnesses=(catalog request payload ingest sam)

scripts/deps.sh
(cd tests/fuzz && cmake --preset fuzz >/dev/null)  # tests/fuzz/CMakePresets.json
cmake --build build/fuzz -j"$(nproc)"
build/fuzz/yimen_fuzz_seeds build/fuzz/seeds >/dev/null
mkdir -p build/fuzz/crashes

declare -A max_len=([catalog]=262144 [request]=65536 [payload]=16384 [ingest]=131072 [sam]=8192)
status=0
summary=()
for name in "${harnesses[@]}"; do
  corpus=build/fuzz/corpus/$name
  mkdir -p "$corpus"
  log=build/fuzz/$name.log
  echo "== fuzz_$name for ${seconds}s (log: $log)"
  before=$(ls build/fuzz/crashes | grep -c "^$name-" || true)
  set +e
  "build/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len="${max_len[$name]}" -print_final_stats=1 \
    -artifact_prefix="build/fuzz/crashes/$name-" "$corpus" "build/fuzz/seeds/$name" >"$log" 2>&1
  rc=$?
  set -e
  after=$(ls build/fuzz/crashes | grep -c "^$name-" || true)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  summary+=("fuzz_$name: ${runs:-?} executions, $((after - before)) crash(es), exit $rc, corpus $(ls "$corpus" | wc -l) inputs")
  [[ $rc -eq 0 && $after -eq $before ]] || status=1
done
printf '%s\n' "${summary[@]}"
exit $status
