#include "server/authorizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

namespace orgroot::server {
namespace {

policy::PolicyPtr compile(const std::string& doc, policy::PolicyKind kind = policy::PolicyKind::Identity) {
  policy::CompileOptions o;
  o.kind = kind;
  auto r = policy::CompilePolicy(doc, o);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : nullptr;
}

const char* kAdmin = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
const char* kFull = kAdmin;

struct FakeIam : services::IdentityPolicyView {
  std::vector<policy::PolicyPtr> policies;
  policy::PolicyPtr boundary;
  std::vector<policy::PolicyPtr> session;
  services::IdentityPolicies policies_for(const auth::Principal& who) override {
    services::IdentityPolicies p;
    if (who.type != auth::PrincipalType::Root) {
      p.identity = policies;
      p.permissions_boundary = boundary;
      p.session = session;
    }
    return p;
  }
};

struct FakeOrgs : services::OrganizationView {
  std::string management = "111111111111";
  std::vector<policy::PolicyLevel> member_chain;
  std::vector<std::string> outsiders;  // accounts in no organization
  std::optional<services::OrgMembership> membership(const std::string& a) override {
    if (std::find(outsiders.begin(), outsiders.end(), a) != outsiders.end()) return std::nullopt;
    return services::OrgMembership{"o-abcdefghij", management, a == management, true};
  }
  std::vector<policy::PolicyLevel> scp_chain(const std::string& a) override {
    return a == management ? std::vector<policy::PolicyLevel>{} : member_chain;
  }
  bool trusted_access_enabled(const std::string&) override { return false; }
  std::vector<std::string> delegated_administrators(const std::string&) override { return {}; }
};

auth::Principal user(const std::string& account, const std::string& name) {
  auth::Principal p;
  p.type = auth::PrincipalType::IamUser;
  p.account_id = account;
  p.user_name = name;
  p.arn = "arn:aws:iam::" + account + ":user/" + name;
  p.user_id = "AIDAEXAMPLEEXAMPLE01";
  return p;
}

services::AuthzTarget target(const std::string& action, const std::string& resource = "*") {
  services::AuthzTarget t;
  t.action = action;
  t.resource = resource;
  return t;
}

class AuthorizerTest : public ::testing::Test {
 protected:
  FakeIam iam;
  FakeOrgs orgs;
  ManualClock clock{std::chrono::system_clock::from_time_t(1767225600)};
  HttpRequest req;
  void SetUp() override {
    iam.policies = {compile(kAdmin)};
    orgs.member_chain = {{compile(kFull, policy::PolicyKind::ServiceControl)},
                         {compile(kFull, policy::PolicyKind::ServiceControl),
                          compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]})",
                                  policy::PolicyKind::ServiceControl)}};
    req.remote_ip = "127.0.0.1";
  }
};

TEST_F(AuthorizerTest, ScpDeniesInMemberAccountButNeverInManagementAccount) {
  Authorizer a(&iam, &orgs, clock, nullptr);
  auto member = a.authorize(user("222222222222", "alice"), target("iam:CreateUser"), req, "us-east-1");
  ASSERT_FALSE(member.ok());
  EXPECT_EQ(member.error().code, "AccessDenied");
  EXPECT_EQ(member.error().message,
            "User: arn:aws:iam::222222222222:user/alice is not authorized to perform: iam:CreateUser on resource: * "
            "with an explicit deny in a service control policy");
  EXPECT_TRUE(a.authorize(user("222222222222", "alice"), target("iam:ListUsers"), req, "us-east-1").ok());
  EXPECT_TRUE(a.authorize(user("111111111111", "admin"), target("iam:CreateUser"), req, "us-east-1").ok());
}

TEST_F(AuthorizerTest, NoIdentityPolicyMeansImplicitDenyWithAwsWording) {
  iam.policies.clear();
  Authorizer a(&iam, &orgs, clock, nullptr);
  auto st = a.authorize(user("111111111111", "bob"), target("sts:GetAccessKeyInfo"), req, "us-east-1");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "User: arn:aws:iam::111111111111:user/bob is not authorized to perform: sts:GetAccessKeyInfo on resource: "
            "* because no identity-based policy allows the sts:GetAccessKeyInfo action");
  EXPECT_EQ(st.error().http_status, 403);
}

