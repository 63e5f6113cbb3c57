#!/usr/bin/env python3
"""HTTP benchmark of STS AssumeRole (orgroot and moto_server side by side) and AssumeRoot (orgroot).

  * AssumeRole: requests/s and p50/p99 of a SigV4-signed `sts:AssumeRole` of one role (trust policy
    naming the account), at keep-alive concurrency 1, 8 and 64, against orgroot
    (`server --in-memory --threads 1`) and moto_server in the same run, the servers taking turns
    point by point; the orgroot/moto ratio at 8 connections is checked against the target (>= 50x).
    Every orgroot AssumeRole evaluates the trust policy and the caller's identity policies, stores a
    session and writes an audit-trail record.
  * AssumeRoot: requests/s and p50/p99 at 8 connections of `sts:AssumeRoot`
    (IAMAuditRootUserCredentials on a member account) against orgroot run with `--data-dir`, so
    every call's trail record is written to the SQLite file on disk. The organization is set up as
    the feature needs it: all features, trusted access for iam.amazonaws.com,
    RootCredentialsManagement and RootSessions enabled, one member account created.

wrk replays one pre-signed request (bench/wrk_replay.lua); servers run on CPU --server-cpu, wrk on
--client-cpu, as in http_bench.py. The report is printed and written to bench/results/sts_latest.md
(every run's numbers in sts_latest.json).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import http_bench as hb  # noqa: E402  (the shared harness: wrk runs, CPU accounting, process control)

try:
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.config import Config
    from botocore.credentials import Credentials
except ImportError:  # pragma: no cover
    sys.exit("sts_bench.py needs boto3 and botocore")

REGION = hb.REGION
ROLE_NAME = "bench-role"
TASK_POLICY = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
TARGET_MOTO_RATIO = 50.0
log = hb.log
RAW: dict = {"points": []}  # every single run, for sts_latest.json


def sign_query(port: int, service: str, params: dict[str, str], key: str, secret: str,
               token: str | None = None) -> hb.Request:
    """A POST / query-protocol request, SigV4-signed by botocore as the SDKs sign it."""
    host = f"127.0.0.1:{port}"
    body = urllib.parse.urlencode(params)
    aws = AWSRequest(method="POST", url=f"http://{host}/", data=body.encode(),
                     headers={"Host": host, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                              "User-Agent": hb.USER_AGENT})
    SigV4Auth(Credentials(key, secret, token), service, REGION).add_auth(aws)
    return hb.Request("POST", "/", [(k, v) for k, v in aws.headers.items()], body.encode())


def client(port: int, service: str, key: str, secret: str, token: str | None = None):
    return boto3.session.Session().client(
        service, region_name=REGION, endpoint_url=f"http://127.0.0.1:{port}", aws_access_key_id=key,
        aws_secret_access_key=secret, aws_session_token=token,
        config=Config(retries={"total_max_attempts": 1}, read_timeout=60))


def assume_role_params(role_arn: str) -> dict[str, str]:
    return {"Action": "AssumeRole", "Version": "2011-06-15", "RoleArn": role_arn, "RoleSessionName": "bench",
            "DurationSeconds": "900"}


def assume_root_params(target: str) -> dict[str, str]:
    return {"Action": "AssumeRoot", "Version": "2011-06-15", "TargetPrincipal": target,
            "TaskPolicyArn.arn": TASK_POLICY, "DurationSeconds": "900"}


class Orgroot(hb.Server):
    """orgroot, in memory or on a data directory, with the bench admin key."""

    name = "orgroot"

    def __init__(self, args, workdir, *, data_dir: Path | None = None, extra: list[str] | None = None):
        super().__init__(args, workdir)
        self.data_dir = data_dir
        self.extra = extra or []
        self.account = ""

    def command(self, port):
        cmd = [str(self.args.bin), "server", "--listen", f"127.0.0.1:{port}", "--threads", str(self.args.threads),
               "--admin-access-key-id", hb.ADMIN_KEY_ID, "--admin-secret-access-key", hb.ADMIN_SECRET]
        cmd += ["--data-dir", str(self.data_dir)] if self.data_dir else ["--in-memory"]
        return cmd + self.extra

    def probe_request(self, port):
        return hb.sign_sts(port, hb.GCI_BODY, hb.ADMIN_KEY_ID, hb.ADMIN_SECRET)

    def client(self, service: str):
        return client(self.port, service, hb.ADMIN_KEY_ID, hb.ADMIN_SECRET)

    def signed(self, params: dict[str, str]) -> hb.Request:
        return sign_query(self.port, "sts", params, hb.ADMIN_KEY_ID, hb.ADMIN_SECRET)


class Moto(hb.Moto):
    def client(self, service: str):
        return client(self.port, service, hb.FAKE_KEY_ID, hb.FAKE_SECRET)

    def signed(self, params: dict[str, str]) -> hb.Request:
        return sign_query(self.port, "sts", params, hb.FAKE_KEY_ID, hb.FAKE_SECRET)


def create_bench_role(srv) -> str:
    """The role AssumeRole takes: trusted by the caller's account."""
    account = srv.client("sts").get_caller_identity()["Account"]
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                                                     "Action": "sts:AssumeRole"}]}
    return srv.client("iam").create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def setup_root_access(srv: Orgroot, members: int = 1) -> list[str]:
    """Organization with all features, trusted access for IAM, both root-access features, members."""
    org = srv.client("organizations")
    org.create_organization(FeatureSet="ALL")
    org.enable_aws_service_access(ServicePrincipal="iam.amazonaws.com")
    iam = srv.client("iam")
    iam.enable_organizations_root_credentials_management()
    iam.enable_organizations_root_sessions()
    return create_members(org, members)


