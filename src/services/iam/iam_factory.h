// Builds the IAM service (it may be more than one Service object answering IAM operations) and the
// interfaces IAM answers for others.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "services/deps.h"
#include "services/interfaces.h"
#include "services/service.h"

namespace orgroot::services {

struct IamParts {
  std::vector<std::unique_ptr<Service>> services;  // each answers some IAM operations (name() "iam")
  IdentityPolicyView* identity_policies = nullptr;  // owned by one of `services` (or by `owned`)
  AccountProvisioner* provisioner = nullptr;
  RootUserCredentials* root_credentials = nullptr;  // the root user's login profile and MFA (owned)
  std::vector<std::shared_ptr<void>> owned;         // anything else that must live as long
  // Called by the authenticator for every request signed with a long-term key (AKIA...), for
  // GetAccessKeyLastUsed. Must be cheap: it runs on the request path.
  std::function<void(const std::string& access_key_id, std::string_view service, std::string_view region)>
      record_key_use;
};

IamParts make_iam(ServiceDeps& deps);

}  // namespace orgroot::services
