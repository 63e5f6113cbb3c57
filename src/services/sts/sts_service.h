// STS: GetCallerIdentity, GetSessionToken, GetAccessKeyInfo, and AssumeRole when built with the
// roles IAM knows (AssumeRoot arrives with centralized root access).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "common/ids.h"
#include "services/interfaces.h"
#include "services/service.h"
#include "store/identity_store.h"

namespace orgroot::services {

// A role as AssumeRole needs it.
struct AssumableRole {
  std::string arn;  // with its path
  std::string role_id;
  std::string role_name;
  std::string account_id;
  std::string trust_policy;  // JSON
  int64_t max_session_duration = 3600;
};

// Answered by IAM.
class RoleDirectory {
 public:
  virtual ~RoleDirectory() = default;
  // Null when there is no such role. Shared: cached by IAM until its database changes.
  virtual std::shared_ptr<const AssumableRole> find_role(const std::string& role_arn) = 0;
  // The default version's document of a managed policy (customer or AWS), for PolicyArns.
  virtual std::optional<std::string> managed_policy_document(const std::string& policy_arn) = 0;
  virtual void record_role_use(const std::string& role_arn, std::string_view region) = 0;
};

class StsService final : public Service {
 public:
  StsService(store::IdentityStore& store, const Clock& clock, Random& random);
  // With AssumeRole: roles from `roles`, the caller's identity policies from `identity`.
  StsService(store::IdentityStore& store, const Clock& clock, Random& random, RoleDirectory& roles,
             IdentityPolicyView& identity);
  std::string_view name() const override { return "sts"; }
  AuthzTarget authz_target(std::string_view operation, const boost::json::object& params,
                           const CallContext& ctx) const override;

  // Issues temporary credentials that act as `principal` until `expiration` (seconds since epoch).
  boost::json::object issue_session(const auth::Principal& principal, double expiration);

 private:
  OperationResult get_caller_identity(CallContext& ctx, const boost::json::object& params);
  OperationResult get_session_token(CallContext& ctx, const boost::json::object& params);
  OperationResult get_access_key_info(CallContext& ctx, const boost::json::object& params);
  OperationResult assume_role(CallContext& ctx, const boost::json::object& params);  // sts_assume_role.cc

  store::IdentityStore& store_;
  const Clock& clock_;
  Random& random_;
  // Trust policies compiled once per document text.
  policy::PolicyPtr compiled_trust(const std::string& document);
  std::mutex trust_mu_;
  std::unordered_map<std::string, policy::PolicyPtr> trust_cache_;
  RoleDirectory* roles_ = nullptr;
  IdentityPolicyView* identity_ = nullptr;
};

}  // namespace orgroot::services