def create_members(org, n: int, prefix: str = "bench-member") -> list[str]:
    ids = [org.create_account(Email=f"{prefix}-{i}@example.com", AccountName=f"{prefix}-{i}")["CreateAccountStatus"]["Id"]
           for i in range(n)]
    accounts, pending = [], set(ids)
    deadline = time.monotonic() + 60 + n * 0.5
    while pending:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(pending)} CreateAccount requests still IN_PROGRESS")
        for rid in list(pending):
            st = org.describe_create_account_status(CreateAccountRequestId=rid)["CreateAccountStatus"]
            if st["State"] == "SUCCEEDED":
                accounts.append(st["AccountId"])
                pending.discard(rid)
            elif st["State"] == "FAILED":
                raise RuntimeError(f"CreateAccount failed: {st.get('FailureReason')}")
        if pending:
            time.sleep(0.2)
    return accounts


def check(srv, req: hb.Request, field: str, what: str) -> None:
    status, _, body = hb.http_exchange(srv.port, req)
    if status != 200 or not hb.xml_text(body, field):
        raise RuntimeError(f"{srv.name} {what}: HTTP {status}: {body[:400]!r}")


def point_row(label: str, conns: int, runs: list[dict]) -> str:
    med = lambda k: statistics.median(r[k] for r in runs)  # noqa: E731
    rps = [r["rps"] for r in runs]
    spread = (max(rps) - min(rps)) / statistics.median(rps) * 100 if statistics.median(rps) else 0
    errors = sum(r["errors"] for r in runs)
    return (f"| {label} | {conns} | {hb.fmt_rps(med('rps'))} | {spread:.0f}% | {hb.fmt_ms(med('p50_us'))} "
            f"| {hb.fmt_ms(med('p99_us'))} | {errors} | {med('server_cpu'):.2f} | {med('other_cpu'):.2f} "
            f"| {med('cpu_us_per_req'):.1f} |")


