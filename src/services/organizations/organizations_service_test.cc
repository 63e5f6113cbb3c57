#include "services/organizations/organizations_service.h"

#include <gtest/gtest.h>

#include <regex>

#include "store/db.h"
#include "store/sqlite_identity_store.h"

namespace orgroot::services::organizations {
namespace {

namespace json = boost::json;

constexpr const char* kMgmt = "111111111111";
constexpr const char* kOutsider = "999999999999";

class FakeProvisioner : public AccountProvisioner {
 public:
  struct Call {
    std::string account_id, name, email, role, management;
  };
  std::vector<Call> calls;
  Status provision_member_account(const std::string& account_id, const std::string& account_name,
                                  const std::string& email, const std::string& access_role_name,
                                  const std::string& management_account_id) override {
    calls.push_back({account_id, account_name, email, access_role_name, management_account_id});
    return OkStatus();
  }
};

class OrgTest : public ::testing::Test {
 protected:
  void SetUp() override { make(&provisioner); }

  void make(AccountProvisioner* p) {
    svc.reset();
    deps = std::make_unique<ServiceDeps>(ServiceDeps{db, identity, clock, random, kMgmt, quotas, ""});
    identity.put_account({kMgmt, "Management", "mgmt@example.com", 1.0});
    svc = std::make_unique<OrganizationsService>(*deps, p);
  }

  OperationResult call(const std::string& op, json::object params = {}, const std::string& account = kMgmt) {
    auth::Principal who;
    who.type = auth::PrincipalType::IamUser;
    who.account_id = account;
    who.arn = "arn:aws:iam::" + account + ":user/admin";
    CallContext ctx{who, "req", "us-east-1", "127.0.0.1"};
    auto h = svc->find(op);
    if (!h) return AwsError("NotImplemented", op);
    return (*h)(ctx, params);
  }
  json::object ok(const std::string& op, json::object params = {}, const std::string& account = kMgmt) {
    auto r = call(op, std::move(params), account);
    EXPECT_TRUE(r.ok()) << op << ": " << (r.ok() ? "" : r.error().code + " " + r.error().message);
    return r.ok() && r->is_object() ? r->get_object() : json::object{};
  }
  void expect_error(const OperationResult& r, const std::string& code, const std::string& reason = "") {
    ASSERT_FALSE(r.ok()) << "expected " << code;
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_EQ(r.error().http_status, 400);
    std::string got;
    for (const auto& [k, v] : r.error().extra)
      if (k == "Reason") got = v;
    EXPECT_EQ(got, reason) << r.error().message;
  }

  json::object org(const std::string& fs = "ALL") { return ok("CreateOrganization", {{"FeatureSet", fs}}); }
  std::string root_id() { return std::string(ok("ListRoots")["Roots"].as_array()[0].at("Id").as_string()); }
  // Creates an account and settles it; returns its id.
  std::string member(const std::string& name) {
    auto r = ok("CreateAccount", {{"Email", name + "@example.com"}, {"AccountName", name}});
    std::string id(r["CreateAccountStatus"].at("Id").as_string());
    auto s = ok("DescribeCreateAccountStatus", {{"CreateAccountRequestId", id}});
    EXPECT_EQ(s["CreateAccountStatus"].at("State").as_string(), "SUCCEEDED");
    return std::string(s["CreateAccountStatus"].at("AccountId").as_string());
  }
  std::string ou(const std::string& parent, const std::string& name) {
    return std::string(
        ok("CreateOrganizationalUnit", {{"ParentId", parent}, {"Name", name}})["OrganizationalUnit"].at("Id").as_string());
  }
  std::string scp(const std::string& name, const std::string& content =
                                               R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]})") {
    auto r = ok("CreatePolicy", {{"Name", name}, {"Description", "d"}, {"Type", kScp}, {"Content", content}});
    return std::string(r["Policy"].at("PolicySummary").at("Id").as_string());
  }
  std::vector<std::string> policies_for(const std::string& target) {
    std::vector<std::string> out;
    auto r = ok("ListPoliciesForTarget", {{"TargetId", target}, {"Filter", kScp}});
    for (const auto& p : r["Policies"].as_array())
      out.emplace_back(p.at("Id").as_string());
    return out;
  }

  store::Db db{":memory:"};
  store::SqliteIdentityStore identity{db};
  ManualClock clock{std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000))};
  SecureRandom random;
  Quotas quotas;
  FakeProvisioner provisioner;
  std::unique_ptr<ServiceDeps> deps;
  std::unique_ptr<OrganizationsService> svc;
};

