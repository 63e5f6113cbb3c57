"""Shared machinery for the orgroot end-to-end tests.

Starts the real `orgroot` binary on a free port with a temporary data directory, waits
for `/_orgroot/health`, stops it (SIGTERM / SIGINT / kill -9) and restarts it on the
same data directory. Builds boto3 clients and runs the unchanged AWS CLI against it,
and signs raw requests with botocore's SigV4 signer for the cases no SDK call can make.

Only the standard library, boto3/botocore and the `aws` command are used.
"""

from __future__ import annotations

import configparser
import contextlib
import datetime as _dt
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

# ---------------------------------------------------------------------------------------
# Environment hygiene: nothing from a real AWS setup may leak into the tests, neither
# into boto3 in this process nor into the `aws` subprocesses.
# ---------------------------------------------------------------------------------------
for _name in list(os.environ):
    if _name.startswith("AWS_"):
        del os.environ[_name]
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import boto3  # noqa: E402  (must come after the environment is cleaned)
import botocore  # noqa: E402
import botocore.auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ACCOUNT = "000000000000"
MOTO_ACCOUNT = "123456789012"
REGION = "us-east-1"
HEALTH_PATH = "/_orgroot/health"
STS_VERSION = "2011-06-15"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"

# Shapes AWS uses for identifiers.
AKIA_RE = re.compile(r"^AKIA[A-Z0-9]{16}$")
ASIA_RE = re.compile(r"^ASIA[A-Z0-9]{16}$")
SECRET_RE = re.compile(r"^[A-Za-z0-9/+]{40}$")
AIDA_RE = re.compile(r"^AIDA[A-Z0-9]{17}$")
ACCOUNT_RE = re.compile(r"^[0-9]{12}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
CLI_ERROR_RE = re.compile(
    r"An error occurred \((?P<code>[^)]+)\)(?: \(reached max retries: \d+\))? when calling the "
    r"(?P<op>\w+) operation(?: \(reached max retries: \d+\))?: (?P<msg>.*)",
    re.S)

_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def binary_path() -> Path:
    """The server binary: $ORGROOT_BIN, else build/orgroot at the repository root."""
    env = os.environ.get("ORGROOT_BIN")
    return Path(env).resolve() if env else REPO_ROOT / "build" / "orgroot"


def binary_available() -> bool:
    p = binary_path()
    return p.is_file() and os.access(p, os.X_OK)


def require_binary() -> None:
    if not binary_available():
        raise RuntimeError(
            f"orgroot binary not found or not executable at {binary_path()} "
            "(build it, or point ORGROOT_BIN at it)")


def random_access_key_id(prefix: str = "AKIA") -> str:
    return prefix + "".join(secrets.choice(_BASE32) for _ in range(16))


def random_secret() -> str:
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Creds:
    access_key_id: str
    secret_access_key: str
    session_token: Optional[str] = None

    def botocore(self) -> Credentials:
        return Credentials(self.access_key_id, self.secret_access_key, self.session_token)

    def with_secret(self, secret: str) -> "Creds":
        return Creds(self.access_key_id, secret, self.session_token)

    def with_token(self, token: Optional[str]) -> "Creds":
        return Creds(self.access_key_id, self.secret_access_key, token)

    @staticmethod
    def from_sts(credentials: Mapping[str, Any]) -> "Creds":
        return Creds(credentials["AccessKeyId"], credentials["SecretAccessKey"],
                     credentials["SessionToken"])


def read_credentials_file(path: Path, profile: str = "orgroot") -> Creds:
    cp = configparser.ConfigParser()
    with open(path, encoding="utf-8") as f:
        cp.read_file(f)
    sec = cp[profile]
    return Creds(sec["aws_access_key_id"].strip(), sec["aws_secret_access_key"].strip(),
                 sec.get("aws_session_token"))


# ---------------------------------------------------------------------------------------
# The server process
# ---------------------------------------------------------------------------------------
class ServerError(RuntimeError):
    pass


class Server:
    """One orgroot process (and its restarts) on a data directory.

    By default an admin key pair is chosen here and passed with the flags, so tests know
    it; `admin=None` leaves the server to generate one (read it with `credentials_file`).
    """

    START_TIMEOUT = 10.0
    STOP_TIMEOUT = 10.0

    def __init__(self, *, data_dir: Optional[Path] = None, in_memory: bool = False,
                 account_id: Optional[str] = None, admin: Optional[Creds] | str = "generate",
                 admin_via_env: bool = False, compat: Optional[str] = None,
                 extra_args: Iterable[str] = (), env: Optional[Mapping[str, str]] = None,
                 port: Optional[int] = None, demo: bool = False):
        require_binary()
        self._own_data_dir = data_dir is None
        self.data_dir = Path(tempfile.mkdtemp(prefix="orgroot-e2e-data-")) if data_dir is None \
            else Path(data_dir)
        self.log_dir = Path(tempfile.mkdtemp(prefix="orgroot-e2e-log-"))
        self.in_memory = in_memory
        self.account_id = account_id or DEFAULT_ACCOUNT
        self._account_flag = account_id
        if admin == "generate":
            admin = Creds(random_access_key_id(), random_secret())
        self._admin: Optional[Creds] = admin  # type: ignore[assignment]
        self.admin_via_env = admin_via_env
        self.compat = compat
        self.extra_args = list(extra_args)
        self.demo = demo  # --demo: the demo organization of docs/walkthrough.md
        self.extra_env = dict(env or {})
        self.port = port or free_port()
        self.proc: Optional[subprocess.Popen] = None
        self.starts = 0
        self._log_file = None

    # -- lifecycle ----------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"server-{self.starts}.log"

    def argv(self) -> list[str]:
        args = [str(binary_path()), "server", "--listen", f"127.0.0.1:{self.port}",
                "--data-dir", str(self.data_dir)]
        if self.in_memory:
            args.append("--in-memory")
        if self._account_flag:
            args += ["--account-id", self._account_flag]
        if self._admin is not None and not self.admin_via_env:
            args += ["--admin-access-key-id", self._admin.access_key_id,
                     "--admin-secret-access-key", self._admin.secret_access_key]
        if self.compat:
            args += ["--compat", self.compat]
        if self.demo:
            args.append("--demo")
        return args + self.extra_args

    def process_env(self) -> dict[str, str]:
        env = dict(os.environ)
        for k in ("ORGROOT_ADMIN_ACCESS_KEY_ID", "ORGROOT_ADMIN_SECRET_ACCESS_KEY"):
            env.pop(k, None)
        if self._admin is not None and self.admin_via_env:
            env["ORGROOT_ADMIN_ACCESS_KEY_ID"] = self._admin.access_key_id
            env["ORGROOT_ADMIN_SECRET_ACCESS_KEY"] = self._admin.secret_access_key
        env.update(self.extra_env)
        return env

    def start(self) -> "Server":
        if self.proc is not None and self.proc.poll() is None:
            raise ServerError("server already running")
        self.starts += 1
        self._log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL,
                                     stdout=self._log_file, stderr=subprocess.STDOUT,
                                     env=self.process_env(), start_new_session=True)
        # --demo seeds its organization before it listens.
        self.wait_healthy(self.START_TIMEOUT * 3 if self.demo else self.START_TIMEOUT)
        return self

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> dict:
        deadline = time.monotonic() + timeout
        last_err: Any = None
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise ServerError(f"orgroot exited with {self.proc.returncode} before it "
                                  f"was healthy; argv={self.argv()}\n{self.log_tail()}")
            try:
                status, _, body = http_request(self.port, "GET", HEALTH_PATH, timeout=1.0)
                if status == 200:
                    return json.loads(body)
                last_err = f"HTTP {status}: {body[:200]!r}"
            except (OSError, http.client.HTTPException, ValueError) as e:
                last_err = e
            time.sleep(0.05)
        self.kill()
        raise ServerError(f"orgroot not healthy within {timeout}s on port {self.port} "
                          f"(last: {last_err}); argv={self.argv()}\n{self.log_tail()}")

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT) -> int:
        """Sends `sig` and waits; returns the exit code (negative: killed by a signal)."""
        if self.proc is None:
            raise ServerError("server not started")
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self._close_log()
                raise ServerError(f"orgroot did not exit within {timeout}s of signal {sig}\n"
                                  f"{self.log_tail()}")
        self._close_log()
        return self.proc.returncode

    def kill(self) -> None:
        """kill -9, no chance to clean up."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self._close_log()

    def restart(self, *, hard: bool = False) -> "Server":
        """Stops (SIGTERM, or kill -9 if hard) and starts again on the same data dir/port."""
        if hard:
            self.kill()
        else:
            code = self.stop()
            if code != 0:
                raise ServerError(f"orgroot exited with {code} on SIGTERM\n{self.log_tail()}")
        return self.start()

    def close(self, remove: bool = True) -> None:
        try:
            if self.proc is not None and self.proc.poll() is None:
                try:
                    self.stop()
                except ServerError:
                    pass
        finally:
            self.kill()
            if remove:
                if self._own_data_dir:
                    shutil.rmtree(self.data_dir, ignore_errors=True)
                shutil.rmtree(self.log_dir, ignore_errors=True)

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no server log)"
        return "---- server log (tail) ----\n" + "\n".join(lines[-n:])

    # -- credentials and clients -------------------------------------------------------
    @property
    def credentials_file(self) -> Path:
        return self.data_dir / "credentials"

    @property
    def admin(self) -> Creds:
        if self._admin is not None:
            return self._admin
        return read_credentials_file(self.credentials_file)

    @property
    def admin_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:user/admin"

    def client(self, service: str, creds: Optional[Creds] = None, *, region: str = REGION,
               **config: Any):
        return make_client(self.endpoint, service, creds or self.admin, region=region,
                           **config)

    def aws(self, *args: str, creds: Optional[Creds] = None, **kw: Any) -> "CliResult":
        return run_aws(self.endpoint, list(args), creds=creds or self.admin, **kw)

    def health(self) -> tuple[int, dict, dict]:
        status, headers, body = http_request(self.port, "GET", HEALTH_PATH)
        return status, headers, json.loads(body)

    def signed(self, *args: Any, **kw: Any) -> "RawResponse":
        kw.setdefault("creds", self.admin)
        return signed_request(self.endpoint, *args, **kw)

    # -- --demo ----------------------------------------------------------------------------
    @property
    def demo_file(self) -> Path:
        return self.data_dir / "demo.txt"

    def demo_secrets(self) -> dict[str, dict[str, str]]:
        """DIR/demo.txt of a --demo server: section name -> its keys."""
        cp = configparser.ConfigParser(interpolation=None)
        with open(self.demo_file, encoding="utf-8") as f:
            cp.read_file(f)
        return {name: dict(cp[name]) for name in cp.sections()}

    def root_call(self, method: str, path: str, body: Optional[Mapping[str, Any]] = None
                  ) -> tuple[int, Any]:
        """The root user's unsigned JSON endpoints (/_orgroot/root/..., /_orgroot/mailbox/...):
        (HTTP status, decoded JSON body or None)."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else {}
        status, _, raw = http_request(self.port, method, path, body=data, headers=headers)
        try:
            return status, json.loads(raw) if raw.strip() else None
        except ValueError:
            return status, raw.decode(errors="replace")


