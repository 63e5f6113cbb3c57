"""AWS Organizations against the real orgroot binary: boto3 (with its paginators) and the AWS CLI."""

from __future__ import annotations

import re
import time
import unittest

from harness import DEFAULT_ACCOUNT, Creds, ServerTestCase

from botocore.exceptions import ClientError  # noqa: E402  (after harness, which cleans the environment)

ORG_RE = re.compile(r"^o-[a-z0-9]{10}$")
ROOT_RE = re.compile(r"^r-[a-z0-9]{4}$")
OU_RE = re.compile(r"^ou-[a-z0-9]{4}-[a-z0-9]{8}$")
POLICY_RE = re.compile(r"^p-[a-z0-9]{8}$")
CAR_RE = re.compile(r"^car-[a-z0-9]{32}$")
ACCOUNT_RE = re.compile(r"^[0-9]{12}$")
SCP = "SERVICE_CONTROL_POLICY"
FULL = "p-FullAWSAccess"
FULL_ARN = "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
FULL_CONTENT = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
DENY_S3 = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}'
MSG_NOT_IN_USE = "Your account is not a member of an organization."
MSG_ACCESS_DENIED = "You don't have permissions to access this resource."


class OrgAssertions:
    def assertOrgError(self, call, code: str, reason: str | None = None, message: str | None = None):
        exc = self.assertClientError(call, code, 400, message)
        if reason is not None:
            self.assertEqual(exc.response.get("Reason"), reason, exc.response)
        return exc

    def assertCliOrgError(self, *args: str, code: str, message: str | None = None):
        res = self.server.aws("organizations", *args)
        self.assertCliError(res, code, message=message)
        return res

    def cli(self, *args: str, creds: Creds | None = None):
        res = self.server.aws("organizations", *args, creds=creds)
        self.assertEqual(res.returncode, 0, str(res))
        return res.json


