// A thin RAII layer over SQLite: one connection, prepared statements, transactions and numbered
// schema migrations. It knows tables and transactions, no business rules.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace orgroot::store {

class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Database;

class Statement {
 public:
  // Prepared here and finalized on destruction.
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& o) noexcept : db_(o.db_), st_(o.st_), pool_(o.pool_), sql_(std::move(o.sql_)) {
    o.st_ = nullptr;
    o.pool_ = nullptr;
  }

  // Binding is 1-based, as in SQLite.
  Statement& bind(int i, std::string_view v);
  // Text SQLite reads in place rather than copies: it must stay unchanged until the statement is
  // reset (for large values written many times, like the trail's records).
  Statement& bind_unowned(int i, std::string_view v);
  Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Statement& bind(int i, double v);
  Statement& bind(int i, bool v) { return bind(i, static_cast<int64_t>(v ? 1 : 0)); }
  Statement& bind_null(int i);
  template <typename T>
  Statement& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  // Returns true while there is a row.
  bool step();
  // Runs to completion (for writes).
  void run();
  void reset();

  std::string text(int col) const;
  std::optional<std::string> opt_text(int col) const;
  int64_t i64(int col) const;
  double f64(int col) const;
  bool is_null(int col) const;

 private:
  friend class Database;
  // Lent by a Database's pool: given back, reset, on destruction.
  Statement(sqlite3* db, sqlite3_stmt* st, Database* pool, std::string sql)
      : db_(db), st_(st), pool_(pool), sql_(std::move(sql)) {}

  sqlite3* db_;
  sqlite3_stmt* st_;
  Database* pool_ = nullptr;
  std::string sql_;
};

class Database {
 public:
  // path ":memory:" for an in-memory database. Opens in WAL mode with synchronous=NORMAL
  // (a committed transaction survives a process crash; see docs/storage.md).
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  // A prepared statement for this SQL text. Statements are pooled per text: preparing is the
  // dearest part of a small query, so a statement is reset and kept when its user is done with
  // it, and the next prepare() of the same text reuses it.
  Statement prepare(std::string_view sql);
  int64_t changes() const { return sqlite3_changes64(db_); }
  sqlite3* raw() { return db_; }

 private:
  friend class Statement;
  void give_back(std::string&& sql, sqlite3_stmt* st);

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> pool_;
  size_t pooled_ = 0;
};

// Runs f(Statement&) with the (pooled) statement for sql and returns what f returns.
template <typename F>
auto with_statement(Database& db, std::string_view sql, F&& f) {
  Statement st = db.prepare(sql);
  return f(st);
}

// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace orgroot::store
