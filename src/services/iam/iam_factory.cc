#include "services/iam/iam_factory.h"

#include "services/iam/aws_policies.h"
#include "services/iam/credentials_service.h"
#include "services/iam/iam_service.h"
#include "services/iam/root_user_credentials.h"
#include "services/sts/sts_service.h"

namespace orgroot::services {

IamParts make_iam(ServiceDeps& deps) {
  IamParts parts;
  auto core = std::make_unique<iam::IamService>(deps, iam::AwsPolicyCatalog::shared());
  iam::IamService* iam_core = core.get();
  parts.identity_policies = iam_core;
  parts.provisioner = iam_core;
  // STS AssumeRole needs IAM's roles: this StsService answers it (the server's own StsService,
  // registered first, answers the other STS operations).
  parts.services.push_back(std::make_unique<StsService>(deps.identity, deps.clock, deps.random, *iam_core, *iam_core));
  parts.services.push_back(std::move(core));
  // credentials service
  auto credentials = std::make_unique<iam::CredentialsService>(deps);
  parts.record_key_use = [c = credentials.get()](const std::string& key, std::string_view service,
                                                 std::string_view region) { c->record_key_use(key, service, region); };
  // DeleteUser refuses while the user still has credentials the credentials service keeps (access
  // keys are checked by the core itself).
  iam_core->add_user_delete_check(
      [c = credentials.get()](const std::string& account, const std::string& user) -> std::optional<std::string> {
        if (c->store().get_login_profile(account, user)) return "Cannot delete entity, must delete login profile first.";
        if (!c->store().user_mfa_devices(account, user).empty())
          return "Cannot delete entity, must delete MFA device first.";
        if (!c->store().user_signing_certs(account, user).empty())
          return "Cannot delete entity, must delete signing certificates first.";
        return std::nullopt;
      });
  // UpdateUser's new name carries the user's login profile, password history, MFA devices and
  // signing certificates along.
  iam_core->on_user_renamed([c = credentials.get()](const std::string& account, const std::string& old_name,
                                                     const std::string& new_name) {
    c->store().rename_user(account, old_name, new_name);
  });
  // The root user's sign-in side asks about the root's own login profile and MFA devices.
  auto root_credentials =
      std::make_shared<iam::IamRootUserCredentials>(credentials->store(), deps.clock);
  parts.root_credentials = root_credentials.get();
  parts.owned.push_back(std::move(root_credentials));
  parts.services.push_back(std::move(credentials));
  return parts;
}

}  // namespace orgroot::services
