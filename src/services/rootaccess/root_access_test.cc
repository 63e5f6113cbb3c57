#include <gtest/gtest.h>

#include <algorithm>

#include "services/rootaccess/assume_root_service.h"
#include "services/rootaccess/features_service.h"

namespace orgroot::services {
namespace {

constexpr const char* kM = "111111111111";  // management
constexpr const char* kD = "222222222222";  // IAM delegated administrator
constexpr const char* kT = "333333333333";  // target member
constexpr const char* kOutside = "444444444444";

struct FakeOrgs : OrganizationView {
  bool all_features = true;
  bool trusted = true;
  std::vector<std::string> delegates{kD};
  std::optional<OrgMembership> membership(const std::string& a) override {
    if (a == kOutside) return std::nullopt;
    return OrgMembership{"o-aa111bb222", kM, a == kM, all_features};
  }
  std::vector<policy::PolicyLevel> scp_chain(const std::string&) override { return {}; }
  bool trusted_access_enabled(const std::string& sp) override { return trusted && sp == "iam.amazonaws.com"; }
  std::vector<std::string> delegated_administrators(const std::string&) override { return delegates; }
  std::vector<std::string> closed;
  bool account_active(const std::string& a) override {
    return std::find(closed.begin(), closed.end(), a) == closed.end();
  }
};

auth::Principal user(const std::string& account) {
  auth::Principal p;
  p.type = auth::PrincipalType::IamUser;
  p.account_id = account;
  p.arn = "arn:aws:iam::" + account + ":user/ops";
  p.user_id = "AIDAEXAMPLEEXAMPLE01";
  return p;
}

class FeaturesTest : public ::testing::Test {
 protected:
  store::Db db{":memory:"};
  RootAccessStore store{db};
  FakeOrgs orgs;
  RootAccessFeaturesService svc{store, &orgs};

  OperationResult call(const std::string& op, const std::string& account) {
    auth::Principal p = user(account);
    CallContext ctx{p, "req", "us-east-1", "127.0.0.1", false};
    return (*svc.find(op))(ctx, {});
  }
  static std::vector<std::string> features(const OperationResult& r) {
    std::vector<std::string> out;
    for (const auto& v : r.value().as_object().at("EnabledFeatures").as_array()) out.emplace_back(v.as_string());
    return out;
  }
};

TEST_F(FeaturesTest, CapturedStateTransitions) {
  // spec §2.1: M enable creds; M enable sessions; D disable creds; M disable creds again; D disable
  // sessions; M disable sessions again; M re-enable creds.
  using V = std::vector<std::string>;
  EXPECT_EQ(features(call("ListOrganizationsFeatures", kM)), V{});
  EXPECT_EQ(features(call("EnableOrganizationsRootCredentialsManagement", kM)), V{"RootCredentialsManagement"});
  EXPECT_EQ(features(call("EnableOrganizationsRootSessions", kM)), (V{"RootSessions", "RootCredentialsManagement"}));
  EXPECT_EQ(features(call("DisableOrganizationsRootCredentialsManagement", kD)), V{"RootSessions"});
  EXPECT_EQ(features(call("DisableOrganizationsRootCredentialsManagement", kM)), V{"RootSessions"});
  EXPECT_EQ(features(call("DisableOrganizationsRootSessions", kD)), V{});
  EXPECT_EQ(features(call("DisableOrganizationsRootSessions", kM)), V{});
  auto r = call("EnableOrganizationsRootCredentialsManagement", kM);
  EXPECT_EQ(features(r), V{"RootCredentialsManagement"});
  EXPECT_EQ(r.value().as_object().at("OrganizationId").as_string(), "o-aa111bb222");
  EXPECT_EQ(features(call("ListOrganizationsFeatures", kD)), V{"RootCredentialsManagement"});
}

TEST_F(FeaturesTest, ErrorsInAwsOrder) {
  auto e = call("ListOrganizationsFeatures", kOutside);
  EXPECT_EQ(e.error().code, "OrganizationNotFoundException");
  orgs.all_features = false;
  EXPECT_EQ(call("ListOrganizationsFeatures", kM).error().code, "OrganizationNotInAllFeaturesModeException");
  orgs.all_features = true;
  orgs.trusted = false;
  e = call("EnableOrganizationsRootSessions", kT);  // trusted access is checked before the caller's role
  EXPECT_EQ(e.error().code, "ServiceAccessNotEnabledException");
  EXPECT_EQ(e.error().message, "Trusted Access for IAM not enabled by organization of input account 333333333333.");
  EXPECT_EQ(e.error().http_status, 400);
  orgs.trusted = true;
  e = call("ListOrganizationsFeatures", kT);
  EXPECT_EQ(e.error().code, "AccountNotManagementOrDelegatedAdministratorException");
  EXPECT_EQ(e.error().message, "Input account 333333333333 is neither management account nor delegated admin.");
  e = call("EnableOrganizationsRootCredentialsManagement", kD);
  EXPECT_EQ(e.error().code, "CallerIsNotManagementAccountException");
  EXPECT_EQ(e.error().message,
            "Caller account 222222222222 is not management account of the organization and cannot enable IAM "
            "features.");
}

TEST_F(FeaturesTest, FlagsSurviveTrustedAccessOffAndOn) {
  call("EnableOrganizationsRootCredentialsManagement", kM);
  call("EnableOrganizationsRootSessions", kM);
  orgs.trusted = false;
  EXPECT_FALSE(call("ListOrganizationsFeatures", kM).ok());
  orgs.trusted = true;
  EXPECT_EQ(features(call("ListOrganizationsFeatures", kM)).size(), 2u);
}

class AssumeRootTest : public ::testing::Test {
 protected:
  store::Db db{":memory:"};
  RootAccessStore store{db};
  FakeOrgs orgs;
  ManualClock clock{std::chrono::system_clock::from_time_t(1767225600)};
  auth::Principal issued;
  double issued_expiration = 0;
  AssumeRootService svc{store, &orgs, clock, [this](const auth::Principal& p, double exp) {
                          issued = p;
                          issued_expiration = exp;
                          boost::json::object c;
                          c["AccessKeyId"] = "ASIAEXAMPLEEXAMPLE01";
                          c["SecretAccessKey"] = "s";
                          c["SessionToken"] = "t";
                          c["Expiration"] = exp;
                          return c;
                        }};

