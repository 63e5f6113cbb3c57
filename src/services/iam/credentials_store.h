// The tables behind IAM's credential operations: login profiles (salted PBKDF2 hashes only),
// account password policies and password history, virtual MFA devices, signing certificates,
// account aliases, access-key last use and credential reports. Access keys themselves live in the
// identity store (store::IdentityStore); this store keeps only when each was last used.
//
// A user name of "" means the account's root user throughout.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/db.h"

namespace orgroot::services::iam {

struct LoginProfileRecord {
  std::string account_id;
  std::string user_name;       // "" = root
  std::string password_hash;   // "" = no usable password (root recovery profile)
  bool reset_required = false;
  double created_at = 0;
  double password_changed_at = 0;  // 0 = never set
  double password_last_used = 0;   // 0 = never
};

struct PasswordPolicyRecord {
  int64_t minimum_length = 6;
  bool require_symbols = false;
  bool require_numbers = false;
  bool require_uppercase = false;
  bool require_lowercase = false;
  bool allow_users_to_change = false;
  std::optional<int64_t> max_age_days;
  std::optional<int64_t> reuse_prevention;
  std::optional<bool> hard_expiry;
};

struct MfaDeviceRecord {
  std::string account_id;
  std::string serial_number;  // arn:aws:iam::<acct>:mfa<path><name>
  std::string name;
  std::string path = "/";
  std::string seed;           // raw secret bytes
  std::optional<std::string> user_name;  // nullopt: unassigned; "" = root
  double enabled_at = 0;
  double created_at = 0;
  int64_t last_step = 0;      // the last TOTP step accepted (replay protection)
  int64_t drift_steps = 0;    // set by ResyncMFADevice
  std::string tags_json = "[]";
};

struct SigningCertRecord {
  std::string certificate_id;
  std::string account_id;
  std::string user_name;  // "" = root
  std::string body;
  std::string fingerprint;  // SHA-256 of the DER, hex
  std::string status = "Active";
  double uploaded_at = 0;
};

struct KeyLastUse {
  double used_at = 0;
  std::string service;
  std::string region;
};

struct CredentialReportRecord {
  double generated_at = 0;
  std::string content;
};

// The stored hash of a password nobody knows (an account's root as Organizations creates it): a
// password is present, and no password verifies against it.
inline constexpr std::string_view kUnknownPasswordHash = "unknown";

// PBKDF2-HMAC-SHA256 with a random 16-byte salt: "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>".
std::string hash_password(std::string_view password);
bool verify_password_hash(std::string_view stored, std::string_view password);

class CredentialsStore {
 public:
  // Brings the "iam-credentials" tables up to date and starts the last-use flusher.
  explicit CredentialsStore(store::Db& db);
  ~CredentialsStore();
  CredentialsStore(const CredentialsStore&) = delete;
  CredentialsStore& operator=(const CredentialsStore&) = delete;

  // ---- login profiles ----
  std::optional<LoginProfileRecord> get_login_profile(const std::string& account, const std::string& user);
  // false if one already exists.
  bool insert_login_profile(const LoginProfileRecord& p);
  void update_login_profile(const LoginProfileRecord& p);  // hash, reset flag, changed_at, last_used
  bool delete_login_profile(const std::string& account, const std::string& user);
  // The user's previous password hashes, newest first (the current one included).
  std::vector<std::string> password_history(const std::string& account, const std::string& user, size_t n);
  void add_password_history(const std::string& account, const std::string& user, const std::string& hash,
                            double at);
  // Checks a sign-in password (false for a recovery profile, which has none).
  bool verify_login_password(const std::string& account, const std::string& user, std::string_view password);

  // Moves the user's login profile, password history, MFA assignments and signing certificates to
  // a new name (UpdateUser NewUserName), in one transaction.
  void rename_user(const std::string& account, const std::string& old_name, const std::string& new_name);

  // ---- password policy ----
  std::optional<PasswordPolicyRecord> get_password_policy(const std::string& account);
  void put_password_policy(const std::string& account, const PasswordPolicyRecord& p);
  bool delete_password_policy(const std::string& account);

  // ---- MFA devices ----
  bool insert_mfa_device(const MfaDeviceRecord& d);  // false: serial exists
  std::optional<MfaDeviceRecord> get_mfa_device(const std::string& account, const std::string& serial);
  void update_mfa_device(const MfaDeviceRecord& d);  // assignment, dates, steps
  bool delete_mfa_device(const std::string& account, const std::string& serial);
  std::vector<MfaDeviceRecord> list_mfa_devices(const std::string& account);  // by serial
  std::vector<MfaDeviceRecord> user_mfa_devices(const std::string& account, const std::string& user);

  // ---- signing certificates ----
  void insert_signing_cert(const SigningCertRecord& c);
  std::optional<SigningCertRecord> get_signing_cert(const std::string& account, const std::string& id);
  std::optional<SigningCertRecord> find_cert_by_fingerprint(const std::string& account, const std::string& fp);
  void set_signing_cert_status(const std::string& id, const std::string& status);
  bool delete_signing_cert(const std::string& id);
  std::vector<SigningCertRecord> user_signing_certs(const std::string& account, const std::string& user);

  // ---- account aliases ----
  std::optional<std::string> get_account_alias(const std::string& account);
  std::optional<std::string> alias_owner(const std::string& alias);
  void put_account_alias(const std::string& account, const std::string& alias);
  bool delete_account_alias(const std::string& account, const std::string& alias);

  // ---- access key last use ----
  // Request path: memory only. Written to SQLite by a background flusher, and before any read.
  void record_key_use(const std::string& key_id, std::string_view service, std::string_view region, double at);
  std::optional<KeyLastUse> key_last_use(const std::string& key_id);
  void forget_key(const std::string& key_id);
  void flush_key_use();

  // ---- credential reports ----
  std::optional<CredentialReportRecord> get_credential_report(const std::string& account);
  void put_credential_report(const std::string& account, const CredentialReportRecord& r);

  // ---- read-only counts over other components' tables ("table exists" guarded) ----
  int64_t count_rows(const std::string& table, const std::string& account);
  bool table_exists(const std::string& table);

  store::Db& db() { return db_; }

 private:
  void flusher_loop();
  store::Db& db_;
  std::mutex use_mu_;
  std::unordered_map<std::string, KeyLastUse> pending_use_;
  std::condition_variable use_cv_;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace orgroot::services::iam
