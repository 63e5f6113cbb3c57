#include "services/sts/sts_service.h"

#include <fmt/format.h>

#include <strings.h>

#include <cmath>

#include "policy/evaluator.h"
#include "policy/policy_document.h"

namespace orgroot::services {

StsService::StsService(store::IdentityStore& store, const Clock& clock, Random& random)
    : store_(store), clock_(clock), random_(random) {
  on("GetCallerIdentity", [this](CallContext& c, const boost::json::object& p) { return get_caller_identity(c, p); });
  on("GetSessionToken", [this](CallContext& c, const boost::json::object& p) { return get_session_token(c, p); });
  on("GetAccessKeyInfo", [this](CallContext& c, const boost::json::object& p) { return get_access_key_info(c, p); });
}

StsService::StsService(store::IdentityStore& store, const Clock& clock, Random& random, RoleDirectory& roles,
                       IdentityPolicyView& identity)
    : StsService(store, clock, random) {
  roles_ = &roles;
  identity_ = &identity;
  on("AssumeRole", [this](CallContext& c, const boost::json::object& p) { return assume_role(c, p); });
}

AuthzTarget StsService::authz_target(std::string_view operation, const boost::json::object& params,
                                     const CallContext& ctx) const {
  AuthzTarget t = Service::authz_target(operation, params, ctx);
  // AWS lets anyone ask who they are.
  if (operation == "GetCallerIdentity" || operation == "GetSessionToken") t.skip = true;
  if (operation == "AssumeRole") {
    // The handler evaluates the trust policy itself (with the caller's identity policies), because
    // STS answers a missing role and a refused one alike; the authorizer gets the same facts.
    t.resource = param_str(params, "RoleArn");
    if (roles_)
      if (auto r = roles_->find_role(t.resource)) {
        t.resource_account = r->account_id;
        t.resource_policy = r->trust_policy;
        t.resource_policy_required = true;
      }
    // The condition keys a trust policy may test.
    t.context.emplace_back("sts:RoleSessionName", param_str(params, "RoleSessionName"));
    if (params.contains("ExternalId")) t.context.emplace_back("sts:ExternalId", param_str(params, "ExternalId"));
    std::string source = ctx.principal.source_identity.empty() ? param_str(params, "SourceIdentity")
                                                               : ctx.principal.source_identity;
    if (!source.empty()) t.context.emplace_back("sts:SourceIdentity", source);
    if (auto v = param(params, "Tags"); v && v->is_array())
      for (const auto& e : v->get_array()) {
        if (!e.is_object()) continue;
        std::string k = param_str(e.get_object(), "Key");
        t.context.emplace_back("aws:RequestTag/" + k, param_str(e.get_object(), "Value"));
        t.context.emplace_back("aws:TagKeys", k);
      }
    if (auto v = param(params, "TransitiveTagKeys"); v && v->is_array())
      for (const auto& e : v->get_array())
        if (e.is_string()) t.context.emplace_back("sts:TransitiveTagKeys", std::string(e.get_string()));
    // The authorizer evaluates sts:AssumeRole with the trust policy as the resource policy, plus the
    // SCPs of the caller's account; the handler then checks the rest (sts:SetSourceIdentity,
    // sts:TagSession, durations). A missing role is the handler's to answer, in AssumeRole's words.
    t.deny_without_reason = true;
    if (t.resource_policy.empty()) t.skip = true;
  }
  return t;
}

OperationResult StsService::get_caller_identity(CallContext& ctx, const boost::json::object&) {
  boost::json::object out;
  out.reserve(3);
  out["UserId"] = ctx.principal.user_id;
  out["Account"] = ctx.principal.account_id;
  out["Arn"] = ctx.principal.arn;
  return boost::json::value(std::move(out));
}

boost::json::object StsService::issue_session(const auth::Principal& principal, double expiration) {
  store::SessionRecord s;
  s.access_key_id = ids::access_key_id(random_, principal.account_id, /*temporary=*/true);
  s.secret = ids::secret_access_key(random_);
  s.account_id = principal.account_id;
  s.created_at = clock_.now_seconds();
  s.expiration = std::floor(expiration);  // AWS issues whole-second expirations
  s.principal_json = principal.to_json();
  s.session_token = store_.seal_session(s);  // the session lives in its token: nothing is written

  boost::json::object creds;
  creds.reserve(4);  // built member by member: room for all at once
  creds["AccessKeyId"] = s.access_key_id;
  creds["SecretAccessKey"] = s.secret;
  creds["SessionToken"] = s.session_token;
  creds["Expiration"] = s.expiration;
  return creds;
}

OperationResult StsService::get_session_token(CallContext& ctx, const boost::json::object& params) {
  const auth::Principal& who = ctx.principal;
  // AWS: session credentials cannot be used to get more session credentials.
  if (who.temporary)
    return AwsError::AccessDenied("Cannot call GetSessionToken with session credentials");
  const bool root = who.type == auth::PrincipalType::Root;
  // Bounds: 900 s .. 129600 s (36 h) for IAM users; at most 3600 s for the root user. The model's
  // range check (900..129600) has run already in the codec.
  int64_t duration = param_int(params, "DurationSeconds").value_or(root ? 3600 : 43200);
  if (root && duration > 3600) duration = 3600;  // AWS caps root sessions silently at one hour

  if (params.contains("SerialNumber") || params.contains("TokenCode")) {
    // MFA devices arrive with IAM; until then no code can be valid.
    return AwsError::AccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code. ");
  }
  auth::Principal session = who;
  session.session_issuer = "GetSessionToken";
  session.mfa_authenticated = false;
  boost::json::object out;
  out["Credentials"] = issue_session(session, clock_.now_seconds() + static_cast<double>(duration));
  return boost::json::value(std::move(out));
}

OperationResult StsService::get_access_key_info(CallContext&, const boost::json::object& params) {
  std::string key = param_str(params, "AccessKeyId");
  std::string account;
  if (auto k = store_.get_access_key(key)) account = k->account_id;
  else if (auto s = store_.get_session(key)) account = s->account_id;
  else account = ids::account_from_access_key_id(key);
  if (account.empty())
    return AwsError::InvalidParameterValue(fmt::format("Invalid AccessKeyId: {}", key));
  boost::json::object out;
  out["Account"] = account;
  return boost::json::value(std::move(out));
}

// ---- AssumeRole ---------------------------------------------------------------------------------

policy::PolicyPtr StsService::compiled_trust(const std::string& document) {
  std::lock_guard lk(trust_mu_);
  if (auto it = trust_cache_.find(document); it != trust_cache_.end()) return it->second;
  auto compiled = policy::CompilePolicy(document, {.kind = policy::PolicyKind::Trust});
  policy::PolicyPtr p = compiled ? compiled.value() : nullptr;
  if (trust_cache_.size() >= 4096) trust_cache_.clear();  // a bound; documents compile again on demand
  trust_cache_.emplace(document, p);
  return p;
}

namespace {

policy::PrincipalFacts facts_of(const auth::Principal& p) {
  policy::PrincipalFacts f;
  switch (p.type) {
    case auth::PrincipalType::IamUser: f.kind = policy::PrincipalKind::User; break;
    case auth::PrincipalType::AssumedRole: f.kind = policy::PrincipalKind::AssumedRole; break;
    case auth::PrincipalType::Root: f.kind = policy::PrincipalKind::Root; break;
    case auth::PrincipalType::Anonymous: f.kind = policy::PrincipalKind::Anonymous; break;
  }
  f.arn = p.arn;
  f.account = p.account_id;
  f.role_arn = p.role_arn;
  f.user_id = p.user_id;
  if (p.type == auth::PrincipalType::IamUser) f.user_name = p.user_name;
  return f;
}

std::vector<std::pair<std::string, std::string>> tag_list(const boost::json::object& params, std::string_view key) {
  std::vector<std::pair<std::string, std::string>> out;
  if (auto v = param(params, key); v && v->is_array())
    for (const auto& e : v->get_array())
      if (e.is_object()) out.emplace_back(param_str(e.get_object(), "Key"), param_str(e.get_object(), "Value"));
  return out;
}

std::vector<std::string> string_list(const boost::json::object& params, std::string_view key) {
  std::vector<std::string> out;
  if (auto v = param(params, key); v && v->is_array())
    for (const auto& e : v->get_array())
      if (e.is_string()) out.emplace_back(e.get_string());
  return out;
}

bool same_key(const std::string& a, const std::string& b) { return strcasecmp(a.c_str(), b.c_str()) == 0; }

}  // namespace

OperationResult StsService::assume_role(CallContext& ctx, const boost::json::object& params) {
  const auth::Principal& who = ctx.principal;
  const std::string role_arn = param_str(params, "RoleArn");
  const std::string session_name = param_str(params, "RoleSessionName");
  const double now = clock_.now_seconds();

  auto base_context = [&] {
    policy::RequestContext rc;
    rc.SetAction("sts:AssumeRole");
    rc.SetResource(role_arn);
    rc.SetPrincipal(facts_of(who));
    rc.AddPrincipalKeys();
    return rc;
  };
  auto denied = [&](std::string_view action) {
    policy::RequestContext rc = base_context();
    rc.SetAction(action);
    return AwsError::AccessDenied(policy::AccessDeniedMessage(policy::AuthzResult{}, rc, /*with_reason=*/false));
  };
  if (who.type == auth::PrincipalType::Root) return AwsError::AccessDenied("Roles may not be assumed by root accounts.");
  if (who.type == auth::PrincipalType::Anonymous) return denied("sts:AssumeRole");
  if (params.contains("SerialNumber") || params.contains("TokenCode"))
    return AwsError::AccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code. ");

  auto role = roles_->find_role(role_arn);
  if (!role) return denied("sts:AssumeRole");

  // ---- the session's own inputs ----
  std::vector<std::string> session_policies;
  size_t packed = 0;
  bool report_packed = false;
  if (auto doc = param_str(params, "Policy"); params.contains("Policy")) {
    auto compiled = policy::CompilePolicy(doc, {.kind = policy::PolicyKind::Session});
    if (!compiled) return std::move(compiled).error();
    session_policies.push_back(doc);
    packed += policy::PolicySizeWithoutWhitespace(doc);
    report_packed = true;
  }
  if (auto v = param(params, "PolicyArns"); v && v->is_array()) {
    for (const auto& e : v->get_array()) {
      if (!e.is_object()) continue;
      std::string arn = param_str(e.get_object(), "arn");
      if (!roles_->managed_policy_document(arn))
        return AwsError::InvalidParameterValue(fmt::format("Policy {} does not exist or is not attachable.", arn));
      session_policies.push_back(arn);
      packed += arn.size();
      report_packed = true;
    }
  }

  // Session tags: the caller's transitive tags carry over and cannot be overridden.
  auto tags = tag_list(params, "Tags");
  auto transitive = string_list(params, "TransitiveTagKeys");
  for (size_t i = 0; i < tags.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (same_key(tags[i].first, tags[j].first))
        return AwsError::InvalidParameterValue("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
  for (const auto& k : transitive) {
    bool found = false;
    for (const auto& t : tags) found |= same_key(t.first, k);
    if (!found)
      return AwsError::InvalidParameterValue(
          fmt::format("The specified transitive tag key {} must be included in the requested tags.", k));
  }
  bool tagging = !tags.empty();
  for (const auto& t : tags) packed += t.first.size() + t.second.size();
  if (!tags.empty()) report_packed = true;
  if (who.type == auth::PrincipalType::AssumedRole) {
    for (const auto& k : who.transitive_tag_keys) {
      for (const auto& t : tags)
        if (same_key(t.first, k))
          return AwsError::InvalidParameterValue(
              fmt::format("One or more tags can't be set because the tag key {} is a transitive tag of the "
                          "session that calls AssumeRole.", k));
      for (const auto& [sk, sv] : who.session_tags)
        if (same_key(sk, k)) tags.emplace_back(sk, sv);
      transitive.push_back(k);
    }
  }
  if (report_packed) {
    size_t percent = (packed * 100 + 2047) / 2048;
    if (percent > 100)
      return AwsError("PackedPolicyTooLarge",
                      fmt::format("Packed policy consumes {}% of allotted space, please use smaller policy.", percent));
    packed = percent;
  }

  // Source identity: set once per chain.
  std::string source_identity = param_str(params, "SourceIdentity");
  if (!who.source_identity.empty()) {
    if (!source_identity.empty() && source_identity != who.source_identity)
      return AwsError::AccessDenied(
          fmt::format("The SourceIdentity {} cannot be changed to {} in a role chain.", who.source_identity,
                      source_identity));
    source_identity = who.source_identity;
  }

  // Duration: 900 .. the role's MaxSessionDuration; one hour at most when chaining roles.
  const bool chaining = who.type == auth::PrincipalType::AssumedRole;
  int64_t duration = 3600;
  if (auto d = param_int(params, "DurationSeconds")) {
    duration = *d;
    if (chaining && duration > 3600)
      return AwsError::ValidationError(
          "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
    if (duration > role->max_session_duration)
      return AwsError::ValidationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }

  // ---- the trust policy and, across accounts, the caller's own policies ----
  // For sts:AssumeRole, and for sts:SetSourceIdentity and sts:TagSession when the session asks
  // for them. The pipeline's authorizer has already
  // evaluated sts:AssumeRole with every layer (SCPs included) unless it had nothing to evaluate.
  std::vector<std::string> actions;
  if (!ctx.authorized) actions.push_back("sts:AssumeRole");
  if (!source_identity.empty()) actions.push_back("sts:SetSourceIdentity");
  if (tagging || !tags.empty()) actions.push_back("sts:TagSession");
  if (!actions.empty()) {
    policy::RequestContext rc = base_context();
    rc.SetResourceAccount(role->account_id);
    rc.Set("sts:RoleSessionName", session_name);
    if (params.contains("ExternalId")) rc.Set("sts:ExternalId", param_str(params, "ExternalId"));
    if (!source_identity.empty()) rc.Set("sts:SourceIdentity", source_identity);
    rc.Set("aws:MultiFactorAuthPresent", who.mfa_authenticated ? "true" : "false");
    rc.Set("aws:SecureTransport", ctx.secure_transport ? "true" : "false");
    if (!ctx.source_ip.empty()) rc.Set("aws:SourceIp", ctx.source_ip);
    rc.Set("aws:RequestedRegion", ctx.region);
    rc.Set("aws:CurrentTime", iso8601(now));
    rc.Set("aws:EpochTime", fmt::format("{}", static_cast<int64_t>(now)));
    if (!tags.empty()) {
      std::vector<std::string> keys;
      for (const auto& [k, v] : tags) {
        rc.Set("aws:RequestTag/" + k, v);
        keys.push_back(k);
      }
      rc.SetValues("aws:TagKeys", std::move(keys));
    }
    if (!transitive.empty()) rc.SetValues("sts:TransitiveTagKeys", transitive);
    IdentityPolicies mine = identity_->policies_for(who);
    for (const auto& [k, v] : mine.principal_tags) rc.Set("aws:PrincipalTag/" + k, v);

    auto trust = compiled_trust(role->trust_policy);
    if (!trust) return denied("sts:AssumeRole");
    for (const auto& action : actions) {
      rc.SetAction(action);
      policy::AuthzRequest req;
      req.context = &rc;
      req.resource_policy = trust.get();
      req.identity_policies = mine.identity;
      req.permissions_boundary = mine.permissions_boundary.get();
      req.session_policies = mine.session;
      req.resource_policy_required = true;
      auto result = policy::Authorize(req);
      if (!result.allowed) return AwsError::AccessDenied(policy::AccessDeniedMessage(result, rc, /*with_reason=*/false));
    }
  }

  // ---- the session ----
  auth::Principal s;
  s.type = auth::PrincipalType::AssumedRole;
  s.account_id = role->account_id;
  s.arn = fmt::format("arn:aws:sts::{}:assumed-role/{}/{}", role->account_id, role->role_name, session_name);
  s.user_id = role->role_id + ":" + session_name;
  s.user_name = session_name;
  s.session_issuer = "AssumeRole";
  s.source_identity = source_identity;
  s.role_arn = role->arn;
  s.role_id = role->role_id;
  s.role_name = role->role_name;
  s.session_policies = std::move(session_policies);
  s.session_tags = std::move(tags);
  s.transitive_tag_keys = std::move(transitive);
  roles_->record_role_use(role->arn, ctx.region);

  boost::json::object out;
  out.reserve(4);
  out["Credentials"] = issue_session(s, now + static_cast<double>(duration));
  out["AssumedRoleUser"] = boost::json::object{{"AssumedRoleId", s.user_id}, {"Arn", s.arn}};
  if (report_packed) out["PackedPolicySize"] = static_cast<int64_t>(packed);
  if (!source_identity.empty()) out["SourceIdentity"] = source_identity;
  return boost::json::value(std::move(out));
}

}  // namespace orgroot::services