  static boost::json::object params(const std::string& target, const std::string& task, int duration = -1) {
    boost::json::object p;
    p["TargetPrincipal"] = target;
    p["TaskPolicyArn"] = boost::json::object{{"arn", task}};
    if (duration >= 0) p["DurationSeconds"] = duration;
    return p;
  }
  Status pre(const auth::Principal& who, const boost::json::object& p, std::string_view host = "127.0.0.1:4570") {
    CallContext ctx{who, "req", "us-east-1", "127.0.0.1", false, host};
    return svc.precheck("AssumeRoot", p, ctx);
  }
  OperationResult run(const auth::Principal& who, const boost::json::object& p) {
    CallContext ctx{who, "req", "us-east-1", "127.0.0.1", false};
    return (*svc.find("AssumeRoot"))(ctx, p);
  }
  void enable(bool creds, bool sessions) { store.put("o-aa111bb222", {creds, sessions}); }
};

const std::string kAudit = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
const std::string kS3 = "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy";

TEST_F(AssumeRootTest, PrechecksBeforeAuthorization) {
  auto st = pre(user(kM), params(kT, "arn:aws:iam::aws:policy/ReadOnlyAccess"));
  EXPECT_EQ(st.error().code, "ValidationError");
  EXPECT_EQ(st.error().message, "Request must contain valid AWS managed task policy ARN");
  st = pre(user(kM), params("arn:aws:iam::333333333333:user/bob", kAudit));
  EXPECT_EQ(st.error().message, "Request must contain a valid target principal");
  EXPECT_TRUE(pre(user(kM), params("arn:aws:iam::333333333333:root", kAudit)).ok());
  EXPECT_TRUE(pre(user(kM), params(kT, kAudit)).ok());
  st = pre(user(kM), params(kT, kAudit), "sts.amazonaws.com");
  EXPECT_EQ(st.error().code, "InvalidAction");
  EXPECT_EQ(st.error().message, "Unknown Operation");
  auth::Principal root = user(kM);
  root.type = auth::PrincipalType::Root;
  root.arn = "arn:aws:iam::111111111111:root";
  st = pre(root, params(kT, kAudit));
  EXPECT_EQ(st.error().code, "AccessDenied");
}

TEST_F(AssumeRootTest, AuthzTargetIsTheTargetRootWithTheTaskPolicyKey) {
  auth::Principal who = user(kM);
  CallContext ctx{who, "req", "us-east-1", "127.0.0.1", false};
  auto t = svc.authz_target("AssumeRoot", params("arn:aws:iam::333333333333:root", kAudit), ctx);
  EXPECT_EQ(t.action, "sts:AssumeRoot");
  EXPECT_EQ(t.resource, "arn:aws:iam::333333333333:root");
  EXPECT_TRUE(t.deny_without_reason);
  ASSERT_EQ(t.context.size(), 1u);
  EXPECT_EQ(t.context[0].first, "sts:TaskPolicyArn");
  EXPECT_EQ(t.context[0].second, kAudit);
  // No resource account of its own: the target's root has no resource policy that could grant a
  // cross-account call, so the caller's side alone decides.
  EXPECT_EQ(t.resource_account, "");
  EXPECT_EQ(t.resource_policy, "");
}

TEST_F(AssumeRootTest, UnknownOnTheGlobalEndpointBeforeValidation) {
  for (std::string_view host : {"sts.amazonaws.com", "sts.amazonaws.com:443"}) {
    auto st = svc.endpoint_offers("AssumeRoot", host);
    ASSERT_FALSE(st.ok()) << host;
    EXPECT_EQ(st.error().code, "InvalidAction");
    EXPECT_EQ(st.error().message, "Unknown Operation");
    EXPECT_EQ(st.error().http_status, 400);
  }
  EXPECT_TRUE(svc.endpoint_offers("AssumeRoot", "sts.us-east-1.amazonaws.com").ok());
  EXPECT_TRUE(svc.endpoint_offers("AssumeRoot", "127.0.0.1:4570").ok());
  EXPECT_TRUE(svc.endpoint_offers("AssumeRoot", "").ok());
}

TEST_F(AssumeRootTest, FeatureMatrix) {
  enable(false, false);
  EXPECT_EQ(run(user(kM), params(kT, kAudit)).error().message,
            "Root credentials management feature is not enabled for your AWS Organization.");
  EXPECT_EQ(run(user(kM), params(kT, kS3)).error().message,
            "Root sessions feature is not enabled for your AWS Organization.");
  enable(true, false);
  EXPECT_TRUE(run(user(kM), params(kT, kAudit)).ok());
  EXPECT_EQ(run(user(kM), params(kT, kS3)).error().http_status, 403);
  enable(false, true);
  EXPECT_FALSE(run(user(kM), params(kT, kAudit)).ok());
  EXPECT_TRUE(run(user(kM), params(kT, kS3)).ok());
}

TEST_F(AssumeRootTest, WhoMayCallAndWhichTargets) {
  enable(true, true);
  const std::string denial =
      "User: arn:aws:iam::333333333333:user/ops is not authorized to perform: sts:AssumeRoot on resource: "
      "arn:aws:iam::222222222222:root";
  EXPECT_EQ(run(user(kT), params(kD, kAudit)).error().message, denial);   // ordinary member calling
  EXPECT_TRUE(run(user(kD), params(kT, kAudit)).ok());                    // delegated administrator
  EXPECT_FALSE(run(user(kM), params(kM, kAudit)).ok());                   // never the management account
  EXPECT_FALSE(run(user(kM), params(kOutside, kAudit)).ok());             // not in the organization
  orgs.closed = {kT};
  EXPECT_EQ(run(user(kM), params(kT, kAudit)).error().message,           // closed or closing
            "User: arn:aws:iam::111111111111:user/ops is not authorized to perform: sts:AssumeRoot on resource: "
            "arn:aws:iam::333333333333:root");
  orgs.closed.clear();
  orgs.delegates.clear();
  EXPECT_FALSE(run(user(kD), params(kT, kAudit)).ok());                   // just deregistered
  orgs.trusted = false;
  EXPECT_EQ(run(user(kM), params(kT, kAudit)).error().message, "Service not enabled for AWS Organizations.");
}

TEST_F(AssumeRootTest, SessionIsTheTargetRootForTheDuration) {
  enable(true, true);
  auth::Principal caller = user(kM);
  caller.source_identity = "alice";
  auto r = run(caller, params(kT, kAudit, 0));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(issued.type, auth::PrincipalType::Root);
  EXPECT_EQ(issued.arn, "arn:aws:iam::333333333333:root");
  EXPECT_EQ(issued.user_id, kT);
  EXPECT_EQ(issued.session_issuer, "AssumeRoot");
  EXPECT_EQ(issued.task_policy_arn, kAudit);
  EXPECT_EQ(issued.source_identity, "alice");
  EXPECT_EQ(issued_expiration, 1767225600.0);  // 0 seconds: already expired
  EXPECT_EQ(r.value().as_object().at("SourceIdentity").as_string(), "alice");
  run(user(kM), params(kT, kAudit));
  EXPECT_EQ(issued_expiration, 1767225600.0 + 900);  // default 900
}

}  // namespace
}  // namespace orgroot::services
