"""IAM credential operations against the real orgroot binary, with boto3 and the AWS CLI:
access keys (and their effect on authentication), login profiles and the account password
policy, virtual MFA devices enabled with real TOTP codes, signing certificates, account
aliases, GetAccountSummary and the credential report."""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import json
import struct
import subprocess
import tempfile
import time
import unittest
import uuid

from harness import AKIA_RE, DEFAULT_ACCOUNT, SECRET_RE, Creds, ServerTestCase

from botocore.exceptions import ClientError  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def totp(seed_b32: str | bytes, at: float, step_offset: int = 0) -> str:
    """RFC 6238 TOTP (SHA-1, 30 s, 6 digits), standard library only."""
    if isinstance(seed_b32, bytes):
        seed_b32 = seed_b32.decode()
    key = base64.b32decode(seed_b32 + "=" * (-len(seed_b32) % 8))
    counter = int(at // 30) + step_offset
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def two_codes(seed) -> tuple[str, str]:
    now = time.time()
    return totp(seed, now, -1), totp(seed, now)


def make_certificate(cn: str) -> str:
    """A self-signed certificate made with the openssl command."""
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", f"{d}/k.pem", "-out", f"{d}/c.pem", "-days", "30",
                        "-subj", f"/CN={cn}"], check=True, capture_output=True)
        with open(f"{d}/c.pem", encoding="ascii") as f:
            return f.read()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class IamCredentialsTest(ServerTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.iam = cls.server.client("iam")
        # Users come from the IAM core service's CreateUser.
        try:
            cls.iam.create_user(UserName="probe-user")
            cls.have_users = True
        except ClientError:
            cls.have_users = False

    def new_user(self) -> str:
        if not self.have_users:
            self.skipTest("CreateUser is not available")
        name = unique("cred-user")
        self.iam.create_user(UserName=name)
        return name

    # -- access keys ----------------------------------------------------------------------
    def test_access_key_lifecycle_boto3(self):
        user = self.new_user()
        k = self.iam.create_access_key(UserName=user)["AccessKey"]
        self.assertRegex(k["AccessKeyId"], AKIA_RE)
        self.assertRegex(k["SecretAccessKey"], SECRET_RE)
        self.assertEqual(k["UserName"], user)
        self.assertEqual(k["Status"], "Active")
        self.iam.create_access_key(UserName=user)
        self.assertClientError(lambda: self.iam.create_access_key(UserName=user), "LimitExceeded", 409,
                               "Cannot exceed quota for AccessKeysPerUser: 2")
        listed = self.iam.list_access_keys(UserName=user)
        self.assertEqual(len(listed["AccessKeyMetadata"]), 2)
        self.assertFalse(listed["IsTruncated"])
        # pagination
        p1 = self.iam.list_access_keys(UserName=user, MaxItems=1)
        self.assertTrue(p1["IsTruncated"])
        p2 = self.iam.list_access_keys(UserName=user, Marker=p1["Marker"])
        self.assertEqual(len(p2["AccessKeyMetadata"]), 1)
        self.assertFalse(p2["IsTruncated"])
        ids = {m["AccessKeyId"] for m in p1["AccessKeyMetadata"] + p2["AccessKeyMetadata"]}
        self.assertEqual(len(ids), 2)
        paged = [m for page in self.iam.get_paginator("list_access_keys").paginate(
            UserName=user, PaginationConfig={"PageSize": 1}) for m in page["AccessKeyMetadata"]]
        self.assertEqual({m["AccessKeyId"] for m in paged}, ids)

        self.iam.update_access_key(UserName=user, AccessKeyId=k["AccessKeyId"], Status="Inactive")
        st = {m["AccessKeyId"]: m["Status"] for m in self.iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}
        self.assertEqual(st[k["AccessKeyId"]], "Inactive")
        self.iam.delete_access_key(UserName=user, AccessKeyId=k["AccessKeyId"])
        self.assertClientError(lambda: self.iam.delete_access_key(UserName=user, AccessKeyId=k["AccessKeyId"]),
                               "NoSuchEntity", 404, f"The Access Key with id {k['AccessKeyId']} cannot be found.")
        self.assertClientError(lambda: self.iam.list_access_keys(UserName="no-such-user-x"), "NoSuchEntity", 404,
                               "The user with name no-such-user-x cannot be found.")
        self.assertClientError(lambda: self.iam.update_access_key(AccessKeyId=k["AccessKeyId"], Status="Bogus"),
                               "ValidationError", 400)

    def test_inactive_key_fails_authentication_and_last_used(self):
        user = self.new_user()
        self.iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        k = self.iam.create_access_key(UserName=user)["AccessKey"]
        creds = Creds(k["AccessKeyId"], k["SecretAccessKey"])
        never = self.iam.get_access_key_last_used(AccessKeyId=k["AccessKeyId"])
        self.assertEqual(never["UserName"], user)
        self.assertEqual(never["AccessKeyLastUsed"]["ServiceName"], "N/A")
        self.assertEqual(never["AccessKeyLastUsed"]["Region"], "N/A")
        self.assertNotIn("LastUsedDate", never["AccessKeyLastUsed"])

        sts = self.server.client("sts", creds, region="eu-west-1")
        self.assertEqual(sts.get_caller_identity()["Arn"], f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/{user}")
        used = self.iam.get_access_key_last_used(AccessKeyId=k["AccessKeyId"])["AccessKeyLastUsed"]
        self.assertEqual(used["ServiceName"], "sts")
        self.assertEqual(used["Region"], "eu-west-1")
        self.assertIn("LastUsedDate", used)

        self.iam.update_access_key(UserName=user, AccessKeyId=k["AccessKeyId"], Status="Inactive")
        self.assertClientError(sts.get_caller_identity, "InvalidClientTokenId", 403)
        self.iam.update_access_key(UserName=user, AccessKeyId=k["AccessKeyId"], Status="Active")
        sts.get_caller_identity()
        # Without UserName the caller's own keys are listed.
        own = self.server.client("iam", creds).list_access_keys()["AccessKeyMetadata"]
        self.assertEqual([m["AccessKeyId"] for m in own], [k["AccessKeyId"]])
        self.iam.delete_access_key(UserName=user, AccessKeyId=k["AccessKeyId"])
        self.assertClientError(sts.get_caller_identity, "InvalidClientTokenId", 403)

    def test_access_keys_cli(self):
        user = self.new_user()
        r = self.server.aws("iam", "create-access-key", "--user-name", user)
        self.assertEqual(r.returncode, 0, str(r))
        key_id = r.json["AccessKey"]["AccessKeyId"]
        r = self.server.aws("iam", "list-access-keys", "--user-name", user)
        self.assertEqual([m["AccessKeyId"] for m in r.json["AccessKeyMetadata"]], [key_id])
        r = self.server.aws("iam", "update-access-key", "--user-name", user, "--access-key-id", key_id,
                            "--status", "Inactive")
        self.assertEqual(r.returncode, 0, str(r))
        r = self.server.aws("iam", "get-access-key-last-used", "--access-key-id", key_id)
        self.assertEqual(r.json["AccessKeyLastUsed"]["ServiceName"], "N/A")
        r = self.server.aws("iam", "delete-access-key", "--user-name", user, "--access-key-id", key_id)
        self.assertEqual(r.returncode, 0, str(r))
        r = self.server.aws("iam", "delete-access-key", "--user-name", user, "--access-key-id", key_id)
        self.assertCliError(r, "NoSuchEntity", "DeleteAccessKey", f"The Access Key with id {key_id} cannot be found.")

    # -- login profiles and the password policy ------------------------------------------
    def test_login_profile_and_password_policy(self):
        user = self.new_user()
        self.assertClientError(lambda: self.iam.get_login_profile(UserName=user), "NoSuchEntity", 404,
                               f"Login Profile for User {user} cannot be found.")
        self.assertClientError(lambda: self.iam.create_login_profile(UserName=user, Password="short"),
                               "PasswordPolicyViolation", 400,
                               "Password does not conform to the account password policy.")
        lp = self.iam.create_login_profile(UserName=user, Password="Passw0rd!x", PasswordResetRequired=True)
        self.assertEqual(lp["LoginProfile"]["UserName"], user)
        self.assertTrue(lp["LoginProfile"]["PasswordResetRequired"])
        self.assertClientError(lambda: self.iam.create_login_profile(UserName=user, Password="Passw0rd!x"),
                               "EntityAlreadyExists", 409)
        self.assertEqual(self.iam.get_login_profile(UserName=user)["LoginProfile"]["UserName"], user)

        self.iam.update_account_password_policy(MinimumPasswordLength=14, RequireNumbers=True,
                                                AllowUsersToChangePassword=True, MaxPasswordAge=30,
                                                PasswordReusePrevention=3)
        try:
            pol = self.iam.get_account_password_policy()["PasswordPolicy"]
            self.assertEqual(pol["MinimumPasswordLength"], 14)
            self.assertTrue(pol["RequireNumbers"])
            self.assertFalse(pol["RequireSymbols"])
            self.assertTrue(pol["ExpirePasswords"])
            self.assertEqual(pol["MaxPasswordAge"], 30)
            self.assertEqual(pol["PasswordReusePrevention"], 3)
            self.assertClientError(lambda: self.iam.update_login_profile(UserName=user, Password="tooshort1"),
                                   "PasswordPolicyViolation", 400)
            self.iam.update_login_profile(UserName=user, Password="a-long-password-1", PasswordResetRequired=False)
            self.assertFalse(self.iam.get_login_profile(UserName=user)["LoginProfile"]["PasswordResetRequired"])
            # ChangePassword acts on the calling user.
            k = self.iam.create_access_key(UserName=user)["AccessKey"]
            self.iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
            own = self.server.client("iam", Creds(k["AccessKeyId"], k["SecretAccessKey"]))
            self.assertClientError(lambda: own.change_password(OldPassword="wrong-password-1",
                                                               NewPassword="another-long-pass-2"), "AccessDenied", 403)
            own.change_password(OldPassword="a-long-password-1", NewPassword="another-long-pass-2")
            self.assertClientError(lambda: own.change_password(OldPassword="another-long-pass-2",
                                                               NewPassword="a-long-password-1"),
                                   "PasswordPolicyViolation", 400)
        finally:
            self.iam.delete_account_password_policy()
        self.assertClientError(self.iam.get_account_password_policy, "NoSuchEntity", 404,
                               f"The Password Policy with domain name {DEFAULT_ACCOUNT} cannot be found.")
        self.assertClientError(self.iam.delete_account_password_policy, "NoSuchEntity", 404)
        self.iam.delete_login_profile(UserName=user)
        self.assertClientError(lambda: self.iam.delete_login_profile(UserName=user), "NoSuchEntity", 404)

    def test_login_profile_and_policy_cli(self):
        user = self.new_user()
        r = self.server.aws("iam", "create-login-profile", "--user-name", user, "--password", "Cli-Passw0rd",
                            "--password-reset-required")
        self.assertEqual(r.returncode, 0, str(r))
        self.assertTrue(r.json["LoginProfile"]["PasswordResetRequired"])
        r = self.server.aws("iam", "get-login-profile", "--user-name", user)
        self.assertEqual(r.json["LoginProfile"]["UserName"], user)
        r = self.server.aws("iam", "update-login-profile", "--user-name", user, "--no-password-reset-required")
        self.assertEqual(r.returncode, 0, str(r))
        r = self.server.aws("iam", "delete-login-profile", "--user-name", user)
        self.assertEqual(r.returncode, 0, str(r))
        r = self.server.aws("iam", "get-login-profile", "--user-name", user)
        self.assertCliError(r, "NoSuchEntity", "GetLoginProfile", f"Login Profile for User {user} cannot be found.")
        r = self.server.aws("iam", "get-account-password-policy")
        self.assertCliError(r, "NoSuchEntity", "GetAccountPasswordPolicy")
        r = self.server.aws("iam", "update-account-password-policy", "--minimum-password-length", "10",
                            "--require-symbols")
        self.assertEqual(r.returncode, 0, str(r))
        r = self.server.aws("iam", "get-account-password-policy")
        self.assertEqual(r.json["PasswordPolicy"]["MinimumPasswordLength"], 10)
        self.assertTrue(r.json["PasswordPolicy"]["RequireSymbols"])
        # The CLI checks the minimum itself; the server's own check answers an unvalidating client.
        raw = self.server.client("iam", parameter_validation=False)
        self.assertClientError(lambda: raw.update_account_password_policy(MinimumPasswordLength=5),
                               "ValidationError", 400,
                               "1 validation error detected: Value '5' at 'minimumPasswordLength' failed to "
                               "satisfy constraint: Member must have value greater than or equal to 6")
        r = self.server.aws("iam", "delete-account-password-policy")
        self.assertEqual(r.returncode, 0, str(r))

    # -- virtual MFA ------------------------------------------------------------------------
    def test_virtual_mfa_with_real_codes(self):
        user = self.new_user()
        name = unique("mfa")
        dev = self.iam.create_virtual_mfa_device(VirtualMFADeviceName=name,
                                                 Tags=[{"Key": "team", "Value": "sec"}])["VirtualMFADevice"]
        serial = dev["SerialNumber"]
        self.assertEqual(serial, f"arn:aws:iam::{DEFAULT_ACCOUNT}:mfa/{name}")
        seed = dev["Base32StringSeed"]
        self.assertEqual(len(base64.b32decode(seed)), 20)
        png = dev["QRCodePNG"]
        self.assertEqual(png[:8], PNG_SIGNATURE)
        self.assertEqual(png[12:16], b"IHDR")
        self.assertClientError(lambda: self.iam.create_virtual_mfa_device(VirtualMFADeviceName=name),
                               "EntityAlreadyExists", 409)
        unassigned = self.iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
        self.assertIn(serial, [d["SerialNumber"] for d in unassigned])

        c1, c2 = two_codes(seed)
        self.assertClientError(lambda: self.iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                                                                  AuthenticationCode1=c2, AuthenticationCode2=c1),
                               "InvalidAuthenticationCode", 403, "Authentication code for device is not valid.")
        self.iam.enable_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1=c1, AuthenticationCode2=c2)
        devices = self.iam.list_mfa_devices(UserName=user)["MFADevices"]
        self.assertEqual([(d["UserName"], d["SerialNumber"]) for d in devices], [(user, serial)])
        self.assertIn("EnableDate", devices[0])
        assigned = self.iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
        mine = [d for d in assigned if d["SerialNumber"] == serial]
        self.assertEqual(mine[0]["User"]["UserName"], user)
        self.assertNotIn("Base32StringSeed", mine[0])
        summary = self.iam.get_account_summary()["SummaryMap"]
        self.assertGreaterEqual(summary["MFADevicesInUse"], 1)
        self.assertClientError(lambda: self.iam.delete_virtual_mfa_device(SerialNumber=serial), "DeleteConflict", 409)
        now = time.time()
        self.iam.resync_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1=totp(seed, now, 0),
                                   AuthenticationCode2=totp(seed, now, 1))
        self.assertClientError(lambda: self.iam.deactivate_mfa_device(UserName=user, SerialNumber=serial + "x"),
                               "NoSuchEntity", 404)
        self.iam.deactivate_mfa_device(UserName=user, SerialNumber=serial)
        self.assertEqual(self.iam.list_mfa_devices(UserName=user)["MFADevices"], [])
        self.iam.delete_virtual_mfa_device(SerialNumber=serial)
        self.assertClientError(lambda: self.iam.delete_virtual_mfa_device(SerialNumber=serial), "NoSuchEntity", 404)

    def test_virtual_mfa_cli_and_pagination(self):
        names = [unique("pg") for _ in range(3)]
        serials = []
        for n in names:
            r = self.server.aws("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", n,
                                "--outfile", f"/dev/null", "--bootstrap-method", "Base32StringSeed")
            self.assertEqual(r.returncode, 0, str(r))
            serials.append(r.json["VirtualMFADevice"]["SerialNumber"])
        seen, marker = [], None
        while True:
            kw = {"MaxItems": 1, **({"Marker": marker} if marker else {})}
            page = self.iam.list_virtual_mfa_devices(**kw)
            seen += [d["SerialNumber"] for d in page["VirtualMFADevices"]]
            if not page["IsTruncated"]:
                break
            marker = page["Marker"]
        for s in serials:
            self.assertIn(s, seen)
        self.assertEqual(len(seen), len(set(seen)))
        r = self.server.aws("iam", "list-virtual-mfa-devices", "--assignment-status", "Unassigned")
        self.assertTrue(set(serials) <= {d["SerialNumber"] for d in r.json["VirtualMFADevices"]})
        for s in serials:
            r = self.server.aws("iam", "delete-virtual-mfa-device", "--serial-number", s)
            self.assertEqual(r.returncode, 0, str(r))
        r = self.server.aws("iam", "enable-mfa-device", "--user-name", "admin", "--serial-number", serials[0],
                            "--authentication-code1", "123456", "--authentication-code2", "654321")
        self.assertCliError(r, "NoSuchEntity", "EnableMFADevice")

    # -- signing certificates --------------------------------------------------------------
    def test_signing_certificates(self):
        user = self.new_user()
        pem = make_certificate("cert-a")
        self.assertClientError(lambda: self.iam.upload_signing_certificate(UserName=user, CertificateBody="garbage"),
                               "MalformedCertificate", 400,
                               "Unable to parse certificate. Please ensure the certificate is in PEM format.")
        c = self.iam.upload_signing_certificate(UserName=user, CertificateBody=pem)["Certificate"]
        self.assertEqual(c["UserName"], user)
        self.assertEqual(c["Status"], "Active")
        self.assertGreaterEqual(len(c["CertificateId"]), 24)
        self.assertClientError(lambda: self.iam.upload_signing_certificate(UserName=user, CertificateBody=pem),
                               "DuplicateCertificate", 409)
        self.iam.upload_signing_certificate(UserName=user, CertificateBody=make_certificate("cert-b"))
        self.assertClientError(lambda: self.iam.upload_signing_certificate(
            UserName=user, CertificateBody=make_certificate("cert-c")), "LimitExceeded", 409,
            "Cannot exceed quota for SigningCertificatesPerUser: 2")
        self.iam.update_signing_certificate(UserName=user, CertificateId=c["CertificateId"], Status="Inactive")
        page = self.iam.list_signing_certificates(UserName=user, MaxItems=1)
        self.assertTrue(page["IsTruncated"])
        rest = self.iam.list_signing_certificates(UserName=user, Marker=page["Marker"])
        certs = page["Certificates"] + rest["Certificates"]
        self.assertEqual({x["CertificateId"]: x["Status"] for x in certs}[c["CertificateId"]], "Inactive")
        r = self.server.aws("iam", "list-signing-certificates", "--user-name", user)
        self.assertEqual(len(r.json["Certificates"]), 2)
        r = self.server.aws("iam", "delete-signing-certificate", "--user-name", user,
                            "--certificate-id", c["CertificateId"])
        self.assertEqual(r.returncode, 0, str(r))
        r = self.server.aws("iam", "delete-signing-certificate", "--user-name", user,
                            "--certificate-id", c["CertificateId"])
        self.assertCliError(r, "NoSuchEntity", "DeleteSigningCertificate")

    # -- account alias, summary, credential report -------------------------------------
    def test_account_alias(self):
        alias = unique("org")
        self.assertEqual(self.iam.list_account_aliases()["AccountAliases"], [])
        self.iam.create_account_alias(AccountAlias=alias)
        self.assertEqual(self.iam.list_account_aliases()["AccountAliases"], [alias])
        r = self.server.aws("iam", "list-account-aliases")
        self.assertEqual(r.json["AccountAliases"], [alias])
        self.assertClientError(lambda: self.iam.create_account_alias(AccountAlias="Bad_Alias"), "ValidationError", 400)
        self.assertClientError(lambda: self.iam.delete_account_alias(AccountAlias=alias + "x"), "NoSuchEntity", 404)
        r = self.server.aws("iam", "delete-account-alias", "--account-alias", alias)
        self.assertEqual(r.returncode, 0, str(r))
        self.assertEqual(self.iam.list_account_aliases()["AccountAliases"], [])

    def test_account_summary(self):
        m = self.iam.get_account_summary()["SummaryMap"]
        for key in ("Users", "UsersQuota", "Groups", "GroupsQuota", "Roles", "RolesQuota", "Policies",
                    "PoliciesQuota", "ServerCertificates", "ServerCertificatesQuota", "AccountMFAEnabled",
                    "AccountAccessKeysPresent", "AccountPasswordPresent", "AccountSigningCertificatesPresent",
                    "MFADevices", "MFADevicesInUse", "AttachedPoliciesPerUserQuota", "AccessKeysPerUserQuota",
                    "SigningCertificatesPerUserQuota", "PolicyVersionsInUse", "GlobalEndpointTokenVersion"):
            self.assertIn(key, m)
        self.assertEqual(m["UsersQuota"], 5000)
        self.assertEqual(m["AccessKeysPerUserQuota"], 2)
        self.assertGreaterEqual(m["Users"], 1)  # admin
        for flag in ("AccountMFAEnabled", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent"):
            self.assertEqual(m[flag], 0, flag)
        # The management root has a password from the first start (one nobody knows, docs/root-user.md).
        self.assertEqual(m["AccountPasswordPresent"], 1)
        r = self.server.aws("iam", "get-account-summary")
        self.assertEqual(r.json["SummaryMap"]["UsersQuota"], 5000)

    def test_credential_report(self):
        user = self.new_user()
        self.iam.create_login_profile(UserName=user, Password="Report-Passw0rd")
        self.iam.create_access_key(UserName=user)
        first = self.iam.generate_credential_report()
        self.assertIn(first["State"], ("STARTED", "COMPLETE"))
        self.assertEqual(self.iam.generate_credential_report()["State"], "COMPLETE")
        r = self.iam.get_credential_report()
        self.assertEqual(r["ReportFormat"], "text/csv")
        rows = list(csv.DictReader(io.StringIO(r["Content"].decode())))
        header = r["Content"].decode().split("\n")[0].split(",")
        self.assertEqual(header[:8], ["user", "arn", "user_creation_time", "password_enabled", "password_last_used",
                                      "password_last_changed", "password_next_rotation", "mfa_active"])
        self.assertEqual(header[-4:], ["cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated"])
        self.assertEqual(len(header), 22)
        self.assertEqual(rows[0]["user"], "<root_account>")
        self.assertEqual(rows[0]["arn"], f"arn:aws:iam::{DEFAULT_ACCOUNT}:root")
        self.assertEqual(rows[0]["password_next_rotation"], "not_supported")
        by_user = {row["user"]: row for row in rows}
        if user in by_user:  # the report may predate the user when it was generated earlier
            self.assertEqual(by_user[user]["password_enabled"], "true")
            self.assertEqual(by_user[user]["access_key_1_active"], "true")
            self.assertEqual(by_user[user]["access_key_2_active"], "false")
        r = self.server.aws("iam", "get-credential-report")
        self.assertEqual(r.json["ReportFormat"], "text/csv")
        self.assertTrue(base64.b64decode(r.json["Content"]).startswith(b"user,arn,"))


class RootSessionCredentialsTest(ServerTestCase):
    """The root-targeted forms (no UserName) inside AssumeRoot sessions on a member account.
    Skipped while the server cannot issue root sessions (Organizations / AssumeRoot missing)."""

    TASK = "arn:aws:iam::aws:policy/root-task/"

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        orgs = cls.server.client("organizations")
        try:
            orgs.create_organization(FeatureSet="ALL")
            orgs.enable_aws_service_access(ServicePrincipal="iam.amazonaws.com")
            iam = cls.server.client("iam")
            iam.enable_organizations_root_credentials_management()
            iam.enable_organizations_root_sessions()
            # Created while root credentials are managed centrally: its root has no credentials.
            st = orgs.create_account(Email="member@example.com", AccountName="member")["CreateAccountStatus"]
            for _ in range(100):
                if st["State"] != "IN_PROGRESS":
                    break
                time.sleep(0.05)
                st = orgs.describe_create_account_status(CreateAccountRequestId=st["Id"])["CreateAccountStatus"]
            cls.member = st["AccountId"]
            cls.root_iam("IAMAuditRootUserCredentials")
            cls.available = True
        except (ClientError, KeyError) as e:
            cls.available = False
            cls.reason = str(e)

    @classmethod
    def root_iam(cls, task: str):
        c = cls.server.client("sts").assume_root(TargetPrincipal=cls.member,
                                                 TaskPolicyArn={"arn": cls.TASK + task})["Credentials"]
        return cls.server.client("iam", Creds.from_sts(c))

    def setUp(self) -> None:
        if not self.available:
            self.skipTest(f"root sessions are not available: {self.reason}")

    def test_audit_create_and_delete_root_password(self):
        audit = self.root_iam("IAMAuditRootUserCredentials")
        self.assertEqual(audit.list_access_keys()["AccessKeyMetadata"], [])
        self.assertEqual(audit.list_mfa_devices()["MFADevices"], [])
        self.assertEqual(audit.list_signing_certificates()["Certificates"], [])
        self.assertClientError(audit.get_login_profile, "NoSuchEntity", 404,
                               "Login Profile for User null cannot be found.")
        self.assertEqual(audit.get_account_summary()["SummaryMap"]["AccountPasswordPresent"], 0)

        create = self.root_iam("IAMCreateRootUserPassword")
        lp = create.create_login_profile()["LoginProfile"]
        self.assertNotIn("UserName", lp)
        self.assertFalse(lp["PasswordResetRequired"])
        self.assertClientError(create.create_login_profile, "EntityAlreadyExists", 409,
                               f"Login Profile for account {self.member} already exists.")
        self.assertNotIn("UserName", create.get_login_profile()["LoginProfile"])
        self.assertEqual(audit.get_account_summary()["SummaryMap"]["AccountPasswordPresent"], 1)

        delete = self.root_iam("IAMDeleteRootUserCredentials")
        delete.delete_login_profile()
        self.assertEqual(audit.get_account_summary()["SummaryMap"]["AccountPasswordPresent"], 0)


class CredentialReportAbsentTest(ServerTestCase):
    """A fresh server: no report until one is generated."""

    def test_report_not_present(self):
        iam = self.server.client("iam")
        self.assertClientError(iam.get_credential_report, "ReportNotPresent", 410)
        r = self.server.aws("iam", "get-credential-report")
        self.assertCliError(r, "ReportNotPresent", "GetCredentialReport")
        self.assertEqual(iam.generate_credential_report()["State"], "STARTED")
        content = iam.get_credential_report()["Content"].decode()
        self.assertIn("\nadmin,", content)


if __name__ == "__main__":
    unittest.main()