def wait_for_account(org, request_id: str, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        st = org.describe_create_account_status(CreateAccountRequestId=request_id)["CreateAccountStatus"]
        if st["State"] != "IN_PROGRESS" or time.monotonic() > deadline:
            return st
        time.sleep(0.2)


def create_account(org, name: str, **kw) -> str:
    r = org.create_account(Email=f"{name}@example.com", AccountName=name, **kw)["CreateAccountStatus"]
    st = wait_for_account(org, r["Id"])
    assert st["State"] == "SUCCEEDED", st
    return st["AccountId"]


class NoOrganizationTest(ServerTestCase, OrgAssertions):
    def test_describe_organization_outside_an_organization(self):
        org = self.server.client("organizations")
        self.assertOrgError(org.describe_organization, "AWSOrganizationsNotInUseException", message=MSG_NOT_IN_USE)
        self.assertOrgError(org.list_accounts, "AWSOrganizationsNotInUseException")
        self.assertCliOrgError("describe-organization", code="AWSOrganizationsNotInUseException", message=MSG_NOT_IN_USE)


class OrganizationLifecycleTest(ServerTestCase, OrgAssertions):
    """CreateOrganization (CLI), EnableAllFeatures, DeleteOrganization."""

    def test_lifecycle(self):
        org = self.server.client("organizations")
        o = self.cli("create-organization", "--feature-set", "CONSOLIDATED_BILLING")["Organization"]
        self.assertRegex(o["Id"], ORG_RE)
        self.assertEqual(o["FeatureSet"], "CONSOLIDATED_BILLING")
        self.assertEqual(o["MasterAccountId"], DEFAULT_ACCOUNT)
        self.assertEqual(o["Arn"], f"arn:aws:organizations::{DEFAULT_ACCOUNT}:organization/{o['Id']}")
        self.assertEqual(o["MasterAccountArn"],
                         f"arn:aws:organizations::{DEFAULT_ACCOUNT}:account/{o['Id']}/{DEFAULT_ACCOUNT}")
        self.assertOrgError(org.create_organization, "AlreadyInOrganizationException")
        root = org.list_roots()["Roots"][0]["Id"]
        self.assertOrgError(lambda: org.enable_policy_type(RootId=root, PolicyType=SCP),
                            "PolicyTypeNotAvailableForOrganizationException")

        hs = self.cli("enable-all-features")["Handshake"]
        self.assertEqual(hs["Action"], "ENABLE_ALL_FEATURES")
        self.assertRegex(hs["Id"], r"^h-[a-z0-9]{10}$")
        self.assertEqual(org.describe_organization()["Organization"]["FeatureSet"], "ALL")
        self.assertOrgError(org.enable_all_features, "HandshakeConstraintViolationException",
                            "ORGANIZATION_ALREADY_HAS_ALL_FEATURES",
                            "All features are already enabled on this organization.")

        acct = create_account(org, "leaver")
        self.assertOrgError(org.delete_organization, "OrganizationNotEmptyException")
        self.assertOrgError(lambda: org.remove_account_from_organization(AccountId=DEFAULT_ACCOUNT),
                            "ConstraintViolationException", "ACCOUNT_CANNOT_LEAVE_ORGANIZATION")
        self.cli("remove-account-from-organization", "--account-id", acct)
        self.assertOrgError(lambda: org.describe_account(AccountId=acct), "AccountNotFoundException")
        self.cli("delete-organization")
        self.assertOrgError(org.describe_organization, "AWSOrganizationsNotInUseException")
        self.assertEqual(org.create_organization()["Organization"]["FeatureSet"], "ALL")


class OrganizationsTest(ServerTestCase, OrgAssertions):
    """One organization with all features; every test adds what it needs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        org = cls.server.client("organizations")
        cls.org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        cls.root = org.list_roots()["Roots"][0]["Id"]

    def setUp(self):
        self.org = self.server.client("organizations")

    # -- organization and accounts ------------------------------------------------------
    def test_describe_organization(self):
        o = self.org.describe_organization()["Organization"]
        self.assertEqual(o["Id"], self.org_id)
        self.assertEqual(o["FeatureSet"], "ALL")
        self.assertIn("MasterAccountEmail", o)
        cli = self.cli("describe-organization")["Organization"]
        self.assertEqual(cli["Id"], self.org_id)

    def test_list_roots(self):
        roots = self.org.list_roots()["Roots"]
        self.assertEqual(len(roots), 1)
        self.assertRegex(roots[0]["Id"], ROOT_RE)
        self.assertEqual(roots[0]["Name"], "Root")
        self.assertEqual(roots[0]["Arn"], f"arn:aws:organizations::{DEFAULT_ACCOUNT}:root/{self.org_id}/{self.root}")
        self.assertEqual(self.cli("list-roots")["Roots"][0]["Id"], self.root)

    def test_create_account_is_asynchronous(self):
        r = self.org.create_account(Email="async@example.com", AccountName="Async")["CreateAccountStatus"]
        self.assertEqual(r["State"], "IN_PROGRESS")
        self.assertRegex(r["Id"], CAR_RE)
        st = wait_for_account(self.org, r["Id"])
        self.assertEqual(st["State"], "SUCCEEDED")
        self.assertRegex(st["AccountId"], ACCOUNT_RE)
        self.assertIn("CompletedTimestamp", st)
        a = self.org.describe_account(AccountId=st["AccountId"])["Account"]
        self.assertEqual(a["Name"], "Async")
        self.assertEqual(a["Email"], "async@example.com")
        self.assertEqual(a["Status"], "ACTIVE")
        self.assertEqual(a["JoinedMethod"], "CREATED")
        self.assertEqual(a["Arn"], f"arn:aws:organizations::{DEFAULT_ACCOUNT}:account/{self.org_id}/{st['AccountId']}")
        # Same e-mail again: FAILED, EMAIL_ALREADY_EXISTS.
        again = self.cli("create-account", "--email", "async@example.com", "--account-name", "Again")
        st2 = wait_for_account(self.org, again["CreateAccountStatus"]["Id"])
        self.assertEqual(st2["State"], "FAILED")
        self.assertEqual(st2["FailureReason"], "EMAIL_ALREADY_EXISTS")
        failed = self.org.list_create_account_status(States=["FAILED"])["CreateAccountStatuses"]
        self.assertIn(st2["Id"], [s["Id"] for s in failed])
        cli = self.cli("describe-create-account-status", "--create-account-request-id", r["Id"])
        self.assertEqual(cli["CreateAccountStatus"]["AccountId"], st["AccountId"])
        self.assertOrgError(lambda: self.org.describe_create_account_status(CreateAccountRequestId="car-" + "0" * 32),
                            "CreateAccountStatusNotFoundException")

    def test_list_accounts_paginators(self):
        for i in range(3):
            create_account(self.org, f"pager{i}")
        pages = list(self.org.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 2}))
        self.assertGreaterEqual(len(pages), 2)
        ids = [a["Id"] for p in pages for a in p["Accounts"]]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertIn(DEFAULT_ACCOUNT, ids)
        cli = self.cli("list-accounts", "--page-size", "1")
        self.assertEqual(sorted(a["Id"] for a in cli["Accounts"]), sorted(ids))
        statuses = list(self.org.get_paginator("list_create_account_status").paginate(
            States=["SUCCEEDED"], PaginationConfig={"PageSize": 1}))
        self.assertGreaterEqual(sum(len(p["CreateAccountStatuses"]) for p in statuses), 3)
        self.assertOrgError(lambda: self.org.list_accounts(NextToken="not-a-token"), "InvalidInputException",
                            "INVALID_NEXT_TOKEN")

    def test_organizational_units_and_moves(self):
        ou = self.org.create_organizational_unit(ParentId=self.root, Name="Workloads")["OrganizationalUnit"]
        self.assertRegex(ou["Id"], OU_RE)
        self.assertEqual(ou["Path"], f"{self.org_id}/{self.root}/{ou['Id']}/")
        child = self.cli("create-organizational-unit", "--parent-id", ou["Id"], "--name", "Prod")["OrganizationalUnit"]
        self.assertOrgError(lambda: self.org.create_organizational_unit(ParentId=self.root, Name="Workloads"),
                            "DuplicateOrganizationalUnitException")
        self.assertOrgError(lambda: self.org.create_organizational_unit(ParentId="ou-zzzz-zzzzzzzz", Name="x"),
                            "ParentNotFoundException")
        d = self.org.describe_organizational_unit(OrganizationalUnitId=child["Id"])["OrganizationalUnit"]
        self.assertEqual(d["Name"], "Prod")
        u = self.org.update_organizational_unit(OrganizationalUnitId=child["Id"], Name="Production")
        self.assertEqual(u["OrganizationalUnit"]["Name"], "Production")

        acct = create_account(self.org, "mover")
        self.assertOrgError(lambda: self.org.move_account(AccountId=acct, SourceParentId="ou-zzzz-zzzzzzzz",
                                                          DestinationParentId=child["Id"]),
                            "SourceParentNotFoundException")
        self.assertOrgError(lambda: self.org.move_account(AccountId=acct, SourceParentId=self.root,
                                                          DestinationParentId="ou-zzzz-zzzzzzzz"),
                            "DestinationParentNotFoundException")
        self.assertOrgError(lambda: self.org.move_account(AccountId=acct, SourceParentId=self.root,
                                                          DestinationParentId=self.root),
                            "DuplicateAccountException")
        self.cli("move-account", "--account-id", acct, "--source-parent-id", self.root,
                 "--destination-parent-id", child["Id"])
        parents = self.org.list_parents(ChildId=acct)["Parents"]
        self.assertEqual(parents, [{"Id": child["Id"], "Type": "ORGANIZATIONAL_UNIT"}])
        self.assertEqual(self.cli("list-parents", "--child-id", child["Id"])["Parents"][0]["Id"], ou["Id"])
        in_child = self.org.list_accounts_for_parent(ParentId=child["Id"])["Accounts"]
        self.assertEqual([a["Id"] for a in in_child], [acct])
        self.assertEqual(in_child[0]["Paths"], [f"{self.org_id}/{self.root}/{ou['Id']}/{child['Id']}/{acct}/"])
        kids = self.cli("list-children", "--parent-id", child["Id"], "--child-type", "ACCOUNT")["Children"]
        self.assertEqual(kids, [{"Id": acct, "Type": "ACCOUNT"}])
        ous = [o["Id"] for p in self.org.get_paginator("list_organizational_units_for_parent").paginate(
            ParentId=ou["Id"]) for o in p["OrganizationalUnits"]]
        self.assertEqual(ous, [child["Id"]])
        children = [c["Id"] for p in self.org.get_paginator("list_children").paginate(
            ParentId=self.root, ChildType="ORGANIZATIONAL_UNIT", PaginationConfig={"PageSize": 1})
            for c in p["Children"]]
        self.assertIn(ou["Id"], children)
        self.assertOrgError(lambda: self.org.list_parents(ChildId="111122223333"), "ChildNotFoundException")

        self.assertOrgError(lambda: self.org.delete_organizational_unit(OrganizationalUnitId=child["Id"]),
                            "OrganizationalUnitNotEmptyException")
        self.org.move_account(AccountId=acct, SourceParentId=child["Id"], DestinationParentId=self.root)
        self.cli("delete-organizational-unit", "--organizational-unit-id", child["Id"])
        self.assertOrgError(lambda: self.org.describe_organizational_unit(OrganizationalUnitId=child["Id"]),
                            "OrganizationalUnitNotFoundException")

    def test_close_account(self):
        acct = create_account(self.org, "closer")
        self.cli("close-account", "--account-id", acct)
        status = self.org.describe_account(AccountId=acct)["Account"]["Status"]
        self.assertIn(status, ("PENDING_CLOSURE", "SUSPENDED"))
        time.sleep(1.1)
        self.assertEqual(self.org.describe_account(AccountId=acct)["Account"]["Status"], "SUSPENDED")
        self.assertOrgError(lambda: self.org.close_account(AccountId=acct), "AccountAlreadyClosedException")
        self.assertOrgError(lambda: self.org.close_account(AccountId=DEFAULT_ACCOUNT),
                            "ConstraintViolationException", "CANNOT_CLOSE_MANAGEMENT_ACCOUNT")
        self.assertOrgError(lambda: self.org.close_account(AccountId="111122223333"), "AccountNotFoundException")

    # -- service control policies -------------------------------------------------------
    def test_service_control_policies(self):
        org = self.org
        ou = org.create_organizational_unit(ParentId=self.root, Name="ScpOu")["OrganizationalUnit"]["Id"]
        pol = org.create_policy(Name="DenyS3", Description="no s3", Type=SCP, Content=DENY_S3)["Policy"]
        pid = pol["PolicySummary"]["Id"]
        self.assertRegex(pid, POLICY_RE)
        self.assertFalse(pol["PolicySummary"]["AwsManaged"])
        self.assertEqual(pol["PolicySummary"]["Arn"],
                         f"arn:aws:organizations::{DEFAULT_ACCOUNT}:policy/{self.org_id}/service_control_policy/{pid}")
        self.assertOrgError(lambda: org.attach_policy(PolicyId=pid, TargetId=ou), "PolicyTypeNotEnabledException")

        root = org.enable_policy_type(RootId=self.root, PolicyType=SCP)["Root"]
        self.assertEqual(root["PolicyTypes"], [{"Type": SCP, "Status": "ENABLED"}])
        self.assertOrgError(lambda: org.enable_policy_type(RootId=self.root, PolicyType=SCP),
                            "PolicyTypeAlreadyEnabledException")
        try:
            for target in (self.root, ou, DEFAULT_ACCOUNT):
                ids = [p["Id"] for p in org.list_policies_for_target(TargetId=target, Filter=SCP)["Policies"]]
                self.assertEqual(ids, [FULL], target)
            full = org.describe_policy(PolicyId=FULL)["Policy"]
            self.assertEqual(full["PolicySummary"]["Arn"], FULL_ARN)
            self.assertTrue(full["PolicySummary"]["AwsManaged"])
            self.assertEqual(full["Content"], FULL_CONTENT)

            self.assertOrgError(lambda: org.detach_policy(PolicyId=FULL, TargetId=ou), "ConstraintViolationException",
                                "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED")
            self.cli("attach-policy", "--policy-id", pid, "--target-id", ou)
            self.assertOrgError(lambda: org.attach_policy(PolicyId=pid, TargetId=ou),
                                "DuplicatePolicyAttachmentException")
            self.cli("detach-policy", "--policy-id", FULL, "--target-id", ou)
            self.assertOrgError(lambda: org.detach_policy(PolicyId=FULL, TargetId=ou), "PolicyNotAttachedException")
            self.assertOrgError(lambda: org.detach_policy(PolicyId=pid, TargetId=ou), "ConstraintViolationException",
                                "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED")
            self.assertOrgError(lambda: org.delete_policy(PolicyId=pid), "PolicyInUseException",
                                message="The specified policy is in use and cannot be deleted.")
            self.assertOrgError(lambda: org.attach_policy(PolicyId=pid, TargetId="ou-zzzz-zzzzzzzz"),
                                "TargetNotFoundException")
            self.assertOrgError(lambda: org.describe_policy(PolicyId="p-zzzzzzzz"), "PolicyNotFoundException")

            targets = [t for p in org.get_paginator("list_targets_for_policy").paginate(PolicyId=pid)
                       for t in p["Targets"]]
            self.assertEqual([(t["TargetId"], t["Type"], t["Name"]) for t in targets],
                             [(ou, "ORGANIZATIONAL_UNIT", "ScpOu")])
            listed = [p["Id"] for page in org.get_paginator("list_policies").paginate(
                Filter=SCP, PaginationConfig={"PageSize": 1}) for p in page["Policies"]]
            self.assertEqual(listed[0], FULL)
            self.assertIn(pid, listed)
            cli = self.cli("list-policies-for-target", "--target-id", ou, "--filter", SCP)
            self.assertEqual([p["Id"] for p in cli["Policies"]], [pid])

            # Five per target at most.
            extra = [org.create_policy(Name=f"Extra{i}", Description="", Type=SCP, Content=DENY_S3)
                     ["Policy"]["PolicySummary"]["Id"] for i in range(5)]
            for p in extra[:4]:
                org.attach_policy(PolicyId=p, TargetId=ou)
            self.assertOrgError(lambda: org.attach_policy(PolicyId=extra[4], TargetId=ou),
                                "ConstraintViolationException", "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED")

            upd = self.cli("update-policy", "--policy-id", pid, "--name", "DenyS3Renamed",
                           "--description", "changed")["Policy"]["PolicySummary"]
            self.assertEqual((upd["Name"], upd["Description"]), ("DenyS3Renamed", "changed"))
            self.assertOrgError(lambda: org.update_policy(PolicyId=FULL, Name="x"), "InvalidInputException",
                                "IMMUTABLE_POLICY")
            self.assertOrgError(lambda: org.create_policy(Name="Bad", Description="", Type=SCP, Content="{nope"),
                                "MalformedPolicyDocumentException")
            big = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"' + "a" * 5200 + '","Resource":"*"}]}'
            self.assertOrgError(lambda: org.create_policy(Name="Big", Description="", Type=SCP, Content=big),
                                "ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED")
            self.assertOrgError(lambda: org.create_policy(Name="DenyS3Renamed", Description="", Type=SCP,
                                                          Content=DENY_S3), "DuplicatePolicyException")
            doomed = org.create_policy(Name="Doomed", Description="", Type=SCP, Content=DENY_S3)
            self.cli("delete-policy", "--policy-id", doomed["Policy"]["PolicySummary"]["Id"])
        finally:
            root = self.cli("disable-policy-type", "--root-id", self.root, "--policy-type", SCP)["Root"]
            self.assertEqual(root["PolicyTypes"], [])
        self.assertEqual(org.list_policies_for_target(TargetId=ou, Filter=SCP)["Policies"], [])
        self.assertOrgError(lambda: org.disable_policy_type(RootId=self.root, PolicyType=SCP),
                            "PolicyTypeNotEnabledException")

    # -- trusted access and delegated administrators ------------------------------------
    def test_trusted_access_and_delegated_administrators(self):
        org = self.org
        acct = create_account(self.org, "security")
        sp = "sso.amazonaws.com"
        self.assertOrgError(lambda: org.register_delegated_administrator(AccountId=acct, ServicePrincipal=sp),
                            "ConstraintViolationException", "SERVICE_ACCESS_NOT_ENABLED")
        self.assertOrgError(lambda: org.enable_aws_service_access(ServicePrincipal="bogus.example.com"),
                            "InvalidInputException", "UNRECOGNIZED_SERVICE_PRINCIPAL")
        self.cli("enable-aws-service-access", "--service-principal", sp)
        enabled = [e["ServicePrincipal"] for p in org.get_paginator("list_aws_service_access_for_organization")
                   .paginate() for e in p["EnabledServicePrincipals"]]
        self.assertIn(sp, enabled)
        self.assertOrgError(lambda: org.register_delegated_administrator(AccountId=DEFAULT_ACCOUNT,
                                                                         ServicePrincipal=sp),
                            "ConstraintViolationException", "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR")
        self.cli("register-delegated-administrator", "--account-id", acct, "--service-principal", sp)
        self.assertOrgError(lambda: org.register_delegated_administrator(AccountId=acct, ServicePrincipal=sp),
                            "AccountAlreadyRegisteredException")
        admins = [a for p in org.get_paginator("list_delegated_administrators").paginate(ServicePrincipal=sp)
                  for a in p["DelegatedAdministrators"]]
        self.assertEqual([a["Id"] for a in admins], [acct])
        self.assertIn("DelegationEnabledDate", admins[0])
        services = self.cli("list-delegated-services-for-account", "--account-id", acct)["DelegatedServices"]
        self.assertEqual([s["ServicePrincipal"] for s in services], [sp])
        self.assertOrgError(lambda: org.disable_aws_service_access(ServicePrincipal=sp),
                            "ConstraintViolationException", "DELEGATED_ADMINISTRATOR_EXISTS_FOR_THIS_SERVICE")
        self.assertOrgError(lambda: org.remove_account_from_organization(AccountId=acct),
                            "ConstraintViolationException", "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG")
        org.deregister_delegated_administrator(AccountId=acct, ServicePrincipal=sp)
        self.assertOrgError(lambda: org.deregister_delegated_administrator(AccountId=acct, ServicePrincipal=sp),
                            "AccountNotRegisteredException")
        self.assertOrgError(lambda: org.list_delegated_services_for_account(AccountId=acct),
                            "AccountNotRegisteredException")
        self.cli("disable-aws-service-access", "--service-principal", sp)
        self.assertNotIn(sp, [e["ServicePrincipal"] for e in
                              org.list_aws_service_access_for_organization()["EnabledServicePrincipals"]])

    # -- tags -----------------------------------------------------------------------------
    def test_tags(self):
        org = self.org
        ou = org.create_organizational_unit(ParentId=self.root, Name="Tagged",
                                            Tags=[{"Key": "team", "Value": "blue"}])["OrganizationalUnit"]["Id"]
        self.assertEqual(org.list_tags_for_resource(ResourceId=ou)["Tags"], [{"Key": "team", "Value": "blue"}])
        acct = create_account(org, "tagged", Tags=[{"Key": "cost", "Value": "42"}])
        self.assertEqual(org.list_tags_for_resource(ResourceId=acct)["Tags"], [{"Key": "cost", "Value": "42"}])
        self.cli("tag-resource", "--resource-id", self.root, "--tags", "Key=env,Value=prod")
        tags = [t for p in org.get_paginator("list_tags_for_resource").paginate(ResourceId=self.root)
                for t in p["Tags"]]
        self.assertEqual(tags, [{"Key": "env", "Value": "prod"}])
        self.cli("untag-resource", "--resource-id", self.root, "--tag-keys", "env")
        self.assertEqual(self.cli("list-tags-for-resource", "--resource-id", self.root)["Tags"], [])
        self.assertOrgError(lambda: org.tag_resource(ResourceId="111122223333", Tags=[{"Key": "a", "Value": "b"}]),
                            "TargetNotFoundException")
        self.assertOrgError(lambda: org.tag_resource(ResourceId=ou, Tags=[{"Key": "aws:x", "Value": "b"}]),
                            "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER")
        many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
        self.assertOrgError(lambda: org.tag_resource(ResourceId=ou, Tags=many), "ConstraintViolationException",
                            "MAX_TAG_LIMIT_EXCEEDED")

    # -- member accounts ----------------------------------------------------------------
    def member_creds(self, acct: str) -> Creds:
        sts = self.server.client("sts")
        try:
            r = sts.assume_role(RoleArn=f"arn:aws:iam::{acct}:role/OrganizationAccountAccessRole",
                                RoleSessionName="e2e")
        except ClientError as e:
            self.skipTest(f"no way into a member account yet: {e}")
        return Creds.from_sts(r["Credentials"])

    def test_member_account_is_denied_management_operations(self):
        acct = create_account(self.org, "member")
        creds = self.member_creds(acct)
        member = self.server.client("organizations", creds)
        self.assertEqual(member.describe_organization()["Organization"]["Id"], self.org_id)
        for call in (member.list_accounts,
                     lambda: member.create_organizational_unit(ParentId=self.root, Name="x"),
                     lambda: member.enable_aws_service_access(ServicePrincipal="iam.amazonaws.com")):
            self.assertOrgError(call, "AccessDeniedException", message=MSG_ACCESS_DENIED)
        res = self.server.aws("organizations", "list-roots", creds=creds)
        self.assertCliError(res, "AccessDeniedException", message=MSG_ACCESS_DENIED)

        # An SCP on the member account limits its principals; the management account is never limited.
        deny = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:Describe*","Resource":"*"}]}'
        pid = self.org.create_policy(Name="DenyDescribe", Description="", Type=SCP,
                                     Content=deny)["Policy"]["PolicySummary"]["Id"]
        self.org.enable_policy_type(RootId=self.root, PolicyType=SCP)
        try:
            self.org.attach_policy(PolicyId=pid, TargetId=acct)
            self.assertClientError(member.describe_organization, "AccessDeniedException")
            self.assertEqual(self.org.describe_organization()["Organization"]["Id"], self.org_id)
            self.org.detach_policy(PolicyId=pid, TargetId=acct)
            self.assertEqual(member.describe_organization()["Organization"]["Id"], self.org_id)
        finally:
            self.org.disable_policy_type(RootId=self.root, PolicyType=SCP)
            self.org.delete_policy(PolicyId=pid)


class OrganizationsCliTest(ServerTestCase, OrgAssertions):
    """The operations the other classes drive through boto3 only, through the AWS CLI."""

    def test_cli_sweep(self):
        self.cli("create-organization")
        root = self.cli("list-roots")["Roots"][0]["Id"]
        car = self.cli("create-account", "--email", "cli@example.com", "--account-name", "cli")["CreateAccountStatus"]
        st = wait_for_account(self.server.client("organizations"), car["Id"])
        acct = st["AccountId"]
        statuses = self.cli("list-create-account-status", "--states", "SUCCEEDED")["CreateAccountStatuses"]
        self.assertEqual([s["AccountId"] for s in statuses], [acct])
        self.assertEqual(self.cli("describe-account", "--account-id", acct)["Account"]["Name"], "cli")
        ou = self.cli("create-organizational-unit", "--parent-id", root, "--name", "CliOu")["OrganizationalUnit"]["Id"]
        self.assertEqual(self.cli("describe-organizational-unit", "--organizational-unit-id", ou)
                         ["OrganizationalUnit"]["Name"], "CliOu")
        self.assertEqual(self.cli("update-organizational-unit", "--organizational-unit-id", ou, "--name", "CliOu2")
                         ["OrganizationalUnit"]["Name"], "CliOu2")
        self.assertEqual([o["Id"] for o in self.cli("list-organizational-units-for-parent", "--parent-id", root)
                          ["OrganizationalUnits"]], [ou])
        self.assertEqual(sorted(a["Id"] for a in self.cli("list-accounts-for-parent", "--parent-id", root)["Accounts"]),
                         sorted([acct, DEFAULT_ACCOUNT]))

        root_obj = self.cli("enable-policy-type", "--root-id", root, "--policy-type", SCP)["Root"]
        self.assertEqual(root_obj["PolicyTypes"], [{"Type": SCP, "Status": "ENABLED"}])
        pid = self.cli("create-policy", "--name", "CliDeny", "--description", "x", "--type", SCP,
                       "--content", DENY_S3)["Policy"]["PolicySummary"]["Id"]
        self.assertEqual(self.cli("describe-policy", "--policy-id", pid)["Policy"]["Content"], DENY_S3)
        self.assertEqual([p["Id"] for p in self.cli("list-policies", "--filter", SCP)["Policies"]], [FULL, pid])
        self.cli("attach-policy", "--policy-id", pid, "--target-id", acct)
        targets = self.cli("list-targets-for-policy", "--policy-id", pid)["Targets"]
        self.assertEqual([(t["TargetId"], t["Type"]) for t in targets], [(acct, "ACCOUNT")])
        self.assertCliOrgError("create-policy", "--name", "Bad", "--description", "x", "--type", SCP,
                               "--content", "{", code="MalformedPolicyDocumentException")

        self.cli("enable-aws-service-access", "--service-principal", "iam.amazonaws.com")
        enabled = self.cli("list-aws-service-access-for-organization")["EnabledServicePrincipals"]
        self.assertEqual([e["ServicePrincipal"] for e in enabled], ["iam.amazonaws.com"])
        self.cli("register-delegated-administrator", "--account-id", acct, "--service-principal", "iam.amazonaws.com")
        admins = self.cli("list-delegated-administrators")["DelegatedAdministrators"]
        self.assertEqual([a["Id"] for a in admins], [acct])
        self.cli("deregister-delegated-administrator", "--account-id", acct,
                 "--service-principal", "iam.amazonaws.com")
        self.assertEqual(self.cli("list-delegated-administrators")["DelegatedAdministrators"], [])
        self.assertCliOrgError("leave-organization", code="MasterCannotLeaveOrganizationException")
        self.assertCliOrgError("describe-account", "--account-id", "111122223333", code="AccountNotFoundException",
                               message="You specified an account that doesn't exist.")


class OrganizationsQuotaTest(ServerTestCase, OrgAssertions):
    """Quotas raised or lowered with --quota, as a service quota request would."""

    server_kwargs = {"extra_args": ["--quota", "organizations.ou-depth=1",
                                    "--quota", "organizations.accounts-per-organization=2"]}

    def test_quotas(self):
        org = self.server.client("organizations")
        org.create_organization()
        root = org.list_roots()["Roots"][0]["Id"]
        top = org.create_organizational_unit(ParentId=root, Name="top")["OrganizationalUnit"]["Id"]
        self.assertOrgError(lambda: org.create_organizational_unit(ParentId=top, Name="deeper"),
                            "ConstraintViolationException", "OU_DEPTH_LIMIT_EXCEEDED")
        create_account(org, "only")
        r = org.create_account(Email="over@example.com", AccountName="over")["CreateAccountStatus"]
        st = wait_for_account(org, r["Id"])
        self.assertEqual((st["State"], st["FailureReason"]), ("FAILED", "ACCOUNT_LIMIT_EXCEEDED"))


if __name__ == "__main__":
    unittest.main()
