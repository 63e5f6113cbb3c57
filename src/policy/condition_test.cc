#include "policy/condition.h"

#include <gtest/gtest.h>

#include <functional>

#include "policy/policy_test_util.h"

namespace orgroot::policy {
namespace {

using testing::Ctx;
using testing::Doc;
using testing::MustCompile;

// One condition block inside an Allow statement on everything: does it allow this request?
bool ConditionHolds(const std::string& condition, const RequestContext& ctx, std::string_view version = "2012-10-17") {
  auto p = MustCompile(Doc(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":)" + condition + "}", version));
  return p && p->Evaluate(ctx).decision == Decision::Allow;
}

struct Row {
  const char* name;
  const char* condition;
  std::function<void(RequestContext&)> setup;
  bool want;
};

void RunRows(const std::vector<Row>& rows) {
  for (const auto& r : rows) {
    RequestContext c = Ctx("s3:GetObject", "arn:aws:s3:::b/k");
    if (r.setup) r.setup(c);
    EXPECT_EQ(ConditionHolds(r.condition, c), r.want) << r.name << ": " << r.condition;
  }
}

auto Set(std::string k, std::string v) {
  return [k, v](RequestContext& c) { c.Set(k, v); };
}
auto SetMany(std::string k, std::vector<std::string> v) {
  return [k, v](RequestContext& c) { c.SetValues(k, v); };
}

TEST(Condition, StringOperators) {
  RunRows({
      {"equals", R"({"StringEquals":{"aws:PrincipalTag/team":"red"}})", Set("aws:PrincipalTag/team", "red"), true},
      {"equals case-sensitive", R"({"StringEquals":{"aws:PrincipalTag/team":"RED"}})", Set("aws:PrincipalTag/team", "red"), false},
      {"equals any of values", R"({"StringEquals":{"aws:PrincipalTag/team":["blue","red"]}})", Set("aws:PrincipalTag/team", "red"), true},
      {"equals key case-insensitive", R"({"StringEquals":{"AWS:PRINCIPALTAG/TEAM":"red"}})", Set("aws:principaltag/team", "red"), true},
      {"equals missing key", R"({"StringEquals":{"aws:PrincipalTag/team":"red"}})", nullptr, false},
      {"equals wildcard is literal", R"({"StringEquals":{"aws:PrincipalTag/team":"r*"}})", Set("aws:PrincipalTag/team", "red"), false},
      {"not equals", R"({"StringNotEquals":{"aws:PrincipalTag/team":"blue"}})", Set("aws:PrincipalTag/team", "red"), true},
      {"not equals same", R"({"StringNotEquals":{"aws:PrincipalTag/team":"red"}})", Set("aws:PrincipalTag/team", "red"), false},
      {"not equals missing key is true", R"({"StringNotEquals":{"aws:PrincipalTag/team":"red"}})", nullptr, true},
      {"ignore case", R"({"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"RED"}})", Set("aws:PrincipalTag/team", "red"), true},
      {"ignore case other", R"({"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"BLUE"}})", Set("aws:PrincipalTag/team", "red"), false},
      {"not equals ignore case", R"({"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"RED"}})", Set("aws:PrincipalTag/team", "red"), false},
      {"not equals ignore case other", R"({"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"BLUE"}})", Set("aws:PrincipalTag/team", "red"), true},
      {"like", R"({"StringLike":{"s3:prefix":"home/*"}})", Set("s3:prefix", "home/bob/x"), true},
      {"like ?", R"({"StringLike":{"s3:prefix":"h?me"}})", Set("s3:prefix", "home"), true},
      {"like no match", R"({"StringLike":{"s3:prefix":"home/*"}})", Set("s3:prefix", "work/x"), false},
      {"like case-sensitive", R"({"StringLike":{"s3:prefix":"HOME/*"}})", Set("s3:prefix", "home/x"), false},
      {"not like", R"({"StringNotLike":{"s3:prefix":"home/*"}})", Set("s3:prefix", "work/x"), true},
      {"not like matching", R"({"StringNotLike":{"s3:prefix":"home/*"}})", Set("s3:prefix", "home/x"), false},
      {"not like missing", R"({"StringNotLike":{"s3:prefix":"home/*"}})", nullptr, true},
      {"number value", R"({"StringEquals":{"s3:max-keys":10}})", Set("s3:max-keys", "10"), true},
      {"bool value", R"({"StringEquals":{"aws:SecureTransport":true}})", Set("aws:SecureTransport", "true"), true},
  });
}

TEST(Condition, NumericOperators) {
  RunRows({
      {"eq", R"({"NumericEquals":{"s3:max-keys":"10"}})", Set("s3:max-keys", "10"), true},
      {"eq decimal", R"({"NumericEquals":{"s3:max-keys":"10.0"}})", Set("s3:max-keys", "10"), true},
      {"eq number", R"({"NumericEquals":{"s3:max-keys":10}})", Set("s3:max-keys", "10"), true},
      {"eq other", R"({"NumericEquals":{"s3:max-keys":"11"}})", Set("s3:max-keys", "10"), false},
      {"ne", R"({"NumericNotEquals":{"s3:max-keys":"11"}})", Set("s3:max-keys", "10"), true},
      {"ne same", R"({"NumericNotEquals":{"s3:max-keys":"10"}})", Set("s3:max-keys", "10"), false},
      {"lt", R"({"NumericLessThan":{"s3:max-keys":"11"}})", Set("s3:max-keys", "10"), true},
      {"lt equal", R"({"NumericLessThan":{"s3:max-keys":"10"}})", Set("s3:max-keys", "10"), false},
      {"le", R"({"NumericLessThanEquals":{"s3:max-keys":"10"}})", Set("s3:max-keys", "10"), true},
      {"le over", R"({"NumericLessThanEquals":{"s3:max-keys":"9"}})", Set("s3:max-keys", "10"), false},
      {"gt", R"({"NumericGreaterThan":{"s3:max-keys":"9"}})", Set("s3:max-keys", "10"), true},
      {"gt equal", R"({"NumericGreaterThan":{"s3:max-keys":"10"}})", Set("s3:max-keys", "10"), false},
      {"ge", R"({"NumericGreaterThanEquals":{"s3:max-keys":"10"}})", Set("s3:max-keys", "10"), true},
      {"ge under", R"({"NumericGreaterThanEquals":{"s3:max-keys":"11"}})", Set("s3:max-keys", "10"), false},
      {"not a number", R"({"NumericEquals":{"s3:max-keys":"10"}})", Set("s3:max-keys", "ten"), false},
      {"missing", R"({"NumericEquals":{"s3:max-keys":"10"}})", nullptr, false},
      {"ne missing", R"({"NumericNotEquals":{"s3:max-keys":"10"}})", nullptr, true},
  });
}

TEST(Condition, DateOperators) {
  RunRows({
      {"eq iso", R"({"DateEquals":{"aws:CurrentTime":"2024-11-15T00:00:00Z"}})", Set("aws:CurrentTime", "2024-11-15T00:00:00Z"), true},
      {"eq iso vs epoch", R"({"DateEquals":{"aws:EpochTime":"2024-11-15T00:00:00Z"}})", Set("aws:EpochTime", "1731628800"), true},
      {"eq epoch policy", R"({"DateEquals":{"aws:CurrentTime":"1731628800"}})", Set("aws:CurrentTime", "2024-11-15T00:00:00Z"), true},
      {"eq date only", R"({"DateEquals":{"aws:CurrentTime":"2024-11-15"}})", Set("aws:CurrentTime", "2024-11-15T00:00:00Z"), true},
      {"eq offset", R"({"DateEquals":{"aws:CurrentTime":"2024-11-15T01:00:00+01:00"}})", Set("aws:CurrentTime", "2024-11-15T00:00:00Z"), true},
      {"eq millis", R"({"DateEquals":{"aws:CurrentTime":"2024-11-15T00:00:00.000Z"}})", Set("aws:CurrentTime", "2024-11-15T00:00:00Z"), true},
      {"ne", R"({"DateNotEquals":{"aws:CurrentTime":"2024-11-16T00:00:00Z"}})", Set("aws:CurrentTime", "2024-11-15T00:00:00Z"), true},
      {"ne same", R"({"DateNotEquals":{"aws:CurrentTime":"2024-11-15T00:00:00Z"}})", Set("aws:CurrentTime", "2024-11-15T00:00:00Z"), false},
      {"lt", R"({"DateLessThan":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}})", Set("aws:CurrentTime", "2024-11-15T00:00:00Z"), true},
      {"lt after", R"({"DateLessThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}})", Set("aws:CurrentTime", "2024-11-15T00:00:00Z"), false},
      {"le", R"({"DateLessThanEquals":{"aws:CurrentTime":"2024-11-15T00:00:00Z"}})", Set("aws:CurrentTime", "2024-11-15T00:00:00Z"), true},
      {"gt", R"({"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}})", Set("aws:CurrentTime", "2024-11-15T00:00:00Z"), true},
      {"gt before", R"({"DateGreaterThan":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}})", Set("aws:CurrentTime", "2024-11-15T00:00:00Z"), false},
      {"ge", R"({"DateGreaterThanEquals":{"aws:CurrentTime":"2024-11-15T00:00:00Z"}})", Set("aws:CurrentTime", "2024-11-15T00:00:00Z"), true},
      {"bad date", R"({"DateEquals":{"aws:CurrentTime":"2024-11-15T00:00:00Z"}})", Set("aws:CurrentTime", "yesterday"), false},
      {"missing", R"({"DateLessThan":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}})", nullptr, false},
  });
}

TEST(Condition, BoolBinaryIp) {
  RunRows({
      {"bool true", R"({"Bool":{"aws:SecureTransport":"true"}})", Set("aws:SecureTransport", "true"), true},
      {"bool json true", R"({"Bool":{"aws:SecureTransport":true}})", Set("aws:SecureTransport", "true"), true},
      {"bool case", R"({"Bool":{"aws:SecureTransport":"True"}})", Set("aws:SecureTransport", "true"), true},
      {"bool false vs true", R"({"Bool":{"aws:SecureTransport":"false"}})", Set("aws:SecureTransport", "true"), false},
      {"bool missing", R"({"Bool":{"aws:MultiFactorAuthPresent":"false"}})", nullptr, false},
      {"bool if exists missing", R"({"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}})", nullptr, true},
      {"binary", R"({"BinaryEquals":{"x:blob":"QmluYXJ5VmFsdWU="}})", Set("x:blob", "QmluYXJ5VmFsdWU="), true},
      {"binary unpadded", R"({"BinaryEquals":{"x:blob":"QmluYXJ5VmFsdWU"}})", Set("x:blob", "QmluYXJ5VmFsdWU="), true},
      {"binary other", R"({"BinaryEquals":{"x:blob":"b3RoZXI="}})", Set("x:blob", "QmluYXJ5VmFsdWU="), false},
      {"ip cidr", R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", Set("aws:SourceIp", "203.0.113.7"), true},
      {"ip cidr outside", R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", Set("aws:SourceIp", "203.0.114.7"), false},
      {"ip single", R"({"IpAddress":{"aws:SourceIp":"203.0.113.7"}})", Set("aws:SourceIp", "203.0.113.7"), true},
      {"ip /0", R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})", Set("aws:SourceIp", "8.8.8.8"), true},
      {"ip list", R"({"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.0/24"]}})", Set("aws:SourceIp", "192.0.2.1"), true},
      {"ipv6", R"({"IpAddress":{"aws:SourceIp":"2001:db8::/32"}})", Set("aws:SourceIp", "2001:db8:1::5"), true},
      {"ipv6 outside", R"({"IpAddress":{"aws:SourceIp":"2001:db8::/32"}})", Set("aws:SourceIp", "2001:db9::5"), false},
      {"ipv4 vs ipv6 net", R"({"IpAddress":{"aws:SourceIp":"2001:db8::/32"}})", Set("aws:SourceIp", "10.0.0.1"), false},
      {"not ip", R"({"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", Set("aws:SourceIp", "198.51.100.1"), true},
      {"not ip inside", R"({"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", Set("aws:SourceIp", "203.0.113.1"), false},
      {"not ip missing", R"({"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", nullptr, true},
  });
}

TEST(Condition, ArnOperators) {
  RunRows({
      {"arn equals", R"({"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:t"}})", Set("aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:t"), true},
      {"arn equals other", R"({"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:t"}})", Set("aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:u"), false},
      {"arn equals wildcard", R"({"ArnEquals":{"aws:SourceArn":"arn:aws:sns:*:111122223333:*"}})", Set("aws:SourceArn", "arn:aws:sns:eu-west-1:111122223333:t"), true},
      {"arn like", R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}})", Set("aws:PrincipalArn", "arn:aws:iam::333333333333:root"), true},
      {"arn like role", R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}})", Set("aws:PrincipalArn", "arn:aws:iam::333333333333:role/r"), false},
      {"arn like non-arn", R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}})", Set("aws:PrincipalArn", "root"), false},
      {"arn not equals", R"({"ArnNotEquals":{"sts:TaskPolicyArn":"arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"}})", Set("sts:TaskPolicyArn", "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"), true},
      {"arn not equals same", R"({"ArnNotEquals":{"sts:TaskPolicyArn":"arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"}})", Set("sts:TaskPolicyArn", "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"), false},
      {"arn not like", R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}})", Set("aws:PrincipalArn", "arn:aws:iam::1:user/u"), true},
      {"arn not like missing", R"({"ArnNotLike":{"aws:SourceArn":"arn:aws:iam::*:root"}})", nullptr, true},
  });
}

TEST(Condition, NullAndIfExists) {
  RunRows({
      {"null true missing", R"({"Null":{"aws:AssumedRoot":"true"}})", nullptr, true},
      {"null true present", R"({"Null":{"aws:AssumedRoot":"true"}})", Set("aws:AssumedRoot", "true"), false},
      {"null false present", R"({"Null":{"aws:AssumedRoot":"false"}})", Set("aws:AssumedRoot", "true"), true},
      {"null false missing", R"({"Null":{"aws:AssumedRoot":"false"}})", nullptr, false},
      {"null bool json", R"({"Null":{"aws:AssumedRoot":true}})", nullptr, true},
      {"null empty set is absent", R"({"Null":{"aws:TagKeys":"true"}})", SetMany("aws:TagKeys", {}), true},
      {"ifexists missing", R"({"StringEqualsIfExists":{"aws:PrincipalTag/team":"red"}})", nullptr, true},
      {"ifexists present match", R"({"StringEqualsIfExists":{"aws:PrincipalTag/team":"red"}})", Set("aws:PrincipalTag/team", "red"), true},
      {"ifexists present mismatch", R"({"StringEqualsIfExists":{"aws:PrincipalTag/team":"red"}})", Set("aws:PrincipalTag/team", "blue"), false},
      {"not ifexists missing", R"({"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"red"}})", nullptr, true},
      {"not ifexists same", R"({"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"red"}})", Set("aws:PrincipalTag/team", "red"), false},
      {"numeric ifexists", R"({"NumericLessThanIfExists":{"s3:max-keys":"5"}})", nullptr, true},
      {"date ifexists", R"({"DateLessThanIfExists":{"x:when":"2020-01-01"}})", Set("x:when", "2021-01-01"), false},
      {"arn ifexists", R"({"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:s3:::*"}})", nullptr, true},
      {"ip ifexists", R"({"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}})", nullptr, true},
  });
}

TEST(Condition, SetOperators) {
  RunRows({
      {"all: every value listed", R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a","b","c"]}})", SetMany("aws:TagKeys", {"a", "b"}), true},
      {"all: one value not listed", R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}})", SetMany("aws:TagKeys", {"a", "x"}), false},
      {"all: missing key", R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}})", nullptr, true},
      {"all: empty set", R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}})", SetMany("aws:TagKeys", {}), true},
      {"all: like", R"({"ForAllValues:StringLike":{"aws:TagKeys":["env-*"]}})", SetMany("aws:TagKeys", {"env-a", "env-b"}), true},
      {"all: not equals", R"({"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}})", SetMany("aws:TagKeys", {"a", "b"}), true},
      {"all: not equals hit", R"({"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}})", SetMany("aws:TagKeys", {"a", "secret"}), false},
      {"any: one value listed", R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}})", SetMany("aws:TagKeys", {"x", "a"}), true},
      {"any: none listed", R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}})", SetMany("aws:TagKeys", {"x", "y"}), false},
      {"any: missing key", R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}})", nullptr, false},
      {"any: empty set", R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}})", SetMany("aws:TagKeys", {}), false},
      {"any: missing, IfExists", R"({"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["a"]}})", nullptr, true},
      {"any: not equals", R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}})", SetMany("aws:TagKeys", {"a", "b"}), true},
      {"any: not equals all listed", R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a","b"]}})", SetMany("aws:TagKeys", {"a", "b"}), false},
      {"any: ignore case", R"({"ForAnyValue:StringEqualsIgnoreCase":{"aws:TagKeys":["A"]}})", SetMany("aws:TagKeys", {"a"}), true},
      {"no qualifier, multi-valued", R"({"StringEquals":{"aws:TagKeys":"b"}})", SetMany("aws:TagKeys", {"a", "b"}), true},
  });
}

TEST(Condition, CombinationRules) {
  RunRows({
      {"keys are ANDed", R"({"StringEquals":{"aws:PrincipalTag/team":"red","aws:PrincipalTag/env":"prod"}})",
       [](RequestContext& c) { c.Set("aws:PrincipalTag/team", "red"); c.Set("aws:PrincipalTag/env", "dev"); }, false},
      {"keys are ANDed, all hold", R"({"StringEquals":{"aws:PrincipalTag/team":"red","aws:PrincipalTag/env":"prod"}})",
       [](RequestContext& c) { c.Set("aws:PrincipalTag/team", "red"); c.Set("aws:PrincipalTag/env", "prod"); }, true},
      {"operators are ANDed", R"({"StringEquals":{"aws:PrincipalTag/team":"red"},"Bool":{"aws:SecureTransport":"true"}})",
       [](RequestContext& c) { c.Set("aws:PrincipalTag/team", "red"); c.Set("aws:SecureTransport", "false"); }, false},
      {"values are ORed", R"({"StringLike":{"s3:prefix":["a/*","b/*"]}})", Set("s3:prefix", "b/x"), true},
  });
}

TEST(Condition, PolicyVariablesInValues) {
  RunRows({
      {"variable", R"({"StringEquals":{"aws:ResourceAccount":"${aws:PrincipalAccount}"}})", Set("aws:ResourceAccount", "111122223333"), true},
      {"variable mismatch", R"({"StringEquals":{"aws:ResourceAccount":"${aws:PrincipalAccount}"}})", Set("aws:ResourceAccount", "444455556666"), false},
      {"like with variable", R"({"StringLike":{"s3:prefix":"home/${aws:username}/*"}})", Set("s3:prefix", "home/alice/x"), true},
      {"unresolvable variable never matches", R"({"StringNotEquals":{"aws:PrincipalTag/team":"${aws:PrincipalTag/nope}"}})", Set("aws:PrincipalTag/team", "red"), false},
      {"default value", R"({"StringEquals":{"aws:PrincipalTag/team":"${aws:PrincipalTag/nope, 'red'}"}})", Set("aws:PrincipalTag/team", "red"), true},
      {"source identity", R"({"StringEquals":{"s3:prefix":"${aws:SourceIdentity}"}})", [](RequestContext& c) { c.Set("aws:SourceIdentity", "Alice"); c.Set("s3:prefix", "Alice"); }, true},
  });
  // In a 2008-10-17 policy variables are literal text.
  RequestContext c = Ctx("s3:GetObject", "arn:aws:s3:::b/k");
  c.Set("aws:ResourceAccount", "111122223333");
  EXPECT_FALSE(ConditionHolds(R"({"StringEquals":{"aws:ResourceAccount":"${aws:PrincipalAccount}"}})", c, "2008-10-17"));
  c.Set("aws:ResourceAccount", "${aws:PrincipalAccount}");
  EXPECT_TRUE(ConditionHolds(R"({"StringEquals":{"aws:ResourceAccount":"${aws:PrincipalAccount}"}})", c, "2008-10-17"));
}

TEST(Condition, OperatorNames) {
  auto p = ParseConditionOperator("ForAnyValue:StringLikeIfExists");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, CondOp::StringLike);
  EXPECT_TRUE(p->if_exists);
  EXPECT_EQ(p->qualifier, SetQualifier::ForAnyValue);
  EXPECT_TRUE(ParseConditionOperator("ForAllValues:ArnNotEquals"));
  EXPECT_FALSE(ParseConditionOperator("StringEqual"));
  EXPECT_FALSE(ParseConditionOperator("NullIfExists"));
  EXPECT_FALSE(ParseConditionOperator("ForSomeValues:StringEquals"));
}

TEST(Condition, ParsersEdgeCases) {
  EXPECT_EQ(ParseDateMillis("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseDateMillis("1970-01-01T00:00:01.5Z"), 1500);
  EXPECT_EQ(ParseDateMillis("1970-01-01T01:00:00+0100"), 0);
  EXPECT_EQ(ParseDateMillis("86400"), 86400000);
  EXPECT_FALSE(ParseDateMillis("2024-13-01"));
  EXPECT_FALSE(ParseDateMillis("2024-01-01Tnoon"));
  EXPECT_TRUE(ParseIpNetwork("::1"));
  EXPECT_FALSE(ParseIpNetwork("10.0.0.0/33"));
  EXPECT_FALSE(ParseIpNetwork("not.an.ip"));
  EXPECT_EQ(DecodeBase64("aGk="), std::string("hi"));
  EXPECT_FALSE(DecodeBase64("!!"));
  EXPECT_EQ(ParseNumber("1e3"), 1000.0);
  EXPECT_FALSE(ParseNumber("12abc"));
}

}  // namespace
}  // namespace orgroot::policy
