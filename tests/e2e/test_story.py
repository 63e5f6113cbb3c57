"""The whole centralized-root-access story, with boto3, against `orgroot server --demo`.

The steps of docs/walkthrough.md in order, each a test that needs the ones before it (a step
whose predecessor failed is skipped, so the first failure is the one to read):

  look at the demo organization and its roots -> enable trusted access and both features ->
  register a delegated administrator -> audit every member -> delete one member's root
  credentials (sign-in, password recovery and the old root key fail) -> allow recovery (and it
  works) -> unlock the locked bucket and queue -> find it all in CloudTrail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import struct
import time
import unittest
import urllib.parse

from demo_story import BUCKET, IAM_SP, OBJECT_KEY, QUEUE, ROOTS, SUMMARY_KEYS, TASK, DemoStoryCase
from harness import Creds

OUS = {
    "security": "Root",
    "payments-prod": "Workloads/Prod", "storefront-prod": "Workloads/Prod", "data-prod": "Workloads/Prod",
    "payments-dev": "Workloads/Dev", "storefront-dev": "Workloads/Dev",
    "sandbox-alice": "Sandbox", "sandbox-bob": "Sandbox",
}
# The root user's endpoints (docs/root-user.md).
AUTH_FAILED = ("AuthenticationFailed", "Your authentication information is incorrect. Please try again.")
MFA_REQUIRED = ("MfaCodeRequired",
                "This root user has an MFA device. Enter the code the device shows now (mfaCode).")
NO_ROOT_CREDENTIALS = (
    "NoRootCredentials",
    "The root user of this account has no credentials, so it cannot sign in or recover its password. Contact "
    "your administrator: the organization's management account can allow password recovery for this account.")
RECOVERY_NOT_ALLOWED = (
    "PasswordRecoveryNotAllowed",
    "Password recovery is not allowed for this root user: it has no credentials. Contact your administrator: the "
    "organization's management account can allow password recovery for this account.")
INVALID_TOKEN = (
    "InvalidToken",
    "This password reset link is not valid: it is unknown, was already used, or has expired. Choose 'Forgot "
    "password' again to get a new one.")


def totp(seed_base32: str, at: float, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 TOTP (HMAC-SHA1), for the demo roots' MFA devices."""
    key = base64.b32decode(seed_base32.upper() + "=" * (-len(seed_base32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at) // step), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % (10 ** digits)
    return str(code).zfill(digits)


class DemoStory(DemoStoryCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.start_time = time.time() - 5

    # -- clients ----------------------------------------------------------------------------
    def role_creds(self, profile: str) -> Creds:
        """A session of OrganizationAccountAccessRole in a member, from the management admin."""
        acct = self.accounts[profile]
        c = self.server.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{acct}:role/OrganizationAccountAccessRole",
            RoleSessionName=f"story-{profile}")["Credentials"]
        return Creds.from_sts(c)

    def root_session(self, profile: str, task: str, caller: Creds | None = None) -> Creds:
        r = self.server.client("sts", caller).assume_root(
            TargetPrincipal=self.accounts[profile], TaskPolicyArn={"arn": TASK + task})
        self.assertRegex(r["Credentials"]["AccessKeyId"], r"^ASIA[A-Z0-9]{16}$")
        return Creds.from_sts(r["Credentials"])

    def summary(self, creds: Creds) -> tuple[int, ...]:
        m = self.server.client("iam", creds).get_account_summary()["SummaryMap"]
        return tuple(m[k] for k in SUMMARY_KEYS)

    def signin(self, profile: str, password: str, mfa: str | None = None):
        body = {"email": self.email(profile), "password": password}
        if mfa is not None:
            body["mfaCode"] = mfa
        return self.server.root_call("POST", "/_orgroot/root/signin", body)

    def mailbox(self, profile: str) -> list:
        status, msgs = self.server.root_call(
            "GET", "/_orgroot/mailbox/" + urllib.parse.quote(self.email(profile)))
        self.assertEqual(status, 200, msgs)
        self.assertIsInstance(msgs, list)
        return msgs

    def lookup(self, creds: Creds, name: str) -> list[dict]:
        ct = self.server.client("cloudtrail", creds)
        events = []
        for page in ct.get_paginator("lookup_events").paginate(
                LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}]):
            events += page["Events"]
        return [json.loads(e["CloudTrailEvent"]) for e in events]

    def assertRootError(self, answer, status: int, expected: tuple[str, str]) -> None:
        got_status, body = answer
        self.assertEqual(got_status, status, body)
        self.assertEqual(body, {"code": expected[0], "message": expected[1]})

    # -- 1. what --demo seeded ----------------------------------------------------------------
    def test_01_the_demo_organization(self):
        mode = stat.S_IMODE(os.stat(self.server.demo_file).st_mode)
        self.assertEqual(mode, 0o600)
        orgs = self.server.client("organizations")
        org = orgs.describe_organization()["Organization"]
        self.assertEqual(org["Id"], self.org_id)
        self.assertEqual(org["FeatureSet"], "ALL")
        self.assertEqual(org["MasterAccountId"], self.server.account_id)
        accounts = {a["Id"]: a for p in orgs.get_paginator("list_accounts").paginate() for a in p["Accounts"]}
        self.assertEqual(len(accounts), 9)
        self.assertEqual(set(accounts) - {self.mgmt}, set(self.accounts.values()))
        for profile, acct in self.accounts.items():
            self.assertEqual(accounts[acct]["Email"], self.email(profile))
            self.assertEqual(accounts[acct]["Status"], "ACTIVE")

        # The OU tree: Workloads/{Prod,Dev}, Sandbox; Security directly under the root.
        root_id = orgs.list_roots()["Roots"][0]["Id"]

        def ous(parent):
            return {o["Name"]: o["Id"] for o in
                    orgs.list_organizational_units_for_parent(ParentId=parent)["OrganizationalUnits"]}

        top = ous(root_id)
        self.assertEqual(set(top), {"Workloads", "Sandbox"})
        workloads = ous(top["Workloads"])
        self.assertEqual(set(workloads), {"Prod", "Dev"})
        ou_ids = {"Root": root_id, "Workloads/Prod": workloads["Prod"], "Workloads/Dev": workloads["Dev"],
                  "Sandbox": top["Sandbox"]}
        for profile, path in OUS.items():
            self.assertEqual(self.secrets[profile]["ou"], path)
            parent = orgs.list_parents(ChildId=self.accounts[profile])["Parents"][0]["Id"]
            self.assertEqual(parent, ou_ids[path], profile)

        # Nothing of centralized root access is on yet.
        self.assertEqual(orgs.list_aws_service_access_for_organization()["EnabledServicePrincipals"], [])
        self.assertClientError(
            self.server.client("iam").list_organizations_features, "ServiceAccessNotEnabledException", 400,
            f"Trusted Access for IAM not enabled by organization of input account {self.mgmt}.")
        self.assertClientError(
            lambda: self.root_session("payments-prod", "IAMAuditRootUserCredentials"), "AccessDenied", 403,
            "Service not enabled for AWS Organizations.")
        self.done("demo")

    def test_02_the_roots_as_seeded(self):
        self.needs("demo")
        # A root access key signs calls as the member's root.
        for profile in ("payments-prod", "sandbox-alice", "sandbox-bob"):
            sec = self.secrets[profile]
            key = Creds(sec["aws_access_key_id"], sec["aws_secret_access_key"])
            self.assertRegex(key.access_key_id, r"^AKIA[A-Z0-9]{16}$")
            ident = self.server.client("sts", key).get_caller_identity()
            self.assertEqual(ident["Arn"], f"arn:aws:iam::{self.accounts[profile]}:root")
        # Known passwords sign in; an MFA root needs its code.
        status, body = self.signin("payments-dev", self.secrets["payments-dev"]["root_password"])
        self.assertEqual(status, 200, body)
        self.assertRegex(body["Credentials"]["AccessKeyId"], r"^ASIA")
        ident = self.server.client("sts", Creds.from_sts(body["Credentials"])).get_caller_identity()
        self.assertEqual(ident["Arn"], f"arn:aws:iam::{self.accounts['payments-dev']}:root")
        sec = self.secrets["storefront-prod"]
        self.assertRootError(self.signin("storefront-prod", sec["root_password"]), 401, MFA_REQUIRED)
        self.assertRootError(self.signin("storefront-prod", "Not-The-Password-1"), 401, AUTH_FAILED)
        # The seeding used the current step; the next one is accepted (one step of drift).
        status, body = self.signin("storefront-prod", sec["root_password"],
                                   totp(sec["root_mfa_seed"], time.time() + 30))
        self.assertEqual(status, 200, body)
        # The locked bucket and queue deny even the account's administrators.
        role = self.role_creds("data-prod")
        s3 = self.server.client("s3", role)
        self.assertClientError(lambda: s3.get_object(Bucket=BUCKET, Key=OBJECT_KEY), "AccessDenied", 403)
        self.assertClientError(lambda: s3.get_bucket_policy(Bucket=BUCKET), "AccessDenied", 403)
        sqs = self.server.client("sqs", role)
        url = self.secrets["data-prod"]["locked_queue_url"]
        self.assertClientError(lambda: sqs.receive_message(QueueUrl=url), "AccessDenied")
        self.done("roots")

    # -- 2. turn it on ------------------------------------------------------------------------
    def test_03_enable_trusted_access_and_both_features(self):
        self.needs("demo")
        iam = self.server.client("iam")
        self.server.client("organizations").enable_aws_service_access(ServicePrincipal=IAM_SP)
        r = iam.enable_organizations_root_credentials_management()
        self.assertEqual(r["OrganizationId"], self.org_id)
        self.assertEqual(r["EnabledFeatures"], ["RootCredentialsManagement"])
        # Only credentials management: the unlock tasks are still refused.
        self.assertClientError(lambda: self.root_session("data-prod", "S3UnlockBucketPolicy"), "AccessDenied",
                               403, "Root sessions feature is not enabled for your AWS Organization.")
        r = iam.enable_organizations_root_sessions()
        self.assertEqual(r["EnabledFeatures"], ["RootSessions", "RootCredentialsManagement"])
        self.assertEqual(iam.list_organizations_features()["EnabledFeatures"],
                         ["RootSessions", "RootCredentialsManagement"])
        self.done("enabled")

    def test_04_register_a_delegated_administrator(self):
        self.needs("enabled")
        orgs = self.server.client("organizations")
        security = self.accounts["security"]
        orgs.register_delegated_administrator(AccountId=security, ServicePrincipal=IAM_SP)
        admins = orgs.list_delegated_administrators(ServicePrincipal=IAM_SP)["DelegatedAdministrators"]
        self.assertEqual([a["Id"] for a in admins], [security])
        role = self.role_creds("security")
        iam = self.server.client("iam", role)
        self.assertEqual(iam.list_organizations_features()["EnabledFeatures"],
                         ["RootSessions", "RootCredentialsManagement"])
        self.assertClientError(
            iam.enable_organizations_root_sessions, "CallerIsNotManagementAccountException", 400,
            f"Caller account {security} is not management account of the organization and cannot enable IAM "
            "features.")
        # An ordinary member is neither.
        other = self.server.client("iam", self.role_creds("payments-dev"))
        self.assertClientError(
            other.list_organizations_features, "AccountNotManagementOrDelegatedAdministratorException", 400,
            f"Input account {self.accounts['payments-dev']} is neither management account nor delegated admin.")
        self.done("delegated")

    # -- 3. audit every member ------------------------------------------------------------------
    def test_05_audit_every_member_from_the_delegated_administrator(self):
        self.needs("delegated")
        caller = self.role_creds("security")
        for profile, expected in ROOTS.items():
            with self.subTest(member=profile):
                acct = self.accounts[profile]
                sec = self.secrets[profile]
                audit = self.root_session(profile, "IAMAuditRootUserCredentials", caller)
                self.assertEqual(self.summary(audit), expected)
                iam = self.server.client("iam", audit)
                user = iam.get_user()["User"]
                self.assertEqual(user["Arn"], f"arn:aws:iam::{acct}:root")
                self.assertNotIn("UserName", user)
                keys = iam.list_access_keys()["AccessKeyMetadata"]
                self.assertEqual([k["AccessKeyId"] for k in keys],
                                 [sec["aws_access_key_id"]] if expected[1] else [])
                mfas = iam.list_mfa_devices()["MFADevices"]
                self.assertEqual([m["SerialNumber"] for m in mfas],
                                 [sec["root_mfa_serial"]] if expected[2] else [])
                certs = iam.list_signing_certificates()["Certificates"]
                self.assertEqual([c["CertificateId"] for c in certs],
                                 [sec["root_signing_certificate_id"]] if expected[3] else [])
                if expected[0]:
                    lp = iam.get_login_profile()["LoginProfile"]
                    self.assertNotIn("UserName", lp)
                else:
                    self.assertClientError(iam.get_login_profile, "NoSuchEntity", 404,
                                           "Login Profile for User null cannot be found.")
                # An audit session only reads.
                if expected[1]:
                    self.assertClientError(
                        lambda: iam.delete_access_key(AccessKeyId=sec["aws_access_key_id"]), "AccessDenied", 403)
        # The Security account's root is as Organizations created it; the delegated
        # administrator's own account is audited from the management account.
        audit = self.root_session("security", "IAMAuditRootUserCredentials")
        self.assertEqual(self.summary(audit)[1:], (0, 0, 0))
        self.done("audited")

    # -- 4. delete one member's root credentials --------------------------------------------------
    def test_06_delete_the_root_credentials_of_payments_prod(self):
        self.needs("audited")
        sec = self.secrets["payments-prod"]
        delete = self.server.client("iam", self.root_session("payments-prod", "IAMDeleteRootUserCredentials"))
        delete.get_login_profile()
        delete.delete_login_profile()
        for k in delete.list_access_keys()["AccessKeyMetadata"]:
            delete.delete_access_key(AccessKeyId=k["AccessKeyId"])
        for c in delete.list_signing_certificates()["Certificates"]:
            delete.delete_signing_certificate(CertificateId=c["CertificateId"])
        for m in delete.list_mfa_devices()["MFADevices"]:
            delete.deactivate_mfa_device(SerialNumber=m["SerialNumber"])
        self.assertEqual(delete.list_access_keys()["AccessKeyMetadata"], [])
        self.assertClientError(delete.get_login_profile, "NoSuchEntity", 404,
                               "Login Profile for User null cannot be found.")
        # The task allows deleting root credentials, nothing else.
        self.assertClientError(lambda: delete.create_access_key(), "AccessDenied", 403)
        audit = self.root_session("payments-prod", "IAMAuditRootUserCredentials")
        self.assertEqual(self.summary(audit), (0, 0, 0, 0))
        self.assertEqual(sec["root_password"], "Payments-Prod-Root-1!")
        self.done("deleted")

    def test_07_sign_in_recovery_and_the_old_root_key_fail(self):
        self.needs("deleted")
        sec = self.secrets["payments-prod"]
        self.assertRootError(self.signin("payments-prod", sec["root_password"],
                                         totp(sec["root_mfa_seed"], time.time())), 403, NO_ROOT_CREDENTIALS)
        before = len(self.mailbox("payments-prod"))
        self.assertRootError(self.server.root_call("POST", "/_orgroot/root/forgot-password",
                                                   {"email": self.email("payments-prod")}),
                             403, RECOVERY_NOT_ALLOWED)
        self.assertEqual(len(self.mailbox("payments-prod")), before, "no reset mail may be sent")
        old_key = Creds(sec["aws_access_key_id"], sec["aws_secret_access_key"])
        self.assertClientError(self.server.client("sts", old_key).get_caller_identity, "InvalidClientTokenId",
                               403, "The security token included in the request is invalid.")
        self.done("locked-out")

    # -- 5. allow password recovery ----------------------------------------------------------------
    def test_08_allow_recovery_and_recover(self):
        self.needs("locked-out")
        create = self.server.client("iam", self.root_session("payments-prod", "IAMCreateRootUserPassword"))
        self.assertClientError(create.get_login_profile, "NoSuchEntity", 404,
                               "Login Profile for User null cannot be found.")
        lp = create.create_login_profile()["LoginProfile"]
        self.assertNotIn("UserName", lp)
        self.assertFalse(lp["PasswordResetRequired"])
        self.assertClientError(create.create_login_profile, "EntityAlreadyExists", 409,
                               f"Login Profile for account {self.accounts['payments-prod']} already exists.")
        audit = self.root_session("payments-prod", "IAMAuditRootUserCredentials")
        self.assertEqual(self.summary(audit), (1, 0, 0, 0))

        # Whoever reads the root's mailbox can now set a password and sign in.
        before = len(self.mailbox("payments-prod"))
        status, body = self.server.root_call("POST", "/_orgroot/root/forgot-password",
                                             {"email": self.email("payments-prod")})
        self.assertEqual(status, 200, body)
        msgs = self.mailbox("payments-prod")
        self.assertEqual(len(msgs), before + 1)
        self.assertEqual(msgs[-1]["To"], self.email("payments-prod"))
        token = msgs[-1]["Token"]
        status, body = self.server.root_call("POST", "/_orgroot/root/reset-password",
                                             {"token": token, "newPassword": "Recovered-Root-2!"})
        self.assertEqual(status, 200, body)
        # The token works once.
        self.assertRootError(self.server.root_call("POST", "/_orgroot/root/reset-password",
                                                   {"token": token, "newPassword": "Recovered-Root-3!"}),
                             400, INVALID_TOKEN)
        status, body = self.signin("payments-prod", "Recovered-Root-2!")
        self.assertEqual(status, 200, body)
        ident = self.server.client("sts", Creds.from_sts(body["Credentials"])).get_caller_identity()
        self.assertEqual(ident["Arn"], f"arn:aws:iam::{self.accounts['payments-prod']}:root")
        self.assertRootError(self.signin("payments-prod", self.secrets["payments-prod"]["root_password"]),
                             401, AUTH_FAILED)
        self.done("recovered")

    # -- 6. unlock the bucket and the queue ---------------------------------------------------------
    def test_09_unlock_the_bucket(self):
        self.needs("enabled")
        unlock = self.server.client("s3", self.root_session("data-prod", "S3UnlockBucketPolicy"))
        self.assertIn(BUCKET, [b["Name"] for b in unlock.list_buckets()["Buckets"]])
        policy = json.loads(unlock.get_bucket_policy(Bucket=BUCKET)["Policy"])
        self.assertEqual(policy["Statement"][0]["Effect"], "Deny")
        self.assertEqual(policy["Statement"][0]["Principal"], "*")
        # The task reaches the policy, not the data.
        self.assertClientError(lambda: unlock.get_object(Bucket=BUCKET, Key=OBJECT_KEY), "AccessDenied", 403)
        r = unlock.delete_bucket_policy(Bucket=BUCKET)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertClientError(lambda: unlock.get_bucket_policy(Bucket=BUCKET), "NoSuchBucketPolicy", 404)
        s3 = self.server.client("s3", self.role_creds("data-prod"))
        body = s3.get_object(Bucket=BUCKET, Key=OBJECT_KEY)["Body"].read()
        self.assertTrue(body.startswith(b"order_id,amount\n"), body)
        self.done("bucket")

    def test_10_unlock_the_queue(self):
        self.needs("enabled")
        acct = self.accounts["data-prod"]
        unlock = self.server.client("sqs", self.root_session("data-prod", "SQSUnlockQueuePolicy"))
        url = unlock.get_queue_url(QueueName=QUEUE)["QueueUrl"]
        self.assertEqual(url, self.secrets["data-prod"]["locked_queue_url"])
        attrs = unlock.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]
        self.assertEqual(json.loads(attrs["Policy"])["Statement"][0]["Resource"],
                         f"arn:aws:sqs:us-east-1:{acct}:{QUEUE}")
        self.assertClientError(lambda: unlock.receive_message(QueueUrl=url), "AccessDenied")
        unlock.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
        attrs = unlock.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {})
        self.assertNotIn("Policy", attrs)
        sqs = self.server.client("sqs", self.role_creds("data-prod"))
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        self.assertEqual([json.loads(m["Body"])["orderId"] for m in msgs], [1003])
        self.done("queue")

    # -- 7. the trail -----------------------------------------------------------------------------
    def test_11_find_it_all_in_cloudtrail(self):
        self.needs("recovered", "bucket", "queue")
        # AssumeRoot calls are in the caller's trail, naming the target.
        mine = self.lookup(self.server.admin, "AssumeRoot")
        targets = {(e["requestParameters"]["targetPrincipal"], e["requestParameters"]["taskPolicyArn"]["arn"])
                   for e in mine if "errorCode" not in e}
        for profile, task in (("payments-prod", "IAMDeleteRootUserCredentials"),
                              ("payments-prod", "IAMCreateRootUserPassword"),
                              ("data-prod", "S3UnlockBucketPolicy"), ("data-prod", "SQSUnlockQueuePolicy")):
            self.assertIn((self.accounts[profile], TASK + task), targets)
        for e in mine:
            self.assertEqual(e["userIdentity"]["arn"], self.server.admin_arn)
            self.assertEqual(e["eventSource"], "sts.amazonaws.com")
        # The delegated administrator's audit sessions are in the Security account's trail.
        security = self.lookup(self.role_creds("security"), "AssumeRoot")
        audited = {e["requestParameters"]["targetPrincipal"] for e in security if "errorCode" not in e}
        self.assertEqual(audited, {self.accounts[p] for p in ROOTS})

        # What the root sessions did is in the member's trail, as the member's root.
        payments = self.role_creds("payments-prod")
        acct = self.accounts["payments-prod"]
        for name in ("DeleteLoginProfile", "DeleteAccessKey", "DeleteSigningCertificate", "DeactivateMFADevice",
                     "CreateLoginProfile"):
            events = [e for e in self.lookup(payments, name) if e["userIdentity"].get("accessKeyId", "")
                      .startswith("ASIA") and "errorCode" not in e]
            self.assertEqual(len(events), 1, name)
            ident = events[0]["userIdentity"]
            self.assertEqual(ident["type"], "Root")
            self.assertEqual(ident["arn"], f"arn:aws:iam::{acct}:root")
            self.assertEqual(ident["sessionContext"]["assumedRoot"], "true")
            self.assertEqual(events[0]["recipientAccountId"], acct)
            self.assertNotIn("userName", events[0]["requestParameters"] or {})
        # The refused and the successful sign-ins, and the recovery.
        logins = self.lookup(payments, "ConsoleLogin")
        outcomes = [e["responseElements"]["ConsoleLogin"] for e in logins if e["eventTime"] >= self._since()]
        self.assertIn("Failure", outcomes)
        self.assertIn("Success", outcomes)
        self.assertTrue(self.lookup(payments, "PasswordRecoveryCompleted"))

        data = self.role_creds("data-prod")
        for name in ("DeleteBucketPolicy", "SetQueueAttributes"):
            events = [e for e in self.lookup(data, name) if e["userIdentity"]["type"] == "Root"]
            self.assertEqual(len(events), 1, name)
            self.assertEqual(events[0]["userIdentity"]["sessionContext"]["assumedRoot"], "true")
        ev = [e for e in self.lookup(data, "DeleteBucketPolicy") if e["userIdentity"]["type"] == "Root"][0]
        self.assertEqual(ev["requestParameters"]["bucketName"], BUCKET)

        # The same thing through the Username and ResourceName lookup attributes.
        ct = self.server.client("cloudtrail", data)
        by_bucket = ct.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName",
                                                        "AttributeValue": BUCKET}])["Events"]
        self.assertIn("DeleteBucketPolicy", [e["EventName"] for e in by_bucket])
        by_root = ct.lookup_events(LookupAttributes=[{"AttributeKey": "Username",
                                                      "AttributeValue": "root"}])["Events"]
        self.assertIn("SetQueueAttributes", [e["EventName"] for e in by_root])

    def _since(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.start_time))


