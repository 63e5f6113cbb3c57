#!/usr/bin/env python3
"""HTTP benchmark of orgroot's STS GetCallerIdentity against moto_server and nginx.

What it measures (see bench/README.md for how to read the output):

  * requests/s and p50/p99 latency of a SigV4-signed STS GetCallerIdentity, signed (a) with a
    long-term access key and (b) with GetSessionToken credentials (X-Amz-Security-Token), at
    keep-alive concurrency 1, 8 and 64, driven by `wrk -t1 -cN --latency` replaying one fixed,
    pre-signed request (bench/wrk_replay.lua);
  * the same figures, in the same run and interleaved with orgroot's, for moto_server (the same
    request signed with fake keys; moto does not verify signatures) and for nginx (one worker,
    `return 200` with a body the size of orgroot's answer): nginx is the practical ceiling of
    this machine for one core serving small keep-alive requests;
  * time from process start to the first answered GetCallerIdentity (median of several starts);
  * orgroot's resident memory (VmRSS) when idle after start, and after the load runs.

The server under test runs on one core (taskset -c SERVER_CPU) and wrk on another
(taskset -c CLIENT_CPU); this script pins itself to the client core too. Every point is measured
--repeat times, the servers taking turns, and medians are reported. The Markdown report is
printed and written to bench/results/latest.md (raw numbers in bench/results/latest.json).

Usage:
  python3 bench/http_bench.py --bin build/orgroot           # full run, ~4-5 minutes
  python3 bench/http_bench.py --bin build/orgroot --quick   # smoke run: 1 repeat, 2 s per point
  python3 bench/http_bench.py --servers nginx,moto --quick  # the harness without orgroot

Needs: wrk, taskset, nginx (/usr/sbin/nginx), moto_server (the `moto` Python package), botocore.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

try:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:  # pragma: no cover
    sys.exit("http_bench.py needs botocore (python3 -m pip install botocore, or Debian's python3-botocore)")

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
LUA_SCRIPT = BENCH_DIR / "wrk_replay.lua"
RESULTS_DIR = BENCH_DIR / "results"

ADMIN_KEY_ID = "AKIAORGROOTBENCH0001"
ADMIN_SECRET = "orgrootBenchSecret/0123456789abcdefghijk"
assert len(ADMIN_SECRET) == 40
FAKE_KEY_ID = "AKIAIOSFODNN7EXAMPLE"  # for moto, which does not check signatures
FAKE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
GCI_BODY = "Action=GetCallerIdentity&Version=2011-06-15"
GST_BODY = "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=3600"
USER_AGENT = "orgroot-http-bench/1 botocore-sigv4"

VARIANT_LABEL = {
    "longterm": "long-term key",
    "session": "session token",
    "static": "fixed response",
}

# Targets from the performance issue; checked (and printed) as measured, pass or fail.
TARGET_MOTO_RATIO = 50.0
TARGET_NGINX_RATIO = 1.0 / 3.0
TARGET_P99_C64_MS = 5.0
TARGET_STARTUP_MS = 50.0
TARGET_IDLE_RSS_MB = 30.0


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Requests


@dataclass
class Request:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes

    def raw(self, connection_close: bool = False) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1"]
        lines += [f"{k}: {v}" for k, v in self.headers]
        lines.append(f"Content-Length: {len(self.body)}")
        if connection_close:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body

    def write_wrk_file(self, path: Path) -> None:
        head = [self.method, self.path] + [f"{k}: {v}" for k, v in self.headers]
        path.write_bytes(("\n".join(head) + "\n\n").encode() + self.body)


def sign_sts(port: int, body: str, key_id: str, secret: str, token: str | None = None) -> Request:
    """A POST / query-protocol STS request signed with SigV4 by botocore, as an SDK sends it."""
    host = f"127.0.0.1:{port}"
    aws = AWSRequest(
        method="POST",
        url=f"http://{host}/",
        data=body.encode(),
        headers={
            "Host": host,
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "User-Agent": USER_AGENT,
        },
    )
    SigV4Auth(Credentials(key_id, secret, token), "sts", REGION).add_auth(aws)
    return Request("POST", "/", [(k, v) for k, v in aws.headers.items()], body.encode())


def http_exchange(port: int, req: Request, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection (Connection: close); returns status, headers, body."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(req.raw(connection_close=True))
        chunks = []
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    if "content-length" in headers:
        body = body[: int(headers["content-length"])]
    return status, headers, body


def xml_text(body: bytes, name: str) -> str | None:
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] == name:
            return (el.text or "").strip()
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------
# Processes


def proc_status_kb(pid: int, field_name: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def process_tree(pid: int) -> list[int]:
    """pid and its descendants (for nginx: master and worker)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def rss_mb(pid: int, field_name: str = "VmRSS") -> float | None:
    total = 0
    found = False
    for p in process_tree(pid):
        kb = proc_status_kb(p, field_name)
        if kb is not None:
            total += kb
            found = True
    return total / 1024.0 if found else None


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of pid and its descendants (all threads), in seconds."""
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / CLK_TCK


def machine_cpu() -> tuple[float, float]:
    """(busy, steal) seconds summed over all CPUs since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (v + [0] * 8)[:8]
    return (user + nice + system + irq + softirq) / CLK_TCK, steal / CLK_TCK


