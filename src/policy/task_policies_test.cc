// The five AssumeRoot task policies (root-access spec §3, documents verbatim) and the SCP and
// identity-policy examples of §8, run through the engine.
#include <gtest/gtest.h>

#include "policy/evaluator.h"
#include "policy/policy_test_util.h"

namespace orgroot::policy {
namespace {

using testing::Ctx;
using testing::MustCompile;
using testing::RoleSession;
using testing::Root;
using testing::User;

constexpr const char* kIAMAuditRootUserCredentials = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyAllOtherActionsOnAnyResource",
      "Effect": "Deny",
      "NotAction": [
        "iam:ListAccessKeys",
        "iam:ListSigningCertificates",
        "iam:GetLoginProfile",
        "iam:ListMFADevices",
        "iam:GetAccountSummary",
        "iam:GetUser",
        "iam:GetAccessKeyLastUsed"
      ],
      "Resource": "*"
    },
    {
      "Sid": "DenyAuditingCredentialsOnNonRootUserResource",
      "Effect": "Deny",
      "Action": [
        "iam:ListAccessKeys",
        "iam:ListSigningCertificates",
        "iam:GetLoginProfile",
        "iam:ListMFADevices",
        "iam:GetUser",
        "iam:GetAccessKeyLastUsed"
      ],
      "NotResource": "arn:aws:iam::*:root"
    }
  ]
})";

constexpr const char* kIAMCreateRootUserPassword = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyAllOtherActionsOnAnyResource",
      "Effect": "Deny",
      "NotAction": [
        "iam:CreateLoginProfile",
        "iam:GetLoginProfile"
      ],
      "Resource": "*"
    },
    {
      "Sid": "DenyCreatingPasswordOnNonRootUserResource",
      "Effect": "Deny",
      "Action": [
        "iam:CreateLoginProfile",
        "iam:GetLoginProfile"
      ],
      "NotResource": "arn:aws:iam::*:root"
    }
  ]
})";

constexpr const char* kIAMDeleteRootUserCredentials = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyAllOtherActionsOnAnyResource",
      "Effect": "Deny",
      "NotAction": [
        "iam:DeleteAccessKey",
        "iam:DeleteSigningCertificate",
        "iam:DeleteLoginProfile",
        "iam:DeactivateMFADevice",
        "iam:DeleteVirtualMFADevice",
        "iam:ListAccessKeys",
        "iam:ListSigningCertificates",
        "iam:GetLoginProfile",
        "iam:ListMFADevices",
        "iam:GetUser",
        "iam:GetAccessKeyLastUsed"
      ],
      "Resource": "*"
    },
    {
      "Sid": "DenyDeletingRootUserCredentialsOnNonRootUserResource",
      "Effect": "Deny",
      "Action": [
        "iam:DeleteAccessKey",
        "iam:DeleteSigningCertificate",
        "iam:DeleteLoginProfile",
        "iam:DeactivateMFADevice",
        "iam:DeleteVirtualMFADevice",
        "iam:ListAccessKeys",
        "iam:ListSigningCertificates",
        "iam:GetLoginProfile",
        "iam:ListMFADevices",
        "iam:GetUser",
        "iam:GetAccessKeyLastUsed"
      ],
      "NotResource": "arn:aws:iam::*:root"
    }
  ]
})";

constexpr const char* kS3UnlockBucketPolicy = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyAllOtherActionsOnAnyResource",
      "Effect": "Deny",
      "NotAction": [
        "s3:DeleteBucketPolicy",
        "s3:PutBucketPolicy",
        "s3:GetBucketPolicy",
        "s3:ListAllMyBuckets"
      ],
      "Resource": "*"
    },
    {
      "Sid": "DenyManagingBucketPolicyForNonRootCallers",
      "Effect": "Deny",
      "Action": [
        "s3:DeleteBucketPolicy",
        "s3:PutBucketPolicy",
        "s3:GetBucketPolicy",
        "s3:ListAllMyBuckets"
      ],
      "Resource": "*",
      "Condition": {
        "StringNotLike": {
          "aws:PrincipalArn": "arn:aws:iam::*:root"
        }
      }
    }
  ]
})";

