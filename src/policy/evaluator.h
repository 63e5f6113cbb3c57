// The layers of AWS authorization combined as AWS does (IAM User Guide, "Policy evaluation logic"
// and "Cross-account policy evaluation logic"):
//
//   1. An explicit Deny in any layer denies (SCPs, RCPs, the resource-based policy, identity
//      policies, the permissions boundary, session policies, the AssumeRoot task policy).
//   2. Every level of the SCP chain (organization root -> OUs -> account) must allow; likewise the
//      RCP chain of the resource's account. An empty chain means "no SCPs apply" (the management
//      account, service-linked roles).
//   3. The root user (including an AssumeRoot session) is allowed within its own account.
//   4. Same account: a resource-based policy that names the caller's own ARN allows on its own; one
//      that names the role allows unless a boundary or session policy fails to; one that names the
//      account only delegates to identity policies.
//   5. Otherwise identity policies must allow, then the boundary (if any), then session policies
//      (if any).
//   6. Cross-account: the resource-based policy must also allow (naming the account is enough).
//      Anonymous callers and service principals are let in by the resource policy alone.
//
// The result says which layer decided; AccessDeniedMessage renders AWS's wording for it.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/aws_error.h"
#include "policy/policy_document.h"
#include "policy/request_context.h"

namespace orgroot::policy {

// The SCPs attached at one level of the organization tree (root, an OU, the account).
using PolicyLevel = std::vector<PolicyPtr>;

struct AuthzRequest {
  const RequestContext* context = nullptr;
  std::span<const PolicyLevel> scp_levels;       // principal's account: root first; empty = no SCPs
  std::span<const PolicyLevel> rcp_levels;       // resource's account; empty = no RCPs
  const CompiledPolicy* resource_policy = nullptr;  // bucket / queue / trust policy
  std::span<const PolicyPtr> identity_policies;  // managed + inline + groups'
  const CompiledPolicy* permissions_boundary = nullptr;
  std::span<const PolicyPtr> session_policies;   // empty = the session has none
  const CompiledPolicy* task_policy = nullptr;   // AssumeRoot task policy (deny-only ceiling)
  // The resource policy must allow even within one account (role trust policies).
  bool resource_policy_required = false;
  // The owner account's root may not be denied by the resource policy (S3 Get/Put/DeleteBucketPolicy).
  bool root_exempt_from_resource_policy_deny = false;
};

enum class DenyReason : uint8_t {
  None,
  ExplicitDenySCP,
  ExplicitDenyRCP,
  ExplicitDenyResource,
  ExplicitDenyIdentity,
  ExplicitDenyBoundary,
  ExplicitDenySession,
  ExplicitDenyTaskPolicy,
  NoSCPAllow,
  NoRCPAllow,
  NoResourceAllow,
  NoIdentityAllow,
  NoBoundaryAllow,
  NoSessionAllow,
};

struct AuthzResult {
  bool allowed = false;
  DenyReason reason = DenyReason::None;
  std::string_view sid;  // the deciding Deny statement's Sid, when there is one
};

AuthzResult Authorize(const AuthzRequest& request);

std::string_view DenyReasonName(DenyReason r);

// "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: s3:GetObject on resource:
// arn:aws:s3:::b/k because no identity-based policy allows the s3:GetObject action". With
// with_reason=false the reason clause is left off (STS AssumeRole / AssumeRoot answer that way).
std::string AccessDeniedMessage(const AuthzResult& result, const RequestContext& ctx, bool with_reason = true);
AwsError AccessDeniedError(const AuthzResult& result, const RequestContext& ctx, bool with_reason = true);

// How a service words that message. S3 (same account or organization) quotes the resource:
// `... on resource: "arn:aws:s3:::b/k" because ...`; SQS writes the action in lower case, in both
// places: `... perform: sqs:sendmessage on resource: ... allows the sqs:sendmessage action`.
struct DeniedMessageStyle {
  bool with_reason = true;
  bool quote_resource = false;
  bool lowercase_action = false;
};
std::string AccessDeniedMessage(const AuthzResult& result, const RequestContext& ctx, const DeniedMessageStyle& style);

}  // namespace orgroot::policy
