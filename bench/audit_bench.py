#!/usr/bin/env python3
"""Time to audit every member of a large organization's root users, from one client.

Sets up orgroot (`server --data-dir DIR`, the accounts-per-organization quota raised with
`--quota`) with an organization of --members member accounts, trusted access for
iam.amazonaws.com and both root-access features enabled; then, from one client, for every member
in turn: STS AssumeRoot with the IAMAuditRootUserCredentials task policy, and IAM
GetAccountSummary signed with the root session it returned (the four `Account*Present` /
`AccountMFAEnabled` keys are what an audit reads). Reports the total seconds and the milliseconds
per account, for each client:

  * raw: SigV4 requests signed by botocore, sent over one keep-alive connection (what the
    server costs, with little client overhead);
  * boto3: `sts.assume_root(...)`, then a new boto3 IAM client with the session's credentials and
    `get_account_summary()` (what a straightforward boto3 script costs; creating the client is
    a large share of it).

The report is printed and written to bench/results/audit_latest.md (per-account times in
audit_latest.json).
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import http_bench as hb  # noqa: E402
import sts_bench as sb  # noqa: E402

log = hb.log
SUMMARY_KEYS = ("AccountPasswordPresent", "AccountAccessKeysPresent", "AccountMFAEnabled",
                "AccountSigningCertificatesPresent")


class KeepAlive:
    """One HTTP/1.1 keep-alive connection to the server."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(self, req: hb.Request) -> tuple[int, bytes]:
        headers = dict(req.headers)
        self.conn.request(req.method, req.path, body=req.body, headers=headers)
        r = self.conn.getresponse()
        return r.status, r.read()

    def close(self):
        self.conn.close()


def summary_values(body: bytes) -> dict[str, int]:
    """SummaryMap entries of a GetAccountSummary answer (query XML: entry/key, entry/value)."""
    import xml.etree.ElementTree as ET  # noqa: PLC0415

    out = {}
    root = ET.fromstring(body)
    for entry in root.iter():
        if entry.tag.rsplit("}", 1)[-1] != "entry":
            continue
        k = v = None
        for child in entry:
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "key":
                k = child.text
            elif tag == "value":
                v = child.text
        if k in SUMMARY_KEYS and v is not None:
            out[k] = int(v)
    return out


def audit_raw(port: int, members: list[str]) -> dict:
    conn = KeepAlive(port)
    per_account, assume_ms, summary_ms, results = [], [], [], {}
    t_all = time.perf_counter()
    try:
        for acct in members:
            t0 = time.perf_counter()
            status, body = conn.send(sb.sign_query(port, "sts", sb.assume_root_params(acct), hb.ADMIN_KEY_ID,
                                                    hb.ADMIN_SECRET))
            if status != 200:
                raise RuntimeError(f"AssumeRoot {acct}: HTTP {status}: {body[:300]!r}")
            key, secret, token = (hb.xml_text(body, n) for n in ("AccessKeyId", "SecretAccessKey", "SessionToken"))
            t1 = time.perf_counter()
            status, body = conn.send(sb.sign_query(port, "iam", {"Action": "GetAccountSummary", "Version": "2010-05-08"},
                                                    key, secret, token))
            if status != 200:
                raise RuntimeError(f"GetAccountSummary {acct}: HTTP {status}: {body[:300]!r}")
            results[acct] = summary_values(body)
            t2 = time.perf_counter()
            assume_ms.append((t1 - t0) * 1000)
            summary_ms.append((t2 - t1) * 1000)
            per_account.append((t2 - t0) * 1000)
    finally:
        conn.close()
    return {"total_s": time.perf_counter() - t_all, "per_account_ms": per_account, "assume_root_ms": assume_ms,
            "summary_ms": summary_ms, "results": results}


def audit_boto3(port: int, members: list[str]) -> dict:
    sts = sb.client(port, "sts", hb.ADMIN_KEY_ID, hb.ADMIN_SECRET)
    per_account, assume_ms, summary_ms, results = [], [], [], {}
    t_all = time.perf_counter()
    for acct in members:
        t0 = time.perf_counter()
        c = sts.assume_root(TargetPrincipal=acct, TaskPolicyArn={"arn": sb.TASK_POLICY}, DurationSeconds=900)["Credentials"]
        t1 = time.perf_counter()
        iam = sb.client(port, "iam", c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        m = iam.get_account_summary()["SummaryMap"]
        results[acct] = {k: m[k] for k in SUMMARY_KEYS if k in m}
        t2 = time.perf_counter()
        assume_ms.append((t1 - t0) * 1000)
        summary_ms.append((t2 - t1) * 1000)
        per_account.append((t2 - t0) * 1000)
    return {"total_s": time.perf_counter() - t_all, "per_account_ms": per_account, "assume_root_ms": assume_ms,
            "summary_ms": summary_ms, "results": results}


def pct(v: list[float], q: float) -> float:
    s = sorted(v)
    return s[min(len(s) - 1, int(q / 100 * len(s)))] if s else 0.0


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(hb.REPO_DIR / "build" / "orgroot"), help="orgroot binary (default: build/orgroot)")
    ap.add_argument("--members", type=int, default=1000, help="member accounts (default 1000)")
    ap.add_argument("--clients", default="raw,boto3", help="comma list of raw, boto3 (default both)")
    ap.add_argument("--threads", type=int, default=1, help="orgroot --threads (default 1)")
    ap.add_argument("--server-cpu", type=int, default=0, help="CPU the server is pinned to (-1: not pinned)")
    ap.add_argument("--client-cpu", type=int, default=1, help="CPU this script is pinned to (-1: not pinned)")
    ap.add_argument("--out", default=str(hb.RESULTS_DIR / "audit_latest.md"), help="Markdown report")
    ap.add_argument("--keep-temp", action="store_true", help="keep the temp dir (server log, data directory)")
    args = ap.parse_args(argv)
    args.clients = [c.strip() for c in args.clients.split(",") if c.strip()]
    args.bin = Path(args.bin)
    if not args.bin.is_absolute():
        cand = Path.cwd() / args.bin
        args.bin = cand if cand.exists() else hb.REPO_DIR / args.bin
    return args