constexpr const char* kSQSUnlockQueuePolicy = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyAllOtherActionsOnAnyResource",
      "Effect": "Deny",
      "NotAction": [
        "sqs:SetQueueAttributes",
        "sqs:GetQueueAttributes",
        "sqs:ListQueues",
        "sqs:GetQueueUrl"
      ],
      "Resource": "*"
    },
    {
      "Sid": "DenyGettingQueueAttributesOnNonOwnQueue",
      "Effect": "Deny",
      "Action": [
        "sqs:GetQueueAttributes"
      ],
      "Resource": "arn:aws:sqs:*:*:*",
      "Condition": {
        "StringNotEqualsIfExists": {
          "aws:ResourceAccount": [
            "${aws:PrincipalAccount}"
          ]
        }
      }
    },
    {
      "Sid": "DenyActionsForNonRootUser",
      "Effect": "Deny",
      "Action": [
        "sqs:SetQueueAttributes",
        "sqs:GetQueueAttributes",
        "sqs:ListQueues",
        "sqs:GetQueueUrl"
      ],
      "Resource": "*",
      "Condition": {
        "StringNotLike": {
          "aws:PrincipalArn": "arn:aws:iam::*:root"
        }
      }
    }
  ]
})";

constexpr const char* kMember = "333333333333";
const std::string kRootArn = "arn:aws:iam::333333333333:root";

// A request made with AssumeRoot credentials in the member account.
RequestContext RootSession(std::string_view action, std::string_view resource, std::string_view resource_account = "") {
  RequestContext c = Ctx(action, resource, Root(kMember), resource_account);
  c.Set("aws:AssumedRoot", "true");
  return c;
}

struct TaskRow {
  const char* action;
  std::string resource;
  bool allowed;
  const char* deny_sid = "";
  const char* resource_account = "";
};

void RunTask(const char* document, const std::vector<TaskRow>& rows) {
  PolicyPtr task = MustCompile(document, PolicyKind::Session);
  ASSERT_TRUE(task);
  for (const auto& r : rows) {
    RequestContext c = RootSession(r.action, r.resource, r.resource_account);
    AuthzRequest req;
    req.context = &c;
    req.task_policy = task.get();
    const AuthzResult got = Authorize(req);
    EXPECT_EQ(got.allowed, r.allowed) << r.action << " on " << r.resource;
    if (!r.allowed) {
      EXPECT_EQ(got.reason, DenyReason::ExplicitDenyTaskPolicy) << r.action;
      EXPECT_EQ(got.sid, r.deny_sid) << r.action;
    }
  }
}

TEST(TaskPolicies, AllFiveCompileAsTaskAndAsManagedPolicies) {
  for (const char* doc : {kIAMAuditRootUserCredentials, kIAMCreateRootUserPassword, kIAMDeleteRootUserCredentials,
                          kS3UnlockBucketPolicy, kSQSUnlockQueuePolicy}) {
    EXPECT_TRUE(CompilePolicy(doc, {.kind = PolicyKind::Session}).ok());
    EXPECT_TRUE(CompilePolicy(doc, {.kind = PolicyKind::Identity, .managed = true}).ok());
    EXPECT_TRUE(CheckPolicySize(PolicySizeQuota::ManagedPolicy, PolicySizeWithoutWhitespace(doc)).ok());
  }
}

TEST(TaskPolicies, IAMAuditRootUserCredentials) {
  const char* other = "DenyAllOtherActionsOnAnyResource";
  const char* nonroot = "DenyAuditingCredentialsOnNonRootUserResource";
  RunTask(kIAMAuditRootUserCredentials,
          {
              {"iam:ListAccessKeys", kRootArn, true},
              {"iam:ListSigningCertificates", kRootArn, true},
              {"iam:GetLoginProfile", kRootArn, true},
              {"iam:ListMFADevices", kRootArn, true},
              {"iam:GetUser", kRootArn, true},
              {"iam:GetAccessKeyLastUsed", kRootArn, true},
              {"iam:GetAccountSummary", "*", true},
              {"iam:GetAccountSummary", "", true},
              {"iam:listaccesskeys", kRootArn, true},  // actions are case-insensitive
              {"iam:GetUser", "arn:aws:iam::333333333333:user/bob", false, nonroot},
              {"iam:ListAccessKeys", "arn:aws:iam::333333333333:user/bob", false, nonroot},
              {"iam:DeleteAccessKey", kRootArn, false, other},
              {"iam:CreateLoginProfile", kRootArn, false, other},
              {"iam:CreateUser", "arn:aws:iam::333333333333:user/x", false, other},
              {"s3:ListAllMyBuckets", "*", false, other},
              {"sts:AssumeRoot", kRootArn, false, other},
          });
}

