// IAM's own tables (component "iam"): groups and memberships, roles, customer managed policies and
// their versions, managed-policy attachments of groups and roles, inline policies, tags and
// permissions boundaries. Users themselves live in the identity store (the authenticator reads
// them); everything else about IAM is here. Tables and transactions only, no business rules.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/db.h"

namespace orgroot::services::iam {

// Entity kinds used as keys of the shared tables.
inline constexpr const char* kUser = "user";
inline constexpr const char* kGroup = "group";
inline constexpr const char* kRole = "role";
inline constexpr const char* kPolicy = "policy";

struct GroupRecord {
  std::string account_id, group_name, group_id, path, arn;
  double created_at = 0;
};

struct RoleRecord {
  std::string account_id, role_name, role_id, path, arn;
  double created_at = 0;
  std::string trust_policy;  // as given (JSON)
  std::string description;
  int64_t max_session_duration = 3600;
  double last_used = 0;  // 0: never
  std::string last_used_region;
};

struct PolicyRecord {
  std::string account_id, policy_name, policy_id, path, arn, description;
  std::string default_version = "v1";
  double created_at = 0, updated_at = 0;
  int64_t next_version = 2;
};

struct PolicyVersionRecord {
  std::string policy_arn, version_id, document;
  double created_at = 0;
};

struct Tag {
  std::string key, value;
};

class IamStore {
 public:
  explicit IamStore(store::Db& db);
  store::Db& db() { return db_; }

  // groups
  bool insert_group(const GroupRecord& g);  // false: the name is taken
  std::optional<GroupRecord> get_group(const std::string& account, const std::string& name);
  std::vector<GroupRecord> list_groups(const std::string& account);
  void update_group(const std::string& account, const std::string& old_name, const GroupRecord& g);
  void delete_group(const std::string& account, const std::string& name);
  bool add_member(const std::string& account, const std::string& group, const std::string& user);
  bool remove_member(const std::string& account, const std::string& group, const std::string& user);
  std::vector<std::string> group_members(const std::string& account, const std::string& group);
  std::vector<std::string> groups_of_user(const std::string& account, const std::string& user);
  void rename_user_references(const std::string& account, const std::string& old_name, const std::string& new_name);

  // roles
  bool insert_role(const RoleRecord& r);
  std::optional<RoleRecord> get_role(const std::string& account, const std::string& name);
  std::vector<RoleRecord> list_roles(const std::string& account);
  void update_role(const RoleRecord& r);
  void delete_role(const std::string& account, const std::string& name);

  // customer managed policies
  bool insert_policy(const PolicyRecord& p, const std::string& document);
  std::optional<PolicyRecord> get_policy(const std::string& arn);
  std::vector<PolicyRecord> list_policies(const std::string& account);
  void update_policy(const PolicyRecord& p);
  void delete_policy(const std::string& arn);
  void insert_version(const PolicyVersionRecord& v);
  std::optional<PolicyVersionRecord> get_version(const std::string& arn, const std::string& version_id);
  std::vector<PolicyVersionRecord> list_versions(const std::string& arn);  // newest first
  void delete_version(const std::string& arn, const std::string& version_id);

  // managed-policy attachments of groups and roles (users': the identity store)
  bool attach(const std::string& account, const char* kind, const std::string& name, const std::string& arn);
  bool detach(const std::string& account, const char* kind, const std::string& name, const std::string& arn);
  std::vector<std::string> attached(const std::string& account, const char* kind, const std::string& name);
  std::vector<std::string> attached_to(const std::string& account, const char* kind, const std::string& arn);

  // inline policies
  void put_inline(const std::string& account, const char* kind, const std::string& name,
                  const std::string& policy_name, const std::string& document);
  std::optional<std::string> get_inline(const std::string& account, const char* kind, const std::string& name,
                                        const std::string& policy_name);
  std::vector<std::pair<std::string, std::string>> list_inline(const std::string& account, const char* kind,
                                                               const std::string& name);  // name, document
  bool delete_inline(const std::string& account, const char* kind, const std::string& name,
                     const std::string& policy_name);

  // tags (user, role, policy: key = name for users/roles, ARN for policies)
  std::vector<Tag> tags(const std::string& account, const char* kind, const std::string& key);
  void put_tags(const std::string& account, const char* kind, const std::string& key, const std::vector<Tag>& tags);
  void remove_tags(const std::string& account, const char* kind, const std::string& key,
                   const std::vector<std::string>& keys);

  // permissions boundaries (users and roles)
  std::optional<std::string> boundary(const std::string& account, const char* kind, const std::string& name);
  void set_boundary(const std::string& account, const char* kind, const std::string& name, const std::string& arn);
  void clear_boundary(const std::string& account, const char* kind, const std::string& name);
  int64_t boundary_usage(const std::string& account, const std::string& arn);

  // Deletes every row keyed by the entity (tags, inline policies, attachments, boundary, memberships).
  void forget_entity(const std::string& account, const char* kind, const std::string& name);

 private:
  store::Db& db_;
};

}  // namespace orgroot::services::iam