class QuietGate:
    """Before each measurement, waits until other processes use < threshold cores (sampled over
    `sample` s), for at most `per_wait` s each time and `budget` s over the whole run."""

    def __init__(self, per_wait: float, budget: float, threshold: float = 0.25, sample: float = 0.5):
        self.per_wait, self.budget, self.threshold, self.sample = per_wait, budget, threshold, sample
        self.waited = 0.0
        self.announced = False

    def wait(self) -> float:
        """Returns the other processes' load (cores) in the last sample."""
        if self.per_wait <= 0:
            return 0.0
        t0 = time.monotonic()
        while True:
            b0, _ = machine_cpu()
            time.sleep(self.sample)
            b1, _ = machine_cpu()
            load = (b1 - b0) / self.sample
            spent = time.monotonic() - t0
            if load < self.threshold or spent >= self.per_wait or self.waited + spent >= self.budget:
                self.waited += spent
                return load
            if not self.announced:
                log(f"machine busy ({load:.2f} cores used by others); waiting for it to quiet down "
                    f"(at most {self.per_wait:g} s a point, {self.budget:g} s in all)")
                self.announced = True


class Server:
    """A server process pinned to the server core; subclasses know how to start and query it."""

    name = "?"
    variants: tuple[str, ...] = ()

    def __init__(self, args: argparse.Namespace, workdir: Path):
        self.args = args
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.logfile: Path | None = None
        self.starts = 0
        self.crashes: list[str] = []

    # -- to override
    def command(self, port: int) -> list[str]:
        raise NotImplementedError

    def probe_request(self, port: int) -> Request:
        """What the startup measurement polls with; must answer 200 once the server is usable."""
        return sign_sts(port, GCI_BODY, FAKE_KEY_ID, FAKE_SECRET)

    def prepare(self) -> None:
        """Once the long-running instance is up: fetch whatever the variants need."""

    def request(self, variant: str) -> Request:
        raise NotImplementedError

    # -- common
    def spawn(self, port: int) -> subprocess.Popen:
        self.starts += 1
        self.logfile = self.workdir / f"{self.name}-{self.starts}.log"
        out = open(self.logfile, "wb")
        cmd = ["taskset", "-c", str(self.args.server_cpu)] + self.command(port)
        try:
            return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        finally:
            out.close()

    def start(self) -> None:
        self.port = free_port()
        self.proc = self.spawn(self.port)
        wait_answer(self.proc, self.port, self.probe_request(self.port), timeout=60.0)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> int | None:
        return stop_process(self.proc)

    def log_tail(self, n: int = 20) -> str:
        if not self.logfile or not self.logfile.exists():
            return ""
        lines = self.logfile.read_text(errors="replace").splitlines()
        return "\n".join(lines[-n:])


def stop_process(proc: subprocess.Popen | None, timeout: float = 10.0) -> int | None:
    if proc is None or proc.poll() is not None:
        return None if proc is None else proc.returncode
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def wait_answer(proc: subprocess.Popen, port: int, req: Request, timeout: float,
                poll_sleep: float = 0.0002, connected: list | None = None) -> float:
    """Polls with `req` until a 200 comes back; returns the perf_counter time it arrived.
    If `connected` is a list, the time of the first accepted connection is appended to it."""
    raw = req.raw(connection_close=True)
    deadline = time.perf_counter() + timeout
    last = ""
    while True:
        now = time.perf_counter()
        if now > deadline:
            raise RuntimeError(f"no 200 from port {port} within {timeout:.0f} s (last: {last})")
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode} before answering")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                if connected is not None and not connected:
                    connected.append(time.perf_counter())
                s.sendall(raw)
                data = b""
                while b"\r\n" not in data:
                    b = s.recv(4096)
                    if not b:
                        break
                    data += b
            t = time.perf_counter()
            status = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "?"
            if status == "200":
                return t
            last = f"HTTP {status}"
        except OSError as e:
            last = type(e).__name__
        time.sleep(poll_sleep)


