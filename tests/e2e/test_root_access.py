"""Centralized root access end to end (spec root-access.md §1, §2.1-§2.4, §3, §7, §8): IAM's five
organization feature operations, STS AssumeRoot, the five root-task policies inside root sessions,
the root-session forms of the IAM credential calls, SCPs and `aws:AssumedRoot`, unlocking an S3
bucket and an SQS queue, and the CloudTrail records — with boto3 and the AWS CLI against the real
binary.

Accounts: the server's management account (the admin user), plus member accounts created through
Organizations and entered through their OrganizationAccountAccessRole.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import unittest
import urllib.parse
import uuid

from harness import (ASIA_RE, DEFAULT_ACCOUNT, SECRET_RE, STS_NS, Creds, ServerTestCase, local_name,
                     signed_request, sts_params, xml_namespace, xml_text)

from botocore.exceptions import ClientError  # noqa: E402  (after harness, which cleans the environment)

MGMT = DEFAULT_ACCOUNT
IAM_SP = "iam.amazonaws.com"
TASK = "arn:aws:iam::aws:policy/root-task/"
AUDIT = TASK + "IAMAuditRootUserCredentials"
CREATE_PASSWORD = TASK + "IAMCreateRootUserPassword"
DELETE = TASK + "IAMDeleteRootUserCredentials"
S3_UNLOCK = TASK + "S3UnlockBucketPolicy"
SQS_UNLOCK = TASK + "SQSUnlockQueuePolicy"
IAM_TASKS = (AUDIT, CREATE_PASSWORD, DELETE)
SESSION_TASKS = (S3_UNLOCK, SQS_UNLOCK)
ALL_TASKS = IAM_TASKS + SESSION_TASKS

CREDS = "RootCredentialsManagement"
SESSIONS = "RootSessions"
ENABLE_OPS = ("enable_organizations_root_credentials_management", "enable_organizations_root_sessions")
OTHER_OPS = ("disable_organizations_root_credentials_management", "disable_organizations_root_sessions",
             "list_organizations_features")
FEATURE_OPS = ENABLE_OPS + OTHER_OPS

MSG_CREDS_OFF = "Root credentials management feature is not enabled for your AWS Organization."
MSG_SESSIONS_OFF = "Root sessions feature is not enabled for your AWS Organization."
MSG_SERVICE_OFF = "Service not enabled for AWS Organizations."
MSG_NO_TASK = "Request must contain valid AWS managed task policy ARN"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
MSG_NO_TARGET = "Request must contain a valid target principal"
MSG_NO_LOGIN_PROFILE = "Login Profile for User null cannot be found."

# GetAccountSummary as captured from a member account in a root session (spec §2.3): its keys.
SUMMARY_KEYS = {
    "GroupPolicySizeQuota", "InstanceProfilesQuota", "Policies", "GroupsPerUserQuota", "InstanceProfiles",
    "AttachedPoliciesPerUserQuota", "Users", "PoliciesQuota", "Providers", "AccountMFAEnabled",
    "AccessKeysPerUserQuota", "AssumeRolePolicySizeQuota", "PolicyVersionsInUseQuota",
    "GlobalEndpointTokenVersion", "VersionsPerPolicyQuota", "AttachedPoliciesPerGroupQuota", "PolicySizeQuota",
    "Groups", "AccountSigningCertificatesPresent", "UsersQuota", "ServerCertificatesQuota", "MFADevices",
    "UserPolicySizeQuota", "PolicyVersionsInUse", "ServerCertificates", "Roles", "RolesQuota",
    "SigningCertificatesPerUserQuota", "MFADevicesInUse", "RolePolicySizeQuota", "AttachedPoliciesPerRoleQuota",
    "AccountAccessKeysPresent", "AccountPasswordPresent", "GroupsQuota"}
ROOT_SUMMARY_KEYS = ("AccountMFAEnabled", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent",
                     "AccountPasswordPresent")

CT_EXPIRATION_RE = r"^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d:\d\d [AP]M$"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def root_arn(account: str) -> str:
    return f"arn:aws:iam::{account}:root"


def generic_denial(caller_arn: str, target: str) -> str:
    """AssumeRoot's refusal: no "because ..." clause, whatever the reason (spec §2.2)."""
    return f"User: {caller_arn} is not authorized to perform: sts:AssumeRoot on resource: {root_arn(target)}"


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def parse_iso(s: str) -> dt.datetime:
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def parse_ct_expiration(s: str) -> dt.datetime:
    return dt.datetime.strptime(s, "%b %d, %Y, %I:%M:%S %p").replace(tzinfo=dt.timezone.utc)


# ---------------------------------------------------------------------------------------------
# The organization every test builds on
# ---------------------------------------------------------------------------------------------
class OrgWorld:
    """Organizations, accounts and identities on one server, through its public APIs only."""

    def __init__(self, server):
        self.server = server
        self.orgs = server.client("organizations")
        self.iam = server.client("iam")
        self.sts = server.client("sts")
        self.root_id = None
        self.org_id = None

    def create_organization(self, feature_set: str = "ALL") -> str:
        o = self.orgs.create_organization(FeatureSet=feature_set)["Organization"]
        self.root_id = self.orgs.list_roots()["Roots"][0]["Id"]
        self.org_id = o["Id"]
        return o["Id"]

    def create_account(self, name: str) -> str:
        st = self.orgs.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
        for _ in range(200):
            if st["State"] != "IN_PROGRESS":
                break
            time.sleep(0.05)
            st = self.orgs.describe_create_account_status(CreateAccountRequestId=st["Id"])["CreateAccountStatus"]
        assert st["State"] == "SUCCEEDED", st
        return st["AccountId"]

    def organization(self, *accounts: str, feature_set: str = "ALL") -> list[str]:
        """A new organization (its id in `org_id`) and the member `accounts`, created in that order: their ids.
        Trusted access for IAM stays off."""
        self.create_organization(feature_set)
        return [self.create_account(name) for name in accounts]

    def org_with_root_access(self, *accounts: str, delegate: str | None = None,
                             features: tuple[str, ...] = (CREDS, SESSIONS), joined_after: tuple[str, ...] = ()
                             ) -> list[str]:
        """An organization set up for centralized root access, in this order: the member `accounts` (created
        before any feature is on, so each root has a password), trusted access for IAM, `delegate` (the name of
        one of `accounts`) registered as IAM's delegated administrator, the `features` enabled (none are
        touched when empty), then the `joined_after` accounts (created with the features on: no root
        credentials). The ids of `accounts` and then `joined_after`, in order."""
        assert delegate is None or delegate in accounts, delegate
        ids = self.organization(*accounts)
        self.enable_trusted_access()
        if delegate is not None:
            self.register_delegate(ids[accounts.index(delegate)])
        if features:
            self.set_features(*features)
        return ids + [self.create_account(name) for name in joined_after]

    def enable_trusted_access(self) -> None:
        self.orgs.enable_aws_service_access(ServicePrincipal=IAM_SP)

    def register_delegate(self, account: str) -> None:
        self.orgs.register_delegated_administrator(AccountId=account, ServicePrincipal=IAM_SP)

    def deregister_delegate(self, account: str) -> None:
        self.orgs.deregister_delegated_administrator(AccountId=account, ServicePrincipal=IAM_SP)

    def wait_usable(self, creds: Creds) -> Creds:
        """A fresh key may take a moment to reach the authentication cache."""
        sts = self.server.client("sts", creds)
        for _ in range(50):
            try:
                sts.get_caller_identity()
                return creds
            except ClientError as e:
                if e.response["Error"]["Code"] != "InvalidClientTokenId":
                    raise
                time.sleep(0.1)
        raise AssertionError(f"key {creds.access_key_id} never became usable")

    def role_session(self, account: str, session: str = "ops") -> Creds:
        """Administrator of a member account: its OrganizationAccountAccessRole."""
        c = self.sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                                 RoleSessionName=session)["Credentials"]
        return self.wait_usable(Creds.from_sts(c))

    @staticmethod
    def role_session_arn(account: str, session: str = "ops") -> str:
        return f"arn:aws:sts::{account}:assumed-role/OrganizationAccountAccessRole/{session}"

    def user(self, name: str, *statements: dict, managed: tuple[str, ...] = ()) -> tuple[Creds, str]:
        """An IAM user of the management account with the given inline statements; (creds, arn)."""
        u = self.iam.create_user(UserName=name)["User"]
        if statements:
            self.iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy(*statements))
        for arn in managed:
            self.iam.attach_user_policy(UserName=name, PolicyArn=arn)
        k = self.iam.create_access_key(UserName=name)["AccessKey"]
        return self.wait_usable(Creds(k["AccessKeyId"], k["SecretAccessKey"])), u["Arn"]

    def assume_root(self, target: str, task: str, creds: Creds | None = None, **kw) -> dict:
        return self.server.client("sts", creds).assume_root(TargetPrincipal=target, TaskPolicyArn={"arn": task},
                                                            **kw)

    def root_session(self, target: str, task: str, creds: Creds | None = None, **kw) -> Creds:
        return self.wait_usable(Creds.from_sts(self.assume_root(target, task, creds, **kw)["Credentials"]))

    def features(self) -> list[str]:
        return self.iam.list_organizations_features()["EnabledFeatures"]

    def set_features(self, *wanted: str) -> None:
        if CREDS in wanted:
            self.iam.enable_organizations_root_credentials_management()
        else:
            self.iam.disable_organizations_root_credentials_management()
        if SESSIONS in wanted:
            self.iam.enable_organizations_root_sessions()
        else:
            self.iam.disable_organizations_root_sessions()

    def enable_scps(self) -> None:
        self.orgs.enable_policy_type(RootId=self.root_id, PolicyType="SERVICE_CONTROL_POLICY")

    def attach_scp(self, target: str, *statements: dict) -> str:
        pid = self.orgs.create_policy(Name=unique("scp"), Description="test", Type="SERVICE_CONTROL_POLICY",
                                      Content=policy(*statements))["Policy"]["PolicySummary"]["Id"]
        self.orgs.attach_policy(PolicyId=pid, TargetId=target)
        return pid

    def detach_scp(self, pid: str, target: str) -> None:
        self.orgs.detach_policy(PolicyId=pid, TargetId=target)
        self.orgs.delete_policy(PolicyId=pid)

    def lookup(self, creds: Creds | None, key: str, value: str) -> list[dict]:
        ct = self.server.client("cloudtrail", creds)
        events = []
        for page in ct.get_paginator("lookup_events").paginate(
                LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}]):
            events += page["Events"]
        return events


