// `orgroot server --demo`: on the first start of a data directory, seeds an organization on which a
// newcomer can replay the centralized-root-access story by hand (docs/walkthrough.md): eight member
// accounts in three OUs whose root users show a realistic mix of credentials, and one member with
// an S3 bucket and an SQS queue locked by deny-all policies. Trusted access for IAM and both root
// features are left OFF: turning them on is the first step of the story.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "auth/sigv4.h"
#include "common/clock.h"
#include "common/http_types.h"
#include "store/identity_store.h"

namespace orgroot::server {

// Settings-table keys: "seeding" is written before the first request, "seeded" after the last.
inline constexpr const char* kDemoSeedingSetting = "demo.seeding";
inline constexpr const char* kDemoSeededSetting = "demo.seeded";

// The demo's member accounts, as seeded (also what docs/walkthrough.md describes).
struct DemoRootPlan {
  bool touched = true;        // false: the root is left as Organizations created it
  bool password = false;      // keeps a known password (DemoAccountPlan::password)
  bool access_key = false;
  bool mfa = false;
  bool signing_certificate = false;
};

struct DemoAccountPlan {
  std::string profile;   // section name in demo.txt: "payments-prod"
  std::string name;      // "Payments Prod"
  std::string email;
  std::string ou_path;   // "" = directly under the root, else "Workloads/Prod"
  std::string password;  // the known root password ("" when the root keeps none)
  DemoRootPlan root;
  bool locked_resources = false;  // holds the locked bucket and queue
};

const std::vector<DemoAccountPlan>& demo_plan();
inline constexpr const char* kDemoLockedBucket = "data-prod-reports";
inline constexpr const char* kDemoLockedQueue = "data-prod-orders";

struct DemoOptions {
  // One request through the whole server (App::handle): routing, authentication, authorization,
  // the audit trail. The demo only ever talks to the server through it.
  std::function<HttpResponse(HttpRequest&)> handle;
  const Clock* clock = nullptr;
  auth::Credentials admin;       // the management account's admin key
  std::string secrets_file;      // DIR/demo.txt; "" (in memory): the secrets go to the log
  bool fresh = false;            // first start of this data directory
};

// Seeds the demo once per data directory (the settings table remembers it). A data directory
// started before without --demo is left alone (with a warning). Throws std::runtime_error with a
// message for the user when a step fails or an earlier seeding was interrupted.
void seed_demo_once(store::IdentityStore& settings, const DemoOptions& options);

}  // namespace orgroot::server