class Orgroot(Server):
    name = "orgroot"
    variants = ("longterm", "session")

    def __init__(self, args, workdir):
        super().__init__(args, workdir)
        self.session: tuple[str, str, str] | None = None
        self.session_at = 0.0
        self.gci_body_size = 0

    def command(self, port):
        return [str(self.args.bin), "server", "--listen", f"127.0.0.1:{port}", "--in-memory",
                "--threads", "1", "--admin-access-key-id", ADMIN_KEY_ID,
                "--admin-secret-access-key", ADMIN_SECRET]

    def probe_request(self, port):
        return sign_sts(port, GCI_BODY, ADMIN_KEY_ID, ADMIN_SECRET)

    def prepare(self):
        status, _, body = http_exchange(self.port, self.request("longterm"))
        if status != 200 or xml_text(body, "Arn") is None:
            raise RuntimeError(f"orgroot GetCallerIdentity: HTTP {status}: {body[:300]!r}")
        self.gci_body_size = len(body)
        self.refresh_session()
        status, _, body = http_exchange(self.port, self.request("session"))
        if status != 200 or xml_text(body, "Arn") is None:
            raise RuntimeError(f"orgroot GetCallerIdentity with a session token: HTTP {status}: {body[:300]!r}")

    def refresh_session(self):
        status, _, body = http_exchange(self.port, sign_sts(self.port, GST_BODY, ADMIN_KEY_ID, ADMIN_SECRET))
        key, secret, token = (xml_text(body, n) for n in ("AccessKeyId", "SecretAccessKey", "SessionToken"))
        if status != 200 or not (key and secret and token):
            raise RuntimeError(f"orgroot GetSessionToken: HTTP {status}: {body[:300]!r}")
        self.session = (key, secret, token)
        self.session_at = time.monotonic()

    def request(self, variant):
        if variant == "longterm":
            return sign_sts(self.port, GCI_BODY, ADMIN_KEY_ID, ADMIN_SECRET)
        if self.session is None or time.monotonic() - self.session_at > 1800:
            self.refresh_session()
        key, secret, token = self.session
        return sign_sts(self.port, GCI_BODY, key, secret, token)


class Moto(Server):
    name = "moto"
    variants = ("longterm", "session")

    def __init__(self, args, workdir):
        super().__init__(args, workdir)
        self.session: tuple[str, str, str] | None = None
        self.gci_body_size = 0

    def command(self, port):
        if self.args.moto_server:
            return [self.args.moto_server, "-H", "127.0.0.1", "-p", str(port)]
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]

    def prepare(self):
        status, _, body = http_exchange(self.port, self.request("longterm"))
        if status != 200 or xml_text(body, "Arn") is None:
            raise RuntimeError(f"moto GetCallerIdentity: HTTP {status}: {body[:300]!r}")
        self.gci_body_size = len(body)
        status, _, body = http_exchange(self.port, sign_sts(self.port, GST_BODY, FAKE_KEY_ID, FAKE_SECRET))
        key, secret, token = (xml_text(body, n) for n in ("AccessKeyId", "SecretAccessKey", "SessionToken"))
        if status != 200 or not (key and secret and token):
            raise RuntimeError(f"moto GetSessionToken: HTTP {status}: {body[:300]!r}")
        self.session = (key, secret, token)

    def request(self, variant):
        if variant == "longterm":
            return sign_sts(self.port, GCI_BODY, FAKE_KEY_ID, FAKE_SECRET)
        key, secret, token = self.session
        return sign_sts(self.port, GCI_BODY, key, secret, token)


class Nginx(Server):
    """nginx, one worker, answering every request with a fixed 200 the size of orgroot's answer."""

    name = "nginx"
    variants = ("static",)

    def __init__(self, args, workdir):
        super().__init__(args, workdir)
        self.body_size = 0
        self.nginx_dir = workdir / "nginx"

    def configure(self, body: bytes) -> None:
        # The same bytes as the body it stands in for, minus what an nginx string cannot hold
        # literally ($ starts a variable, quotes and backslashes are syntax): same size, same shape.
        text = body.decode("utf-8", "replace").replace("\\", "/").replace("'", '"').replace("$", "_")
        self.body_text = text
        self.body_size = len(text.encode())

    def command(self, port):
        d = self.nginx_dir / str(port)
        d.mkdir(parents=True, exist_ok=True)
        conf = d / "nginx.conf"
        conf.write_text(f"""# written by bench/http_bench.py; removed with its temp dir
worker_processes 1;
daemon off;
master_process on;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{
  worker_connections 1024;
}}
http {{
  access_log off;
  server_tokens off;
  client_body_temp_path {d}/client_body;
  keepalive_timeout 75s;
  keepalive_requests 1000000000;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      default_type text/xml;
      add_header x-amzn-RequestId 00000000-0000-4000-8000-000000000000;
      return 200 '{self.body_text}';
    }}
  }}
}}
""")
        return [self.args.nginx, "-e", str(d / "error.log"), "-p", str(d), "-c", str(conf)]

    def prepare(self):
        status, _, body = http_exchange(self.port, self.request("static"))
        if status != 200 or len(body) != self.body_size:
            raise RuntimeError(f"nginx: HTTP {status}, {len(body)} bytes (want {self.body_size})")

    def request(self, variant):
        # The bytes orgroot gets for the long-term variant (signature unchecked here).
        return sign_sts(self.port, GCI_BODY, ADMIN_KEY_ID, ADMIN_SECRET)


