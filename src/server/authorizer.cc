#include "server/authorizer.h"

#include "services/iam/aws_policies.h"

namespace orgroot::server {

namespace {
policy::PrincipalKind kind_of(const auth::Principal& p) {
  switch (p.type) {
    case auth::PrincipalType::IamUser: return policy::PrincipalKind::User;
    case auth::PrincipalType::AssumedRole: return policy::PrincipalKind::AssumedRole;
    case auth::PrincipalType::Root: return policy::PrincipalKind::Root;
    case auth::PrincipalType::Anonymous: return policy::PrincipalKind::Anonymous;
  }
  return policy::PrincipalKind::Anonymous;
}
}  // namespace

policy::RequestContext Authorizer::context_for(const auth::Principal& who, const services::AuthzTarget& target,
                                               const HttpRequest& req, std::string_view region, bool keys) const {
  policy::RequestContext ctx;
  ctx.SetAction(target.action);
  ctx.SetResource(target.resource);
  ctx.SetResourceAccount(target.resource_account.empty() ? who.account_id : target.resource_account);

  policy::PrincipalFacts f;
  f.kind = kind_of(who);
  f.arn = who.arn;
  f.account = who.account_id;
  f.role_arn = who.role_arn;
  f.user_id = who.user_id;
  if (who.type == auth::PrincipalType::IamUser) f.user_name = who.user_name;
  ctx.SetPrincipal(std::move(f));
  if (!keys) return ctx;
  if (who.type != auth::PrincipalType::Anonymous) ctx.AddPrincipalKeys();

  // aws:CurrentTime and aws:EpochTime have a resolution of one second: formatted once per second.
  struct Second {
    int64_t at = -1;
    std::string iso, epoch;
  };
  thread_local Second second;
  const double now = clock_.now_seconds();
  if (const auto s = static_cast<int64_t>(now); s != second.at) {
    second.at = s;
    second.iso = iso8601(now);
    second.epoch = std::to_string(s);
  }
  ctx.Set("aws:CurrentTime", second.iso);
  ctx.Set("aws:EpochTime", second.epoch);
  ctx.Set("aws:SecureTransport", req.secure_transport ? "true" : "false");
  if (!req.remote_ip.empty()) ctx.Set("aws:SourceIp", req.remote_ip);
  if (!region.empty()) ctx.Set("aws:RequestedRegion", region);
  if (who.temporary) {
    // Present only for temporary credentials, as in AWS.
    ctx.Set("aws:MultiFactorAuthPresent", who.mfa_authenticated ? "true" : "false");
  }
  if (!who.source_identity.empty()) ctx.Set("aws:SourceIdentity", who.source_identity);
  if (who.session_issuer == "AssumeRoot") ctx.Set("aws:AssumedRoot", "true");  // only ever set here
  for (const auto& [k, v] : who.session_tags) ctx.Set("aws:PrincipalTag/" + k, v);
  for (const auto& [k, v] : target.context) ctx.Add(k, v);
  return ctx;
}

policy::PolicyPtr Authorizer::compiled_resource_policy(const std::string& json, bool trust) {
  const std::string key = (trust ? "T" : "R") + json;
  std::lock_guard lk(cache_mu_);
  auto it = resource_policy_cache_.find(key);
  if (it != resource_policy_cache_.end()) return it->second;
  policy::CompileOptions opt;
  opt.kind = trust ? policy::PolicyKind::Trust : policy::PolicyKind::Resource;
  auto compiled = policy::CompilePolicy(json, opt);
  policy::PolicyPtr p = compiled ? compiled.value() : nullptr;
  if (resource_policy_cache_.size() > 4096) resource_policy_cache_.clear();
  resource_policy_cache_.emplace(key, p);
  return p;
}

policy::PolicyPtr Authorizer::task_policy(const std::string& arn) {
  std::lock_guard lk(cache_mu_);
  auto it = task_policy_cache_.find(arn);
  if (it != task_policy_cache_.end()) return it->second;
  policy::PolicyPtr p;
  if (const auto* managed = services::iam::AwsPolicyCatalog::shared().find(arn)) {
    policy::CompileOptions opt;
    opt.kind = policy::PolicyKind::Identity;
    opt.managed = true;
    if (auto compiled = policy::CompilePolicy(managed->document, opt)) p = compiled.value();
  }
  task_policy_cache_.emplace(arn, p);
  return p;
}

bool Authorizer::evaluates(const auth::Principal& who, const services::AuthzTarget& target) const {
  if (target.skip) return false;
  // moto's server mode checks nothing until reset-auth arms it.
  if (moto_ && !moto_->enforcing()) return false;
  // Until IAM answers identity policies, the identity layer is not evaluated.
  if (!iam_ && target.resource_policy.empty() && who.type != auth::PrincipalType::Anonymous) return false;
  return true;
}

Status Authorizer::authorize(const auth::Principal& who, const services::AuthzTarget& target, const HttpRequest& req,
                             std::string_view region) {
  if (!evaluates(who, target)) return OkStatus();

  services::IdentityPolicies ids;
  if (iam_ && who.type != auth::PrincipalType::Anonymous) ids = iam_->policies_for(who);
  std::vector<policy::PolicyLevel> scps;
  if (orgs_ && who.type != auth::PrincipalType::Anonymous) scps = orgs_->scp_chain(who.account_id);

  policy::PolicyPtr resource;
  // A role's trust policy is the resource policy of sts:AssumeRole*; it has its own grammar.
  const bool trust = target.action.rfind("sts:AssumeRole", 0) == 0 && target.action != "sts:AssumeRoot";
  if (!target.resource_policy.empty()) resource = compiled_resource_policy(target.resource_policy, trust);
  // A root session is capped by its task policy; one whose policy cannot be found may do nothing.
  policy::PolicyPtr task;
  if (!who.task_policy_arn.empty()) task = task_policy(who.task_policy_arn);

  // The condition keys are set only when a policy of this request reads them: most requests meet
  // only policies without conditions or variables (AdministratorAccess, FullAWSAccess ...).
  bool keys = (resource && resource->reads_context()) || (task && task->reads_context()) ||
              (ids.permissions_boundary && ids.permissions_boundary->reads_context());
  for (const auto* list : {&ids.identity, &ids.session})
    for (const auto& p : *list) keys = keys || (p && p->reads_context());
  for (const auto& level : scps)
    for (const auto& p : level) keys = keys || (p && p->reads_context());

  policy::RequestContext ctx = context_for(who, target, req, region, keys);
  if (keys) {
    for (const auto& [k, v] : ids.principal_tags) ctx.Set("aws:PrincipalTag/" + k, v);
    if (orgs_ && who.type != auth::PrincipalType::Anonymous)
      if (auto m = orgs_->membership(who.account_id)) ctx.Set("aws:PrincipalOrgID", m->organization_id);
  }
  if (!who.task_policy_arn.empty() && !task) return denied(policy::AuthzResult{}, ctx, target, who);

  policy::AuthzRequest ar;
  ar.context = &ctx;
  ar.task_policy = task.get();
  ar.scp_levels = scps;
  ar.resource_policy = resource.get();
  ar.identity_policies = ids.identity;
  ar.permissions_boundary = ids.permissions_boundary.get();
  ar.session_policies = ids.session;
  ar.resource_policy_required = target.resource_policy_required;
  ar.root_exempt_from_resource_policy_deny = target.root_exempt_from_resource_policy_deny;
  auto result = policy::Authorize(ar);
  if (result.allowed) return OkStatus();
  return denied(result, ctx, target, who);
}

AwsError Authorizer::denied(const policy::AuthzResult& result, const policy::RequestContext& ctx,
                            const services::AuthzTarget& target, const auth::Principal& who) {
  policy::DeniedMessageStyle style;
  style.with_reason = !target.deny_without_reason;
  const std::string_view action = target.action;
  if (action.rfind("s3:", 0) == 0) {
    // S3 explains a denial only to callers of the bucket owner's account or organization; everyone
    // else (anonymous callers included) reads "Access Denied".
    const std::string& owner = ctx.resource_account();
    bool explained = who.type != auth::PrincipalType::Anonymous && (owner.empty() || owner == who.account_id);
    if (!explained && who.type != auth::PrincipalType::Anonymous && orgs_) {
      auto mine = orgs_->membership(who.account_id);
      auto theirs = mine ? orgs_->membership(owner) : std::nullopt;
      explained = theirs && theirs->organization_id == mine->organization_id;
    }
    if (!explained) return AwsError::AccessDenied("Access Denied");
    style.quote_resource = true;
  } else if (action.rfind("sqs:", 0) == 0) {
    style.lowercase_action = true;
  }
  return AwsError::AccessDenied(policy::AccessDeniedMessage(result, ctx, style));
}

}  // namespace orgroot::server
