#include "services/iam/credentials_store.h"

#include <openssl/evp.h>

#include <boost/json.hpp>
#include <chrono>

#include "auth/crypto.h"

namespace orgroot::services::iam {

namespace {

const std::vector<std::string_view>& migrations() {
  static const std::vector<std::string_view> m = {
      // 1: login profiles, password policies and history, virtual MFA devices, signing certificates,
      //    account aliases, access-key last use, credential reports.
      R"sql(
CREATE TABLE iam_login_profiles(
  account_id          TEXT NOT NULL,
  user_name           TEXT NOT NULL COLLATE NOCASE,   -- '' = root
  password_hash       TEXT NOT NULL,                  -- '' = no usable password
  reset_required      INTEGER NOT NULL,
  created_at          REAL NOT NULL,
  password_changed_at REAL NOT NULL,
  password_last_used  REAL NOT NULL,
  PRIMARY KEY(account_id, user_name)
);
CREATE TABLE iam_password_history(
  account_id    TEXT NOT NULL,
  user_name     TEXT NOT NULL COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  changed_at    REAL NOT NULL
);
CREATE INDEX iam_password_history_by_user ON iam_password_history(account_id, user_name, changed_at);
CREATE TABLE iam_password_policies(
  account_id  TEXT PRIMARY KEY,
  policy_json TEXT NOT NULL
);
CREATE TABLE iam_mfa_devices(
  serial_number TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL,
  name          TEXT NOT NULL,
  path          TEXT NOT NULL,
  seed          BLOB NOT NULL,
  user_name     TEXT COLLATE NOCASE,   -- NULL: unassigned; '' = root
  enabled_at    REAL NOT NULL,
  created_at    REAL NOT NULL,
  last_step     INTEGER NOT NULL,
  drift_steps   INTEGER NOT NULL,
  tags_json     TEXT NOT NULL
);
CREATE INDEX iam_mfa_devices_by_account ON iam_mfa_devices(account_id, user_name);
CREATE TABLE iam_signing_certificates(
  certificate_id TEXT PRIMARY KEY,
  account_id     TEXT NOT NULL,
  user_name      TEXT NOT NULL COLLATE NOCASE,   -- '' = root
  body           TEXT NOT NULL,
  fingerprint    TEXT NOT NULL,
  status         TEXT NOT NULL,
  uploaded_at    REAL NOT NULL
);
CREATE INDEX iam_signing_certificates_by_user ON iam_signing_certificates(account_id, user_name);
CREATE TABLE iam_account_aliases(
  account_id TEXT PRIMARY KEY,
  alias      TEXT NOT NULL UNIQUE
);
CREATE TABLE iam_access_key_last_used(
  access_key_id TEXT PRIMARY KEY,
  used_at       REAL NOT NULL,
  service       TEXT NOT NULL,
  region        TEXT NOT NULL
);
CREATE TABLE iam_credential_reports(
  account_id   TEXT PRIMARY KEY,
  generated_at REAL NOT NULL,
  content      BLOB NOT NULL
);
)sql",
  };
  return m;
}

constexpr int kPbkdf2Iterations = 100000;

std::string pbkdf2(std::string_view password, std::string_view salt, int iterations) {
  unsigned char out[32];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()), iterations,
                    EVP_sha256(), sizeof out, out);
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

std::string policy_to_json(const PasswordPolicyRecord& p) {
  boost::json::object o{{"min", p.minimum_length},        {"sym", p.require_symbols},
                        {"num", p.require_numbers},       {"up", p.require_uppercase},
                        {"low", p.require_lowercase},     {"change", p.allow_users_to_change}};
  if (p.max_age_days) o["age"] = *p.max_age_days;
  if (p.reuse_prevention) o["reuse"] = *p.reuse_prevention;
  if (p.hard_expiry) o["hard"] = *p.hard_expiry;
  return boost::json::serialize(o);
}

