#include "policy/evaluator.h"

#include <algorithm>

namespace orgroot::policy {

namespace {

struct LayerResult {
  bool deny = false;
  bool allow = false;
  std::string_view sid;
  PrincipalGrant grant = PrincipalGrant::None;
};

void Fold(LayerResult& r, const PolicyDecision& d) {
  if (d.decision == Decision::ExplicitDeny) {
    if (!r.deny) r.sid = d.sid;
    r.deny = true;
  } else if (d.decision == Decision::Allow) {
    r.allow = true;
    r.grant = std::max(r.grant, d.grant);
  }
}

LayerResult EvalSet(std::span<const PolicyPtr> policies, const RequestContext& ctx) {
  LayerResult r;
  for (const auto& p : policies) {
    if (!p) continue;
    Fold(r, p->Evaluate(ctx));
    if (r.deny) break;
  }
  return r;
}

LayerResult EvalOne(const CompiledPolicy* p, const RequestContext& ctx) {
  LayerResult r;
  if (p) Fold(r, p->Evaluate(ctx));
  return r;
}

// deny: some policy at some level denies; allow: every level has an allowing policy.
LayerResult EvalChain(std::span<const PolicyLevel> levels, const RequestContext& ctx) {
  LayerResult r;
  r.allow = true;
  for (const auto& level : levels) {
    LayerResult l = EvalSet(level, ctx);
    if (l.deny) {
      r.deny = true;
      r.sid = l.sid;
      r.allow = false;
      return r;
    }
    if (!l.allow) r.allow = false;
  }
  return r;
}

AuthzResult Deny(DenyReason reason, std::string_view sid = {}) { return AuthzResult{false, reason, sid}; }

}  // namespace

AuthzResult Authorize(const AuthzRequest& req) {
  const RequestContext& ctx = *req.context;
  const PrincipalFacts& who = ctx.principal();
  const bool is_root = who.kind == PrincipalKind::Root;
  const bool same_account = ctx.resource_account().empty() || ctx.resource_account() == who.account;

  const LayerResult scp = EvalChain(req.scp_levels, ctx);
  const LayerResult rcp = EvalChain(req.rcp_levels, ctx);
  const LayerResult res = EvalOne(req.resource_policy, ctx);
  const LayerResult idp = EvalSet(req.identity_policies, ctx);
  const LayerResult bnd = EvalOne(req.permissions_boundary, ctx);
  const LayerResult ses = EvalSet(req.session_policies, ctx);
  const LayerResult tsk = EvalOne(req.task_policy, ctx);

  // 1. Explicit denies. AWS names only one policy type; this is the order we report them in.
  if (scp.deny) return Deny(DenyReason::ExplicitDenySCP, scp.sid);
  if (rcp.deny) return Deny(DenyReason::ExplicitDenyRCP, rcp.sid);
  if (res.deny && !(is_root && same_account && req.root_exempt_from_resource_policy_deny)) {
    return Deny(DenyReason::ExplicitDenyResource, res.sid);
  }
  if (idp.deny) return Deny(DenyReason::ExplicitDenyIdentity, idp.sid);
  if (bnd.deny) return Deny(DenyReason::ExplicitDenyBoundary, bnd.sid);
  if (ses.deny) return Deny(DenyReason::ExplicitDenySession, ses.sid);
  if (tsk.deny) return Deny(DenyReason::ExplicitDenyTaskPolicy, tsk.sid);

  // 2. Organization guardrails: every level must allow.
  if (!req.scp_levels.empty() && !scp.allow) return Deny(DenyReason::NoSCPAllow);
  if (!req.rcp_levels.empty() && !rcp.allow) return Deny(DenyReason::NoRCPAllow);

  const PrincipalGrant grant = res.allow ? res.grant : PrincipalGrant::None;

  // 3. The root user: implicitly allowed in its own account; elsewhere the resource must allow it.
  if (is_root) {
    if (same_account && !req.resource_policy_required) return AuthzResult{true, DenyReason::None, {}};
    if (grant != PrincipalGrant::None) return AuthzResult{true, DenyReason::None, {}};
    return Deny(DenyReason::NoResourceAllow);
  }

  // Anonymous callers and AWS service principals have no identity policies: only the resource
  // policy can let them in.
  if (who.kind == PrincipalKind::Anonymous || who.kind == PrincipalKind::Service) {
    if (grant != PrincipalGrant::None) return AuthzResult{true, DenyReason::None, {}};
    return Deny(DenyReason::NoResourceAllow);
  }

  const bool has_boundary = req.permissions_boundary != nullptr;
  const bool has_session = !req.session_policies.empty();

  // 4. Same account: a resource-based policy can grant without identity policies.
  if (same_account && grant >= PrincipalGrant::Role) {
    if (grant == PrincipalGrant::Direct) return AuthzResult{true, DenyReason::None, {}};
    if (has_boundary && !bnd.allow) return Deny(DenyReason::NoBoundaryAllow);
    if (has_session && !ses.allow) return Deny(DenyReason::NoSessionAllow);
    return AuthzResult{true, DenyReason::None, {}};
  }

  // 5. Identity side.
  if (!idp.allow) return Deny(DenyReason::NoIdentityAllow);
  if (has_boundary && !bnd.allow) return Deny(DenyReason::NoBoundaryAllow);
  if (has_session && !ses.allow) return Deny(DenyReason::NoSessionAllow);

  // 6. Resource side, across accounts (or when the resource policy is the gate, as trust policies are).
  if ((!same_account || req.resource_policy_required) && grant == PrincipalGrant::None) {
    return Deny(DenyReason::NoResourceAllow);
  }
  return AuthzResult{true, DenyReason::None, {}};
}

std::string_view DenyReasonName(DenyReason r) {
  switch (r) {
    case DenyReason::None: return "None";
    case DenyReason::ExplicitDenySCP: return "ExplicitDenySCP";
    case DenyReason::ExplicitDenyRCP: return "ExplicitDenyRCP";
    case DenyReason::ExplicitDenyResource: return "ExplicitDenyResource";
    case DenyReason::ExplicitDenyIdentity: return "ExplicitDenyIdentity";
    case DenyReason::ExplicitDenyBoundary: return "ExplicitDenyBoundary";
    case DenyReason::ExplicitDenySession: return "ExplicitDenySession";
    case DenyReason::ExplicitDenyTaskPolicy: return "ExplicitDenyTaskPolicy";
    case DenyReason::NoSCPAllow: return "NoSCPAllow";
    case DenyReason::NoRCPAllow: return "NoRCPAllow";
    case DenyReason::NoResourceAllow: return "NoResourceAllow";
    case DenyReason::NoIdentityAllow: return "NoIdentityAllow";
    case DenyReason::NoBoundaryAllow: return "NoBoundaryAllow";
    case DenyReason::NoSessionAllow: return "NoSessionAllow";
  }
  return "None";
}

std::string AccessDeniedMessage(const AuthzResult& result, const RequestContext& ctx, bool with_reason) {
  return AccessDeniedMessage(result, ctx, DeniedMessageStyle{.with_reason = with_reason});
}

std::string AccessDeniedMessage(const AuthzResult& result, const RequestContext& ctx, const DeniedMessageStyle& style) {
  const std::string& arn = ctx.principal().arn;
  const std::string& action = style.lowercase_action ? ctx.action_lower() : ctx.action();
  std::string m = "User: ";
  m += arn.empty() ? "anonymous" : arn;
  m += " is not authorized to perform: ";
  m += action;
  if (!ctx.resource().empty()) {
    m += " on resource: ";
    if (style.quote_resource) m += '"';
    m += ctx.resource();
    if (style.quote_resource) m += '"';
  }
  if (!style.with_reason) return m;
  auto implicit = [&](std::string_view type) {
    m += " because no ";
    m += type;
    m += " allows the ";
    m += action;
    m += " action";
  };
  auto explicit_deny = [&](std::string_view type) {
    m += " with an explicit deny in ";
    m += type;
  };
  switch (result.reason) {
    case DenyReason::None: break;
    case DenyReason::ExplicitDenySCP: explicit_deny("a service control policy"); break;
    case DenyReason::ExplicitDenyRCP: explicit_deny("a resource control policy"); break;
    case DenyReason::ExplicitDenyResource: explicit_deny("a resource-based policy"); break;
    case DenyReason::ExplicitDenyIdentity: explicit_deny("an identity-based policy"); break;
    case DenyReason::ExplicitDenyBoundary: explicit_deny("a permissions boundary"); break;
    case DenyReason::ExplicitDenySession:
    case DenyReason::ExplicitDenyTaskPolicy: explicit_deny("a session policy"); break;
    case DenyReason::NoSCPAllow: implicit("service control policy"); break;
    case DenyReason::NoRCPAllow: implicit("resource control policy"); break;
    case DenyReason::NoResourceAllow: implicit("resource-based policy"); break;
    case DenyReason::NoIdentityAllow: implicit("identity-based policy"); break;
    case DenyReason::NoBoundaryAllow: implicit("permissions boundary"); break;
    case DenyReason::NoSessionAllow: implicit("session policy"); break;
  }
  return m;
}

AwsError AccessDeniedError(const AuthzResult& result, const RequestContext& ctx, bool with_reason) {
  return AwsError::AccessDenied(AccessDeniedMessage(result, ctx, with_reason));
}

}  // namespace orgroot::policy