TEST_F(AuthorizerTest, ExplicitDenyInIdentityPolicyBeatsAllow) {
  iam.policies.push_back(compile(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:Delete*","Resource":"*"}]})"));
  Authorizer a(&iam, &orgs, clock, nullptr);
  auto st = a.authorize(user("111111111111", "admin"), target("iam:DeleteUser"), req, "us-east-1");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("with an explicit deny in an identity-based policy"), std::string::npos);
}

// The condition keys are set only when some policy of the request reads them: a condition or a
// variable in any one layer must still see them.
TEST_F(AuthorizerTest, ConditionKeysReachEveryLayerThatReadsThem) {
  const char* deny_from_localhost =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}]})";
  const std::string member = "222222222222";
  auto check_denied = [&](const std::function<void()>& place, const std::string& account) {
    SetUp();
    iam.boundary = nullptr;
    iam.session.clear();
    place();
    Authorizer a(&iam, &orgs, clock, nullptr);
    auto st = a.authorize(user(account, "alice"), target("iam:ListUsers"), req, "us-east-1");
    EXPECT_FALSE(st.ok());
    req.remote_ip = "10.0.0.1";  // outside the range: the same policies allow
    EXPECT_TRUE(a.authorize(user(account, "alice"), target("iam:ListUsers"), req, "us-east-1").ok());
  };
  check_denied([&] { iam.policies.push_back(compile(deny_from_localhost)); }, "111111111111");
  check_denied(
      [&] {
        iam.boundary = compile(
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}]})");
      },
      "111111111111");
  check_denied([&] { iam.session = {compile(kAdmin), compile(deny_from_localhost)}; }, "111111111111");
  check_denied(
      [&] { orgs.member_chain.back().push_back(compile(deny_from_localhost, policy::PolicyKind::ServiceControl)); },
      member);
  // A variable in a resource reads aws:username.
  SetUp();
  iam.policies = {compile(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::111111111111:user/${aws:username}"}]})")};
  Authorizer a(&iam, &orgs, clock, nullptr);
  EXPECT_TRUE(a.authorize(user("111111111111", "alice"), target("iam:GetUser", "arn:aws:iam::111111111111:user/alice"),
                          req, "us-east-1")
                  .ok());
  EXPECT_FALSE(a.authorize(user("111111111111", "alice"), target("iam:GetUser", "arn:aws:iam::111111111111:user/bob"),
                           req, "us-east-1")
                   .ok());
}

