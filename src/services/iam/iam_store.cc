#include "services/iam/iam_store.h"

#include <atomic>
#include <chrono>

namespace orgroot::services::iam {

namespace {
using store::Database;
using store::Statement;

const std::vector<std::string_view>& iam_migrations() {
  static const std::vector<std::string_view> m = {
      // 1: groups, roles, customer managed policies, attachments, inline policies, tags, boundaries.
      R"sql(
CREATE TABLE iam_groups(
  account_id TEXT NOT NULL,
  group_name TEXT NOT NULL COLLATE NOCASE,
  group_id   TEXT NOT NULL UNIQUE,
  path       TEXT NOT NULL,
  arn        TEXT NOT NULL,
  created_at REAL NOT NULL,
  PRIMARY KEY(account_id, group_name)
);
CREATE TABLE iam_group_members(
  account_id TEXT NOT NULL,
  group_name TEXT NOT NULL COLLATE NOCASE,
  user_name  TEXT NOT NULL COLLATE NOCASE,
  added_at   INTEGER NOT NULL,
  PRIMARY KEY(account_id, group_name, user_name)
);
CREATE INDEX iam_group_members_by_user ON iam_group_members(account_id, user_name);
CREATE TABLE iam_roles(
  account_id  TEXT NOT NULL,
  role_name   TEXT NOT NULL COLLATE NOCASE,
  role_id     TEXT NOT NULL UNIQUE,
  path        TEXT NOT NULL,
  arn         TEXT NOT NULL,
  created_at  REAL NOT NULL,
  trust_policy TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  max_session_duration INTEGER NOT NULL,
  last_used   REAL NOT NULL DEFAULT 0,
  last_used_region TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(account_id, role_name)
);
CREATE TABLE iam_policies(
  account_id  TEXT NOT NULL,
  policy_name TEXT NOT NULL COLLATE NOCASE,
  policy_id   TEXT NOT NULL UNIQUE,
  path        TEXT NOT NULL,
  arn         TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  default_version TEXT NOT NULL,
  created_at  REAL NOT NULL,
  updated_at  REAL NOT NULL,
  next_version INTEGER NOT NULL,
  PRIMARY KEY(account_id, policy_name)
);
CREATE TABLE iam_policy_versions(
  policy_arn TEXT NOT NULL,
  version_id TEXT NOT NULL,
  document   TEXT NOT NULL,
  created_at REAL NOT NULL,
  PRIMARY KEY(policy_arn, version_id)
);
CREATE TABLE iam_attachments(
  account_id  TEXT NOT NULL,
  entity_kind TEXT NOT NULL,
  entity_name TEXT NOT NULL COLLATE NOCASE,
  policy_arn  TEXT NOT NULL,
  attached_at INTEGER NOT NULL,
  PRIMARY KEY(account_id, entity_kind, entity_name, policy_arn)
);
CREATE INDEX iam_attachments_by_policy ON iam_attachments(account_id, policy_arn);
CREATE TABLE iam_inline_policies(
  account_id  TEXT NOT NULL,
  entity_kind TEXT NOT NULL,
  entity_name TEXT NOT NULL COLLATE NOCASE,
  policy_name TEXT NOT NULL,
  document    TEXT NOT NULL,
  PRIMARY KEY(account_id, entity_kind, entity_name, policy_name)
);
CREATE TABLE iam_tags(
  account_id  TEXT NOT NULL,
  entity_kind TEXT NOT NULL,
  entity_key  TEXT NOT NULL COLLATE NOCASE,
  tag_key     TEXT NOT NULL,
  tag_value   TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  PRIMARY KEY(account_id, entity_kind, entity_key, tag_key)
);
CREATE TABLE iam_boundaries(
  account_id  TEXT NOT NULL,
  entity_kind TEXT NOT NULL,
  entity_name TEXT NOT NULL COLLATE NOCASE,
  policy_arn  TEXT NOT NULL,
  PRIMARY KEY(account_id, entity_kind, entity_name)
);
)sql",
  };
  return m;
}

GroupRecord read_group(Statement& st) {
  return GroupRecord{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.f64(5)};
}
constexpr const char* kGroupCols = "account_id, group_name, group_id, path, arn, created_at";

RoleRecord read_role(Statement& st) {
  RoleRecord r;
  r.account_id = st.text(0);
  r.role_name = st.text(1);
  r.role_id = st.text(2);
  r.path = st.text(3);
  r.arn = st.text(4);
  r.created_at = st.f64(5);
  r.trust_policy = st.text(6);
  r.description = st.text(7);
  r.max_session_duration = st.i64(8);
  r.last_used = st.f64(9);
  r.last_used_region = st.text(10);
  return r;
}
constexpr const char* kRoleCols =
    "account_id, role_name, role_id, path, arn, created_at, trust_policy, description, max_session_duration, "
    "last_used, last_used_region";

PolicyRecord read_policy(Statement& st) {
  PolicyRecord p;
  p.account_id = st.text(0);
  p.policy_name = st.text(1);
  p.policy_id = st.text(2);
  p.path = st.text(3);
  p.arn = st.text(4);
  p.description = st.text(5);
  p.default_version = st.text(6);
  p.created_at = st.f64(7);
  p.updated_at = st.f64(8);
  p.next_version = st.i64(9);
  return p;
}
constexpr const char* kPolicyCols =
    "account_id, policy_name, policy_id, path, arn, description, default_version, created_at, updated_at, "
    "next_version";

std::vector<std::string> strings(Statement& st) {
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}
int64_t seq_now() {
  static std::atomic<int64_t> n{0};
  return ++n + std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

IamStore::IamStore(store::Db& db) : db_(db) { db_.migrate("iam", iam_migrations()); }

// ---- groups ----
bool IamStore::insert_group(const GroupRecord& g) {
  return db_.run([&](Database& db) {
    db.prepare(
          "INSERT OR IGNORE INTO iam_groups(account_id, group_name, group_id, path, arn, created_at) "
          "VALUES(?,?,?,?,?,?)")
        .bind(1, g.account_id).bind(2, g.group_name).bind(3, g.group_id).bind(4, g.path).bind(5, g.arn)
        .bind(6, g.created_at).run();
    return db.changes() > 0;
  });
}
std::optional<GroupRecord> IamStore::get_group(const std::string& account, const std::string& name) {
  return db_.run([&](Database& db) -> std::optional<GroupRecord> {
    static const std::string sql = std::string("SELECT ") + kGroupCols + " FROM iam_groups WHERE account_id=? AND group_name=?";
    return with_statement(db, sql, [&](Statement& st) -> std::optional<GroupRecord> {
      st.bind(1, account).bind(2, name);
      if (!st.step()) return std::nullopt;
      return read_group(st);
    });
  });
}
std::vector<GroupRecord> IamStore::list_groups(const std::string& account) {
  return db_.run([&](Database& db) {
    auto st = db.prepare(std::string("SELECT ") + kGroupCols +
                         " FROM iam_groups WHERE account_id=? ORDER BY group_name COLLATE NOCASE");
    st.bind(1, account);
    std::vector<GroupRecord> out;
    while (st.step()) out.push_back(read_group(st));
    return out;
  });
}
void IamStore::update_group(const std::string& account, const std::string& old_name, const GroupRecord& g) {
  db_.transaction([&](Database& db) {
    db.prepare("UPDATE iam_groups SET group_name=?, path=?, arn=? WHERE account_id=? AND group_name=?")
        .bind(1, g.group_name).bind(2, g.path).bind(3, g.arn).bind(4, account).bind(5, old_name).run();
    db.prepare("UPDATE iam_group_members SET group_name=? WHERE account_id=? AND group_name=?")
        .bind(1, g.group_name).bind(2, account).bind(3, old_name).run();
    for (const char* t : {"iam_attachments", "iam_inline_policies", "iam_boundaries"})
      db.prepare(std::string("UPDATE ") + t + " SET entity_name=? WHERE account_id=? AND entity_kind='group' AND entity_name=?")
          .bind(1, g.group_name).bind(2, account).bind(3, old_name).run();
  });
}
void IamStore::delete_group(const std::string& account, const std::string& name) {
  db_.transaction([&](Database& db) {
    db.prepare("DELETE FROM iam_groups WHERE account_id=? AND group_name=?").bind(1, account).bind(2, name).run();
    db.prepare("DELETE FROM iam_group_members WHERE account_id=? AND group_name=?").bind(1, account).bind(2, name).run();
  });
}
bool IamStore::add_member(const std::string& account, const std::string& group, const std::string& user) {
  return db_.run([&](Database& db) {
    db.prepare("INSERT OR IGNORE INTO iam_group_members(account_id, group_name, user_name, added_at) VALUES(?,?,?,?)")
        .bind(1, account).bind(2, group).bind(3, user).bind(4, seq_now()).run();
    return db.changes() > 0;
  });
}
bool IamStore::remove_member(const std::string& account, const std::string& group, const std::string& user) {
  return db_.run([&](Database& db) {
    db.prepare("DELETE FROM iam_group_members WHERE account_id=? AND group_name=? AND user_name=?")
        .bind(1, account).bind(2, group).bind(3, user).run();
    return db.changes() > 0;
  });
}
std::vector<std::string> IamStore::group_members(const std::string& account, const std::string& group) {
  return db_.run([&](Database& db) {
    auto st = db.prepare(
        "SELECT u.user_name FROM iam_group_members m JOIN iam_users u ON u.account_id=m.account_id AND "
        "u.user_name=m.user_name WHERE m.account_id=? AND m.group_name=? ORDER BY u.user_name COLLATE NOCASE");
    st.bind(1, account).bind(2, group);
    return strings(st);
  });
}
std::vector<std::string> IamStore::groups_of_user(const std::string& account, const std::string& user) {
  return db_.run([&](Database& db) {
    return with_statement(
        db,
        "SELECT g.group_name FROM iam_group_members m JOIN iam_groups g ON g.account_id=m.account_id AND "
        "g.group_name=m.group_name WHERE m.account_id=? AND m.user_name=? ORDER BY g.group_name COLLATE NOCASE",
        [&](Statement& st) {
          st.bind(1, account).bind(2, user);
          return strings(st);
        });
  });
}
void IamStore::rename_user_references(const std::string& account, const std::string& old_name,
                                      const std::string& new_name) {
  db_.transaction([&](Database& db) {
    db.prepare("UPDATE iam_group_members SET user_name=? WHERE account_id=? AND user_name=?")
        .bind(1, new_name).bind(2, account).bind(3, old_name).run();
    for (const char* t : {"iam_attachments", "iam_inline_policies", "iam_boundaries"})
      db.prepare(std::string("UPDATE ") + t + " SET entity_name=? WHERE account_id=? AND entity_kind='user' AND entity_name=?")
          .bind(1, new_name).bind(2, account).bind(3, old_name).run();
    db.prepare("UPDATE iam_tags SET entity_key=? WHERE account_id=? AND entity_kind='user' AND entity_key=?")
        .bind(1, new_name).bind(2, account).bind(3, old_name).run();
  });
}

// ---- roles ----
bool IamStore::insert_role(const RoleRecord& r) {
  return db_.run([&](Database& db) {
    db.prepare(std::string("INSERT OR IGNORE INTO iam_roles(") + kRoleCols + ") VALUES(?,?,?,?,?,?,?,?,?,?,?)")
        .bind(1, r.account_id).bind(2, r.role_name).bind(3, r.role_id).bind(4, r.path).bind(5, r.arn)
        .bind(6, r.created_at).bind(7, r.trust_policy).bind(8, r.description).bind(9, r.max_session_duration)
        .bind(10, r.last_used).bind(11, r.last_used_region).run();
    return db.changes() > 0;
  });
}
std::optional<RoleRecord> IamStore::get_role(const std::string& account, const std::string& name) {
  return db_.run([&](Database& db) -> std::optional<RoleRecord> {
    static const std::string sql = std::string("SELECT ") + kRoleCols + " FROM iam_roles WHERE account_id=? AND role_name=?";
    return with_statement(db, sql, [&](Statement& st) -> std::optional<RoleRecord> {
      st.bind(1, account).bind(2, name);
      if (!st.step()) return std::nullopt;
      return read_role(st);
    });
  });
}
std::vector<RoleRecord> IamStore::list_roles(const std::string& account) {
  return db_.run([&](Database& db) {
    auto st = db.prepare(std::string("SELECT ") + kRoleCols +
                         " FROM iam_roles WHERE account_id=? ORDER BY role_name COLLATE NOCASE");
    st.bind(1, account);
    std::vector<RoleRecord> out;
    while (st.step()) out.push_back(read_role(st));
    return out;
  });
}
void IamStore::update_role(const RoleRecord& r) {
  db_.run([&](Database& db) {
    with_statement(db,
                "UPDATE iam_roles SET trust_policy=?, description=?, max_session_duration=?, last_used=?, "
                "last_used_region=? WHERE account_id=? AND role_name=?",
                [&](Statement& st) {
                  st.bind(1, r.trust_policy).bind(2, r.description).bind(3, r.max_session_duration)
                      .bind(4, r.last_used).bind(5, r.last_used_region).bind(6, r.account_id).bind(7, r.role_name)
                      .run();
                });
  });
}
void IamStore::delete_role(const std::string& account, const std::string& name) {
  db_.run([&](Database& db) {
    db.prepare("DELETE FROM iam_roles WHERE account_id=? AND role_name=?").bind(1, account).bind(2, name).run();
  });
}

// ---- policies ----
bool IamStore::insert_policy(const PolicyRecord& p, const std::string& document) {
  return db_.transaction([&](Database& db) {
    db.prepare(std::string("INSERT OR IGNORE INTO iam_policies(") + kPolicyCols + ") VALUES(?,?,?,?,?,?,?,?,?,?)")
        .bind(1, p.account_id).bind(2, p.policy_name).bind(3, p.policy_id).bind(4, p.path).bind(5, p.arn)
        .bind(6, p.description).bind(7, p.default_version).bind(8, p.created_at).bind(9, p.updated_at)
        .bind(10, p.next_version).run();
    if (db.changes() == 0) return false;
    db.prepare("INSERT INTO iam_policy_versions(policy_arn, version_id, document, created_at) VALUES(?,?,?,?)")
        .bind(1, p.arn).bind(2, p.default_version).bind(3, document).bind(4, p.created_at).run();
    return true;
  });
}
std::optional<PolicyRecord> IamStore::get_policy(const std::string& arn) {
  return db_.run([&](Database& db) -> std::optional<PolicyRecord> {
    static const std::string sql = std::string("SELECT ") + kPolicyCols + " FROM iam_policies WHERE arn=?";
    return with_statement(db, sql, [&](Statement& st) -> std::optional<PolicyRecord> {
      st.bind(1, arn);
      if (!st.step()) return std::nullopt;
      return read_policy(st);
    });
  });
}
std::vector<PolicyRecord> IamStore::list_policies(const std::string& account) {
  return db_.run([&](Database& db) {
    auto st = db.prepare(std::string("SELECT ") + kPolicyCols +
                         " FROM iam_policies WHERE account_id=? ORDER BY policy_name COLLATE NOCASE");
    st.bind(1, account);
    std::vector<PolicyRecord> out;
    while (st.step()) out.push_back(read_policy(st));
    return out;
  });
}
void IamStore::update_policy(const PolicyRecord& p) {
  db_.run([&](Database& db) {
    db.prepare("UPDATE iam_policies SET default_version=?, updated_at=?, next_version=? WHERE arn=?")
        .bind(1, p.default_version).bind(2, p.updated_at).bind(3, p.next_version).bind(4, p.arn).run();
  });
}
void IamStore::delete_policy(const std::string& arn) {
  db_.transaction([&](Database& db) {
    db.prepare("DELETE FROM iam_policy_versions WHERE policy_arn=?").bind(1, arn).run();
    db.prepare("DELETE FROM iam_policies WHERE arn=?").bind(1, arn).run();
    db.prepare("DELETE FROM iam_tags WHERE entity_kind='policy' AND entity_key=?").bind(1, arn).run();
  });
}
void IamStore::insert_version(const PolicyVersionRecord& v) {
  db_.run([&](Database& db) {
    db.prepare("INSERT INTO iam_policy_versions(policy_arn, version_id, document, created_at) VALUES(?,?,?,?)")
        .bind(1, v.policy_arn).bind(2, v.version_id).bind(3, v.document).bind(4, v.created_at).run();
  });
}
std::optional<PolicyVersionRecord> IamStore::get_version(const std::string& arn, const std::string& version_id) {
  return db_.run([&](Database& db) -> std::optional<PolicyVersionRecord> {
    return with_statement(
        db,
        "SELECT policy_arn, version_id, document, created_at FROM iam_policy_versions WHERE policy_arn=? AND "
        "version_id=?",
        [&](Statement& st) -> std::optional<PolicyVersionRecord> {
          st.bind(1, arn).bind(2, version_id);
          if (!st.step()) return std::nullopt;
          return PolicyVersionRecord{st.text(0), st.text(1), st.text(2), st.f64(3)};
        });
  });
}
std::vector<PolicyVersionRecord> IamStore::list_versions(const std::string& arn) {
  return db_.run([&](Database& db) {
    auto st = db.prepare(
        "SELECT policy_arn, version_id, document, created_at FROM iam_policy_versions WHERE policy_arn=? "
        "ORDER BY CAST(substr(version_id, 2) AS INTEGER) DESC");
    st.bind(1, arn);
    std::vector<PolicyVersionRecord> out;
    while (st.step()) out.push_back(PolicyVersionRecord{st.text(0), st.text(1), st.text(2), st.f64(3)});
    return out;
  });
}
void IamStore::delete_version(const std::string& arn, const std::string& version_id) {
  db_.run([&](Database& db) {
    db.prepare("DELETE FROM iam_policy_versions WHERE policy_arn=? AND version_id=?").bind(1, arn).bind(2, version_id).run();
  });
}

// ---- attachments ----
bool IamStore::attach(const std::string& account, const char* kind, const std::string& name, const std::string& arn) {
  return db_.run([&](Database& db) {
    db.prepare(
          "INSERT OR IGNORE INTO iam_attachments(account_id, entity_kind, entity_name, policy_arn, attached_at) "
          "VALUES(?,?,?,?,?)")
        .bind(1, account).bind(2, kind).bind(3, name).bind(4, arn).bind(5, seq_now()).run();
    return db.changes() > 0;
  });
}
bool IamStore::detach(const std::string& account, const char* kind, const std::string& name, const std::string& arn) {
  return db_.run([&](Database& db) {
    db.prepare("DELETE FROM iam_attachments WHERE account_id=? AND entity_kind=? AND entity_name=? AND policy_arn=?")
        .bind(1, account).bind(2, kind).bind(3, name).bind(4, arn).run();
    return db.changes() > 0;
  });
}
std::vector<std::string> IamStore::attached(const std::string& account, const char* kind, const std::string& name) {
  return db_.run([&](Database& db) {
    return with_statement(db,
                       "SELECT policy_arn FROM iam_attachments WHERE account_id=? AND entity_kind=? AND entity_name=? "
                       "ORDER BY attached_at",
                       [&](Statement& st) {
                         st.bind(1, account).bind(2, kind).bind(3, name);
                         return strings(st);
                       });
  });
}
std::vector<std::string> IamStore::attached_to(const std::string& account, const char* kind, const std::string& arn) {
  return db_.run([&](Database& db) {
    auto st = db.prepare(
        "SELECT entity_name FROM iam_attachments WHERE account_id=? AND entity_kind=? AND policy_arn=? "
        "ORDER BY entity_name COLLATE NOCASE");
    st.bind(1, account).bind(2, kind).bind(3, arn);
    return strings(st);
  });
}

// ---- inline policies ----
void IamStore::put_inline(const std::string& account, const char* kind, const std::string& name,
                          const std::string& policy_name, const std::string& document) {
  db_.run([&](Database& db) {
    db.prepare(
          "INSERT INTO iam_inline_policies(account_id, entity_kind, entity_name, policy_name, document) "
          "VALUES(?,?,?,?,?) ON CONFLICT(account_id, entity_kind, entity_name, policy_name) DO UPDATE SET "
          "document=excluded.document")
        .bind(1, account).bind(2, kind).bind(3, name).bind(4, policy_name).bind(5, document).run();
  });
}
std::optional<std::string> IamStore::get_inline(const std::string& account, const char* kind, const std::string& name,
                                                const std::string& policy_name) {
  return db_.run([&](Database& db) -> std::optional<std::string> {
    auto st = db.prepare(
        "SELECT document FROM iam_inline_policies WHERE account_id=? AND entity_kind=? AND entity_name=? AND "
        "policy_name=?");
    st.bind(1, account).bind(2, kind).bind(3, name).bind(4, policy_name);
    if (!st.step()) return std::nullopt;
    return st.text(0);
  });
}
std::vector<std::pair<std::string, std::string>> IamStore::list_inline(const std::string& account, const char* kind,
                                                                       const std::string& name) {
  return db_.run([&](Database& db) {
    return with_statement(db,
                       "SELECT policy_name, document FROM iam_inline_policies WHERE account_id=? AND entity_kind=? AND "
                       "entity_name=? ORDER BY policy_name",
                       [&](Statement& st) {
                         st.bind(1, account).bind(2, kind).bind(3, name);
                         std::vector<std::pair<std::string, std::string>> out;
                         while (st.step()) out.emplace_back(st.text(0), st.text(1));
                         return out;
                       });
  });
}
bool IamStore::delete_inline(const std::string& account, const char* kind, const std::string& name,
                             const std::string& policy_name) {
  return db_.run([&](Database& db) {
    db.prepare(
          "DELETE FROM iam_inline_policies WHERE account_id=? AND entity_kind=? AND entity_name=? AND policy_name=?")
        .bind(1, account).bind(2, kind).bind(3, name).bind(4, policy_name).run();
    return db.changes() > 0;
  });
}

// ---- tags ----
std::vector<Tag> IamStore::tags(const std::string& account, const char* kind, const std::string& key) {
  return db_.run([&](Database& db) {
    return with_statement(
        db, "SELECT tag_key, tag_value FROM iam_tags WHERE account_id=? AND entity_kind=? AND entity_key=? ORDER BY seq",
        [&](Statement& st) {
          st.bind(1, account).bind(2, kind).bind(3, key);
          std::vector<Tag> out;
          while (st.step()) out.push_back(Tag{st.text(0), st.text(1)});
          return out;
        });
  });
}
void IamStore::put_tags(const std::string& account, const char* kind, const std::string& key,
                        const std::vector<Tag>& tags) {
  db_.transaction([&](Database& db) {
    for (const auto& t : tags)
      db.prepare(
            "INSERT INTO iam_tags(account_id, entity_kind, entity_key, tag_key, tag_value, seq) VALUES(?,?,?,?,?,?) "
            "ON CONFLICT(account_id, entity_kind, entity_key, tag_key) DO UPDATE SET tag_value=excluded.tag_value")
          .bind(1, account).bind(2, kind).bind(3, key).bind(4, t.key).bind(5, t.value).bind(6, seq_now()).run();
  });
}
void IamStore::remove_tags(const std::string& account, const char* kind, const std::string& key,
                           const std::vector<std::string>& keys) {
  db_.transaction([&](Database& db) {
    for (const auto& k : keys)
      db.prepare("DELETE FROM iam_tags WHERE account_id=? AND entity_kind=? AND entity_key=? AND tag_key=?")
          .bind(1, account).bind(2, kind).bind(3, key).bind(4, k).run();
  });
}

// ---- boundaries ----
std::optional<std::string> IamStore::boundary(const std::string& account, const char* kind, const std::string& name) {
  return db_.run([&](Database& db) -> std::optional<std::string> {
    return with_statement(db, "SELECT policy_arn FROM iam_boundaries WHERE account_id=? AND entity_kind=? AND entity_name=?",
                       [&](Statement& st) -> std::optional<std::string> {
                         st.bind(1, account).bind(2, kind).bind(3, name);
                         if (!st.step()) return std::nullopt;
                         return st.text(0);
                       });
  });
}
void IamStore::set_boundary(const std::string& account, const char* kind, const std::string& name,
                            const std::string& arn) {
  db_.run([&](Database& db) {
    db.prepare(
          "INSERT INTO iam_boundaries(account_id, entity_kind, entity_name, policy_arn) VALUES(?,?,?,?) "
          "ON CONFLICT(account_id, entity_kind, entity_name) DO UPDATE SET policy_arn=excluded.policy_arn")
        .bind(1, account).bind(2, kind).bind(3, name).bind(4, arn).run();
  });
}
void IamStore::clear_boundary(const std::string& account, const char* kind, const std::string& name) {
  db_.run([&](Database& db) {
    db.prepare("DELETE FROM iam_boundaries WHERE account_id=? AND entity_kind=? AND entity_name=?")
        .bind(1, account).bind(2, kind).bind(3, name).run();
  });
}
int64_t IamStore::boundary_usage(const std::string& account, const std::string& arn) {
  return db_.run([&](Database& db) {
    auto st = db.prepare("SELECT COUNT(*) FROM iam_boundaries WHERE account_id=? AND policy_arn=?");
    st.bind(1, account).bind(2, arn);
    st.step();
    return st.i64(0);
  });
}

void IamStore::forget_entity(const std::string& account, const char* kind, const std::string& name) {
  db_.transaction([&](Database& db) {
    for (const char* t : {"iam_attachments", "iam_inline_policies", "iam_boundaries"})
      db.prepare(std::string("DELETE FROM ") + t + " WHERE account_id=? AND entity_kind=? AND entity_name=?")
          .bind(1, account).bind(2, kind).bind(3, name).run();
    db.prepare("DELETE FROM iam_tags WHERE account_id=? AND entity_kind=? AND entity_key=?")
        .bind(1, account).bind(2, kind).bind(3, name).run();
    if (std::string_view(kind) == kUser)
      db.prepare("DELETE FROM iam_group_members WHERE account_id=? AND user_name=?").bind(1, account).bind(2, name).run();
  });
}

}  // namespace orgroot::services::iam
