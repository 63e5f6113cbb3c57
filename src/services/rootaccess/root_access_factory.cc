#include "services/rootaccess/root_access_factory.h"

#include "services/rootaccess/features_service.h"

namespace orgroot::services {

RootAccessParts make_root_access(ServiceDeps& deps, OrganizationView* orgs, AssumeRootService::SessionIssuer issue) {
  RootAccessParts parts;
  parts.store = std::make_shared<RootAccessStore>(deps.db);
  parts.services.push_back(std::make_unique<RootAccessFeaturesService>(*parts.store, orgs));
  parts.services.push_back(std::make_unique<AssumeRootService>(*parts.store, orgs, deps.clock, std::move(issue)));
  return parts;
}

}  // namespace orgroot::services