TEST(TaskPolicies, IAMCreateRootUserPassword) {
  const char* other = "DenyAllOtherActionsOnAnyResource";
  const char* nonroot = "DenyCreatingPasswordOnNonRootUserResource";
  RunTask(kIAMCreateRootUserPassword,
          {
              {"iam:CreateLoginProfile", kRootArn, true},
              {"iam:GetLoginProfile", kRootArn, true},
              {"iam:CreateLoginProfile", "arn:aws:iam::333333333333:user/bob", false, nonroot},
              {"iam:DeleteLoginProfile", kRootArn, false, other},
              {"iam:UpdateLoginProfile", kRootArn, false, other},
              {"iam:GetAccountSummary", "*", false, other},
          });
}

TEST(TaskPolicies, IAMDeleteRootUserCredentials) {
  const char* other = "DenyAllOtherActionsOnAnyResource";
  const char* nonroot = "DenyDeletingRootUserCredentialsOnNonRootUserResource";
  RunTask(kIAMDeleteRootUserCredentials,
          {
              {"iam:DeleteAccessKey", kRootArn, true},
              {"iam:DeleteSigningCertificate", kRootArn, true},
              {"iam:DeleteLoginProfile", kRootArn, true},
              {"iam:DeactivateMFADevice", kRootArn, true},
              {"iam:ListAccessKeys", kRootArn, true},
              {"iam:GetLoginProfile", kRootArn, true},
              {"iam:GetUser", kRootArn, true},
              // Listed, but its resource is an mfa/ ARN, so the second statement denies it (spec §3.3).
              {"iam:DeleteVirtualMFADevice", "arn:aws:iam::333333333333:mfa/root-account-mfa-device", false, nonroot},
              {"iam:DeleteAccessKey", "arn:aws:iam::333333333333:user/bob", false, nonroot},
              {"iam:GetAccountSummary", "*", false, other},
              {"iam:CreateLoginProfile", kRootArn, false, other},
              {"iam:CreateAccessKey", kRootArn, false, other},
          });
}

TEST(TaskPolicies, S3UnlockBucketPolicy) {
  const char* other = "DenyAllOtherActionsOnAnyResource";
  RunTask(kS3UnlockBucketPolicy,
          {
              {"s3:DeleteBucketPolicy", "arn:aws:s3:::locked", true},
              {"s3:GetBucketPolicy", "arn:aws:s3:::locked", true},
              {"s3:PutBucketPolicy", "arn:aws:s3:::locked", true},
              {"s3:ListAllMyBuckets", "", true},
              {"s3:GetObject", "arn:aws:s3:::locked/k", false, other},
              {"s3:DeleteBucket", "arn:aws:s3:::locked", false, other},
              {"s3:PutBucketAcl", "arn:aws:s3:::locked", false, other},
              {"iam:GetUser", kRootArn, false, other},
          });
}

