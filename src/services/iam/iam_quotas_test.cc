// Every quota IAM's core enforces reads its limit through Quotas (`--quota NAME=VALUE`), with AWS's
// default when not overridden and AWS's LimitExceeded message either way.
#include "services/iam/iam_quotas.h"

#include <gtest/gtest.h>

#include "services/iam/iam_test_util.h"

namespace orgroot::services::iam {
namespace {

using namespace testing;
using boost::json::object;

class IamQuotasTest : public IamFixture {
 protected:
  void expect_limit(const AwsError& e, const std::string& message) {
    EXPECT_EQ(e.code, "LimitExceeded");
    EXPECT_EQ(e.http_status, 409);
    EXPECT_EQ(e.message, message);
  }
};

// An identity policy of about `size` characters (white space outside strings is not counted).
std::string big_policy(size_t size) {
  std::string resources;
  int i = 0;
  while (resources.size() + 120 < size) {
    if (!resources.empty()) resources += ",";
    resources += "\"arn:aws:s3:::bucket-number-" + std::to_string(i++) + "/*\"";
  }
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[)" + resources +
         "]}]}";
}

// A trust policy of about `size` characters.
std::string big_trust(size_t size) {
  std::string conds;
  int i = 0;
  while (conds.size() + 160 < size) {
    if (!conds.empty()) conds += ",";
    conds += "\"external-id-number-" + std::to_string(i++) + "\"";
  }
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},)"
         R"("Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":[)" +
         conds + "]}}}]}";
}

TEST_F(IamQuotasTest, EntityCountsPerAccount) {
  quotas.set(kQuotaUsers, 2);  // admin + one
  ok("CreateUser", {{"UserName", "u1"}});
  expect_limit(err("CreateUser", {{"UserName", "u2"}}), "Cannot exceed quota for UsersPerAccount: 2");
  EXPECT_EQ(err("GetUser", {{"UserName", "u2"}}).code, "NoSuchEntity");  // nothing created
  quotas.set(kQuotaUsers, 3);
  ok("CreateUser", {{"UserName", "u2"}});

  quotas.set(kQuotaGroups, 1);
  ok("CreateGroup", {{"GroupName", "g1"}});
  expect_limit(err("CreateGroup", {{"GroupName", "g2"}}), "Cannot exceed quota for GroupsPerAccount: 1");

  quotas.set(kQuotaRoles, 1);
  ok("CreateRole", {{"RoleName", "r1"}, {"AssumeRolePolicyDocument", trust_for(kAccount)}});
  expect_limit(err("CreateRole", {{"RoleName", "r2"}, {"AssumeRolePolicyDocument", trust_for(kAccount)}}),
               "Cannot exceed quota for RolesPerAccount: 1");

  quotas.set(kQuotaPolicies, 1);
  ok("CreatePolicy", {{"PolicyName", "p1"}, {"PolicyDocument", kAllowS3}});
  expect_limit(err("CreatePolicy", {{"PolicyName", "p2"}, {"PolicyDocument", kAllowS3}}),
               "Cannot exceed quota for PoliciesPerAccount: 1");
}

TEST_F(IamQuotasTest, DefaultsAreAws) {
  for (int i = 0; i < 10; ++i) {
    ok("CreateGroup", {{"GroupName", "g" + std::to_string(i)}});
    ok("AddUserToGroup", {{"GroupName", "g" + std::to_string(i)}, {"UserName", "admin"}});
  }
  ok("CreateGroup", {{"GroupName", "g10"}});
  expect_limit(err("AddUserToGroup", {{"GroupName", "g10"}, {"UserName", "admin"}}),
               "Cannot exceed quota for GroupsPerUser: 10");
  quotas.set(kQuotaGroupsPerUser, 11);
  ok("AddUserToGroup", {{"GroupName", "g10"}, {"UserName", "admin"}});

  ok("CreatePolicy", {{"PolicyName", "versions"}, {"PolicyDocument", kAllowS3}});
  const std::string arn = "arn:aws:iam::111111111111:policy/versions";
  for (int i = 0; i < 4; ++i) ok("CreatePolicyVersion", {{"PolicyArn", arn}, {"PolicyDocument", kAllowS3}});
  expect_limit(err("CreatePolicyVersion", {{"PolicyArn", arn}, {"PolicyDocument", kAllowS3}}),
               "A managed policy can have up to 5 versions. Before you create a new version, you must delete an "
               "existing version.");
  quotas.set(kQuotaVersionsPerPolicy, 6);
  ok("CreatePolicyVersion", {{"PolicyArn", arn}, {"PolicyDocument", kAllowS3}});
  quotas.set(kQuotaVersionsPerPolicy, 3);
  expect_limit(err("CreatePolicyVersion", {{"PolicyArn", arn}, {"PolicyDocument", kAllowS3}}),
               "A managed policy can have up to 3 versions. Before you create a new version, you must delete an "
               "existing version.");
}

