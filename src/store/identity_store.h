// The records behind identities: accounts, IAM users, access keys and temporary sessions.
// Services and the authenticator use this interface; SqliteIdentityStore implements it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace orgroot::store {

struct AccountRecord {
  std::string account_id;
  std::string name;
  std::string email;
  double created_at = 0;
};

struct UserRecord {
  std::string account_id;
  std::string user_name;
  std::string user_id;  // AIDA...
  std::string path = "/";
  std::string arn;
  double created_at = 0;
};

struct AccessKeyRecord {
  std::string access_key_id;  // AKIA...
  std::string secret;
  std::string account_id;
  std::string user_name;  // empty: the account's root user
  std::string status = "Active";
  double created_at = 0;
};

struct SessionRecord {
  std::string access_key_id;  // ASIA...
  std::string secret;
  std::string session_token;
  std::string account_id;
  double expiration = 0;
  double created_at = 0;
  std::string principal_json;  // the serialized principal the session acts as
};

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;

  virtual void put_account(const AccountRecord& a) = 0;
  virtual std::optional<AccountRecord> get_account(const std::string& account_id) = 0;
  // The account whose root user has this email address (compared case-insensitively).
  virtual std::optional<AccountRecord> find_account_by_email(const std::string& email) = 0;

  virtual void put_user(const UserRecord& u) = 0;
  virtual std::optional<UserRecord> get_user(const std::string& account_id, const std::string& user_name) = 0;
  // The account's IAM users ordered by name (case-insensitively).
  virtual std::vector<UserRecord> list_users(const std::string& account_id) = 0;
  // Renames / moves a user; its access keys and policy attachments follow.
  virtual void rename_user(const std::string& account_id, const std::string& user_name, const UserRecord& renamed) = 0;
  // Deletes the user row and its managed-policy attachments (the caller checks for conflicts).
  virtual void delete_user(const std::string& account_id, const std::string& user_name) = 0;

  virtual void put_access_key(const AccessKeyRecord& k) = 0;
  virtual std::optional<AccessKeyRecord> get_access_key(const std::string& access_key_id) = 0;
  // The user's access keys (user_name empty: the root user's), oldest first.
  virtual std::vector<AccessKeyRecord> list_access_keys(const std::string& account_id,
                                                        const std::string& user_name) = 0;
  // Deletes the key (and forgets it in any cache). No-op when absent.
  virtual void delete_access_key(const std::string& access_key_id) = 0;

  // Temporary sessions live in their tokens, as AWS's do: seal_session returns the session token
  // (the record, its session_token field aside, encrypted and authenticated with this server's
  // key), and open_session gives the record back for that token and access key id, or nothing when
  // the token was not sealed by this server's current key, was altered, or names another key. No
  // row is written for a session; a moto reset changes the key, ending every session.
  virtual std::string seal_session(const SessionRecord& s) = 0;
  virtual std::optional<SessionRecord> open_session(const std::string& access_key_id, const std::string& token) = 0;
  // Sessions stored as rows by earlier versions of orgroot (data directories made before sealed
  // tokens): still honoured until they expire.
  virtual void put_session(const SessionRecord& s) = 0;
  virtual std::optional<SessionRecord> get_session(const std::string& access_key_id) = 0;

  virtual void attach_user_policy(const std::string& account_id, const std::string& user_name,
                                  const std::string& policy_arn) = 0;
  virtual std::vector<std::string> user_policy_arns(const std::string& account_id, const std::string& user_name) = 0;
  // Returns false when the policy was not attached.
  virtual bool detach_user_policy(const std::string& account_id, const std::string& user_name,
                                  const std::string& policy_arn) = 0;
  // Names of the account's users the policy is attached to.
  virtual std::vector<std::string> users_with_policy(const std::string& account_id, const std::string& policy_arn) = 0;

  // Small durable settings (server identity, flags).
  virtual std::optional<std::string> get_setting(const std::string& key) = 0;
  virtual void put_setting(const std::string& key, const std::string& value) = 0;
};

}  // namespace orgroot::store
