// Builds the Organizations service and the OrganizationView it answers for the authorizer.
#pragma once

#include <memory>
#include <vector>

#include "services/deps.h"
#include "services/interfaces.h"
#include "services/service.h"

namespace orgroot::services {

struct OrganizationsParts {
  std::unique_ptr<Service> service;          // name() "organizations"
  OrganizationView* view = nullptr;           // owned by `service` (or by `owned`)
  std::vector<std::shared_ptr<void>> owned;
};

// `provisioner` may be null while IAM has none: CreateAccount then records the account (in the
// organization and in the identity store) without a root user or access role.
OrganizationsParts make_organizations(ServiceDeps& deps, AccountProvisioner* provisioner);

}  // namespace orgroot::services
