#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the benchmarks need, and the
# JavaScript test dependencies. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
  g++ cmake ninja-build pkg-config
  libboost1.81-dev libpugixml-dev libsqlite3-dev libssl-dev libcli11-dev
  libspdlog-dev libfmt-dev libcurl4-openssl-dev libqrencode-dev libpng-dev zlib1g-dev libmimalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk nginx-light curl
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# JavaScript SDK for the end-to-end tests (npm registry).
if [ "${ORGROOT_SKIP_NPM:-0}" != "1" ] && [ -f tests/js/package.json ]; then
  (cd tests/js && { [ -d node_modules ] || npm install --no-audit --no-fund --loglevel=error; })
fi
