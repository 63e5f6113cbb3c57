"""`--compat moto`: unknown keys act as account 123456789012, /moto-api/reset{,-auth}."""

from __future__ import annotations

import json
import unittest

from harness import (DEFAULT_ACCOUNT, MOTO_ACCOUNT, Creds, ErrorAssertions, Server,
                     ServerTestCase, http_request, random_access_key_id, random_secret,
                     sts_params)

MSG_INVALID_TOKEN = "The security token included in the request is invalid."


def post(server: Server, path: str, body: bytes | str = b"") -> tuple[int, dict, bytes]:
    return http_request(server.port, "POST", path, body=body)


class MotoCompatTest(unittest.TestCase, ErrorAssertions):
    """Each test gets its own server: reset and reset-auth change global state."""

    def setUp(self):
        self.server = Server(compat="moto").start()

    def tearDown(self):
        code = self.server.stop() if self.server.proc.poll() is None else 0
        self.server.close()
        self.assertEqual(code, 0)

    def who(self, creds: Creds) -> dict:
        return self.server.client("sts", creds).get_caller_identity()

    def reset_auth(self, value: str) -> dict:
        status, headers, body = post(self.server, "/moto-api/reset-auth", value)
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def test_unknown_keys_act_as_moto_account(self):
        for creds in (Creds("testing", "testing"),
                      Creds(random_access_key_id(), random_secret()),
                      Creds("FOOBARKEY", "secret", "some-session-token")):
            with self.subTest(key=creds.access_key_id):
                self.assertEqual(self.who(creds)["Account"], MOTO_ACCOUNT)

    def test_unknown_key_other_operations(self):
        sts = self.server.client("sts", Creds("testing", "testing"))
        c = sts.get_session_token()["Credentials"]
        self.assertTrue(c["AccessKeyId"] and c["SecretAccessKey"] and c["SessionToken"])
        r = sts.get_access_key_info(AccessKeyId=self.server.admin.access_key_id)
        self.assertEqual(r["Account"], DEFAULT_ACCOUNT)

    def test_known_key_still_is_the_admin(self):
        r = self.who(self.server.admin)
        self.assertEqual(r["Account"], DEFAULT_ACCOUNT)
        self.assertEqual(r["Arn"], self.server.admin_arn)

    def test_cli_with_unknown_key(self):
        res = self.server.aws("sts", "get-caller-identity", creds=Creds("testing", "testing"))
        self.assertEqual(res.returncode, 0, res)
        self.assertEqual(res.json["Account"], MOTO_ACCOUNT)

    def test_reset_wipes_state(self):
        temp = Creds.from_sts(self.server.client("sts").get_session_token()["Credentials"])
        self.assertEqual(self.who(temp)["Arn"], self.server.admin_arn)
        status, _, body = post(self.server, "/moto-api/reset")
        self.assertEqual(status, 200, body)
        # The session is gone: its key is now unknown, so it acts as the moto account.
        r = self.who(temp)
        self.assertEqual(r["Account"], MOTO_ACCOUNT)
        self.assertNotEqual(r["Arn"], self.server.admin_arn)
        # The server keeps serving.
        self.assertEqual(self.server.health()[0], 200)

    def test_reset_auth_enforces_after_n_actions(self):
        self.assertEqual(self.reset_auth("2"),
                         {"status": "ok", "PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT": "inf"})
        unknown = Creds(random_access_key_id(), random_secret())
        self.assertEqual(self.who(unknown)["Account"], MOTO_ACCOUNT)  # action 1
        self.assertEqual(self.who(unknown)["Account"], MOTO_ACCOUNT)  # action 2
        self.assertClientError(lambda: self.who(unknown), "InvalidClientTokenId", 403,
                               MSG_INVALID_TOKEN)
        # Signatures are now checked for known keys too.
        self.assertEqual(self.who(self.server.admin)["Arn"], self.server.admin_arn)
        self.assertClientError(lambda: self.who(self.server.admin.with_secret(random_secret())),
                               "SignatureDoesNotMatch", 403)
        # The previous count is reported back, and "inf" turns enforcement off again.
        prev = self.reset_auth("inf")
        self.assertEqual(prev["status"], "ok")
        self.assertIn(prev["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"], ("2", "2.0"))
        self.assertEqual(self.who(unknown)["Account"], MOTO_ACCOUNT)

    def test_reset_auth_zero_enforces_at_once(self):
        self.reset_auth("0")
        self.assertClientError(lambda: self.who(Creds("testing", "testing")),
                               "InvalidClientTokenId", 403, MSG_INVALID_TOKEN)
        self.assertEqual(self.who(self.server.admin)["Arn"], self.server.admin_arn)

    def test_reset_auth_with_raw_signed_requests(self):
        self.reset_auth("1")
        unknown = Creds(random_access_key_id(), random_secret())
        r = self.server.signed("POST", "/", sts_params("GetCallerIdentity"), creds=unknown)
        self.assertEqual(r.status, 200, r.text)
        r = self.server.signed("POST", "/", sts_params("GetCallerIdentity"), creds=unknown)
        self.assertEqual(r.status, 403, r.text)
        self.assertEqual(r.error["Code"], "InvalidClientTokenId")


class StrictByDefaultTest(ServerTestCase, ErrorAssertions):
    """Without --compat the server is strict and has no moto API."""

    def test_unknown_key_rejected(self):
        sts = self.server.client("sts", Creds("testing", "testing"))
        self.assertClientError(sts.get_caller_identity, "InvalidClientTokenId", 403,
                               MSG_INVALID_TOKEN)

    def test_moto_reset_not_available(self):
        temp = Creds.from_sts(self.server.client("sts").get_session_token()["Credentials"])
        status, _, body = post(self.server, "/moto-api/reset")
        self.assertGreaterEqual(status, 400, body)
        self.assertLess(status, 500, body)
        status, _, body = post(self.server, "/moto-api/reset-auth", "0")
        self.assertGreaterEqual(status, 400, body)
        self.assertLess(status, 500, body)
        # Nothing was wiped.
        r = self.server.client("sts", temp).get_caller_identity()
        self.assertEqual(r["Arn"], self.server.admin_arn)


if __name__ == "__main__":
    unittest.main()
