#include "policy/policy_document.h"

#include <gtest/gtest.h>

#include "policy/policy_test_util.h"

namespace orgroot::policy {
namespace {

using testing::CompileError;
using testing::Ctx;
using testing::Doc;
using testing::Eval;
using testing::MustCompile;
using testing::RoleSession;
using testing::Root;
using testing::User;

constexpr const char* kAllowAll = R"({"Effect":"Allow","Action":"*","Resource":"*"})";

struct MessageRow {
  const char* name;
  std::string doc;
  CompileOptions opt;
  std::string want;  // "" = compiles
};

TEST(PolicyDocument, MalformedPolicyDocumentMessages) {
  const CompileOptions identity{.kind = PolicyKind::Identity};
  const CompileOptions managed{.kind = PolicyKind::Identity, .managed = true};
  const CompileOptions trust{.kind = PolicyKind::Trust};
  const CompileOptions resource{.kind = PolicyKind::Resource};
  const std::string syntax = "Syntax errors in policy.";
  const std::vector<MessageRow> rows = {
      {"valid", Doc(kAllowAll), identity, ""},
      {"valid single statement object", R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})", identity, ""},
      {"valid no version inline", Doc(kAllowAll, ""), identity, ""},
      {"invalid json", "{\"Version\":", identity, syntax},
      {"null document", "null", identity, syntax},
      {"top-level array", "[]", identity, syntax},
      {"invalid json trust", "{not json", trust, "This policy contains invalid Json"},
      {"unknown top-level key", R"({"Version":"2012-10-17","Statement":[],"Foo":1})", identity, syntax},
      {"missing statement", R"({"Version":"2012-10-17"})", identity, syntax},
      {"empty statement list", R"({"Version":"2012-10-17","Statement":[]})", identity, syntax},
      {"statement not object", Doc("\"x\""), identity, syntax},
      {"unknown version", Doc(kAllowAll, "2015-01-01"), identity, syntax},
      {"version not string", R"({"Version":2012,"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})", identity, syntax},
      {"managed without version", Doc(kAllowAll, ""), managed, "Policy document must be version 2012-10-17 or greater."},
      {"managed old version", Doc(kAllowAll, "2008-10-17"), managed, "Policy document must be version 2012-10-17 or greater."},
      {"unknown statement key", Doc(R"({"Effect":"Allow","Action":"*","Resource":"*","Foo":"x"})"), identity, syntax},
      {"missing effect", Doc(R"({"Action":"*","Resource":"*"})"), identity, syntax},
      {"invalid effect", Doc(R"({"Effect":"Foo","Action":"*","Resource":"*"})"), identity, syntax},
      {"effect wrong case", Doc(R"({"Effect":"allow","Action":"*","Resource":"*"})"), identity, "The policy failed legacy parsing"},
      {"action and notaction", Doc(R"({"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"})"), identity, syntax},
      {"action not string", Doc(R"({"Effect":"Allow","Action":5,"Resource":"*"})"), identity, syntax},
      {"missing action", Doc(R"({"Effect":"Allow","Resource":"*"})"), identity, "Policy statement must contain actions."},
      {"empty action list", Doc(R"({"Effect":"Allow","Action":[],"Resource":"*"})"), identity, "Policy statement must contain actions."},
      {"missing resource", Doc(R"({"Effect":"Allow","Action":"*"})"), identity, "Policy statement must contain resources."},
      {"action without vendor", Doc(R"({"Effect":"Allow","Action":"GetObject","Resource":"*"})"), identity,
       "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
      {"action two colons", Doc(R"({"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"})"), identity,
       "Actions/Condition can contain only one colon."},
      {"action vendor wildcard", Doc(R"({"Effect":"Allow","Action":"*:Untag*","Resource":"*"})"), identity,
       "Action vendors (e.g., aws, ec2, etc.) must not contain wildcards."},
      {"condition key without vendor", Doc(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"sts.ExternalId":"x"}}})"), identity,
       "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
      {"condition tag key with colons ok", Doc(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/aws:cloudformation:x":"y"}}})"), identity, ""},
      {"resource not arn", Doc(R"({"Effect":"Allow","Action":"s3:*","Resource":"my-bucket"})"), identity,
       "Resource my-bucket must be in ARN format or \"*\"."},
      {"resource empty", Doc(R"({"Effect":"Allow","Action":"s3:*","Resource":""})"), identity,
       "Resource  must be in ARN format or \"*\"."},
      {"resource too few segments", Doc(R"({"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam:123456789012:user/x"})"), identity,
       "Resource arn:aws:iam:123456789012:user/x must be in ARN format or \"*\"."},
      {"resource bad partition", Doc(R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:foo:s3:::b"})"), identity,
       "Partition \"foo\" is not valid for resource \"arn:foo:s3:::b\"."},
      {"iam resource with region", Doc(R"({"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam:us-east-1:123456789012:user/x"})"), identity,
       "IAM resource arn:aws:iam:us-east-1:123456789012:user/x cannot contain region information."},
      {"resource variable ok", Doc(R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"})"), identity, ""},
      {"duplicate sid", Doc(R"({"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"})"), identity,
       "Statement IDs (SID) in a single policy must be unique."},
      {"sid not alphanumeric", Doc(R"({"Sid":"my sid","Effect":"Allow","Action":"*","Resource":"*"})"), identity,
       "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"},
      {"sid with space ok in bucket policy", Doc(R"({"Sid":"my sid","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"})"), resource, ""},
      {"principal in identity policy", Doc(R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"})"), identity,
       "Policy document should not specify a principal."},
      {"notprincipal in identity policy", Doc(R"({"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"*","Resource":"*"})"), identity,
       "Policy document should not specify a principal."},
      {"principal in boundary", Doc(R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"})"), {.kind = PolicyKind::PermissionsBoundary},
       "Policy document should not specify a principal."},
      {"bucket policy without principal", Doc(kAllowAll), resource, "Missing required field Principal"},
      {"principal bad type", Doc(R"({"Effect":"Allow","Principal":{"Foo":"x"},"Action":"s3:*","Resource":"*"})"), resource, syntax},
      {"principal bare arn", Doc(R"({"Effect":"Allow","Principal":"arn:aws:iam::123456789012:root","Action":"s3:*","Resource":"*"})"), resource, syntax},
      {"invalid aws principal", Doc(R"({"Effect":"Allow","Principal":{"AWS":"user"},"Action":"s3:*","Resource":"*"})"), resource,
       "Invalid principal in policy: \"AWS\":\"user\""},
      {"valid principals", Doc(R"({"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:user/u","arn:aws:sts::123456789012:assumed-role/R/s"],"Service":"s3.amazonaws.com"},"Action":"s3:*","Resource":"*"})"), resource, ""},
      {"trust policy ok", Doc(R"({"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"})"), trust, ""},
      {"trust policy with resource", Doc(R"({"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"})"), trust,
       "Has prohibited field Resource"},
      {"trust policy without principal", Doc(R"({"Effect":"Allow","Action":"sts:AssumeRole"})"), trust, "Missing required field Principal"},
      {"trust policy other action", Doc(R"({"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject"})"), trust,
       "AssumeRole policy may only specify STS AssumeRole actions."},
      {"trust policy sts wildcard", Doc(R"({"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":["sts:AssumeRole*","sts:TagSession"]})"), trust, ""},
      {"unknown condition operator", Doc(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqual":{"aws:username":"x"}}})"), identity, syntax},
      {"condition key without operator", Doc(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"aws:username":"x"}})"), identity, syntax},
      {"condition empty value list", Doc(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":[]}}})"), identity, syntax},
      {"condition object value", Doc(R"({"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":{"a":1}}}})"), identity, syntax},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(CompileError(r.doc, r.opt), r.want) << r.name << "\n" << r.doc;
  }
}

