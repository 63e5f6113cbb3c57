#include "store/sqlite.h"

#include <fmt/format.h>

namespace orgroot::store {

namespace {
[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw SqliteError(fmt::format("sqlite: {}: {}", what, db ? sqlite3_errmsg(db) : "no connection"));
}
}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db), st_(nullptr) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &st_, nullptr) != SQLITE_OK)
    fail(db, fmt::format("prepare '{}'", sql));
}

Statement::~Statement() {
  if (!st_) return;
  if (pool_) pool_->give_back(std::move(sql_), st_);
  else sqlite3_finalize(st_);
}

Statement& Statement::bind(int i, std::string_view v) {
  if (sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    fail(db_, "bind text");
  return *this;
}
Statement& Statement::bind_unowned(int i, std::string_view v) {
  if (sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC) != SQLITE_OK)
    fail(db_, "bind text");
  return *this;
}
Statement& Statement::bind(int i, int64_t v) {
  if (sqlite3_bind_int64(st_, i, v) != SQLITE_OK) fail(db_, "bind int");
  return *this;
}
Statement& Statement::bind(int i, double v) {
  if (sqlite3_bind_double(st_, i, v) != SQLITE_OK) fail(db_, "bind double");
  return *this;
}
Statement& Statement::bind_null(int i) {
  if (sqlite3_bind_null(st_, i) != SQLITE_OK) fail(db_, "bind null");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, "step");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

std::string Statement::text(int col) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, col))) : std::string();
}
std::optional<std::string> Statement::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}
int64_t Statement::i64(int col) const { return sqlite3_column_int64(st_, col); }
double Statement::f64(int col) const { return sqlite3_column_double(st_, col); }
bool Statement::is_null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }

Database::Database(const std::string& path) {
  // Callers serialize every use of a connection (store::Db's lock), so SQLite's own mutex would
  // only be taken twice more per call.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const bool in_memory = path == ":memory:";
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError("sqlite: open " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  if (in_memory) {
    // The database becomes an image in the memdb VFS rather than ":memory:"'s pager: that pager
    // keeps every page on its dirty list, so each commit walked the whole database and writes
    // slowed down as it grew; in memdb a commit costs what it changed. The image starts with room
    // reserved (address space only: pages are touched as they are used), because memdb grows by
    // reallocating and copying, a long stall each time the database doubles.
    constexpr sqlite3_int64 kReserved = sqlite3_int64{512} << 20;
    auto* image = static_cast<unsigned char*>(sqlite3_malloc64(kReserved));
    if (!image ||
        sqlite3_deserialize(db_, "main", image, 0, kReserved,
                            SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK) {
      std::string msg = sqlite3_errmsg(db_);
      sqlite3_close(db_);
      db_ = nullptr;
      throw SqliteError("sqlite: in-memory database: " + msg);
    }
    // memdb refuses to grow past 1 GiB unless told otherwise: memory is the only limit here.
    sqlite3_int64 limit = sqlite3_int64{1} << 46;
    sqlite3_file_control(db_, "main", SQLITE_FCNTL_SIZE_LIMIT, &limit);
  }
  // In memory, the rollback journal stays in memory too (transactions still roll back).
  exec(in_memory ? "PRAGMA journal_mode=MEMORY" : "PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec("PRAGMA foreign_keys=ON");
}

namespace {
// Beyond this many idle statements (many distinct dynamic SQL texts), statements are finalized.
constexpr size_t kMaxPooledStatements = 1024;
}  // namespace

Statement Database::prepare(std::string_view sql) {
  std::string key(sql);
  if (auto it = pool_.find(key); it != pool_.end() && !it->second.empty()) {
    sqlite3_stmt* st = it->second.back();
    it->second.pop_back();
    --pooled_;
    return Statement(db_, st, this, std::move(key));
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK)
    fail(db_, fmt::format("prepare '{}'", sql));
  return Statement(db_, st, this, std::move(key));
}

void Database::give_back(std::string&& sql, sqlite3_stmt* st) {
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (pooled_ >= kMaxPooledStatements) {
    sqlite3_finalize(st);
    return;
  }
  pool_[std::move(sql)].push_back(st);
  ++pooled_;
}

Database::~Database() {
  // Statements are finalized before the connection closes.
  for (auto& [sql, list] : pool_)
    for (auto* st : list) sqlite3_finalize(st);
  pool_.clear();
  if (db_) sqlite3_close_v2(db_);
}


void Database::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown";
    sqlite3_free(err);
    throw SqliteError(fmt::format("sqlite: exec: {}", msg));
  }
}

// BEGIN, COMMIT and ROLLBACK come from the statement pool: exec would parse them on every write.
Transaction::Transaction(Database& db) : db_(db) { db_.prepare("BEGIN IMMEDIATE").run(); }
Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.prepare("ROLLBACK").run();
    } catch (...) {
    }
  }
}
void Transaction::commit() {
  db_.prepare("COMMIT").run();
  done_ = true;
}

}  // namespace orgroot::store
