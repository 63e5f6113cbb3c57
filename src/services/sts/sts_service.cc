#include "services/sts/sts_service.h"

#include <fmt/format.h>

#include <cmath>

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
  }
  return t;
}

OperationResult StsService::get_caller_identity(CallContext& ctx, const boost::json::object&) {
  boost::json::object out;
  out["UserId"] = ctx.principal.user_id;
  out["Account"] = ctx.principal.account_id;
  out["Arn"] = ctx.principal.arn;
  return boost::json::value(std::move(out));
}

boost::json::object StsService::issue_session(const auth::Principal& principal, double expiration) {
  store::SessionRecord s;
  s.access_key_id = ids::access_key_id(random_, principal.account_id, /*temporary=*/true);
  s.secret = ids::secret_access_key(random_);
  s.session_token = ids::session_token(random_);
  s.account_id = principal.account_id;
  s.created_at = clock_.now_seconds();
  s.expiration = std::floor(expiration);  // AWS issues whole-second expirations
  s.principal_json = principal.to_json();
  store_.put_session(s);

  boost::json::object creds;
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

}  // namespace orgroot::services