# ---------------------------------------------------------------------------------------
# boto3
# ---------------------------------------------------------------------------------------
def make_client(endpoint: str, service: str, creds: Optional[Creds], *, region: str = REGION,
                **config: Any):
    """A boto3 client for `service` at `endpoint`, without retries (errors show at once)."""
    cfg = dict(retries={"total_max_attempts": 1, "mode": "standard"},
               connect_timeout=5, read_timeout=30)
    cfg.update(config)
    session = boto3.session.Session()
    kwargs: dict[str, Any] = dict(region_name=region, endpoint_url=endpoint,
                                  config=Config(**cfg))
    if creds is not None:
        kwargs.update(aws_access_key_id=creds.access_key_id,
                      aws_secret_access_key=creds.secret_access_key,
                      aws_session_token=creds.session_token)
    return session.client(service, **kwargs)


@contextlib.contextmanager
def signing_clock(offset: _dt.timedelta):
    """Makes botocore's SigV4 signer sign as if the clock were off by `offset`."""
    original = botocore.auth.get_current_datetime

    def skewed(*a: Any, **kw: Any):
        return original(*a, **kw) + offset

    botocore.auth.get_current_datetime = skewed
    try:
        yield
    finally:
        botocore.auth.get_current_datetime = original


class ErrorAssertions:
    """Mixin for unittest.TestCase: precise checks on AWS errors."""

    def assertClientError(self, call, code: str, status: Optional[int] = None,
                          message: Optional[str] = None, message_prefix: Optional[str] = None
                          ) -> ClientError:
        tc: unittest.TestCase = self  # type: ignore[assignment]
        with tc.assertRaises(ClientError) as cm:
            call()
        err = cm.exception.response.get("Error", {})
        meta = cm.exception.response.get("ResponseMetadata", {})
        detail = f"error={err} status={meta.get('HTTPStatusCode')}"
        tc.assertEqual(err.get("Code"), code, detail)
        if status is not None:
            tc.assertEqual(meta.get("HTTPStatusCode"), status, detail)
        if message is not None:
            tc.assertEqual(err.get("Message"), message, detail)
        if message_prefix is not None:
            tc.assertTrue(str(err.get("Message", "")).startswith(message_prefix),
                          f"message should start with {message_prefix!r}; {detail}")
        return cm.exception

    def assertCliError(self, res: "CliResult", code: str, operation: Optional[str] = None,
                       message: Optional[str] = None, message_prefix: Optional[str] = None):
        tc: unittest.TestCase = self  # type: ignore[assignment]
        tc.assertNotEqual(res.returncode, 0, f"aws should have failed: {res}")
        tc.assertEqual(res.error_code, code, f"{res}")
        if operation is not None:
            tc.assertEqual(res.error_operation, operation, f"{res}")
        if message is not None:
            tc.assertEqual(res.error_message, message, f"{res}")
        if message_prefix is not None:
            tc.assertTrue((res.error_message or "").startswith(message_prefix), f"{res}")