class RootAccessCase(ServerTestCase):
    """Helpers shared by the suites below."""

    world: OrgWorld

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.world = OrgWorld(cls.server)

    def assertIamError(self, call, code: str, message: str, status: int = 400):
        """An IAM/STS query-protocol error: code, HTTP status, message and Type."""
        e = self.assertClientError(call, code, status, message)
        self.assertEqual(e.response["Error"].get("Type"), "Sender" if status < 500 else "Receiver", e.response)
        return e

    def assertDenied(self, call, message: str):
        return self.assertIamError(call, "AccessDenied", message, 403)

    def assertTaskDenied(self, call, action: str, principal_account: str,
                         reason: str = "with an explicit deny in a session policy"):
        """A call a root session's task policy (or an SCP) refuses: 403 naming the root, the action and
        the policy type (SQS words the action in lower case)."""
        if action.startswith("sqs:"):
            action = action.lower()
        e = self.assertClientError(
            call, "AccessDenied", 403,
            message_prefix=f"User: {root_arn(principal_account)} is not authorized to perform: {action} ")
        self.assertTrue(e.response["Error"]["Message"].endswith(" " + reason), e.response["Error"])
        return e

    def assertDeniedTo(self, call, principal_arn: str, action: str):
        """AccessDenied 403 naming the caller and the action (S3 and SQS word it their own way)."""
        if action.startswith("sqs:"):
            action = action.lower()
        return self.assertClientError(call, "AccessDenied", 403,
                                      message_prefix=f"User: {principal_arn} is not authorized to perform: {action} ")

    def assertFeatureError(self, client, op: str, code: str, message: str):
        """The five IAM feature operations' errors: 400, Sender, and botocore's modeled exception."""
        e = self.assertIamError(getattr(client, op), code, message)
        self.assertIsInstance(e, getattr(client.exceptions, code), f"{op}: {code} should be modeled")
        return e


# ---------------------------------------------------------------------------------------------
# §2.1 IAM feature operations
# ---------------------------------------------------------------------------------------------
class FeatureOperationsWithoutOrganizationTest(RootAccessCase):
    """Authorization comes first (AccessDenied even without an organization), then the organization."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nobody, cls.nobody_arn = cls.world.user("nobody")
        cls.denied, cls.denied_arn = cls.world.user(
            "denied", ALLOW_ALL, {"Effect": "Deny", "Action": "iam:*Organizations*", "Resource": "*"})

    def test_organization_not_found(self):
        iam = self.server.client("iam")
        for op in FEATURE_OPS:
            with self.subTest(op=op):
                self.assertFeatureError(iam, op, "OrganizationNotFoundException",
                                        f"Organization not found for input account {MGMT}.")

    def test_access_denied_before_anything_else(self):
        iam = self.server.client("iam", self.nobody)
        for op, action in (("list_organizations_features", "ListOrganizationsFeatures"),
                           ("enable_organizations_root_sessions", "EnableOrganizationsRootSessions"),
                           ("disable_organizations_root_credentials_management",
                            "DisableOrganizationsRootCredentialsManagement")):
            with self.subTest(op=op):
                self.assertDenied(getattr(iam, op),
                                  f"User: {self.nobody_arn} is not authorized to perform: iam:{action} on resource: * "
                                  f"because no identity-based policy allows the iam:{action} action")

    def test_explicit_deny_message(self):
        iam = self.server.client("iam", self.denied)
        self.assertDenied(iam.enable_organizations_root_credentials_management,
                          f"User: {self.denied_arn} is not authorized to perform: "
                          "iam:EnableOrganizationsRootCredentialsManagement on resource: * "
                          "with an explicit deny in an identity-based policy")

    def test_cli(self):
        r = self.server.aws("iam", "list-organizations-features")
        self.assertCliError(r, "OrganizationNotFoundException", "ListOrganizationsFeatures",
                            f"Organization not found for input account {MGMT}.")


class FeatureOperationsConsolidatedBillingTest(RootAccessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.member,) = cls.world.organization("cb-member", feature_set="CONSOLIDATED_BILLING")

    def test_not_in_all_features_mode(self):
        # Trusted access is off as well: the feature set is checked first, for members too.
        for account, iam in ((MGMT, self.server.client("iam")),
                             (self.member, self.server.client("iam", self.world.role_session(self.member)))):
            for op in FEATURE_OPS:
                with self.subTest(account=account, op=op):
                    self.assertFeatureError(iam, op, "OrganizationNotInAllFeaturesModeException",
                                            f"Organization of input account {account} is not in all features mode.")


class FeatureOperationsCallersTest(RootAccessCase):
    """An organization with all features: trusted access, then the caller's role, in that order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        w = cls.world
        cls.delegate, cls.member = w.organization("delegate", "member")
        cls.org_id = w.org_id
        cls.delegate_iam = cls.server.client("iam", w.role_session(cls.delegate))
        cls.member_iam = cls.server.client("iam", w.role_session(cls.member))

    def unchanged(self, before: list[str]) -> None:
        self.assertEqual(self.world.features(), before)

    def test_1_trusted_access_off(self):
        iam = self.server.client("iam")
        for account, client in ((MGMT, iam), (self.member, self.member_iam), (self.delegate, self.delegate_iam)):
            for op in FEATURE_OPS:
                with self.subTest(account=account, op=op):
                    self.assertFeatureError(
                        client, op, "ServiceAccessNotEnabledException",
                        f"Trusted Access for IAM not enabled by organization of input account {account}.")
        r = self.server.aws("iam", "enable-organizations-root-sessions")
        self.assertCliError(r, "ServiceAccessNotEnabledException", "EnableOrganizationsRootSessions",
                            f"Trusted Access for IAM not enabled by organization of input account {MGMT}.")

    def test_2_callers(self):
        w = self.world
        w.enable_trusted_access()
        w.register_delegate(self.delegate)
        try:
            before = w.iam.enable_organizations_root_credentials_management()["EnabledFeatures"]
            self.assertEqual(before, [CREDS])
            # An ordinary member: every operation.
            for op in FEATURE_OPS:
                with self.subTest(op=op):
                    self.assertFeatureError(
                        self.member_iam, op, "AccountNotManagementOrDelegatedAdministratorException",
                        f"Input account {self.member} is neither management account nor delegated admin.")
            self.unchanged(before)
            # The delegated administrator: not the Enable operations ...
            for op in ENABLE_OPS:
                with self.subTest(op=op):
                    self.assertFeatureError(
                        self.delegate_iam, op, "CallerIsNotManagementAccountException",
                        f"Caller account {self.delegate} is not management account of the organization and "
                        "cannot enable IAM features.")
            self.unchanged(before)
            # ... but listing and disabling.
            r = self.delegate_iam.list_organizations_features()
            self.assertEqual((r["OrganizationId"], r["EnabledFeatures"]), (self.org_id, [CREDS]))
            self.assertEqual(self.delegate_iam.disable_organizations_root_credentials_management()["EnabledFeatures"],
                             [])
            self.assertEqual(self.delegate_iam.disable_organizations_root_sessions()["EnabledFeatures"], [])
            self.assertEqual(w.features(), [])
            # Deregistered, it is an ordinary member again, at once.
            w.deregister_delegate(self.delegate)
            self.assertFeatureError(
                self.delegate_iam, "list_organizations_features",
                "AccountNotManagementOrDelegatedAdministratorException",
                f"Input account {self.delegate} is neither management account nor delegated admin.")
            self.assertFeatureError(
                self.delegate_iam, "enable_organizations_root_sessions",
                "AccountNotManagementOrDelegatedAdministratorException",
                f"Input account {self.delegate} is neither management account nor delegated admin.")
        finally:
            try:
                w.register_delegate(self.delegate)
            except ClientError:
                pass

    def test_3_delegate_of_another_service_is_an_ordinary_member(self):
        w = self.world
        w.orgs.enable_aws_service_access(ServicePrincipal="config.amazonaws.com")
        w.orgs.register_delegated_administrator(AccountId=self.member, ServicePrincipal="config.amazonaws.com")
        try:
            self.assertFeatureError(
                self.member_iam, "list_organizations_features",
                "AccountNotManagementOrDelegatedAdministratorException",
                f"Input account {self.member} is neither management account nor delegated admin.")
        finally:
            w.orgs.deregister_delegated_administrator(AccountId=self.member, ServicePrincipal="config.amazonaws.com")

    def test_4_cli_errors(self):
        w = self.world
        try:
            w.enable_trusted_access()
            w.register_delegate(self.delegate)
        except ClientError:
            pass
        r = self.server.aws("iam", "enable-organizations-root-credentials-management",
                            creds=w.role_session(self.delegate))
        self.assertCliError(r, "CallerIsNotManagementAccountException",
                            "EnableOrganizationsRootCredentialsManagement",
                            f"Caller account {self.delegate} is not management account of the organization and "
                            "cannot enable IAM features.")
        r = self.server.aws("iam", "list-organizations-features", creds=w.role_session(self.member))
        self.assertCliError(r, "AccountNotManagementOrDelegatedAdministratorException", "ListOrganizationsFeatures",
                            f"Input account {self.member} is neither management account nor delegated admin.")


