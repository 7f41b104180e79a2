#!/usr/bin/env bash
# Builds the Debian packages: yimen-common, yimen-kiosk, yimen-server (packaging/
# CMakeLists.txt; docs/operations.md "Installing from packages"). Configures a Release
# build installed under /usr (ccache when the machine has it), builds, runs cpack,
# and shows each package's control data (dpkg -I) and files (dpkg -c).
#   scripts/package.sh [BUILD_DIR]     default build/package; scripts/test.sh uses build/ci
# The last lines are the .deb paths, one a line.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build/package}

launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
generator=()
[[ -f "$build/CMakeCache.txt" ]] || generator=(-G Ninja)

echo "== package: configure $build (Release, prefix /usr)" >&2
cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  "${launcher[@]}" >/dev/null
echo "== package: build" >&2
cmake --build "$build" -j"$(nproc)" --target yimen-kiosk yimen-server yimen-admin >&2
echo "== package: cpack" >&2
rm -f "$build"/yimen-*.deb
(cd "$build" && cpack -G DEB >&2)

debs=("$build"/yimen-*.deb)
for deb in "${debs[@]}"; do
  echo "== $deb" >&2
  dpkg -I "$deb" >&2
  dpkg -c "$deb" >&2
done
for deb in "${debs[@]}"; do
  readlink -f "$deb"
done
