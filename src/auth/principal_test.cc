// A principal survives its serialization (sessions carry it in their tokens), with and without
// the members that are often empty.
#include "auth/principal.h"

#include <gtest/gtest.h>

namespace orgroot::auth {
namespace {

void expect_same(const Principal& a, const Principal& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.account_id, b.account_id);
  EXPECT_EQ(a.arn, b.arn);
  EXPECT_EQ(a.user_id, b.user_id);
  EXPECT_EQ(a.user_name, b.user_name);
  EXPECT_EQ(a.session_issuer, b.session_issuer);
  EXPECT_EQ(a.mfa_authenticated, b.mfa_authenticated);
  EXPECT_EQ(a.source_identity, b.source_identity);
  EXPECT_EQ(a.role_arn, b.role_arn);
  EXPECT_EQ(a.role_id, b.role_id);
  EXPECT_EQ(a.role_name, b.role_name);
  EXPECT_EQ(a.session_policies, b.session_policies);
  EXPECT_EQ(a.session_tags, b.session_tags);
  EXPECT_EQ(a.transitive_tag_keys, b.transitive_tag_keys);
  EXPECT_EQ(a.task_policy_arn, b.task_policy_arn);
}

TEST(PrincipalJson, RoleSessionWithEverythingRoundTrips) {
  Principal p;
  p.type = PrincipalType::AssumedRole;
  p.account_id = "111111111111";
  p.arn = "arn:aws:sts::111111111111:assumed-role/r/s";
  p.user_id = "AROAEXAMPLE:s";
  p.user_name = "s";
  p.session_issuer = "AssumeRole";
  p.mfa_authenticated = true;
  p.source_identity = "alice \"quoted\"";
  p.role_arn = "arn:aws:iam::111111111111:role/r";
  p.role_id = "AROAEXAMPLE";
  p.role_name = "r";
  p.session_policies = {R"({"Version":"2012-10-17","Statement":[]})", "arn:aws:iam::aws:policy/ReadOnlyAccess"};
  p.session_tags = {{"team", "a\nb"}, {"k", ""}};
  p.transitive_tag_keys = {"team"};
  expect_same(Principal::from_json(p.to_json()), p);
}

TEST(PrincipalJson, EmptyMembersAreLeftOutAndReadBackEmpty) {
  Principal p;
  p.type = PrincipalType::Root;
  p.account_id = "222222222222";
  p.arn = "arn:aws:iam::222222222222:root";
  p.session_issuer = "AssumeRoot";
  p.task_policy_arn = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
  const std::string json = p.to_json();
  EXPECT_EQ(json.find("session_policies"), std::string::npos);
  EXPECT_EQ(json.find("role_arn"), std::string::npos);
  EXPECT_EQ(json.find("mfa_authenticated"), std::string::npos);
  expect_same(Principal::from_json(json), p);
}

}  // namespace
}  // namespace orgroot::auth