TEST_F(OrgTest, CreateAndDescribeOrganization) {
  auto o = org()["Organization"].as_object();
  EXPECT_TRUE(std::regex_match(std::string(o.at("Id").as_string()), std::regex("o-[a-z0-9]{10}")));
  EXPECT_EQ(o.at("Arn").as_string(), "arn:aws:organizations::111111111111:organization/" + std::string(o.at("Id").as_string()));
  EXPECT_EQ(o.at("MasterAccountId").as_string(), kMgmt);
  EXPECT_EQ(o.at("MasterAccountEmail").as_string(), "mgmt@example.com");
  EXPECT_EQ(o.at("FeatureSet").as_string(), "ALL");
  EXPECT_EQ(o.at("MasterAccountArn").as_string(),
            "arn:aws:organizations::111111111111:account/" + std::string(o.at("Id").as_string()) + "/111111111111");
  expect_error(call("CreateOrganization"), "AlreadyInOrganizationException");
  EXPECT_EQ(ok("DescribeOrganization")["Organization"].at("Id"), o.at("Id"));
  auto nf = call("DescribeOrganization", {}, kOutsider);
  expect_error(nf, "AWSOrganizationsNotInUseException");
  EXPECT_EQ(nf.error().message, "Your account is not a member of an organization.");
  EXPECT_TRUE(std::regex_match(root_id(), std::regex("r-[a-z0-9]{4}")));
  auto m = svc->membership(kMgmt);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->is_management);
  EXPECT_FALSE(svc->membership(kOutsider));
}

TEST_F(OrgTest, CreateAccountIsAsynchronous) {
  org();
  auto r = ok("CreateAccount", {{"Email", "dev@example.com"}, {"AccountName", "Dev"}});
  auto st = r["CreateAccountStatus"].as_object();
  EXPECT_EQ(st.at("State").as_string(), "IN_PROGRESS");
  EXPECT_TRUE(std::regex_match(std::string(st.at("Id").as_string()), std::regex("car-[a-z0-9]{32}")));
  EXPECT_FALSE(st.contains("AccountId"));
  // Not yet a member; the clock settles it after a second.
  EXPECT_EQ(ok("ListAccounts")["Accounts"].as_array().size(), 1u);
  clock.advance(std::chrono::seconds(2));
  auto accounts = ok("ListAccounts")["Accounts"].as_array();
  ASSERT_EQ(accounts.size(), 2u);
  auto s = ok("DescribeCreateAccountStatus", {{"CreateAccountRequestId", st.at("Id")}})["CreateAccountStatus"].as_object();
  EXPECT_EQ(s.at("State").as_string(), "SUCCEEDED");
  std::string id(s.at("AccountId").as_string());
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9]{12}")));
  EXPECT_TRUE(s.contains("CompletedTimestamp"));
  ASSERT_EQ(provisioner.calls.size(), 1u);
  EXPECT_EQ(provisioner.calls[0].account_id, id);
  EXPECT_EQ(provisioner.calls[0].email, "dev@example.com");
  EXPECT_EQ(provisioner.calls[0].role, "OrganizationAccountAccessRole");
  EXPECT_EQ(provisioner.calls[0].management, kMgmt);
  ASSERT_TRUE(identity.get_account(id));
  auto a = ok("DescribeAccount", {{"AccountId", id}})["Account"].as_object();
  EXPECT_EQ(a.at("Status").as_string(), "ACTIVE");
  EXPECT_EQ(a.at("JoinedMethod").as_string(), "CREATED");
  EXPECT_EQ(a.at("Name").as_string(), "Dev");
  auto m = svc->membership(id);
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->is_management);
  expect_error(call("DescribeCreateAccountStatus", {{"CreateAccountRequestId", "car-" + std::string(32, 'a')}}),
               "CreateAccountStatusNotFoundException");
}

TEST_F(OrgTest, CreateAccountFailures) {
  org();
  member("dev");
  auto r = ok("CreateAccount", {{"Email", "DEV@example.com"}, {"AccountName", "again"}});
  std::string id(r["CreateAccountStatus"].at("Id").as_string());
  EXPECT_EQ(r["CreateAccountStatus"].at("State").as_string(), "IN_PROGRESS");
  auto s = ok("DescribeCreateAccountStatus", {{"CreateAccountRequestId", id}})["CreateAccountStatus"];
  EXPECT_EQ(s.at("State").as_string(), "FAILED");
  EXPECT_EQ(s.at("FailureReason").as_string(), "EMAIL_ALREADY_EXISTS");
  // The management account's email is taken too.
  r = ok("CreateAccount", {{"Email", "mgmt@example.com"}, {"AccountName", "m"}});
  s = ok("DescribeCreateAccountStatus", {{"CreateAccountRequestId", r["CreateAccountStatus"].at("Id")}})["CreateAccountStatus"];
  EXPECT_EQ(s.at("FailureReason").as_string(), "EMAIL_ALREADY_EXISTS");

  quotas.set(kQuotaAccounts, 2);  // management + dev
  r = ok("CreateAccount", {{"Email", "x@example.com"}, {"AccountName", "x"}});
  s = ok("DescribeCreateAccountStatus", {{"CreateAccountRequestId", r["CreateAccountStatus"].at("Id")}})["CreateAccountStatus"];
  EXPECT_EQ(s.at("FailureReason").as_string(), "ACCOUNT_LIMIT_EXCEEDED");

  auto failed = ok("ListCreateAccountStatus", {{"States", json::array{"FAILED"}}})["CreateAccountStatuses"].as_array();
  EXPECT_EQ(failed.size(), 3u);
  auto ok_ = ok("ListCreateAccountStatus", {{"States", json::array{"SUCCEEDED"}}})["CreateAccountStatuses"].as_array();
  EXPECT_EQ(ok_.size(), 1u);
  expect_error(call("CreateAccount", {{"Email", "y@example.com"}, {"AccountName", "y"}, {"RoleName", "AWSServiceRoleForX"}}),
               "InvalidInputException", "INVALID_ROLE_NAME");
}