# ---------------------------------------------------------------------------------------
# The AWS CLI
# ---------------------------------------------------------------------------------------
@dataclass
class CliResult:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    json: Any = None
    error_code: Optional[str] = None
    error_operation: Optional[str] = None
    error_message: Optional[str] = None

    def __str__(self) -> str:
        return (f"aws {' '.join(self.argv)} -> rc={self.returncode}\n"
                f"stdout: {self.stdout[-2000:]}\nstderr: {self.stderr[-2000:]}")


def aws_env(creds: Optional[Creds], *, region: str = REGION,
            config_file: Optional[str] = None, extra: Optional[Mapping[str, str]] = None
            ) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=config_file or os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_DEFAULT_REGION=region,
               AWS_EC2_METADATA_DISABLED="true",
               AWS_MAX_ATTEMPTS="1",
               AWS_RETRY_MODE="standard",
               AWS_PAGER="")
    if creds is not None:
        env["AWS_ACCESS_KEY_ID"] = creds.access_key_id
        env["AWS_SECRET_ACCESS_KEY"] = creds.secret_access_key
        if creds.session_token:
            env["AWS_SESSION_TOKEN"] = creds.session_token
    env.update(extra or {})
    return env


def run_aws(endpoint: str, args: list[str], *, creds: Optional[Creds] = None,
            region: str = REGION, config_file: Optional[str] = None,
            env: Optional[Mapping[str, str]] = None, timeout: float = 60) -> CliResult:
    """Runs `aws --endpoint-url E --region R --output json ARGS`; parses the output."""
    aws = shutil.which("aws")
    if aws is None:
        raise RuntimeError("the AWS CLI (`aws`) is not on PATH")
    argv = ["--endpoint-url", endpoint, "--region", region, "--output", "json", *args]
    p = subprocess.run([aws, *argv], capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL,
                       env=aws_env(creds, region=region, config_file=config_file, extra=env))
    res = CliResult(argv, p.returncode, p.stdout, p.stderr)
    if p.returncode == 0:
        out = p.stdout.strip()
        res.json = json.loads(out) if out else None
    else:
        m = CLI_ERROR_RE.search(p.stderr)
        if m:
            res.error_code = m.group("code")
            res.error_operation = m.group("op")
            res.error_message = m.group("msg").strip()
    return res


