"""HTTPS: --tls-cert/--tls-key serve the same API over TLS, and aws:SecureTransport follows."""
from __future__ import annotations

import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import unittest
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config

from harness import binary_path, free_port, random_access_key_id, random_secret, require_binary


@unittest.skipUnless(shutil.which("openssl"), "openssl command not available")
class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_binary()
        cls.tmp = Path(tempfile.mkdtemp(prefix="orgroot-tls-"))
        cls.cert, cls.key = cls.tmp / "cert.pem", cls.tmp / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(cls.key), "-out", str(cls.cert)],
                       check=True, capture_output=True)
        cls.port = free_port()
        cls.akid, cls.secret = random_access_key_id(), random_secret()
        cls.proc = subprocess.Popen(
            [str(binary_path()), "server", "--listen", f"127.0.0.1:{cls.port}", "--in-memory",
             "--admin-access-key-id", cls.akid, "--admin-secret-access-key", cls.secret,
             "--tls-cert", str(cls.cert), "--tls-key", str(cls.key)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cls.ctx = ssl.create_default_context(cafile=str(cls.cert))
        deadline = time.time() + 10
        while True:
            try:
                with urllib.request.urlopen(f"https://127.0.0.1:{cls.port}/_orgroot/health",
                                            context=cls.ctx, timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        cls.proc.wait(timeout=10)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def client(self):
        return boto3.client("sts", endpoint_url=f"https://127.0.0.1:{self.port}", region_name="us-east-1",
                            aws_access_key_id=self.akid, aws_secret_access_key=self.secret,
                            verify=str(self.cert), config=Config(retries={"max_attempts": 1}))

    def test_sts_over_https(self):
        who = self.client().get_caller_identity()
        self.assertEqual(who["Arn"], "arn:aws:iam::000000000000:user/admin")

    def test_plain_http_is_not_served_on_a_tls_port(self):
        with self.assertRaises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_orgroot/health", timeout=2).read()

    def test_stalled_handshake_does_not_block_others(self):
        # A TLS handshake that never completes must not keep the server from answering others.
        import socket
        s = socket.create_connection(("127.0.0.1", self.port))
        try:
            self.assertEqual(self.client().get_caller_identity()["Account"], "000000000000")
        finally:
            s.close()


if __name__ == "__main__":
    unittest.main()