TEST(PolicyDocument, ErrorCodesAndDialects) {
  auto r = CompilePolicy("{", {.kind = PolicyKind::Identity});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "MalformedPolicyDocument");
  EXPECT_EQ(r.error().http_status, 400);

  // SCPs answer with Organizations' single message.
  auto scp = CompilePolicy(Doc(R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"})"),
                           {.kind = PolicyKind::ServiceControl});
  ASSERT_FALSE(scp.ok());
  EXPECT_EQ(scp.error().code, "MalformedPolicyDocumentException");
  EXPECT_EQ(scp.error().message, "The provided policy document does not meet the requirements of the specified policy type.");

  // S3's own wording.
  const CompileOptions s3{.kind = PolicyKind::Resource, .dialect = ErrorDialect::S3};
  EXPECT_EQ(CompileError("", s3), "Policies must be valid JSON and the first byte must be '{'");
  EXPECT_EQ(CompileError("randomstring", s3), "Policies must be valid JSON and the first byte must be '{'");
  EXPECT_EQ(CompileError("{}", s3), "Missing required field Statement");
  EXPECT_EQ(CompileError(Doc(R"({"Effect":"hello","Principal":"*","Action":"s3:*","Resource":"*"})"), s3), "Invalid effect: hello");
  EXPECT_EQ(CompileError(Doc(R"({"Effect":"Allow","Principal":"*","Action":"invalid_action","Resource":"*"})"), s3),
            "Policy has invalid action");
  EXPECT_EQ(CompilePolicy("{}", s3).error().code, "MalformedPolicy");
}

