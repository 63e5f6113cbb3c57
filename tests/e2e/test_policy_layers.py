"""An explicit Deny beats an Allow in every layer AWS combines, end to end against the real
orgroot binary: identity policies (user inline and managed, group), permissions boundaries,
session policies of an assumed role, service control policies on the organization root, an OU
and the account (and none of it in the management account), resource policies (S3 bucket
policies, SQS queue policies), and a cross-account role assumption.

Each case first shows the allow working, then adds the Deny in that one layer and checks the
exact AccessDenied AWS sends, worded for the layer that denied."""

from __future__ import annotations

import json
import time
import unittest
import uuid

from harness import DEFAULT_ACCOUNT, REGION, Creds, ServerTestCase

ACCT = DEFAULT_ACCOUNT
ADMIN_ARN = f"arn:aws:iam::{ACCT}:user/admin"
ADMINISTRATOR = "arn:aws:iam::aws:policy/AdministratorAccess"
S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
SQS_FULL = "arn:aws:iam::aws:policy/AmazonSQSFullAccess"
SCP = "SERVICE_CONTROL_POLICY"

IDENTITY = "an identity-based policy"
BOUNDARY = "a permissions boundary"
SESSION = "a session policy"
SERVICE_CONTROL = "a service control policy"
RESOURCE = "a resource-based policy"


