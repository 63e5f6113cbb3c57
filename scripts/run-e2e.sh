#!/usr/bin/env bash
# Runs the end-to-end suites against the real orgroot binary:
#   1. the Python suite (boto3 + AWS CLI, stdlib unittest): tests/e2e/run.py
#   2. the JavaScript suite (AWS SDK v3, node's test runner):  node --test tests/js/
# Both always run; the exit status is non-zero if either failed.
# The binary is build/orgroot unless ORGROOT_BIN says otherwise. Arguments are passed to
# tests/e2e/run.py (e.g. `scripts/run-e2e.sh test_sts -k skew`).
set -uo pipefail
# A relative ORGROOT_BIN means relative to where the script was started from.
if [ -n "${ORGROOT_BIN:-}" ]; then export ORGROOT_BIN="$(realpath -m -- "$ORGROOT_BIN")"; fi
cd "$(dirname "$0")/.."

bin="${ORGROOT_BIN:-build/orgroot}"
if [ ! -x "$bin" ]; then
  echo "run-e2e: orgroot binary not found at $bin (build it, or set ORGROOT_BIN)" >&2
  exit 2
fi

py_status=0
python3 tests/e2e/run.py "$@" || py_status=$?

js_status=0
if ! command -v node >/dev/null 2>&1; then
  echo "run-e2e: node not found; the JavaScript suite did not run" >&2
  js_status=1
else
  if [ ! -d tests/js/node_modules ]; then
    (cd tests/js && npm install --no-audit --no-fund --loglevel=error) || js_status=$?
  fi
  if [ "$js_status" -eq 0 ]; then
    node --test tests/js/ || js_status=$?
  fi
fi

echo "run-e2e: python suite exit $py_status, javascript suite exit $js_status"
[ "$py_status" -eq 0 ] && [ "$js_status" -eq 0 ]
