// STS: GetCallerIdentity, GetSessionToken, GetAccessKeyInfo. (AssumeRole and AssumeRoot arrive with
// IAM roles and centralized root access.)
#pragma once

#include "common/clock.h"
#include "common/ids.h"
#include "services/service.h"
#include "store/identity_store.h"

namespace orgroot::services {

class StsService final : public Service {
 public:
  StsService(store::IdentityStore& store, const Clock& clock, Random& random);
  std::string_view name() const override { return "sts"; }
  // GetCallerIdentity and GetSessionToken need no permission: AWS answers them even under an
  // explicit deny.
  AuthzTarget authz_target(std::string_view operation, const boost::json::object& params,
                           const CallContext& ctx) const override;

  // Issues temporary credentials that act as `principal` until `expiration` (seconds since epoch).
  boost::json::object issue_session(const auth::Principal& principal, double expiration);

 private:
  OperationResult get_caller_identity(CallContext& ctx, const boost::json::object& params);
  OperationResult get_session_token(CallContext& ctx, const boost::json::object& params);
  OperationResult get_access_key_info(CallContext& ctx, const boost::json::object& params);

  store::IdentityStore& store_;
  const Clock& clock_;
  Random& random_;
};

}  // namespace orgroot::services