TEST_F(OrgTest, CreateAccountWithoutProvisionerStillRecordsTheAccount) {
  make(nullptr);
  org();
  std::string id = member("solo");
  auto rec = identity.get_account(id);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->email, "solo@example.com");
  EXPECT_TRUE(provisioner.calls.empty());
}

TEST_F(OrgTest, OrganizationalUnits) {
  org();
  std::string r = root_id();
  std::string a = ou(r, "A");
  EXPECT_TRUE(std::regex_match(a, std::regex("ou-" + r.substr(2) + "-[a-z0-9]{8}")));
  auto d = ok("DescribeOrganizationalUnit", {{"OrganizationalUnitId", a}})["OrganizationalUnit"].as_object();
  EXPECT_EQ(d.at("Name").as_string(), "A");
  std::string org_id(ok("DescribeOrganization")["Organization"].at("Id").as_string());
  EXPECT_EQ(d.at("Path").as_string(), org_id + "/" + r + "/" + a + "/");
  expect_error(call("CreateOrganizationalUnit", {{"ParentId", r}, {"Name", "A"}}), "DuplicateOrganizationalUnitException");
  expect_error(call("CreateOrganizationalUnit", {{"ParentId", "ou-zzzz-zzzzzzzz"}, {"Name", "B"}}), "ParentNotFoundException");
  // Depth: root > 1 > 2 > 3 > 4 > 5, then no deeper.
  std::string p = a;
  for (int i = 2; i <= 5; ++i) p = ou(p, "L" + std::to_string(i));
  expect_error(call("CreateOrganizationalUnit", {{"ParentId", p}, {"Name", "L6"}}), "ConstraintViolationException",
               "OU_DEPTH_LIMIT_EXCEEDED");
  quotas.set(kQuotaOuDepth, 6);
  ou(p, "L6");
  quotas.set(kQuotaOus, 6);
  expect_error(call("CreateOrganizationalUnit", {{"ParentId", r}, {"Name", "Z"}}), "ConstraintViolationException",
               "OU_NUMBER_LIMIT_EXCEEDED");

  auto u = ok("UpdateOrganizationalUnit", {{"OrganizationalUnitId", a}, {"Name", "A2"}})["OrganizationalUnit"];
  EXPECT_EQ(u.at("Name").as_string(), "A2");
  expect_error(call("DeleteOrganizationalUnit", {{"OrganizationalUnitId", a}}), "OrganizationalUnitNotEmptyException");
  expect_error(call("DescribeOrganizationalUnit", {{"OrganizationalUnitId", "ou-zzzz-zzzzzzzz"}}),
               "OrganizationalUnitNotFoundException");
  quotas.set(kQuotaOus, 100);
  std::string e = ou(r, "Empty");
  ok("DeleteOrganizationalUnit", {{"OrganizationalUnitId", e}});
  expect_error(call("DeleteOrganizationalUnit", {{"OrganizationalUnitId", e}}), "OrganizationalUnitNotFoundException");
  auto kids = ok("ListChildren", {{"ParentId", r}, {"ChildType", "ORGANIZATIONAL_UNIT"}})["Children"].as_array();
  ASSERT_EQ(kids.size(), 1u);
  EXPECT_EQ(kids[0].at("Type").as_string(), "ORGANIZATIONAL_UNIT");
  auto parents = ok("ListParents", {{"ChildId", a}})["Parents"].as_array();
  EXPECT_EQ(parents[0].at("Id").as_string(), r);
  EXPECT_EQ(parents[0].at("Type").as_string(), "ROOT");
  expect_error(call("ListParents", {{"ChildId", "222222222222"}}), "ChildNotFoundException");
}

TEST_F(OrgTest, PaginationAcrossLists) {
  org();
  std::string r = root_id();
  for (int i = 0; i < 5; ++i) ou(r, "ou" + std::to_string(i));
  std::vector<std::string> seen;
  json::object params{{"ParentId", r}, {"MaxResults", 2}};
  int pages = 0;
  for (;;) {
    auto p = ok("ListOrganizationalUnitsForParent", params);
    ++pages;
    for (const auto& o : p["OrganizationalUnits"].as_array()) seen.emplace_back(o.at("Name").as_string());
    if (!p.contains("NextToken")) break;
    params["NextToken"] = p["NextToken"];
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"ou0", "ou1", "ou2", "ou3", "ou4"}));
  expect_error(call("ListOrganizationalUnitsForParent", {{"ParentId", r}, {"NextToken", "garbage"}}),
               "InvalidInputException", "INVALID_NEXT_TOKEN");
  member("a");
  member("b");
  auto p1 = ok("ListAccounts", {{"MaxResults", 1}});
  EXPECT_EQ(p1["Accounts"].as_array().size(), 1u);
  ASSERT_TRUE(p1.contains("NextToken"));
  auto p2 = ok("ListAccounts", {{"MaxResults", 5}, {"NextToken", p1["NextToken"]}});
  EXPECT_EQ(p2["Accounts"].as_array().size(), 2u);
  EXPECT_FALSE(p2.contains("NextToken"));
}