class FeatureStateTest(RootAccessCase):
    """EnabledFeatures after each call, its order, idempotence and survival of trusted access."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        w = cls.world
        (cls.delegate,) = w.org_with_root_access("delegate", delegate="delegate", features=())
        cls.org_id = w.org_id
        cls.d_iam = cls.server.client("iam", w.role_session(cls.delegate))

    def setUp(self):
        self.world.set_features()

    def result(self, r: dict) -> list[str]:
        self.assertEqual(r["OrganizationId"], self.org_id)
        return r["EnabledFeatures"]

    def test_captured_transitions(self):
        m, d = self.world.iam, self.d_iam
        self.assertEqual(self.result(m.list_organizations_features()), [])
        self.assertEqual(self.result(m.enable_organizations_root_credentials_management()), [CREDS])
        self.assertEqual(self.result(m.enable_organizations_root_sessions()), [SESSIONS, CREDS])
        self.assertEqual(self.result(d.disable_organizations_root_credentials_management()), [SESSIONS])
        self.assertEqual(self.result(m.disable_organizations_root_credentials_management()), [SESSIONS])
        self.assertEqual(self.result(d.disable_organizations_root_sessions()), [])
        self.assertEqual(self.result(m.disable_organizations_root_sessions()), [])
        self.assertEqual(self.result(m.enable_organizations_root_credentials_management()), [CREDS])
        self.assertEqual(self.result(d.list_organizations_features()), [CREDS])

    def test_order_is_sessions_first_whatever_the_enable_order(self):
        m = self.world.iam
        self.assertEqual(self.result(m.enable_organizations_root_sessions()), [SESSIONS])
        self.assertEqual(self.result(m.enable_organizations_root_credentials_management()), [SESSIONS, CREDS])
        self.assertEqual(self.result(m.list_organizations_features()), [SESSIONS, CREDS])

    def test_enable_and_disable_are_idempotent(self):
        m = self.world.iam
        for _ in range(2):
            self.assertEqual(self.result(m.enable_organizations_root_sessions()), [SESSIONS])
        for _ in range(2):
            self.assertEqual(self.result(m.disable_organizations_root_sessions()), [])
            self.assertEqual(self.result(m.disable_organizations_root_credentials_management()), [])

    def test_cli(self):
        aws = self.server.aws
        r = aws("iam", "enable-organizations-root-credentials-management")
        self.assertEqual(r.returncode, 0, str(r))
        self.assertEqual(r.json, {"OrganizationId": self.org_id, "EnabledFeatures": [CREDS]})
        r = aws("iam", "enable-organizations-root-sessions")
        self.assertEqual(r.json["EnabledFeatures"], [SESSIONS, CREDS])
        r = aws("iam", "disable-organizations-root-sessions", creds=self.world.role_session(self.delegate))
        self.assertEqual(r.returncode, 0, str(r))
        self.assertEqual(r.json["EnabledFeatures"], [CREDS])
        r = aws("iam", "list-organizations-features")
        self.assertEqual(r.json, {"OrganizationId": self.org_id, "EnabledFeatures": [CREDS]})

    def test_wire_form(self):
        r = self.server.signed("POST", "/", {"Action": "ListOrganizationsFeatures", "Version": "2010-05-08"},
                               service="iam")
        self.assertEqual(r.status, 200, r.text)
        root = r.xml()
        self.assertEqual(local_name(root), "ListOrganizationsFeaturesResponse")
        self.assertEqual(xml_namespace(root), "https://iam.amazonaws.com/doc/2010-05-08/")
        self.assertEqual(xml_text(root, "OrganizationId"), self.org_id)
        result = [c for c in root if local_name(c) == "ListOrganizationsFeaturesResult"]
        self.assertEqual(len(result), 1, r.text)
        features = [c for c in result[0] if local_name(c) == "EnabledFeatures"]
        self.assertEqual(len(features), 1, r.text)
        self.assertEqual(list(features[0]), [], r.text)
        r = self.server.signed("POST", "/", {"Action": "EnableOrganizationsRootSessions", "Version": "2010-05-08"},
                               service="iam")
        self.assertEqual(r.status, 200, r.text)
        members = [m.text for m in r.xml().iter() if local_name(m) == "member"]
        self.assertEqual(members, [SESSIONS])
        # An error in the query form: Sender, the full exception name as the code.
        r = self.server.signed("POST", "/", {"Action": "EnableOrganizationsRootSessions", "Version": "2010-05-08"},
                               service="iam", creds=self.world.role_session(self.delegate))
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(r.error["Code"], "CallerIsNotManagementAccountException")
        self.assertEqual(r.error["Type"], "Sender")
        self.assertEqual(xml_namespace(r.xml()), "https://iam.amazonaws.com/doc/2010-05-08/")

    def test_flags_survive_trusted_access_off_and_on(self):
        w = self.world
        w.set_features(CREDS, SESSIONS)
        e = self.assertClientError(lambda: w.orgs.disable_aws_service_access(ServicePrincipal=IAM_SP),
                                   "ConstraintViolationException", 400,
                                   "You have delegated administrator/s for this service. De-register them in order "
                                   "to disable service access.")
        self.assertEqual(e.response.get("Reason"), "DELEGATED_ADMINISTRATOR_EXISTS_FOR_THIS_SERVICE")
        w.deregister_delegate(self.delegate)
        try:
            w.orgs.disable_aws_service_access(ServicePrincipal=IAM_SP)
            self.assertFeatureError(w.iam, "list_organizations_features", "ServiceAccessNotEnabledException",
                                    f"Trusted Access for IAM not enabled by organization of input account {MGMT}.")
            w.enable_trusted_access()
            self.assertEqual(w.features(), [SESSIONS, CREDS])
        finally:
            try:
                w.enable_trusted_access()
            except ClientError:
                pass
            w.register_delegate(self.delegate)


# ---------------------------------------------------------------------------------------------
# §2.2 STS AssumeRoot: errors
# ---------------------------------------------------------------------------------------------
class AssumeRootValidationTest(RootAccessCase):
    """The endpoint, then the parameters, all before authorization (an unprivileged caller sees them)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        w = cls.world
        (cls.target,) = w.org_with_root_access("target")
        cls.nobody, cls.nobody_arn = w.user("nobody")

    def raw_sts(self, params: dict, *, host: str | None = None, region: str = "us-east-1", creds=None):
        headers = {"Host": host} if host else None
        return signed_request(self.server.endpoint, "POST", "/", sts_params("AssumeRoot", **params),
                              creds=creds or self.nobody, service="sts", region=region, headers=headers)

    def test_global_endpoint_is_unknown_operation(self):
        good = {"TargetPrincipal": self.target, "TaskPolicyArn.arn": AUDIT}
        for creds in (self.server.admin, self.nobody):
            for params in (good, {**good, "DurationSeconds": "901"}, {"TaskPolicyArn.arn": "x"}):
                with self.subTest(creds=creds.access_key_id, params=params):
                    r = self.raw_sts(params, host="sts.amazonaws.com", creds=creds)
                    self.assertEqual(r.status, 400, r.text)
                    self.assertEqual((r.error["Code"], r.error["Message"], r.error["Type"]),
                                     ("InvalidAction", "Unknown Operation", "Sender"), r.text)
                    self.assertEqual(xml_namespace(r.xml()), STS_NS)

    def test_regional_endpoints_work(self):
        for host, region in (("sts.us-east-1.amazonaws.com", "us-east-1"), ("sts.eu-west-1.amazonaws.com", "eu-west-1"),
                             (None, "us-east-2")):
            with self.subTest(host=host):
                r = self.raw_sts({"TargetPrincipal": self.target, "TaskPolicyArn.arn": AUDIT}, host=host,
                                 region=region, creds=self.server.admin)
                self.assertEqual(r.status, 200, r.text)
                root = r.xml()
                self.assertEqual(local_name(root), "AssumeRootResponse")
                self.assertEqual(xml_namespace(root), STS_NS)
                self.assertEqual([local_name(c) for c in root], ["AssumeRootResult", "ResponseMetadata"])
                result = root[0]
                # No SourceIdentity element when the caller has none.
                self.assertEqual([local_name(c) for c in result], ["Credentials"], r.text)
                self.assertEqual([local_name(c) for c in result[0]],
                                 ["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"])
                self.assertRegex(xml_text(root, "Expiration"), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_validation_errors_before_authorization(self):
        sts = self.server.client("sts", self.nobody)
        loose = self.server.client("sts", self.nobody, parameter_validation=False)
        t = self.target
        cases = [
            (lambda: sts.assume_root(TargetPrincipal=t, TaskPolicyArn={"arn": AUDIT}, DurationSeconds=901),
             "1 validation error detected: Value '901' at 'durationSeconds' failed to satisfy constraint: "
             "Member must have value less than or equal to 900"),
            (lambda: sts.assume_root(TargetPrincipal=t, TaskPolicyArn={}),
             "1 validation error detected: Value null at 'taskPolicyArn' failed to satisfy constraint: "
             "Member must not be null"),
            (lambda: sts.assume_root(TargetPrincipal=t, TaskPolicyArn={"arn": READ_ONLY}), MSG_NO_TASK),
            (lambda: sts.assume_root(TargetPrincipal=t, TaskPolicyArn={"arn": TASK + "NoSuchTaskPolicy"}), MSG_NO_TASK),
            (lambda: sts.assume_root(TargetPrincipal=f"arn:aws:iam::{t}:user/alice", TaskPolicyArn={"arn": AUDIT}),
             MSG_NO_TARGET),
            (lambda: sts.assume_root(TargetPrincipal=f"arn:aws:sts::{t}:assumed-role/r/s",
                                     TaskPolicyArn={"arn": AUDIT}), MSG_NO_TARGET),
            (lambda: sts.assume_root(TargetPrincipal="12345678901x", TaskPolicyArn={"arn": AUDIT}), MSG_NO_TARGET),
            (lambda: loose.assume_root(TaskPolicyArn={"arn": AUDIT}),
             "1 validation error detected: Value null at 'targetPrincipal' failed to satisfy constraint: "
             "Member must not be null"),
            (lambda: loose.assume_root(TargetPrincipal="12345", TaskPolicyArn={"arn": AUDIT}),
             "1 validation error detected: Value '12345' at 'targetPrincipal' failed to satisfy constraint: "
             "Member must have length greater than or equal to 12"),
            (lambda: loose.assume_root(TargetPrincipal=t, TaskPolicyArn={"arn": AUDIT}, DurationSeconds=-1),
             "1 validation error detected: Value '-1' at 'durationSeconds' failed to satisfy constraint: "
             "Member must have value greater than or equal to 0"),
        ]
        for i, (call, message) in enumerate(cases):
            with self.subTest(case=i, message=message):
                self.assertIamError(call, "ValidationError", message)

    def test_validation_errors_cli(self):
        aws = self.server.aws
        r = aws("sts", "assume-root", "--target-principal", self.target, "--task-policy-arn", f"arn={AUDIT}",
                "--duration-seconds", "901", creds=self.nobody)
        self.assertCliError(r, "ValidationError", "AssumeRoot",
                            "1 validation error detected: Value '901' at 'durationSeconds' failed to satisfy "
                            "constraint: Member must have value less than or equal to 900")
        r = aws("sts", "assume-root", "--target-principal", self.target, "--task-policy-arn",
                f"arn={READ_ONLY}", creds=self.nobody)
        self.assertCliError(r, "ValidationError", "AssumeRoot", MSG_NO_TASK)

    def test_duration_bounds_accepted(self):
        for seconds in (0, 1, 900):
            with self.subTest(seconds=seconds):
                c = self.world.assume_root(self.target, AUDIT, DurationSeconds=seconds)["Credentials"]
                self.assertRegex(c["AccessKeyId"], ASIA_RE)
        # 0 seconds: credentials that are expired from the start (§4).
        expired = Creds.from_sts(self.world.assume_root(self.target, AUDIT, DurationSeconds=0)["Credentials"])
        for call in (self.server.client("sts", expired).get_caller_identity,
                     self.server.client("iam", expired).get_user,
                     lambda: self.world.assume_root(self.target, AUDIT, expired)):
            self.assertIamError(call, "ExpiredToken", "The security token included in the request is expired", 403)


class AssumeRootCallersTest(RootAccessCase):
    """Who may open a root session, and on whom (spec §2.2 steps 4-6; §1.4; §1.5)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        w = cls.world
        cls.delegate, cls.member, cls.target = w.org_with_root_access("delegate", "member", "target",
                                                                      delegate="delegate")
        cls.nobody, cls.nobody_arn = w.user("nobody", {"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"})
        cls.denied, cls.denied_arn = w.user(
            "denied", ALLOW_ALL, {"Effect": "Deny", "Action": "sts:AssumeRoot", "Resource": "*"})
        # AWS's own example: S3 unlock sessions only.
        cls.s3_only, cls.s3_only_arn = w.user("s3-only", {
            "Effect": "Allow", "Action": "sts:AssumeRoot", "Resource": "*",
            "Condition": {"StringEquals": {"sts:TaskPolicyARN": S3_UNLOCK}}})
        cls.iam_tasks, cls.iam_tasks_arn = w.user("iam-tasks", {
            "Effect": "Allow", "Action": "sts:AssumeRoot", "Resource": "arn:aws:iam::*:root",
            "Condition": {"ArnEquals": {"sts:TaskPolicyArn": list(IAM_TASKS)}}})

    def test_management_account_by_id_and_by_root_arn(self):
        for principal in (self.target, root_arn(self.target)):
            with self.subTest(principal=principal):
                out = self.world.assume_root(principal, AUDIT)
                self.assertNotIn("SourceIdentity", out)
                c = out["Credentials"]
                self.assertRegex(c["AccessKeyId"], ASIA_RE)
                self.assertEqual(len(c["AccessKeyId"]), 20)
                self.assertRegex(c["SecretAccessKey"], SECRET_RE)
                self.assertTrue(c["SessionToken"])
                ident = self.server.client("sts", Creds.from_sts(c)).get_caller_identity()
                self.assertEqual((ident["UserId"], ident["Account"], ident["Arn"]),
                                 (self.target, self.target, root_arn(self.target)))

    def test_no_allow_or_explicit_deny_is_the_generic_denial(self):
        for creds, arn in ((self.nobody, self.nobody_arn), (self.denied, self.denied_arn)):
            for task in (AUDIT, S3_UNLOCK):
                with self.subTest(caller=arn, task=task):
                    self.assertDenied(lambda: self.world.assume_root(self.target, task, creds),
                                      generic_denial(arn, self.target))

    def test_task_policy_arn_condition_key(self):
        w = self.world
        self.assertRegex(w.assume_root(self.target, S3_UNLOCK, self.s3_only)["Credentials"]["AccessKeyId"], ASIA_RE)
        for task in (AUDIT, SQS_UNLOCK):
            with self.subTest(task=task):
                self.assertDenied(lambda: w.assume_root(self.target, task, self.s3_only),
                                  generic_denial(self.s3_only_arn, self.target))
        for task in IAM_TASKS:
            with self.subTest(task=task):
                w.assume_root(root_arn(self.target), task, self.iam_tasks)
        self.assertDenied(lambda: w.assume_root(self.target, SQS_UNLOCK, self.iam_tasks),
                          generic_denial(self.iam_tasks_arn, self.target))

    def test_ordinary_member_is_refused(self):
        creds = self.world.role_session(self.member, "member-ops")
        for target in (self.target, self.member):
            with self.subTest(target=target):
                self.assertDenied(lambda: self.world.assume_root(target, AUDIT, creds),
                                  generic_denial(self.world.role_session_arn(self.member, "member-ops"), target))

    def test_target_must_be_a_member_of_the_organization(self):
        for target in (MGMT, root_arn(MGMT)):
            with self.subTest(target=target):
                self.assertDenied(lambda: self.world.assume_root(target, AUDIT),
                                  generic_denial(self.server.admin_arn, MGMT))
        for outside in ("999999999999", root_arn("999999999999")):
            with self.subTest(target=outside):
                self.assertDenied(lambda: self.world.assume_root(outside, S3_UNLOCK),
                                  generic_denial(self.server.admin_arn, "999999999999"))
        r = self.server.aws("sts", "assume-root", "--target-principal", MGMT, "--task-policy-arn", f"arn={AUDIT}")
        self.assertCliError(r, "AccessDenied", "AssumeRoot", generic_denial(self.server.admin_arn, MGMT))

    def test_target_must_be_an_active_member(self):
        w = self.world
        closing, leaving = w.create_account("closing"), w.create_account("leaving")
        for account in (closing, leaving):
            w.assume_root(account, AUDIT)
        w.orgs.close_account(AccountId=closing)
        self.assertEqual(w.orgs.describe_account(AccountId=closing)["Account"]["Status"], "PENDING_CLOSURE")
        w.orgs.remove_account_from_organization(AccountId=leaving)
        for account in (closing, leaving):
            with self.subTest(account=account):
                self.assertDenied(lambda: w.assume_root(account, AUDIT), generic_denial(self.server.admin_arn, account))

    def test_root_identities_cannot_assume_root(self):
        root = self.world.root_session(self.target, AUDIT)
        for target, task in ((self.member, AUDIT), (self.target, S3_UNLOCK)):
            with self.subTest(target=target, task=task):
                self.assertDenied(lambda: self.world.assume_root(target, task, root),
                                  generic_denial(root_arn(self.target), target))
        # Semantic validation still comes first.
        self.assertIamError(lambda: self.world.assume_root(self.member, READ_ONLY, root),
                            "ValidationError", MSG_NO_TASK)

    def test_root_user_credentials_cannot_assume_root(self):
        """The management account's root, signed in (console session) and with a root access key."""
        email = self.world.orgs.describe_organization()["Organization"]["MasterAccountEmail"]
        password = "Mgmt-R00t-Passw0rd!"
        status, _ = self.server.root_call("POST", "/_orgroot/root/forgot-password", {"email": email})
        self.assertEqual(status, 200)
        status, mails = self.server.root_call("GET", "/_orgroot/mailbox/" + urllib.parse.quote(email, safe=""))
        self.assertEqual(status, 200)
        status, _ = self.server.root_call("POST", "/_orgroot/root/reset-password",
                                          {"token": mails[-1]["Token"], "newPassword": password})
        self.assertEqual(status, 200)
        status, body = self.server.root_call("POST", "/_orgroot/root/signin", {"email": email, "password": password})
        self.assertEqual(status, 200, body)
        console = self.world.wait_usable(Creds.from_sts(body["Credentials"]))
        key = self.server.client("iam", console).create_access_key()["AccessKey"]
        root_key = self.world.wait_usable(Creds(key["AccessKeyId"], key["SecretAccessKey"]))
        for name, creds in (("console session", console), ("root access key", root_key)):
            self.assertEqual(self.server.client("sts", creds).get_caller_identity()["Arn"], root_arn(MGMT))
            for task in (AUDIT, S3_UNLOCK):
                with self.subTest(caller=name, task=task):
                    self.assertDenied(lambda: self.world.assume_root(self.target, task, creds),
                                      generic_denial(root_arn(MGMT), self.target))

    def test_delegated_administrator(self):
        w = self.world
        creds = w.role_session(self.delegate, "delegate-ops")
        out = w.assume_root(self.target, SQS_UNLOCK, creds)
        ident = self.server.client("sts", Creds.from_sts(out["Credentials"])).get_caller_identity()
        self.assertEqual(ident["Arn"], root_arn(self.target))
        r = self.server.aws("sts", "assume-root", "--target-principal", root_arn(self.target),
                            "--task-policy-arn", f"arn={AUDIT}", "--duration-seconds", "120", creds=creds)
        self.assertEqual(r.returncode, 0, str(r))
        self.assertRegex(r.json["Credentials"]["AccessKeyId"], ASIA_RE)
        # The management account cannot be targeted by the delegate either.
        self.assertDenied(lambda: w.assume_root(MGMT, AUDIT, creds),
                          generic_denial(w.role_session_arn(self.delegate, "delegate-ops"), MGMT))

    def test_deregistered_delegate_is_refused_and_its_sessions_survive(self):
        w = self.world
        creds = w.role_session(self.delegate, "former")
        issued = w.root_session(self.target, AUDIT, creds)
        w.deregister_delegate(self.delegate)
        try:
            self.assertDenied(lambda: w.assume_root(self.target, AUDIT, creds),
                              generic_denial(w.role_session_arn(self.delegate, "former"), self.target))
            # Sessions already issued keep working (spec §4).
            self.assertEqual(self.server.client("iam", issued).list_access_keys()["AccessKeyMetadata"], [])
        finally:
            w.register_delegate(self.delegate)
        w.assume_root(self.target, AUDIT, creds)

    def test_scp_of_the_delegate_account_applies(self):
        """§8.3: an SCP on the delegate restricting the task policies it may use."""
        w = self.world
        w.enable_scps()
        pid = w.attach_scp(self.delegate, {
            "Effect": "Deny", "Action": "sts:AssumeRoot", "Resource": "*",
            "Condition": {"ArnNotEquals": {"sts:TaskPolicyArn": [AUDIT]}}})
        try:
            creds = w.role_session(self.delegate, "scp")
            w.assume_root(self.target, AUDIT, creds)
            for task in (DELETE, S3_UNLOCK):
                with self.subTest(task=task):
                    self.assertDenied(lambda: w.assume_root(self.target, task, creds),
                                      generic_denial(w.role_session_arn(self.delegate, "scp"), self.target))
            # SCPs never limit the management account.
            w.assume_root(self.target, DELETE)
        finally:
            w.detach_scp(pid, self.delegate)


class AssumeRootOrganizationStateTest(RootAccessCase):
    """Trusted access, then the feature of the task's family (spec §1.2 matrix, §2.2 steps 6-8)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        w = cls.world
        cls.member, cls.target = w.organization("member", "target")
        cls.nobody, cls.nobody_arn = w.user("nobody")

    def test_1_trusted_access_off(self):
        w = self.world
        for task in ALL_TASKS:
            with self.subTest(task=task):
                self.assertDenied(lambda: w.assume_root(self.target, task), MSG_SERVICE_OFF)
        # Authorization and the organization relationship come before trusted access.
        self.assertDenied(lambda: w.assume_root(self.target, AUDIT, self.nobody),
                          generic_denial(self.nobody_arn, self.target))
        self.assertDenied(lambda: w.assume_root(self.target, AUDIT, w.role_session(self.member)),
                          generic_denial(w.role_session_arn(self.member), self.target))
        self.assertDenied(lambda: w.assume_root(MGMT, AUDIT), generic_denial(self.server.admin_arn, MGMT))
        r = self.server.aws("sts", "assume-root", "--target-principal", self.target, "--task-policy-arn",
                            f"arn={S3_UNLOCK}")
        self.assertCliError(r, "AccessDenied", "AssumeRoot", MSG_SERVICE_OFF)

    def test_2_feature_matrix(self):
        w = self.world
        w.enable_trusted_access()
        expected = {
            (): {t: (MSG_CREDS_OFF if t in IAM_TASKS else MSG_SESSIONS_OFF) for t in ALL_TASKS},
            (CREDS,): {t: (None if t in IAM_TASKS else MSG_SESSIONS_OFF) for t in ALL_TASKS},
            (SESSIONS,): {t: (MSG_CREDS_OFF if t in IAM_TASKS else None) for t in ALL_TASKS},
            (CREDS, SESSIONS): {t: None for t in ALL_TASKS},
        }
        for features, outcome in expected.items():
            w.set_features(*features)
            for task, message in outcome.items():
                with self.subTest(features=features, task=task):
                    if message is None:
                        c = w.assume_root(self.target, task)["Credentials"]
                        self.assertRegex(c["AccessKeyId"], ASIA_RE)
                    else:
                        self.assertDenied(lambda: w.assume_root(self.target, task), message)
        w.set_features(SESSIONS)
        r = self.server.aws("sts", "assume-root", "--target-principal", self.target, "--task-policy-arn",
                            f"arn={CREATE_PASSWORD}")
        self.assertCliError(r, "AccessDenied", "AssumeRoot", MSG_CREDS_OFF)

    def test_3_sessions_survive_disabling(self):
        """Disabling a feature, or trusted access, revokes nothing already issued (§1.2, §4)."""
        w = self.world
        w.enable_trusted_access()
        w.set_features(CREDS, SESSIONS)
        audit = self.server.client("iam", w.root_session(self.target, AUDIT))
        w.set_features()
        self.assertEqual(audit.get_user()["User"]["Arn"], root_arn(self.target))
        w.set_features(CREDS)
        w.orgs.disable_aws_service_access(ServicePrincipal=IAM_SP)
        try:
            self.assertDenied(lambda: w.assume_root(self.target, AUDIT), MSG_SERVICE_OFF)
            self.assertEqual(audit.list_mfa_devices()["MFADevices"], [])
        finally:
            w.enable_trusted_access()
        self.assertEqual(w.features(), [CREDS])


# ---------------------------------------------------------------------------------------------
# §2.2 success paths, §2.3 inside root sessions, §3 the task policies
# ---------------------------------------------------------------------------------------------
class RootSessionTest(RootAccessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        w = cls.world
        # "legacy" is created before RootCredentialsManagement: its root has a password nobody knows (§1.3).
        # "target" and "other" are created after: no root credentials at all.
        cls.legacy, cls.target, cls.other = w.org_with_root_access("legacy", joined_after=("target", "other"))
        # An IAM user in the target, to show that the task policies keep to the root user.
        cls.target_admin = w.role_session(cls.target)
        cls.server.client("iam", cls.target_admin).create_user(UserName="alice")
        cls.target_iam = cls.server.client("iam", cls.target_admin)

    def session(self, task: str, service: str = "iam", **config):
        return self.server.client(service, self.world.root_session(self.target, task), **config)

    # -- durations and identity -------------------------------------------------------------
    def issue_time(self, access_key_id: str) -> dt.datetime:
        """The session's creation date as the target's trail records it (one call is made first)."""
        events = self.world.lookup(self.target_admin, "AccessKeyId", access_key_id)
        self.assertTrue(events, f"no record for {access_key_id}")
        attrs = json.loads(events[0]["CloudTrailEvent"])["userIdentity"]["sessionContext"]["attributes"]
        return parse_iso(attrs["creationDate"])

    def test_default_and_explicit_duration(self):
        for kw, seconds in (({}, 900), ({"DurationSeconds": 900}, 900), ({"DurationSeconds": 60}, 60)):
            with self.subTest(kw=kw):
                c = self.world.assume_root(self.target, AUDIT, **kw)["Credentials"]
                creds = Creds.from_sts(c)
                self.server.client("iam", self.world.wait_usable(creds)).get_user()
                issued = self.issue_time(creds.access_key_id)
                self.assertEqual(c["Expiration"].microsecond, 0)
                self.assertEqual((c["Expiration"] - issued).total_seconds(), seconds)

    def test_source_identity_is_carried_over(self):
        w = self.world
        role = unique("si-role")
        w.iam.create_role(RoleName=role, AssumeRolePolicyDocument=policy({
            "Effect": "Allow", "Principal": {"AWS": root_arn(MGMT)},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}))
        w.iam.attach_role_policy(RoleName=role, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        c = w.sts.assume_role(RoleArn=f"arn:aws:iam::{MGMT}:role/{role}", RoleSessionName="alice-session",
                              SourceIdentity="Alice")["Credentials"]
        caller = w.wait_usable(Creds.from_sts(c))
        out = w.assume_root(self.target, AUDIT, caller)
        self.assertEqual(out["SourceIdentity"], "Alice")
        root = w.wait_usable(Creds.from_sts(out["Credentials"]))
        self.server.client("iam", root).get_account_summary()
        events = w.lookup(self.target_admin, "AccessKeyId", root.access_key_id)
        ui = json.loads(events[0]["CloudTrailEvent"])["userIdentity"]
        self.assertEqual(ui["sessionContext"].get("sourceIdentity"), "Alice", ui)
        r = self.server.aws("sts", "assume-root", "--target-principal", self.target, "--task-policy-arn",
                            f"arn={S3_UNLOCK}", creds=caller)
        self.assertEqual(r.returncode, 0, str(r))
        self.assertEqual(r.json["SourceIdentity"], "Alice")
        self.assertEqual(set(r.json["Credentials"]), {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"})

    # -- §2.3 outputs ----------------------------------------------------------------------------
    def test_get_user_is_the_root_user(self):
        u = self.session(AUDIT).get_user()["User"]
        self.assertEqual(u["UserId"], self.target)
        self.assertEqual(u["Arn"], root_arn(self.target))
        self.assertIn("CreateDate", u)
        self.assertNotIn("UserName", u)
        self.assertNotIn("Path", u)
        # The account's creation: not before it joined the organization, not in the future.
        account = self.world.orgs.describe_account(AccountId=self.target)["Account"]
        self.assertGreaterEqual(u["CreateDate"].timestamp(), int(account["JoinedTimestamp"].timestamp()))
        self.assertLessEqual(u["CreateDate"], dt.datetime.now(dt.timezone.utc))

    def test_password_recovery_cycle(self):
        audit = self.session(AUDIT)
        create = self.session(CREATE_PASSWORD)
        delete = self.session(DELETE)
        summary = audit.get_account_summary()["SummaryMap"]
        self.assertEqual(set(summary), SUMMARY_KEYS)
        self.assertEqual({k: summary[k] for k in ROOT_SUMMARY_KEYS}, dict.fromkeys(ROOT_SUMMARY_KEYS, 0))
        self.assertEqual(audit.list_access_keys()["AccessKeyMetadata"], [])
        self.assertEqual(audit.list_mfa_devices()["MFADevices"], [])
        self.assertEqual(audit.list_signing_certificates()["Certificates"], [])
        for client in (audit, create, delete):
            self.assertClientError(client.get_login_profile, "NoSuchEntity", 404, MSG_NO_LOGIN_PROFILE)
        # A password cannot be chosen for the root; nothing changes.
        self.assertClientError(lambda: create.create_login_profile(Password="Chosen-Pa55word!"), "InvalidInput", 400)
        self.assertClientError(audit.get_login_profile, "NoSuchEntity", 404, MSG_NO_LOGIN_PROFILE)

        lp = create.create_login_profile()["LoginProfile"]
        self.assertEqual(set(lp), {"CreateDate", "PasswordResetRequired"})
        self.assertIs(lp["PasswordResetRequired"], False)
        self.assertIamError(create.create_login_profile, "EntityAlreadyExists",
                            f"Login Profile for account {self.target} already exists.", 409)
        got = audit.get_login_profile()["LoginProfile"]
        self.assertEqual(got, lp)
        self.assertEqual(create.get_login_profile()["LoginProfile"], lp)
        summary = audit.get_account_summary()["SummaryMap"]
        self.assertEqual({k: summary[k] for k in ROOT_SUMMARY_KEYS},
                         {**dict.fromkeys(ROOT_SUMMARY_KEYS, 0), "AccountPasswordPresent": 1})

        delete.delete_login_profile()
        self.assertEqual(audit.get_account_summary()["SummaryMap"]["AccountPasswordPresent"], 0)
        self.assertClientError(audit.get_login_profile, "NoSuchEntity", 404, MSG_NO_LOGIN_PROFILE)
        self.assertClientError(delete.delete_login_profile, "NoSuchEntity", 404)

    def test_root_of_an_account_created_before_the_feature(self):
        w = self.world
        audit = self.server.client("iam", w.root_session(self.legacy, AUDIT))
        summary = audit.get_account_summary()["SummaryMap"]
        self.assertEqual({k: summary[k] for k in ROOT_SUMMARY_KEYS},
                         {**dict.fromkeys(ROOT_SUMMARY_KEYS, 0), "AccountPasswordPresent": 1})
        lp = audit.get_login_profile()["LoginProfile"]
        self.assertEqual(set(lp), {"CreateDate", "PasswordResetRequired"})
        create = self.server.client("iam", w.root_session(self.legacy, CREATE_PASSWORD))
        self.assertIamError(create.create_login_profile, "EntityAlreadyExists",
                            f"Login Profile for account {self.legacy} already exists.", 409)
        # "Delete root user credentials", then "Allow password recovery".
        delete = self.server.client("iam", w.root_session(self.legacy, DELETE))
        self.assertEqual(delete.get_login_profile()["LoginProfile"], lp)
        delete.delete_login_profile()
        self.assertEqual(audit.get_account_summary()["SummaryMap"]["AccountPasswordPresent"], 0)
        self.assertClientError(audit.get_login_profile, "NoSuchEntity", 404, MSG_NO_LOGIN_PROFILE)
        recovery = create.create_login_profile()["LoginProfile"]
        self.assertIs(recovery["PasswordResetRequired"], False)
        self.assertEqual(audit.get_account_summary()["SummaryMap"]["AccountPasswordPresent"], 1)

    def test_password_recovery_cli(self):
        root = self.world.root_session(self.target, CREATE_PASSWORD)
        r = self.server.aws("iam", "get-login-profile", creds=root)
        self.assertCliError(r, "NoSuchEntity", "GetLoginProfile", MSG_NO_LOGIN_PROFILE)
        r = self.server.aws("iam", "create-login-profile", creds=root)
        self.assertEqual(r.returncode, 0, str(r))
        self.assertEqual(set(r.json["LoginProfile"]), {"CreateDate", "PasswordResetRequired"})
        r = self.server.aws("iam", "create-login-profile", creds=root)
        self.assertCliError(r, "EntityAlreadyExists", "CreateLoginProfile",
                            f"Login Profile for account {self.target} already exists.")
        r = self.server.aws("iam", "get-user", creds=self.world.root_session(self.target, AUDIT))
        self.assertEqual(r.json["User"]["Arn"], root_arn(self.target))
        self.assertNotIn("UserName", r.json["User"])
        r = self.server.aws("iam", "delete-login-profile", creds=self.world.root_session(self.target, DELETE))
        self.assertEqual(r.returncode, 0, str(r))

    # -- §3 each task policy: what it allows, spot checks of what it denies ---------------------
    def test_audit_task(self):
        iam = self.session(AUDIT)
        iam.list_access_keys()
        iam.list_signing_certificates()
        iam.list_mfa_devices()
        iam.get_account_summary()
        iam.get_user()
        self.assertClientError(iam.get_login_profile, "NoSuchEntity", 404, MSG_NO_LOGIN_PROFILE)
        key = self.target_iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
        try:
            t = self.target
            for action, call in (
                    ("iam:GetAccessKeyLastUsed", lambda: iam.get_access_key_last_used(AccessKeyId=key)),
                    ("iam:CreateLoginProfile", iam.create_login_profile),
                    ("iam:DeleteLoginProfile", iam.delete_login_profile),
                    ("iam:ListUsers", iam.list_users),
                    ("iam:CreateUser", lambda: iam.create_user(UserName="mallory")),
                    ("iam:CreateAccessKey", iam.create_access_key),
                    ("iam:ListOrganizationsFeatures", iam.list_organizations_features),
                    # The credential actions only on the root user itself.
                    ("iam:GetUser", lambda: iam.get_user(UserName="alice")),
                    ("iam:ListAccessKeys", lambda: iam.list_access_keys(UserName="alice")),
                    ("iam:GetLoginProfile", lambda: iam.get_login_profile(UserName="alice")),
                    ("sts:AssumeRoot",
                     lambda: self.world.assume_root(self.other, AUDIT, self.world.root_session(t, AUDIT))),
                    ("s3:ListAllMyBuckets", self.server.client("s3", self.world.root_session(t, AUDIT)).list_buckets)):
                with self.subTest(action=action):
                    if action == "sts:AssumeRoot":
                        self.assertDenied(call, generic_denial(root_arn(t), self.other))
                    else:
                        self.assertTaskDenied(call, action, t)
        finally:
            self.target_iam.delete_access_key(UserName="alice", AccessKeyId=key)

    def test_create_password_task(self):
        iam = self.session(CREATE_PASSWORD)
        self.assertClientError(iam.get_login_profile, "NoSuchEntity", 404, MSG_NO_LOGIN_PROFILE)
        for action, call in (("iam:ListAccessKeys", iam.list_access_keys),
                             ("iam:GetAccountSummary", iam.get_account_summary),
                             ("iam:GetUser", iam.get_user),
                             ("iam:DeleteLoginProfile", iam.delete_login_profile),
                             ("iam:UpdateLoginProfile", lambda: iam.update_login_profile(UserName="alice")),
                             ("iam:CreateLoginProfile",
                              lambda: iam.create_login_profile(UserName="alice", Password="Alice-Pa55word!"))):
            with self.subTest(action=action):
                self.assertTaskDenied(call, action, self.target)

    def test_delete_task(self):
        iam = self.session(DELETE)
        self.assertEqual(iam.list_access_keys()["AccessKeyMetadata"], [])
        self.assertEqual(iam.list_signing_certificates()["Certificates"], [])
        self.assertEqual(iam.list_mfa_devices()["MFADevices"], [])
        self.assertEqual(iam.get_user()["User"]["Arn"], root_arn(self.target))
        self.assertClientError(iam.get_login_profile, "NoSuchEntity", 404, MSG_NO_LOGIN_PROFILE)
        self.assertClientError(lambda: iam.delete_access_key(AccessKeyId="AKIAIOSFODNN7EXAMPLE"), "NoSuchEntity", 404)
        self.assertClientError(lambda: iam.deactivate_mfa_device(SerialNumber=f"arn:aws:iam::{self.target}:mfa/root"),
                               "NoSuchEntity", 404)
        self.assertClientError(lambda: iam.delete_signing_certificate(CertificateId="A" * 24), "NoSuchEntity", 404)
        key = self.target_iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
        try:
            for action, call in (
                    ("iam:CreateLoginProfile", iam.create_login_profile),
                    ("iam:GetAccountSummary", iam.get_account_summary),
                    ("iam:CreateAccessKey", iam.create_access_key),
                    ("iam:DeleteAccessKey", lambda: iam.delete_access_key(UserName="alice", AccessKeyId=key)),
                    ("iam:DeleteUser", lambda: iam.delete_user(UserName="alice")),
                    ("iam:DeleteVirtualMFADevice",
                     lambda: iam.delete_virtual_mfa_device(SerialNumber=f"arn:aws:iam::{self.target}:mfa/root"))):
                with self.subTest(action=action):
                    self.assertTaskDenied(call, action, self.target)
            keys = self.target_iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
            self.assertEqual([k["AccessKeyId"] for k in keys], [key])
        finally:
            self.target_iam.delete_access_key(UserName="alice", AccessKeyId=key)

    def test_s3_unlock_task(self):
        root = self.world.root_session(self.target, S3_UNLOCK)
        bucket = unique("s3-task")
        owner_s3 = self.server.client("s3", self.target_admin, s3={"addressing_style": "path"})
        owner_s3.create_bucket(Bucket=bucket)
        s3 = self.server.client("s3", root, s3={"addressing_style": "path"})
        self.assertIn(bucket, [b["Name"] for b in s3.list_buckets()["Buckets"]])
        e = self.assertClientError(lambda: s3.get_bucket_policy(Bucket=bucket), "NoSuchBucketPolicy", 404,
                                   "The bucket policy does not exist")
        self.assertEqual(e.response["Error"].get("BucketName"), bucket)
        doc = policy({"Effect": "Allow", "Principal": {"AWS": root_arn(self.target)}, "Action": "s3:GetObject",
                      "Resource": f"arn:aws:s3:::{bucket}/*"})
        s3.put_bucket_policy(Bucket=bucket, Policy=doc)
        self.assertEqual(json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]), json.loads(doc))
        self.assertEqual(s3.delete_bucket_policy(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"], 204)
        for action, call in (("s3:PutObject", lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x")),
                             ("s3:GetObject", lambda: s3.get_object(Bucket=bucket, Key="k")),
                             ("s3:ListBucket", lambda: s3.list_objects_v2(Bucket=bucket)),
                             ("s3:DeleteBucket", lambda: s3.delete_bucket(Bucket=bucket)),
                             ("s3:CreateBucket", lambda: s3.create_bucket(Bucket=unique("s3-task-new")))):
            with self.subTest(action=action):
                self.assertTaskDenied(call, action, self.target)
        self.assertTaskDenied(self.server.client("iam", root).get_user, "iam:GetUser", self.target)
        self.assertTaskDenied(self.server.client("sqs", root).list_queues, "sqs:ListQueues", self.target)
        owner_s3.head_bucket(Bucket=bucket)

    def test_sqs_unlock_task(self):
        root = self.world.root_session(self.target, SQS_UNLOCK)
        owner_sqs = self.server.client("sqs", self.target_admin)
        name = unique("sqs-task")
        url = owner_sqs.create_queue(QueueName=name)["QueueUrl"]
        sqs = self.server.client("sqs", root)
        self.assertIn(url, sqs.list_queues(QueueNamePrefix=name)["QueueUrls"])
        self.assertEqual(sqs.get_queue_url(QueueName=name)["QueueUrl"], url)
        self.assertIn("QueueArn", sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"])
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
        for action, call in (("sqs:SendMessage", lambda: sqs.send_message(QueueUrl=url, MessageBody="x")),
                             ("sqs:ReceiveMessage", lambda: sqs.receive_message(QueueUrl=url)),
                             ("sqs:DeleteQueue", lambda: sqs.delete_queue(QueueUrl=url)),
                             ("sqs:CreateQueue", lambda: sqs.create_queue(QueueName=unique("sqs-new"))),
                             ("sqs:RemovePermission", lambda: sqs.remove_permission(QueueUrl=url, Label="x"))):
            with self.subTest(action=action):
                self.assertTaskDenied(call, action, self.target)
        self.assertTaskDenied(self.server.client("s3", root).list_buckets, "s3:ListAllMyBuckets", self.target)
        self.assertTaskDenied(self.server.client("iam", root).get_account_summary, "iam:GetAccountSummary",
                              self.target)
        owner_sqs.get_queue_url(QueueName=name)


# ---------------------------------------------------------------------------------------------
# §8 SCPs on root sessions, aws:AssumedRoot
# ---------------------------------------------------------------------------------------------
class RootSessionScpTest(RootAccessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        w = cls.world
        (cls.target,) = w.org_with_root_access("target")
        w.enable_scps()

    def test_member_scp_applies_to_root_sessions(self):
        w = self.world
        pid = w.attach_scp(self.target, {"Effect": "Deny", "Action": "iam:GetAccountSummary", "Resource": "*"})
        try:
            iam = self.server.client("iam", w.root_session(self.target, AUDIT))
            self.assertClientError(iam.get_account_summary, "AccessDenied", 403,
                                   f"User: {root_arn(self.target)} is not authorized to perform: "
                                   "iam:GetAccountSummary on resource: * with an explicit deny in a service control "
                                   "policy")
            iam.list_access_keys()
        finally:
            w.detach_scp(pid, self.target)
        iam.get_account_summary()

    def test_scp_denying_assumed_root(self):
        w = self.world
        pid = w.attach_scp(self.target, {"Effect": "Deny", "Action": "*", "Resource": "*",
                                         "Condition": {"Bool": {"aws:AssumedRoot": "true"}}})
        try:
            iam = self.server.client("iam", w.root_session(self.target, AUDIT))
            for action, call in (("iam:GetUser", iam.get_user), ("iam:ListAccessKeys", iam.list_access_keys)):
                with self.subTest(action=action):
                    self.assertTaskDenied(call, action, self.target,
                                          "with an explicit deny in a service control policy")
            # Other principals of the member are not root sessions.
            self.server.client("iam", w.role_session(self.target)).list_users()
        finally:
            w.detach_scp(pid, self.target)
        iam.get_user()

    def test_scp_exempting_assumed_root(self):
        """§8.3: deny the root user unless the request comes from an AssumeRoot session."""
        w = self.world
        pid = w.attach_scp(self.target, {"Effect": "Deny", "Action": "*", "Resource": "*",
                                         "Condition": {"ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]},
                                                       "Null": {"aws:AssumedRoot": "true"}}})
        try:
            iam = self.server.client("iam", w.root_session(self.target, AUDIT))
            self.assertEqual(iam.get_user()["User"]["Arn"], root_arn(self.target))
            self.server.client("iam", w.role_session(self.target)).list_users()
        finally:
            w.detach_scp(pid, self.target)


# ---------------------------------------------------------------------------------------------
# §2.4 unlocking a bucket and a queue that deny everyone
# ---------------------------------------------------------------------------------------------
class UnlockTest(RootAccessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        w = cls.world
        cls.owner, cls.other = w.org_with_root_access("owner", "other")
        cls.owner_admin = w.role_session(cls.owner)

    def s3(self, creds):
        return self.server.client("s3", creds, s3={"addressing_style": "path"})

    def test_bucket(self):
        w = self.world
        bucket = unique("locked")
        admin_s3 = self.s3(self.owner_admin)
        admin_s3.create_bucket(Bucket=bucket)
        deny_all = policy({"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                           "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]})
        admin_s3.put_bucket_policy(Bucket=bucket, Policy=deny_all)
        # Locked: the owner's administrators, the management account, other accounts' root sessions,
        # and the owner's root in a session for another task.
        lockouts = ((w.role_session_arn(self.owner), admin_s3), (self.server.admin_arn, self.s3(None)),
                    (root_arn(self.other), self.s3(w.root_session(self.other, S3_UNLOCK))),
                    (root_arn(self.owner), self.s3(w.root_session(self.owner, SQS_UNLOCK))))
        for who, s3 in lockouts:
            for action, call in (("s3:GetBucketPolicy", lambda: s3.get_bucket_policy(Bucket=bucket)),
                                 ("s3:DeleteBucketPolicy", lambda: s3.delete_bucket_policy(Bucket=bucket)),
                                 ("s3:PutBucketPolicy", lambda: s3.put_bucket_policy(Bucket=bucket, Policy=deny_all)),
                                 ("s3:PutObject", lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x"))):
                with self.subTest(who=who, action=action):
                    self.assertDeniedTo(call, who, action)
        # Unlocked by the owner's root in an S3UnlockBucketPolicy session.
        root = self.s3(w.root_session(self.owner, S3_UNLOCK))
        self.assertIn(bucket, [b["Name"] for b in root.list_buckets()["Buckets"]])
        self.assertEqual(json.loads(root.get_bucket_policy(Bucket=bucket)["Policy"]), json.loads(deny_all))
        # It may also replace the policy, and still read it back.
        root.put_bucket_policy(Bucket=bucket, Policy=deny_all)
        # Nothing but the bucket policy is exempt.
        self.assertDeniedTo(lambda: root.put_object(Bucket=bucket, Key="k", Body=b"x"), root_arn(self.owner),
                            "s3:PutObject")
        r = root.delete_bucket_policy(Bucket=bucket)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertClientError(lambda: root.get_bucket_policy(Bucket=bucket), "NoSuchBucketPolicy", 404,
                               "The bucket policy does not exist")
        admin_s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        self.assertEqual(admin_s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"x")

    def test_bucket_cli(self):
        w = self.world
        bucket = unique("locked-cli")
        admin_s3 = self.s3(self.owner_admin)
        admin_s3.create_bucket(Bucket=bucket)
        admin_s3.put_bucket_policy(Bucket=bucket, Policy=policy(
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}))
        r = self.server.aws("s3api", "delete-bucket-policy", "--bucket", bucket, creds=self.owner_admin)
        self.assertCliError(r, "AccessDenied", "DeleteBucketPolicy",
                            message_prefix=f"User: {w.role_session_arn(self.owner)} is not authorized to perform: "
                                           "s3:DeleteBucketPolicy ")
        root = w.root_session(self.owner, S3_UNLOCK)
        r = self.server.aws("s3api", "delete-bucket-policy", "--bucket", bucket, creds=root)
        self.assertEqual(r.returncode, 0, str(r))
        r = self.server.aws("s3api", "get-bucket-policy", "--bucket", bucket, creds=root)
        self.assertCliError(r, "NoSuchBucketPolicy", "GetBucketPolicy", "The bucket policy does not exist")

    def test_queue(self):
        w = self.world
        admin_sqs = self.server.client("sqs", self.owner_admin)
        name = unique("locked")
        url = admin_sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = admin_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        deny_all = policy({"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": arn})
        admin_sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": deny_all})
        for who, sqs in ((w.role_session_arn(self.owner), admin_sqs),
                         (root_arn(self.other), self.server.client("sqs", w.root_session(self.other, SQS_UNLOCK))),
                         (root_arn(self.owner), self.server.client("sqs", w.root_session(self.owner, S3_UNLOCK)))):
            for action, call in (("sqs:SetQueueAttributes",
                                  lambda: sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})),
                                 ("sqs:GetQueueAttributes",
                                  lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])),
                                 ("sqs:SendMessage", lambda: sqs.send_message(QueueUrl=url, MessageBody="x"))):
                with self.subTest(who=who, action=action):
                    self.assertDeniedTo(call, who, action)
        # The console's "Delete SQS policy", by the owner's root in an SQSUnlockQueuePolicy session.
        root = self.server.client("sqs", w.root_session(self.owner, SQS_UNLOCK))
        self.assertEqual(root.get_queue_url(QueueName=name)["QueueUrl"], url)
        got = root.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]
        self.assertEqual(json.loads(got["Policy"]), json.loads(deny_all))
        # Only the policy may be replaced: other attributes get no exemption.
        self.assertDeniedTo(lambda: root.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "10"}),
                            root_arn(self.owner), "sqs:SetQueueAttributes")
        self.assertDeniedTo(lambda: root.send_message(QueueUrl=url, MessageBody="x"), root_arn(self.owner),
                            "sqs:SendMessage")
        root.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
        self.assertNotIn("Policy", admin_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"])
        admin_sqs.send_message(QueueUrl=url, MessageBody="x")

    def test_queue_cli(self):
        w = self.world
        admin_sqs = self.server.client("sqs", self.owner_admin)
        name = unique("locked-cli")
        url = admin_sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = admin_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        admin_sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy(
            {"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": arn})})
        root = w.root_session(self.owner, SQS_UNLOCK)
        r = self.server.aws("sqs", "set-queue-attributes", "--queue-url", url, "--attributes", '{"Policy":""}',
                            creds=root)
        self.assertEqual(r.returncode, 0, str(r))
        admin_sqs.send_message(QueueUrl=url, MessageBody="x")


# ---------------------------------------------------------------------------------------------
# §7 CloudTrail
# ---------------------------------------------------------------------------------------------
class RootAccessTrailTest(RootAccessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        w = cls.world
        # "target" joins with the features on: without root credentials.
        cls.delegate, cls.target = w.org_with_root_access("delegate", delegate="delegate", joined_after=("target",))
        cls.target_admin = w.role_session(cls.target)
        # The management account opens an IAM session and allows password recovery ...
        cls.out = w.server.client("sts", region="us-west-2").assume_root(
            TargetPrincipal=cls.target, TaskPolicyArn={"arn": CREATE_PASSWORD}, DurationSeconds=300)
        cls.session = w.wait_usable(Creds.from_sts(cls.out["Credentials"]))
        iam = cls.server.client("iam", cls.session)
        iam.create_login_profile()
        try:
            iam.list_users()
        except ClientError:
            pass
        # ... the delegate opens an S3 session ...
        cls.delegate_admin = w.role_session(cls.delegate, "delegate-ops")
        cls.d_out = w.assume_root(root_arn(cls.target), S3_UNLOCK, cls.delegate_admin)
        cls.d_session = w.wait_usable(Creds.from_sts(cls.d_out["Credentials"]))
        cls.server.client("s3", cls.d_session).list_buckets()
        # ... and a refused attempt.
        try:
            w.assume_root(MGMT, AUDIT)
        except ClientError:
            pass

    def assume_root_records(self, creds: Creds | None) -> list[dict]:
        return [json.loads(e["CloudTrailEvent"]) for e in self.world.lookup(creds, "EventName", "AssumeRoot")]

    def test_assume_root_record_in_the_callers_account(self):
        records = self.assume_root_records(None)
        issued = [r for r in records if r.get("responseElements")
                  and r["responseElements"]["credentials"]["accessKeyId"] == self.session.access_key_id]
        self.assertEqual(len(issued), 1, records)
        r = issued[0]
        self.assertEqual(r["eventSource"], "sts.amazonaws.com")
        self.assertEqual(r["eventName"], "AssumeRoot")
        self.assertEqual(r["awsRegion"], "us-west-2")
        self.assertEqual(r["recipientAccountId"], MGMT)
        self.assertIs(r["readOnly"], False)
        self.assertEqual(r["eventType"], "AwsApiCall")
        self.assertNotIn("errorCode", r)
        ui = r["userIdentity"]
        self.assertEqual((ui["type"], ui["arn"], ui["accountId"], ui["accessKeyId"]),
                         ("IAMUser", self.server.admin_arn, MGMT, self.server.admin.access_key_id))
        self.assertEqual(r["requestParameters"], {"targetPrincipal": self.target,
                                                  "taskPolicyArn": {"arn": CREATE_PASSWORD},
                                                  "durationSeconds": 300})
        self.assertEqual(r["resources"], [{"accountId": self.target, "type": "AWS::IAM::Root",
                                           "ARN": root_arn(self.target)}])
        creds = r["responseElements"]["credentials"]
        self.assertNotIn("secretAccessKey", creds)
        self.assertEqual(creds["sessionToken"], self.session.session_token)
        self.assertRegex(creds["expiration"], CT_EXPIRATION_RE)
        self.assertEqual(parse_ct_expiration(creds["expiration"]), self.out["Credentials"]["Expiration"])
        self.assertNotIn(self.session.secret_access_key, json.dumps(r))

    def test_assume_root_by_the_delegate_is_in_the_delegates_trail(self):
        records = self.assume_root_records(self.delegate_admin)
        self.assertEqual(len(records), 1, records)
        r = records[0]
        self.assertEqual(r["recipientAccountId"], self.delegate)
        self.assertEqual(r["userIdentity"]["type"], "AssumedRole")
        self.assertEqual(r["userIdentity"]["arn"], self.world.role_session_arn(self.delegate, "delegate-ops"))
        self.assertEqual(r["requestParameters"], {"targetPrincipal": root_arn(self.target),
                                                  "taskPolicyArn": {"arn": S3_UNLOCK}})
        self.assertEqual(r["resources"][0]["accountId"], self.target)
        self.assertEqual(r["responseElements"]["credentials"]["accessKeyId"], self.d_session.access_key_id)
        mine = [x for x in self.assume_root_records(None)
                if x.get("responseElements") and
                x["responseElements"]["credentials"]["accessKeyId"] == self.d_session.access_key_id]
        self.assertEqual(mine, [])

    def test_refused_assume_root_is_recorded(self):
        failed = [r for r in self.assume_root_records(None) if r.get("errorCode")]
        self.assertEqual(len(failed), 1, failed)
        r = failed[0]
        self.assertEqual(r["errorCode"], "AccessDenied")
        self.assertEqual(r["errorMessage"], generic_denial(self.server.admin_arn, MGMT))
        self.assertIsNone(r["responseElements"])

    def check_root_identity(self, record: dict, session: Creds, issued: dict, duration: int) -> None:
        ui = record["userIdentity"]
        self.assertEqual(ui["type"], "Root")
        self.assertEqual(ui["principalId"], self.target)
        self.assertEqual(ui["arn"], root_arn(self.target))
        self.assertEqual(ui["accountId"], self.target)
        self.assertEqual(ui["accessKeyId"], session.access_key_id)
        self.assertNotIn("userName", ui)
        sc = ui["sessionContext"]
        self.assertNotIn("sessionIssuer", sc)
        self.assertEqual(sc["assumedRoot"], "true")
        self.assertEqual(sc["attributes"]["mfaAuthenticated"], "false")
        # Created when AssumeRoot issued it: expiration - creation = the duration asked for.
        created = parse_iso(sc["attributes"]["creationDate"])
        self.assertEqual((issued["Credentials"]["Expiration"] - created).total_seconds(), duration)
        self.assertEqual(record["recipientAccountId"], self.target)

    def test_root_session_calls_in_the_targets_trail(self):
        events = self.world.lookup(self.target_admin, "AccessKeyId", self.session.access_key_id)
        names = [e["EventName"] for e in events]
        # GetCallerIdentity: the harness checks that a new key works before using it.
        self.assertEqual(sorted(names), ["CreateLoginProfile", "GetCallerIdentity", "ListUsers"], names)
        for e in events:
            self.assertEqual(e["Username"], "root")
            self.assertEqual(e["AccessKeyId"], self.session.access_key_id)
            self.check_root_identity(json.loads(e["CloudTrailEvent"]), self.session, self.out, 300)
        by_name = {e["EventName"]: json.loads(e["CloudTrailEvent"]) for e in events}
        create = by_name["CreateLoginProfile"]
        self.assertEqual(create["eventSource"], "iam.amazonaws.com")
        self.assertNotIn("errorCode", create)
        self.assertFalse(create["requestParameters"] and "userName" in create["requestParameters"], create)
        denied = by_name["ListUsers"]
        self.assertEqual(denied["errorCode"], "AccessDenied")
        # The delegate's S3 session too.
        events = self.world.lookup(self.target_admin, "AccessKeyId", self.d_session.access_key_id)
        self.assertEqual([e["EventName"] for e in events], ["ListBuckets", "GetCallerIdentity"])
        r = json.loads(events[0]["CloudTrailEvent"])
        self.assertEqual(r["eventSource"], "s3.amazonaws.com")
        for e in events:
            self.check_root_identity(json.loads(e["CloudTrailEvent"]), self.d_session, self.d_out, 900)
        # None of it is in the management account's trail.
        self.assertEqual(self.world.lookup(None, "AccessKeyId", self.session.access_key_id), [])

    def test_event_name_lookup_in_the_target(self):
        events = self.world.lookup(self.target_admin, "EventName", "CreateLoginProfile")
        self.assertEqual(len(events), 1)
        r = json.loads(events[0]["CloudTrailEvent"])
        self.assertEqual(r["userIdentity"]["type"], "Root")
        self.assertEqual(r["userIdentity"]["sessionContext"]["assumedRoot"], "true")

    def test_cli_lookup(self):
        r = self.server.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                            f"AttributeKey=AccessKeyId,AttributeValue={self.session.access_key_id}",
                            creds=self.target_admin)
        self.assertEqual(r.returncode, 0, str(r))
        names = sorted(e["EventName"] for e in r.json["Events"])
        self.assertEqual(names, ["CreateLoginProfile", "GetCallerIdentity", "ListUsers"])


if __name__ == "__main__":
    unittest.main()
