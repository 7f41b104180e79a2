#!/usr/bin/env bash
# Installs the Debian packages Yimen builds, runs and tests with. Idempotent and
# quiet when everything is present: it asks dpkg first and calls apt only for what is
# missing, so a second run costs well under a second.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libsdl2-dev libimgui-dev libstb-dev libfreetype-dev libgl-dev libgl1-mesa-dri
  libsqlite3-dev sqlite3 libsodium-dev nlohmann-json3-dev libqrencode-dev libtomlplusplus-dev
  libxlsxwriter-dev
  libcurl4-openssl-dev libboost1.81-dev libssl-dev libpqxx-dev libpq-dev
  postgresql-15 postgresql-client-15
  librime-dev librime-bin rime-data-luna-pinyin rime-data-terra-pinyin rime-data-stroke
  libopencc-dev libopencc-data
  libzinnia-dev tegaki-zinnia-simplified-chinese
  espeak-ng libespeak-ng-dev librime-data-jyutping rime-essay
  nodejs chromium libkainjow-mustache-dev python3 python3-prometheus-client python3-yaml nginx prometheus
  libjpeg62-turbo-dev libpng-dev libjpeg-turbo-progs
  libcairo2-dev libpango1.0-dev cups-client poppler-utils
  zbar-tools python3-nacl
  fonts-noto-cjk fonts-dejavu-core
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  xvfb xauth procps curl openssl ccache
  clang libclang-rt-14-dev clang-format clang-format-14 clang-tidy-14
  dpkg-dev systemd cage adduser
)

# npm comes with some builds of nodejs and as its own package in Debian's.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
echo "deps: installing ${#missing[@]} package(s): ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done" >&2
