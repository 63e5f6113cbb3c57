#include "policy/evaluator.h"

#include <gtest/gtest.h>

#include <functional>

#include "policy/policy_test_util.h"

namespace orgroot::policy {
namespace {

using testing::Ctx;
using testing::Doc;
using testing::MustCompile;
using testing::RoleSession;
using testing::Root;
using testing::User;

// Everything one authorization needs, owned.
struct Scenario {
  RequestContext ctx = Ctx("s3:GetObject", "arn:aws:s3:::b/k");
  std::vector<PolicyLevel> scps, rcps;
  PolicyPtr resource, boundary, task;
  std::vector<PolicyPtr> identity, session;
  bool resource_required = false;
  bool root_exempt = false;

  AuthzResult Run() const {
    AuthzRequest r;
    r.context = &ctx;
    r.scp_levels = scps;
    r.rcp_levels = rcps;
    r.resource_policy = resource.get();
    r.identity_policies = identity;
    r.permissions_boundary = boundary.get();
    r.session_policies = session;
    r.task_policy = task.get();
    r.resource_policy_required = resource_required;
    r.root_exempt_from_resource_policy_deny = root_exempt;
    return Authorize(r);
  }
};

PolicyPtr Identity(std::string_view effect, std::string_view action = "s3:*") {
  return MustCompile(Doc(std::string(R"({"Effect":")") + std::string(effect) + R"(","Action":")" + std::string(action) +
                         R"(","Resource":"*"})"));
}
PolicyPtr Scp(std::string_view effect, std::string_view action = "*") {
  return MustCompile(Doc(std::string(R"({"Effect":")") + std::string(effect) + R"(","Action":")" + std::string(action) +
                         R"(","Resource":"*"})"),
                     PolicyKind::ServiceControl);
}
PolicyPtr Bucket(std::string_view effect, std::string_view principal) {
  return MustCompile(Doc(std::string(R"({"Effect":")") + std::string(effect) + R"(","Principal":)" +
                         std::string(principal) + R"(,"Action":"s3:*","Resource":"arn:aws:s3:::b/*"})"),
                     PolicyKind::Resource);
}
PolicyPtr Trust(std::string_view principal) {
  return MustCompile(Doc(std::string(R"({"Effect":"Allow","Principal":)") + std::string(principal) +
                         R"(,"Action":"sts:AssumeRole"})"),
                     PolicyKind::Trust);
}

PolicyPtr FullAccess() { return Scp("Allow"); }

struct Row {
  const char* name;
  std::function<void(Scenario&)> setup;
  bool allowed;
  DenyReason reason;
};

TEST(Evaluator, Layers) {
  const std::vector<Row> rows = {
      // identity policies
      {"identity allow", [](Scenario& s) { s.identity = {Identity("Allow")}; }, true, DenyReason::None},
      {"no policies", [](Scenario&) {}, false, DenyReason::NoIdentityAllow},
      {"identity for other action", [](Scenario& s) { s.identity = {Identity("Allow", "sqs:*")}; }, false, DenyReason::NoIdentityAllow},
      {"identity deny beats allow", [](Scenario& s) { s.identity = {Identity("Allow"), Identity("Deny", "s3:Get*")}; }, false, DenyReason::ExplicitDenyIdentity},
      {"allow in any identity policy", [](Scenario& s) { s.identity = {Identity("Allow", "sqs:*"), Identity("Allow")}; }, true, DenyReason::None},
      // SCP chain
      {"three SCP levels allow", [](Scenario& s) {
         s.identity = {Identity("Allow")};
         s.scps = {{FullAccess()}, {FullAccess()}, {FullAccess()}};
       }, true, DenyReason::None},
      {"one SCP level without allow", [](Scenario& s) {
         s.identity = {Identity("Allow")};
         s.scps = {{FullAccess()}, {Scp("Allow", "ec2:*")}, {FullAccess()}};
       }, false, DenyReason::NoSCPAllow},
      {"SCP level with nothing attached", [](Scenario& s) {
         s.identity = {Identity("Allow")};
         s.scps = {{FullAccess()}, {}};
       }, false, DenyReason::NoSCPAllow},
      {"SCP level: one of several allows", [](Scenario& s) {
         s.identity = {Identity("Allow")};
         s.scps = {{FullAccess()}, {Scp("Allow", "ec2:*"), Scp("Allow", "s3:*")}};
       }, true, DenyReason::None},
      {"SCP deny at an OU beats allows", [](Scenario& s) {
         s.identity = {Identity("Allow")};
         s.scps = {{FullAccess()}, {FullAccess(), Scp("Deny", "s3:GetObject")}, {FullAccess()}};
       }, false, DenyReason::ExplicitDenySCP},
      {"SCP deny reported before identity deny", [](Scenario& s) {
         s.identity = {Identity("Deny")};
         s.scps = {{Scp("Deny")}};
       }, false, DenyReason::ExplicitDenySCP},
      {"SCP allow does not grant", [](Scenario& s) { s.scps = {{FullAccess()}}; }, false, DenyReason::NoIdentityAllow},
      {"management account: empty chain", [](Scenario& s) { s.identity = {Identity("Allow")}; }, true, DenyReason::None},
      // RCPs of the resource's account
      {"RCP deny", [](Scenario& s) {
         s.identity = {Identity("Allow")};
         s.rcps = {{MustCompile(Doc(R"({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"})"), PolicyKind::ResourceControl)}};
       }, false, DenyReason::ExplicitDenyRCP},
      // permissions boundary
      {"boundary allows", [](Scenario& s) { s.identity = {Identity("Allow")}; s.boundary = Identity("Allow", "s3:Get*"); }, true, DenyReason::None},
      {"boundary does not allow", [](Scenario& s) { s.identity = {Identity("Allow")}; s.boundary = Identity("Allow", "sqs:*"); }, false, DenyReason::NoBoundaryAllow},
      {"boundary denies", [](Scenario& s) { s.identity = {Identity("Allow")}; s.boundary = Identity("Deny"); }, false, DenyReason::ExplicitDenyBoundary},
      {"boundary alone grants nothing", [](Scenario& s) { s.boundary = Identity("Allow"); }, false, DenyReason::NoIdentityAllow},
      // session policies
      {"session allows", [](Scenario& s) {
         s.ctx.SetPrincipal(RoleSession());
         s.identity = {Identity("Allow")};
         s.session = {Identity("Allow", "s3:GetObject")};
       }, true, DenyReason::None},
      {"session does not allow", [](Scenario& s) {
         s.ctx.SetPrincipal(RoleSession());
         s.identity = {Identity("Allow")};
         s.session = {Identity("Allow", "s3:PutObject")};
       }, false, DenyReason::NoSessionAllow},
      {"any session policy may allow", [](Scenario& s) {
         s.ctx.SetPrincipal(RoleSession());
         s.identity = {Identity("Allow")};
         s.session = {Identity("Allow", "s3:PutObject"), Identity("Allow", "s3:GetObject")};
       }, true, DenyReason::None},
      {"session denies", [](Scenario& s) {
         s.ctx.SetPrincipal(RoleSession());
         s.identity = {Identity("Allow")};
         s.session = {Identity("Allow"), Identity("Deny", "s3:GetObject")};
       }, false, DenyReason::ExplicitDenySession},
      {"session alone grants nothing", [](Scenario& s) { s.session = {Identity("Allow")}; }, false, DenyReason::NoIdentityAllow},
      // resource-based policy, same account
      {"bucket names the user: no identity policy needed", [](Scenario& s) {
         s.resource = Bucket("Allow", R"({"AWS":"arn:aws:iam::111122223333:user/alice"})");
       }, true, DenyReason::None},
      {"bucket names the user: boundary does not limit", [](Scenario& s) {
         s.resource = Bucket("Allow", R"({"AWS":"arn:aws:iam::111122223333:user/alice"})");
         s.boundary = Identity("Allow", "sqs:*");
       }, true, DenyReason::None},
      {"bucket names the account: identity must allow", [](Scenario& s) {
         s.resource = Bucket("Allow", R"({"AWS":"111122223333"})");
       }, false, DenyReason::NoIdentityAllow},
      {"bucket names the account, identity allows", [](Scenario& s) {
         s.resource = Bucket("Allow", R"({"AWS":"111122223333"})");
         s.identity = {Identity("Allow")};
       }, true, DenyReason::None},
      {"bucket names the role: session policy limits", [](Scenario& s) {
         s.ctx.SetPrincipal(RoleSession());
         s.resource = Bucket("Allow", R"({"AWS":"arn:aws:iam::111122223333:role/Admin"})");
         s.session = {Identity("Allow", "sqs:*")};
       }, false, DenyReason::NoSessionAllow},
      {"bucket names the role: boundary limits", [](Scenario& s) {
         s.ctx.SetPrincipal(RoleSession());
         s.resource = Bucket("Allow", R"({"AWS":"arn:aws:iam::111122223333:role/Admin"})");
         s.boundary = Identity("Allow", "sqs:*");
       }, false, DenyReason::NoBoundaryAllow},
      {"bucket names the role: no identity policy needed", [](Scenario& s) {
         s.ctx.SetPrincipal(RoleSession());
         s.resource = Bucket("Allow", R"({"AWS":"arn:aws:iam::111122223333:role/Admin"})");
       }, true, DenyReason::None},
      {"bucket names the session: session policy does not limit", [](Scenario& s) {
         s.ctx.SetPrincipal(RoleSession());
         s.resource = Bucket("Allow", R"({"AWS":"arn:aws:sts::111122223333:assumed-role/Admin/s1"})");
         s.session = {Identity("Allow", "sqs:*")};
       }, true, DenyReason::None},
      {"bucket denies: beats identity allow", [](Scenario& s) {
         s.identity = {Identity("Allow")};
         s.resource = Bucket("Deny", R"("*")");
       }, false, DenyReason::ExplicitDenyResource},
      {"bucket for someone else: identity still allows", [](Scenario& s) {
         s.identity = {Identity("Allow")};
         s.resource = Bucket("Allow", R"({"AWS":"arn:aws:iam::111122223333:user/bob"})");
       }, true, DenyReason::None},
      // cross-account
      {"cross-account: identity only", [](Scenario& s) {
         s.ctx.SetResourceAccount("444455556666");
         s.identity = {Identity("Allow")};
       }, false, DenyReason::NoResourceAllow},
      {"cross-account: resource names account, no identity", [](Scenario& s) {
         s.ctx.SetResourceAccount("444455556666");
         s.resource = Bucket("Allow", R"({"AWS":"111122223333"})");
       }, false, DenyReason::NoIdentityAllow},
      {"cross-account: resource names user, no identity", [](Scenario& s) {
         s.ctx.SetResourceAccount("444455556666");
         s.resource = Bucket("Allow", R"({"AWS":"arn:aws:iam::111122223333:user/alice"})");
       }, false, DenyReason::NoIdentityAllow},
      {"cross-account: both sides allow", [](Scenario& s) {
         s.ctx.SetResourceAccount("444455556666");
         s.resource = Bucket("Allow", R"({"AWS":"111122223333"})");
         s.identity = {Identity("Allow")};
       }, true, DenyReason::None},
      {"cross-account: resource names another account", [](Scenario& s) {
         s.ctx.SetResourceAccount("444455556666");
         s.resource = Bucket("Allow", R"({"AWS":"777788889999"})");
         s.identity = {Identity("Allow")};
       }, false, DenyReason::NoResourceAllow},
      // the root user
      {"root: implicit allow in its account", [](Scenario& s) { s.ctx.SetPrincipal(Root()); }, true, DenyReason::None},
      {"member root: SCP deny applies", [](Scenario& s) {
         s.ctx.SetPrincipal(Root());
         s.scps = {{FullAccess(), Scp("Deny", "s3:*")}};
       }, false, DenyReason::ExplicitDenySCP},
      {"member root: SCP must allow", [](Scenario& s) {
         s.ctx.SetPrincipal(Root());
         s.scps = {{Scp("Allow", "ec2:*")}};
       }, false, DenyReason::NoSCPAllow},
      {"root: bucket policy can deny", [](Scenario& s) {
         s.ctx.SetPrincipal(Root());
         s.resource = Bucket("Deny", R"("*")");
       }, false, DenyReason::ExplicitDenyResource},
      {"root: bucket-policy exemption", [](Scenario& s) {
         s.ctx.SetPrincipal(Root());
         s.resource = Bucket("Deny", R"("*")");
         s.root_exempt = true;
       }, true, DenyReason::None},
      {"root: exemption does not lift SCPs", [](Scenario& s) {
         s.ctx.SetPrincipal(Root());
         s.resource = Bucket("Deny", R"("*")");
         s.root_exempt = true;
         s.scps = {{FullAccess(), Scp("Deny", "s3:*")}};
       }, false, DenyReason::ExplicitDenySCP},
      {"root: other account's resource needs its policy", [](Scenario& s) {
         s.ctx.SetPrincipal(Root());
         s.ctx.SetResourceAccount("444455556666");
       }, false, DenyReason::NoResourceAllow},
      {"root: other account's resource allowing the account", [](Scenario& s) {
         s.ctx.SetPrincipal(Root());
         s.ctx.SetResourceAccount("444455556666");
         s.resource = Bucket("Allow", R"({"AWS":"arn:aws:iam::111122223333:root"})");
       }, true, DenyReason::None},
      {"root: task policy deny", [](Scenario& s) {
         s.ctx.SetPrincipal(Root());
         s.task = Identity("Deny", "s3:GetObject");
       }, false, DenyReason::ExplicitDenyTaskPolicy},
      {"root: task policy without allow is not a deny", [](Scenario& s) {
         s.ctx.SetPrincipal(Root());
         s.task = Identity("Deny", "sqs:*");
       }, true, DenyReason::None},
      // anonymous callers and service principals
      {"anonymous: public bucket", [](Scenario& s) {
         s.ctx.SetPrincipal(PrincipalFacts{});
         s.ctx.SetResourceAccount("111122223333");
         s.resource = Bucket("Allow", R"("*")");
       }, true, DenyReason::None},
      {"anonymous: private bucket", [](Scenario& s) {
         s.ctx.SetPrincipal(PrincipalFacts{});
         s.ctx.SetResourceAccount("111122223333");
         s.resource = Bucket("Allow", R"({"AWS":"111122223333"})");
       }, false, DenyReason::NoResourceAllow},
      {"service principal named by the bucket", [](Scenario& s) {
         PrincipalFacts svc;
         svc.kind = PrincipalKind::Service;
         svc.service = "cloudtrail.amazonaws.com";
         s.ctx.SetPrincipal(svc);
         s.ctx.SetResourceAccount("111122223333");
         s.resource = Bucket("Allow", R"({"Service":"cloudtrail.amazonaws.com"})");
       }, true, DenyReason::None},
      // role trust policies (the resource policy is required)
      {"trust names the user", [](Scenario& s) {
         s.ctx = Ctx("sts:AssumeRole", "arn:aws:iam::111122223333:role/R");
         s.resource = Trust(R"({"AWS":"arn:aws:iam::111122223333:user/alice"})");
         s.resource_required = true;
       }, true, DenyReason::None},
      {"trust names the account, identity allows", [](Scenario& s) {
         s.ctx = Ctx("sts:AssumeRole", "arn:aws:iam::111122223333:role/R");
         s.resource = Trust(R"({"AWS":"111122223333"})");
         s.identity = {Identity("Allow", "sts:AssumeRole")};
         s.resource_required = true;
       }, true, DenyReason::None},
      {"trust names the account, identity silent", [](Scenario& s) {
         s.ctx = Ctx("sts:AssumeRole", "arn:aws:iam::111122223333:role/R");
         s.resource = Trust(R"({"AWS":"111122223333"})");
         s.resource_required = true;
       }, false, DenyReason::NoIdentityAllow},
      {"trust names someone else", [](Scenario& s) {
         s.ctx = Ctx("sts:AssumeRole", "arn:aws:iam::111122223333:role/R");
         s.resource = Trust(R"({"Service":"ec2.amazonaws.com"})");
         s.identity = {Identity("Allow", "sts:AssumeRole")};
         s.resource_required = true;
       }, false, DenyReason::NoResourceAllow},
  };
  for (const auto& r : rows) {
    Scenario s;
    r.setup(s);
    const AuthzResult got = s.Run();
    EXPECT_EQ(got.allowed, r.allowed) << r.name;
    EXPECT_EQ(DenyReasonName(got.reason), DenyReasonName(r.reason)) << r.name;
  }
}

TEST(Evaluator, DenySidIsReported) {
  Scenario s;
  s.identity = {Identity("Allow"),
                MustCompile(Doc(R"({"Sid":"NoReads","Effect":"Deny","Action":"s3:Get*","Resource":"*"})"))};
  const AuthzResult r = s.Run();
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.sid, "NoReads");
}

struct MessageRow {
  DenyReason reason;
  std::string suffix;
};

TEST(Evaluator, AccessDeniedMessages) {
  const RequestContext ctx = Ctx("s3:GetObject", "arn:aws:s3:::b/k", User("JohnDoe", "123456789012"));
  const std::string head = "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k";
  const MessageRow rows[] = {
      {DenyReason::NoIdentityAllow, " because no identity-based policy allows the s3:GetObject action"},
      {DenyReason::ExplicitDenyIdentity, " with an explicit deny in an identity-based policy"},
      {DenyReason::ExplicitDenySCP, " with an explicit deny in a service control policy"},
      {DenyReason::NoSCPAllow, " because no service control policy allows the s3:GetObject action"},
      {DenyReason::ExplicitDenyRCP, " with an explicit deny in a resource control policy"},
      {DenyReason::NoRCPAllow, " because no resource control policy allows the s3:GetObject action"},
      {DenyReason::ExplicitDenyResource, " with an explicit deny in a resource-based policy"},
      {DenyReason::NoResourceAllow, " because no resource-based policy allows the s3:GetObject action"},
      {DenyReason::NoBoundaryAllow, " because no permissions boundary allows the s3:GetObject action"},
      {DenyReason::ExplicitDenyBoundary, " with an explicit deny in a permissions boundary"},
      {DenyReason::NoSessionAllow, " because no session policy allows the s3:GetObject action"},
      {DenyReason::ExplicitDenySession, " with an explicit deny in a session policy"},
      {DenyReason::ExplicitDenyTaskPolicy, " with an explicit deny in a session policy"},
  };
  for (const auto& r : rows) {
    AuthzResult res{false, r.reason, {}};
    EXPECT_EQ(AccessDeniedMessage(res, ctx), head + r.suffix) << DenyReasonName(r.reason);
  }
  AuthzResult none{false, DenyReason::NoIdentityAllow, {}};
  EXPECT_EQ(AccessDeniedMessage(none, ctx, false), head);
  const AwsError e = AccessDeniedError(none, ctx);
  EXPECT_EQ(e.code, "AccessDenied");
  EXPECT_EQ(e.http_status, 403);

  // No resource: the "on resource" part is left out.
  const RequestContext noresource = Ctx("sts:GetCallerIdentity", "", User("JohnDoe", "123456789012"));
  EXPECT_EQ(AccessDeniedMessage(none, noresource),
            "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: sts:GetCallerIdentity because "
            "no identity-based policy allows the sts:GetCallerIdentity action");
}

TEST(RequestContext, KeysAreCaseInsensitiveAndMultiValued) {
  RequestContext c;
  c.Set("aws:SourceIp", "10.0.0.1");
  ASSERT_NE(c.Find("AWS:SOURCEIP"), nullptr);
  EXPECT_EQ(c.Find("aws:sourceip")->values.front(), "10.0.0.1");
  c.Set("AWS:SourceIP", "10.0.0.2");  // replaces
  EXPECT_EQ(c.Find("aws:SourceIp")->values, std::vector<std::string>{"10.0.0.2"});
  c.Add("aws:TagKeys", "a");
  c.Add("aws:tagkeys", "b");
  EXPECT_EQ(c.Find("aws:TagKeys")->values, (std::vector<std::string>{"a", "b"}));
  c.Remove("AWS:TAGKEYS");
  EXPECT_EQ(c.Find("aws:TagKeys"), nullptr);
}

TEST(RequestContext, PrincipalKeys) {
  RequestContext u = Ctx("s3:GetObject", "", User("bob"));
  EXPECT_EQ(u.Find("aws:PrincipalArn")->values.front(), "arn:aws:iam::111122223333:user/bob");
  EXPECT_EQ(u.Find("aws:username")->values.front(), "bob");
  EXPECT_EQ(u.Find("aws:PrincipalType")->values.front(), "User");
  EXPECT_EQ(u.Find("aws:PrincipalAccount")->values.front(), "111122223333");
  RequestContext r = Ctx("s3:GetObject", "", RoleSession("Admin", "s1"));
  EXPECT_EQ(r.Find("aws:PrincipalArn")->values.front(), "arn:aws:iam::111122223333:role/Admin");
  EXPECT_EQ(r.Find("aws:userid")->values.front(), "AROAEXAMPLEROLEID0001:s1");
  EXPECT_EQ(r.Find("aws:username"), nullptr);
  RequestContext root = Ctx("s3:GetObject", "", Root("333333333333"));
  EXPECT_EQ(root.Find("aws:PrincipalArn")->values.front(), "arn:aws:iam::333333333333:root");
  EXPECT_EQ(root.Find("aws:PrincipalType")->values.front(), "Account");
  EXPECT_EQ(root.Find("aws:userid")->values.front(), "333333333333");
  r.SetResourceAccount("444455556666");
  EXPECT_EQ(r.Find("aws:ResourceAccount")->values.front(), "444455556666");
}

}  // namespace
}  // namespace orgroot::policy