TEST_F(OrgTest, MoveRemoveAndCloseAccounts) {
  org();
  std::string r = root_id(), a = ou(r, "A"), b = ou(r, "B"), acct = member("dev");
  expect_error(call("MoveAccount", {{"AccountId", "222222222222"}, {"SourceParentId", r}, {"DestinationParentId", a}}),
               "AccountNotFoundException");
  expect_error(call("MoveAccount", {{"AccountId", acct}, {"SourceParentId", "ou-zzzz-zzzzzzzz"}, {"DestinationParentId", a}}),
               "SourceParentNotFoundException");
  expect_error(call("MoveAccount", {{"AccountId", acct}, {"SourceParentId", r}, {"DestinationParentId", "ou-zzzz-zzzzzzzz"}}),
               "DestinationParentNotFoundException");
  expect_error(call("MoveAccount", {{"AccountId", acct}, {"SourceParentId", r}, {"DestinationParentId", r}}),
               "DuplicateAccountException");
  ok("MoveAccount", {{"AccountId", acct}, {"SourceParentId", r}, {"DestinationParentId", a}});
  EXPECT_EQ(ok("ListAccountsForParent", {{"ParentId", a}})["Accounts"].as_array().size(), 1u);
  EXPECT_EQ(ok("ListParents", {{"ChildId", acct}})["Parents"].as_array()[0].at("Id").as_string(), a);
  auto kids = ok("ListChildren", {{"ParentId", a}, {"ChildType", "ACCOUNT"}})["Children"].as_array();
  ASSERT_EQ(kids.size(), 1u);
  EXPECT_EQ(kids[0].at("Id").as_string(), acct);
  expect_error(call("MoveAccount", {{"AccountId", acct}, {"SourceParentId", b}, {"DestinationParentId", r}}),
               "AccountNotFoundException");

  expect_error(call("RemoveAccountFromOrganization", {{"AccountId", kMgmt}}), "ConstraintViolationException",
               "ACCOUNT_CANNOT_LEAVE_ORGANIZATION");
  expect_error(call("CloseAccount", {{"AccountId", kMgmt}}), "ConstraintViolationException",
               "CANNOT_CLOSE_MANAGEMENT_ACCOUNT");
  expect_error(call("DeleteOrganization"), "OrganizationNotEmptyException");

  ok("CloseAccount", {{"AccountId", acct}});
  auto d = ok("DescribeAccount", {{"AccountId", acct}})["Account"];
  EXPECT_EQ(d.at("Status").as_string(), "PENDING_CLOSURE");
  clock.advance(std::chrono::seconds(5));
  d = ok("DescribeAccount", {{"AccountId", acct}})["Account"];
  EXPECT_EQ(d.at("Status").as_string(), "SUSPENDED");
  expect_error(call("CloseAccount", {{"AccountId", acct}}), "AccountAlreadyClosedException");

  std::string leaver = member("leaver");
  expect_error(call("LeaveOrganization"), "MasterCannotLeaveOrganizationException");
  ok("LeaveOrganization", {}, leaver);
  expect_error(call("DescribeOrganization", {}, leaver), "AWSOrganizationsNotInUseException");
  std::string other = member("other");
  ok("RemoveAccountFromOrganization", {{"AccountId", other}});
  expect_error(call("DescribeAccount", {{"AccountId", other}}), "AccountNotFoundException");
  expect_error(call("DescribeOrganization", {}, other), "AWSOrganizationsNotInUseException");
  ok("RemoveAccountFromOrganization", {{"AccountId", acct}});
  ok("DeleteOrganization");
  expect_error(call("DescribeOrganization"), "AWSOrganizationsNotInUseException");
  org();  // a new one can be created
}

TEST_F(OrgTest, CloseAccountQuota) {
  org();
  quotas.set(kQuotaClosures, 1);
  std::string a = member("a"), b = member("b");
  ok("CloseAccount", {{"AccountId", a}});
  expect_error(call("CloseAccount", {{"AccountId", b}}), "ConstraintViolationException", "CLOSE_ACCOUNT_QUOTA_EXCEEDED");
}

TEST_F(OrgTest, MemberAccountsAreDeniedManagementOperations) {
  org();
  std::string m = member("m");
  ok("DescribeOrganization", {}, m);
  for (const char* op : {"ListAccounts", "ListRoots", "CreateOrganizationalUnit", "CreateAccount", "EnablePolicyType",
                         "DeleteOrganization", "EnableAWSServiceAccess", "RegisterDelegatedAdministrator"}) {
    auto r = call(op, {{"ParentId", "r-abcd"}, {"Name", "x"}, {"Email", "q@example.com"}, {"AccountName", "q"},
                       {"RootId", "r-abcd"}, {"PolicyType", kScp}, {"ServicePrincipal", "iam.amazonaws.com"},
                       {"AccountId", m}},
                  m);
    expect_error(r, "AccessDeniedException");
    EXPECT_EQ(r.error().message, "You don't have permissions to access this resource.") << op;
  }
  expect_error(call("ListAccounts", {}, kOutsider), "AWSOrganizationsNotInUseException");
}

