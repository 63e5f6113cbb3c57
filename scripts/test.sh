#!/usr/bin/env bash
# The one command that passes the tests on a fresh Debian 12 machine: installs what is missing,
# builds, runs the unit tests, then the end-to-end suites (which start their own servers).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
echo "== unit tests (ctest)"
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 300)
echo "== end-to-end tests"
ORGROOT_BIN="$PWD/build/orgroot" scripts/run-e2e.sh
