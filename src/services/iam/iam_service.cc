#include "services/iam/iam_service.h"

#include <fmt/format.h>

#include <charconv>

namespace orgroot::services::iam {

std::string url_encode_document(std::string_view doc) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(doc.size() * 3 / 2);
  for (unsigned char ch : doc) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

Page paginate(size_t total, const boost::json::object& params) {
  Page p;
  std::string marker = param_str(params, "Marker");
  size_t start = 0;
  if (!marker.empty()) {
    auto [ptr, ec] = std::from_chars(marker.data(), marker.data() + marker.size(), start);
    if (ec != std::errc() || ptr != marker.data() + marker.size()) start = 0;
  }
  int64_t max = param_int(params, "MaxItems").value_or(100);
  if (max < 1) max = 1;
  p.begin = std::min(start, total);
  p.end = std::min(total, p.begin + static_cast<size_t>(max));
  p.truncated = p.end < total;
  if (p.truncated) p.next_marker = std::to_string(p.end);
  return p;
}

void put_page(boost::json::object& out, const Page& p) {
  out["IsTruncated"] = p.truncated;
  if (p.truncated) out["Marker"] = p.next_marker;
}

IamService::IamService(ServiceDeps& deps, const AwsPolicyCatalog& aws_policies)
    : deps_(deps), aws_(aws_policies), store_(deps.db), entity_policies_(deps.db), roles_by_arn_(deps.db) {
  deps_.db.on_reset([this] {
    {
      std::lock_guard lk(cache_mu_);
      compiled_.clear();
    }
    std::lock_guard lk(role_use_mu_);
    pending_role_use_.clear();
  });
  // Every IAM operation first writes the RoleLastUsed stamps AssumeRole left, so that IAM reads
  // them, and deletes and renames act on them, in the order the calls came.
#define IAM_OP(name, fn)                                                 \
  on(name, [this](CallContext& c, const boost::json::object& p) {        \
    flush_role_use();                                                    \
    return fn(c, p);                                                     \
  })
#define IAM_KIND_OP(name, fn, kind) \
  on(name, [this, kind_ = kind](CallContext& c, const boost::json::object& p) { \
    flush_role_use();                                                          \
    return fn(c, p, kind_);                                                    \
  })
  IAM_OP("CreateUser", create_user);
  IAM_OP("GetUser", get_user);
  IAM_OP("ListUsers", list_users);
  IAM_OP("UpdateUser", update_user);
  IAM_OP("DeleteUser", delete_user);
  IAM_OP("TagUser", tag_user);
  IAM_OP("UntagUser", untag_user);
  IAM_OP("ListUserTags", list_user_tags);
  IAM_OP("CreateGroup", create_group);
  IAM_OP("GetGroup", get_group);
  IAM_OP("ListGroups", list_groups);
  IAM_OP("UpdateGroup", update_group);
  IAM_OP("DeleteGroup", delete_group);
  IAM_OP("AddUserToGroup", add_user_to_group);
  IAM_OP("RemoveUserFromGroup", remove_user_from_group);
  IAM_OP("ListGroupsForUser", list_groups_for_user);
  IAM_OP("CreateRole", create_role);
  IAM_OP("GetRole", get_role);
  IAM_OP("ListRoles", list_roles);
  IAM_OP("UpdateRole", update_role);
  IAM_OP("UpdateRoleDescription", update_role_description);
  IAM_OP("DeleteRole", delete_role);
  IAM_OP("UpdateAssumeRolePolicy", update_assume_role_policy);
  IAM_OP("TagRole", tag_role);
  IAM_OP("UntagRole", untag_role);
  IAM_OP("ListRoleTags", list_role_tags);
  IAM_OP("CreatePolicy", create_policy);
  IAM_OP("GetPolicy", get_policy);
  IAM_OP("ListPolicies", list_policies);
  IAM_OP("DeletePolicy", delete_policy);
  IAM_OP("CreatePolicyVersion", create_policy_version);
  IAM_OP("GetPolicyVersion", get_policy_version);
  IAM_OP("ListPolicyVersions", list_policy_versions);
  IAM_OP("DeletePolicyVersion", delete_policy_version);
  IAM_OP("SetDefaultPolicyVersion", set_default_policy_version);
  IAM_OP("ListEntitiesForPolicy", list_entities_for_policy);
  IAM_OP("TagPolicy", tag_policy);
  IAM_OP("UntagPolicy", untag_policy);
  IAM_OP("ListPolicyTags", list_policy_tags);
  for (auto [kind, noun] : {std::pair{kUser, "User"}, std::pair{kGroup, "Group"}, std::pair{kRole, "Role"}}) {
    const char* k = kind;
    IAM_KIND_OP(fmt::format("Attach{}Policy", noun), attach, k);
    IAM_KIND_OP(fmt::format("Detach{}Policy", noun), detach, k);
    IAM_KIND_OP(fmt::format("ListAttached{}Policies", noun), list_attached, k);
    IAM_KIND_OP(fmt::format("Put{}Policy", noun), put_inline, k);
    IAM_KIND_OP(fmt::format("Get{}Policy", noun), get_inline, k);
    IAM_KIND_OP(fmt::format("Delete{}Policy", noun), delete_inline, k);
    IAM_KIND_OP(fmt::format("List{}Policies", noun), list_inline, k);
  }
  IAM_KIND_OP("PutUserPermissionsBoundary", put_boundary, kUser);
  IAM_KIND_OP("DeleteUserPermissionsBoundary", delete_boundary, kUser);
  IAM_KIND_OP("PutRolePermissionsBoundary", put_boundary, kRole);
  IAM_KIND_OP("DeleteRolePermissionsBoundary", delete_boundary, kRole);
#undef IAM_OP
#undef IAM_KIND_OP
}

std::string IamService::arn_for(const std::string& account, const char* kind, const std::string& path,
                                const std::string& name) const {
  return fmt::format("arn:aws:iam::{}:{}{}{}", account, kind, path, name);
}

AuthzTarget IamService::authz_target(std::string_view operation, const boost::json::object& params,
                                     const CallContext& ctx) const {
  AuthzTarget t = Service::authz_target(operation, params, ctx);
  const std::string account = ctx.principal.account_id;
  auto* self = const_cast<IamService*>(this);
  auto entity_arn = [&](const char* kind, const std::string& name) {
    std::string path = "/";
    if (kind == kUser) {
      if (auto u = deps_.identity.get_user(account, name)) path = u->path;
    } else if (kind == kGroup) {
      if (auto g = self->store_.get_group(account, name)) path = g->path;
    } else if (auto r = self->store_.get_role(account, name)) {
      path = r->path;
    }
    if (kind == kUser || kind == kGroup || kind == kRole)
      if (auto p = param_str(params, "Path"); !p.empty() && operation.rfind("Create", 0) == 0) path = p;
    return arn_for(account, kind, path, name);
  };
  if (auto u = param_str(params, "UserName"); !u.empty()) {
    t.resource = entity_arn(kUser, u);
  } else if (auto g = param_str(params, "GroupName"); !g.empty()) {
    t.resource = entity_arn(kGroup, g);
  } else if (auto r = param_str(params, "RoleName"); !r.empty()) {
    t.resource = entity_arn(kRole, r);
  } else if (auto a = param_str(params, "PolicyArn"); !a.empty()) {
    t.resource = a;
  } else if (operation == "CreatePolicy") {
    t.resource = arn_for(account, kPolicy, param_str(params, "Path", "/"), param_str(params, "PolicyName"));
  } else if (operation == "GetUser") {
    // No UserName: the caller itself (the root user's own ARN for root principals).
    t.resource = ctx.principal.type == auth::PrincipalType::Root ? fmt::format("arn:aws:iam::{}:root", account)
                                                                 : ctx.principal.arn;
  }
  // The attach/put operations act on the entity; the policy ARN is a condition key.
  if (auto a = param_str(params, "PolicyArn"); !a.empty() && operation.find("Attach") != std::string_view::npos)
    t.context.emplace_back("iam:PolicyARN", a);
  if (auto b = param_str(params, "PermissionsBoundary"); !b.empty())
    t.context.emplace_back("iam:PermissionsBoundary", b);
  return t;
}

std::optional<AwsError> IamService::check_arn(const std::string& arn) {
  int colons = 0;
  for (char ch : arn) colons += ch == ':';
  if (arn.rfind("arn:", 0) != 0 || colons < 5) return AwsError::ValidationError("Invalid ARN:  Could not be parsed!");
  return std::nullopt;
}

std::optional<IamService::PolicyView> IamService::find_policy(const std::string& account, const std::string& arn) {
  if (const auto* a = aws_.find(arn)) {
    PolicyView v;
    v.arn = a->arn;
    v.name = a->name;
    v.id = a->policy_id;
    v.path = a->path;
    v.description = a->description;
    v.default_version = a->default_version;
    v.created = a->created_at;
    v.updated = a->updated_at;
    v.aws = true;
    v.attachable = a->attachable;
    v.account = "aws";
    return v;
  }
  auto p = store_.get_policy(arn);
  if (!p || p->account_id != account) return std::nullopt;
  PolicyView v;
  v.arn = p->arn;
  v.name = p->policy_name;
  v.id = p->policy_id;
  v.path = p->path;
  v.description = p->description;
  v.default_version = p->default_version;
  v.created = p->created_at;
  v.updated = p->updated_at;
  v.account = p->account_id;
  return v;
}

std::optional<std::string> IamService::policy_version_document(const std::string& arn, const std::string& version_id) {
  if (const auto* a = aws_.find(arn)) {
    if (version_id != a->default_version) return std::nullopt;
    return a->document;
  }
  auto v = store_.get_version(arn, version_id);
  if (!v) return std::nullopt;
  return v->document;
}

int64_t IamService::attachment_count(const std::string& account, const std::string& arn) {
  return static_cast<int64_t>(deps_.identity.users_with_policy(account, arn).size() +
                              store_.attached_to(account, kGroup, arn).size() +
                              store_.attached_to(account, kRole, arn).size());
}

boost::json::object IamService::policy_json(const std::string& account, const PolicyView& p, bool with_description) {
  boost::json::object o;
  o["PolicyName"] = p.name;
  o["PolicyId"] = p.id;
  o["Arn"] = p.arn;
  o["Path"] = p.path;
  o["DefaultVersionId"] = p.default_version;
  o["AttachmentCount"] = attachment_count(account, p.arn);
  o["PermissionsBoundaryUsageCount"] = store_.boundary_usage(account, p.arn);
  o["IsAttachable"] = p.attachable;
  if (with_description && !p.description.empty()) o["Description"] = p.description;
  o["CreateDate"] = p.created;
  o["UpdateDate"] = p.updated;
  return o;
}

boost::json::array IamService::tags_json(const std::string& account, const char* kind, const std::string& key) {
  boost::json::array a;
  for (const auto& t : store_.tags(account, kind, key)) a.push_back(boost::json::object{{"Key", t.key}, {"Value", t.value}});
  return a;
}

Result<std::vector<Tag>> IamService::read_tags(const boost::json::object& params, const std::string& account,
                                               const char* kind, const std::string& key, const char* quota_name) {
  std::vector<Tag> tags;
  if (auto v = param(params, "Tags"); v && v->is_array()) {
    for (const auto& e : v->get_array()) {
      if (!e.is_object()) continue;
      Tag t{param_str(e.get_object(), "Key"), param_str(e.get_object(), "Value")};
      for (const auto& prev : tags)
        if (strcasecmp(prev.key.c_str(), t.key.c_str()) == 0)
          return AwsError("InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
      tags.push_back(std::move(t));
    }
  }
  // Tags already there count toward the 50 unless a new tag replaces one.
  size_t total = tags.size();
  if (!key.empty())
    for (const auto& old : store_.tags(account, kind, key)) {
      bool replaced = false;
      for (const auto& t : tags) replaced |= strcasecmp(t.key.c_str(), old.key.c_str()) == 0;
      if (!replaced) ++total;
    }
  if (total > 50) return AwsError::LimitExceeded(fmt::format("Cannot exceed quota for {}: 50", quota_name));
  return tags;
}

boost::json::value IamService::boundary_json(const std::string& account, const char* kind, const std::string& name) {
  auto b = store_.boundary(account, kind, name);
  if (!b) return nullptr;
  return boost::json::object{{"PermissionsBoundaryType", "Policy"}, {"PermissionsBoundaryArn", *b}};
}

}  // namespace orgroot::services::iam
