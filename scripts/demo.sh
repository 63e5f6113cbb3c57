#!/usr/bin/env bash
# The one command that starts the server on a fresh Debian 12 machine: installs what is missing,
# builds, and runs `orgroot server --demo` on 127.0.0.1:4570 with its data in ./orgroot-data. On the
# first start --demo seeds the demo organization of docs/walkthrough.md (its root secrets go to
# ./orgroot-data/demo.txt); later starts keep what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
ORGROOT_SKIP_NPM=1 scripts/install-deps.sh
scripts/build.sh
exec build/orgroot server --demo "$@"