TEST_F(IamQuotasTest, AttachedPoliciesPerEntity) {
  const char* arns[] = {"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
                        "arn:aws:iam::aws:policy/AmazonS3FullAccess"};
  ok("CreateUser", {{"UserName", "u"}});
  ok("CreateGroup", {{"GroupName", "g"}});
  ok("CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", trust_for(kAccount)}});
  quotas.set(kQuotaPoliciesPerUser, 1);
  quotas.set(kQuotaPoliciesPerGroup, 2);
  quotas.set(kQuotaPoliciesPerRole, 1);
  ok("AttachUserPolicy", {{"UserName", "u"}, {"PolicyArn", arns[0]}});
  ok("AttachUserPolicy", {{"UserName", "u"}, {"PolicyArn", arns[0]}});  // already attached: not counted twice
  expect_limit(err("AttachUserPolicy", {{"UserName", "u"}, {"PolicyArn", arns[1]}}),
               "Cannot exceed quota for PoliciesPerUser: 1");
  ok("AttachGroupPolicy", {{"GroupName", "g"}, {"PolicyArn", arns[0]}});
  ok("AttachGroupPolicy", {{"GroupName", "g"}, {"PolicyArn", arns[1]}});
  expect_limit(err("AttachGroupPolicy", {{"GroupName", "g"}, {"PolicyArn", arns[2]}}),
               "Cannot exceed quota for PoliciesPerGroup: 2");
  ok("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", arns[0]}});
  expect_limit(err("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", arns[1]}}),
               "Cannot exceed quota for PoliciesPerRole: 1");
  EXPECT_EQ(ok("ListAttachedRolePolicies", {{"RoleName", "r"}})["AttachedPolicies"].as_array().size(), 1u);
}

TEST_F(IamQuotasTest, PolicySizes) {
  const std::string doc7k = big_policy(7000);
  ASSERT_GT(policy::PolicySizeWithoutWhitespace(doc7k), 6144u);
  expect_limit(err("CreatePolicy", {{"PolicyName", "big"}, {"PolicyDocument", doc7k}}),
               "Cannot exceed quota for PolicySize: 6144");
  quotas.set(kQuotaManagedPolicySize, 8192);
  ok("CreatePolicy", {{"PolicyName", "big"}, {"PolicyDocument", doc7k}});
  quotas.set(kQuotaManagedPolicySize, 50);
  expect_limit(err("CreatePolicyVersion", {{"PolicyArn", "arn:aws:iam::111111111111:policy/big"},
                                          {"PolicyDocument", kAllowAll}}),
               "Cannot exceed quota for PolicySize: 50");

  const std::string doc3k = big_policy(3000);
  ok("CreateUser", {{"UserName", "u"}});
  expect_limit(err("PutUserPolicy", {{"UserName", "u"}, {"PolicyName", "p"}, {"PolicyDocument", doc3k}}),
               "Maximum policy size of 2048 bytes exceeded for user u");
  quotas.set(kQuotaUserPolicySize, 4096);
  ok("PutUserPolicy", {{"UserName", "u"}, {"PolicyName", "p"}, {"PolicyDocument", doc3k}});

  ok("CreateGroup", {{"GroupName", "g"}});
  quotas.set(kQuotaGroupPolicySize, 1000);
  expect_limit(err("PutGroupPolicy", {{"GroupName", "g"}, {"PolicyName", "p"}, {"PolicyDocument", doc3k}}),
               "Maximum policy size of 1000 bytes exceeded for group g");

  ok("CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", trust_for(kAccount)}});
  quotas.set(kQuotaRolePolicySize, 2000);
  expect_limit(err("PutRolePolicy", {{"RoleName", "r"}, {"PolicyName", "p"}, {"PolicyDocument", doc3k}}),
               "Maximum policy size of 2000 bytes exceeded for role r");

  const std::string trust3k = big_trust(3000);
  ASSERT_GT(policy::PolicySizeWithoutWhitespace(trust3k), 2048u);
  expect_limit(err("CreateRole", {{"RoleName", "t"}, {"AssumeRolePolicyDocument", trust3k}}),
               "Cannot exceed quota for ACLSizePerRole: 2048");
  quotas.set(kQuotaTrustPolicySize, 4096);
  ok("CreateRole", {{"RoleName", "t"}, {"AssumeRolePolicyDocument", trust3k}});
  quotas.set(kQuotaTrustPolicySize, 200);
  expect_limit(err("UpdateAssumeRolePolicy", {{"RoleName", "t"}, {"PolicyDocument", trust3k}}),
               "Cannot exceed quota for ACLSizePerRole: 200");
}

}  // namespace
}  // namespace orgroot::services::iam
