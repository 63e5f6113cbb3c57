#include "store/schema.h"

namespace orgroot::store {

const std::vector<std::string_view>& identity_schema_migrations() {
  static const std::vector<std::string_view> m = {
      // 1: accounts, IAM users, access keys, temporary sessions, settings.
      R"sql(
CREATE TABLE accounts(
  account_id TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  email      TEXT NOT NULL,
  created_at REAL NOT NULL
);
CREATE TABLE iam_users(
  account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
  user_name  TEXT NOT NULL COLLATE NOCASE,
  user_id    TEXT NOT NULL UNIQUE,
  path       TEXT NOT NULL,
  arn        TEXT NOT NULL,
  created_at REAL NOT NULL,
  PRIMARY KEY(account_id, user_name)
);
CREATE TABLE access_keys(
  access_key_id TEXT PRIMARY KEY,
  secret        TEXT NOT NULL,
  account_id    TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
  user_name     TEXT,             -- NULL: the root user
  status        TEXT NOT NULL,
  created_at    REAL NOT NULL
);
CREATE INDEX access_keys_by_user ON access_keys(account_id, user_name);
CREATE TABLE sessions(
  access_key_id  TEXT PRIMARY KEY,
  secret         TEXT NOT NULL,
  session_token  TEXT NOT NULL,
  account_id     TEXT NOT NULL,
  expiration     REAL NOT NULL,
  created_at     REAL NOT NULL,
  principal_json TEXT NOT NULL
);
CREATE INDEX sessions_by_expiration ON sessions(expiration);
CREATE TABLE user_policy_attachments(
  account_id TEXT NOT NULL,
  user_name  TEXT NOT NULL COLLATE NOCASE,
  policy_arn TEXT NOT NULL,
  PRIMARY KEY(account_id, user_name, policy_arn),
  FOREIGN KEY(account_id, user_name) REFERENCES iam_users(account_id, user_name) ON DELETE CASCADE
);
CREATE TABLE settings(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql",
  };
  return m;
}

}  // namespace orgroot::store
