// STS AssumeRoot (spec §2.2): a member account's root user for up to 15 minutes, capped by one of
// the five task policies, for callers in the management account or the IAM delegated administrator.
#pragma once

#include <functional>

#include "common/clock.h"
#include "services/interfaces.h"
#include "services/rootaccess/root_access_store.h"
#include "services/service.h"

namespace orgroot::services {

class AssumeRootService final : public Service {
 public:
  // Issues temporary credentials acting as the principal until the expiration (StsService::issue_session).
  using SessionIssuer = std::function<boost::json::object(const auth::Principal&, double expiration)>;

  AssumeRootService(RootAccessStore& features, OrganizationView* orgs, const Clock& clock, SessionIssuer issue);
  std::string_view name() const override { return "sts"; }

  // Before the parameters are decoded: AssumeRoot is unknown on the global endpoint sts.amazonaws.com.
  Status endpoint_offers(std::string_view operation, std::string_view host) const override;
  // Before authorization: the global endpoint, the task policy ARN, the target, a root caller.
  Status precheck(std::string_view operation, const boost::json::object& params,
                  const CallContext& ctx) const override;
  // sts:AssumeRoot on arn:aws:iam::<target>:root with sts:TaskPolicyArn; denials carry no reason.
  AuthzTarget authz_target(std::string_view operation, const boost::json::object& params,
                           const CallContext& ctx) const override;
  void audit_hints(std::string_view operation, const boost::json::object& params, const boost::json::value& result,
                   const CallContext& ctx, std::vector<std::string>& recipient_accounts,
                   std::vector<AuditResource>& resources) const override;

  // "333333333333" from "333333333333" or "arn:aws:iam::333333333333:root"; "" if neither.
  static std::string target_account(std::string_view target_principal);

 private:
  OperationResult assume_root(CallContext& ctx, const boost::json::object& params);

  RootAccessStore& features_;
  OrganizationView* orgs_;
  const Clock& clock_;
  SessionIssuer issue_;
};

}  // namespace orgroot::services
