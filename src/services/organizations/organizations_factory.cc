#include "services/organizations/organizations_factory.h"

#include "services/organizations/organizations_service.h"

namespace orgroot::services {

OrganizationsParts make_organizations(ServiceDeps& deps, AccountProvisioner* provisioner) {
  auto svc = std::make_unique<organizations::OrganizationsService>(deps, provisioner);
  OrganizationsParts parts;
  parts.view = svc.get();
  parts.service = std::move(svc);
  return parts;
}

}  // namespace orgroot::services
