// IdentityStore over SQLite, with a read-through cache of access keys and sessions so that the
// authentication path does not touch the database on every request. Every write goes through
// this object, so the cache never goes stale.
#pragma once

#include <memory>
#include <mutex>
#include <optional>

#include "common/sealed_box.h"
#include <shared_mutex>
#include <unordered_map>

#include "store/db.h"
#include "store/identity_store.h"

namespace orgroot::store {

class SqliteIdentityStore final : public IdentityStore {
 public:
  // Brings the "identity" tables up to date in `db`.
  explicit SqliteIdentityStore(Db& db);

  void put_account(const AccountRecord& a) override;
  std::optional<AccountRecord> get_account(const std::string& account_id) override;
  std::optional<AccountRecord> find_account_by_email(const std::string& email) override;
  void put_user(const UserRecord& u) override;
  std::optional<UserRecord> get_user(const std::string& account_id, const std::string& user_name) override;
  std::vector<UserRecord> list_users(const std::string& account_id) override;
  void rename_user(const std::string& account_id, const std::string& user_name, const UserRecord& renamed) override;
  void delete_user(const std::string& account_id, const std::string& user_name) override;
  bool detach_user_policy(const std::string& account_id, const std::string& user_name,
                          const std::string& policy_arn) override;
  std::vector<std::string> users_with_policy(const std::string& account_id, const std::string& policy_arn) override;
  void put_access_key(const AccessKeyRecord& k) override;
  std::optional<AccessKeyRecord> get_access_key(const std::string& access_key_id) override;
  std::vector<AccessKeyRecord> list_access_keys(const std::string& account_id, const std::string& user_name) override;
  void delete_access_key(const std::string& access_key_id) override;
  std::string seal_session(const SessionRecord& s) override;
  std::optional<SessionRecord> open_session(const std::string& access_key_id, const std::string& token) override;
  void put_session(const SessionRecord& s) override;
  std::optional<SessionRecord> get_session(const std::string& access_key_id) override;
  void attach_user_policy(const std::string& account_id, const std::string& user_name,
                          const std::string& policy_arn) override;
  std::vector<std::string> user_policy_arns(const std::string& account_id, const std::string& user_name) override;
  std::optional<std::string> get_setting(const std::string& key) override;
  void put_setting(const std::string& key, const std::string& value) override;

 private:
  void forget_cached();
  // The key sessions are sealed with: kept in the settings table, made at first use.
  sealed::Key session_key();
  Db& db_;
  std::mutex session_key_mu_;
  std::optional<sealed::Key> session_key_;
  std::shared_mutex cache_mu_;
  std::unordered_map<std::string, std::shared_ptr<const AccessKeyRecord>> key_cache_;
  std::unordered_map<std::string, std::shared_ptr<const SessionRecord>> session_cache_;
  // Users by account and lower-cased name (IAM names are case-insensitive); cleared on any user write.
  std::unordered_map<std::string, std::shared_ptr<const UserRecord>> user_cache_;
  static std::string user_key(const std::string& account_id, const std::string& user_name);
  void forget_users();
};

}  // namespace orgroot::store