def uniq(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def explicit(who: str, action: str, resource: str, layer: str) -> str:
    return f"User: {who} is not authorized to perform: {action} on resource: {resource} with an explicit deny in {layer}"


def implicit(who: str, action: str, resource: str, layer: str) -> str:
    return (f"User: {who} is not authorized to perform: {action} on resource: {resource} "
            f"because no {layer} allows the {action} action")


class LayersCase(ServerTestCase):
    @property
    def iam(self):
        return self.server.client("iam")

    def new_user(self, *, path: str = "/", boundary: str | None = None) -> tuple[str, str, Creds]:
        """A user with an access key and no permissions yet: (name, arn, creds)."""
        name = uniq("layer")
        kw = {"PermissionsBoundary": boundary} if boundary else {}
        arn = self.iam.create_user(UserName=name, Path=path, **kw)["User"]["Arn"]
        k = self.iam.create_access_key(UserName=name)["AccessKey"]
        return name, arn, Creds(k["AccessKeyId"], k["SecretAccessKey"])

    def managed(self, *statements: dict) -> str:
        return self.iam.create_policy(PolicyName=uniq("pol"), PolicyDocument=doc(*statements))["Policy"]["Arn"]

    def assertDenied(self, call, message: str):
        self.assertClientError(call, "AccessDenied", 403, message)


# ---------------------------------------------------------------------------------------------
# Identity policies
# ---------------------------------------------------------------------------------------------
class IdentityPolicyLayerTest(LayersCase):
    def test_user_inline_policy(self):
        name, arn, creds = self.new_user()
        me = self.server.client("iam", creds)
        self.assertDenied(lambda: me.get_user(UserName=name), implicit(arn, "iam:GetUser", arn, "identity-based policy"))
        self.iam.put_user_policy(UserName=name, PolicyName="allow", PolicyDocument=doc(allow("iam:GetUser")))
        self.assertEqual(me.get_user(UserName=name)["User"]["Arn"], arn)
        self.iam.put_user_policy(UserName=name, PolicyName="deny", PolicyDocument=doc(deny("iam:GetUser", arn)))
        self.assertDenied(lambda: me.get_user(UserName=name), explicit(arn, "iam:GetUser", arn, IDENTITY))
        self.iam.delete_user_policy(UserName=name, PolicyName="deny")
        self.assertEqual(me.get_user(UserName=name)["User"]["UserName"], name)

    def test_managed_policies(self):
        name, arn, creds = self.new_user(path="/team/")
        me = self.server.client("iam", creds)
        self.iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
        self.assertEqual(me.get_user(UserName=name)["User"]["Path"], "/team/")
        deny_arn = self.managed(deny("iam:Get*"))
        self.iam.attach_user_policy(UserName=name, PolicyArn=deny_arn)
        self.assertDenied(lambda: me.get_user(UserName=name), explicit(arn, "iam:GetUser", arn, IDENTITY))
        # The rest of the read-only allow still works.
        self.assertIn("Users", me.list_users())
        self.iam.detach_user_policy(UserName=name, PolicyArn=deny_arn)
        me.get_user(UserName=name)

    def test_group_policies(self):
        name, arn, creds = self.new_user()
        group = uniq("grp")
        self.iam.create_group(GroupName=group)
        self.iam.add_user_to_group(GroupName=group, UserName=name)
        me = self.server.client("iam", creds)
        self.iam.put_group_policy(GroupName=group, PolicyName="allow", PolicyDocument=doc(allow("iam:*")))
        me.get_user(UserName=name)
        group_arn = me.get_group(GroupName=group)["Group"]["Arn"]

        # A Deny in the group's managed policy beats the group's own Allow...
        deny_arn = self.managed(deny("iam:GetGroup"))
        self.iam.attach_group_policy(GroupName=group, PolicyArn=deny_arn)
        self.assertDenied(lambda: me.get_group(GroupName=group), explicit(arn, "iam:GetGroup", group_arn, IDENTITY))
        # ...and the user's own Allow.
        self.iam.put_user_policy(UserName=name, PolicyName="allow", PolicyDocument=doc(allow("*")))
        self.assertDenied(lambda: me.get_group(GroupName=group), explicit(arn, "iam:GetGroup", group_arn, IDENTITY))
        self.iam.detach_group_policy(GroupName=group, PolicyArn=deny_arn)
        me.get_group(GroupName=group)

        # A Deny in the group's inline policy reaches every member.
        self.iam.put_group_policy(GroupName=group, PolicyName="deny", PolicyDocument=doc(deny("iam:GetUser")))
        self.assertDenied(lambda: me.get_user(UserName=name), explicit(arn, "iam:GetUser", arn, IDENTITY))
        self.iam.remove_user_from_group(GroupName=group, UserName=name)
        me.get_user(UserName=name)

    def test_cli(self):
        name, arn, creds = self.new_user()
        self.iam.put_user_policy(UserName=name, PolicyName="p",
                                 PolicyDocument=doc(allow("iam:*"), deny("iam:ListAttachedUserPolicies", arn)))
        ok = self.server.aws("iam", "get-user", "--user-name", name, creds=creds)
        self.assertEqual(ok.returncode, 0, str(ok))
        res = self.server.aws("iam", "list-attached-user-policies", "--user-name", name, creds=creds)
        self.assertCliError(res, "AccessDenied", "ListAttachedUserPolicies",
                            explicit(arn, "iam:ListAttachedUserPolicies", arn, IDENTITY))


# ---------------------------------------------------------------------------------------------
# Permissions boundaries
# ---------------------------------------------------------------------------------------------
class PermissionsBoundaryLayerTest(LayersCase):
    def test_explicit_deny_in_the_boundary(self):
        boundary = self.managed(allow("*"))
        name, arn, creds = self.new_user(boundary=boundary)
        self.iam.attach_user_policy(UserName=name, PolicyArn=ADMINISTRATOR)
        me = self.server.client("iam", creds)
        me.get_user(UserName=name)
        self.iam.create_policy_version(PolicyArn=boundary, PolicyDocument=doc(allow("*"), deny("iam:GetUser")),
                                       SetAsDefault=True)
        self.assertDenied(lambda: me.get_user(UserName=name), explicit(arn, "iam:GetUser", arn, BOUNDARY))
        me.list_users()  # the boundary's Allow and the identity's Allow still meet elsewhere
        self.iam.delete_user_permissions_boundary(UserName=name)
        me.get_user(UserName=name)

    def test_boundary_that_does_not_allow(self):
        name, arn, creds = self.new_user(boundary=S3_FULL)
        self.iam.attach_user_policy(UserName=name, PolicyArn=ADMINISTRATOR)
        me = self.server.client("iam", creds)
        self.assertDenied(lambda: me.get_user(UserName=name), implicit(arn, "iam:GetUser", arn, "permissions boundary"))
        self.server.client("s3", creds).list_buckets()

    def test_role_boundary(self):
        role = uniq("brole")
        role_arn = self.iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
                           "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        self.iam.attach_role_policy(RoleName=role, PolicyArn=ADMINISTRATOR)
        self.iam.put_role_permissions_boundary(RoleName=role,
                                               PermissionsBoundary=self.managed(allow("*"), deny("iam:GetRole")))
        r = self.server.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="bnd")
        session = self.server.client("iam", Creds.from_sts(r["Credentials"]))
        session.list_roles()
        self.assertDenied(lambda: session.get_role(RoleName=role),
                          explicit(r["AssumedRoleUser"]["Arn"], "iam:GetRole", role_arn, BOUNDARY))