TEST_F(OrgTest, ServiceControlPolicies) {
  org();
  std::string r = root_id(), a = ou(r, "A"), acct = member("dev");
  std::string p = scp("DenyS3");
  EXPECT_TRUE(std::regex_match(p, std::regex("p-[a-z0-9]{8}")));
  // Not enabled yet: no attachments, attach refused.
  expect_error(call("AttachPolicy", {{"PolicyId", p}, {"TargetId", a}}), "PolicyTypeNotEnabledException");
  auto root = ok("EnablePolicyType", {{"RootId", r}, {"PolicyType", kScp}})["Root"];
  EXPECT_EQ(root.at("PolicyTypes").as_array()[0].at("Status").as_string(), "ENABLED");
  expect_error(call("EnablePolicyType", {{"RootId", r}, {"PolicyType", kScp}}), "PolicyTypeAlreadyEnabledException");
  expect_error(call("EnablePolicyType", {{"RootId", "r-zzzz"}, {"PolicyType", kScp}}), "RootNotFoundException");
  // FullAWSAccess everywhere, including OUs and accounts made afterwards.
  EXPECT_EQ(policies_for(r), std::vector<std::string>{kFullAwsAccessId});
  EXPECT_EQ(policies_for(a), std::vector<std::string>{kFullAwsAccessId});
  EXPECT_EQ(policies_for(acct), std::vector<std::string>{kFullAwsAccessId});
  std::string b = ou(a, "B"), late = member("late");
  EXPECT_EQ(policies_for(b), std::vector<std::string>{kFullAwsAccessId});
  EXPECT_EQ(policies_for(late), std::vector<std::string>{kFullAwsAccessId});
  auto full = ok("DescribePolicy", {{"PolicyId", kFullAwsAccessId}})["Policy"].as_object();
  EXPECT_EQ(full.at("PolicySummary").at("Arn").as_string(), kFullAwsAccessArn);
  EXPECT_EQ(full.at("PolicySummary").at("AwsManaged").as_bool(), true);
  EXPECT_EQ(full.at("Content").as_string(), kFullAwsAccessContent);
  expect_error(call("DeletePolicy", {{"PolicyId", kFullAwsAccessId}}), "InvalidInputException", "IMMUTABLE_POLICY");

  // The last SCP of a target cannot go.
  expect_error(call("DetachPolicy", {{"PolicyId", kFullAwsAccessId}, {"TargetId", a}}), "ConstraintViolationException",
               "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
  ok("AttachPolicy", {{"PolicyId", p}, {"TargetId", a}});
  expect_error(call("AttachPolicy", {{"PolicyId", p}, {"TargetId", a}}), "DuplicatePolicyAttachmentException");
  ok("DetachPolicy", {{"PolicyId", kFullAwsAccessId}, {"TargetId", a}});
  EXPECT_EQ(policies_for(a), std::vector<std::string>{p});
  expect_error(call("DetachPolicy", {{"PolicyId", p}, {"TargetId", a}}), "ConstraintViolationException",
               "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
  expect_error(call("DetachPolicy", {{"PolicyId", kFullAwsAccessId}, {"TargetId", a}}), "PolicyNotAttachedException");
  expect_error(call("AttachPolicy", {{"PolicyId", p}, {"TargetId", "ou-zzzz-zzzzzzzz"}}), "TargetNotFoundException");
  expect_error(call("AttachPolicy", {{"PolicyId", "p-zzzzzzzz"}, {"TargetId", a}}), "PolicyNotFoundException");
  expect_error(call("DeletePolicy", {{"PolicyId", p}}), "PolicyInUseException");

  // At most five SCPs per target (a quota).
  for (int i = 0; i < 4; ++i) ok("AttachPolicy", {{"PolicyId", scp("P" + std::to_string(i))}, {"TargetId", acct}});
  std::string sixth = scp("Sixth");
  expect_error(call("AttachPolicy", {{"PolicyId", sixth}, {"TargetId", acct}}), "ConstraintViolationException",
               "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
  quotas.set(kQuotaScpsPerTarget, 6);
  ok("AttachPolicy", {{"PolicyId", sixth}, {"TargetId", acct}});

  auto targets = ok("ListTargetsForPolicy", {{"PolicyId", p}})["Targets"].as_array();
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].at("Type").as_string(), "ORGANIZATIONAL_UNIT");
  EXPECT_EQ(targets[0].at("Name").as_string(), "A");
  auto listed = ok("ListPolicies", {{"Filter", kScp}})["Policies"].as_array();
  EXPECT_EQ(listed.size(), 7u);  // FullAWSAccess + 6
  EXPECT_EQ(listed[0].at("Id").as_string(), kFullAwsAccessId);

  // Validation.
  expect_error(call("CreatePolicy", {{"Name", "DenyS3"}, {"Description", ""}, {"Type", kScp},
                                     {"Content", kFullAwsAccessContent}}),
               "DuplicatePolicyException");
  expect_error(call("CreatePolicy", {{"Name", "bad"}, {"Description", ""}, {"Type", kScp}, {"Content", "{not json"}}),
               "MalformedPolicyDocumentException");
  std::string big = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":")" + std::string(5200, 'a') +
                    R"(","Resource":"*"}]})";
  expect_error(call("CreatePolicy", {{"Name", "big"}, {"Description", ""}, {"Type", kScp}, {"Content", big}}),
               "ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED");
  quotas.set(kQuotaScps, 6);  // six of our own so far; FullAWSAccess does not count
  expect_error(call("CreatePolicy", {{"Name", "n8"}, {"Description", ""}, {"Type", kScp}, {"Content", kFullAwsAccessContent}}),
               "ConstraintViolationException", "POLICY_NUMBER_LIMIT_EXCEEDED");

  // Update and delete.
  auto u = ok("UpdatePolicy", {{"PolicyId", p}, {"Name", "Renamed"}, {"Description", "new"}})["Policy"];
  EXPECT_EQ(u.at("PolicySummary").at("Name").as_string(), "Renamed");
  EXPECT_EQ(u.at("PolicySummary").at("Description").as_string(), "new");
  expect_error(call("UpdatePolicy", {{"PolicyId", kFullAwsAccessId}, {"Name", "x"}}), "InvalidInputException",
               "IMMUTABLE_POLICY");
  quotas.set(kQuotaScps, 100);
  ok("DeletePolicy", {{"PolicyId", scp("Unused")}});

  // Disabling detaches everything of the type.
  auto dis = ok("DisablePolicyType", {{"RootId", r}, {"PolicyType", kScp}})["Root"];
  EXPECT_TRUE(dis.at("PolicyTypes").as_array().empty());
  EXPECT_TRUE(policies_for(a).empty());
  expect_error(call("DisablePolicyType", {{"RootId", r}, {"PolicyType", kScp}}), "PolicyTypeNotEnabledException");
}

