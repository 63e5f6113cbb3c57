#!/usr/bin/env python3
"""Runs every end-to-end test under tests/e2e with unittest.

    python3 tests/e2e/run.py                 # everything
    python3 tests/e2e/run.py test_sts        # one module
    python3 tests/e2e/run.py -k skew -v      # tests whose name contains "skew"

Ends with one line `N passed, N failed` (`, N skipped` when some were skipped) and
exits non-zero when anything failed or nothing ran.
"""

from __future__ import annotations

import argparse
import sys
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402  (cleans AWS_* from the environment first)


class CountingResult(unittest.TextTestResult):
    """TextTestResult that also counts passes (setUpClass errors are not tests)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.passes = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passes += 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("modules", nargs="*", help="test modules (test_sts, test_server, ...)")
    ap.add_argument("-k", dest="patterns", action="append", default=[],
                    help="only tests whose name contains this substring (repeatable)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("-f", "--failfast", action="store_true")
    args = ap.parse_args()

    if not harness.binary_available():
        print(f"orgroot binary not found or not executable at {harness.binary_path()}; "
              "build it first (cmake -B build && cmake --build build) or set ORGROOT_BIN",
              file=sys.stderr)
        print("0 passed, 0 failed")
        return 2

    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = [f"*{p}*" for p in args.patterns]
    if args.modules:
        suite = unittest.TestSuite()
        for m in args.modules:
            suite.addTests(loader.loadTestsFromName(Path(m).stem if m.endswith(".py") else m))
    else:
        suite = loader.discover(str(HERE), pattern="test_*.py", top_level_dir=str(HERE))

    started = time.monotonic()
    runner = unittest.TextTestRunner(verbosity=2 if args.verbose else 1,
                                     failfast=args.failfast, stream=sys.stdout,
                                     resultclass=CountingResult)
    result = runner.run(suite)
    elapsed = time.monotonic() - started

    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.passes + len(result.expectedFailures)
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    sys.stdout.flush()
    print(f"(e2e took {elapsed:.1f}s)")
    print(line)
    if failed or result.testsRun == 0:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
