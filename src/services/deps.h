// What every service is built from: the shared database, the identity records, time, randomness,
// the management account, and the quotas in force.
#pragma once

#include <string>

#include "common/clock.h"
#include "common/ids.h"
#include "services/interfaces.h"
#include "store/db.h"
#include "store/identity_store.h"

namespace orgroot::services {

struct ServiceDeps {
  store::Db& db;
  store::IdentityStore& identity;
  const Clock& clock;
  Random& random;
  std::string management_account_id;
  const Quotas& quotas;
  std::string data_dir;  // where bulky data (S3 objects) may live; "" = in memory only
  size_t trail_max_events = 0;  // the audit trail keeps this many newest events; 0 = all
};

}  // namespace orgroot::services