class PinnedOrgroot(sb.Orgroot):
    def spawn(self, port):
        if self.args.server_cpu >= 0:
            return super().spawn(port)
        self.starts += 1
        self.logfile = self.workdir / f"{self.name}-{self.starts}.log"
        import subprocess  # noqa: PLC0415

        with open(self.logfile, "wb") as out:
            return subprocess.Popen(self.command(port), stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"orgroot binary not found: {args.bin} (build it or pass --bin)")
    if args.client_cpu >= 0:
        try:
            os.sched_setaffinity(0, {args.client_cpu})
        except OSError as e:
            log(f"warning: could not pin to CPU {args.client_cpu}: {e}")
    workdir = Path(tempfile.mkdtemp(prefix="orgroot-audit-bench-"))
    data_dir = workdir / "data"
    quota = ["--quota", f"organizations.accounts-per-organization={args.members + 1}"]
    srv = PinnedOrgroot(args, workdir, data_dir=data_dir, extra=quota)
    runs: dict[str, dict] = {}
    problems: list[str] = []
    setup_s = 0.0
    try:
        srv.start()
        log(f"orgroot up on port {srv.port}; creating {args.members} member accounts")
        t0 = time.monotonic()
        members = sb.setup_root_access(srv, args.members)
        setup_s = time.monotonic() - t0
        log(f"organization ready in {setup_s:.1f} s")
        for mode in args.clients:
            log(f"auditing {len(members)} members with the {mode} client")
            runs[mode] = (audit_raw if mode == "raw" else audit_boto3)(srv.port, members)
            r = runs[mode]
            log(f"{mode}: {r['total_s']:.2f} s, {r['total_s'] * 1000 / len(members):.2f} ms per account")
            incomplete = [a for a, v in r["results"].items() if len(v) != len(SUMMARY_KEYS)]
            if incomplete:
                problems.append(f"{mode}: {len(incomplete)} summaries lack some of {', '.join(SUMMARY_KEYS)}")
    finally:
        code = srv.stop()
        if code not in (0, None):
            problems.append(f"orgroot exited with status {code} on SIGTERM (expected 0)")
        if args.keep_temp:
            log(f"temp dir kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    L = ["# orgroot benchmark: auditing every member's root user", "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; git "
        f"{hb.tool_version(['git', '-C', str(hb.REPO_DIR), 'describe', '--always', '--dirty'])}; "
        f"{os.cpu_count()} CPUs; this script pinned to CPU {args.client_cpu}",
        f"- orgroot `{hb.tool_version([str(args.bin), '--version'])}`",
        ] + [
        f"- orgroot `server --data-dir DIR --threads {args.threads} "
        f"--quota organizations.accounts-per-organization={args.members + 1}`"
        + (f", pinned to CPU {args.server_cpu}" if args.server_cpu >= 0 else ""),
        f"- setup (organization, trusted access, both features, {args.members} CreateAccount requests until all "
        f"SUCCEEDED): {setup_s:.1f} s", "",
        "| client | accounts | total s | ms per account (mean) | p50 ms | p99 ms | AssumeRoot ms (mean) | "
        "GetAccountSummary ms (mean) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for mode, r in runs.items():
        n = len(r["per_account_ms"])
        L.append(f"| {mode} | {n} | {r['total_s']:.2f} | {r['total_s'] * 1000 / n:.2f} "
                 f"| {pct(r['per_account_ms'], 50):.2f} | {pct(r['per_account_ms'], 99):.2f} "
                 f"| {statistics.mean(r['assume_root_ms']):.2f} | {statistics.mean(r['summary_ms']):.2f} |")
    L.append("")
    for mode, r in runs.items():
        seen = {}
        for v in r["results"].values():
            key = ", ".join(f"{k}={v.get(k, '?')}" for k in SUMMARY_KEYS)
            seen[key] = seen.get(key, 0) + 1
        L.append(f"{mode}: what the audit found — " + "; ".join(f"{n} × ({k})" for k, n in sorted(seen.items())))
    L += ["", "One client, one request at a time: AssumeRoot (management account's admin key, "
          "IAMAuditRootUserCredentials), then GetAccountSummary in the member with the root session. "
          "Every call writes its CloudTrail record to the data directory.", "", "## Problems observed", ""]
    L += [f"- {p}" for p in problems] if problems else ["- none"]
    L.append("")
    text = "\n".join(L)
    print(text)
    raw = {mode: {k: v for k, v in r.items() if k != "results"} for mode, r in runs.items()}
    raw["setup_s"] = setup_s
    raw["problems"] = problems
    hb.write_report(args, text, raw)
    return 0


if __name__ == "__main__":
    sys.exit(main())
