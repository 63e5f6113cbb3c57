"""Durable state: restarts (SIGTERM, SIGINT, kill -9), the generated admin key, --in-memory."""

from __future__ import annotations

import os
import signal
import stat
import unittest

from harness import (AKIA_RE, SECRET_RE, Creds, ErrorAssertions, Server, random_access_key_id,
                     random_secret, read_credentials_file)

import boto3  # noqa: E402
import botocore.session  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

MSG_INVALID_TOKEN = "The security token included in the request is invalid."


class DurabilityTest(unittest.TestCase, ErrorAssertions):

    def setUp(self):
        self.servers: list[Server] = []

    def tearDown(self):
        for s in self.servers:
            s.close()

    def new_server(self, **kw) -> Server:
        s = Server(**kw)
        self.servers.append(s)
        return s.start()

    def who(self, server: Server, creds: Creds | None = None) -> dict:
        return server.client("sts", creds).get_caller_identity()

    def issue(self, server: Server, duration: int = 3600) -> Creds:
        return Creds.from_sts(server.client("sts").get_session_token(
            DurationSeconds=duration)["Credentials"])

    # -- restarts -----------------------------------------------------------------------
    def test_sigterm_exits_zero(self):
        s = self.new_server()
        self.assertEqual(s.stop(signal.SIGTERM), 0, s.log_tail())

    def test_sigint_exits_zero(self):
        s = self.new_server()
        self.who(s)
        self.assertEqual(s.stop(signal.SIGINT), 0, s.log_tail())

    def test_session_token_survives_sigterm_restart(self):
        s = self.new_server()
        before = self.who(s)
        temp = self.issue(s)
        self.assertEqual(self.who(s, temp)["Arn"], s.admin_arn)
        self.assertEqual(s.stop(), 0, s.log_tail())
        s.start()
        after = self.who(s, temp)
        self.assertEqual(after["Arn"], s.admin_arn)
        self.assertEqual(after["UserId"], before["UserId"])
        self.assertEqual(self.who(s)["UserId"], before["UserId"])

    def test_session_token_survives_kill9(self):
        s = self.new_server()
        user_id = self.who(s)["UserId"]
        temp = self.issue(s)
        s.restart(hard=True)
        after = self.who(s, temp)
        self.assertEqual(after["Arn"], s.admin_arn)
        self.assertEqual(after["UserId"], user_id)

    def test_every_acknowledged_token_survives_kill9(self):
        s = self.new_server()
        sts = s.client("sts")
        tokens = [Creds.from_sts(sts.get_session_token(DurationSeconds=900)["Credentials"])
                  for _ in range(25)]
        s.kill()  # right after the last answer
        s.start()
        lost = []
        for i, t in enumerate(tokens):
            try:
                if self.who(s, t)["Arn"] != s.admin_arn:
                    lost.append((i, "wrong ARN"))
            except ClientError as e:
                lost.append((i, e.response["Error"].get("Code")))
        self.assertEqual(lost, [], f"{len(lost)} of {len(tokens)} acknowledged tokens lost")

    def test_repeated_restarts(self):
        s = self.new_server()
        temp = self.issue(s)
        for hard in (False, True, False, True):
            s.restart(hard=hard)
            self.assertEqual(self.who(s, temp)["Arn"], s.admin_arn)
        # Tokens issued after restarts work too and the old one still does.
        temp2 = self.issue(s)
        s.restart()
        self.assertEqual(self.who(s, temp2)["Arn"], s.admin_arn)
        self.assertEqual(self.who(s, temp)["Arn"], s.admin_arn)

    def test_token_unknown_to_other_data_dir(self):
        a = self.new_server()
        b = self.new_server(admin=a.admin)  # same admin key, different state
        temp = self.issue(a)
        self.assertClientError(lambda: self.who(b, temp), "InvalidClientTokenId", 403,
                               MSG_INVALID_TOKEN)

    # -- the generated admin key --------------------------------------------------------
    def test_generated_credentials_file(self):
        s = self.new_server(admin=None)
        path = s.credentials_file
        self.assertTrue(path.is_file(), f"{path} missing; {s.log_tail()}")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        creds = read_credentials_file(path, "orgroot")
        self.assertRegex(creds.access_key_id, AKIA_RE)
        self.assertRegex(creds.secret_access_key, SECRET_RE)
        r = self.who(s, creds)
        self.assertEqual(r["Arn"], s.admin_arn)
        self.assertEqual(r["Account"], "000000000000")

    def test_generated_credentials_file_with_sdk_profile(self):
        s = self.new_server(admin=None)
        core = botocore.session.Session()
        core.set_config_variable("credentials_file", str(s.credentials_file))
        core.set_config_variable("config_file", os.devnull)
        core.set_config_variable("profile", "orgroot")
        sts = boto3.session.Session(botocore_session=core).client(
            "sts", region_name="us-east-1", endpoint_url=s.endpoint,
            config=Config(retries={"total_max_attempts": 1}))
        self.assertEqual(sts.get_caller_identity()["Arn"], s.admin_arn)

    def test_generated_credentials_file_with_cli_profile(self):
        s = self.new_server(admin=None)
        res = s.aws("sts", "get-caller-identity", "--profile", "orgroot", creds=None,
                    env={"AWS_SHARED_CREDENTIALS_FILE": str(s.credentials_file)})
        # aws_env() gives the CLI no credentials; they can only come from the file.
        self.assertEqual(res.returncode, 0, res)
        self.assertEqual(res.json["Arn"], s.admin_arn)

    def test_generated_key_persists_across_restarts(self):
        s = self.new_server(admin=None)
        first = read_credentials_file(s.credentials_file)
        s.restart()
        self.assertEqual(read_credentials_file(s.credentials_file), first)
        self.assertEqual(self.who(s, first)["Arn"], s.admin_arn)
        s.restart(hard=True)
        self.assertEqual(read_credentials_file(s.credentials_file), first)
        self.assertEqual(self.who(s, first)["Arn"], s.admin_arn)
        self.assertEqual(stat.S_IMODE(os.stat(s.credentials_file).st_mode), 0o600)

    def test_generated_keys_differ_between_data_dirs(self):
        a = self.new_server(admin=None)
        b = self.new_server(admin=None)
        ka, kb = read_credentials_file(a.credentials_file), read_credentials_file(b.credentials_file)
        self.assertNotEqual(ka.access_key_id, kb.access_key_id)
        self.assertNotEqual(ka.secret_access_key, kb.secret_access_key)
        self.assertClientError(lambda: self.who(b, ka), "InvalidClientTokenId", 403,
                               MSG_INVALID_TOKEN)

    # -- the admin key given by the environment -----------------------------------------
    def test_admin_key_from_environment(self):
        admin = Creds(random_access_key_id(), random_secret())
        s = self.new_server(admin=admin, admin_via_env=True)
        self.assertNotIn(admin.access_key_id, " ".join(s.argv()))
        self.assertEqual(self.who(s, admin)["Arn"], s.admin_arn)
        self.assertClientError(lambda: self.who(s, admin.with_secret(random_secret())),
                               "SignatureDoesNotMatch", 403)

    def test_admin_key_from_flags(self):
        admin = Creds(random_access_key_id(), random_secret())
        s = self.new_server(admin=admin)
        self.assertEqual(self.who(s, admin)["Arn"], s.admin_arn)
        s.restart()
        self.assertEqual(self.who(s, admin)["Arn"], s.admin_arn)

    # -- --in-memory --------------------------------------------------------------------
    def test_in_memory_keeps_nothing(self):
        s = self.new_server(in_memory=True)
        temp = self.issue(s)
        self.assertEqual(self.who(s, temp)["Arn"], s.admin_arn)
        s.restart()
        # The admin key was given again on the command line and works; the session is gone.
        self.assertEqual(self.who(s)["Arn"], s.admin_arn)
        self.assertClientError(lambda: self.who(s, temp), "InvalidClientTokenId", 403,
                               MSG_INVALID_TOKEN)
        s.stop()
        left = sorted(str(p.relative_to(s.data_dir)) for p in s.data_dir.rglob("*")
                      if p.is_file() and p.name != "credentials")
        self.assertEqual(left, [], "--in-memory wrote state files into the data dir")

    def test_in_memory_after_kill9(self):
        s = self.new_server(in_memory=True)
        temp = self.issue(s)
        s.restart(hard=True)
        self.assertClientError(lambda: self.who(s, temp), "InvalidClientTokenId", 403,
                               MSG_INVALID_TOKEN)


if __name__ == "__main__":
    unittest.main()