# --------------------------------------------------------------------------------------------
# Measurements


def write_report(args, markdown: str, raw: dict) -> None:
    """The Markdown report to args.out and the raw numbers (with the arguments) beside it as .json."""
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(markdown)
    raw = {"args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}, **raw}
    out.with_suffix(".json").write_text(json.dumps(raw, indent=1))
    log(f"wrote {out} and {out.with_suffix('.json')}")


def run_wrk(args, port: int, reqfile: Path, conns: int, seconds: float, server_pid: int | None = None) -> dict:
    cmd = ["taskset", "-c", str(args.client_cpu), args.wrk, "-t1", f"-c{conns}", f"-d{seconds:g}s",
           "--timeout", f"{args.wrk_timeout:g}s", "--latency", "-s", str(LUA_SCRIPT), f"http://127.0.0.1:{port}/"]
    env = dict(os.environ, WRK_REQUEST_FILE=str(reqfile))
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    srv0 = cpu_seconds(server_pid) if server_pid else 0.0
    m0, st0 = machine_cpu()
    t0 = time.monotonic()
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=seconds + args.wrk_timeout + 30)
    wall = time.monotonic() - t0
    m1, st1 = machine_cpu()
    srv1 = cpu_seconds(server_pid) if server_pid else 0.0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = None
    for line in p.stdout.splitlines():
        if line.startswith("WRK_REPLAY_RESULT "):
            res = json.loads(line.split(" ", 1)[1])
    if p.returncode != 0 or res is None:
        raise RuntimeError(f"wrk failed (exit {p.returncode}):\n{p.stdout}")
    res["rps"] = res["requests"] / (res["duration_us"] / 1e6) if res["duration_us"] else 0.0
    res["errors"] = sum(res[k] for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
    # CPU use over the run, in cores: the server (all its threads), wrk, and everything else.
    wrk_cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    res["server_cpu"] = (srv1 - srv0) / wall
    res["wrk_cpu"] = wrk_cpu / wall
    res["other_cpu"] = max(0.0, (m1 - m0) - (srv1 - srv0) - wrk_cpu) / wall
    res["steal"] = (st1 - st0) / wall
    res["cpu_us_per_req"] = (srv1 - srv0) * 1e6 / res["requests"] if res["requests"] else 0.0
    return res


def measure_startup(server: Server, runs: int, settle: float, gate: "QuietGate | None" = None) -> dict:
    """Start the server `runs` times; time from spawn to the first 200, and VmRSS once idle."""
    times, listen, rss, exits = [], [], [], []
    for _ in range(runs):
        if gate:
            gate.wait()
        port = free_port()
        probe = server.probe_request(port)
        connected: list[float] = []
        t0 = time.perf_counter()
        proc = server.spawn(port)
        try:
            t1 = wait_answer(proc, port, probe, timeout=60.0, connected=connected)
            times.append((t1 - t0) * 1000.0)
            listen.append((connected[0] - t0) * 1000.0)
            time.sleep(settle)
            r = rss_mb(proc.pid)
            if r is not None:
                rss.append(r)
        finally:
            code = stop_process(proc)
            exits.append(code)
        time.sleep(0.2)
    return {"runs": runs, "ms": times, "listen_ms": listen, "idle_rss_mb": rss, "exit_codes": exits}


@dataclass
class Point:
    server: str
    variant: str
    conns: int
    runs: list[dict] = field(default_factory=list)

    def med(self, key: str) -> float:
        return statistics.median(r[key] for r in self.runs)

    def spread(self) -> float:
        v = [r["rps"] for r in self.runs]
        m = statistics.median(v)
        return (max(v) - min(v)) / m if m else 0.0

    def errors(self) -> int:
        return sum(r["errors"] for r in self.runs)


# --------------------------------------------------------------------------------------------
# Report


def fmt_ms(us: float) -> str:
    ms = us / 1000.0
    return f"{ms:.3f}" if ms < 10 else f"{ms:.1f}"


def fmt_rps(v: float) -> str:
    return f"{v:,.0f}"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "**FAIL**")


def tool_version(cmd: list[str]) -> str:
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=10)
        return p.stdout.strip().splitlines()[0] if p.stdout.strip() else "?"
    except Exception:
        return "?"


