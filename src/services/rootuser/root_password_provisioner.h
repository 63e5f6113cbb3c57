// Organizations' CreateAccount provisioning with the root user's first credential (spec §1.3):
// IAM provisions the account (root user, access role); then, unless the organization has
// RootCredentialsManagement enabled at that moment, the new root gets a login profile whose random
// password is told to nobody, so that "Forgot password" is its way in. A root created while the
// feature is enabled gets no credentials at all and cannot recover until "Allow password recovery".
#pragma once

#include <functional>
#include <string>

#include "services/interfaces.h"

namespace orgroot::services::rootuser {

class RootPasswordProvisioner final : public AccountProvisioner {
 public:
  // Whether the organization the account belongs to has RootCredentialsManagement enabled now.
  using FeatureQuery = std::function<bool(const std::string& account_id)>;

  RootPasswordProvisioner(AccountProvisioner& iam, RootUserCredentials& credentials, FeatureQuery credentials_managed)
      : iam_(iam), credentials_(credentials), credentials_managed_(std::move(credentials_managed)) {}

  Status provision_member_account(const std::string& account_id, const std::string& account_name,
                                  const std::string& email, const std::string& access_role_name,
                                  const std::string& management_account_id) override;

 private:
  AccountProvisioner& iam_;
  RootUserCredentials& credentials_;
  FeatureQuery credentials_managed_;
};

}  // namespace orgroot::services::rootuser