class DemoRestart(unittest.TestCase):
    """--demo seeds once: a restart on the same data directory keeps the organization."""

    def test_restart_does_not_seed_again(self):
        from harness import Server
        server = Server(demo=True)
        try:
            server.start()
            first = server.demo_file.read_text()
            orgs = server.client("organizations")
            before = sorted(a["Id"] for a in orgs.list_accounts()["Accounts"])
            self.assertEqual(len(before), 9)
            server.restart()
            self.assertEqual(server.demo_file.read_text(), first)
            after = sorted(a["Id"] for a in server.client("organizations").list_accounts()["Accounts"])
            self.assertEqual(after, before)
            self.assertIn("seeded on an earlier start", server.log_path.read_text())
        finally:
            server.close()

    def test_an_existing_data_directory_is_not_seeded(self):
        from harness import Server
        server = Server()
        try:
            server.start()
            server.stop()
            server.demo = True
            server.start()
            self.assertFalse(server.demo_file.exists())
            self.assertIn("--demo ignored", server.log_path.read_text())
            from botocore.exceptions import ClientError
            with self.assertRaises(ClientError) as cm:
                server.client("organizations").describe_organization()
            self.assertEqual(cm.exception.response["Error"]["Code"], "AWSOrganizationsNotInUseException")
        finally:
            server.close()


if __name__ == "__main__":
    unittest.main()