def environment(args, servers: dict[str, Server]) -> list[str]:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    rev = tool_version(["git", "-C", str(REPO_DIR), "describe", "--always", "--dirty"])
    out = [
        f"- date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}; git {rev}",
        f"- machine: {os.cpu_count()} CPUs ({cpu}), Linux {platform.release()}; "
        f"server on CPU {args.server_cpu}, wrk on CPU {args.client_cpu}",
        f"- wrk: `{tool_version([args.wrk, '-v'])}`, -t1, {args.duration:g} s per point, "
        f"{args.repeat} repeat(s) (medians), servers interleaved",
    ]
    if "orgroot" in servers:
        out.append(f"- orgroot: `{tool_version([str(args.bin), '--version'])}` "
                   f"(`server --in-memory --threads 1`)")
    if "moto" in servers:
        try:
            import moto  # noqa: PLC0415
            mv = moto.__version__
        except Exception:
            mv = "?"
        out.append(f"- moto_server {mv} (Python {platform.python_version()})")
    if "nginx" in servers:
        out.append(f"- {tool_version([args.nginx, '-v'])}, 1 worker, `return 200` with a "
                   f"{servers['nginx'].body_size}-byte body, replaying orgroot's long-term request")
    return out


def report(args, servers: dict[str, Server], points: dict, startup: dict, rss: dict, problems: list[str]) -> str:
    L = ["# orgroot HTTP benchmark: STS GetCallerIdentity", ""]
    L += environment(args, servers)
    L += ["", "## Throughput and latency", "",
          "| server | request | conns | req/s | spread | p50 ms | p99 ms | errors | server CPU | wrk CPU | other CPU | server CPU µs/req |",
          "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    order = [s for s in ("orgroot", "moto", "nginx") if s in servers]
    for s in order:
        for v in servers[s].variants:
            for c in args.conns:
                p = points.get((s, v, c))
                if not p or not p.runs:
                    L.append(f"| {s} | {VARIANT_LABEL[v]} | {c} | – | – | – | – | not measured | | | | |")
                    continue
                L.append(f"| {s} | {VARIANT_LABEL[v]} | {c} | {fmt_rps(p.med('rps'))} | {p.spread() * 100:.0f}% "
                         f"| {fmt_ms(p.med('p50_us'))} | {fmt_ms(p.med('p99_us'))} | {p.errors()} "
                         f"| {p.med('server_cpu'):.2f} | {p.med('wrk_cpu'):.2f} | {p.med('other_cpu'):.2f} "
                         f"| {p.med('cpu_us_per_req'):.1f} |")
    L += ["", "Medians over the repeats. spread: (max − min) / median of req/s. errors: socket errors, "
          "timeouts and HTTP ≥ 400 answers, summed over all repeats. CPU columns: cores used during the "
          "run by the server (all threads), by wrk, and by everything else on the machine (kernel "
          "softirq work not charged to either, and other processes: high values mean a noisy run). "
          "server CPU µs/req: the server's CPU time per answered request, which other processes disturb "
          "far less than req/s.", ""]

    # Ratios and targets
    def med(s, v, c, key="rps"):
        p = points.get((s, v, c))
        return p.med(key) if p and p.runs else None

    targets = []
    ratio_rows = []
    c8 = 8 if 8 in args.conns else None
    if "orgroot" in servers and c8:
        for v in servers["orgroot"].variants:
            o = med("orgroot", v, c8)
            m = med("moto", v, c8)
            n = med("nginx", "static", c8)
            rm = o / m if o and m else None
            rn = o / n if o and n else None
            oc, mc, nc = (med(s_, v_, c8, "cpu_us_per_req") for s_, v_ in
                          (("orgroot", v), ("moto", v), ("nginx", "static")))
            cm = mc / oc if oc and mc else None
            cn = nc / oc if oc and nc else None
            ratio_rows.append(
                f"| {VARIANT_LABEL[v]} | {fmt_rps(o) if o else '–'} | {fmt_rps(m) if m else '–'} "
                f"| {f'{rm:.1f}×' if rm else '–'} | {fmt_rps(n) if n else '–'} | {f'{rn:.2f}' if rn else '–'} "
                f"| {f'{cm:.1f}×' if cm else '–'} | {f'{cn:.2f}' if cn else '–'} |")
            targets.append((f"orgroot/moto req/s at c=8, {VARIANT_LABEL[v]}", f"≥ {TARGET_MOTO_RATIO:.0f}×",
                            f"{rm:.1f}×" if rm else "–", None if rm is None else rm >= TARGET_MOTO_RATIO))
            targets.append((f"orgroot/nginx req/s at c=8, {VARIANT_LABEL[v]}", "≥ 0.33",
                            f"{rn:.2f}" if rn else "–", None if rn is None else rn >= TARGET_NGINX_RATIO))
    if "orgroot" in servers and 64 in args.conns:
        for v in servers["orgroot"].variants:
            p99 = med("orgroot", v, 64, "p99_us")
            targets.append((f"orgroot p99 at c=64, {VARIANT_LABEL[v]}", f"< {TARGET_P99_C64_MS:g} ms",
                            f"{fmt_ms(p99)} ms" if p99 is not None else "–",
                            None if p99 is None else p99 / 1000.0 < TARGET_P99_C64_MS))
    if ratio_rows:
        L += ["## Ratios at 8 connections", "",
              "| request | orgroot req/s | moto req/s | orgroot/moto | nginx req/s | orgroot/nginx "
              "| by CPU/req: orgroot/moto | by CPU/req: orgroot/nginx |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"] + ratio_rows + \
             ["", "The last two columns compare the servers' CPU time per request instead of req/s (how many "
               "requests each would serve per core-second if it had the core to itself): a cross-check when "
               "other processes took CPU. The targets are judged on req/s.", ""]

    L += ["## Startup and memory", "",
          "| server | start → first answered GetCallerIdentity, ms: median (min–max) | start → port open, ms | idle RSS after start, MB |",
          "|---|---|---:|---:|"]
    for s in order:
        st = startup.get(s)
        if not st or not st["ms"]:
            L.append(f"| {s} | not measured | – | – |")
            continue
        ms = st["ms"]
        r = f"{statistics.median(st['idle_rss_mb']):.1f}" if st["idle_rss_mb"] else "–"
        lm = f"{statistics.median(st['listen_ms']):.1f}" if st.get("listen_ms") else "–"
        L.append(f"| {s} | {statistics.median(ms):.1f} ({min(ms):.1f}–{max(ms):.1f}, {len(ms)} starts) | {lm} | {r} |")
    L += ["", "The startup clock starts before the fork; \"port open\" is the first accepted connection, "
          "\"first answered\" the arrival of the first 200 status line. RSS of nginx: master + worker.", ""]
    if "orgroot" in startup and startup["orgroot"]["ms"]:
        st = startup["orgroot"]
        m = statistics.median(st["ms"])
        targets.append(("orgroot start → first answered request", f"< {TARGET_STARTUP_MS:g} ms", f"{m:.1f} ms",
                        m < TARGET_STARTUP_MS))
        if st["idle_rss_mb"]:
            r = statistics.median(st["idle_rss_mb"])
            targets.append(("orgroot idle RSS after start", f"< {TARGET_IDLE_RSS_MB:g} MB", f"{r:.1f} MB",
                            r < TARGET_IDLE_RSS_MB))
    if "orgroot" in rss:
        r = rss["orgroot"]
        L += [f"orgroot instance used for the load runs: VmRSS {r['idle']:.1f} MB idle after start, "
              f"{r['after']:.1f} MB after all runs (peak VmHWM {r['hwm']:.1f} MB).", ""]

    if targets:
        L += ["## Targets", "", "| target | wanted | measured | |", "|---|---|---|---|"]
        for name, want, got, ok in targets:
            L.append(f"| {name} | {want} | {got} | {verdict(ok)} |")
        L.append("")
    L += ["## Problems observed", ""]
    L += [f"- {p}" for p in problems] if problems else ["- none: no errors, timeouts or crashes"]
    L.append("")
    return "\n".join(L)


# --------------------------------------------------------------------------------------------


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(REPO_DIR / "build" / "orgroot"), help="orgroot binary (default: build/orgroot)")
    ap.add_argument("--servers", default="orgroot,moto,nginx", help="comma list of orgroot, moto, nginx")
    ap.add_argument("--conns", default="1,8,64", help="keep-alive connection counts (default 1,8,64)")
    ap.add_argument("--duration", type=float, default=5.0, help="seconds per point (default 5)")
    ap.add_argument("--repeat", type=int, default=3, help="repeats per point, medians reported (default 3)")
    ap.add_argument("--quick", action="store_true", help="smoke run: --repeat 1 --duration 2 --starts 2")
    ap.add_argument("--starts", type=int, default=5, help="starts for the startup/RSS measurement (default 5)")
    ap.add_argument("--moto-starts", type=int, default=3, help="starts of moto_server (slow) (default 3)")
    ap.add_argument("--warmup", type=float, default=1.0, help="seconds of load per server before measuring")
    ap.add_argument("--wait-quiet", type=float, default=30.0,
                    help="before each point, wait up to this many seconds for other processes to use "
                         "< 0.25 cores (default 30; 0: don't check)")
    ap.add_argument("--wait-budget", type=float, default=180.0,
                    help="most seconds spent waiting for quiet over the whole run (default 180)")
    ap.add_argument("--server-cpu", type=int, default=0)
    ap.add_argument("--client-cpu", type=int, default=1)
    ap.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    ap.add_argument("--wrk-timeout", type=float, default=10.0, help="wrk --timeout in seconds (default 10)")
    ap.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    ap.add_argument("--moto-server", default=None,
                    help="moto_server executable (default: this Python's `-m moto.server`)")
    ap.add_argument("--out", default=str(RESULTS_DIR / "latest.md"), help="Markdown report (default bench/results/latest.md)")
    ap.add_argument("--keep-temp", action="store_true", help="keep the temp dir with server logs")
    args = ap.parse_args(argv)
    if args.quick:
        args.repeat, args.duration = 1, 2.0
        args.starts, args.moto_starts = min(args.starts, 2), min(args.moto_starts, 1)
    args.conns = [int(c) for c in args.conns.split(",") if c]
    args.servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    for s in args.servers:
        if s not in ("orgroot", "moto", "nginx"):
            ap.error(f"unknown server {s!r}")
    args.bin = Path(args.bin)
    if not args.bin.is_absolute():
        cand = Path.cwd() / args.bin
        args.bin = cand if cand.exists() else REPO_DIR / args.bin
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if "orgroot" in args.servers and not os.access(args.bin, os.X_OK):
        sys.exit(f"orgroot binary not found: {args.bin} (build it, pass --bin, or --servers nginx,moto)")
    for tool in (args.wrk, "taskset", args.nginx if "nginx" in args.servers else "taskset"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found")
    ncpu = os.cpu_count() or 1
    if max(args.server_cpu, args.client_cpu) >= ncpu or args.server_cpu == args.client_cpu:
        log(f"warning: {ncpu} CPU(s); server and client cannot be on separate CPUs as asked")
    try:
        os.sched_setaffinity(0, {args.client_cpu})
    except OSError as e:
        log(f"warning: could not pin the harness to CPU {args.client_cpu}: {e}")

    workdir = Path(tempfile.mkdtemp(prefix="orgroot-http-bench-"))
    classes = {"orgroot": Orgroot, "moto": Moto, "nginx": Nginx}
    servers: dict[str, Server] = {n: classes[n](args, workdir) for n in ("orgroot", "moto", "nginx")
                                  if n in args.servers}
    points: dict[tuple, Point] = {}
    startup: dict[str, dict] = {}
    rss: dict[str, dict] = {}
    problems: list[str] = []
    t_start = time.monotonic()
    gate = QuietGate(args.wait_quiet, args.wait_budget)

    try:
        if gate.wait() >= gate.threshold:
            problems.append("the machine was not quiet at the start (other processes were using CPU)")
        # 1. Startup time and idle memory (fresh processes each time).
        for name, srv in servers.items():
            if name == "nginx":
                continue  # configured below, once the body size is known
            n = args.moto_starts if name == "moto" else args.starts
            log(f"startup: {name} x{n}")
            startup[name] = measure_startup(srv, n, settle=0.5, gate=gate)
            bad = [c for c in startup[name]["exit_codes"] if c not in (0, None, -signal.SIGTERM)]
            if name == "orgroot" and bad:
                problems.append(f"orgroot exited with status {bad} on SIGTERM during the startup runs "
                                f"(expected 0)")

        # 2. The long-running instances, checked with one real exchange each.
        for name in ("orgroot", "moto"):
            if name in servers:
                srv = servers[name]
                srv.start()
                srv.prepare()
                if name == "orgroot":
                    rss["orgroot"] = {"idle": rss_mb(srv.proc.pid) or 0.0}
                log(f"{name} up on port {srv.port}")
        if "nginx" in servers:
            ng = servers["nginx"]
            size = (servers["orgroot"].gci_body_size if "orgroot" in servers else
                    servers["moto"].gci_body_size if "moto" in servers else 400)
            probe = b"x" * size
            if "orgroot" in servers:  # the real answer's bytes, for the same shape
                _, _, probe = http_exchange(servers["orgroot"].port, servers["orgroot"].request("longterm"))
            elif "moto" in servers:
                _, _, probe = http_exchange(servers["moto"].port, servers["moto"].request("longterm"))
            ng.configure(probe)
            log(f"startup: nginx x{args.starts}")
            startup["nginx"] = measure_startup(ng, args.starts, settle=0.5, gate=gate)
            ng.start()
            ng.prepare()
            log(f"nginx up on port {ng.port} ({ng.body_size}-byte body)")

        # 3. Warm-up.
        reqdir = workdir / "requests"
        reqdir.mkdir()

        def reqfile(srv: Server, variant: str) -> Path:
            f = reqdir / f"{srv.name}-{variant}.req"
            srv.request(variant).write_wrk_file(f)
            return f

        if args.warmup > 0:
            for srv in servers.values():
                for v in srv.variants:
                    run_wrk(args, srv.port, reqfile(srv, v), 8, args.warmup)

        # 4. The points: every repeat walks all points, servers taking turns (rotated each repeat).
        names = list(servers)
        total = args.repeat * len(args.conns) * sum(len(s.variants) for s in servers.values())
        done = 0
        for rep in range(args.repeat):
            order = names[rep % len(names):] + names[: rep % len(names)]
            files = {(s.name, v): reqfile(s, v) for s in servers.values() for v in s.variants}  # fresh signatures
            for c in args.conns:
                for v in ("longterm", "session", "static"):
                    for name in order:
                        srv = servers[name]
                        if v not in srv.variants:
                            continue
                        if not srv.alive():
                            msg = (f"{name} died (exit {srv.proc.returncode}) before rep {rep + 1}, "
                                   f"{VARIANT_LABEL[v]}, c={c}; log tail:\n```\n{srv.log_tail()}\n```")
                            problems.append(msg)
                            log(msg)
                            srv.start()
                            srv.prepare()
                            files[(name, v)] = reqfile(srv, v)
                            for vv in srv.variants:
                                files[(name, vv)] = reqfile(srv, vv)
                        time.sleep(0.2)
                        gate.wait()
                        res = run_wrk(args, srv.port, files[(name, v)], c, args.duration, srv.proc.pid)
                        done += 1
                        points.setdefault((name, v, c), Point(name, v, c)).runs.append(res)
                        log(f"[{done}/{total}] rep {rep + 1} {name:7} {v:8} c={c:<3} {res['rps']:10.0f} req/s "
                            f"p50 {res['p50_us'] / 1000:.3f} ms p99 {res['p99_us'] / 1000:.3f} ms "
                            f"max {res['max_us'] / 1000:.1f} ms errors {res['errors']}")
                        if res["errors"]:
                            problems.append(
                                f"{name} {VARIANT_LABEL[v]} c={c} rep {rep + 1}: {res['errors']} errors "
                                f"(connect {res['err_connect']}, read {res['err_read']}, write {res['err_write']}, "
                                f"HTTP≥400 {res['err_status']}, timeout {res['err_timeout']}) "
                                f"in {res['requests']} requests")
                        if not srv.alive():
                            msg = (f"{name} died (exit {srv.proc.returncode}) during rep {rep + 1}, "
                                   f"{VARIANT_LABEL[v]}, c={c}; log tail:\n```\n{srv.log_tail()}\n```")
                            problems.append(msg)
                            log(msg)

        # 5. After the runs: still answering? memory?
        for name, srv in servers.items():
            if not srv.alive():
                continue
            v = srv.variants[0]
            status, _, body = http_exchange(srv.port, srv.request(v))
            if status != 200:
                problems.append(f"{name} answered HTTP {status} after the runs: {body[:200]!r}")
        if "orgroot" in servers and servers["orgroot"].alive():
            pid = servers["orgroot"].proc.pid
            rss["orgroot"]["after"] = rss_mb(pid) or 0.0
            rss["orgroot"]["hwm"] = rss_mb(pid, "VmHWM") or 0.0
            # Outliers worth a note: a max latency far above p99.
        noisy = [f"{n} {VARIANT_LABEL[v]} c={c} ({max(r['other_cpu'] for r in p.runs):.2f} cores)"
                 for (n, v, c), p in sorted(points.items()) if max(r["other_cpu"] for r in p.runs) > 0.3]
        if noisy:
            problems.append("other processes took CPU during some runs (the figures there are low and their "
                            "latency tails long): " + ", ".join(noisy))
        for (name, v, c), p in sorted(points.items()):
            if name != "orgroot":
                continue
            mx = max(r["max_us"] for r in p.runs)
            p99 = p.med("p99_us")
            if mx > max(20 * p99, 20_000):
                problems.append(f"orgroot {VARIANT_LABEL[v]} c={c}: max latency {mx / 1000:.1f} ms "
                                f"(median p99 {p99 / 1000:.3f} ms)")
    finally:
        codes = {}
        for name, srv in servers.items():
            codes[name] = srv.stop()
        if "orgroot" in servers and codes.get("orgroot") not in (0, None):
            problems.append(f"orgroot exited with status {codes['orgroot']} on SIGTERM (expected 0)")
        # Anything orgroot logged at warning level or above.
        if "orgroot" in servers:
            noisy = []
            for f in sorted(workdir.glob("orgroot-*.log")):
                for line in f.read_text(errors="replace").splitlines():
                    if any(w in line for w in (" warning ", " error ", " critical ", " warn ")):
                        noisy.append(line)
            if noisy:
                problems.append(f"orgroot logged {len(noisy)} warning/error line(s), e.g.:\n```\n"
                                + "\n".join(noisy[:10]) + "\n```")
        if args.keep_temp:
            log(f"temp dir kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    text = report(args, servers, points, startup, rss, problems)
    text += (f"\nTotal wall time: {time.monotonic() - t_start:.0f} s, of which {gate.waited:.0f} s waiting for "
             f"other processes to quiet down.\n")
    print(text)
    write_report(args, text, {
        "points": [{"server": p.server, "variant": p.variant, "conns": p.conns, "runs": p.runs}
                   for p in points.values()],
        "startup": startup,
        "rss": rss,
        "problems": problems,
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
