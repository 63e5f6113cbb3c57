// IAM's five organization feature operations: Enable/Disable OrganizationsRootCredentialsManagement,
// Enable/Disable OrganizationsRootSessions, ListOrganizationsFeatures (spec §2.1).
#pragma once

#include "services/interfaces.h"
#include "services/rootaccess/root_access_store.h"
#include "services/service.h"

namespace orgroot::services {

class RootAccessFeaturesService final : public Service {
 public:
  RootAccessFeaturesService(RootAccessStore& store, OrganizationView* orgs);
  std::string_view name() const override { return "iam"; }

 private:
  enum class Change { None, EnableCredentials, EnableSessions, DisableCredentials, DisableSessions };
  OperationResult run(CallContext& ctx, Change change);

  RootAccessStore& store_;
  OrganizationView* orgs_;
};

}  // namespace orgroot::services