TEST_F(OrgTest, ScpChainFollowsTheTree) {
  org();
  std::string r = root_id(), a = ou(r, "A"), b = ou(a, "B"), acct = member("dev");
  ok("MoveAccount", {{"AccountId", acct}, {"SourceParentId", r}, {"DestinationParentId", b}});
  EXPECT_TRUE(svc->scp_chain(acct).empty());  // SCPs not enabled
  ok("EnablePolicyType", {{"RootId", r}, {"PolicyType", kScp}});
  std::string deny = scp("DenyS3");
  ok("AttachPolicy", {{"PolicyId", deny}, {"TargetId", b}});
  auto chain = svc->scp_chain(acct);
  ASSERT_EQ(chain.size(), 4u);  // root, A, B, account
  EXPECT_EQ(chain[0].size(), 1u);
  EXPECT_EQ(chain[2].size(), 2u);
  EXPECT_TRUE(svc->scp_chain(kMgmt).empty());
  EXPECT_TRUE(svc->scp_chain(kOutsider).empty());
  // Compiled once; recompiled after an update.
  auto again = svc->scp_chain(acct);
  EXPECT_EQ(again[2][1].get(), chain[2][1].get());
  ok("UpdatePolicy", {{"PolicyId", deny},
                      {"Content", R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sqs:*","Resource":"*"}]})"}});
  auto updated = svc->scp_chain(acct);
  EXPECT_NE(updated[2][1].get(), chain[2][1].get());
}

TEST_F(OrgTest, FeatureSets) {
  org("CONSOLIDATED_BILLING");
  std::string r = root_id();
  expect_error(call("EnablePolicyType", {{"RootId", r}, {"PolicyType", kScp}}),
               "PolicyTypeNotAvailableForOrganizationException");
  expect_error(call("EnableAWSServiceAccess", {{"ServicePrincipal", "iam.amazonaws.com"}}), "ConstraintViolationException",
               "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE");
  EXPECT_FALSE(svc->membership(kMgmt)->all_features);
  auto h = ok("EnableAllFeatures")["Handshake"].as_object();
  EXPECT_EQ(h.at("Action").as_string(), "ENABLE_ALL_FEATURES");
  EXPECT_TRUE(std::regex_match(std::string(h.at("Id").as_string()), std::regex("h-[a-z0-9]{10}")));
  EXPECT_EQ(ok("DescribeOrganization")["Organization"].at("FeatureSet").as_string(), "ALL");
  auto again = call("EnableAllFeatures");
  expect_error(again, "HandshakeConstraintViolationException", "ORGANIZATION_ALREADY_HAS_ALL_FEATURES");
  EXPECT_EQ(again.error().message, "All features are already enabled on this organization.");
}

