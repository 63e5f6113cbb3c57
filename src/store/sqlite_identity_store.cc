#include "store/sqlite_identity_store.h"

#include <cstring>

#include "store/schema.h"

namespace orgroot::store {

SqliteIdentityStore::SqliteIdentityStore(Db& db) : db_(db) {
  db_.migrate("identity", identity_schema_migrations());
  db_.volatile_table("sessions");  // nothing cached depends on them
  db_.on_reset([this] { forget_cached(); });
}

void SqliteIdentityStore::forget_cached() {
  {
    std::unique_lock lk(cache_mu_);
    key_cache_.clear();
    session_cache_.clear();
    user_cache_.clear();
  }
  std::lock_guard lk(session_key_mu_);
  session_key_.reset();  // a reset wiped the settings: the next session makes a new key
}

// ---- sealed sessions ----------------------------------------------------------------------------

namespace {
constexpr std::string_view kSessionKeySetting = "session_token_key";
constexpr std::string_view kSealContext = "orgroot session v1";
// AWS's regional session tokens start so; what follows is ours (base64 of the sealed record).
constexpr std::string_view kTokenPrefix = "IQoJb3JpZ2luX2VjE";

void put_field(std::string& out, std::string_view s) {
  const auto n = static_cast<uint32_t>(s.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out.append(s);
}
void put_field(std::string& out, double d) {
  char b[sizeof d];
  std::memcpy(b, &d, sizeof d);
  out.append(b, sizeof d);
}
bool get_field(std::string_view& in, std::string& s) {
  if (in.size() < 4) return false;
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n |= static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  in.remove_prefix(4);
  if (in.size() < n) return false;
  s.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}
bool get_field(std::string_view& in, double& d) {
  if (in.size() < sizeof d) return false;
  std::memcpy(&d, in.data(), sizeof d);
  in.remove_prefix(sizeof d);
  return true;
}
}  // namespace

sealed::Key SqliteIdentityStore::session_key() {
  std::lock_guard lk(session_key_mu_);
  if (session_key_) return *session_key_;
  sealed::Key k{};
  auto stored = get_setting(std::string(kSessionKeySetting));
  auto bytes = stored ? sealed::unbase64(*stored) : std::nullopt;
  if (bytes && bytes->size() == k.size()) {
    std::memcpy(k.data(), bytes->data(), k.size());
  } else {
    SecureRandom r;
    k = sealed::new_key(r);
    put_setting(std::string(kSessionKeySetting),
                sealed::base64(std::string_view(reinterpret_cast<const char*>(k.data()), k.size())));
  }
  session_key_ = k;
  return k;
}

std::string SqliteIdentityStore::seal_session(const SessionRecord& s) {
  std::string plain;
  plain.reserve(64 + s.access_key_id.size() + s.secret.size() + s.account_id.size() + s.principal_json.size());
  put_field(plain, s.access_key_id);
  put_field(plain, s.secret);
  put_field(plain, s.account_id);
  put_field(plain, s.expiration);
  put_field(plain, s.created_at);
  put_field(plain, s.principal_json);
  SecureRandom r;
  return std::string(kTokenPrefix) + sealed::base64(sealed::seal(session_key(), plain, kSealContext, r));
}

std::optional<SessionRecord> SqliteIdentityStore::open_session(const std::string& access_key_id,
                                                               const std::string& token) {
  if (token.size() <= kTokenPrefix.size() || token.compare(0, kTokenPrefix.size(), kTokenPrefix) != 0)
    return std::nullopt;
  auto box = sealed::unbase64(std::string_view(token).substr(kTokenPrefix.size()));
  if (!box) return std::nullopt;
  auto plain = sealed::open(session_key(), *box, kSealContext);
  if (!plain) return std::nullopt;
  std::string_view in(*plain);
  SessionRecord s;
  if (!get_field(in, s.access_key_id) || !get_field(in, s.secret) || !get_field(in, s.account_id) ||
      !get_field(in, s.expiration) || !get_field(in, s.created_at) || !get_field(in, s.principal_json) ||
      !in.empty() || s.access_key_id != access_key_id)
    return std::nullopt;
  s.session_token = token;
  return s;
}

void SqliteIdentityStore::put_account(const AccountRecord& a) {
  db_.run([&](Database& db) {
    db.prepare(
          "INSERT INTO accounts(account_id, name, email, created_at) VALUES(?,?,?,?) "
          "ON CONFLICT(account_id) DO UPDATE SET name=excluded.name, email=excluded.email")
        .bind(1, a.account_id)
        .bind(2, a.name)
        .bind(3, a.email)
        .bind(4, a.created_at)
        .run();
  });
}

std::optional<AccountRecord> SqliteIdentityStore::get_account(const std::string& account_id) {
  return db_.run([&](Database& db) -> std::optional<AccountRecord> {
    auto st = db.prepare("SELECT account_id, name, email, created_at FROM accounts WHERE account_id=?");
    st.bind(1, account_id);
    if (!st.step()) return std::nullopt;
    return AccountRecord{st.text(0), st.text(1), st.text(2), st.f64(3)};
  });
}

std::optional<AccountRecord> SqliteIdentityStore::find_account_by_email(const std::string& email) {
  return db_.run([&](Database& db) -> std::optional<AccountRecord> {
    auto st = db.prepare(
        "SELECT account_id, name, email, created_at FROM accounts WHERE email=? COLLATE NOCASE "
        "ORDER BY created_at, account_id LIMIT 1");
    st.bind(1, email);
    if (!st.step()) return std::nullopt;
    return AccountRecord{st.text(0), st.text(1), st.text(2), st.f64(3)};
  });
}

std::string SqliteIdentityStore::user_key(const std::string& account_id, const std::string& user_name) {
  std::string k = account_id;
  k.push_back('\0');
  for (char c : user_name) k.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  return k;
}

void SqliteIdentityStore::forget_users() {
  std::unique_lock lk(cache_mu_);
  user_cache_.clear();
}

void SqliteIdentityStore::put_user(const UserRecord& u) {
  forget_users();
  db_.run([&](Database& db) {
    db.prepare(
          "INSERT INTO iam_users(account_id, user_name, user_id, path, arn, created_at) VALUES(?,?,?,?,?,?) "
          "ON CONFLICT(account_id, user_name) DO UPDATE SET path=excluded.path, arn=excluded.arn")
        .bind(1, u.account_id)
        .bind(2, u.user_name)
        .bind(3, u.user_id)
        .bind(4, u.path)
        .bind(5, u.arn)
        .bind(6, u.created_at)
        .run();
  });
  forget_users();  // again after the write: a reader may have cached the old row meanwhile
}

std::optional<UserRecord> SqliteIdentityStore::get_user(const std::string& account_id, const std::string& user_name) {
  const std::string key = user_key(account_id, user_name);
  {
    std::shared_lock lk(cache_mu_);
    auto it = user_cache_.find(key);
    if (it != user_cache_.end()) return *it->second;
  }
  auto rec = db_.run([&](Database& db) -> std::optional<UserRecord> {
    auto st = db.prepare(
        "SELECT account_id, user_name, user_id, path, arn, created_at FROM iam_users WHERE account_id=? AND "
        "user_name=?");
    st.bind(1, account_id).bind(2, user_name);
    if (!st.step()) return std::nullopt;
    return UserRecord{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.f64(5)};
  });
  if (rec) {
    std::unique_lock lk(cache_mu_);
    if (user_cache_.size() > 100000) user_cache_.clear();
    user_cache_[key] = std::make_shared<const UserRecord>(*rec);
  }
  return rec;
}

std::vector<UserRecord> SqliteIdentityStore::list_users(const std::string& account_id) {
  return db_.run([&](Database& db) {
    auto st = db.prepare(
        "SELECT account_id, user_name, user_id, path, arn, created_at FROM iam_users WHERE account_id=? "
        "ORDER BY user_name COLLATE NOCASE");
    st.bind(1, account_id);
    std::vector<UserRecord> out;
    while (st.step()) out.push_back(UserRecord{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.f64(5)});
    return out;
  });
}

void SqliteIdentityStore::rename_user(const std::string& account_id, const std::string& user_name,
                                      const UserRecord& renamed) {
  forget_users();
  db_.transaction([&](Database& db) {
    db.exec("PRAGMA defer_foreign_keys=ON");
    db.prepare("UPDATE iam_users SET user_name=?, path=?, arn=? WHERE account_id=? AND user_name=?")
        .bind(1, renamed.user_name).bind(2, renamed.path).bind(3, renamed.arn).bind(4, account_id).bind(5, user_name)
        .run();
    db.prepare("UPDATE user_policy_attachments SET user_name=? WHERE account_id=? AND user_name=?")
        .bind(1, renamed.user_name).bind(2, account_id).bind(3, user_name).run();
    db.prepare("UPDATE access_keys SET user_name=? WHERE account_id=? AND user_name=? COLLATE NOCASE")
        .bind(1, renamed.user_name).bind(2, account_id).bind(3, user_name).run();
  });
  forget_users();  // again after the write: a reader may have cached the old row meanwhile
  std::unique_lock lk(cache_mu_);
  key_cache_.clear();
}

void SqliteIdentityStore::delete_user(const std::string& account_id, const std::string& user_name) {
  forget_users();
  db_.transaction([&](Database& db) {
    db.prepare("DELETE FROM user_policy_attachments WHERE account_id=? AND user_name=?")
        .bind(1, account_id)
        .bind(2, user_name)
        .run();
    db.prepare("DELETE FROM iam_users WHERE account_id=? AND user_name=?").bind(1, account_id).bind(2, user_name).run();
  });
  forget_users();  // again after the write: a reader may have cached the old row meanwhile
}

bool SqliteIdentityStore::detach_user_policy(const std::string& account_id, const std::string& user_name,
                                             const std::string& policy_arn) {
  return db_.run([&](Database& db) {
    db.prepare("DELETE FROM user_policy_attachments WHERE account_id=? AND user_name=? AND policy_arn=?")
        .bind(1, account_id)
        .bind(2, user_name)
        .bind(3, policy_arn)
        .run();
    return db.changes() > 0;
  });
}

std::vector<std::string> SqliteIdentityStore::users_with_policy(const std::string& account_id,
                                                                const std::string& policy_arn) {
  return db_.run([&](Database& db) {
    auto st = db.prepare(
        "SELECT user_name FROM user_policy_attachments WHERE account_id=? AND policy_arn=? ORDER BY user_name");
    st.bind(1, account_id).bind(2, policy_arn);
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.text(0));
    return out;
  });
}

void SqliteIdentityStore::put_access_key(const AccessKeyRecord& k) {
  db_.run([&](Database& db) {
    auto st = db.prepare(
        "INSERT INTO access_keys(access_key_id, secret, account_id, user_name, status, created_at) VALUES(?,?,?,?,?,?) "
        "ON CONFLICT(access_key_id) DO UPDATE SET status=excluded.status");
    st.bind(1, k.access_key_id).bind(2, k.secret).bind(3, k.account_id);
    if (k.user_name.empty()) st.bind_null(4);
    else st.bind(4, k.user_name);
    st.bind(5, k.status).bind(6, k.created_at).run();
  });
  std::unique_lock lk(cache_mu_);
  key_cache_[k.access_key_id] = std::make_shared<const AccessKeyRecord>(k);
}

std::optional<AccessKeyRecord> SqliteIdentityStore::get_access_key(const std::string& access_key_id) {
  {
    std::shared_lock lk(cache_mu_);
    auto it = key_cache_.find(access_key_id);
    if (it != key_cache_.end()) return *it->second;
  }
  auto rec = db_.run([&](Database& db) -> std::optional<AccessKeyRecord> {
    auto st = db.prepare(
        "SELECT access_key_id, secret, account_id, COALESCE(user_name,''), status, created_at FROM access_keys "
        "WHERE access_key_id=?");
    st.bind(1, access_key_id);
    if (!st.step()) return std::nullopt;
    return AccessKeyRecord{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.f64(5)};
  });
  if (rec) {
    std::unique_lock lk(cache_mu_);
    key_cache_[access_key_id] = std::make_shared<const AccessKeyRecord>(*rec);
  }
  return rec;
}

std::vector<AccessKeyRecord> SqliteIdentityStore::list_access_keys(const std::string& account_id,
                                                                   const std::string& user_name) {
  return db_.run([&](Database& db) {
    auto st = db.prepare(
        user_name.empty()
            ? "SELECT access_key_id, secret, account_id, COALESCE(user_name,''), status, created_at FROM access_keys "
              "WHERE account_id=? AND user_name IS NULL ORDER BY created_at, access_key_id"
            : "SELECT access_key_id, secret, account_id, COALESCE(user_name,''), status, created_at FROM access_keys "
              "WHERE account_id=? AND user_name=? COLLATE NOCASE ORDER BY created_at, access_key_id");
    st.bind(1, account_id);
    if (!user_name.empty()) st.bind(2, user_name);
    std::vector<AccessKeyRecord> out;
    while (st.step()) out.push_back(AccessKeyRecord{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.f64(5)});
    return out;
  });
}

void SqliteIdentityStore::delete_access_key(const std::string& access_key_id) {
  db_.run([&](Database& db) { db.prepare("DELETE FROM access_keys WHERE access_key_id=?").bind(1, access_key_id).run(); });
  std::unique_lock lk(cache_mu_);
  key_cache_.erase(access_key_id);
}

void SqliteIdentityStore::put_session(const SessionRecord& s) {
  db_.run([&](Database& db) {
    with_statement(db,
                "INSERT OR REPLACE INTO sessions(access_key_id, secret, session_token, account_id, expiration, "
                "created_at, principal_json) VALUES(?,?,?,?,?,?,?)",
                [&](Statement& st) {
                  st.bind(1, s.access_key_id)
                      .bind(2, s.secret)
                      .bind(3, s.session_token)
                      .bind(4, s.account_id)
                      .bind(5, s.expiration)
                      .bind(6, s.created_at)
                      .bind(7, s.principal_json)
                      .run();
                });
  });
  std::unique_lock lk(cache_mu_);
  session_cache_[s.access_key_id] = std::make_shared<const SessionRecord>(s);
}

std::optional<SessionRecord> SqliteIdentityStore::get_session(const std::string& access_key_id) {
  {
    std::shared_lock lk(cache_mu_);
    auto it = session_cache_.find(access_key_id);
    if (it != session_cache_.end()) return *it->second;
  }
  auto rec = db_.run([&](Database& db) -> std::optional<SessionRecord> {
    auto st = db.prepare(
        "SELECT access_key_id, secret, session_token, account_id, expiration, created_at, principal_json FROM "
        "sessions WHERE access_key_id=?");
    st.bind(1, access_key_id);
    if (!st.step()) return std::nullopt;
    return SessionRecord{st.text(0), st.text(1), st.text(2), st.text(3), st.f64(4), st.f64(5), st.text(6)};
  });
  if (rec) {
    std::unique_lock lk(cache_mu_);
    session_cache_[access_key_id] = std::make_shared<const SessionRecord>(*rec);
  }
  return rec;
}

void SqliteIdentityStore::attach_user_policy(const std::string& account_id, const std::string& user_name,
                                             const std::string& policy_arn) {
  db_.run([&](Database& db) {
    db.prepare("INSERT OR IGNORE INTO user_policy_attachments(account_id, user_name, policy_arn) VALUES(?,?,?)")
        .bind(1, account_id)
        .bind(2, user_name)
        .bind(3, policy_arn)
        .run();
  });
}

std::vector<std::string> SqliteIdentityStore::user_policy_arns(const std::string& account_id,
                                                               const std::string& user_name) {
  return db_.run([&](Database& db) {
    return with_statement(
        db, "SELECT policy_arn FROM user_policy_attachments WHERE account_id=? AND user_name=? ORDER BY policy_arn",
        [&](Statement& st) {
          st.bind(1, account_id).bind(2, user_name);
          std::vector<std::string> out;
          while (st.step()) out.push_back(st.text(0));
          return out;
        });
  });
}

std::optional<std::string> SqliteIdentityStore::get_setting(const std::string& key) {
  return db_.run([&](Database& db) -> std::optional<std::string> {
    auto st = db.prepare("SELECT value FROM settings WHERE key=?");
    st.bind(1, key);
    if (!st.step()) return std::nullopt;
    return st.text(0);
  });
}

void SqliteIdentityStore::put_setting(const std::string& key, const std::string& value) {
  db_.run([&](Database& db) {
    db.prepare("INSERT INTO settings(key, value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value")
        .bind(1, key)
        .bind(2, value)
        .run();
  });
}

}  // namespace orgroot::store
