#include <gtest/gtest.h>

#include "services/iam/iam_test_util.h"
#include "services/sts/sts_service.h"

namespace orgroot::services {
namespace {

using namespace iam::testing;
using boost::json::array;
using boost::json::object;

class AssumeRoleTest : public IamFixture {
 protected:
  AssumeRoleTest() : sts(identity, clock, random, iam, iam) {}

  void make_role(const std::string& name, const std::string& trust, int max = 3600) {
    ok("CreateRole", {{"RoleName", name}, {"AssumeRolePolicyDocument", trust}, {"MaxSessionDuration", max}});
  }
  OperationResult assume(const auth::Principal& who, object params) { return call_as(sts, who, "AssumeRole", params); }
  // The principal a session's credentials act as.
  auth::Principal session_of(const OperationResult& r) {
    auto key = str(r->at("Credentials").at("AccessKeyId"));
    auto s = identity.open_session(key, str(r->at("Credentials").at("SessionToken")));
    EXPECT_TRUE(s);
    auto p = auth::Principal::from_json(s->principal_json);
    p.temporary = true;
    return p;
  }
  static object base(const std::string& role, const std::string& session = "s1") {
    return {{"RoleArn", "arn:aws:iam::111111111111:role/" + role}, {"RoleSessionName", session}};
  }