TEST_F(OrgTest, TrustedAccessAndDelegatedAdministrators) {
  org();
  std::string m = member("sec"), other = member("other");
  const json::object reg{{"AccountId", m}, {"ServicePrincipal", "iam.amazonaws.com"}};
  expect_error(call("RegisterDelegatedAdministrator", reg), "ConstraintViolationException", "SERVICE_ACCESS_NOT_ENABLED");
  expect_error(call("EnableAWSServiceAccess", {{"ServicePrincipal", "nope.example.com"}}), "InvalidInputException",
               "UNRECOGNIZED_SERVICE_PRINCIPAL");
  EXPECT_FALSE(svc->trusted_access_enabled("iam.amazonaws.com"));
  ok("EnableAWSServiceAccess", {{"ServicePrincipal", "iam.amazonaws.com"}});
  ok("EnableAWSServiceAccess", {{"ServicePrincipal", "iam.amazonaws.com"}});  // idempotent
  EXPECT_TRUE(svc->trusted_access_enabled("iam.amazonaws.com"));
  auto sa = ok("ListAWSServiceAccessForOrganization")["EnabledServicePrincipals"].as_array();
  ASSERT_EQ(sa.size(), 1u);
  EXPECT_TRUE(sa[0].as_object().contains("DateEnabled"));

  expect_error(call("RegisterDelegatedAdministrator", {{"AccountId", kMgmt}, {"ServicePrincipal", "iam.amazonaws.com"}}),
               "ConstraintViolationException", "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR");
  expect_error(call("RegisterDelegatedAdministrator", {{"AccountId", "222222222222"}, {"ServicePrincipal", "iam.amazonaws.com"}}),
               "AccountNotFoundException");
  // Before registration a member cannot read the organization's accounts; afterwards it can.
  expect_error(call("ListAccounts", {}, m), "AccessDeniedException");
  ok("RegisterDelegatedAdministrator", reg);
  expect_error(call("RegisterDelegatedAdministrator", reg), "AccountAlreadyRegisteredException");
  EXPECT_EQ(svc->delegated_administrators("iam.amazonaws.com"), std::vector<std::string>{m});
  EXPECT_EQ(ok("ListAccounts", {}, m)["Accounts"].as_array().size(), 3u);
  expect_error(call("CreateOrganizationalUnit", {{"ParentId", root_id()}, {"Name", "x"}}, m), "AccessDeniedException");

  auto admins = ok("ListDelegatedAdministrators", {{"ServicePrincipal", "iam.amazonaws.com"}})["DelegatedAdministrators"].as_array();
  ASSERT_EQ(admins.size(), 1u);
  EXPECT_EQ(admins[0].at("Id").as_string(), m);
  EXPECT_TRUE(admins[0].as_object().contains("DelegationEnabledDate"));
  auto services = ok("ListDelegatedServicesForAccount", {{"AccountId", m}})["DelegatedServices"].as_array();
  ASSERT_EQ(services.size(), 1u);
  EXPECT_EQ(services[0].at("ServicePrincipal").as_string(), "iam.amazonaws.com");
  expect_error(call("ListDelegatedServicesForAccount", {{"AccountId", other}}), "AccountNotRegisteredException");

  expect_error(call("DisableAWSServiceAccess", {{"ServicePrincipal", "iam.amazonaws.com"}}), "ConstraintViolationException",
               "DELEGATED_ADMINISTRATOR_EXISTS_FOR_THIS_SERVICE");
  expect_error(call("RemoveAccountFromOrganization", {{"AccountId", m}}), "ConstraintViolationException",
               "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG");
  // Another member cannot deregister it; the delegate itself can.
  expect_error(call("DeregisterDelegatedAdministrator", reg, other), "AccessDeniedException");
  ok("DeregisterDelegatedAdministrator", reg, m);
  expect_error(call("DeregisterDelegatedAdministrator", reg), "AccountNotRegisteredException");
  ok("DisableAWSServiceAccess", {{"ServicePrincipal", "iam.amazonaws.com"}});
  EXPECT_FALSE(svc->trusted_access_enabled("iam.amazonaws.com"));

  // The per-service quota.
  ok("EnableAWSServiceAccess", {{"ServicePrincipal", "sso.amazonaws.com"}});
  quotas.set(kQuotaDelegatedAdmins, 1);
  ok("RegisterDelegatedAdministrator", {{"AccountId", m}, {"ServicePrincipal", "sso.amazonaws.com"}});
  expect_error(call("RegisterDelegatedAdministrator", {{"AccountId", other}, {"ServicePrincipal", "sso.amazonaws.com"}}),
               "ConstraintViolationException", "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED");
}

