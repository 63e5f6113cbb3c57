// IAM's core: users, groups, roles, managed and inline policies, attachments, permissions
// boundaries and tags (the credential operations are a separate Service in credentials*). The same
// object answers the interfaces IAM offers others: the identity policies of a principal
// (IdentityPolicyView), member-account provisioning (AccountProvisioner) and the roles STS
// AssumeRole needs (RoleDirectory).
//
// Handlers are spread over iam_users.cc (users, groups), iam_roles.cc, iam_policies.cc (managed
// policies, versions, attachments, inline policies, boundaries) and iam_view.cc (the interfaces).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/deps.h"
#include "services/iam/aws_policies.h"
#include "services/iam/iam_store.h"
#include "services/interfaces.h"
#include "services/service.h"
#include "services/sts/sts_service.h"

namespace orgroot::services::iam {

// Percent-encodes a policy document as IAM returns it (RFC 3986 unreserved characters kept).
std::string url_encode_document(std::string_view doc);

// A page of a list: Marker is the offset of the first item not yet returned.
struct Page {
  size_t begin = 0, end = 0;
  bool truncated = false;
  std::string next_marker;
};
Page paginate(size_t total, const boost::json::object& params);
// Writes IsTruncated (and Marker when truncated) into out.
void put_page(boost::json::object& out, const Page& p);

class IamService final : public Service,
                         public IdentityPolicyView,
                         public AccountProvisioner,
                         public RoleDirectory {
 public:
  IamService(ServiceDeps& deps, const AwsPolicyCatalog& aws_policies);
  ~IamService() override;
  std::string_view name() const override { return "iam"; }
  AuthzTarget authz_target(std::string_view operation, const boost::json::object& params,
                           const CallContext& ctx) const override;

  // IdentityPolicyView
  IdentityPolicies policies_for(const auth::Principal& who) override;
  // AccountProvisioner
  Status provision_member_account(const std::string& account_id, const std::string& account_name,
                                  const std::string& email, const std::string& access_role_name,
                                  const std::string& management_account_id) override;
  // RoleDirectory (STS)
  std::shared_ptr<const AssumableRole> find_role(const std::string& role_arn) override;
  std::optional<std::string> managed_policy_document(const std::string& policy_arn) override;
  void record_role_use(const std::string& role_arn, std::string_view region) override;

  // Something else (the credentials service) that may keep a user from being deleted: returns the
  // DeleteConflict message, or nullopt.
  using UserDeleteCheck = std::function<std::optional<std::string>(const std::string& account, const std::string& user)>;
  void add_user_delete_check(UserDeleteCheck c) { delete_checks_.push_back(std::move(c)); }
  // Called after a user is deleted (the credentials service forgets its rows).
  void on_user_deleted(std::function<void(const std::string& account, const std::string& user)> f) {
    user_deleted_.push_back(std::move(f));
  }
  // Called after UpdateUser renamed a user (the credentials service moves its rows to the new name).
  using UserRenamed =
      std::function<void(const std::string& account, const std::string& old_name, const std::string& new_name)>;
  void on_user_renamed(UserRenamed f) { user_renamed_.push_back(std::move(f)); }

  IamStore& store() { return store_; }

 private:
  // ---- shared helpers (iam_service.cc) ----
  static std::string account_of(const CallContext& c) { return c.principal.account_id; }
  std::string arn_for(const std::string& account, const char* kind, const std::string& path,
                      const std::string& name) const;
  // A managed policy (customer or AWS) as the Policy shape, or NoSuchEntity.
  struct PolicyView {
    std::string arn, name, id, path, description, default_version;
    double created = 0, updated = 0;
    bool aws = false, attachable = true;
    std::string account;  // owner ("aws" for AWS managed)
  };
  std::optional<PolicyView> find_policy(const std::string& account, const std::string& arn);
  boost::json::object policy_json(const std::string& account, const PolicyView& p, bool with_description);
  std::optional<std::string> policy_version_document(const std::string& arn, const std::string& version_id);
  // Validates an ARN passed as PolicyArn (ValidationError "Invalid ARN:  Could not be parsed!").
  static std::optional<AwsError> check_arn(const std::string& arn);
  int64_t attachment_count(const std::string& account, const std::string& arn);
  boost::json::array tags_json(const std::string& account, const char* kind, const std::string& key);
  Result<std::vector<Tag>> read_tags(const boost::json::object& params, const std::string& account, const char* kind,
                                     const std::string& key, const char* quota_name);
  boost::json::value boundary_json(const std::string& account, const char* kind, const std::string& name);

  // ---- users and groups (iam_users.cc) ----
  boost::json::object user_json(const store::UserRecord& u, bool full);
  Result<store::UserRecord> need_user(const std::string& account, const std::string& name);
  Result<GroupRecord> need_group(const std::string& account, const std::string& name);
  static boost::json::object group_json(const GroupRecord& g);
  OperationResult create_user(CallContext& c, const boost::json::object& p);
  OperationResult get_user(CallContext& c, const boost::json::object& p);
  OperationResult list_users(CallContext& c, const boost::json::object& p);
  OperationResult update_user(CallContext& c, const boost::json::object& p);
  OperationResult delete_user(CallContext& c, const boost::json::object& p);
  OperationResult tag_user(CallContext& c, const boost::json::object& p);
  OperationResult untag_user(CallContext& c, const boost::json::object& p);
  OperationResult list_user_tags(CallContext& c, const boost::json::object& p);
  OperationResult create_group(CallContext& c, const boost::json::object& p);
  OperationResult get_group(CallContext& c, const boost::json::object& p);
  OperationResult list_groups(CallContext& c, const boost::json::object& p);
  OperationResult update_group(CallContext& c, const boost::json::object& p);
  OperationResult delete_group(CallContext& c, const boost::json::object& p);
  OperationResult add_user_to_group(CallContext& c, const boost::json::object& p);
  OperationResult remove_user_from_group(CallContext& c, const boost::json::object& p);
  OperationResult list_groups_for_user(CallContext& c, const boost::json::object& p);

  // ---- roles (iam_roles.cc) ----
  Result<RoleRecord> need_role(const std::string& account, const std::string& name);
  boost::json::object role_json(const RoleRecord& r, bool full);
  Status check_trust_policy(const std::string& doc);
  OperationResult create_role(CallContext& c, const boost::json::object& p);
  OperationResult get_role(CallContext& c, const boost::json::object& p);
  OperationResult list_roles(CallContext& c, const boost::json::object& p);
  OperationResult update_role(CallContext& c, const boost::json::object& p);
  OperationResult update_role_description(CallContext& c, const boost::json::object& p);
  OperationResult delete_role(CallContext& c, const boost::json::object& p);
  OperationResult update_assume_role_policy(CallContext& c, const boost::json::object& p);
  OperationResult tag_role(CallContext& c, const boost::json::object& p);
  OperationResult untag_role(CallContext& c, const boost::json::object& p);
  OperationResult list_role_tags(CallContext& c, const boost::json::object& p);

  // ---- managed policies, attachments, inline policies, boundaries (iam_policies.cc) ----
  OperationResult create_policy(CallContext& c, const boost::json::object& p);
  OperationResult get_policy(CallContext& c, const boost::json::object& p);
  OperationResult list_policies(CallContext& c, const boost::json::object& p);
  OperationResult delete_policy(CallContext& c, const boost::json::object& p);
  OperationResult create_policy_version(CallContext& c, const boost::json::object& p);
  OperationResult get_policy_version(CallContext& c, const boost::json::object& p);
  OperationResult list_policy_versions(CallContext& c, const boost::json::object& p);
  OperationResult delete_policy_version(CallContext& c, const boost::json::object& p);
  OperationResult set_default_policy_version(CallContext& c, const boost::json::object& p);
  OperationResult list_entities_for_policy(CallContext& c, const boost::json::object& p);
  OperationResult tag_policy(CallContext& c, const boost::json::object& p);
  OperationResult untag_policy(CallContext& c, const boost::json::object& p);
  OperationResult list_policy_tags(CallContext& c, const boost::json::object& p);
  OperationResult attach(CallContext& c, const boost::json::object& p, const char* kind);
  OperationResult detach(CallContext& c, const boost::json::object& p, const char* kind);
  OperationResult list_attached(CallContext& c, const boost::json::object& p, const char* kind);
  OperationResult put_inline(CallContext& c, const boost::json::object& p, const char* kind);
  OperationResult get_inline(CallContext& c, const boost::json::object& p, const char* kind);
  OperationResult delete_inline(CallContext& c, const boost::json::object& p, const char* kind);
  OperationResult list_inline(CallContext& c, const boost::json::object& p, const char* kind);
  OperationResult put_boundary(CallContext& c, const boost::json::object& p, const char* kind);
  OperationResult delete_boundary(CallContext& c, const boost::json::object& p, const char* kind);
  // Checks the entity named by p exists ("UserName"/"GroupName"/"RoleName"); returns its name as stored.
  Result<std::string> need_entity(const std::string& account, const char* kind, const boost::json::object& p);
  std::vector<std::string> attached_arns(const std::string& account, const char* kind, const std::string& name);

  // ---- compiled policies (iam_view.cc) ----
  policy::PolicyPtr compiled(const std::string& document, policy::PolicyKind kind);
  void add_entity_policies(const std::string& account, const char* kind, const std::string& name,
                           std::vector<policy::PolicyPtr>& out);

  ServiceDeps& deps_;
  const AwsPolicyCatalog& aws_;
  IamStore store_;
  std::vector<UserDeleteCheck> delete_checks_;
  std::vector<std::function<void(const std::string&, const std::string&)>> user_deleted_;
  std::vector<UserRenamed> user_renamed_;
  std::mutex cache_mu_;
  std::unordered_map<std::string, policy::PolicyPtr> compiled_;  // kind + document -> compiled
  // What the authorizer and STS ask on every request, kept while the database is unchanged.
  struct EntityPolicies {
    std::vector<policy::PolicyPtr> identity;
    policy::PolicyPtr boundary;
    std::vector<std::pair<std::string, std::string>> tags;
  };
  store::GenerationCache<std::string, std::shared_ptr<const EntityPolicies>> entity_policies_;
  store::GenerationCache<std::string, std::shared_ptr<const AssumableRole>> roles_by_arn_;
  // RoleLastUsed stamps of AssumeRole, written before the next IAM operation (or at shutdown)
  // rather than once per AssumeRole. Key: account + '\n' + role name.
  struct RoleUse {
    double at = 0;
    std::string region;
  };
  std::mutex role_use_mu_;
  std::unordered_map<std::string, RoleUse> pending_role_use_;
  void flush_role_use();
};

}  // namespace orgroot::services::iam
