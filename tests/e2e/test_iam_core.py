"""IAM core (users, groups, roles, managed and inline policies, attachments, boundaries, tags) and
STS AssumeRole against the real orgroot binary, with boto3 and the AWS CLI."""

from __future__ import annotations

import json
import re
import time
import unittest
import urllib.parse
import uuid

from harness import DEFAULT_ACCOUNT, Creds, ServerTestCase

from botocore.exceptions import ClientError  # noqa: E402  (after harness)

ACCT = DEFAULT_ACCOUNT
ALLOW_S3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
AIDA_RE = re.compile(r"^AIDA[A-Z2-7]{17}$")
AROA_RE = re.compile(r"^AROA[A-Z2-7]{17}$")
ANPA_RE = re.compile(r"^ANPA[A-Z2-7]{17}$")
AGPA_RE = re.compile(r"^AGPA[A-Z2-7]{17}$")


def uniq(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def trust(principal: str, actions=("sts:AssumeRole",), condition=None) -> str:
    st = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": list(actions)}
    if condition:
        st["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [st]})


class IamCase(ServerTestCase):
    @property
    def iam(self):
        return self.server.client("iam")

    @property
    def sts(self):
        return self.server.client("sts")


class UsersTest(IamCase):
    def test_user_lifecycle(self):
        name = uniq("alice")
        u = self.iam.create_user(UserName=name, Path="/eng/")["User"]
        self.assertEqual(u["Arn"], f"arn:aws:iam::{ACCT}:user/eng/{name}")
        self.assertRegex(u["UserId"], AIDA_RE)
        self.assertEqual(u["Path"], "/eng/")
        got = self.iam.get_user(UserName=name)["User"]
        self.assertEqual(got["UserId"], u["UserId"])
        self.assertClientError(lambda: self.iam.create_user(UserName=name), "EntityAlreadyExists", 409,
                               f"User with name {name} already exists.")
        new = uniq("alice2")
        self.iam.update_user(UserName=name, NewUserName=new, NewPath="/ops/")
        self.assertEqual(self.iam.get_user(UserName=new)["User"]["Arn"], f"arn:aws:iam::{ACCT}:user/ops/{new}")
        self.assertClientError(lambda: self.iam.get_user(UserName=name), "NoSuchEntity", 404,
                               f"The user with name {name} cannot be found.")
        self.iam.delete_user(UserName=new)
        self.assertClientError(lambda: self.iam.delete_user(UserName=new), "NoSuchEntity", 404)

    def test_get_user_without_name_is_caller(self):
        self.assertEqual(self.iam.get_user()["User"]["UserName"], "admin")

    def test_list_users_paginator_and_prefix(self):
        prefix = f"/{uniq('p')}/"
        names = sorted(uniq("pg") for _ in range(5))
        for n in names:
            self.iam.create_user(UserName=n, Path=prefix)
        pages = list(self.iam.get_paginator("list_users").paginate(PathPrefix=prefix,
                                                                   PaginationConfig={"PageSize": 2}))
        self.assertEqual(len(pages), 3)
        self.assertTrue(pages[0]["IsTruncated"])
        self.assertIn("Marker", pages[0])
        self.assertEqual([u["UserName"] for p in pages for u in p["Users"]], names)
        cli = self.server.aws("iam", "list-users", "--path-prefix", prefix, "--page-size", "2")
        self.assertEqual(cli.returncode, 0, str(cli))
        self.assertEqual([u["UserName"] for u in cli.json["Users"]], names)

    def test_user_tags(self):
        name = uniq("tagged")
        self.iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": "red"}])
        self.iam.tag_user(UserName=name, Tags=[{"Key": "env", "Value": "prod"}])
        tags = {t["Key"]: t["Value"] for t in self.iam.list_user_tags(UserName=name)["Tags"]}
        self.assertEqual(tags, {"team": "red", "env": "prod"})
        self.iam.untag_user(UserName=name, TagKeys=["team"])
        self.assertEqual(self.iam.get_user(UserName=name)["User"]["Tags"], [{"Key": "env", "Value": "prod"}])

    def test_delete_user_conflicts(self):
        name = uniq("busy")
        self.iam.create_user(UserName=name)
        self.iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(ALLOW_S3))
        self.assertClientError(lambda: self.iam.delete_user(UserName=name), "DeleteConflict", 409,
                               "Cannot delete entity, must delete policies first.")
        self.iam.delete_user_policy(UserName=name, PolicyName="p")
        self.iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        self.assertClientError(lambda: self.iam.delete_user(UserName=name), "DeleteConflict", 409,
                               "Cannot delete entity, must detach all policies first.")
        self.iam.detach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        self.iam.delete_user(UserName=name)

    def test_delete_user_with_login_profile_or_keys(self):
        name = uniq("creds")
        self.iam.create_user(UserName=name)
        self.iam.create_login_profile(UserName=name, Password="Pa55word-Long-Enough!")
        self.assertClientError(lambda: self.iam.delete_user(UserName=name), "DeleteConflict", 409,
                               "Cannot delete entity, must delete login profile first.")
        self.iam.delete_login_profile(UserName=name)
        key = self.iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
        self.assertClientError(lambda: self.iam.delete_user(UserName=name), "DeleteConflict", 409,
                               "Cannot delete entity, must delete access keys first.")
        self.iam.delete_access_key(UserName=name, AccessKeyId=key)
        self.iam.delete_user(UserName=name)

    def test_cli_user_errors(self):
        res = self.server.aws("iam", "get-user", "--user-name", "no-such-user-x")
        self.assertCliError(res, "NoSuchEntity", "GetUser", "The user with name no-such-user-x cannot be found.")
        name = uniq("cli")
        res = self.server.aws("iam", "create-user", "--user-name", name)
        self.assertEqual(res.returncode, 0, str(res))
        self.assertEqual(res.json["User"]["UserName"], name)


class GroupsTest(IamCase):
    def test_group_lifecycle_and_membership(self):
        g, u = uniq("devs"), uniq("member")
        grp = self.iam.create_group(GroupName=g, Path="/teams/")["Group"]
        self.assertRegex(grp["GroupId"], AGPA_RE)
        self.assertEqual(grp["Arn"], f"arn:aws:iam::{ACCT}:group/teams/{g}")
        self.assertClientError(lambda: self.iam.create_group(GroupName=g), "EntityAlreadyExists", 409,
                               f"Group with name {g} already exists.")
        self.iam.create_user(UserName=u)
        self.iam.add_user_to_group(GroupName=g, UserName=u)
        got = self.iam.get_group(GroupName=g)
        self.assertEqual([x["UserName"] for x in got["Users"]], [u])
        self.assertEqual([x["GroupName"] for x in self.iam.list_groups_for_user(UserName=u)["Groups"]], [g])
        self.assertIn(g, [x["GroupName"] for x in self.iam.list_groups(PathPrefix="/teams/")["Groups"]])
        self.assertClientError(lambda: self.iam.delete_group(GroupName=g), "DeleteConflict", 409,
                               "Cannot delete entity, must remove users from group first.")
        self.assertClientError(lambda: self.iam.delete_user(UserName=u), "DeleteConflict", 409)
        self.iam.remove_user_from_group(GroupName=g, UserName=u)
        g2 = uniq("devs2")
        self.iam.update_group(GroupName=g, NewGroupName=g2)
        self.iam.put_group_policy(GroupName=g2, PolicyName="gp", PolicyDocument=json.dumps(ALLOW_S3))
        self.assertEqual(self.iam.list_group_policies(GroupName=g2)["PolicyNames"], ["gp"])
        doc = self.iam.get_group_policy(GroupName=g2, PolicyName="gp")["PolicyDocument"]
        self.assertEqual(doc, ALLOW_S3)  # botocore URL-decodes and parses it
        self.iam.delete_group_policy(GroupName=g2, PolicyName="gp")
        self.iam.attach_group_policy(GroupName=g2, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
        self.assertEqual(self.iam.list_attached_group_policies(GroupName=g2)["AttachedPolicies"],
                         [{"PolicyName": "IAMReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}])
        self.iam.detach_group_policy(GroupName=g2, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
        self.iam.delete_group(GroupName=g2)
        self.assertClientError(lambda: self.iam.get_group(GroupName=g2), "NoSuchEntity", 404,
                               f"The group with name {g2} cannot be found.")

    def test_get_group_paginator(self):
        g = uniq("big")
        self.iam.create_group(GroupName=g)
        users = sorted(uniq("gm") for _ in range(3))
        for u in users:
            self.iam.create_user(UserName=u)
            self.iam.add_user_to_group(GroupName=g, UserName=u)
        pages = list(self.iam.get_paginator("get_group").paginate(GroupName=g, PaginationConfig={"PageSize": 2}))
        self.assertEqual(len(pages), 2)
        self.assertEqual([u["UserName"] for p in pages for u in p["Users"]], users)


class RolesTest(IamCase):
    def test_role_lifecycle(self):
        name = uniq("role")
        doc = trust(f"arn:aws:iam::{ACCT}:root")
        r = self.iam.create_role(RoleName=name, Path="/svc/", AssumeRolePolicyDocument=doc, Description="d",
                                 MaxSessionDuration=7200, Tags=[{"Key": "k", "Value": "v"}])["Role"]
        self.assertRegex(r["RoleId"], AROA_RE)
        self.assertEqual(r["Arn"], f"arn:aws:iam::{ACCT}:role/svc/{name}")
        self.assertEqual(r["AssumeRolePolicyDocument"], json.loads(doc))
        got = self.iam.get_role(RoleName=name)["Role"]
        self.assertEqual(got["MaxSessionDuration"], 7200)
        self.assertEqual(got["RoleLastUsed"], {})
        self.assertEqual(got["Tags"], [{"Key": "k", "Value": "v"}])
        self.assertClientError(lambda: self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc),
                               "EntityAlreadyExists", 409, f"Role with name {name} already exists.")
        self.iam.update_role(RoleName=name, MaxSessionDuration=3600)
        self.assertEqual(self.iam.update_role_description(RoleName=name, Description="new")["Role"]["Description"], "new")
        doc2 = trust(f"arn:aws:iam::{ACCT}:user/admin")
        self.iam.update_assume_role_policy(RoleName=name, PolicyDocument=doc2)
        self.assertEqual(self.iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"], json.loads(doc2))
        self.iam.tag_role(RoleName=name, Tags=[{"Key": "a", "Value": "b"}])
        self.assertEqual(len(self.iam.list_role_tags(RoleName=name)["Tags"]), 2)
        self.iam.untag_role(RoleName=name, TagKeys=["a", "k"])
        self.assertEqual(self.iam.list_role_tags(RoleName=name)["Tags"], [])
        self.assertIn(name, [x["RoleName"] for x in self.iam.list_roles(PathPrefix="/svc/")["Roles"]])
        self.iam.put_role_policy(RoleName=name, PolicyName="inl", PolicyDocument=json.dumps(ALLOW_S3))
        self.assertEqual(self.iam.get_role_policy(RoleName=name, PolicyName="inl")["PolicyDocument"], ALLOW_S3)
        self.assertEqual(self.iam.list_role_policies(RoleName=name)["PolicyNames"], ["inl"])
        self.assertClientError(lambda: self.iam.delete_role(RoleName=name), "DeleteConflict", 409,
                               "Cannot delete entity, must delete policies first.")
        self.iam.delete_role_policy(RoleName=name, PolicyName="inl")
        self.iam.attach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        self.assertEqual(len(self.iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]), 1)
        self.iam.detach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        self.iam.delete_role(RoleName=name)
        self.assertClientError(lambda: self.iam.get_role(RoleName=name), "NoSuchEntity", 404,
                               f"The role with name {name} cannot be found.")

    def test_malformed_trust_policy(self):
        self.assertClientError(lambda: self.iam.create_role(RoleName=uniq("bad"), AssumeRolePolicyDocument="{nope"),
                               "MalformedPolicyDocument", 400, "This policy contains invalid Json")
        self.assertClientError(lambda: self.iam.create_role(RoleName=uniq("bad"),
                                                            AssumeRolePolicyDocument=json.dumps(ALLOW_ALL)),
                               "MalformedPolicyDocument", 400)

    def test_max_session_duration_range(self):
        self.assertClientError(lambda: self.iam.create_role(RoleName=uniq("long"), MaxSessionDuration=43201,
                                                            AssumeRolePolicyDocument=trust(ACCT)),
                               "ValidationError", 400)

    def test_list_roles_paginator(self):
        prefix = f"/{uniq('rp')}/"
        for _ in range(3):
            self.iam.create_role(RoleName=uniq("lr"), Path=prefix, AssumeRolePolicyDocument=trust(ACCT))
        pages = list(self.iam.get_paginator("list_roles").paginate(PathPrefix=prefix, PaginationConfig={"PageSize": 1}))
        self.assertEqual(len(pages), 3)
        self.assertEqual(sum(len(p["Roles"]) for p in pages), 3)


class PoliciesTest(IamCase):
    def test_managed_policy_versions(self):
        name = uniq("pol")
        p = self.iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(ALLOW_S3), Description="desc")["Policy"]
        arn = p["Arn"]
        self.assertEqual(arn, f"arn:aws:iam::{ACCT}:policy/{name}")
        self.assertRegex(p["PolicyId"], ANPA_RE)
        self.assertEqual(p["DefaultVersionId"], "v1")
        self.assertEqual(p["AttachmentCount"], 0)
        self.assertClientError(lambda: self.iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(ALLOW_S3)),
                               "EntityAlreadyExists", 409,
                               f"A policy called {name} already exists. Duplicate names are not allowed.")
        for i in range(2, 6):
            v = self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(ALLOW_ALL),
                                               SetAsDefault=(i == 3))["PolicyVersion"]
            self.assertEqual(v["VersionId"], f"v{i}")
        self.assertClientError(
            lambda: self.iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(ALLOW_ALL)),
            "LimitExceeded", 409,
            "A managed policy can have up to 5 versions. Before you create a new version, you must delete an "
            "existing version.")
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"], "v3")
        versions = self.iam.list_policy_versions(PolicyArn=arn)["Versions"]
        self.assertEqual([v["VersionId"] for v in versions], ["v5", "v4", "v3", "v2", "v1"])
        v1 = self.iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
        self.assertEqual(v1["Document"], ALLOW_S3)
        self.assertFalse(v1["IsDefaultVersion"])
        self.assertClientError(lambda: self.iam.delete_policy_version(PolicyArn=arn, VersionId="v3"),
                               "DeleteConflict", 409, "Cannot delete the default version of a policy.")
        self.iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
        self.assertClientError(lambda: self.iam.delete_policy(PolicyArn=arn), "DeleteConflict", 409)
        for i in range(2, 6):
            self.iam.delete_policy_version(PolicyArn=arn, VersionId=f"v{i}")
        self.iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "t", "Value": "1"}])
        self.assertEqual(self.iam.list_policy_tags(PolicyArn=arn)["Tags"], [{"Key": "t", "Value": "1"}])
        self.iam.untag_policy(PolicyArn=arn, TagKeys=["t"])
        self.assertEqual(self.iam.list_policy_tags(PolicyArn=arn)["Tags"], [])
        self.iam.delete_policy(PolicyArn=arn)
        self.assertClientError(lambda: self.iam.get_policy(PolicyArn=arn), "NoSuchEntity", 404,
                               f"Policy {arn} was not found.")

    def test_malformed_policy(self):
        self.assertClientError(lambda: self.iam.create_policy(PolicyName=uniq("bad"),
                                                              PolicyDocument='{"Statement": []}'),
                               "MalformedPolicyDocument", 400)
        self.assertClientError(lambda: self.iam.get_policy(PolicyArn="not-an-arn-at-all-really"), "ValidationError", 400,
                               "Invalid ARN:  Could not be parsed!")

    def test_aws_managed_and_root_task_policies(self):
        arn = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
        p = self.iam.get_policy(PolicyArn=arn)["Policy"]
        self.assertEqual(p["PolicyId"], "ANPAZKAPJZG4BDSCREYVS")
        self.assertEqual(p["Path"], "/root-task/")
        self.assertEqual(p["DefaultVersionId"], "v1")
        doc = self.iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"]
        self.assertEqual(doc["Statement"][0]["Sid"], "DenyAllOtherActionsOnAnyResource")
        self.assertEqual(doc["Statement"][1]["NotResource"], "arn:aws:iam::*:root")
        names = set()
        for page in self.iam.get_paginator("list_policies").paginate(Scope="AWS", PaginationConfig={"PageSize": 3}):
            names.update(x["PolicyName"] for x in page["Policies"])
        for n in ("AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "IAMFullAccess", "IAMReadOnlyAccess",
                  "AWSOrganizationsFullAccess", "AWSOrganizationsReadOnlyAccess", "AmazonS3FullAccess",
                  "AmazonSQSFullAccess", "S3UnlockBucketPolicy", "SQSUnlockQueuePolicy",
                  "IAMCreateRootUserPassword", "IAMDeleteRootUserCredentials", "IAMAuditRootUserCredentials"):
            self.assertIn(n, names)
        attached = self.iam.list_policies(OnlyAttached=True, Scope="AWS")["Policies"]
        self.assertIn("AdministratorAccess", [x["PolicyName"] for x in attached])
        cli = self.server.aws("iam", "get-policy-version", "--policy-arn",
                              "arn:aws:iam::aws:policy/AdministratorAccess", "--version-id", "v1")
        self.assertEqual(cli.returncode, 0, str(cli))
        self.assertEqual(cli.json["PolicyVersion"]["Document"]["Statement"][0]["Action"], "*")

    def test_attachments_and_entities(self):
        u, g, r = uniq("eu"), uniq("eg"), uniq("er")
        self.iam.create_user(UserName=u)
        self.iam.create_group(GroupName=g)
        self.iam.create_role(RoleName=r, AssumeRolePolicyDocument=trust(ACCT))
        arn = self.iam.create_policy(PolicyName=uniq("shared"), PolicyDocument=json.dumps(ALLOW_S3))["Policy"]["Arn"]
        self.iam.attach_user_policy(UserName=u, PolicyArn=arn)
        self.iam.attach_group_policy(GroupName=g, PolicyArn=arn)
        self.iam.attach_role_policy(RoleName=r, PolicyArn=arn)
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"], 3)
        e = self.iam.list_entities_for_policy(PolicyArn=arn)
        self.assertEqual([x["UserName"] for x in e["PolicyUsers"]], [u])
        self.assertEqual([x["GroupName"] for x in e["PolicyGroups"]], [g])
        self.assertEqual([x["RoleName"] for x in e["PolicyRoles"]], [r])
        self.assertEqual(len(self.iam.list_attached_user_policies(UserName=u)["AttachedPolicies"]), 1)
        self.assertClientError(lambda: self.iam.delete_policy(PolicyArn=arn), "DeleteConflict", 409,
                               "Cannot delete a policy attached to entities.")
        missing = f"arn:aws:iam::{ACCT}:policy/{uniq('none')}"
        self.assertClientError(lambda: self.iam.attach_user_policy(UserName=u, PolicyArn=missing), "NoSuchEntity",
                               404, f"Policy {missing} does not exist or is not attachable.")
        self.assertClientError(lambda: self.iam.detach_user_policy(UserName=u, PolicyArn=missing), "NoSuchEntity", 404)
        self.assertClientError(lambda: self.iam.attach_user_policy(UserName=u, PolicyArn="ReadOnlyAccessPolicyName"),
                               "ValidationError", 400, "Invalid ARN:  Could not be parsed!")

    def test_inline_user_policy(self):
        u = uniq("inl")
        self.iam.create_user(UserName=u)
        self.iam.put_user_policy(UserName=u, PolicyName="p1", PolicyDocument=json.dumps(ALLOW_S3))
        got = self.iam.get_user_policy(UserName=u, PolicyName="p1")
        self.assertEqual(got["UserName"], u)
        self.assertEqual(got["PolicyDocument"], ALLOW_S3)
        self.assertEqual(self.iam.list_user_policies(UserName=u)["PolicyNames"], ["p1"])
        self.assertClientError(lambda: self.iam.get_user_policy(UserName=u, PolicyName="zz"), "NoSuchEntity", 404,
                               "The user policy with name zz cannot be found.")
        self.assertClientError(lambda: self.iam.put_user_policy(UserName=u, PolicyName="bad", PolicyDocument="{}"),
                               "MalformedPolicyDocument", 400)
        # raw wire: the document is URL-encoded as AWS sends it
        # on the wire the document is URL-encoded, as AWS sends it
        raw = self.server.signed("POST", "/", {"Action": "GetUserPolicy", "Version": "2010-05-08", "UserName": u,
                                               "PolicyName": "p1"}, service="iam")
        self.assertEqual(raw.status, 200, raw.text)
        enc = re.search(r"<PolicyDocument>([^<]*)</PolicyDocument>", raw.text).group(1)
        self.assertTrue(enc.startswith("%7B"), enc)
        self.assertEqual(json.loads(urllib.parse.unquote(enc)), ALLOW_S3)
        self.iam.delete_user_policy(UserName=u, PolicyName="p1")

    def test_permissions_boundaries(self):
        u, r = uniq("bu"), uniq("br")
        s3 = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
        self.iam.create_user(UserName=u, PermissionsBoundary=s3)
        self.assertEqual(self.iam.get_user(UserName=u)["User"]["PermissionsBoundary"],
                         {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": s3})
        self.iam.delete_user_permissions_boundary(UserName=u)
        self.assertNotIn("PermissionsBoundary", self.iam.get_user(UserName=u)["User"])
        self.iam.put_user_permissions_boundary(UserName=u, PermissionsBoundary=s3)
        self.iam.create_role(RoleName=r, AssumeRolePolicyDocument=trust(ACCT))
        self.iam.put_role_permissions_boundary(RoleName=r, PermissionsBoundary=s3)
        self.assertEqual(self.iam.get_role(RoleName=r)["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"], s3)
        self.iam.delete_role_permissions_boundary(RoleName=r)
        bad = f"arn:aws:iam::{ACCT}:policy/{uniq('nob')}"
        self.assertClientError(lambda: self.iam.put_role_permissions_boundary(RoleName=r, PermissionsBoundary=bad),
                               "NoSuchEntity", 404)


class AssumeRoleTest(IamCase):
    def make_role(self, trust_doc: str, **kw) -> str:
        name = uniq("ar")
        return self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_doc, **kw)["Role"]["Arn"]

    def test_assume_role_same_account(self):
        arn = self.make_role(trust(f"arn:aws:iam::{ACCT}:root"))
        name = arn.rsplit("/", 1)[1]
        r = self.sts.assume_role(RoleArn=arn, RoleSessionName="sess-1", DurationSeconds=900)
        user = r["AssumedRoleUser"]
        self.assertEqual(user["Arn"], f"arn:aws:sts::{ACCT}:assumed-role/{name}/sess-1")
        self.assertRegex(user["AssumedRoleId"], r"^AROA[A-Z2-7]{17}:sess-1$")
        creds = Creds.from_sts(r["Credentials"])
        self.assertTrue(creds.access_key_id.startswith("ASIA"))
        me = self.server.client("sts", creds).get_caller_identity()
        self.assertEqual(me["Arn"], user["Arn"])
        self.assertEqual(me["UserId"], user["AssumedRoleId"])
        self.assertEqual(me["Account"], ACCT)
        self.assertIn("LastUsedDate", self.iam.get_role(RoleName=name)["Role"]["RoleLastUsed"])

    def test_trust_policy_denies(self):
        other = uniq("other")
        self.iam.create_user(UserName=other)
        arn = self.make_role(trust(f"arn:aws:iam::{ACCT}:user/{other}"))
        self.assertClientError(lambda: self.sts.assume_role(RoleArn=arn, RoleSessionName="s1"), "AccessDenied", 403,
                               f"User: arn:aws:iam::{ACCT}:user/admin is not authorized to perform: sts:AssumeRole "
                               f"on resource: {arn}")
        missing = f"arn:aws:iam::{ACCT}:role/{uniq('missing')}"
        self.assertClientError(lambda: self.sts.assume_role(RoleArn=missing, RoleSessionName="s1"), "AccessDenied",
                               403)

    def test_external_id(self):
        arn = self.make_role(trust(f"arn:aws:iam::{ACCT}:root",
                                   condition={"StringEquals": {"sts:ExternalId": "ext-123"}}))
        self.assertClientError(lambda: self.sts.assume_role(RoleArn=arn, RoleSessionName="s1"), "AccessDenied", 403)
        self.sts.assume_role(RoleArn=arn, RoleSessionName="s1", ExternalId="ext-123")

    def test_duration_bounds(self):
        arn = self.make_role(trust(f"arn:aws:iam::{ACCT}:root"), MaxSessionDuration=3600)
        self.assertClientError(lambda: self.sts.assume_role(RoleArn=arn, RoleSessionName="s1", DurationSeconds=3601),
                               "ValidationError", 400,
                               "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        raw = self.server.client("sts", parameter_validation=False)  # let the server see the bad values
        self.assertClientError(lambda: raw.assume_role(RoleArn=arn, RoleSessionName="s1", DurationSeconds=899),
                               "ValidationError", 400,
                               "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy "
                               "constraint: Member must have value greater than or equal to 900")
        self.assertClientError(lambda: raw.assume_role(RoleArn=arn, RoleSessionName="x"), "ValidationError", 400)

    def test_session_policy_source_identity_and_tags(self):
        arn = self.make_role(trust(f"arn:aws:iam::{ACCT}:root",
                                   actions=("sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession")))
        r = self.sts.assume_role(RoleArn=arn, RoleSessionName="s1", Policy=json.dumps(ALLOW_S3),
                                 PolicyArns=[{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
                                 SourceIdentity="alice", Tags=[{"Key": "team", "Value": "red"}],
                                 TransitiveTagKeys=["team"])
        self.assertGreater(r["PackedPolicySize"], 0)
        self.assertEqual(r["SourceIdentity"], "alice")
        self.assertClientError(lambda: self.sts.assume_role(RoleArn=arn, RoleSessionName="s1",
                                                            Policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}'),
                               "MalformedPolicyDocument", 400)
        plain = self.make_role(trust(f"arn:aws:iam::{ACCT}:root"))
        self.assertClientError(lambda: self.sts.assume_role(RoleArn=plain, RoleSessionName="s1", SourceIdentity="bob"),
                               "AccessDenied", 403)

    def test_role_chaining_capped_at_one_hour(self):
        first = self.make_role(trust(f"arn:aws:iam::{ACCT}:root"))
        second = self.make_role(trust(first), MaxSessionDuration=7200)
        creds = Creds.from_sts(self.sts.assume_role(RoleArn=first, RoleSessionName="one")["Credentials"])
        sts2 = self.server.client("sts", creds)
        self.assertClientError(lambda: sts2.assume_role(RoleArn=second, RoleSessionName="two", DurationSeconds=7200),
                               "ValidationError", 400)
        r = sts2.assume_role(RoleArn=second, RoleSessionName="two")
        self.assertTrue(r["AssumedRoleUser"]["Arn"].endswith(f"/{second.rsplit('/', 1)[1]}/two"))

    def test_cli_assume_role(self):
        arn = self.make_role(trust(f"arn:aws:iam::{ACCT}:root"))
        res = self.server.aws("sts", "assume-role", "--role-arn", arn, "--role-session-name", "cli-sess")
        self.assertEqual(res.returncode, 0, str(res))
        self.assertTrue(res.json["AssumedRoleUser"]["Arn"].endswith("/cli-sess"))
        res = self.server.aws("sts", "assume-role", "--role-arn", f"arn:aws:iam::{ACCT}:role/nope-nope",
                              "--role-session-name", "x1")
        self.assertCliError(res, "AccessDenied", "AssumeRole")

    def test_cross_account_via_organizations(self):
        orgs = self.server.client("organizations")
        try:
            try:
                orgs.create_organization(FeatureSet="ALL")
            except ClientError as e:
                if e.response["Error"]["Code"] != "AlreadyInOrganizationException":
                    raise
            status = orgs.create_account(Email=f"{uniq('m')}@example.com", AccountName="member")["CreateAccountStatus"]
        except ClientError as e:
            self.skipTest(f"Organizations CreateAccount not available: {e}")
        for _ in range(50):
            if status["State"] != "IN_PROGRESS":
                break
            time.sleep(0.1)
            status = orgs.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
        self.assertEqual(status["State"], "SUCCEEDED", status)
        member = status["AccountId"]
        arn = f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
        r = self.sts.assume_role(RoleArn=arn, RoleSessionName="xacct")
        self.assertEqual(r["AssumedRoleUser"]["Arn"],
                         f"arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/xacct")
        creds = Creds.from_sts(r["Credentials"])
        member_iam = self.server.client("iam", creds)
        u = member_iam.create_user(UserName="in-member")["User"]
        self.assertEqual(u["Arn"], f"arn:aws:iam::{member}:user/in-member")
        # state is per account
        self.assertClientError(lambda: self.iam.get_user(UserName="in-member"), "NoSuchEntity", 404)



class UserRenameTest(IamCase):
    """UpdateUser NewUserName/NewPath carries every credential, membership and policy along."""

    def test_rename_carries_everything_and_keys_keep_working(self):
        from test_iam_credentials import make_certificate, two_codes

        old, new, group = uniq("ren-old"), uniq("ren-new"), uniq("ren-grp")
        boundary = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        u = self.iam.create_user(UserName=old, Path="/eng/", PermissionsBoundary=boundary,
                                 Tags=[{"Key": "team", "Value": "red"}])["User"]
        self.iam.create_login_profile(UserName=old, Password="Rename-Passw0rd-1")
        key = self.iam.create_access_key(UserName=old)["AccessKey"]
        creds = Creds(key["AccessKeyId"], key["SecretAccessKey"])
        dev = self.iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{old}-phone")["VirtualMFADevice"]
        c1, c2 = two_codes(dev["Base32StringSeed"])
        self.iam.enable_mfa_device(UserName=old, SerialNumber=dev["SerialNumber"], AuthenticationCode1=c1,
                                   AuthenticationCode2=c2)
        cert = self.iam.upload_signing_certificate(UserName=old, CertificateBody=make_certificate(old))["Certificate"]
        self.iam.create_group(GroupName=group)
        self.iam.add_user_to_group(GroupName=group, UserName=old)
        self.iam.attach_user_policy(UserName=old, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
        self.iam.put_user_policy(UserName=old, PolicyName="inline", PolicyDocument=json.dumps(ALLOW_ALL))

        # The user's own key works, and its policies allow it to read IAM (caches warm).
        as_user = self.server.client("iam", creds)
        self.assertEqual(self.server.client("sts", creds).get_caller_identity()["Arn"],
                         f"arn:aws:iam::{ACCT}:user/eng/{old}")
        self.assertEqual(as_user.get_user()["User"]["UserName"], old)

        self.iam.update_user(UserName=old, NewUserName=new, NewPath="/ops/")

        new_arn = f"arn:aws:iam::{ACCT}:user/ops/{new}"
        got = self.iam.get_user(UserName=new)["User"]
        self.assertEqual((got["Arn"], got["Path"], got["UserId"]), (new_arn, "/ops/", u["UserId"]))
        self.assertEqual(got["PermissionsBoundary"]["PermissionsBoundaryArn"], boundary)
        self.assertEqual(got["Tags"], [{"Key": "team", "Value": "red"}])
        msg = f"The user with name {old} cannot be found."
        self.assertClientError(lambda: self.iam.get_user(UserName=old), "NoSuchEntity", 404, msg)
        self.assertClientError(lambda: self.iam.list_access_keys(UserName=old), "NoSuchEntity", 404, msg)
        self.assertClientError(lambda: self.iam.get_login_profile(UserName=old), "NoSuchEntity", 404)

        self.assertEqual(self.iam.get_login_profile(UserName=new)["LoginProfile"]["UserName"], new)
        keys = self.iam.list_access_keys(UserName=new)["AccessKeyMetadata"]
        self.assertEqual([(k["AccessKeyId"], k["UserName"]) for k in keys], [(creds.access_key_id, new)])
        mfa = self.iam.list_mfa_devices(UserName=new)["MFADevices"]
        self.assertEqual([(d["SerialNumber"], d["UserName"]) for d in mfa], [(dev["SerialNumber"], new)])
        certs = self.iam.list_signing_certificates(UserName=new)["Certificates"]
        self.assertEqual([(c["CertificateId"], c["UserName"]) for c in certs], [(cert["CertificateId"], new)])
        self.assertEqual([g["GroupName"] for g in self.iam.list_groups_for_user(UserName=new)["Groups"]], [group])
        self.assertEqual([x["UserName"] for x in self.iam.get_group(GroupName=group)["Users"]], [new])
        self.assertEqual([p["PolicyName"] for p in self.iam.list_attached_user_policies(UserName=new)["AttachedPolicies"]],
                         ["IAMReadOnlyAccess"])
        self.assertEqual(self.iam.list_user_policies(UserName=new)["PolicyNames"], ["inline"])

        # The same key signs as the renamed user, and its (moved) policies still authorize it.
        self.assertEqual(self.server.client("sts", creds).get_caller_identity()["Arn"], new_arn)
        me = as_user.get_user()["User"]
        self.assertEqual((me["UserName"], me["Arn"]), (new, new_arn))
        used = self.iam.get_access_key_last_used(AccessKeyId=creds.access_key_id)
        self.assertEqual(used["UserName"], new)

        # Renaming onto an existing name (case-insensitively) is refused and changes nothing.
        other = uniq("ren-taken")
        self.iam.create_user(UserName=other)
        self.assertClientError(lambda: self.iam.update_user(UserName=new, NewUserName=other.upper(), NewPath="/x/"),
                               "EntityAlreadyExists", 409, f"User with name {other.upper()} already exists.")
        self.assertEqual(self.iam.get_user(UserName=new)["User"]["Arn"], new_arn)
        self.assertEqual(self.iam.list_access_keys(UserName=other)["AccessKeyMetadata"], [])
        self.assertEqual(self.server.client("sts", creds).get_caller_identity()["Arn"], new_arn)
        res = self.server.aws("iam", "update-user", "--user-name", new, "--new-user-name", other)
        self.assertCliError(res, "EntityAlreadyExists", "UpdateUser", f"User with name {other} already exists.")

        # Clean up through the new name only.
        self.iam.delete_login_profile(UserName=new)
        self.iam.deactivate_mfa_device(UserName=new, SerialNumber=dev["SerialNumber"])
        self.iam.delete_virtual_mfa_device(SerialNumber=dev["SerialNumber"])
        self.iam.delete_signing_certificate(UserName=new, CertificateId=cert["CertificateId"])
        self.iam.delete_access_key(UserName=new, AccessKeyId=creds.access_key_id)
        self.iam.remove_user_from_group(GroupName=group, UserName=new)
        self.iam.detach_user_policy(UserName=new, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
        self.iam.delete_user_policy(UserName=new, PolicyName="inline")
        self.iam.delete_user(UserName=new)
        self.assertClientError(lambda: self.server.client("sts", creds).get_caller_identity(),
                               "InvalidClientTokenId", 403)



class QuotaFlagsTest(IamCase):
    """`orgroot server --quota NAME=VALUE` raises and lowers IAM and Organizations quotas."""

    server_kwargs = {"extra_args": ["--quota", "UsersQuota=3",                     # lowered from 5000
                                    "--quota", "AttachedPoliciesPerUserQuota=12",  # raised from 10
                                    "--quota", "organizations.ou-depth=6",         # raised from 5
                                    "--quota", "organizations.scps-per-target=1"]}  # lowered from 5

    def test_iam_and_organizations_quotas(self):
        # IAM, lowered: admin plus two users, then LimitExceeded with the limit in force.
        self.iam.create_user(UserName="q-one")
        self.iam.create_user(UserName="q-two")
        self.assertClientError(lambda: self.iam.create_user(UserName="q-three"), "LimitExceeded", 409,
                               "Cannot exceed quota for UsersPerAccount: 3")
        self.assertClientError(lambda: self.iam.get_user(UserName="q-three"), "NoSuchEntity", 404)
        summary = self.iam.get_account_summary()["SummaryMap"]
        self.assertEqual((summary["Users"], summary["UsersQuota"]), (3, 3))
        self.assertEqual(summary["AttachedPoliciesPerUserQuota"], 12)
        res = self.server.aws("iam", "create-user", "--user-name", "q-cli")
        self.assertCliError(res, "LimitExceeded", "CreateUser", "Cannot exceed quota for UsersPerAccount: 3")

        # IAM, raised: twelve managed policies on one user, the thirteenth refused.
        arns = [self.iam.create_policy(PolicyName=f"q-pol-{i}", PolicyDocument=json.dumps(ALLOW_S3))["Policy"]["Arn"]
                for i in range(13)]
        for arn in arns[:12]:
            self.iam.attach_user_policy(UserName="q-one", PolicyArn=arn)
        self.assertClientError(lambda: self.iam.attach_user_policy(UserName="q-one", PolicyArn=arns[12]),
                               "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerUser: 12")
        self.assertEqual(len(self.iam.list_attached_user_policies(UserName="q-one")["AttachedPolicies"]), 12)

        # Organizations, raised: OUs six levels deep, not seven.
        org = self.server.client("organizations")
        org.create_organization(FeatureSet="ALL")
        parent = org.list_roots()["Roots"][0]["Id"]
        for depth in range(1, 7):
            parent = org.create_organizational_unit(ParentId=parent, Name=f"level-{depth}")["OrganizationalUnit"]["Id"]
        err = self.assertClientError(lambda: org.create_organizational_unit(ParentId=parent, Name="level-7"),
                                     "ConstraintViolationException", 400,
                                     "You attempted to create an OU tree that is too many levels deep.")
        self.assertEqual(err.response.get("Reason"), "OU_DEPTH_LIMIT_EXCEEDED")

        # Organizations, lowered: one SCP per target, and FullAWSAccess is already on the root.
        root = org.list_roots()["Roots"][0]["Id"]
        org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
        scp = org.create_policy(Name="q-scp", Description="", Type="SERVICE_CONTROL_POLICY",
                                Content=json.dumps(ALLOW_ALL))["Policy"]["PolicySummary"]["Id"]
        err = self.assertClientError(lambda: org.attach_policy(PolicyId=scp, TargetId=root),
                                     "ConstraintViolationException", 400)
        self.assertEqual(err.response.get("Reason"), "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED")


if __name__ == "__main__":
    unittest.main()