TEST_F(OrgTest, Tags) {
  org();
  std::string r = root_id(), a = ou(r, "A"), acct = member("dev"), p = scp("P");
  for (const auto& id : {r, a, acct, p}) {
    ok("TagResource", {{"ResourceId", id}, {"Tags", json::array{json::object{{"Key", "env"}, {"Value", "prod"}}}}});
    auto tags = ok("ListTagsForResource", {{"ResourceId", id}})["Tags"].as_array();
    ASSERT_EQ(tags.size(), 1u) << id;
    EXPECT_EQ(tags[0].at("Value").as_string(), "prod");
    ok("UntagResource", {{"ResourceId", id}, {"TagKeys", json::array{"env"}}});
    EXPECT_TRUE(ok("ListTagsForResource", {{"ResourceId", id}})["Tags"].as_array().empty());
  }
  expect_error(call("TagResource", {{"ResourceId", "222222222222"}, {"Tags", json::array{}}}), "TargetNotFoundException");
  expect_error(call("ListTagsForResource", {{"ResourceId", "ou-zzzz-zzzzzzzz"}}), "TargetNotFoundException");
  expect_error(call("TagResource", {{"ResourceId", a}, {"Tags", json::array{json::object{{"Key", "aws:x"}, {"Value", "v"}}}}}),
               "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER");
  quotas.set(kQuotaTags, 2);
  json::array three;
  for (int i = 0; i < 3; ++i) three.push_back(json::object{{"Key", "k" + std::to_string(i)}, {"Value", "v"}});
  expect_error(call("TagResource", {{"ResourceId", a}, {"Tags", three}}), "ConstraintViolationException",
               "MAX_TAG_LIMIT_EXCEEDED");
  // Tags given at creation.
  auto t = ok("CreateOrganizationalUnit",
              {{"ParentId", r}, {"Name", "T"}, {"Tags", json::array{json::object{{"Key", "a"}, {"Value", "b"}}}}});
  std::string tid(t["OrganizationalUnit"].at("Id").as_string());
  EXPECT_EQ(ok("ListTagsForResource", {{"ResourceId", tid}})["Tags"].as_array().size(), 1u);
  auto c = ok("CreateAccount", {{"Email", "t@example.com"}, {"AccountName", "t"},
                                {"Tags", json::array{json::object{{"Key", "team"}, {"Value", "x"}}}}});
  auto s = ok("DescribeCreateAccountStatus", {{"CreateAccountRequestId", c["CreateAccountStatus"].at("Id")}});
  EXPECT_EQ(ok("ListTagsForResource", {{"ResourceId", s["CreateAccountStatus"].at("AccountId")}})["Tags"].as_array().size(),
            1u);
}

TEST_F(OrgTest, AccountShape) {
  org();
  std::string r = root_id(), a = ou(r, "A"), acct = member("dev");
  ok("MoveAccount", {{"AccountId", acct}, {"SourceParentId", r}, {"DestinationParentId", a}});
  auto d = ok("DescribeAccount", {{"AccountId", acct}})["Account"].as_object();
  std::string org_id(ok("DescribeOrganization")["Organization"].at("Id").as_string());
  EXPECT_EQ(d.at("Arn").as_string(), "arn:aws:organizations::111111111111:account/" + org_id + "/" + acct);
  EXPECT_EQ(d.at("Paths").as_array()[0].as_string(), org_id + "/" + r + "/" + a + "/" + acct + "/");
  EXPECT_EQ(d.at("State").as_string(), "ACTIVE");
  EXPECT_EQ(d.at("Email").as_string(), "dev@example.com");
  auto m = ok("DescribeAccount", {{"AccountId", kMgmt}})["Account"].as_object();
  EXPECT_EQ(m.at("Name").as_string(), "Management");
}

TEST_F(OrgTest, AuthzTargetNamesTheResourceAndConditionKeys) {
  org();
  std::string r = root_id(), a = ou(r, "A"), acct = member("dev"), p = scp("P");
  std::string org_id(ok("DescribeOrganization")["Organization"].at("Id").as_string());
  auth::Principal who;
  who.type = auth::PrincipalType::IamUser;
  who.account_id = kMgmt;
  CallContext ctx{who, "req", "us-east-1", "127.0.0.1"};
  auto key = [](const AuthzTarget& t, const std::string& k) {
    for (const auto& [n, v] : t.context)
      if (n == k) return v;
    return std::string("<none>");
  };
  auto t = svc->authz_target("DescribeAccount", {{"AccountId", acct}}, ctx);
  EXPECT_EQ(t.action, "organizations:DescribeAccount");
  EXPECT_EQ(t.resource, "arn:aws:organizations::111111111111:account/" + org_id + "/" + acct);
  t = svc->authz_target("DeleteOrganizationalUnit", {{"OrganizationalUnitId", a}}, ctx);
  EXPECT_EQ(t.resource, "arn:aws:organizations::111111111111:ou/" + org_id + "/" + a);
  t = svc->authz_target("AttachPolicy", {{"PolicyId", p}, {"TargetId", a}}, ctx);
  EXPECT_EQ(t.resource, "arn:aws:organizations::111111111111:policy/" + org_id + "/service_control_policy/" + p);
  EXPECT_EQ(key(t, "organizations:PolicyType"), kScp);
  t = svc->authz_target("DescribePolicy", {{"PolicyId", kFullAwsAccessId}}, ctx);
  EXPECT_EQ(t.resource, kFullAwsAccessArn);
  t = svc->authz_target("EnablePolicyType", {{"RootId", r}, {"PolicyType", kScp}}, ctx);
  EXPECT_EQ(t.resource, "arn:aws:organizations::111111111111:root/" + org_id + "/" + r);
  t = svc->authz_target("EnableAWSServiceAccess", {{"ServicePrincipal", "iam.amazonaws.com"}}, ctx);
  EXPECT_EQ(t.resource, "*");
  EXPECT_EQ(key(t, "organizations:ServicePrincipal"), "iam.amazonaws.com");
  t = svc->authz_target("ListAccounts", {}, ctx);
  EXPECT_EQ(t.resource, "*");
}

}  // namespace
}  // namespace orgroot::services::organizations
