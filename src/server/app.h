// The server process: wires the store, the service models, the services, the pipeline and the
// HTTP listener together, and answers orgroot's own endpoints (/_orgroot/..., /moto-api/...).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/http_types.h"

namespace orgroot::server {

// In memory, the trail keeps this many newest events (some hundreds of MB), so that a long run
// does not grow without bound.
inline constexpr size_t kInMemoryTrailEvents = 100000;

struct AppOptions {
  std::string listen = "127.0.0.1:4570";
  std::string data_dir = "./orgroot-data";
  bool in_memory = false;
  std::string account_id = "000000000000";
  std::string admin_access_key_id;
  std::string admin_secret_access_key;
  std::string compat;  // "" or "moto"
  std::string models_dir;  // "" = the built-in location
  unsigned threads = 0;
  size_t max_body_bytes = 64 * 1024 * 1024;
  int idle_timeout_seconds = 60;
  std::string tls_cert;
  std::string tls_key;
  int64_t clock_offset_seconds = 0;
  std::vector<std::pair<std::string, int64_t>> quotas;  // --quota NAME=VALUE
  // --trail-max-events: how many of the newest audit-trail events are kept; 0 = all, -1 = the
  // default (all on disk, kInMemoryTrailEvents in memory).
  int64_t trail_max_events = -1;
  bool demo = false;  // --demo: seed the demo organization on the first start (server/demo.h)
  const Clock* clock = nullptr;  // tests: a clock of their own (not owned); nullptr = system clock
};

class App {
 public:
  explicit App(AppOptions opts);
  ~App();
  // Opens the store, bootstraps, binds. Throws std::runtime_error with a message for the user.
  void start();
  void wait();
  void stop();
  uint16_t port() const;

  // Exposed for tests: one request through everything, without sockets.
  HttpResponse handle(HttpRequest& req);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Where data/models is: $ORGROOT_MODELS_DIR, next to the executable (../share/orgroot/models,
// ../data/models), or the source tree it was built from.
std::string default_models_dir();

}  // namespace orgroot::server