TEST(PolicyDocument, ScpGrammarIsTheFullLanguageWithoutPrincipals) {
  const CompileOptions scp{.kind = PolicyKind::ServiceControl};
  EXPECT_EQ(CompileError(Doc(R"({"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::b","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}})"), scp), "");
  EXPECT_EQ(CompileError(Doc(R"({"Effect":"Allow","Action":"ec2:*Instances","Resource":"*"})"), scp), "");
  EXPECT_NE(CompileError(Doc(R"({"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"*","Resource":"*"})"), scp), "");
}

TEST(PolicyDocument, SizeQuotas) {
  EXPECT_EQ(PolicySizeWithoutWhitespace("{ \"a\" : \"b c\" ,\n\t\"d\": [1, 2] }"), std::string("{\"a\":\"b c\",\"d\":[1,2]}").size());
  EXPECT_EQ(PolicySizeWithoutWhitespace(R"({"a":"x\" y"})"), std::string(R"({"a":"x\" y"})").size());
  EXPECT_TRUE(CheckPolicySize(PolicySizeQuota::ManagedPolicy, 6144).ok());
  auto m = CheckPolicySize(PolicySizeQuota::ManagedPolicy, 6145);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, "LimitExceeded");
  EXPECT_EQ(m.error().http_status, 409);
  EXPECT_EQ(m.error().message, "Cannot exceed quota for PolicySize: 6144");
  EXPECT_TRUE(CheckPolicySize(PolicySizeQuota::UserInline, 2048, "bob").ok());
  EXPECT_EQ(CheckPolicySize(PolicySizeQuota::UserInline, 2049, "bob").error().message,
            "Maximum policy size of 2048 bytes exceeded for user bob");
  EXPECT_EQ(CheckPolicySize(PolicySizeQuota::RoleInline, 10241, "r").error().message,
            "Maximum policy size of 10240 bytes exceeded for role r");
  EXPECT_EQ(CheckPolicySize(PolicySizeQuota::GroupInline, 5121, "g").error().message,
            "Maximum policy size of 5120 bytes exceeded for group g");
  EXPECT_EQ(CheckPolicySize(PolicySizeQuota::RoleTrust, 2049).error().message, "Cannot exceed quota for ACLSizePerRole: 2048");
  EXPECT_EQ(CheckPolicySize(PolicySizeQuota::ServiceControlPolicy, 5121).error().code, "ConstraintViolationException");
  EXPECT_TRUE(CheckPolicySize(PolicySizeQuota::ServiceControlPolicy, 5120).ok());
}

struct EvalRow {
  const char* name;
  std::string statements;
  RequestContext ctx;
  Decision want;
};

