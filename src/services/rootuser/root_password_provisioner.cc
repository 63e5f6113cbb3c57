#include "services/rootuser/root_password_provisioner.h"

namespace orgroot::services::rootuser {

Status RootPasswordProvisioner::provision_member_account(const std::string& account_id,
                                                         const std::string& account_name, const std::string& email,
                                                         const std::string& access_role_name,
                                                         const std::string& management_account_id) {
  auto st = iam_.provision_member_account(account_id, account_name, email, access_role_name, management_account_id);
  if (!st) return st;
  if (!credentials_managed_ || !credentials_managed_(account_id)) credentials_.give_unknown_password(account_id);
  return OkStatus();
}

}  // namespace orgroot::services::rootuser
