#!/usr/bin/env python3
"""Regenerate data/models/<service>.json from an installed botocore.

The service models are AWS's (Apache-2.0), shipped inside botocore as
botocore/data/<service>/<api-version>/service-2.json(.gz). We keep them as data,
without their documentation text, so the protocol codecs can load them at run time.

Usage:
    scripts/regen-models.py [BOTOCORE_DATA_DIR_OR_PACKAGE_DIR] [--out DIR]

Without an argument the botocore importable by this python3 is used.
"""
import argparse
import gzip
import json
import os
import subprocess
import sys

SERVICES = ["sts", "iam", "organizations", "s3", "sqs", "cloudtrail"]

# Prose that the codecs never read. Everything else (shapes, traits, constraints) is kept.
PROSE_KEYS = {"documentation", "documentationUrl", "deprecatedMessage", "deprecatedSince"}


def find_botocore_dir():
    out = subprocess.run(
        [sys.executable, "-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"],
        check=True, capture_output=True, text=True)
    return out.stdout.strip()


def botocore_version(pkg_dir):
    init = os.path.join(pkg_dir, "__init__.py")
    try:
        with open(init, encoding="utf-8") as f:
            for line in f:
                if line.startswith("__version__"):
                    return line.split("=", 1)[1].strip().strip("'\"")
    except OSError:
        pass
    return "unknown"


def latest_model_path(data_dir, service):
    sdir = os.path.join(data_dir, service)
    versions = sorted(v for v in os.listdir(sdir) if v[:1].isdigit())
    if not versions:
        raise SystemExit(f"no API version directory under {sdir}")
    base = os.path.join(sdir, versions[-1], "service-2.json")
    for candidate in (base, base + ".gz"):
        if os.path.exists(candidate):
            return candidate
    raise SystemExit(f"no service-2.json(.gz) in {os.path.dirname(base)}")


def read_json(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


# Dicts whose keys are names chosen by the service (a member could be called "documentation").
NAME_KEYED = {"shapes", "operations", "members"}


def strip(node, names=False):
    if isinstance(node, dict):
        return {k: strip(v, k in NAME_KEYED and not names) for k, v in node.items()
                if names or k not in PROSE_KEYS}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("botocore", nargs="?", help="botocore package dir or its data/ dir")
    ap.add_argument("--out", default=os.path.join(here, "..", "data", "models"))
    args = ap.parse_args()

    pkg_dir = args.botocore or find_botocore_dir()
    data_dir = os.path.join(pkg_dir, "data") if os.path.isdir(os.path.join(pkg_dir, "data")) else pkg_dir
    version = botocore_version(pkg_dir if data_dir != pkg_dir else os.path.dirname(data_dir))

    os.makedirs(args.out, exist_ok=True)
    for service in SERVICES:
        src = latest_model_path(data_dir, service)
        model = strip(read_json(src))
        dst = os.path.join(args.out, service + ".json")
        with open(dst, "w", encoding="utf-8") as f:
            json.dump(model, f, separators=(",", ":"), ensure_ascii=False)
            f.write("\n")
        api = os.path.basename(os.path.dirname(src))
        print(f"{service}: {api} -> {os.path.relpath(dst)} ({os.path.getsize(dst)} bytes)")
    print(f"botocore {version}")


if __name__ == "__main__":
    main()