PasswordPolicyRecord policy_from_json(const std::string& s) {
  auto o = boost::json::parse(s).as_object();
  PasswordPolicyRecord p;
  p.minimum_length = o.at("min").as_int64();
  p.require_symbols = o.at("sym").as_bool();
  p.require_numbers = o.at("num").as_bool();
  p.require_uppercase = o.at("up").as_bool();
  p.require_lowercase = o.at("low").as_bool();
  p.allow_users_to_change = o.at("change").as_bool();
  if (o.contains("age")) p.max_age_days = o.at("age").as_int64();
  if (o.contains("reuse")) p.reuse_prevention = o.at("reuse").as_int64();
  if (o.contains("hard")) p.hard_expiry = o.at("hard").as_bool();
  return p;
}

constexpr const char* kMfaColumns =
    "serial_number, account_id, name, path, seed, user_name, enabled_at, created_at, last_step, drift_steps, tags_json";

MfaDeviceRecord read_mfa(store::Statement& st) {
  MfaDeviceRecord d;
  d.serial_number = st.text(0);
  d.account_id = st.text(1);
  d.name = st.text(2);
  d.path = st.text(3);
  d.seed = st.text(4);
  d.user_name = st.opt_text(5);
  d.enabled_at = st.f64(6);
  d.created_at = st.f64(7);
  d.last_step = st.i64(8);
  d.drift_steps = st.i64(9);
  d.tags_json = st.text(10);
  return d;
}

constexpr const char* kCertColumns =
    "certificate_id, account_id, user_name, body, fingerprint, status, uploaded_at";

SigningCertRecord read_cert(store::Statement& st) {
  return SigningCertRecord{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.f64(6)};
}

}  // namespace

std::string hash_password(std::string_view password) {
  std::string salt = crypto::random_bytes(16);
  return "pbkdf2-sha256$" + std::to_string(kPbkdf2Iterations) + "$" + crypto::base64_encode(salt) + "$" +
         crypto::base64_encode(pbkdf2(password, salt, kPbkdf2Iterations));
}

bool verify_password_hash(std::string_view stored, std::string_view password) {
  // pbkdf2-sha256$<iter>$<salt>$<hash>
  auto p1 = stored.find('$');
  if (p1 == std::string_view::npos || stored.substr(0, p1) != "pbkdf2-sha256") return false;
  auto p2 = stored.find('$', p1 + 1);
  if (p2 == std::string_view::npos) return false;
  auto p3 = stored.find('$', p2 + 1);
  if (p3 == std::string_view::npos) return false;
  int iterations = std::atoi(std::string(stored.substr(p1 + 1, p2 - p1 - 1)).c_str());
  auto salt = crypto::base64_decode(stored.substr(p2 + 1, p3 - p2 - 1));
  auto hash = crypto::base64_decode(stored.substr(p3 + 1));
  if (iterations <= 0 || !salt || !hash) return false;
  return crypto::constant_time_equals(pbkdf2(password, *salt, iterations), *hash);
}

CredentialsStore::CredentialsStore(store::Db& db) : db_(db) {
  db_.migrate("iam-credentials", migrations());
  db_.volatile_table("iam_access_key_last_used");
  db_.on_reset([this] {
    std::lock_guard lk(use_mu_);
    pending_use_.clear();
  });
  flusher_ = std::thread([this] { flusher_loop(); });
}

CredentialsStore::~CredentialsStore() {
  {
    std::lock_guard lk(use_mu_);
    stopping_ = true;
  }
  use_cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  flush_key_use();
}

// ---- login profiles ------------------------------------------------------------------------

std::optional<LoginProfileRecord> CredentialsStore::get_login_profile(const std::string& account,
                                                                      const std::string& user) {
  return db_.run([&](store::Database& db) -> std::optional<LoginProfileRecord> {
    auto st = db.prepare(
        "SELECT account_id, user_name, password_hash, reset_required, created_at, password_changed_at, "
        "password_last_used FROM iam_login_profiles WHERE account_id=? AND user_name=?");
    st.bind(1, account).bind(2, user);
    if (!st.step()) return std::nullopt;
    return LoginProfileRecord{st.text(0), st.text(1), st.text(2), st.i64(3) != 0, st.f64(4), st.f64(5), st.f64(6)};
  });
}