TEST(TaskPolicies, S3UnlockThroughADenyAllBucketPolicy) {
  PolicyPtr task = MustCompile(kS3UnlockBucketPolicy, PolicyKind::Session);
  PolicyPtr bucket = MustCompile(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::locked","arn:aws:s3:::locked/*"]}]})",
      PolicyKind::Resource);
  RequestContext c = RootSession("s3:DeleteBucketPolicy", "arn:aws:s3:::locked", kMember);
  AuthzRequest req;
  req.context = &c;
  req.task_policy = task.get();
  req.resource_policy = bucket.get();
  req.root_exempt_from_resource_policy_deny = true;  // S3's rule for the bucket-policy actions
  EXPECT_TRUE(Authorize(req).allowed);
  // The same session cannot read objects through it.
  RequestContext get = RootSession("s3:GetObject", "arn:aws:s3:::locked/k", kMember);
  req.context = &get;
  req.root_exempt_from_resource_policy_deny = false;
  EXPECT_EQ(Authorize(req).reason, DenyReason::ExplicitDenyResource);
}

TEST(TaskPolicies, S3UnlockDeniesNonRootCallers) {
  PolicyPtr task = MustCompile(kS3UnlockBucketPolicy, PolicyKind::Session);
  RequestContext c = Ctx("s3:PutBucketPolicy", "arn:aws:s3:::locked", RoleSession("Admin", "s", kMember));
  EXPECT_EQ(task->Evaluate(c).decision, Decision::ExplicitDeny);
  EXPECT_EQ(task->Evaluate(c).sid, "DenyManagingBucketPolicyForNonRootCallers");
}

TEST(TaskPolicies, SQSUnlockQueuePolicy) {
  const char* other = "DenyAllOtherActionsOnAnyResource";
  const char* foreign = "DenyGettingQueueAttributesOnNonOwnQueue";
  const std::string own = "arn:aws:sqs:us-east-1:333333333333:locked";
  const std::string theirs = "arn:aws:sqs:us-east-1:444444444444:q";
  RunTask(kSQSUnlockQueuePolicy,
          {
              {"sqs:SetQueueAttributes", own, true, "", kMember},
              {"sqs:GetQueueAttributes", own, true, "", kMember},
              {"sqs:GetQueueUrl", own, true, "", kMember},
              {"sqs:ListQueues", "", true},
              {"sqs:GetQueueAttributes", theirs, false, foreign, "444444444444"},
              {"sqs:SendMessage", own, false, other, kMember},
              {"sqs:RemovePermission", own, false, other, kMember},
              {"sqs:DeleteQueue", own, false, other, kMember},
          });
  PolicyPtr task = MustCompile(kSQSUnlockQueuePolicy, PolicyKind::Session);
  RequestContext role = Ctx("sqs:SetQueueAttributes", own, RoleSession("Admin", "s", kMember), kMember);
  EXPECT_EQ(task->Evaluate(role).sid, "DenyActionsForNonRootUser");
}

TEST(TaskPolicies, DeniedCallInARootSessionMessage) {
  PolicyPtr task = MustCompile(kIAMAuditRootUserCredentials, PolicyKind::Session);
  RequestContext c = RootSession("iam:DeleteAccessKey", kRootArn);
  AuthzRequest req;
  req.context = &c;
  req.task_policy = task.get();
  EXPECT_EQ(AccessDeniedMessage(Authorize(req), c),
            "User: arn:aws:iam::333333333333:root is not authorized to perform: iam:DeleteAccessKey on resource: "
            "arn:aws:iam::333333333333:root with an explicit deny in a session policy");
}

// §8.3: deny long-term member root credentials, leave AssumeRoot sessions alone.
constexpr const char* kDenyRootExceptAssumedRoot = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Deny",
      "Action": "*",
      "Resource": "*",
      "Condition": {
        "ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]},
        "Null": {"aws:AssumedRoot": "true"}
      }
    }
  ]
})";

constexpr const char* kFullAWSAccess =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";

AuthzResult WithScps(RequestContext& c, const std::vector<PolicyLevel>& levels, const CompiledPolicy* task = nullptr,
                     std::span<const PolicyPtr> identity = {}) {
  AuthzRequest req;
  req.context = &c;
  req.scp_levels = levels;
  req.task_policy = task;
  req.identity_policies = identity;
  return Authorize(req);
}

TEST(ScpExamples, DenyRootExceptAssumedRootSessions) {
  PolicyPtr full = MustCompile(kFullAWSAccess, PolicyKind::ServiceControl);
  PolicyPtr scp = MustCompile(kDenyRootExceptAssumedRoot, PolicyKind::ServiceControl);
  const std::vector<PolicyLevel> levels = {{full}, {full, scp}, {full}};

  RequestContext long_term = Ctx("iam:ListAccessKeys", kRootArn, Root(kMember));
  const AuthzResult denied = WithScps(long_term, levels);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.reason, DenyReason::ExplicitDenySCP);
  EXPECT_EQ(AccessDeniedMessage(denied, long_term),
            "User: arn:aws:iam::333333333333:root is not authorized to perform: iam:ListAccessKeys on resource: "
            "arn:aws:iam::333333333333:root with an explicit deny in a service control policy");

  PolicyPtr task = MustCompile(kIAMAuditRootUserCredentials, PolicyKind::Session);
  RequestContext session = RootSession("iam:ListAccessKeys", kRootArn);
  EXPECT_TRUE(WithScps(session, levels, task.get()).allowed);

  // IAM users of the member account are not affected.
  RequestContext user = Ctx("s3:ListAllMyBuckets", "", User("bob", kMember));
  const std::vector<PolicyPtr> identity = {MustCompile(kFullAWSAccess)};
  EXPECT_TRUE(WithScps(user, levels, nullptr, identity).allowed);
}

TEST(ScpExamples, DenyRootSessionsEntirely) {
  PolicyPtr full = MustCompile(kFullAWSAccess, PolicyKind::ServiceControl);
  PolicyPtr scp = MustCompile(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:AssumedRoot":"true"}}}]})",
      PolicyKind::ServiceControl);
  const std::vector<PolicyLevel> levels = {{full}, {full, scp}};
  RequestContext session = RootSession("iam:ListAccessKeys", kRootArn);
  EXPECT_EQ(WithScps(session, levels).reason, DenyReason::ExplicitDenySCP);
  RequestContext long_term = Ctx("iam:ListAccessKeys", kRootArn, Root(kMember));
  EXPECT_TRUE(WithScps(long_term, levels).allowed);
}

TEST(ScpExamples, RestrictTaskPoliciesOfADelegatedAdmin) {
  PolicyPtr full = MustCompile(kFullAWSAccess, PolicyKind::ServiceControl);
  PolicyPtr scp = MustCompile(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRoot","Resource":"*",
  "Condition":{"ArnNotEquals":{"sts:TaskPolicyArn":[
    "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"]}}}]})",
      PolicyKind::ServiceControl);
  const std::vector<PolicyLevel> levels = {{full}, {full, scp}};
  const std::vector<PolicyPtr> identity = {MustCompile(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRoot","Resource":"arn:aws:iam::*:root"}]})")};
  RequestContext audit = Ctx("sts:AssumeRoot", kRootArn, RoleSession("Admin", "s", "222222222222"));
  audit.Set("sts:TaskPolicyArn", "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials");
  EXPECT_TRUE(WithScps(audit, levels, nullptr, identity).allowed);
  RequestContext unlock = Ctx("sts:AssumeRoot", kRootArn, RoleSession("Admin", "s", "222222222222"));
  unlock.Set("sts:TaskPolicyArn", "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy");
  const AuthzResult r = WithScps(unlock, levels, nullptr, identity);
  EXPECT_EQ(r.reason, DenyReason::ExplicitDenySCP);
  // AssumeRoot answers without the reason clause (spec §2.2).
  EXPECT_EQ(AccessDeniedMessage(r, unlock, false),
            "User: arn:aws:sts::222222222222:assumed-role/Admin/s is not authorized to perform: sts:AssumeRoot on "
            "resource: arn:aws:iam::333333333333:root");
}

TEST(IdentityExamples, AllowOnlyS3UnlockSessions) {
  // §8.2, with the key spelled sts:TaskPolicyARN: condition keys are case-insensitive.
  const std::vector<PolicyPtr> identity = {MustCompile(R"({"Version":"2012-10-17","Statement":[{
  "Sid": "AllowLaunchingRootSessionsforS3Action",
  "Effect": "Allow",
  "Action": "sts:AssumeRoot",
  "Resource": "*",
  "Condition": {"StringEquals": {"sts:TaskPolicyARN": "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"}}
}]})")};
  RequestContext s3 = Ctx("sts:AssumeRoot", kRootArn, User("admin", "111111111111"));
  s3.Set("sts:TaskPolicyArn", "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy");
  EXPECT_TRUE(WithScps(s3, {}, nullptr, identity).allowed);  // management account: no SCPs
  RequestContext iam = Ctx("sts:AssumeRoot", kRootArn, User("admin", "111111111111"));
  iam.Set("sts:TaskPolicyArn", "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials");
  EXPECT_EQ(WithScps(iam, {}, nullptr, identity).reason, DenyReason::NoIdentityAllow);
}

TEST(IdentityExamples, AllowOnlyTheThreeIamTasks) {
  const std::vector<PolicyPtr> identity = {MustCompile(R"({"Version":"2012-10-17","Statement":[{
  "Effect": "Allow",
  "Action": "sts:AssumeRoot",
  "Resource": "arn:aws:iam::*:root",
  "Condition": {"ArnEquals": {"sts:TaskPolicyArn": [
    "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
    "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
    "arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword"]}}
}]})")};
  for (const char* task : {"IAMAuditRootUserCredentials", "IAMDeleteRootUserCredentials", "IAMCreateRootUserPassword"}) {
    RequestContext c = Ctx("sts:AssumeRoot", kRootArn, User("admin", "111111111111"));
    c.Set("sts:TaskPolicyArn", std::string("arn:aws:iam::aws:policy/root-task/") + task);
    EXPECT_TRUE(WithScps(c, {}, nullptr, identity).allowed) << task;
  }
  RequestContext sqs = Ctx("sts:AssumeRoot", kRootArn, User("admin", "111111111111"));
  sqs.Set("sts:TaskPolicyArn", "arn:aws:iam::aws:policy/root-task/SQSUnlockQueuePolicy");
  EXPECT_FALSE(WithScps(sqs, {}, nullptr, identity).allowed);
  RequestContext no_key = Ctx("sts:AssumeRoot", kRootArn, User("admin", "111111111111"));
  EXPECT_FALSE(WithScps(no_key, {}, nullptr, identity).allowed);
}

}  // namespace
}  // namespace orgroot::policy