TEST(PolicyDocument, StatementMatching) {
  auto ctx = [](const char* action, const char* res) { return Ctx(action, res); };
  const std::vector<EvalRow> rows = {
      {"allow exact", R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/k"})", ctx("s3:GetObject", "arn:aws:s3:::b/k"), Decision::Allow},
      {"action case-insensitive", R"({"Effect":"Allow","Action":"S3:getobject","Resource":"*"})", ctx("s3:GetObject", "arn:aws:s3:::b/k"), Decision::Allow},
      {"action glob", R"({"Effect":"Allow","Action":"s3:Get*","Resource":"*"})", ctx("s3:GetObjectAcl", "arn:aws:s3:::b/k"), Decision::Allow},
      {"action other", R"({"Effect":"Allow","Action":"s3:Get*","Resource":"*"})", ctx("s3:PutObject", "arn:aws:s3:::b/k"), Decision::NotApplicable},
      {"action list", R"({"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"*"})", ctx("s3:GetObject", "arn:aws:s3:::b/k"), Decision::Allow},
      {"notaction excluded", R"({"Effect":"Allow","NotAction":"iam:*","Resource":"*"})", ctx("iam:CreateUser", "*"), Decision::NotApplicable},
      {"notaction other", R"({"Effect":"Allow","NotAction":"iam:*","Resource":"*"})", ctx("s3:GetObject", "arn:aws:s3:::b/k"), Decision::Allow},
      {"resource case-sensitive", R"({"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::B/*"})", ctx("s3:GetObject", "arn:aws:s3:::b/k"), Decision::NotApplicable},
      {"notresource", R"({"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::b/*"})", ctx("s3:GetObject", "arn:aws:s3:::c/k"), Decision::ExplicitDeny},
      {"notresource listed", R"({"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::b/*"})", ctx("s3:GetObject", "arn:aws:s3:::b/k"), Decision::NotApplicable},
      {"no-resource action needs *", R"({"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"arn:aws:iam::*:user/*"})", ctx("sts:GetCallerIdentity", ""), Decision::NotApplicable},
      {"no-resource action with *", R"({"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"})", ctx("sts:GetCallerIdentity", ""), Decision::Allow},
      {"deny beats allow", std::string(kAllowAll) + R"(,{"Effect":"Deny","Action":"s3:*","Resource":"*"})", ctx("s3:GetObject", "arn:aws:s3:::b/k"), Decision::ExplicitDeny},
      {"resource variable", R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"})", ctx("s3:GetObject", "arn:aws:s3:::b/home/alice/f"), Decision::Allow},
      {"resource variable other user", R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"})", ctx("s3:GetObject", "arn:aws:s3:::b/home/bob/f"), Decision::NotApplicable},
      {"resource unresolvable variable: deny does not apply", R"({"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/dept}/*"})", ctx("s3:GetObject", "arn:aws:s3:::b/x/f"), Decision::NotApplicable},
      {"notresource unresolvable variable: deny does not apply", R"({"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/${aws:PrincipalTag/dept}/*"})", ctx("s3:GetObject", "arn:aws:s3:::b/x/f"), Decision::NotApplicable},
  };
  for (const auto& r : rows) {
    auto p = MustCompile(Doc(r.statements));
    EXPECT_EQ(Eval(p, r.ctx), r.want) << r.name;
  }
}

TEST(PolicyDocument, DecisionCarriesSid) {
  auto p = MustCompile(Doc(R"({"Sid":"AllowAll","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"NoIam","Effect":"Deny","Action":"iam:*","Resource":"*"})"));
  EXPECT_EQ(p->Evaluate(Ctx("s3:GetObject", "arn:aws:s3:::b")).sid, "AllowAll");
  EXPECT_EQ(p->Evaluate(Ctx("iam:GetUser", "arn:aws:iam::111122223333:user/x")).sid, "NoIam");
}

struct PrincipalRow {
  const char* name;
  const char* principal;  // the Principal element
  PrincipalFacts who;
  PrincipalGrant want;
};

TEST(PolicyDocument, PrincipalMatching) {
  PrincipalFacts service;
  service.kind = PrincipalKind::Service;
  service.service = "cloudtrail.amazonaws.com";
  PrincipalFacts web;
  web.kind = PrincipalKind::AssumedRole;
  web.account = "111122223333";
  web.arn = "arn:aws:sts::111122223333:assumed-role/Web/s";
  web.role_arn = "arn:aws:iam::111122223333:role/Web";
  web.federated = "cognito-identity.amazonaws.com";
  const std::vector<PrincipalRow> rows = {
      {"star", R"("*")", User(), PrincipalGrant::Role},
      {"aws star", R"({"AWS":"*"})", User(), PrincipalGrant::Role},
      {"account id", R"({"AWS":"111122223333"})", User(), PrincipalGrant::Account},
      {"account root arn", R"({"AWS":"arn:aws:iam::111122223333:root"})", RoleSession(), PrincipalGrant::Account},
      {"other account", R"({"AWS":"444455556666"})", User(), PrincipalGrant::None},
      {"user arn", R"({"AWS":"arn:aws:iam::111122223333:user/alice"})", User(), PrincipalGrant::Direct},
      {"other user arn", R"({"AWS":"arn:aws:iam::111122223333:user/bob"})", User(), PrincipalGrant::None},
      {"role arn names its sessions", R"({"AWS":"arn:aws:iam::111122223333:role/Admin"})", RoleSession(), PrincipalGrant::Role},
      {"session arn", R"({"AWS":"arn:aws:sts::111122223333:assumed-role/Admin/s1"})", RoleSession(), PrincipalGrant::Direct},
      {"other session", R"({"AWS":"arn:aws:sts::111122223333:assumed-role/Admin/s2"})", RoleSession(), PrincipalGrant::None},
      {"root by account", R"({"AWS":"111122223333"})", Root(), PrincipalGrant::Account},
      {"service", R"({"Service":"cloudtrail.amazonaws.com"})", service, PrincipalGrant::Direct},
      {"other service", R"({"Service":"s3.amazonaws.com"})", service, PrincipalGrant::None},
      {"federated", R"({"Federated":"cognito-identity.amazonaws.com"})", web, PrincipalGrant::Direct},
      {"best of several", R"({"AWS":["111122223333","arn:aws:iam::111122223333:user/alice"]})", User(), PrincipalGrant::Direct},
  };
  for (const auto& r : rows) {
    auto p = MustCompile(Doc(std::string(R"({"Effect":"Allow","Principal":)") + r.principal +
                             R"(,"Action":"s3:*","Resource":"*"})"),
                         PolicyKind::Resource);
    RequestContext c = Ctx("s3:GetObject", "arn:aws:s3:::b/k", r.who);
    const PolicyDecision d = p->Evaluate(c);
    EXPECT_EQ(d.grant, r.want) << r.name;
    EXPECT_EQ(d.decision, r.want == PrincipalGrant::None ? Decision::NotApplicable : Decision::Allow) << r.name;
  }
}

TEST(PolicyDocument, NotPrincipal) {
  auto p = MustCompile(Doc(R"({"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/alice","111122223333"]},"Action":"s3:*","Resource":"*"})"),
                       PolicyKind::Resource);
  EXPECT_EQ(Eval(p, Ctx("s3:GetObject", "arn:aws:s3:::b", User("alice"))), Decision::NotApplicable);
  // An account in NotPrincipal excludes only the account's root, not its users.
  EXPECT_EQ(Eval(p, Ctx("s3:GetObject", "arn:aws:s3:::b", User("bob"))), Decision::ExplicitDeny);
  EXPECT_EQ(Eval(p, Ctx("s3:GetObject", "arn:aws:s3:::b", Root())), Decision::NotApplicable);
  EXPECT_EQ(Eval(p, Ctx("s3:GetObject", "arn:aws:s3:::b", User("carol", "444455556666"))), Decision::ExplicitDeny);
}

TEST(PolicyDocument, CompiledPolicyIsSharedAndImmutable) {
  PolicyPtr p = MustCompile(Doc(R"({"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"})"));
  PolicyPtr copy = p;
  EXPECT_EQ(copy->statements().size(), 1u);
  EXPECT_EQ(copy->version(), "2012-10-17");
  EXPECT_EQ(copy->kind(), PolicyKind::Identity);
}

}  // namespace
}  // namespace orgroot::policy