# ---------------------------------------------------------------------------------------------
# Session policies
# ---------------------------------------------------------------------------------------------
class SessionPolicyLayerTest(LayersCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            iam = cls.server.client("iam")
            cls.role = uniq("srole")
            cls.role_arn = iam.create_role(RoleName=cls.role, AssumeRolePolicyDocument=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
                               "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
            iam.attach_role_policy(RoleName=cls.role, PolicyArn=ADMINISTRATOR)
        except BaseException:
            cls.server.close()
            raise

    def session(self, name: str, **kw):
        r = self.server.client("sts").assume_role(RoleArn=self.role_arn, RoleSessionName=name, **kw)
        return r["AssumedRoleUser"]["Arn"], self.server.client("iam", Creds.from_sts(r["Credentials"]))

    def test_inline_session_policy(self):
        _, plain = self.session("plain", Policy=doc(allow("*")))
        plain.get_role(RoleName=self.role)
        who, limited = self.session("limited", Policy=doc(allow("*"), deny("iam:GetRole")))
        self.assertDenied(lambda: limited.get_role(RoleName=self.role),
                          explicit(who, "iam:GetRole", self.role_arn, SESSION))
        limited.list_roles()

    def test_managed_session_policy(self):
        deny_arn = self.managed(deny("iam:GetRole"))
        who, limited = self.session("by-arn", PolicyArns=[{"arn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"},
                                                          {"arn": deny_arn}])
        self.assertDenied(lambda: limited.get_role(RoleName=self.role),
                          explicit(who, "iam:GetRole", self.role_arn, SESSION))
        limited.list_roles()

    def test_session_policy_that_does_not_allow(self):
        who, limited = self.session("s3-only", Policy=doc(allow("s3:*")))
        self.assertDenied(lambda: limited.get_role(RoleName=self.role),
                          implicit(who, "iam:GetRole", self.role_arn, "session policy"))

    def test_deny_in_the_role_identity_policy(self):
        role = uniq("drole")
        role_arn = self.iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
                           "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        self.iam.attach_role_policy(RoleName=role, PolicyArn=ADMINISTRATOR)
        self.iam.put_role_policy(RoleName=role, PolicyName="deny", PolicyDocument=doc(deny("iam:GetRole")))
        r = self.server.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="idp", Policy=doc(allow("*")))
        session = self.server.client("iam", Creds.from_sts(r["Credentials"]))
        self.assertDenied(lambda: session.get_role(RoleName=role),
                          explicit(r["AssumedRoleUser"]["Arn"], "iam:GetRole", role_arn, IDENTITY))


# ---------------------------------------------------------------------------------------------
# Resource policies: S3 bucket policies and SQS queue policies
# ---------------------------------------------------------------------------------------------
class ResourcePolicyLayerTest(LayersCase):
    def test_s3_bucket_policy(self):
        name, arn, creds = self.new_user()
        self.iam.attach_user_policy(UserName=name, PolicyArn=S3_FULL)
        admin_s3 = self.server.client("s3")
        bucket = uniq("layers")
        admin_s3.create_bucket(Bucket=bucket)
        admin_s3.put_object(Bucket=bucket, Key="k", Body=b"v")
        s3 = self.server.client("s3", creds)
        self.assertEqual(s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"v")

        # The bucket policy allows the user too; its Deny beats both Allows.
        admin_s3.put_bucket_policy(Bucket=bucket, Policy=doc(
            {"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "s3:*",
             "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]},
            {"Effect": "Deny", "Principal": {"AWS": arn}, "Action": "s3:GetObject",
             "Resource": f"arn:aws:s3:::{bucket}/*"}))
        # Same account: S3 explains, with the resource in quotes.
        self.assertDenied(lambda: s3.get_object(Bucket=bucket, Key="k"),
                          explicit(arn, "s3:GetObject", f'"arn:aws:s3:::{bucket}/k"', RESOURCE))
        s3.put_object(Bucket=bucket, Key="k2", Body=b"w")
        self.assertEqual(admin_s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"v")  # names only the user
        res = self.server.aws("s3api", "get-object", "--bucket", bucket, "--key", "k", "/dev/null", creds=creds)
        self.assertCliError(res, "AccessDenied", "GetObject",
                            explicit(arn, "s3:GetObject", f'"arn:aws:s3:::{bucket}/k"', RESOURCE))

        admin_s3.delete_bucket_policy(Bucket=bucket)
        self.assertEqual(s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"v")

    def test_sqs_queue_policy(self):
        name, arn, creds = self.new_user()
        self.iam.attach_user_policy(UserName=name, PolicyArn=SQS_FULL)
        admin_sqs = self.server.client("sqs")
        qname = uniq("layers")
        url = admin_sqs.create_queue(QueueName=qname)["QueueUrl"]
        qarn = f"arn:aws:sqs:{REGION}:{ACCT}:{qname}"
        sqs = self.server.client("sqs", creds)
        sqs.send_message(QueueUrl=url, MessageBody="before")

        admin_sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": doc(
            {"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "sqs:*", "Resource": qarn},
            {"Effect": "Deny", "Principal": {"AWS": arn}, "Action": "sqs:SendMessage", "Resource": qarn})})
        # SQS writes the action in lower case.
        self.assertDenied(lambda: sqs.send_message(QueueUrl=url, MessageBody="after"),
                          explicit(arn, "sqs:sendmessage", qarn, RESOURCE))
        self.assertEqual(len(sqs.receive_message(QueueUrl=url).get("Messages", [])), 1)
        res = self.server.aws("sqs", "send-message", "--queue-url", url, "--message-body", "cli", creds=creds)
        self.assertCliError(res, "AccessDenied", "SendMessage", explicit(arn, "sqs:sendmessage", qarn, RESOURCE))
        admin_sqs.send_message(QueueUrl=url, MessageBody="admin")  # the Deny names only the user

        admin_sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
        sqs.send_message(QueueUrl=url, MessageBody="again")


