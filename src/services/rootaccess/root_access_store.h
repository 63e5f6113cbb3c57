// Which centralized-root-access features an organization has enabled. The flags belong to the
// organization and outlive trusted access being switched off and on again.
#pragma once

#include <string>

#include "store/db.h"

namespace orgroot::services {

struct RootAccessFeatures {
  bool credentials_management = false;  // RootCredentialsManagement
  bool root_sessions = false;           // RootSessions
};

class RootAccessStore {
 public:
  explicit RootAccessStore(store::Db& db);
  RootAccessFeatures get(const std::string& organization_id);
  void put(const std::string& organization_id, const RootAccessFeatures& f);

 private:
  store::Db& db_;
};

}  // namespace orgroot::services
