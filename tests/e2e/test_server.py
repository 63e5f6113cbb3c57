"""The HTTP server itself: health, command line, limits, odd requests, connections."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import threading
import time
import unittest

from harness import (ServerTestCase, binary_path, free_port, http_request, parse_aws_error,
                     require_binary, sts_params)

import botocore.auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402

SERVER_FLAGS = ("--listen", "--data-dir", "--in-memory", "--account-id",
                "--admin-access-key-id", "--admin-secret-access-key", "--compat")


def run_binary(*args: str, timeout: float = 15) -> subprocess.CompletedProcess:
    require_binary()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORGROOT_ADMIN_")}
    return subprocess.run([str(binary_path()), *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, env=env)


def raw_exchange(port: int, payload: bytes, *, timeout: float = 10.0
                 ) -> tuple[int, dict[str, str], bytes]:
    """Writes `payload` on a fresh connection (tolerating an early close by the server),
    then reads one HTTP response."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            sock.sendall(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass
        resp = http.client.HTTPResponse(sock)
        resp.begin()
        body = resp.read()
        return resp.status, dict(resp.getheaders()), body
    finally:
        sock.close()


class HealthTest(ServerTestCase):

    def test_health_json(self):
        status, headers, body = http_request(self.server.port, "GET", "/_orgroot/health")
        self.assertEqual(status, 200, body)
        ctype = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
        self.assertTrue(ctype.startswith("application/json"), headers)
        doc = json.loads(body)
        self.assertIsInstance(doc, dict)
        self.assertIsInstance(doc.get("version"), str, doc)
        self.assertTrue(doc["version"], doc)
        self.assertIsInstance(doc.get("uptime"), (int, float), doc)
        self.assertNotIsInstance(doc["uptime"], bool)
        self.assertGreaterEqual(doc["uptime"], 0)

    def test_uptime_grows(self):
        a = self.server.health()[2]["uptime"]
        time.sleep(1.5)
        b = self.server.health()[2]["uptime"]
        self.assertGreater(b, a)

    def test_health_needs_no_credentials(self):
        # Already shown by http_request without any signature; also with a bogus one.
        status, _, body = http_request(self.server.port, "GET", "/_orgroot/health",
                                       headers={"Authorization": "AWS4-HMAC-SHA256 bogus"})
        self.assertEqual(status, 200, body)


class CommandLineTest(unittest.TestCase):

    def test_top_level_help(self):
        p = run_binary("--help")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("server", p.stdout + p.stderr)

    def test_server_help_mentions_every_flag(self):
        p = run_binary("server", "--help")
        self.assertEqual(p.returncode, 0, p.stderr)
        text = p.stdout + p.stderr
        for flag in SERVER_FLAGS:
            with self.subTest(flag=flag):
                self.assertIn(flag, text)

    def test_bad_usage_fails(self):
        cases = [("server", "--no-such-flag"), ("no-such-command",),
                 ("server", "--listen", "not-an-address", "--in-memory")]
        for args in cases:
            with self.subTest(args=args):
                p = run_binary(*args)
                self.assertNotEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_unknown_compat_mode_fails(self):
        port = free_port()
        p = run_binary("server", "--listen", f"127.0.0.1:{port}", "--in-memory",
                       "--compat", "no-such-mode")
        self.assertNotEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_port_in_use_fails(self):
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 0))
            holder.listen(1)
            port = holder.getsockname()[1]
            p = run_binary("server", "--listen", f"127.0.0.1:{port}", "--in-memory")
            self.assertNotEqual(p.returncode, 0, p.stdout + p.stderr)