bool CredentialsStore::insert_login_profile(const LoginProfileRecord& p) {
  return db_.run([&](store::Database& db) {
    db.prepare(
          "INSERT OR IGNORE INTO iam_login_profiles(account_id, user_name, password_hash, reset_required, created_at, "
          "password_changed_at, password_last_used) VALUES(?,?,?,?,?,?,?)")
        .bind(1, p.account_id)
        .bind(2, p.user_name)
        .bind(3, p.password_hash)
        .bind(4, p.reset_required)
        .bind(5, p.created_at)
        .bind(6, p.password_changed_at)
        .bind(7, p.password_last_used)
        .run();
    return db.changes() == 1;
  });
}

void CredentialsStore::update_login_profile(const LoginProfileRecord& p) {
  db_.run([&](store::Database& db) {
    db.prepare(
          "UPDATE iam_login_profiles SET password_hash=?, reset_required=?, password_changed_at=?, "
          "password_last_used=? WHERE account_id=? AND user_name=?")
        .bind(1, p.password_hash)
        .bind(2, p.reset_required)
        .bind(3, p.password_changed_at)
        .bind(4, p.password_last_used)
        .bind(5, p.account_id)
        .bind(6, p.user_name)
        .run();
  });
}

bool CredentialsStore::delete_login_profile(const std::string& account, const std::string& user) {
  return db_.transaction([&](store::Database& db) {
    db.prepare("DELETE FROM iam_login_profiles WHERE account_id=? AND user_name=?").bind(1, account).bind(2, user).run();
    bool deleted = db.changes() == 1;
    db.prepare("DELETE FROM iam_password_history WHERE account_id=? AND user_name=?").bind(1, account).bind(2, user).run();
    return deleted;
  });
}

void CredentialsStore::rename_user(const std::string& account, const std::string& old_name,
                                   const std::string& new_name) {
  if (old_name.empty() || new_name.empty()) return;  // "" is the root user, never renamed
  db_.transaction([&](store::Database& db) {
    for (const char* table : {"iam_login_profiles", "iam_password_history", "iam_mfa_devices",
                              "iam_signing_certificates"})
      db.prepare(std::string("UPDATE ") + table + " SET user_name=? WHERE account_id=? AND user_name=?")
          .bind(1, new_name)
          .bind(2, account)
          .bind(3, old_name)
          .run();
  });
}

std::vector<std::string> CredentialsStore::password_history(const std::string& account, const std::string& user,
                                                            size_t n) {
  return db_.run([&](store::Database& db) {
    auto st = db.prepare(
        "SELECT password_hash FROM iam_password_history WHERE account_id=? AND user_name=? "
        "ORDER BY changed_at DESC, rowid DESC LIMIT ?");
    st.bind(1, account).bind(2, user).bind(3, static_cast<int64_t>(n));
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.text(0));
    return out;
  });
}

void CredentialsStore::add_password_history(const std::string& account, const std::string& user,
                                            const std::string& hash, double at) {
  db_.run([&](store::Database& db) {
    db.prepare("INSERT INTO iam_password_history(account_id, user_name, password_hash, changed_at) VALUES(?,?,?,?)")
        .bind(1, account)
        .bind(2, user)
        .bind(3, hash)
        .bind(4, at)
        .run();
  });
}

bool CredentialsStore::verify_login_password(const std::string& account, const std::string& user,
                                             std::string_view password) {
  auto p = get_login_profile(account, user);
  return p && !p->password_hash.empty() && verify_password_hash(p->password_hash, password);
}

// ---- password policy -----------------------------------------------------------------------

std::optional<PasswordPolicyRecord> CredentialsStore::get_password_policy(const std::string& account) {
  auto json = db_.run([&](store::Database& db) -> std::optional<std::string> {
    auto st = db.prepare("SELECT policy_json FROM iam_password_policies WHERE account_id=?");
    st.bind(1, account);
    if (!st.step()) return std::nullopt;
    return st.text(0);
  });
  if (!json) return std::nullopt;
  return policy_from_json(*json);
}