# ---------------------------------------------------------------------------------------
# Raw HTTP
# ---------------------------------------------------------------------------------------
@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    error: Optional[dict[str, Optional[str]]] = field(default=None)

    def header(self, name: str) -> Optional[str]:
        for k, v in self.headers.items():
            if k.lower() == name.lower():
                return v
        return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def xml(self) -> ET.Element:
        return ET.fromstring(self.body)


def http_request(port: int, method: str, path: str, body: bytes | str | None = None,
                 headers: Optional[Mapping[str, str]] = None, timeout: float = 10.0,
                 host: str = "127.0.0.1") -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, dict(resp.getheaders()), data
    finally:
        conn.close()


def parse_aws_error(body: bytes) -> Optional[dict[str, Optional[str]]]:
    """Code/Message/Type/RequestId from an AWS XML (query or REST) or JSON error body."""
    text = body.strip()
    if not text:
        return None
    if text.startswith(b"<"):
        try:
            root = ET.fromstring(text)
        except ET.ParseError:
            return None

        def find(el: ET.Element, name: str) -> Optional[ET.Element]:
            for child in el.iter():
                if child.tag.split("}")[-1] == name:
                    return child
            return None

        err = find(root, "Error")
        if err is None:
            return None
        out: dict[str, Optional[str]] = {}
        for name in ("Code", "Message", "Type"):
            el = find(err, name)
            out[name] = el.text if el is not None else None
        rid = find(root, "RequestId")
        out["RequestId"] = rid.text if rid is not None else None
        return out if out.get("Code") else None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    code = doc.get("__type") or doc.get("code") or doc.get("Code")
    if isinstance(doc.get("Error"), dict):
        code = code or doc["Error"].get("Code")
    if not code:
        return None
    code = str(code).split("#")[-1]
    return {"Code": code, "Message": doc.get("message") or doc.get("Message"),
            "Type": None, "RequestId": None}


