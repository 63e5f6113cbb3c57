#include "services/rootaccess/assume_root_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "services/rootaccess/task_policies.h"

namespace orgroot::services {

namespace {
constexpr const char* kIamPrincipal = "iam.amazonaws.com";

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string task_policy_arn(const boost::json::object& params) {
  auto v = param(params, "TaskPolicyArn");
  if (!v || !v->is_object()) return {};
  return param_str(v->get_object(), "arn");
}

// The generic refusal: AWS says no more than this, whatever the reason (spec §2.2).
AwsError generic_denial(const auth::Principal& who, const std::string& target) {
  return AwsError::AccessDenied(fmt::format(
      "User: {} is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::{}:root", who.arn, target));
}

std::string_view host_without_port(std::string_view host) {
  auto colon = host.rfind(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}
}  // namespace

AssumeRootService::AssumeRootService(RootAccessStore& features, OrganizationView* orgs, const Clock& clock,
                                     SessionIssuer issue)
    : features_(features), orgs_(orgs), clock_(clock), issue_(std::move(issue)) {
  on("AssumeRoot", [this](CallContext& c, const boost::json::object& p) { return assume_root(c, p); });
}

std::string AssumeRootService::target_account(std::string_view t) {
  if (t.size() == 12 && all_digits(t)) return std::string(t);
  constexpr std::string_view prefix = "arn:aws:iam::", suffix = ":root";
  if (t.size() == prefix.size() + 12 + suffix.size() && t.substr(0, prefix.size()) == prefix &&
      t.substr(prefix.size() + 12) == suffix && all_digits(t.substr(prefix.size(), 12)))
    return std::string(t.substr(prefix.size(), 12));
  return {};
}

Status AssumeRootService::endpoint_offers(std::string_view operation, std::string_view host) const {
  // AssumeRoot exists only on regional endpoints (spec §2.2 step 1, before validation).
  if (operation == "AssumeRoot" && host_without_port(host) == "sts.amazonaws.com")
    return AwsError::InvalidAction("Unknown Operation");
  return OkStatus();
}

Status AssumeRootService::precheck(std::string_view operation, const boost::json::object& params,
                                   const CallContext& ctx) const {
  if (operation != "AssumeRoot") return OkStatus();
  // AssumeRoot exists only on regional endpoints (the pipeline asks endpoint_offers first; this
  // covers callers that reach the service without it).
  if (auto st = endpoint_offers(operation, ctx.host); !st) return st;
  if (root_task_family(task_policy_arn(params)) == RootTaskFamily::None)
    return AwsError::ValidationError("Request must contain valid AWS managed task policy ARN");
  std::string target = target_account(param_str(params, "TargetPrincipal"));
  if (target.empty()) return AwsError::ValidationError("Request must contain a valid target principal");
  // Root identities (root keys, console sessions, root sessions) may not open root sessions.
  if (ctx.principal.type == auth::PrincipalType::Root) return generic_denial(ctx.principal, target);
  return OkStatus();
}

AuthzTarget AssumeRootService::authz_target(std::string_view operation, const boost::json::object& params,
                                            const CallContext& ctx) const {
  AuthzTarget t = Service::authz_target(operation, params, ctx);
  if (operation != "AssumeRoot") return t;
  std::string target = target_account(param_str(params, "TargetPrincipal"));
  // The target's root user has no resource policy: AssumeRoot is decided by the caller's side
  // alone (identity policies, boundary, session policies, the caller's SCPs). Naming the target as
  // the resource's account would make it a cross-account call needing a resource grant that can
  // never exist, so the resource stays in the caller's account for the engine.
  t.resource = "arn:aws:iam::" + target + ":root";
  t.context.emplace_back("sts:TaskPolicyArn", task_policy_arn(params));
  t.deny_without_reason = true;
  return t;
}

void AssumeRootService::audit_hints(std::string_view operation, const boost::json::object& params,
                                    const boost::json::value&, const CallContext&, std::vector<std::string>&,
                                    std::vector<AuditResource>& resources) const {
  if (operation != "AssumeRoot") return;
  std::string target = target_account(param_str(params, "TargetPrincipal"));
  if (!target.empty()) resources.push_back({target, "AWS::IAM::Root", "arn:aws:iam::" + target + ":root"});
}

// After authorization (spec §2.2 steps 6-9): the organization relationship, trusted access, the
// feature for the task's family, then the session.
OperationResult AssumeRootService::assume_root(CallContext& ctx, const boost::json::object& params) {
  const auth::Principal& who = ctx.principal;
  const std::string target = target_account(param_str(params, "TargetPrincipal"));
  const std::string task = task_policy_arn(params);
  if (!orgs_) return generic_denial(who, target);
  auto caller = orgs_->membership(who.account_id);
  auto member = orgs_->membership(target);
  if (!caller || !member || member->organization_id != caller->organization_id || member->is_management ||
      !orgs_->account_active(target))
    return generic_denial(who, target);
  auto delegates = orgs_->delegated_administrators(kIamPrincipal);
  const bool delegate = std::find(delegates.begin(), delegates.end(), who.account_id) != delegates.end();
  if (!caller->is_management && !delegate) return generic_denial(who, target);
  if (!orgs_->trusted_access_enabled(kIamPrincipal))
    return AwsError::AccessDenied("Service not enabled for AWS Organizations.");
  RootAccessFeatures f = features_.get(caller->organization_id);
  if (root_task_family(task) == RootTaskFamily::Credentials && !f.credentials_management)
    return AwsError::AccessDenied("Root credentials management feature is not enabled for your AWS Organization.");
  if (root_task_family(task) == RootTaskFamily::Sessions && !f.root_sessions)
    return AwsError::AccessDenied("Root sessions feature is not enabled for your AWS Organization.");

  const int64_t duration = param_int(params, "DurationSeconds").value_or(900);
  auth::Principal root;
  root.type = auth::PrincipalType::Root;
  root.account_id = target;
  root.arn = "arn:aws:iam::" + target + ":root";
  root.user_id = target;
  root.session_issuer = "AssumeRoot";
  root.task_policy_arn = task;
  root.source_identity = who.source_identity;  // carried over; AssumeRoot cannot set one
  boost::json::object out;
  out["Credentials"] = issue_(root, std::floor(clock_.now_seconds()) + static_cast<double>(duration));
  if (!who.source_identity.empty()) out["SourceIdentity"] = who.source_identity;
  return boost::json::value(std::move(out));
}

}  // namespace orgroot::services
