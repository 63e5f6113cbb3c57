// IAM's credential operations, as a Service of its own (name() "iam") beside the IAM core service:
// access keys, login profiles and the account password policy, virtual MFA devices, signing
// certificates, account aliases, GetAccountSummary and the credential report.
//
// Operations that take an optional UserName act, without it, on the caller: the calling IAM user,
// or the account's root user when the caller is a root principal (root keys, a root console
// session or an AssumeRoot session). Root-owned items are returned without UserName.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "services/deps.h"
#include "services/iam/credentials_store.h"
#include "services/service.h"

namespace orgroot::services::iam {

class CredentialsService final : public Service {
 public:
  explicit CredentialsService(ServiceDeps& deps);
  std::string_view name() const override { return "iam"; }
  AuthzTarget authz_target(std::string_view operation, const boost::json::object& params,
                           const CallContext& ctx) const override;
  // EnableMFADevice without UserName: a root user's own device; anyone else gets the model's
  // ValidationError (the server lifts the model's requirement for the root user's sake).
  Status precheck(std::string_view operation, const boost::json::object& params,
                  const CallContext& ctx) const override;

  // The authenticator's hook for every request signed with a long-term key: memory only.
  void record_key_use(const std::string& access_key_id, std::string_view service, std::string_view region);
  CredentialsStore& store() { return *store_; }

 private:
  struct Target {
    std::string user;  // "" = root
    bool root = false;
    std::string arn;
  };
  // The user an operation acts on: UserName if given (must exist), else the caller.
  Result<Target> target(const CallContext& ctx, const boost::json::object& p) const;
  std::string user_arn(const std::string& account, const std::string& user) const;

  void register_access_keys();
  void register_login_profiles();
  void register_mfa();
  void register_signing_certs();
  void register_account();

  ServiceDeps& deps_;
  std::unique_ptr<CredentialsStore> store_;
};

}  // namespace orgroot::services::iam