void CredentialsStore::put_password_policy(const std::string& account, const PasswordPolicyRecord& p) {
  db_.run([&](store::Database& db) {
    db.prepare(
          "INSERT INTO iam_password_policies(account_id, policy_json) VALUES(?,?) "
          "ON CONFLICT(account_id) DO UPDATE SET policy_json=excluded.policy_json")
        .bind(1, account)
        .bind(2, policy_to_json(p))
        .run();
  });
}

bool CredentialsStore::delete_password_policy(const std::string& account) {
  return db_.run([&](store::Database& db) {
    db.prepare("DELETE FROM iam_password_policies WHERE account_id=?").bind(1, account).run();
    return db.changes() == 1;
  });
}

// ---- MFA devices ---------------------------------------------------------------------------

bool CredentialsStore::insert_mfa_device(const MfaDeviceRecord& d) {
  return db_.run([&](store::Database& db) {
    auto st = db.prepare(std::string("INSERT OR IGNORE INTO iam_mfa_devices(") + kMfaColumns +
                         ") VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    st.bind(1, d.serial_number).bind(2, d.account_id).bind(3, d.name).bind(4, d.path).bind(5, d.seed);
    st.bind(6, d.user_name).bind(7, d.enabled_at).bind(8, d.created_at).bind(9, d.last_step);
    st.bind(10, d.drift_steps).bind(11, d.tags_json).run();
    return db.changes() == 1;
  });
}

std::optional<MfaDeviceRecord> CredentialsStore::get_mfa_device(const std::string& account,
                                                                const std::string& serial) {
  return db_.run([&](store::Database& db) -> std::optional<MfaDeviceRecord> {
    auto st = db.prepare(std::string("SELECT ") + kMfaColumns +
                         " FROM iam_mfa_devices WHERE account_id=? AND serial_number=?");
    st.bind(1, account).bind(2, serial);
    if (!st.step()) return std::nullopt;
    return read_mfa(st);
  });
}

void CredentialsStore::update_mfa_device(const MfaDeviceRecord& d) {
  db_.run([&](store::Database& db) {
    db.prepare(
          "UPDATE iam_mfa_devices SET user_name=?, enabled_at=?, last_step=?, drift_steps=? WHERE serial_number=?")
        .bind(1, d.user_name)
        .bind(2, d.enabled_at)
        .bind(3, d.last_step)
        .bind(4, d.drift_steps)
        .bind(5, d.serial_number)
        .run();
  });
}

bool CredentialsStore::delete_mfa_device(const std::string& account, const std::string& serial) {
  return db_.run([&](store::Database& db) {
    db.prepare("DELETE FROM iam_mfa_devices WHERE account_id=? AND serial_number=?").bind(1, account).bind(2, serial).run();
    return db.changes() == 1;
  });
}

std::vector<MfaDeviceRecord> CredentialsStore::list_mfa_devices(const std::string& account) {
  return db_.run([&](store::Database& db) {
    auto st = db.prepare(std::string("SELECT ") + kMfaColumns +
                         " FROM iam_mfa_devices WHERE account_id=? ORDER BY serial_number");
    st.bind(1, account);
    std::vector<MfaDeviceRecord> out;
    while (st.step()) out.push_back(read_mfa(st));
    return out;
  });
}

std::vector<MfaDeviceRecord> CredentialsStore::user_mfa_devices(const std::string& account,
                                                                const std::string& user) {
  return db_.run([&](store::Database& db) {
    auto st = db.prepare(std::string("SELECT ") + kMfaColumns +
                         " FROM iam_mfa_devices WHERE account_id=? AND user_name=? ORDER BY enabled_at, rowid");
    st.bind(1, account).bind(2, user);
    std::vector<MfaDeviceRecord> out;
    while (st.step()) out.push_back(read_mfa(st));
    return out;
  });
}

// ---- signing certificates ------------------------------------------------------------------

void CredentialsStore::insert_signing_cert(const SigningCertRecord& c) {
  db_.run([&](store::Database& db) {
    db.prepare(std::string("INSERT INTO iam_signing_certificates(") + kCertColumns + ") VALUES(?,?,?,?,?,?,?)")
        .bind(1, c.certificate_id)
        .bind(2, c.account_id)
        .bind(3, c.user_name)
        .bind(4, c.body)
        .bind(5, c.fingerprint)
        .bind(6, c.status)
        .bind(7, c.uploaded_at)
        .run();
  });
}

std::optional<SigningCertRecord> CredentialsStore::get_signing_cert(const std::string& account,
                                                                    const std::string& id) {
  return db_.run([&](store::Database& db) -> std::optional<SigningCertRecord> {
    auto st = db.prepare(std::string("SELECT ") + kCertColumns +
                         " FROM iam_signing_certificates WHERE account_id=? AND certificate_id=?");
    st.bind(1, account).bind(2, id);
    if (!st.step()) return std::nullopt;
    return read_cert(st);
  });
}

std::optional<SigningCertRecord> CredentialsStore::find_cert_by_fingerprint(const std::string& account,
                                                                            const std::string& fp) {
  return db_.run([&](store::Database& db) -> std::optional<SigningCertRecord> {
    auto st = db.prepare(std::string("SELECT ") + kCertColumns +
                         " FROM iam_signing_certificates WHERE account_id=? AND fingerprint=?");
    st.bind(1, account).bind(2, fp);
    if (!st.step()) return std::nullopt;
    return read_cert(st);
  });
}

void CredentialsStore::set_signing_cert_status(const std::string& id, const std::string& status) {
  db_.run([&](store::Database& db) {
    db.prepare("UPDATE iam_signing_certificates SET status=? WHERE certificate_id=?").bind(1, status).bind(2, id).run();
  });
}

bool CredentialsStore::delete_signing_cert(const std::string& id) {
  return db_.run([&](store::Database& db) {
    db.prepare("DELETE FROM iam_signing_certificates WHERE certificate_id=?").bind(1, id).run();
    return db.changes() == 1;
  });
}

std::vector<SigningCertRecord> CredentialsStore::user_signing_certs(const std::string& account,
                                                                    const std::string& user) {
  return db_.run([&](store::Database& db) {
    auto st = db.prepare(std::string("SELECT ") + kCertColumns +
                         " FROM iam_signing_certificates WHERE account_id=? AND user_name=? "
                         "ORDER BY uploaded_at, rowid");
    st.bind(1, account).bind(2, user);
    std::vector<SigningCertRecord> out;
    while (st.step()) out.push_back(read_cert(st));
    return out;
  });
}

// ---- account aliases -----------------------------------------------------------------------

std::optional<std::string> CredentialsStore::get_account_alias(const std::string& account) {
  return db_.run([&](store::Database& db) -> std::optional<std::string> {
    auto st = db.prepare("SELECT alias FROM iam_account_aliases WHERE account_id=?");
    st.bind(1, account);
    if (!st.step()) return std::nullopt;
    return st.text(0);
  });
}

std::optional<std::string> CredentialsStore::alias_owner(const std::string& alias) {
  return db_.run([&](store::Database& db) -> std::optional<std::string> {
    auto st = db.prepare("SELECT account_id FROM iam_account_aliases WHERE alias=?");
    st.bind(1, alias);
    if (!st.step()) return std::nullopt;
    return st.text(0);
  });
}

void CredentialsStore::put_account_alias(const std::string& account, const std::string& alias) {
  db_.run([&](store::Database& db) {
    db.prepare(
          "INSERT INTO iam_account_aliases(account_id, alias) VALUES(?,?) "
          "ON CONFLICT(account_id) DO UPDATE SET alias=excluded.alias")
        .bind(1, account)
        .bind(2, alias)
        .run();
  });
}

bool CredentialsStore::delete_account_alias(const std::string& account, const std::string& alias) {
  return db_.run([&](store::Database& db) {
    db.prepare("DELETE FROM iam_account_aliases WHERE account_id=? AND alias=?").bind(1, account).bind(2, alias).run();
    return db.changes() == 1;
  });
}

// ---- access key last use -------------------------------------------------------------------

void CredentialsStore::record_key_use(const std::string& key_id, std::string_view service, std::string_view region,
                                      double at) {
  std::lock_guard lk(use_mu_);
  auto& u = pending_use_[key_id];
  u.used_at = at;
  u.service.assign(service);
  u.region.assign(region);
}

void CredentialsStore::flush_key_use() {
  std::unordered_map<std::string, KeyLastUse> batch;
  {
    std::lock_guard lk(use_mu_);
    batch.swap(pending_use_);
  }
  if (batch.empty()) return;
  db_.transaction([&](store::Database& db) {
    auto st = db.prepare(
        "INSERT INTO iam_access_key_last_used(access_key_id, used_at, service, region) VALUES(?,?,?,?) "
        "ON CONFLICT(access_key_id) DO UPDATE SET used_at=excluded.used_at, service=excluded.service, "
        "region=excluded.region WHERE excluded.used_at >= used_at");
    for (const auto& [id, u] : batch) {
      st.reset();
      st.bind(1, id).bind(2, u.used_at).bind(3, u.service).bind(4, u.region).run();
    }
  });
}

void CredentialsStore::flusher_loop() {
  std::unique_lock lk(use_mu_);
  while (!stopping_) {
    use_cv_.wait_for(lk, std::chrono::seconds(2));
    if (stopping_) break;
    if (pending_use_.empty()) continue;
    lk.unlock();
    try {
      flush_key_use();
    } catch (...) {
      // The database may be busy or closing; the next round retries.
    }
    lk.lock();
  }
}

std::optional<KeyLastUse> CredentialsStore::key_last_use(const std::string& key_id) {
  flush_key_use();
  return db_.run([&](store::Database& db) -> std::optional<KeyLastUse> {
    auto st = db.prepare("SELECT used_at, service, region FROM iam_access_key_last_used WHERE access_key_id=?");
    st.bind(1, key_id);
    if (!st.step()) return std::nullopt;
    return KeyLastUse{st.f64(0), st.text(1), st.text(2)};
  });
}

void CredentialsStore::forget_key(const std::string& key_id) {
  {
    std::lock_guard lk(use_mu_);
    pending_use_.erase(key_id);
  }
  db_.run([&](store::Database& db) {
    db.prepare("DELETE FROM iam_access_key_last_used WHERE access_key_id=?").bind(1, key_id).run();
  });
}

// ---- credential reports --------------------------------------------------------------------

std::optional<CredentialReportRecord> CredentialsStore::get_credential_report(const std::string& account) {
  return db_.run([&](store::Database& db) -> std::optional<CredentialReportRecord> {
    auto st = db.prepare("SELECT generated_at, content FROM iam_credential_reports WHERE account_id=?");
    st.bind(1, account);
    if (!st.step()) return std::nullopt;
    return CredentialReportRecord{st.f64(0), st.text(1)};
  });
}

void CredentialsStore::put_credential_report(const std::string& account, const CredentialReportRecord& r) {
  db_.run([&](store::Database& db) {
    db.prepare(
          "INSERT INTO iam_credential_reports(account_id, generated_at, content) VALUES(?,?,?) "
          "ON CONFLICT(account_id) DO UPDATE SET generated_at=excluded.generated_at, content=excluded.content")
        .bind(1, account)
        .bind(2, r.generated_at)
        .bind(3, r.content)
        .run();
  });
}

// ---- counts over other tables --------------------------------------------------------------

bool CredentialsStore::table_exists(const std::string& table) {
  return db_.run([&](store::Database& db) {
    auto st = db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
    st.bind(1, table);
    return st.step();
  });
}

int64_t CredentialsStore::count_rows(const std::string& table, const std::string& account) {
  if (!table_exists(table)) return 0;
  return db_.run([&](store::Database& db) -> int64_t {
    try {
      // `table` comes from our own code, never from a request.
      auto st = db.prepare("SELECT COUNT(*) FROM \"" + table + "\" WHERE account_id=?");
      st.bind(1, account);
      st.step();
      return st.i64(0);
    } catch (const store::SqliteError&) {
      return 0;  // a table of another shape: not counted
    }
  });
}

}  // namespace orgroot::services::iam