# ---------------------------------------------------------------------------------------------
# Service control policies, and a cross-account role assumption
# ---------------------------------------------------------------------------------------------
def wait_for_account(org, request_id: str) -> dict:
    deadline = time.monotonic() + 10
    while True:
        st = org.describe_create_account_status(CreateAccountRequestId=request_id)["CreateAccountStatus"]
        if st["State"] != "IN_PROGRESS" or time.monotonic() > deadline:
            return st
        time.sleep(0.1)


class OrganizationLayersTest(LayersCase):
    """A member account reached through OrganizationAccountAccessRole; SCPs on every level."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            org = cls.server.client("organizations")
            org.create_organization(FeatureSet="ALL")
            cls.root = org.list_roots()["Roots"][0]["Id"]
            org.enable_policy_type(RootId=cls.root, PolicyType=SCP)
            r = org.create_account(Email="layers-member@example.com", AccountName="layers-member")
            st = wait_for_account(org, r["CreateAccountStatus"]["Id"])
            if st["State"] != "SUCCEEDED":
                raise AssertionError(f"CreateAccount: {st}")
            cls.member = st["AccountId"]
            cls.access_role = f"arn:aws:iam::{cls.member}:role/OrganizationAccountAccessRole"
        except BaseException:
            cls.server.close()
            raise

    def setUp(self):
        self.org = self.server.client("organizations")
        r = self.server.client("sts").assume_role(RoleArn=self.access_role, RoleSessionName="layers")
        self.member_arn = r["AssumedRoleUser"]["Arn"]
        self.member_creds = Creds.from_sts(r["Credentials"])
        self.member_iam = self.server.client("iam", self.member_creds)

    def deny_scp(self, *actions: str) -> str:
        return self.org.create_policy(Name=uniq("deny"), Description="layers", Type=SCP,
                                      Content=doc(deny(list(actions))))["Policy"]["PolicySummary"]["Id"]

    def check_denied_then_lifted(self, scp: str, target: str):
        """The member may read its role; attached at `target` the SCP denies it there, and only there."""
        self.member_iam.get_role(RoleName="OrganizationAccountAccessRole")
        self.org.attach_policy(PolicyId=scp, TargetId=target)
        try:
            self.assertDenied(lambda: self.member_iam.get_role(RoleName="OrganizationAccountAccessRole"),
                              explicit(self.member_arn, "iam:GetRole", self.access_role, SERVICE_CONTROL))
            self.member_iam.list_roles()  # FullAWSAccess still allows the rest
            # The same SCP has no effect in the management account.
            mgmt_role = uniq("mgmt")
            self.iam.create_role(RoleName=mgmt_role, AssumeRolePolicyDocument=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
                               "Action": "sts:AssumeRole"}]}))
            self.assertEqual(self.iam.get_role(RoleName=mgmt_role)["Role"]["RoleName"], mgmt_role)
        finally:
            self.org.detach_policy(PolicyId=scp, TargetId=target)
        self.member_iam.get_role(RoleName="OrganizationAccountAccessRole")

    def test_scp_on_the_root(self):
        self.check_denied_then_lifted(self.deny_scp("iam:GetRole"), self.root)

    def test_scp_on_an_ou(self):
        ou = self.org.create_organizational_unit(ParentId=self.root, Name=uniq("ou"))["OrganizationalUnit"]["Id"]
        self.org.move_account(AccountId=self.member, SourceParentId=self.root, DestinationParentId=ou)
        try:
            self.check_denied_then_lifted(self.deny_scp("iam:GetRole"), ou)
        finally:
            self.org.move_account(AccountId=self.member, SourceParentId=ou, DestinationParentId=self.root)

    def test_scp_on_the_account(self):
        self.check_denied_then_lifted(self.deny_scp("iam:GetRole"), self.member)

    def test_scp_attached_to_the_management_account_has_no_effect(self):
        scp = self.deny_scp("iam:GetUser")
        self.org.attach_policy(PolicyId=scp, TargetId=ACCT)
        try:
            self.assertEqual(self.iam.get_user(UserName="admin")["User"]["Arn"], ADMIN_ARN)
        finally:
            self.org.detach_policy(PolicyId=scp, TargetId=ACCT)

    def test_scp_beats_the_member_identity_allow_with_the_cli(self):
        scp = self.deny_scp("iam:GetRole")
        self.org.attach_policy(PolicyId=scp, TargetId=self.root)
        try:
            res = self.server.aws("iam", "get-role", "--role-name", "OrganizationAccountAccessRole",
                                  creds=self.member_creds)
            self.assertCliError(res, "AccessDenied", "GetRole",
                                explicit(self.member_arn, "iam:GetRole", self.access_role, SERVICE_CONTROL))
            ok = self.server.aws("iam", "get-user", "--user-name", "admin")  # management: unaffected
            self.assertEqual(ok.returncode, 0, str(ok))
        finally:
            self.org.detach_policy(PolicyId=scp, TargetId=self.root)
        ok = self.server.aws("iam", "get-role", "--role-name", "OrganizationAccountAccessRole", creds=self.member_creds)
        self.assertEqual(ok.returncode, 0, str(ok))

    def test_cross_account_role_assumption(self):
        role = uniq("xacct")
        role_arn = f"arn:aws:iam::{self.member}:role/{role}"
        trust_mgmt = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"}, "Action": "sts:AssumeRole"}
        self.member_iam.create_role(RoleName=role, AssumeRolePolicyDocument=doc(trust_mgmt))
        self.member_iam.attach_role_policy(RoleName=role, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
        sts = self.server.client("sts")
        r = sts.assume_role(RoleArn=role_arn, RoleSessionName="xacct")
        who = self.server.client("sts", Creds.from_sts(r["Credentials"])).get_caller_identity()
        self.assertEqual((who["Account"], who["Arn"]), (self.member, f"arn:aws:sts::{self.member}:assumed-role/{role}/xacct"))

        # Across accounts both sides must allow: a management user the trust policy names, without
        # an identity policy of its own, is refused...
        name, arn, creds = self.new_user()
        self.member_iam.update_assume_role_policy(RoleName=role, PolicyDocument=doc(
            trust_mgmt, {"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "sts:AssumeRole"}))
        denied = f"User: {arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
        user_sts = self.server.client("sts", creds)
        self.assertDenied(lambda: user_sts.assume_role(RoleArn=role_arn, RoleSessionName="xacct"), denied)
        # ...until its identity policy allows it.
        self.iam.put_user_policy(UserName=name, PolicyName="assume", PolicyDocument=doc(allow("sts:AssumeRole")))
        user_sts.assume_role(RoleArn=role_arn, RoleSessionName="xacct")
        # An explicit Deny in the caller's identity policy beats both Allows (STS gives no reason).
        self.iam.put_user_policy(UserName=name, PolicyName="deny", PolicyDocument=doc(deny("sts:AssumeRole", role_arn)))
        self.assertDenied(lambda: user_sts.assume_role(RoleArn=role_arn, RoleSessionName="xacct"), denied)
        self.iam.delete_user_policy(UserName=name, PolicyName="deny")
        # An explicit Deny in the trust policy (the role's resource policy) beats its own Allow.
        self.member_iam.update_assume_role_policy(RoleName=role, PolicyDocument=doc(
            trust_mgmt, {"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "sts:AssumeRole"},
            {"Effect": "Deny", "Principal": {"AWS": arn}, "Action": "sts:AssumeRole"}))
        self.assertDenied(lambda: user_sts.assume_role(RoleArn=role_arn, RoleSessionName="xacct"), denied)
        sts.assume_role(RoleArn=role_arn, RoleSessionName="admin-still")  # the Deny names only the user
        res = self.server.aws("sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "cli-x", creds=creds)
        self.assertCliError(res, "AccessDenied", "AssumeRole", denied)

    def test_scp_in_the_member_does_not_bind_the_management_caller(self):
        # SCPs bind the caller's account: a member SCP denying sts:AssumeRole stops the member's own
        # sessions, not the management account assuming a member role.
        inner = uniq("inner")
        inner_arn = f"arn:aws:iam::{self.member}:role/{inner}"
        self.member_iam.create_role(RoleName=inner, AssumeRolePolicyDocument=doc(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.member}:root"}, "Action": "sts:AssumeRole"}))
        member_sts = self.server.client("sts", self.member_creds)
        member_sts.assume_role(RoleArn=inner_arn, RoleSessionName="chain")
        scp = self.deny_scp("sts:AssumeRole")
        self.org.attach_policy(PolicyId=scp, TargetId=self.member)
        try:
            self.server.client("sts").assume_role(RoleArn=self.access_role, RoleSessionName="still")
            self.assertDenied(lambda: member_sts.assume_role(RoleArn=inner_arn, RoleSessionName="chain"),
                              f"User: {self.member_arn} is not authorized to perform: sts:AssumeRole on resource: "
                              f"{inner_arn}")
        finally:
            self.org.detach_policy(PolicyId=scp, TargetId=self.member)
        member_sts.assume_role(RoleArn=inner_arn, RoleSessionName="chain")

if __name__ == "__main__":
    unittest.main()