  StsService sts;
};

TEST_F(AssumeRoleTest, TrustNamingTheUserAllows) {
  make_role("r", trust_for("arn:aws:iam::111111111111:user/admin"));
  auto r = assume(admin, base("r"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& user = r->at("AssumedRoleUser").as_object();
  EXPECT_EQ(str(user.at("Arn")), "arn:aws:sts::111111111111:assumed-role/r/s1");
  EXPECT_EQ(str(user.at("AssumedRoleId")).substr(0, 4), "AROA");
  EXPECT_EQ(str(user.at("AssumedRoleId")).substr(21), ":s1");
  const auto& creds = r->at("Credentials").as_object();
  EXPECT_EQ(str(creds.at("AccessKeyId")).substr(0, 4), "ASIA");
  EXPECT_DOUBLE_EQ(creds.at("Expiration").as_double(), clock.now_seconds() + 3600);
  EXPECT_FALSE(r->as_object().contains("PackedPolicySize"));

  auto p = session_of(r);
  EXPECT_EQ(p.type, auth::PrincipalType::AssumedRole);
  EXPECT_EQ(p.arn, "arn:aws:sts::111111111111:assumed-role/r/s1");
  EXPECT_EQ(p.role_arn, "arn:aws:iam::111111111111:role/r");
  EXPECT_EQ(p.user_id, str(user.at("AssumedRoleId")));
  // GetCallerIdentity of the session
  auto me = call_as(sts, p, "GetCallerIdentity", {});
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(str(me->at("Arn")), "arn:aws:sts::111111111111:assumed-role/r/s1");
  EXPECT_EQ(str(me->at("UserId")), str(user.at("AssumedRoleId")));
  // RoleLastUsed is recorded
  EXPECT_TRUE(ok("GetRole", {{"RoleName", "r"}})["Role"].at("RoleLastUsed").as_object().contains("LastUsedDate"));
}

TEST_F(AssumeRoleTest, TrustNamingSomeoneElseDenies) {
  make_role("r", trust_for("arn:aws:iam::111111111111:user/other"));
  ok("CreateUser", {{"UserName", "other"}});
  auto r = assume(admin, base("r"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "AccessDenied");
  EXPECT_EQ(r.error().http_status, 403);
  EXPECT_EQ(r.error().message,
            "User: arn:aws:iam::111111111111:user/admin is not authorized to perform: sts:AssumeRole on resource: "
            "arn:aws:iam::111111111111:role/r");
}

TEST_F(AssumeRoleTest, MissingRoleIsAccessDenied) {
  auto r = assume(admin, base("nope"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "User: arn:aws:iam::111111111111:user/admin is not authorized to perform: sts:AssumeRole on resource: "
            "arn:aws:iam::111111111111:role/nope");
  // a wrong path is a different role
  make_role("pathed", trust_for("111111111111"));
  EXPECT_FALSE(assume(admin, base("other/pathed")).ok());
}

TEST_F(AssumeRoleTest, AccountTrustNeedsIdentityPolicy) {
  make_role("r", trust_for("arn:aws:iam::111111111111:root"));
  EXPECT_TRUE(assume(admin, base("r")).ok());  // AdministratorAccess
  ok("CreateUser", {{"UserName", "plain"}});
  auto r = assume(user_principal(kAccount, "plain"), base("r"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "AccessDenied");
  ok("PutUserPolicy", {{"UserName", "plain"}, {"PolicyName", "assume"},
                       {"PolicyDocument", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111111111111:role/r"}]})"}});
  EXPECT_TRUE(assume(user_principal(kAccount, "plain"), base("r")).ok());
}

TEST_F(AssumeRoleTest, RootCannotAssumeRoles) {
  make_role("r", trust_for("arn:aws:iam::111111111111:root"));
  auto r = assume(root_principal(kAccount), base("r"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "Roles may not be assumed by root accounts.");
}

TEST_F(AssumeRoleTest, CrossAccountIntoProvisionedMember) {
  ASSERT_TRUE(iam.provision_member_account(kOther, "Member", "m@example.com", "OrganizationAccountAccessRole", kAccount).ok());
  object params{{"RoleArn", "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"}, {"RoleSessionName", "x"}};
  auto r = assume(admin, params);
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto p = session_of(r);
  EXPECT_EQ(p.account_id, kOther);
  EXPECT_EQ(p.arn, "arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/x");
  // the session acts with the role's AdministratorAccess in the member account
  auto pol = iam.policies_for(p);
  EXPECT_EQ(pol.identity.size(), 1u);

  // a management-account user without an identity policy allowing sts:AssumeRole is refused
  ok("CreateUser", {{"UserName", "nopol"}});
  auto denied = assume(user_principal(kAccount, "nopol"), params);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, "AccessDenied");
  // and one from an account the trust policy does not name is refused too
  identity.put_account({"444444444444", "x", "x@example.com", 1});
  auto stranger = user_principal("444444444444", "admin");
  identity.put_user({"444444444444", "admin", "AIDASTRANGERSTRANGER0", "/", stranger.arn, 1});
  identity.attach_user_policy("444444444444", "admin", "arn:aws:iam::aws:policy/AdministratorAccess");
  EXPECT_FALSE(assume(stranger, params).ok());
}

TEST_F(AssumeRoleTest, ExternalIdCondition) {
  make_role("ext", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/admin"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"secret-1"}}}]})");
  EXPECT_FALSE(assume(admin, base("ext")).ok());
  auto wrong = base("ext");
  wrong["ExternalId"] = "nope-nope";
  EXPECT_FALSE(assume(admin, wrong).ok());
  auto right = base("ext");
  right["ExternalId"] = "secret-1";
  EXPECT_TRUE(assume(admin, right).ok());
}

// The pipeline's authorizer evaluates sts:AssumeRole (trust policy, identity policies, SCPs) before
// the handler runs; when it has, the handler does not evaluate it again, but still evaluates the
// actions only it knows the session asks for.
TEST_F(AssumeRoleTest, AnAuthorizedCallIsNotEvaluatedTwiceButItsExtraActionsAre) {
  make_role("elsewhere", trust_for("arn:aws:iam::111111111111:user/someone-else"));
  EXPECT_FALSE(assume(admin, base("elsewhere")).ok());  // the handler on its own refuses
  const OperationHandler* h = sts.find("AssumeRole");
  ASSERT_NE(h, nullptr);
  CallContext authorized{admin, "req-1", "us-east-1", "127.0.0.1", true, {}, /*authorized=*/true};
  auto r = (*h)(authorized, base("elsewhere"));
  EXPECT_TRUE(r.ok()) << r.error().message;
  auto p = base("elsewhere");
  p["SourceIdentity"] = "alice";
  auto extra = (*h)(authorized, p);
  ASSERT_FALSE(extra.ok());
  EXPECT_NE(extra.error().message.find("sts:SetSourceIdentity"), std::string::npos);
}

TEST_F(AssumeRoleTest, SourceIdentityNeedsSetSourceIdentity) {
  make_role("plain", trust_for("arn:aws:iam::111111111111:user/admin"));
  auto p = base("plain");
  p["SourceIdentity"] = "alice";
  auto denied = assume(admin, p);
  ASSERT_FALSE(denied.ok());
  EXPECT_NE(denied.error().message.find("sts:SetSourceIdentity"), std::string::npos);

  make_role("si", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/admin"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]})");
  auto q = base("si");
  q["SourceIdentity"] = "alice";
  auto r = assume(admin, q);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(str(r->at("SourceIdentity")), "alice");
  auto session = session_of(r);
  EXPECT_EQ(session.source_identity, "alice");

  // chained: the source identity carries over and cannot change
  make_role("next", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/si"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]})");
  auto chained = assume(session, base("next"));
  ASSERT_TRUE(chained.ok()) << chained.error().message;
  EXPECT_EQ(session_of(chained).source_identity, "alice");
  auto change = base("next");
  change["SourceIdentity"] = "bob";
  EXPECT_FALSE(assume(session, change).ok());
}

TEST_F(AssumeRoleTest, DurationBounds) {
  make_role("d", trust_for("arn:aws:iam::111111111111:user/admin"), 7200);
  auto p = base("d");
  p["DurationSeconds"] = 7200;
  auto r = assume(admin, p);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->at("Credentials").at("Expiration").as_double(), clock.now_seconds() + 7200);
  p["DurationSeconds"] = 7201;
  auto too_long = assume(admin, p);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, "ValidationError");
  EXPECT_EQ(too_long.error().message, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");

  // role chaining: at most one hour
  make_role("c", trust_for("arn:aws:iam::111111111111:role/d"), 43200);
  auto session = session_of(r);
  auto q = base("c");
  q["DurationSeconds"] = 3601;
  auto chained = assume(session, q);
  ASSERT_FALSE(chained.ok());
  EXPECT_EQ(chained.error().code, "ValidationError");
  q["DurationSeconds"] = 3600;
  EXPECT_TRUE(assume(session, q).ok());
}

TEST_F(AssumeRoleTest, SessionPoliciesAndTags) {
  make_role("sp", trust_for("arn:aws:iam::111111111111:user/admin"));
  auto p = base("sp");
  p["Policy"] = kAllowS3;
  p["PolicyArns"] = array{object{{"arn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}}};
  auto r = assume(admin, p);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_GT(r->at("PackedPolicySize").as_int64(), 0);
  auto s = session_of(r);
  ASSERT_EQ(s.session_policies.size(), 2u);
  EXPECT_EQ(iam.policies_for(s).session.size(), 2u);

  auto bad = base("sp");
  bad["Policy"] = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]})";
  auto e = assume(admin, bad);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, "MalformedPolicyDocument");

  // tags need sts:TagSession
  auto tagged = base("sp");
  tagged["Tags"] = array{object{{"Key", "team"}, {"Value", "red"}}};
  EXPECT_FALSE(assume(admin, tagged).ok());
  make_role("tg", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/admin"},"Action":["sts:AssumeRole","sts:TagSession"]}]})");
  auto t2 = base("tg");
  t2["Tags"] = array{object{{"Key", "team"}, {"Value", "red"}}};
  t2["TransitiveTagKeys"] = array{"team"};
  auto tr = assume(admin, t2);
  ASSERT_TRUE(tr.ok()) << tr.error().message;
  auto ts = session_of(tr);
  ASSERT_EQ(ts.session_tags.size(), 1u);
  EXPECT_EQ(ts.transitive_tag_keys, std::vector<std::string>{"team"});
  auto missing_key = base("tg");
  missing_key["TransitiveTagKeys"] = array{"nothere"};
  EXPECT_FALSE(assume(admin, missing_key).ok());
}

TEST_F(AssumeRoleTest, AuthzTargetCarriesTheTrustPolicy) {
  make_role("r", trust_for("111111111111"));
  CallContext ctx{admin, "r", "us-east-1", "", true};
  auto t = sts.authz_target("AssumeRole", base("r"), ctx);
  EXPECT_EQ(t.action, "sts:AssumeRole");
  EXPECT_EQ(t.resource, "arn:aws:iam::111111111111:role/r");
  EXPECT_TRUE(t.resource_policy_required);
  EXPECT_FALSE(t.skip);  // the authorizer evaluates the trust policy and the SCPs
  EXPECT_TRUE(t.deny_without_reason);
  EXPECT_FALSE(t.resource_policy.empty());
  EXPECT_TRUE(sts.authz_target("GetCallerIdentity", {}, ctx).skip);
  auto p = base("r");
  p["ExternalId"] = "e-1";
  p["Tags"] = array{object{{"Key", "team"}, {"Value", "red"}}};
  auto withkeys = sts.authz_target("AssumeRole", p, ctx);
  auto has = [&](const std::string& k, const std::string& v) {
    for (const auto& [ck, cv] : withkeys.context)
      if (ck == k && cv == v) return true;
    return false;
  };
  EXPECT_TRUE(has("sts:ExternalId", "e-1"));
  EXPECT_TRUE(has("sts:RoleSessionName", "s1"));
  EXPECT_TRUE(has("aws:RequestTag/team", "red"));
  EXPECT_TRUE(has("aws:TagKeys", "team"));
}

}  // namespace
}  // namespace orgroot::services
