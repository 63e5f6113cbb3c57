// Evaluation of one compiled policy against a request, and the policy size quotas.
#include <algorithm>

#include "policy/policy_document.h"

namespace orgroot::policy {

namespace {

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  for (const auto& e : v) {
    if (e == s) return true;
  }
  return false;
}

bool ActionMatches(const CompiledStatement& s, const RequestContext& ctx) {
  const std::string& action = ctx.action_lower();
  bool any = false;
  for (const auto& p : s.actions) {
    if (p.Match(action, nullptr, false)) {
      any = true;
      break;
    }
  }
  return s.not_action ? !any : any;
}

// 1 = matches, 0 = does not, -1 = a policy variable could not be resolved (statement does not apply).
int ResourceMatches(const CompiledStatement& s, const RequestContext& ctx) {
  if (s.scope == CompiledStatement::Scope::Any) return 1;
  const std::string& res = ctx.resource();
  bool any = false, unresolved = false;
  for (const auto& p : s.resources) {
    if (res.empty() || res == "*") {
      // An action without a resource type is matched only by "*".
      if (p.match_all()) {
        any = true;
        break;
      }
      continue;
    }
    if (p.Match(res, &ctx, &unresolved)) {
      any = true;
      break;
    }
  }
  if (unresolved && !any) return -1;
  if (s.scope == CompiledStatement::Scope::NotResource) return any ? 0 : 1;
  return any ? 1 : 0;
}

}  // namespace

PrincipalGrant MatchPrincipal(const PrincipalSpec& spec, const PrincipalFacts& p, bool not_principal) {
  PrincipalGrant g = PrincipalGrant::None;
  auto raise = [&](PrincipalGrant x) { g = std::max(g, x); };
  if (spec.any) raise(PrincipalGrant::Role);
  if (p.kind != PrincipalKind::Anonymous && p.kind != PrincipalKind::Service && !p.account.empty() &&
      Contains(spec.accounts, p.account)) {
    // In NotPrincipal an account names only the account (its root user), not its users and roles.
    if (!not_principal || p.kind == PrincipalKind::Root) raise(PrincipalGrant::Account);
  }
  if (!p.arn.empty() && Contains(spec.arns, p.arn)) raise(PrincipalGrant::Direct);
  if (p.kind == PrincipalKind::AssumedRole && !p.role_arn.empty() && Contains(spec.role_arns, p.role_arn)) {
    raise(PrincipalGrant::Role);
  }
  if (p.kind == PrincipalKind::Service && Contains(spec.services, p.service)) raise(PrincipalGrant::Direct);
  if (!p.federated.empty() && Contains(spec.federated, p.federated)) raise(PrincipalGrant::Direct);
  if (!p.canonical_user.empty() && Contains(spec.canonical_users, p.canonical_user)) raise(PrincipalGrant::Direct);
  return g;
}

bool StatementApplies(const CompiledStatement& s, const RequestContext& ctx, PrincipalGrant* grant) {
  if (!ActionMatches(s, ctx)) return false;
  if (ResourceMatches(s, ctx) != 1) return false;
  PrincipalGrant g = PrincipalGrant::None;
  switch (s.principal_mode) {
    case CompiledStatement::PrincipalMode::None:
      break;
    case CompiledStatement::PrincipalMode::Principal:
      g = MatchPrincipal(s.principal, ctx.principal(), false);
      if (g == PrincipalGrant::None) return false;
      break;
    case CompiledStatement::PrincipalMode::NotPrincipal:
      if (MatchPrincipal(s.principal, ctx.principal(), true) != PrincipalGrant::None) return false;
      g = PrincipalGrant::Role;
      break;
  }
  for (const auto& c : s.conditions) {
    bool unresolved = false;
    const bool ok = EvaluateCondition(c, ctx, &unresolved);
    if (unresolved || !ok) return false;
  }
  if (grant) *grant = g;
  return true;
}

PolicyDecision CompiledPolicy::Evaluate(const RequestContext& ctx) const {
  PolicyDecision d;
  for (const auto& s : statements_) {
    // An Allow cannot change the outcome once a stronger grant has been found; skip its work.
    if (!s.deny && d.decision == Decision::Allow && d.grant == PrincipalGrant::Direct) continue;
    PrincipalGrant g = PrincipalGrant::None;
    if (!StatementApplies(s, ctx, &g)) continue;
    if (s.deny) {
      d.decision = Decision::ExplicitDeny;
      d.sid = s.sid;
      d.grant = PrincipalGrant::None;
      return d;
    }
    if (d.decision != Decision::Allow) {
      d.decision = Decision::Allow;
      d.sid = s.sid;
    }
    if (s.principal_mode == CompiledStatement::PrincipalMode::None) g = PrincipalGrant::Direct;
    d.grant = std::max(d.grant, g);
  }
  return d;
}

size_t PolicySizeQuotaLimit(PolicySizeQuota q) {
  switch (q) {
    case PolicySizeQuota::ManagedPolicy: return 6144;
    case PolicySizeQuota::UserInline: return 2048;
    case PolicySizeQuota::RoleInline: return 10240;
    case PolicySizeQuota::GroupInline: return 5120;
    case PolicySizeQuota::RoleTrust: return 2048;
    case PolicySizeQuota::ServiceControlPolicy: return 5120;
  }
  return 0;
}

size_t PolicySizeWithoutWhitespace(std::string_view doc) {
  size_t n = 0;
  bool in_string = false, escaped = false;
  for (char c : doc) {
    if (in_string) {
      ++n;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '"') in_string = true;
    ++n;
  }
  return n;
}

Status CheckPolicySize(PolicySizeQuota q, size_t size, std::string_view entity, size_t limit) {
  if (limit == 0) limit = PolicySizeQuotaLimit(q);
  if (size <= limit) return OkStatus();
  const std::string lim = std::to_string(limit);
  switch (q) {
    case PolicySizeQuota::ManagedPolicy:
      return AwsError::LimitExceeded("Cannot exceed quota for PolicySize: " + lim);
    case PolicySizeQuota::UserInline:
      return AwsError::LimitExceeded("Maximum policy size of " + lim + " bytes exceeded for user " + std::string(entity));
    case PolicySizeQuota::RoleInline:
      return AwsError::LimitExceeded("Maximum policy size of " + lim + " bytes exceeded for role " + std::string(entity));
    case PolicySizeQuota::GroupInline:
      return AwsError::LimitExceeded("Maximum policy size of " + lim + " bytes exceeded for group " + std::string(entity));
    case PolicySizeQuota::RoleTrust:
      return AwsError::LimitExceeded("Cannot exceed quota for ACLSizePerRole: " + lim);
    case PolicySizeQuota::ServiceControlPolicy:
      return AwsError("ConstraintViolationException", "You have exceeded the maximum size of a policy document.", 400)
          .with("Reason", "POLICY_CONTENT_LIMIT_EXCEEDED");
  }
  return OkStatus();
}

}  // namespace orgroot::policy
