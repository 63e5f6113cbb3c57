// Policy engine micro benchmarks: authorizations per second for a realistic request (an IAM
// role session reading an S3 object in its own account: identity policies with conditions, a
// three-level SCP chain, a bucket policy), and the one-time cost of compiling a document.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "policy/evaluator.h"
#include "policy/policy_document.h"
#include "policy/request_context.h"

namespace orgroot::policy {
namespace {

PolicyPtr Compile(const char* doc, PolicyKind kind) {
  auto r = CompilePolicy(doc, {.kind = kind});
  if (!r.ok()) std::abort();
  return r.value();
}

constexpr const char* kIdentityApp = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ReadOwnPrefix", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"],
     "Resource": "arn:aws:s3:::app-data-111122223333/${aws:PrincipalTag/team}/*",
     "Condition": {"Bool": {"aws:SecureTransport": "true"},
                   "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]}}},
    {"Sid": "ListBucket", "Effect": "Allow", "Action": "s3:ListBucket",
     "Resource": "arn:aws:s3:::app-data-111122223333",
     "Condition": {"StringLike": {"s3:prefix": ["${aws:PrincipalTag/team}/*"]}}},
    {"Sid": "Queues", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
     "Resource": "arn:aws:sqs:us-east-1:111122223333:app-*"},
    {"Sid": "DenyOutsideRegions", "Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*"],
     "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}},
    {"Sid": "DenyDeleteWithoutMfa", "Effect": "Deny", "Action": ["s3:DeleteObject*", "s3:DeleteBucket*"],
     "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
  ]
})";

constexpr const char* kIdentityReadOnly = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["cloudtrail:LookupEvents", "iam:Get*", "iam:List*", "organizations:Describe*"],
     "Resource": "*"}
  ]
})";

constexpr const char* kFullAWSAccess = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";

constexpr const char* kScpGuardrails = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "DenyRootExceptAssumedRoot", "Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}, "Null": {"aws:AssumedRoot": "true"}}},
    {"Sid": "DenyLeaveOrg", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"},
    {"Sid": "ProtectCloudTrail", "Effect": "Deny",
     "Action": ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail"], "Resource": "*"},
    {"Sid": "RegionLock", "Effect": "Deny", "NotAction": ["iam:*", "organizations:*", "sts:*", "support:*"],
     "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}
  ]
})";

constexpr const char* kBucketPolicy = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::app-data-111122223333", "arn:aws:s3:::app-data-111122223333/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::app-data-111122223333", "arn:aws:s3:::app-data-111122223333/*"],
     "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-aa111bb222"}}},
    {"Sid": "AllowAccount", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": ["s3:GetObject", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::app-data-111122223333", "arn:aws:s3:::app-data-111122223333/*"]}
  ]
})";

struct Fixture {
  RequestContext ctx;
  std::vector<PolicyLevel> scps;
  PolicyPtr bucket;
  std::vector<PolicyPtr> identity;

  Fixture() {
    PrincipalFacts p;
    p.kind = PrincipalKind::AssumedRole;
    p.account = "111122223333";
    p.arn = "arn:aws:sts::111122223333:assumed-role/AppRole/i-0abc";
    p.role_arn = "arn:aws:iam::111122223333:role/AppRole";
    p.user_id = "AROAEXAMPLEROLEID0001:i-0abc";
    ctx.SetPrincipal(p);
    ctx.AddPrincipalKeys();
    ctx.SetAction("s3:GetObject");
    ctx.SetResource("arn:aws:s3:::app-data-111122223333/payments/2024/11/report.csv");
    ctx.SetResourceAccount("111122223333");
    ctx.Set("aws:PrincipalOrgID", "o-aa111bb222");
    ctx.Set("aws:PrincipalTag/team", "payments");
    ctx.Set("aws:SourceIp", "10.20.30.40");
    ctx.Set("aws:SecureTransport", "true");
    ctx.Set("aws:RequestedRegion", "us-east-1");
    ctx.Set("aws:CurrentTime", "2024-11-15T00:00:00Z");
    ctx.Set("aws:EpochTime", "1731628800");
    ctx.Set("aws:MultiFactorAuthPresent", "false");
    ctx.Set("aws:UserAgent", "aws-cli/2.22.0");
    ctx.Set("s3:ExistingObjectTag/classification", "internal");

    PolicyPtr full = Compile(kFullAWSAccess, PolicyKind::ServiceControl);
    PolicyPtr guard = Compile(kScpGuardrails, PolicyKind::ServiceControl);
    scps = {{full}, {full, guard}, {full}};
    bucket = Compile(kBucketPolicy, PolicyKind::Resource);
    identity = {Compile(kIdentityApp, PolicyKind::Identity), Compile(kIdentityReadOnly, PolicyKind::Identity)};
  }

  AuthzRequest Request() const {
    AuthzRequest r;
    r.context = &ctx;
    r.scp_levels = scps;
    r.resource_policy = bucket.get();
    r.identity_policies = identity;
    return r;
  }
};

void BM_AuthorizeRealisticRequest(benchmark::State& state) {
  Fixture f;
  const AuthzRequest req = f.Request();
  if (!Authorize(req).allowed) {
    state.SkipWithError("fixture request should be allowed");
    return;
  }
  for (auto _ : state) {
    AuthzResult r = Authorize(req);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AuthorizeRealisticRequest);

void BM_AuthorizeDeniedRequest(benchmark::State& state) {
  Fixture f;
  f.ctx.SetAction("s3:DeleteObject");  // denied: no MFA
  const AuthzRequest req = f.Request();
  if (Authorize(req).allowed) {
    state.SkipWithError("fixture request should be denied");
    return;
  }
  for (auto _ : state) {
    AuthzResult r = Authorize(req);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AuthorizeDeniedRequest);

void BM_CompileIdentityPolicy(benchmark::State& state) {
  for (auto _ : state) {
    auto r = CompilePolicy(kIdentityApp, {.kind = PolicyKind::Identity});
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CompileIdentityPolicy);

}  // namespace
}  // namespace orgroot::policy
