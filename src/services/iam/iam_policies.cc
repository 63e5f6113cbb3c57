// Managed policies and their versions, attachments, inline policies and permissions boundaries.
#include <fmt/format.h>
#include <strings.h>

#include <cmath>

#include "policy/policy_document.h"
#include "services/iam/iam_quotas.h"
#include "services/iam/iam_service.h"

namespace orgroot::services::iam {

namespace {
Status check_managed_policy_size(const Quotas& quotas, const std::string& doc) {
  return policy::CheckPolicySize(
      policy::PolicySizeQuota::ManagedPolicy, policy::PolicySizeWithoutWhitespace(doc), "",
      policy_size_limit(quotas, kQuotaManagedPolicySize, policy::PolicySizeQuota::ManagedPolicy));
}
AwsError policy_not_found(const std::string& arn) {
  return AwsError::NoSuchEntity(fmt::format("Policy {} was not found.", arn));
}
AwsError not_attachable(const std::string& arn) {
  return AwsError::NoSuchEntity(fmt::format("Policy {} does not exist or is not attachable.", arn));
}
AwsError no_version(const std::string& arn, const std::string& v) {
  return AwsError::NoSuchEntity(fmt::format("Policy {} version {} does not exist or is not attachable.", arn, v));
}
AwsError conflict(std::string msg) { return AwsError("DeleteConflict", std::move(msg), 409); }
const char* name_param(const char* kind) {
  return kind == kUser ? "UserName" : kind == kGroup ? "GroupName" : "RoleName";
}
const char* noun(const char* kind) { return kind == kUser ? "user" : kind == kGroup ? "group" : "role"; }
boost::json::object empty() { return {}; }
}  // namespace

Result<std::string> IamService::need_entity(const std::string& account, const char* kind, const boost::json::object& p) {
  std::string name = param_str(p, name_param(kind));
  if (kind == kUser) {
    if (auto u = deps_.identity.get_user(account, name)) return u->user_name;
  } else if (kind == kGroup) {
    if (auto g = store_.get_group(account, name)) return g->group_name;
  } else if (auto r = store_.get_role(account, name)) {
    return r->role_name;
  }
  return AwsError::NoSuchEntity(fmt::format("The {} with name {} cannot be found.", noun(kind), name));
}

std::vector<std::string> IamService::attached_arns(const std::string& account, const char* kind, const std::string& name) {
  if (kind == kUser) return deps_.identity.user_policy_arns(account, name);
  return store_.attached(account, kind, name);
}

// ---- managed policies ----

OperationResult IamService::create_policy(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  PolicyRecord r;
  r.account_id = account;
  r.policy_name = param_str(p, "PolicyName");
  r.path = param_str(p, "Path", "/");
  r.description = param_str(p, "Description");
  r.arn = arn_for(account, kPolicy, r.path, r.policy_name);
  std::string doc = param_str(p, "PolicyDocument");
  auto compiled = policy::CompilePolicy(doc, {.kind = policy::PolicyKind::Identity, .managed = true});
  if (!compiled) return std::move(compiled).error();
  if (auto s = check_managed_policy_size(deps_.quotas, doc); !s) return std::move(s).error();
  for (const auto& existing : store_.list_policies(account))
    if (strcasecmp(existing.policy_name.c_str(), r.policy_name.c_str()) == 0)
      return AwsError::EntityAlreadyExists(
          fmt::format("A policy called {} already exists. Duplicate names are not allowed.", r.policy_name));
  int64_t quota = deps_.quotas.get(kQuotaPolicies, 1500);
  if (static_cast<int64_t>(store_.list_policies(account).size()) >= quota)
    return AwsError::LimitExceeded(fmt::format("Cannot exceed quota for PoliciesPerAccount: {}", quota));
  auto tags = read_tags(p, account, kPolicy, "", "TagsPerPolicy");
  if (!tags) return std::move(tags).error();
  r.policy_id = ids::unique_id(deps_.random, "ANPA");
  r.created_at = r.updated_at = std::floor(deps_.clock.now_seconds());
  r.default_version = "v1";
  r.next_version = 2;
  if (!store_.insert_policy(r, doc))
    return AwsError::EntityAlreadyExists(
        fmt::format("A policy called {} already exists. Duplicate names are not allowed.", r.policy_name));
  if (!tags->empty()) store_.put_tags(account, kPolicy, r.arn, *tags);
  auto v = find_policy(account, r.arn);
  boost::json::object o = policy_json(account, *v, true);
  if (!tags->empty()) o["Tags"] = tags_json(account, kPolicy, r.arn);
  return boost::json::value(boost::json::object{{"Policy", std::move(o)}});
}

OperationResult IamService::get_policy(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string arn = param_str(p, "PolicyArn");
  if (auto e = check_arn(arn)) return *e;
  auto v = find_policy(account, arn);
  if (!v) return policy_not_found(arn);
  boost::json::object o = policy_json(account, *v, true);
  o["Tags"] = v->aws ? boost::json::array{} : tags_json(account, kPolicy, arn);
  return boost::json::value(boost::json::object{{"Policy", std::move(o)}});
}

OperationResult IamService::list_policies(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string scope = param_str(p, "Scope", "All");
  std::string prefix = param_str(p, "PathPrefix", "/");
  bool only_attached = false;
  if (auto v = param(p, "OnlyAttached"); v && v->is_bool()) only_attached = v->get_bool();
  std::string usage = param_str(p, "PolicyUsageFilter");
  std::vector<PolicyView> views;
  if (scope != "Local")
    for (const auto& a : aws_.all())
      if (auto v = find_policy(account, a.arn)) views.push_back(*v);
  if (scope != "AWS")
    for (const auto& r : store_.list_policies(account))
      if (auto v = find_policy(account, r.arn)) views.push_back(*v);
  std::vector<boost::json::object> items;
  for (const auto& v : views) {
    if (v.path.rfind(prefix, 0) != 0) continue;
    boost::json::object o = policy_json(account, v, false);
    int64_t attached = o["AttachmentCount"].as_int64();
    int64_t boundary = o["PermissionsBoundaryUsageCount"].as_int64();
    if (only_attached) {
      bool keep = usage == "PermissionsPolicy"     ? attached > 0
                  : usage == "PermissionsBoundary" ? boundary > 0
                                                   : attached > 0 || boundary > 0;
      if (!keep) continue;
    }
    items.push_back(std::move(o));
  }
  Page pg = paginate(items.size(), p);
  boost::json::array arr;
  for (size_t i = pg.begin; i < pg.end; ++i) arr.push_back(std::move(items[i]));
  boost::json::object out{{"Policies", std::move(arr)}};
  put_page(out, pg);
  return boost::json::value(std::move(out));
}

OperationResult IamService::delete_policy(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string arn = param_str(p, "PolicyArn");
  if (auto e = check_arn(arn)) return *e;
  auto v = find_policy(account, arn);
  if (!v || v->aws) return policy_not_found(arn);
  if (attachment_count(account, arn) > 0 || store_.boundary_usage(account, arn) > 0)
    return conflict("Cannot delete a policy attached to entities.");
  if (store_.list_versions(arn).size() > 1)
    return conflict(
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. "
        "The default version is deleted with the policy.");
  store_.delete_policy(arn);
  return boost::json::value(empty());
}

OperationResult IamService::create_policy_version(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string arn = param_str(p, "PolicyArn");
  if (auto e = check_arn(arn)) return *e;
  auto rec = store_.get_policy(arn);
  if (!rec || rec->account_id != account) return policy_not_found(arn);
  std::string doc = param_str(p, "PolicyDocument");
  auto compiled = policy::CompilePolicy(doc, {.kind = policy::PolicyKind::Identity, .managed = true});
  if (!compiled) return std::move(compiled).error();
  if (auto s = check_managed_policy_size(deps_.quotas, doc); !s) return std::move(s).error();
  int64_t quota = deps_.quotas.get(kQuotaVersionsPerPolicy, 5);
  if (static_cast<int64_t>(store_.list_versions(arn).size()) >= quota)
    return AwsError::LimitExceeded(fmt::format(
        "A managed policy can have up to {} versions. Before you create a new version, you must delete an existing "
        "version.",
        quota));
  bool set_default = false;
  if (auto v = param(p, "SetAsDefault"); v && v->is_bool()) set_default = v->get_bool();
  PolicyVersionRecord v{arn, fmt::format("v{}", rec->next_version), doc, std::floor(deps_.clock.now_seconds())};
  store_.insert_version(v);
  rec->next_version += 1;
  rec->updated_at = v.created_at;
  if (set_default) rec->default_version = v.version_id;
  store_.update_policy(*rec);
  boost::json::object pv{{"VersionId", v.version_id}, {"IsDefaultVersion", set_default}, {"CreateDate", v.created_at}};
  return boost::json::value(boost::json::object{{"PolicyVersion", std::move(pv)}});
}

OperationResult IamService::get_policy_version(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string arn = param_str(p, "PolicyArn");
  std::string vid = param_str(p, "VersionId");
  if (auto e = check_arn(arn)) return *e;
  auto v = find_policy(account, arn);
  if (!v) return no_version(arn, vid);
  auto doc = policy_version_document(arn, vid);
  if (!doc) return no_version(arn, vid);
  double created = v->created;
  if (!v->aws)
    if (auto rec = store_.get_version(arn, vid)) created = rec->created_at;
  if (v->aws) created = v->updated;
  boost::json::object pv{{"Document", url_encode_document(*doc)},
                         {"VersionId", vid},
                         {"IsDefaultVersion", vid == v->default_version},
                         {"CreateDate", created}};
  return boost::json::value(boost::json::object{{"PolicyVersion", std::move(pv)}});
}

OperationResult IamService::list_policy_versions(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string arn = param_str(p, "PolicyArn");
  if (auto e = check_arn(arn)) return *e;
  auto v = find_policy(account, arn);
  if (!v) return policy_not_found(arn);
  boost::json::array all;
  if (v->aws) {
    all.push_back(boost::json::object{{"VersionId", v->default_version}, {"IsDefaultVersion", true},
                                      {"CreateDate", v->updated}});
  } else {
    for (const auto& r : store_.list_versions(arn))
      all.push_back(boost::json::object{{"VersionId", r.version_id},
                                        {"IsDefaultVersion", r.version_id == v->default_version},
                                        {"CreateDate", r.created_at}});
  }
  Page pg = paginate(all.size(), p);
  boost::json::object out{{"Versions", boost::json::array(all.begin() + pg.begin, all.begin() + pg.end)}};
  put_page(out, pg);
  return boost::json::value(std::move(out));
}

OperationResult IamService::delete_policy_version(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string arn = param_str(p, "PolicyArn");
  std::string vid = param_str(p, "VersionId");
  if (auto e = check_arn(arn)) return *e;
  auto rec = store_.get_policy(arn);
  if (!rec || rec->account_id != account) return policy_not_found(arn);
  if (!store_.get_version(arn, vid)) return no_version(arn, vid);
  if (vid == rec->default_version) return conflict("Cannot delete the default version of a policy.");
  store_.delete_version(arn, vid);
  return boost::json::value(empty());
}

OperationResult IamService::set_default_policy_version(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string arn = param_str(p, "PolicyArn");
  std::string vid = param_str(p, "VersionId");
  if (auto e = check_arn(arn)) return *e;
  auto rec = store_.get_policy(arn);
  if (!rec || rec->account_id != account) return policy_not_found(arn);
  if (!store_.get_version(arn, vid)) return no_version(arn, vid);
  rec->default_version = vid;
  rec->updated_at = std::floor(deps_.clock.now_seconds());
  store_.update_policy(*rec);
  return boost::json::value(empty());
}

OperationResult IamService::list_entities_for_policy(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string arn = param_str(p, "PolicyArn");
  if (auto e = check_arn(arn)) return *e;
  if (!find_policy(account, arn)) return policy_not_found(arn);
  std::string filter = param_str(p, "EntityFilter");
  std::string prefix = param_str(p, "PathPrefix", "/");
  std::string usage = param_str(p, "PolicyUsageFilter");
  bool permissions = usage.empty() || usage == "PermissionsPolicy";
  bool boundaries = usage.empty() || usage == "PermissionsBoundary";
  struct Item {
    const char* list;
    boost::json::object o;
  };
  std::vector<Item> items;
  auto add_users = [&](const std::vector<std::string>& names) {
    for (const auto& n : names)
      if (auto u = deps_.identity.get_user(account, n); u && u->path.rfind(prefix, 0) == 0)
        items.push_back({"PolicyUsers", {{"UserName", u->user_name}, {"UserId", u->user_id}}});
  };
  auto add_roles = [&](const std::vector<std::string>& names) {
    for (const auto& n : names)
      if (auto r = store_.get_role(account, n); r && r->path.rfind(prefix, 0) == 0)
        items.push_back({"PolicyRoles", {{"RoleName", r->role_name}, {"RoleId", r->role_id}}});
  };
  if (filter.empty() || filter == "Group") {
    if (permissions)
      for (const auto& n : store_.attached_to(account, kGroup, arn))
        if (auto g = store_.get_group(account, n); g && g->path.rfind(prefix, 0) == 0)
          items.push_back({"PolicyGroups", {{"GroupName", g->group_name}, {"GroupId", g->group_id}}});
  }
  auto boundary_users = [&](const char* kind) {
    std::vector<std::string> out;
    for (auto& u : kind == kUser ? [&] {
           std::vector<std::string> n;
           for (auto& r : deps_.identity.list_users(account)) n.push_back(r.user_name);
           return n;
         }()
                                 : [&] {
                                     std::vector<std::string> n;
                                     for (auto& r : store_.list_roles(account)) n.push_back(r.role_name);
                                     return n;
                                   }())
      if (auto b = store_.boundary(account, kind, u); b && *b == arn) out.push_back(u);
    return out;
  };
  if (filter.empty() || filter == "User") {
    if (permissions) add_users(deps_.identity.users_with_policy(account, arn));
    if (boundaries) add_users(boundary_users(kUser));
  }
  if (filter.empty() || filter == "Role") {
    if (permissions) add_roles(store_.attached_to(account, kRole, arn));
    if (boundaries) add_roles(boundary_users(kRole));
  }
  Page pg = paginate(items.size(), p);
  boost::json::object out{{"PolicyGroups", boost::json::array{}},
                          {"PolicyUsers", boost::json::array{}},
                          {"PolicyRoles", boost::json::array{}}};
  for (size_t i = pg.begin; i < pg.end; ++i) out[items[i].list].as_array().push_back(std::move(items[i].o));
  put_page(out, pg);
  return boost::json::value(std::move(out));
}

OperationResult IamService::tag_policy(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string arn = param_str(p, "PolicyArn");
  if (auto e = check_arn(arn)) return *e;
  auto v = find_policy(account, arn);
  if (!v || v->aws) return policy_not_found(arn);
  auto tags = read_tags(p, account, kPolicy, arn, "TagsPerPolicy");
  if (!tags) return std::move(tags).error();
  store_.put_tags(account, kPolicy, arn, *tags);
  return boost::json::value(empty());
}

OperationResult IamService::untag_policy(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string arn = param_str(p, "PolicyArn");
  if (auto e = check_arn(arn)) return *e;
  auto v = find_policy(account, arn);
  if (!v || v->aws) return policy_not_found(arn);
  std::vector<std::string> keys;
  if (auto k = param(p, "TagKeys"); k && k->is_array())
    for (const auto& e : k->get_array())
      if (e.is_string()) keys.emplace_back(e.get_string());
  store_.remove_tags(account, kPolicy, arn, keys);
  return boost::json::value(empty());
}

OperationResult IamService::list_policy_tags(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string arn = param_str(p, "PolicyArn");
  if (auto e = check_arn(arn)) return *e;
  auto v = find_policy(account, arn);
  if (!v) return policy_not_found(arn);
  auto all = v->aws ? boost::json::array{} : tags_json(account, kPolicy, arn);
  Page pg = paginate(all.size(), p);
  boost::json::object out{{"Tags", boost::json::array(all.begin() + pg.begin, all.begin() + pg.end)}};
  put_page(out, pg);
  return boost::json::value(std::move(out));
}

// ---- attachments ----

OperationResult IamService::attach(CallContext& c, const boost::json::object& p, const char* kind) {
  const std::string account = account_of(c);
  auto name = need_entity(account, kind, p);
  if (!name) return std::move(name).error();
  std::string arn = param_str(p, "PolicyArn");
  if (auto e = check_arn(arn)) return *e;
  auto v = find_policy(account, arn);
  if (!v || !v->attachable) return not_attachable(arn);
  auto current = attached_arns(account, kind, *name);
  if (std::find(current.begin(), current.end(), arn) != current.end()) return boost::json::value(empty());
  // AWS names the quota PoliciesPerUser / PoliciesPerGroup / PoliciesPerRole in its message.
  const char* aws_name = kind == kUser ? "PoliciesPerUser" : kind == kGroup ? "PoliciesPerGroup" : "PoliciesPerRole";
  const char* quota_name = kind == kUser    ? kQuotaPoliciesPerUser
                           : kind == kGroup ? kQuotaPoliciesPerGroup
                                            : kQuotaPoliciesPerRole;
  int64_t quota = deps_.quotas.get(quota_name, kind == kRole ? 20 : 10);
  if (static_cast<int64_t>(current.size()) >= quota)
    return AwsError::LimitExceeded(fmt::format("Cannot exceed quota for {}: {}", aws_name, quota));
  if (kind == kUser) deps_.identity.attach_user_policy(account, *name, arn);
  else store_.attach(account, kind, *name, arn);
  return boost::json::value(empty());
}

OperationResult IamService::detach(CallContext& c, const boost::json::object& p, const char* kind) {
  const std::string account = account_of(c);
  auto name = need_entity(account, kind, p);
  if (!name) return std::move(name).error();
  std::string arn = param_str(p, "PolicyArn");
  if (auto e = check_arn(arn)) return *e;
  bool removed = kind == kUser ? deps_.identity.detach_user_policy(account, *name, arn)
                               : store_.detach(account, kind, *name, arn);
  if (!removed) return policy_not_found(arn);
  return boost::json::value(empty());
}

OperationResult IamService::list_attached(CallContext& c, const boost::json::object& p, const char* kind) {
  const std::string account = account_of(c);
  auto name = need_entity(account, kind, p);
  if (!name) return std::move(name).error();
  std::string prefix = param_str(p, "PathPrefix", "/");
  std::vector<boost::json::object> items;
  for (const auto& arn : attached_arns(account, kind, *name))
    if (auto v = find_policy(account, arn); v && v->path.rfind(prefix, 0) == 0)
      items.push_back({{"PolicyName", v->name}, {"PolicyArn", v->arn}});
  Page pg = paginate(items.size(), p);
  boost::json::array arr;
  for (size_t i = pg.begin; i < pg.end; ++i) arr.push_back(std::move(items[i]));
  boost::json::object out{{"AttachedPolicies", std::move(arr)}};
  put_page(out, pg);
  return boost::json::value(std::move(out));
}

// ---- inline policies ----

OperationResult IamService::put_inline(CallContext& c, const boost::json::object& p, const char* kind) {
  const std::string account = account_of(c);
  auto name = need_entity(account, kind, p);
  if (!name) return std::move(name).error();
  std::string policy_name = param_str(p, "PolicyName");
  std::string doc = param_str(p, "PolicyDocument");
  auto compiled = policy::CompilePolicy(doc, {.kind = policy::PolicyKind::Identity});
  if (!compiled) return std::move(compiled).error();
  size_t total = policy::PolicySizeWithoutWhitespace(doc);
  for (const auto& [n, d] : store_.list_inline(account, kind, *name))
    if (n != policy_name) total += policy::PolicySizeWithoutWhitespace(d);
  auto quota = kind == kUser ? policy::PolicySizeQuota::UserInline
               : kind == kGroup ? policy::PolicySizeQuota::GroupInline
                                : policy::PolicySizeQuota::RoleInline;
  const char* quota_name = kind == kUser    ? kQuotaUserPolicySize
                           : kind == kGroup ? kQuotaGroupPolicySize
                                            : kQuotaRolePolicySize;
  if (auto s = policy::CheckPolicySize(quota, total, *name, policy_size_limit(deps_.quotas, quota_name, quota)); !s)
    return std::move(s).error();
  store_.put_inline(account, kind, *name, policy_name, doc);
  return boost::json::value(empty());
}

OperationResult IamService::get_inline(CallContext& c, const boost::json::object& p, const char* kind) {
  const std::string account = account_of(c);
  auto name = need_entity(account, kind, p);
  if (!name) return std::move(name).error();
  std::string policy_name = param_str(p, "PolicyName");
  auto doc = store_.get_inline(account, kind, *name, policy_name);
  if (!doc)
    return AwsError::NoSuchEntity(fmt::format("The {} policy with name {} cannot be found.", noun(kind), policy_name));
  boost::json::object out;
  out[name_param(kind)] = *name;
  out["PolicyName"] = policy_name;
  out["PolicyDocument"] = url_encode_document(*doc);
  return boost::json::value(std::move(out));
}

OperationResult IamService::delete_inline(CallContext& c, const boost::json::object& p, const char* kind) {
  const std::string account = account_of(c);
  auto name = need_entity(account, kind, p);
  if (!name) return std::move(name).error();
  std::string policy_name = param_str(p, "PolicyName");
  if (!store_.delete_inline(account, kind, *name, policy_name))
    return AwsError::NoSuchEntity(fmt::format("The {} policy with name {} cannot be found.", noun(kind), policy_name));
  return boost::json::value(empty());
}

OperationResult IamService::list_inline(CallContext& c, const boost::json::object& p, const char* kind) {
  const std::string account = account_of(c);
  auto name = need_entity(account, kind, p);
  if (!name) return std::move(name).error();
  auto all = store_.list_inline(account, kind, *name);
  Page pg = paginate(all.size(), p);
  boost::json::array names;
  for (size_t i = pg.begin; i < pg.end; ++i) names.push_back(boost::json::string(all[i].first));
  boost::json::object out{{"PolicyNames", std::move(names)}};
  put_page(out, pg);
  return boost::json::value(std::move(out));
}

// ---- permissions boundaries ----

OperationResult IamService::put_boundary(CallContext& c, const boost::json::object& p, const char* kind) {
  const std::string account = account_of(c);
  auto name = need_entity(account, kind, p);
  if (!name) return std::move(name).error();
  std::string arn = param_str(p, "PermissionsBoundary");
  if (auto e = check_arn(arn)) return *e;
  auto v = find_policy(account, arn);
  if (!v || !v->attachable)
    return AwsError::NoSuchEntity(fmt::format("Scope ARN: {} does not exist or is not attachable.", arn));
  store_.set_boundary(account, kind, *name, arn);
  return boost::json::value(empty());
}

OperationResult IamService::delete_boundary(CallContext& c, const boost::json::object& p, const char* kind) {
  const std::string account = account_of(c);
  auto name = need_entity(account, kind, p);
  if (!name) return std::move(name).error();
  store_.clear_boundary(account, kind, *name);
  return boost::json::value(empty());
}

}  // namespace orgroot::services::iam