class RequestHandlingTest(ServerTestCase):

    def test_oversized_body_rejected_aws_style(self):
        size = int(os.environ.get("ORGROOT_E2E_OVERSIZE_BYTES", str(6 * 1024 ** 3)))
        head = (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{self.server.port}\r\n"
                "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
                f"Content-Length: {size}\r\n\r\n").encode()
        try:
            status, headers, body = raw_exchange(self.server.port, head + b"A" * 65536)
        except (http.client.HTTPException, ConnectionError) as e:
            self.fail(f"Content-Length {size}: the server closed the connection without an "
                      f"HTTP response ({e!r}); expected a 413/400 AWS error")
        self.assertIn(status, (400, 413), body[:500])
        err = parse_aws_error(body)
        self.assertIsNotNone(err, f"not an AWS error body: {body[:500]!r}")
        self.assertTrue(err["Code"], body[:500])
        self.assertEqual(self.server.health()[0], 200)

    def test_unknown_path(self):
        status, headers, body = http_request(self.server.port, "GET", "/no/such/path")
        self.assertGreaterEqual(status, 400, body)
        self.assertLess(status, 500, body)
        self.assertIsNotNone(parse_aws_error(body), f"not an AWS error body: {body[:500]!r}")
        status, _, body = http_request(self.server.port, "GET", "/_orgroot/no-such-thing")
        self.assertEqual(status, 404, body)

    def test_garbage_request_does_not_kill_server(self):
        for payload in (b"HELLO\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                        b"POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"):
            with self.subTest(payload=payload):
                try:
                    status, _, _ = raw_exchange(self.server.port, payload, timeout=5)
                    self.assertGreaterEqual(status, 400)
                    self.assertLess(status, 600)
                except (http.client.HTTPException, ConnectionError, socket.timeout):
                    pass  # closing the connection is acceptable too
                self.assertEqual(self.server.health()[0], 200)

    def test_keep_alive_many_requests_one_connection(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            conn.connect()
            sock = conn.sock
            local = sock.getsockname()
            for i in range(6):
                req = AWSRequest(method="POST", url=self.server.endpoint + "/",
                                 data="Action=GetCallerIdentity&Version=2011-06-15".encode(),
                                 headers={"Content-Type":
                                          "application/x-www-form-urlencoded; charset=utf-8"})
                botocore.auth.SigV4Auth(self.server.admin.botocore(), "sts",
                                        "us-east-1").add_auth(req)
                p = req.prepare()
                conn.request("POST", "/", body=p.body, headers=dict(p.headers.items()))
                resp = conn.getresponse()
                body = resp.read()
                self.assertEqual(resp.status, 200, body)
                self.assertNotEqual((resp.getheader("Connection") or "").lower(), "close")
                self.assertIs(conn.sock, sock, f"connection was reopened at request {i}")
                self.assertEqual(conn.sock.getsockname(), local)
                # An unauthenticated health check on the same connection.
                conn.request("GET", "/_orgroot/health")
                resp = conn.getresponse()
                self.assertEqual(resp.status, 200)
                resp.read()
                self.assertIs(conn.sock, sock)
            # An error response must not close the connection either.
            conn.request("POST", "/", body=b"Action=GetCallerIdentity&Version=2011-06-15",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
            resp = conn.getresponse()
            self.assertEqual(resp.status, 403)
            resp.read()
            conn.request("GET", "/_orgroot/health")
            resp = conn.getresponse()
            self.assertEqual(resp.status, 200)
            resp.read()
            self.assertIs(conn.sock, sock)
        finally:
            conn.close()

    def test_concurrent_clients(self):
        errors: list[str] = []

        def worker():
            try:
                sts = self.server.client("sts")
                for _ in range(10):
                    if sts.get_caller_identity()["Arn"] != self.server.admin_arn:
                        errors.append("wrong ARN")
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])

    def test_large_but_reasonable_query_body(self):
        # 100 KB of extra, ignored form fields: still a normal request.
        params = sts_params("GetCallerIdentity")
        params["Padding"] = "x" * 100_000
        r = self.server.signed("POST", "/", params)
        self.assertLess(r.status, 500, r.text[:500])


if __name__ == "__main__":
    unittest.main()
