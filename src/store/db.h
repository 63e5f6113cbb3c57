// The one SQLite database of a server, shared by every service's store. Each store owns its tables
// and brings its own numbered migrations under a component name ("identity", "iam",
// "organizations", ...); all statements run under one lock, so a store never sees another's
// half-written transaction.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "store/sqlite.h"

namespace orgroot::store {

class Db {
 public:
  // ":memory:" keeps nothing on disk.
  explicit Db(const std::string& path);

  // Runs f(Database&) under the lock. For a single statement, or reads.
  template <typename F>
  auto run(F&& f) {
    std::lock_guard lk(mu_);
    return f(db_);
  }
  // Runs f(Database&) in one transaction, committed when f returns, rolled back if it throws.
  template <typename F>
  auto transaction(F&& f) {
    std::lock_guard lk(mu_);
    Transaction tx(db_);
    if constexpr (std::is_void_v<decltype(f(db_))>) {
      f(db_);
      tx.commit();
    } else {
      auto r = f(db_);
      tx.commit();
      return r;
    }
  }

  // Applies the component's migrations above its recorded version, each in its own transaction.
  // Migration i (0-based) is version i+1; released migrations are never edited.
  void migrate(std::string_view component, const std::vector<std::string_view>& migrations);
  int schema_version(std::string_view component);

  // Deletes every row of every table but the migration records, then tells each listener
  // (caches) to forget what it holds. moto's /moto-api/reset.
  void reset();
  void on_reset(std::function<void()> listener);
  // Called before reset() takes the lock: a component with writes in flight settles them first.
  void before_reset(std::function<void()> listener);

 private:
  std::mutex mu_;
  Database db_;
  std::vector<std::function<void()>> reset_listeners_;
  std::vector<std::function<void()>> before_reset_listeners_;
};

}  // namespace orgroot::store
