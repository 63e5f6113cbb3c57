// The one SQLite database of a server, shared by every service's store. Each store owns its tables
// and brings its own numbered migrations under a component name ("identity", "iam",
// "organizations", ...); all statements run under one lock, so a store never sees another's
// half-written transaction.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
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
  // False for ":memory:": then nothing survives the process, and nobody need wait for a commit
  // to be durable before answering.
  bool durable() const { return durable_; }

  // Deletes every row of every table but the migration records, then tells each listener
  // (caches) to forget what it holds. moto's /moto-api/reset.
  void reset();
  void on_reset(std::function<void()> listener);
  // Called before reset() takes the lock: a component with writes in flight settles them first.
  void before_reset(std::function<void()> listener);

  // A number that changes whenever a row changes in any table but the volatile ones (the audit
  // trail, sessions, last-used stamps). What is computed from the database may be kept while it
  // stays the same: read it before reading the rows (GenerationCache does).
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // Changes to this table leave generation() as it is. Called before the first write to it.
  void volatile_table(std::string name);

 private:
  static void row_changed(void* self, int op, const char* database, const char* table, long long rowid);

  std::mutex mu_;
  Database db_;
  const bool durable_;
  std::atomic<uint64_t> generation_{1};
  std::vector<std::string> volatile_tables_;
  std::vector<std::function<void()>> reset_listeners_;
  std::vector<std::function<void()>> before_reset_listeners_;
};

// Values computed from the database, each kept until Db::generation() moves on. Bounded: when full,
// it starts afresh.
template <typename K, typename V, typename Hash = std::hash<K>>
class GenerationCache {
 public:
  explicit GenerationCache(const Db& db, size_t max_entries = 20000) : db_(db), max_(max_entries) {}

  // The cached value for key, or compute() (run without the cache's lock) when there is none yet
  // or the database has changed since.
  template <typename F>
  V get(const K& key, F&& compute) {
    const uint64_t gen = db_.generation();
    {
      std::lock_guard lk(mu_);
      if (auto it = map_.find(key); it != map_.end() && it->second.first == gen) return it->second.second;
    }
    V v = compute();
    std::lock_guard lk(mu_);
    if (map_.size() >= max_) map_.clear();
    map_.insert_or_assign(key, std::pair<uint64_t, V>(gen, v));
    return v;
  }
  void clear() {
    std::lock_guard lk(mu_);
    map_.clear();
  }

 private:
  const Db& db_;
  const size_t max_;
  std::mutex mu_;
  std::unordered_map<K, std::pair<uint64_t, V>, Hash> map_;
};

}  // namespace orgroot::store
