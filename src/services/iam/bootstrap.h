// First start: the management account and its IAM user `admin` with AdministratorAccess.
#pragma once

#include <string>

#include "common/clock.h"
#include "common/ids.h"
#include "store/identity_store.h"

namespace orgroot::services {

struct BootstrapOptions {
  std::string account_id = "000000000000";
  std::string admin_access_key_id;      // empty: generate one on first start
  std::string admin_secret_access_key;
  std::string credentials_file;         // where a generated key is written ("" = nowhere)
};

struct BootstrapOutcome {
  bool first_start = false;
  std::string account_id;               // the management account actually in the store
  std::string access_key_id;            // the admin key in force
  std::string secret_access_key;
  bool wrote_credentials_file = false;  // a generated key was written to options.credentials_file
};

// Idempotent: on a later start it only adds an admin key given on the command line that the
// store does not know yet. Throws std::runtime_error on an unusable option.
BootstrapOutcome bootstrap_management_account(store::IdentityStore& store, const Clock& clock, Random& random,
                                              const BootstrapOptions& options);

}  // namespace orgroot::services