def signed_request(endpoint: str, method: str = "POST", path: str = "/",
                   params: Optional[Mapping[str, str]] = None, *,
                   creds: Optional[Creds] = None, service: str = "sts", region: str = REGION,
                   body: bytes | str | None = None, headers: Optional[Mapping[str, str]] = None,
                   clock_offset: Optional[_dt.timedelta] = None, timeout: float = 10.0
                   ) -> RawResponse:
    """Sends one request signed with SigV4 (Authorization header) by botocore's signer.

    POST: `params` become an x-www-form-urlencoded body (unless `body` is given).
    GET: `params` go into the query string. `creds=None` sends the request unsigned.
    """
    url = endpoint.rstrip("/") + path
    hdrs = dict(headers or {})
    data: bytes | str | None = body
    if params is not None:
        encoded = urllib.parse.urlencode(list(params.items()))
        if method.upper() in ("GET", "HEAD", "DELETE"):
            url += ("&" if "?" in url else "?") + encoded
        elif data is None:
            data = encoded
            hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    if isinstance(data, str):
        data = data.encode()
    req = AWSRequest(method=method.upper(), url=url, data=data or b"", headers=hdrs)
    if creds is not None:
        signer = botocore.auth.SigV4Auth(creds.botocore(), service, region)
        if clock_offset is not None:
            with signing_clock(clock_offset):
                signer.add_auth(req)
        else:
            signer.add_auth(req)
    prepared = req.prepare()
    parsed = urllib.parse.urlsplit(prepared.url)
    target = parsed.path or "/"
    if parsed.query:
        target += "?" + parsed.query
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        conn.request(prepared.method, target, body=prepared.body,
                     headers=dict(prepared.headers.items()))
        resp = conn.getresponse()
        raw = resp.read()
        out = RawResponse(resp.status, dict(resp.getheaders()), raw)
    finally:
        conn.close()
    out.error = parse_aws_error(raw)
    return out


def sts_params(action: str, **params: Any) -> dict[str, str]:
    out = {"Action": action, "Version": STS_VERSION}
    out.update({k: str(v) for k, v in params.items()})
    return out


def xml_text(root: ET.Element, name: str) -> Optional[str]:
    """Text of the first element called `name` (namespace ignored) under `root`."""
    for el in root.iter():
        if el.tag.split("}")[-1] == name:
            return el.text
    return None


def xml_namespace(root: ET.Element) -> Optional[str]:
    return root.tag[1:].split("}")[0] if root.tag.startswith("{") else None


def local_name(el: ET.Element) -> str:
    return el.tag.split("}")[-1]


class ServerTestCase(unittest.TestCase, ErrorAssertions):
    """One server for the whole class; subclasses set `server_kwargs`."""

    server_kwargs: dict[str, Any] = {}
    server: Server

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.server = Server(**cls.server_kwargs)
        try:
            cls.server.start()
        except BaseException:
            cls.server.close()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        code = None
        try:
            if cls.server.proc is not None and cls.server.proc.poll() is None:
                code = cls.server.stop()
            elif cls.server.proc is not None:
                code = cls.server.proc.returncode
        finally:
            tail = cls.server.log_tail()
            cls.server.close()
        super().tearDownClass()
        if code not in (0, None):
            raise AssertionError(f"orgroot exited with {code} on SIGTERM\n{tail}")
