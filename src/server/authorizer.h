// authorize: before a handler runs, the policy engine decides from every layer AWS combines —
// the SCPs of the caller's account, the resource's policy, identity policies, the permissions
// boundary and session policies. The layers come through narrow interfaces (IAM answers identity
// policies, Organizations answers SCP chains); the engine itself knows neither.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "auth/authenticator.h"
#include "auth/principal.h"
#include "common/clock.h"
#include "common/http_types.h"
#include "policy/evaluator.h"
#include "policy/request_context.h"
#include "services/interfaces.h"
#include "services/service.h"

namespace orgroot::server {

class Authorizer {
 public:
  // Either view may be null while that service is absent: a null IAM view means identity policies
  // are not evaluated (every authenticated caller is allowed by that layer).
  Authorizer(services::IdentityPolicyView* iam, services::OrganizationView* orgs, const Clock& clock,
             const auth::MotoCompat* moto)
      : iam_(iam), orgs_(orgs), clock_(clock), moto_(moto) {}

  // The request context the engine sees: action, resource, principal and, with keys, the global
  // condition keys and the target's own.
  policy::RequestContext context_for(const auth::Principal& who, const services::AuthzTarget& target,
                                     const HttpRequest& req, std::string_view region, bool keys = true) const;

  // Whether authorize() evaluates the target at all (else it allows without looking).
  bool evaluates(const auth::Principal& who, const services::AuthzTarget& target) const;
  // OkStatus or AWS's AccessDenied (the caller renders it in the wire form of the service).
  Status authorize(const auth::Principal& who, const services::AuthzTarget& target, const HttpRequest& req,
                   std::string_view region);

 private:
  policy::PolicyPtr compiled_resource_policy(const std::string& json, bool trust);
  // AWS's AccessDenied for a denial, worded as the service words it (S3 and SQS have their own forms).
  AwsError denied(const policy::AuthzResult& result, const policy::RequestContext& ctx,
                  const services::AuthzTarget& target, const auth::Principal& who);
  // The AWS-managed task policy capping a root session (AssumeRoot), compiled once.
  policy::PolicyPtr task_policy(const std::string& arn);

  services::IdentityPolicyView* iam_;
  services::OrganizationView* orgs_;
  const Clock& clock_;
  const auth::MotoCompat* moto_;
  std::mutex cache_mu_;
  std::unordered_map<std::string, policy::PolicyPtr> resource_policy_cache_;
  std::unordered_map<std::string, policy::PolicyPtr> task_policy_cache_;
};

}  // namespace orgroot::server