TABLE_HEAD = ["| server | conns | req/s | spread | p50 ms | p99 ms | errors | server CPU | other CPU | server CPU µs/req |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]


def run_points(args, servers: dict, reqfiles: dict, conns: list[int], gate: hb.QuietGate,
               points: dict, problems: list[str], tag: str) -> None:
    names = list(servers)
    for rep in range(args.repeat):
        order = names[rep % len(names):] + names[: rep % len(names)]
        for c in conns:
            for name in order:
                srv = servers[name]
                if not srv.alive():
                    problems.append(f"{tag}: {name} died (exit {srv.proc.returncode}); log tail:\n```\n"
                                    f"{srv.log_tail()}\n```")
                    continue
                time.sleep(0.2)
                gate.wait()
                res = hb.run_wrk(args, srv.port, reqfiles[name](), c, args.duration, srv.proc.pid)
                points.setdefault((name, c), []).append(res)
                RAW["points"].append({"bench": tag, "server": name, "conns": c, "rep": rep + 1, **res})
                log(f"{tag} rep {rep + 1} {name:7} c={c:<3} {res['rps']:9.0f} req/s p50 {res['p50_us'] / 1000:.3f} ms "
                    f"p99 {res['p99_us'] / 1000:.3f} ms errors {res['errors']}")
                if res["errors"]:
                    problems.append(f"{tag}: {name} c={c} rep {rep + 1}: {res['errors']} errors "
                                    f"(HTTP>=400 {res['err_status']}, timeouts {res['err_timeout']}) "
                                    f"in {res['requests']} requests")


def bench_assume_role(args, workdir: Path, gate: hb.QuietGate, problems: list[str]) -> list[str]:
    servers: dict = {}
    if "orgroot" in args.servers:
        servers["orgroot"] = Orgroot(args, workdir)
    if "moto" in args.servers:
        servers["moto"] = Moto(args, workdir)
    points: dict = {}
    reqdir = workdir / "assume-role"
    reqdir.mkdir()
    try:
        reqs, arns = {}, {}
        for name, srv in servers.items():
            srv.start()
            arn = arns[name] = create_bench_role(srv)
            check(srv, srv.signed(assume_role_params(arn)), "AccessKeyId", "AssumeRole")
            log(f"assume-role: {name} up on port {srv.port}, role {arn}")

            def make(srv=srv, arn=arn, name=name):  # signed afresh for every point
                f = reqdir / f"{name}.req"
                srv.signed(assume_role_params(arn)).write_wrk_file(f)
                return f

            reqs[name] = make
            if args.warmup > 0:
                hb.run_wrk(args, srv.port, make(), 8, args.warmup)
        run_points(args, servers, reqs, args.conns, gate, points, problems, "assume-role")
        for name, srv in servers.items():
            if srv.alive():
                check(srv, srv.signed(assume_role_params(arns[name])), "AccessKeyId", "AssumeRole after the runs")
    finally:
        for name, srv in servers.items():
            code = srv.stop()
            if name == "orgroot" and code not in (0, None):
                problems.append(f"assume-role: orgroot exited with status {code} on SIGTERM (expected 0)")

    L = ["## AssumeRole: orgroot and moto_server, same run", "",
         f"One role whose trust policy names the account; `RoleSessionName=bench`, `DurationSeconds=900`. "
         f"orgroot: `server --in-memory --threads {args.threads}`; moto_server: signatures unchecked (fake keys).", ""]
    L += TABLE_HEAD
    for name in servers:
        for c in args.conns:
            if (name, c) in points:
                L.append(point_row(name, c, points[(name, c)]))
    L.append("")
    if ("orgroot", 8) in points and ("moto", 8) in points:
        o = statistics.median(r["rps"] for r in points[("orgroot", 8)])
        m = statistics.median(r["rps"] for r in points[("moto", 8)])
        oc = statistics.median(r["cpu_us_per_req"] for r in points[("orgroot", 8)])
        mc = statistics.median(r["cpu_us_per_req"] for r in points[("moto", 8)])
        ratio = o / m if m else 0
        L += ["| at c=8 | orgroot req/s | moto req/s | orgroot/moto req/s | by CPU/req | target | |",
              "|---|---:|---:|---:|---:|---:|---|",
              f"| AssumeRole | {hb.fmt_rps(o)} | {hb.fmt_rps(m)} | {ratio:.1f}× | {mc / oc if oc else 0:.1f}× "
              f"| ≥ {TARGET_MOTO_RATIO:.0f}× | {hb.verdict(ratio >= TARGET_MOTO_RATIO)} |", ""]
    return L


def bench_assume_root(args, workdir: Path, gate: hb.QuietGate, problems: list[str]) -> list[str]:
    data_dir = workdir / "assume-root-data"
    srv = Orgroot(args, workdir, data_dir=data_dir)
    points: dict = {}
    reqdir = workdir / "assume-root"
    reqdir.mkdir()
    db_bytes = 0
    try:
        srv.start()
        t0 = time.monotonic()
        member = setup_root_access(srv, 1)[0]
        log(f"assume-root: organization set up in {time.monotonic() - t0:.1f} s, member {member}")
        check(srv, srv.signed(assume_root_params(member)), "AccessKeyId", "AssumeRoot")

        def make():
            f = reqdir / "orgroot.req"
            srv.signed(assume_root_params(member)).write_wrk_file(f)
            return f

        if args.warmup > 0:
            hb.run_wrk(args, srv.port, make(), 8, args.warmup)
        run_points(args, {"orgroot": srv}, {"orgroot": make}, args.root_conns, gate, points, problems, "assume-root")
        if srv.alive():
            check(srv, srv.signed(assume_root_params(member)), "AccessKeyId", "AssumeRoot after the runs")
        db_bytes = sum(f.stat().st_size for f in data_dir.rglob("*") if f.is_file())
    finally:
        code = srv.stop()
        if code not in (0, None):
            problems.append(f"assume-root: orgroot exited with status {code} on SIGTERM (expected 0)")
    L = ["## AssumeRoot: orgroot, trail written to disk", "",
         f"`TargetPrincipal` a member account, `TaskPolicyArn` IAMAuditRootUserCredentials, `DurationSeconds=900`, "
         f"signed with the management account's admin key. orgroot: `server --data-dir DIR --threads {args.threads}` "
         f"(every call's CloudTrail record goes to the SQLite file). Data directory after the runs: "
         f"{db_bytes / 1e6:.1f} MB.", ""]
    L += TABLE_HEAD
    for c in args.root_conns:
        if ("orgroot", c) in points:
            L.append(point_row("orgroot", c, points[("orgroot", c)]))
    L.append("")
    return L


def environment(args) -> list[str]:
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    lines = [
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; git "
        f"{hb.tool_version(['git', '-C', str(hb.REPO_DIR), 'describe', '--always', '--dirty'])}",
        f"- machine: {os.cpu_count()} CPUs ({cpu}); server on CPU {args.server_cpu}, wrk on CPU {args.client_cpu}",
        f"- wrk `{hb.tool_version([args.wrk, '-v'])}`, -t1, {args.duration:g} s per point, {args.repeat} repeat(s) "
        f"(medians)",
        f"- orgroot `{hb.tool_version([str(args.bin), '--version'])}`",
    ]
    if "moto" in args.servers and "assume-role" in args.only:
        try:
            import moto  # noqa: PLC0415
            lines.append(f"- moto_server {moto.__version__}")
        except ImportError:
            lines.append("- moto_server: the moto package is not importable here")
    return lines


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(hb.REPO_DIR / "build" / "orgroot"), help="orgroot binary (default: build/orgroot)")
    ap.add_argument("--only", default="assume-role,assume-root", help="which benchmarks (default both)")
    ap.add_argument("--servers", default="orgroot,moto", help="AssumeRole: comma list of orgroot, moto")
    ap.add_argument("--conns", default="1,8,64", help="AssumeRole connection counts (default 1,8,64)")
    ap.add_argument("--root-conns", default="8", help="AssumeRoot connection counts (default 8)")
    ap.add_argument("--threads", type=int, default=1, help="orgroot --threads (default 1, one core)")
    ap.add_argument("--duration", type=float, default=5.0, help="seconds per point (default 5)")
    ap.add_argument("--repeat", type=int, default=3, help="repeats per point, medians reported (default 3)")
    ap.add_argument("--quick", action="store_true", help="smoke run: --repeat 1 --duration 2")
    ap.add_argument("--warmup", type=float, default=1.0, help="seconds of load per server before measuring")
    ap.add_argument("--wait-quiet", type=float, default=30.0,
                    help="before each point, wait up to this many seconds for other processes to use < 0.25 "
                         "cores (default 30; 0: don't check)")
    ap.add_argument("--wait-budget", type=float, default=120.0, help="most seconds spent waiting for quiet")
    ap.add_argument("--server-cpu", type=int, default=0)
    ap.add_argument("--client-cpu", type=int, default=1)
    ap.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    ap.add_argument("--wrk-timeout", type=float, default=10.0)
    ap.add_argument("--moto-server", default=None, help="moto_server executable (default: `python -m moto.server`)")
    ap.add_argument("--out", default=str(hb.RESULTS_DIR / "sts_latest.md"), help="Markdown report")
    ap.add_argument("--keep-temp", action="store_true", help="keep the temp dir (server logs, data directory)")
    args = ap.parse_args(argv)
    if args.quick:
        args.repeat, args.duration = 1, 2.0
    args.conns = [int(c) for c in args.conns.split(",") if c]
    args.root_conns = [int(c) for c in args.root_conns.split(",") if c]
    args.servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    args.bin = Path(args.bin)
    if not args.bin.is_absolute():
        cand = Path.cwd() / args.bin
        args.bin = cand if cand.exists() else hb.REPO_DIR / args.bin
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"orgroot binary not found: {args.bin} (build it or pass --bin)")
    for tool in (args.wrk, "taskset"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found")
    try:
        os.sched_setaffinity(0, {args.client_cpu})
    except OSError as e:
        log(f"warning: could not pin the harness to CPU {args.client_cpu}: {e}")
    workdir = Path(tempfile.mkdtemp(prefix="orgroot-sts-bench-"))
    gate = hb.QuietGate(args.wait_quiet, args.wait_budget)
    problems: list[str] = []
    t0 = time.monotonic()
    out_lines = ["# orgroot STS benchmark: AssumeRole and AssumeRoot", ""] + environment(args) + [""]
    try:
        if "assume-role" in args.only:
            out_lines += bench_assume_role(args, workdir, gate, problems)
        if "assume-root" in args.only:
            out_lines += bench_assume_root(args, workdir, gate, problems)
    finally:
        if args.keep_temp:
            log(f"temp dir kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    out_lines += ["Medians over the repeats. spread: (max − min) / median of req/s. errors: socket errors, timeouts "
                  "and HTTP ≥ 400 answers over all repeats. CPU columns: cores used by the server (all threads) and "
                  "by everything else but wrk (other processes: high values mean a noisy run).", ""]
    noisy = gate.waited
    out_lines += ["## Problems observed", ""]
    out_lines += [f"- {p}" for p in problems] if problems else ["- none: no errors, timeouts or crashes"]
    out_lines += ["", f"Total wall time: {time.monotonic() - t0:.0f} s, of which {noisy:.0f} s waiting for other "
                      f"processes to quiet down.", ""]
    text = "\n".join(out_lines)
    print(text)
    RAW["problems"] = problems
    hb.write_report(args, text, RAW)
    return 0


if __name__ == "__main__":
    sys.exit(main())
