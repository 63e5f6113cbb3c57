// Builds centralized root access: IAM's feature operations and STS AssumeRoot.
#pragma once

#include <memory>
#include <vector>

#include "services/deps.h"
#include "services/rootaccess/assume_root_service.h"
#include "services/service.h"

namespace orgroot::services {

struct RootAccessParts {
  std::vector<std::unique_ptr<Service>> services;  // one "iam", one "sts"
  std::shared_ptr<RootAccessStore> store;
};

RootAccessParts make_root_access(ServiceDeps& deps, OrganizationView* orgs, AssumeRootService::SessionIssuer issue);

}  // namespace orgroot::services
