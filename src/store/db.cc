#include "store/db.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cstring>

namespace orgroot::store {

Db::Db(const std::string& path) : db_(path), durable_(path != ":memory:") {
  sqlite3_update_hook(db_.raw(), &Db::row_changed, this);
  db_.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations(component TEXT NOT NULL, version INTEGER NOT NULL, "
      "applied_at TEXT NOT NULL, PRIMARY KEY(component, version))");
}

int Db::schema_version(std::string_view component) {
  std::lock_guard lk(mu_);
  auto st = db_.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component=?");
  st.bind(1, component);
  st.step();
  return static_cast<int>(st.i64(0));
}

void Db::migrate(std::string_view component, const std::vector<std::string_view>& migrations) {
  int current = schema_version(component);
  std::lock_guard lk(mu_);
  if (current > static_cast<int>(migrations.size()))
    throw SqliteError(fmt::format("the data directory has {} schema version {}, newer than this orgroot ({})",
                                  component, current, migrations.size()));
  for (int v = current + 1; v <= static_cast<int>(migrations.size()); ++v) {
    Transaction tx(db_);
    db_.exec(migrations[v - 1]);
    db_.prepare("INSERT INTO schema_migrations(component, version, applied_at) VALUES(?, ?, datetime('now'))")
        .bind(1, component)
        .bind(2, v)
        .run();
    tx.commit();
  }
}

void Db::reset() {
  for (auto& l : before_reset_listeners_) l();
  {
    std::lock_guard lk(mu_);
    std::vector<std::string> tables;
    {
      auto st = db_.prepare(
          "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
          "AND name <> 'schema_migrations'");
      while (st.step()) tables.push_back(st.text(0));
    }
    db_.exec("PRAGMA foreign_keys=OFF");
    Transaction tx(db_);
    for (const auto& t : tables) db_.exec("DELETE FROM \"" + t + "\"");
    tx.commit();
    db_.exec("PRAGMA foreign_keys=ON");
    generation_.fetch_add(1, std::memory_order_acq_rel);  // DELETE without WHERE may skip the hook
  }
  for (auto& l : reset_listeners_) l();
}

void Db::row_changed(void* self, int, const char*, const char* table, long long) {
  auto* db = static_cast<Db*>(self);
  for (const auto& t : db->volatile_tables_)
    if (std::strcmp(t.c_str(), table) == 0) return;
  db->generation_.fetch_add(1, std::memory_order_acq_rel);
}

void Db::volatile_table(std::string name) {
  std::lock_guard lk(mu_);
  volatile_tables_.push_back(std::move(name));
}

void Db::on_reset(std::function<void()> listener) { reset_listeners_.push_back(std::move(listener)); }

void Db::before_reset(std::function<void()> listener) { before_reset_listeners_.push_back(std::move(listener)); }

}  // namespace orgroot::store