TEST(CompiledPolicy, ReadsContextOnlyWithConditionsOrVariables) {
  EXPECT_FALSE(compile(kAdmin)->reads_context());
  EXPECT_FALSE(compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"s3:*","NotResource":"arn:aws:s3:::b/*"}]})")
                   ->reads_context());
  EXPECT_TRUE(compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
                          {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})")
                  ->reads_context());
  EXPECT_TRUE(compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:userid}/*"}]})")
                  ->reads_context());
  EXPECT_TRUE(compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","NotResource":"arn:aws:iam::*:user/${aws:username}"}]})")
                  ->reads_context());
  // Before 2012-10-17 a variable is literal text.
  EXPECT_FALSE(compile(R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:userid}/*"}]})")
                   ->reads_context());
}

TEST_F(AuthorizerTest, SkipAndMotoModeAllowWithoutPolicies) {
  iam.policies.clear();
  Authorizer strict(&iam, &orgs, clock, nullptr);
  auto t = target("sts:GetCallerIdentity");
  t.skip = true;
  EXPECT_TRUE(strict.authorize(user("111111111111", "bob"), t, req, "us-east-1").ok());

  auth::MotoCompat moto;
  Authorizer lenient(&iam, &orgs, clock, &moto);
  EXPECT_TRUE(lenient.authorize(user("111111111111", "bob"), target("iam:CreateUser"), req, "us-east-1").ok());
  moto.reset_auth(0);
  EXPECT_FALSE(lenient.authorize(user("111111111111", "bob"), target("iam:CreateUser"), req, "us-east-1").ok());
}

TEST_F(AuthorizerTest, ContextKeysFollowThePrincipal) {
  Authorizer a(&iam, &orgs, clock, nullptr);
  auth::Principal root;
  root.type = auth::PrincipalType::Root;
  root.account_id = "222222222222";
  root.arn = "arn:aws:iam::222222222222:root";
  root.user_id = "222222222222";
  auto ctx = a.context_for(root, target("iam:ListUsers"), req, "eu-west-1");
  EXPECT_EQ(ctx.Find("aws:AssumedRoot"), nullptr);
  EXPECT_EQ(ctx.Find("aws:MultiFactorAuthPresent"), nullptr);  // long-term credentials
  ASSERT_NE(ctx.Find("aws:PrincipalArn"), nullptr);
  EXPECT_EQ(ctx.Find("aws:PrincipalArn")->values.at(0), "arn:aws:iam::222222222222:root");
  EXPECT_EQ(ctx.Find("aws:requestedregion")->values.at(0), "eu-west-1");
  EXPECT_EQ(ctx.Find("aws:SourceIp")->values.at(0), "127.0.0.1");
  EXPECT_EQ(ctx.Find("aws:CurrentTime")->values.at(0), "2026-01-01T00:00:00Z");

  root.temporary = true;
  root.session_issuer = "AssumeRoot";
  auto session = a.context_for(root, target("iam:ListUsers"), req, "eu-west-1");
  ASSERT_NE(session.Find("aws:AssumedRoot"), nullptr);
  EXPECT_EQ(session.Find("aws:AssumedRoot")->values.at(0), "true");
  EXPECT_EQ(session.Find("aws:MultiFactorAuthPresent")->values.at(0), "false");
}

TEST_F(AuthorizerTest, ScpThatDeniesRootButExemptsAssumedRoot) {
  // spec §8.3: deny long-term member root credentials, leave AssumeRoot sessions alone.
  orgs.member_chain = {{compile(kFull, policy::PolicyKind::ServiceControl),
                        compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
                          "Condition":{"ArnLike":{"aws:PrincipalArn":["arn:aws:iam::*:root"]},"Null":{"aws:AssumedRoot":"true"}}}]})",
                                policy::PolicyKind::ServiceControl)}};
  Authorizer a(&iam, &orgs, clock, nullptr);
  auth::Principal root;
  root.type = auth::PrincipalType::Root;
  root.account_id = "222222222222";
  root.arn = "arn:aws:iam::222222222222:root";
  root.user_id = "222222222222";
  EXPECT_FALSE(a.authorize(root, target("iam:ListUsers"), req, "us-east-1").ok());
  root.temporary = true;
  root.session_issuer = "AssumeRoot";
  EXPECT_TRUE(a.authorize(root, target("iam:ListUsers"), req, "us-east-1").ok());
}

TEST_F(AuthorizerTest, ResourcePolicyDenyAndCrossAccount) {
  Authorizer a(&iam, &orgs, clock, nullptr);
  auto t = target("s3:GetObject", "arn:aws:s3:::bucket/key");
  t.resource_account = "333333333333";
  // Cross-account without a resource policy that allows: denied.
  EXPECT_FALSE(a.authorize(user("111111111111", "admin"), t, req, "us-east-1").ok());
  t.resource_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]})";
  EXPECT_TRUE(a.authorize(user("111111111111", "admin"), t, req, "us-east-1").ok());
  t.resource_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bucket/*"}]})";
  t.resource_account = "111111111111";
  auto st = a.authorize(user("111111111111", "admin"), t, req, "us-east-1");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("with an explicit deny in a resource-based policy"), std::string::npos);
}

}  // namespace
}  // namespace orgroot::server

namespace orgroot::server {
namespace {

TEST_F(AuthorizerTest, RootSessionIsCappedByItsTaskPolicy) {
  Authorizer a(&iam, &orgs, clock, nullptr);
  orgs.member_chain = {{compile(kFull, policy::PolicyKind::ServiceControl)}};
  auth::Principal root;
  root.type = auth::PrincipalType::Root;
  root.account_id = "333333333333";
  root.arn = "arn:aws:iam::333333333333:root";
  root.user_id = "333333333333";
  root.temporary = true;
  root.session_issuer = "AssumeRoot";
  root.task_policy_arn = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
  EXPECT_TRUE(a.authorize(root, target("iam:ListAccessKeys", "arn:aws:iam::333333333333:root"), req, "us-east-1").ok());
  EXPECT_TRUE(a.authorize(root, target("iam:GetAccountSummary", "*"), req, "us-east-1").ok());
  auto denied = a.authorize(root, target("iam:CreateUser", "arn:aws:iam::333333333333:user/x"), req, "us-east-1");
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, "AccessDenied");
  EXPECT_FALSE(a.authorize(root, target("iam:DeleteAccessKey", "arn:aws:iam::333333333333:root"), req, "us-east-1").ok());

  root.task_policy_arn = "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy";
  EXPECT_TRUE(a.authorize(root, target("s3:DeleteBucketPolicy", "arn:aws:s3:::locked"), req, "us-east-1").ok());
  EXPECT_FALSE(a.authorize(root, target("s3:GetObject", "arn:aws:s3:::locked/k"), req, "us-east-1").ok());

  root.task_policy_arn = "arn:aws:iam::aws:policy/root-task/NoSuchTask";
  EXPECT_FALSE(a.authorize(root, target("iam:GetAccountSummary", "*"), req, "us-east-1").ok());
}

}  // namespace
}  // namespace orgroot::server

namespace orgroot::server {
namespace {

TEST_F(AuthorizerTest, TrustPolicyIsTheResourcePolicyOfAssumeRoleAndScpsStillApply) {
  Authorizer a(&iam, &orgs, clock, nullptr);
  auto t = target("sts:AssumeRole", "arn:aws:iam::333333333333:role/Ops");
  t.resource_account = "333333333333";
  t.resource_policy_required = true;
  t.deny_without_reason = true;
  t.resource_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"}]})";
  orgs.member_chain = {{compile(kFull, policy::PolicyKind::ServiceControl)}};
  EXPECT_TRUE(a.authorize(user("222222222222", "alice"), t, req, "us-east-1").ok());
  // Another account is not trusted.
  auto other = a.authorize(user("444444444444", "mallory"), t, req, "us-east-1");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().message,
            "User: arn:aws:iam::444444444444:user/mallory is not authorized to perform: sts:AssumeRole on resource: "
            "arn:aws:iam::333333333333:role/Ops");
  // An SCP on the caller's account denies it although the trust policy allows.
  orgs.member_chain = {{compile(kFull, policy::PolicyKind::ServiceControl),
                        compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}]})",
                                policy::PolicyKind::ServiceControl)}};
  EXPECT_FALSE(a.authorize(user("222222222222", "alice"), t, req, "us-east-1").ok());
}

}  // namespace
}  // namespace orgroot::server

namespace orgroot::server {
namespace {

const char* kDenyGetObject =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]})";

// An explicit Deny in each layer beats the Allow of every other layer, worded for its layer.
TEST_F(AuthorizerTest, ExplicitDenyInEveryLayerBeatsTheAllowsWithItsWording) {
  const auto allow_all_scp = compile(kFull, policy::PolicyKind::ServiceControl);
  const auto deny = [](policy::PolicyKind k) { return compile(kDenyGetObject, k); };
  auto t = target("s3:GetObject", "arn:aws:s3:::b/k");
  t.resource_account = "222222222222";
  const std::string allow_resource =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/alice"},"Action":"s3:*","Resource":"*"}]})";
  const std::string prefix =
      "User: arn:aws:iam::222222222222:user/alice is not authorized to perform: s3:GetObject on resource: "
      "\"arn:aws:s3:::b/k\" with an explicit deny in ";
  struct Case {
    const char* layer;
    std::function<void()> add_deny;
    const char* wording;
  };
  std::vector<Case> cases = {
      {"identity", [&] { iam.policies.push_back(deny(policy::PolicyKind::Identity)); }, "an identity-based policy"},
      {"boundary", [&] { iam.boundary = compile(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]})", policy::PolicyKind::PermissionsBoundary); },
       "a permissions boundary"},
      {"session", [&] { iam.session.push_back(deny(policy::PolicyKind::Session)); }, "a session policy"},
      {"scp", [&] { orgs.member_chain.back().push_back(deny(policy::PolicyKind::ServiceControl)); },
       "a service control policy"},
      {"resource", [&] { t.resource_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/alice"},"Action":"s3:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}]})"; },
       "a resource-based policy"},
  };
  for (const auto& c : cases) {
    // Every layer allows...
    iam.policies = {compile(kAdmin)};
    iam.boundary = compile(kAdmin, policy::PolicyKind::PermissionsBoundary);
    iam.session = {compile(kAdmin, policy::PolicyKind::Session)};
    orgs.member_chain = {{allow_all_scp}, {allow_all_scp}, {allow_all_scp}};
    t.resource_policy = allow_resource;
    Authorizer a(&iam, &orgs, clock, nullptr);
    EXPECT_TRUE(a.authorize(user("222222222222", "alice"), t, req, "us-east-1").ok()) << c.layer;
    // ...until one of them denies.
    c.add_deny();
    Authorizer b(&iam, &orgs, clock, nullptr);
    auto st = b.authorize(user("222222222222", "alice"), t, req, "us-east-1");
    ASSERT_FALSE(st.ok()) << c.layer;
    EXPECT_EQ(st.error().code, "AccessDenied") << c.layer;
    EXPECT_EQ(st.error().message, prefix + c.wording) << c.layer;
  }
}

TEST_F(AuthorizerTest, S3ExplainsOnlyWithinTheOwnersAccountOrOrganization) {
  iam.policies = {compile(kAdmin)};
  orgs.member_chain = {{compile(kFull, policy::PolicyKind::ServiceControl)}};
  orgs.outsiders = {"999999999999"};
  Authorizer a(&iam, &orgs, clock, nullptr);
  auto t = target("s3:GetObject", "arn:aws:s3:::b/k");
  t.resource_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}]})";

  t.resource_account = "222222222222";  // same account
  auto same = a.authorize(user("222222222222", "alice"), t, req, "us-east-1");
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.error().message,
            "User: arn:aws:iam::222222222222:user/alice is not authorized to perform: s3:GetObject on resource: "
            "\"arn:aws:s3:::b/k\" with an explicit deny in a resource-based policy");

  auto org_member = a.authorize(user("333333333333", "carol"), t, req, "us-east-1");  // same organization
  ASSERT_FALSE(org_member.ok());
  EXPECT_EQ(org_member.error().message.rfind("User: arn:aws:iam::333333333333:user/carol is not authorized", 0), 0u);

  auto outsider = a.authorize(user("999999999999", "eve"), t, req, "us-east-1");
  ASSERT_FALSE(outsider.ok());
  EXPECT_EQ(outsider.error().message, "Access Denied");

  auth::Principal anonymous;
  anonymous.type = auth::PrincipalType::Anonymous;
  auto anon = a.authorize(anonymous, t, req, "us-east-1");
  ASSERT_FALSE(anon.ok());
  EXPECT_EQ(anon.error().message, "Access Denied");
  EXPECT_EQ(anon.error().http_status, 403);
}

TEST_F(AuthorizerTest, SqsWritesTheActionInLowerCase) {
  iam.policies.clear();
  Authorizer a(&iam, &orgs, clock, nullptr);
  auto t = target("sqs:SendMessage", "arn:aws:sqs:us-east-1:111111111111:q");
  t.resource_account = "111111111111";
  auto st = a.authorize(user("111111111111", "bob"), t, req, "us-east-1");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "User: arn:aws:iam::111111111111:user/bob is not authorized to perform: sqs:sendmessage on resource: "
            "arn:aws:sqs:us-east-1:111111111111:q because no identity-based policy allows the sqs:sendmessage action");
}

}  // namespace
}  // namespace orgroot::server
