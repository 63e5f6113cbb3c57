"""The root user's side, as a person meets it, against the real orgroot binary: signing in with
the account's email address through /_orgroot/root/signin, "Forgot password" with the reset link
read from the local mailbox, MFA at sign-in, a console session that acts as the root user with
boto3 (root access keys, a root MFA device, a signing certificate), and the centralized root
access story that deletes a member's root credentials and allows recovery again (spec §1.3, §6,
§7). The JSON endpoints are called with urllib."""

from __future__ import annotations

import datetime as dt
import json
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid

from harness import AKIA_RE, ASIA_RE, DEFAULT_ACCOUNT, Creds, ServerTestCase
from test_iam_credentials import make_certificate, totp

from botocore.exceptions import ClientError  # noqa: E402

TASK = "arn:aws:iam::aws:policy/root-task/"
MANAGEMENT_EMAIL = "management@orgroot.example"
GOOD_PASSWORD = "Corr3ct-Horse-Battery"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def wrong_code(seed: str) -> str:
    """A six-digit code that is none of the device's codes around now."""
    now = time.time()
    near = {totp(seed, now, d) for d in range(-2, 3)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in near)


class RootUserCase(ServerTestCase):
    """Calls to the JSON endpoints and the organization set-up the suites share."""

    # -- the JSON endpoints ---------------------------------------------------------------
    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, object]:
        req = urllib.request.Request(self.server.endpoint + path, data=body, method=method,
                                     headers={"Content-Type": "application/json"} if body is not None else {})
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                return res.status, json.loads(res.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def post(self, path: str, body: dict) -> tuple[int, object]:
        return self.request("POST", path, json.dumps(body).encode())

    def sign_in(self, email: str, password: str, mfa_code: str | None = None) -> tuple[int, dict]:
        body = {"email": email, "password": password}
        if mfa_code is not None:
            body["mfaCode"] = mfa_code
        return self.post("/_orgroot/root/signin", body)  # type: ignore[return-value]

    def console_session(self, email: str, password: str = GOOD_PASSWORD, mfa_code: str | None = None) -> Creds:
        status, body = self.sign_in(email, password, mfa_code)
        self.assertEqual(status, 200, body)
        return Creds.from_sts(body["Credentials"])

    def assertEndpointError(self, result: tuple[int, object], status: int, code: str) -> str:
        got_status, body = result
        self.assertEqual(got_status, status, body)
        self.assertIsInstance(body, dict)
        self.assertEqual(body.get("code"), code, body)
        self.assertTrue(body.get("message"), body)
        return body["message"]

    def mailbox(self, email: str) -> list[dict]:
        status, body = self.request("GET", "/_orgroot/mailbox/" + urllib.parse.quote(email, safe=""))
        self.assertEqual(status, 200, body)
        self.assertIsInstance(body, list)
        return body  # type: ignore[return-value]

    def forgot_password(self, email: str) -> dict:
        """Asks for a reset link and returns the mail that carries it."""
        before = len(self.mailbox(email))
        status, body = self.post("/_orgroot/root/forgot-password", {"email": email})
        self.assertEqual(status, 200, body)
        mail = self.mailbox(email)
        self.assertEqual(len(mail), before + 1, mail)
        return mail[-1]

    def recover(self, email: str, password: str = GOOD_PASSWORD) -> None:
        mail = self.forgot_password(email)
        status, body = self.post("/_orgroot/root/reset-password", {"token": mail["Token"], "newPassword": password})
        self.assertEqual(status, 200, body)

    # -- organization set-up --------------------------------------------------------------
    @classmethod
    def create_member(cls, name: str) -> tuple[str, str]:
        """A member account created through Organizations: (account id, root email)."""
        email = f"{name}@Example.com"
        st = cls.orgs.create_account(Email=email, AccountName=name)["CreateAccountStatus"]
        deadline = time.monotonic() + 10
        while st["State"] == "IN_PROGRESS" and time.monotonic() < deadline:
            time.sleep(0.05)
            st = cls.orgs.describe_create_account_status(CreateAccountRequestId=st["Id"])["CreateAccountStatus"]
        assert st["State"] == "SUCCEEDED", st
        return st["AccountId"], email

    @classmethod
    def root_session_iam(cls, account: str, task: str):
        c = cls.server.client("sts").assume_root(TargetPrincipal=account,
                                                 TaskPolicyArn={"arn": TASK + task})["Credentials"]
        return cls.server.client("iam", Creds.from_sts(c))


class RootSignInTest(RootUserCase):
    """An organization whose root credentials are not managed centrally: every member root created
    by Organizations has a password nobody knows, and recovers it through the mailbox."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.orgs = cls.server.client("organizations")
        cls.orgs.create_organization(FeatureSet="ALL")

    def test_recoverable_member_root_signs_in_after_forgot_password_and_reset(self):
        acct, email = self.create_member(unique("signin"))
        # Nobody knows the password Organizations gave the root; unknown addresses get the same answer.
        wrong = self.assertEndpointError(self.sign_in(email, GOOD_PASSWORD), 401, "AuthenticationFailed")
        unknown = self.assertEndpointError(self.sign_in("nobody@example.com", GOOD_PASSWORD), 401,
                                           "AuthenticationFailed")
        self.assertEqual(wrong, unknown)

        status, body = self.post("/_orgroot/root/forgot-password", {"email": email.upper()})
        self.assertEqual(status, 200, body)
        mail = self.mailbox(email.lower())  # the mailbox address is case-insensitive too
        self.assertEqual(len(mail), 1, mail)
        m = mail[0]
        self.assertEqual(m["To"], email)
        for key in ("From", "Subject", "Body", "Date", "Token"):
            self.assertTrue(m.get(key), key)
        link = f"http://127.0.0.1:{self.server.port}/_orgroot/console/reset-password?token={m['Token']}"
        self.assertIn(link, m["Body"])
        self.assertIn(acct, m["Body"])
        # An unknown address is answered alike but gets no mail.
        status, _ = self.post("/_orgroot/root/forgot-password", {"email": "nobody@example.com"})
        self.assertEqual(status, 200)
        self.assertEqual(self.mailbox("nobody@example.com"), [])

        reset = "/_orgroot/root/reset-password"
        msg = self.assertEndpointError(self.post(reset, {"token": m["Token"], "newPassword": "short1A"}),
                                       400, "InvalidPassword")
        self.assertIn("8 to 128", msg)
        msg = self.assertEndpointError(self.post(reset, {"token": m["Token"], "newPassword": "alllowercase"}),
                                       400, "InvalidPassword")
        self.assertIn("three", msg)
        self.assertEndpointError(self.post(reset, {"token": m["Token"], "newPassword": "A1!" + "x" * 126}),
                                 400, "InvalidPassword")
        status, body = self.post(reset, {"token": m["Token"], "newPassword": GOOD_PASSWORD})
        self.assertEqual(status, 200, body)
        self.assertEndpointError(self.post(reset, {"token": m["Token"], "newPassword": "An0ther-Passw0rd"}),
                                 400, "InvalidToken")
        self.assertEndpointError(self.post(reset, {"token": "no-such-token", "newPassword": GOOD_PASSWORD}),
                                 400, "InvalidToken")

        self.assertEndpointError(self.sign_in(email, "Wr0ng-Password"), 401, "AuthenticationFailed")
        status, body = self.sign_in(email.swapcase(), GOOD_PASSWORD)
        self.assertEqual(status, 200, body)
        creds = body["Credentials"]
        self.assertEqual(set(creds), {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"})
        self.assertRegex(creds["AccessKeyId"], ASIA_RE)
        expiration = dt.datetime.strptime(creds["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
        lifetime = (expiration - dt.datetime.now(dt.timezone.utc)).total_seconds()
        self.assertTrue(3000 < lifetime <= 3600, lifetime)

        who = self.server.client("sts", Creds.from_sts(creds)).get_caller_identity()
        self.assertEqual(who["Arn"], f"arn:aws:iam::{acct}:root")
        self.assertEqual(who["Account"], acct)
        self.assertEqual(who["UserId"], acct)

    def test_console_session_acts_as_the_root_user(self):
        acct, email = self.create_member(unique("console"))
        self.recover(email)
        session = self.console_session(email)
        iam = self.server.client("iam", session)
        user = iam.get_user()["User"]
        self.assertEqual(user["Arn"], f"arn:aws:iam::{acct}:root")
        self.assertNotIn("UserName", user)

        # A root access key, created without UserName, signs as the root user.
        key = iam.create_access_key()["AccessKey"]
        self.assertRegex(key["AccessKeyId"], AKIA_RE)
        self.assertNotIn("UserName", key)
        root_key = Creds(key["AccessKeyId"], key["SecretAccessKey"])
        sts_with_key = self.server.client("sts", root_key)
        self.assertEqual(sts_with_key.get_caller_identity()["Arn"], f"arn:aws:iam::{acct}:root")
        listed = self.server.client("iam", root_key).list_access_keys()["AccessKeyMetadata"]
        self.assertEqual([k["AccessKeyId"] for k in listed], [key["AccessKeyId"]])
        self.assertNotIn("UserName", listed[0])
        self.assertEqual(iam.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"], 1)
        iam.delete_access_key(AccessKeyId=key["AccessKeyId"])
        self.assertClientError(sts_with_key.get_caller_identity, "InvalidClientTokenId", 403)

        # A signing certificate without UserName belongs to the root user.
        cert = iam.upload_signing_certificate(CertificateBody=make_certificate("root-console"))["Certificate"]
        self.assertNotIn("UserName", cert)
        self.assertEqual([c["CertificateId"] for c in iam.list_signing_certificates()["Certificates"]],
                         [cert["CertificateId"]])
        self.assertEqual(iam.get_account_summary()["SummaryMap"]["AccountSigningCertificatesPresent"], 1)

    def test_root_mfa_device_makes_the_code_required_at_sign_in(self):
        acct, email = self.create_member(unique("mfa"))
        self.recover(email)
        session = self.console_session(email)
        # boto3 validates UserName as required on EnableMFADevice; the root omits it.
        iam = self.server.client("iam", session, parameter_validation=False)
        dev = iam.create_virtual_mfa_device(VirtualMFADeviceName="root-account-mfa-device")["VirtualMFADevice"]
        seed = dev["Base32StringSeed"].decode() if isinstance(dev["Base32StringSeed"], bytes) \
            else dev["Base32StringSeed"]
        now = time.time()
        # Two past codes, so that the current one is still unused for the sign-in below.
        iam.enable_mfa_device(SerialNumber=dev["SerialNumber"], AuthenticationCode1=totp(seed, now, -2),
                              AuthenticationCode2=totp(seed, now, -1))
        devices = iam.list_mfa_devices()["MFADevices"]
        self.assertEqual([d["SerialNumber"] for d in devices], [dev["SerialNumber"]])
        self.assertNotIn("UserName", devices[0])
        self.assertEqual(iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"], 1)

        self.assertEndpointError(self.sign_in(email, "Wr0ng-Password", totp(seed, time.time())), 401,
                                 "AuthenticationFailed")
        self.assertEndpointError(self.sign_in(email, GOOD_PASSWORD), 401, "MfaCodeRequired")
        self.assertEndpointError(self.sign_in(email, GOOD_PASSWORD, wrong_code(seed)), 401, "InvalidMfaCode")
        code = totp(seed, time.time())
        with_mfa = self.console_session(email, GOOD_PASSWORD, code)
        who = self.server.client("sts", with_mfa).get_caller_identity()
        self.assertEqual(who["Arn"], f"arn:aws:iam::{acct}:root")
        # The same code does not open a second session.
        self.assertEndpointError(self.sign_in(email, GOOD_PASSWORD, code), 401, "InvalidMfaCode")

    def test_enable_mfa_device_still_requires_user_name_from_iam_users(self):
        iam = self.server.client("iam", parameter_validation=False)
        dev = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("admin-dev"))["VirtualMFADevice"]
        seed = dev["Base32StringSeed"]
        seed = seed.decode() if isinstance(seed, bytes) else seed
        now = time.time()
        self.assertClientError(
            lambda: iam.enable_mfa_device(SerialNumber=dev["SerialNumber"], AuthenticationCode1=totp(seed, now, -1),
                                          AuthenticationCode2=totp(seed, now)),
            "ValidationError", 400,
            "1 validation error detected: Value null at 'userName' failed to satisfy constraint: "
            "Member must not be null")
        iam.delete_virtual_mfa_device(SerialNumber=dev["SerialNumber"])

    def test_management_root_signs_in(self):
        self.recover(MANAGEMENT_EMAIL)
        who = self.server.client("sts", self.console_session(MANAGEMENT_EMAIL)).get_caller_identity()
        self.assertEqual(who["Arn"], f"arn:aws:iam::{DEFAULT_ACCOUNT}:root")

    def test_bad_requests(self):
        for body in (b"", b"not json", b"[1]", b'{"email": "a@example.com"}', b'{"email": 1, "password": "x"}',
                     b'{"email": "a@example.com", "password": "x", "mfaCode": 123456}'):
            self.assertEndpointError(self.request("POST", "/_orgroot/root/signin", body), 400, "InvalidRequest")
        self.assertEndpointError(self.request("POST", "/_orgroot/root/forgot-password", b"{}"), 400,
                                 "InvalidRequest")
        self.assertEndpointError(self.request("POST", "/_orgroot/root/reset-password", b'{"token": "t"}'), 400,
                                 "InvalidRequest")
        self.assertEndpointError(self.request("GET", "/_orgroot/root/signin"), 405, "MethodNotAllowed")
        self.assertEndpointError(self.request("GET", "/_orgroot/root/nothing-here"), 404, "NotFound")

    def test_sign_in_events_in_the_member_trail(self):
        acct, email = self.create_member(unique("trail"))
        self.assertEqual(self.sign_in(email, "Wr0ng-Password")[0], 401)
        self.recover(email)
        session = self.console_session(email)
        ct = self.server.client("cloudtrail", session)

        def lookup(key: str, value: str) -> list[dict]:
            events = ct.lookup_events(LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}])["Events"]
            return [json.loads(e["CloudTrailEvent"]) for e in events]

        logins = lookup("EventName", "ConsoleLogin")
        self.assertEqual([r["responseElements"]["ConsoleLogin"] for r in logins], ["Success", "Failure"])
        success, failure = logins
        for r in logins:
            self.assertEqual(r["eventSource"], "signin.amazonaws.com")
            self.assertEqual(r["eventType"], "AwsConsoleSignIn")
            self.assertEqual(r["recipientAccountId"], acct)
            self.assertEqual(r["userIdentity"]["type"], "Root")
            self.assertEqual(r["userIdentity"]["arn"], f"arn:aws:iam::{acct}:root")
            self.assertEqual(r["additionalEventData"]["MFAUsed"], "No")
            self.assertIsNone(r["requestParameters"])
            self.assertNotIn("errorCode", r)
        self.assertEqual(failure["errorMessage"], "Failed authentication")
        self.assertNotIn("errorMessage", success)

        names = [r["eventName"] for r in lookup("EventSource", "signin.amazonaws.com")]
        self.assertEqual(names, ["ConsoleLogin", "PasswordRecoveryCompleted", "PasswordRecoveryRequested",
                                 "ConsoleLogin"])
        # The management account's trail holds none of the member's sign-ins.
        mgmt = self.server.client("cloudtrail").lookup_events(
            LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "ConsoleLogin"}])["Events"]
        self.assertFalse(any(acct in e["CloudTrailEvent"] for e in mgmt))


class CentrallyManagedRootCredentialsTest(RootUserCase):
    """Deleting a member's root credentials with AssumeRoot, allowing recovery again, and an account
    created while RootCredentialsManagement is enabled (spec §1.3, §2.3, §6)."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.orgs = cls.server.client("organizations")
        cls.orgs.create_organization(FeatureSet="ALL")
        # Created before the feature: a root with a password nobody knows.
        cls.member, cls.member_email = cls.create_member("legacy")
        cls.orgs.enable_aws_service_access(ServicePrincipal="iam.amazonaws.com")
        iam = cls.server.client("iam")
        iam.enable_organizations_root_credentials_management()
        iam.enable_organizations_root_sessions()
        # Created while it is enabled: no root credentials at all.
        cls.managed, cls.managed_email = cls.create_member("managed")

    def test_delete_root_credentials_then_allow_password_recovery(self):
        acct, email = self.member, self.member_email
        # The member's root takes over its account and gets every kind of credential.
        self.recover(email)
        session = self.console_session(email)
        iam = self.server.client("iam", session, parameter_validation=False)
        key = iam.create_access_key()["AccessKey"]
        root_key = Creds(key["AccessKeyId"], key["SecretAccessKey"])
        self.assertEqual(self.server.client("sts", root_key).get_caller_identity()["Arn"],
                         f"arn:aws:iam::{acct}:root")
        dev = iam.create_virtual_mfa_device(VirtualMFADeviceName="root-account-mfa-device")["VirtualMFADevice"]
        seed = dev["Base32StringSeed"]
        seed = seed.decode() if isinstance(seed, bytes) else seed
        now = time.time()
        iam.enable_mfa_device(SerialNumber=dev["SerialNumber"], AuthenticationCode1=totp(seed, now, -2),
                              AuthenticationCode2=totp(seed, now, -1))
        iam.upload_signing_certificate(CertificateBody=make_certificate("legacy-root"))
        pending = self.forgot_password(email)  # a reset link mailed before the credentials go

        # The management account deletes them all in a root session, as the console would.
        audit = self.root_session_iam(acct, "IAMAuditRootUserCredentials")
        summary = audit.get_account_summary()["SummaryMap"]
        self.assertEqual([summary[k] for k in ("AccountPasswordPresent", "AccountAccessKeysPresent",
                                               "AccountMFAEnabled", "AccountSigningCertificatesPresent")],
                         [1, 1, 1, 1])
        delete = self.root_session_iam(acct, "IAMDeleteRootUserCredentials")
        self.assertNotIn("UserName", delete.get_login_profile()["LoginProfile"])
        delete.delete_login_profile()
        for k in delete.list_access_keys()["AccessKeyMetadata"]:
            delete.delete_access_key(AccessKeyId=k["AccessKeyId"])
        for c in delete.list_signing_certificates()["Certificates"]:
            delete.delete_signing_certificate(CertificateId=c["CertificateId"])
        for d in delete.list_mfa_devices()["MFADevices"]:
            delete.deactivate_mfa_device(SerialNumber=d["SerialNumber"])
        # The task policy allows iam:DeleteVirtualMFADevice only on the root's ARN, which a device's
        # ARN never is (spec §3.3): the now unassigned device is deleted by the root user itself.
        self.assertClientError(lambda: delete.delete_virtual_mfa_device(SerialNumber=dev["SerialNumber"]),
                               "AccessDenied", 403)
        iam.delete_virtual_mfa_device(SerialNumber=dev["SerialNumber"])
        summary = audit.get_account_summary()["SummaryMap"]
        self.assertEqual([summary[k] for k in ("AccountPasswordPresent", "AccountAccessKeysPresent",
                                               "AccountMFAEnabled", "AccountSigningCertificatesPresent")],
                         [0, 0, 0, 0])

        # Now the root can neither sign in nor recover, and its old key is gone.
        self.assertEndpointError(self.sign_in(email, GOOD_PASSWORD), 403, "NoRootCredentials")
        self.assertEndpointError(self.post("/_orgroot/root/forgot-password", {"email": email}), 403,
                                 "PasswordRecoveryNotAllowed")
        self.assertEndpointError(self.post("/_orgroot/root/reset-password",
                                           {"token": pending["Token"], "newPassword": GOOD_PASSWORD}),
                                 403, "PasswordRecoveryNotAllowed")
        self.assertClientError(self.server.client("sts", root_key).get_caller_identity, "InvalidClientTokenId", 403)

        # "Allow password recovery": a login profile without a password.
        create = self.root_session_iam(acct, "IAMCreateRootUserPassword")
        self.assertFalse(create.create_login_profile()["LoginProfile"]["PasswordResetRequired"])
        self.assertEndpointError(self.sign_in(email, GOOD_PASSWORD), 403, "PasswordRecoveryRequired")
        # The link mailed before the deletion stays dead; a new one works.
        self.assertEndpointError(self.post("/_orgroot/root/reset-password",
                                           {"token": pending["Token"], "newPassword": GOOD_PASSWORD}),
                                 400, "InvalidToken")
        self.recover(email, "N3w-Root-Passw0rd")
        self.assertEqual(audit.get_account_summary()["SummaryMap"]["AccountPasswordPresent"], 1)
        # The MFA device is gone, so no code is asked for.
        who = self.server.client("sts", self.console_session(email, "N3w-Root-Passw0rd")).get_caller_identity()
        self.assertEqual(who["Arn"], f"arn:aws:iam::{acct}:root")

    def test_account_created_while_managed_has_no_way_in_until_recovery_is_allowed(self):
        acct, email = self.managed, self.managed_email
        audit = self.root_session_iam(acct, "IAMAuditRootUserCredentials")
        self.assertClientError(audit.get_login_profile, "NoSuchEntity", 404,
                               "Login Profile for User null cannot be found.")
        self.assertEndpointError(self.sign_in(email, GOOD_PASSWORD), 403, "NoRootCredentials")
        self.assertEndpointError(self.post("/_orgroot/root/forgot-password", {"email": email}), 403,
                                 "PasswordRecoveryNotAllowed")
        self.assertEqual(self.mailbox(email), [])

        self.root_session_iam(acct, "IAMCreateRootUserPassword").create_login_profile()
        self.recover(email)
        who = self.server.client("sts", self.console_session(email)).get_caller_identity()
        self.assertEqual(who["Arn"], f"arn:aws:iam::{acct}:root")
        # The failed attempts and the recovery are in the member's own trail.
        ct = self.server.client("cloudtrail", self.console_session(email))
        events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventSource",
                                                     "AttributeValue": "signin.amazonaws.com"}])["Events"]
        outcome = [(e["EventName"], json.loads(e["CloudTrailEvent"])["responseElements"][e["EventName"]])
                   for e in events]
        self.assertEqual(outcome, [("ConsoleLogin", "Success"), ("ConsoleLogin", "Success"),
                                   ("PasswordRecoveryCompleted", "Success"), ("PasswordRecoveryRequested", "Success"),
                                   ("PasswordRecoveryRequested", "Failure"), ("ConsoleLogin", "Failure")])

    def test_management_root_is_unaffected(self):
        self.recover(MANAGEMENT_EMAIL, "Mgmt-Root-Passw0rd")
        session = self.console_session(MANAGEMENT_EMAIL, "Mgmt-Root-Passw0rd")
        self.assertEqual(self.server.client("sts", session).get_caller_identity()["Arn"],
                         f"arn:aws:iam::{DEFAULT_ACCOUNT}:root")
        # Root identities cannot open root sessions, whatever they are.
        sts = self.server.client("sts", session)
        with self.assertRaises(ClientError) as cm:
            sts.assume_root(TargetPrincipal=self.member, TaskPolicyArn={"arn": TASK + "IAMAuditRootUserCredentials"})
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDenied")


if __name__ == "__main__":
    unittest.main()
