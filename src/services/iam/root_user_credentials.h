// IAM's answer to the root user's sign-in side (RootUserCredentials): the root's login profile and
// MFA devices, kept in the credentials store under the user name "".
#pragma once

#include "common/clock.h"
#include "services/iam/credentials_store.h"
#include "services/interfaces.h"

namespace orgroot::services::iam {

class IamRootUserCredentials final : public RootUserCredentials {
 public:
  IamRootUserCredentials(CredentialsStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  Password password(const std::string& account_id) override;
  bool verify_password(const std::string& account_id, std::string_view password) override;
  void password_used(const std::string& account_id) override;
  void set_password(const std::string& account_id, std::string_view password) override;
  void give_unknown_password(const std::string& account_id) override;
  bool mfa_enabled(const std::string& account_id) override;
  bool check_mfa_code(const std::string& account_id, std::string_view code) override;

 private:
  CredentialsStore& store_;
  const Clock& clock_;
};

}  // namespace orgroot::services::iam
