// IAM roles.
#include <fmt/format.h>
#include <strings.h>

#include <cmath>

#include "policy/policy_document.h"
#include "services/iam/iam_quotas.h"
#include "services/iam/iam_service.h"

namespace orgroot::services::iam {

namespace {
AwsError no_role(const std::string& name) {
  return AwsError::NoSuchEntity(fmt::format("The role with name {} cannot be found.", name));
}
}  // namespace

Result<RoleRecord> IamService::need_role(const std::string& account, const std::string& name) {
  auto r = store_.get_role(account, name);
  if (!r) return no_role(name);
  return *r;
}

// The list form (ListRoles); `full` adds what GetRole returns besides.
boost::json::object IamService::role_json(const RoleRecord& r, bool full) {
  boost::json::object o;
  o["Path"] = r.path;
  o["RoleName"] = r.role_name;
  o["RoleId"] = r.role_id;
  o["Arn"] = r.arn;
  o["CreateDate"] = r.created_at;
  o["AssumeRolePolicyDocument"] = url_encode_document(r.trust_policy);
  if (!r.description.empty()) o["Description"] = r.description;
  o["MaxSessionDuration"] = r.max_session_duration;
  if (full) {
    auto b = boundary_json(r.account_id, kRole, r.role_name);
    if (!b.is_null()) o["PermissionsBoundary"] = b;
    auto tags = tags_json(r.account_id, kRole, r.role_name);
    if (!tags.empty()) o["Tags"] = std::move(tags);
    boost::json::object used;
    if (r.last_used > 0) {
      used["LastUsedDate"] = r.last_used;
      used["Region"] = r.last_used_region;
    }
    o["RoleLastUsed"] = std::move(used);
  }
  return o;
}

Status IamService::check_trust_policy(const std::string& doc) {
  auto compiled = policy::CompilePolicy(doc, {.kind = policy::PolicyKind::Trust});
  if (!compiled) return std::move(compiled).error();
  const size_t limit = policy_size_limit(deps_.quotas, kQuotaTrustPolicySize, policy::PolicySizeQuota::RoleTrust);
  auto size = policy::CheckPolicySize(policy::PolicySizeQuota::RoleTrust, policy::PolicySizeWithoutWhitespace(doc), "",
                                      limit);
  if (!size) return std::move(size).error();
  return OkStatus();
}

OperationResult IamService::create_role(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  RoleRecord r;
  r.account_id = account;
  r.role_name = param_str(p, "RoleName");
  r.path = param_str(p, "Path", "/");
  r.trust_policy = param_str(p, "AssumeRolePolicyDocument");
  r.description = param_str(p, "Description");
  r.max_session_duration = param_int(p, "MaxSessionDuration").value_or(3600);
  if (store_.get_role(account, r.role_name))
    return AwsError::EntityAlreadyExists(fmt::format("Role with name {} already exists.", r.role_name));
  if (auto s = check_trust_policy(r.trust_policy); !s) return std::move(s).error();
  std::string boundary = param_str(p, "PermissionsBoundary");
  if (!boundary.empty()) {
    if (auto e = check_arn(boundary)) return *e;
    if (!find_policy(account, boundary))
      return AwsError::NoSuchEntity(fmt::format("Scope ARN: {} does not exist or is not attachable.", boundary));
  }
  auto tags = read_tags(p, account, kRole, "", "TagsPerRole");
  if (!tags) return std::move(tags).error();
  int64_t quota = deps_.quotas.get(kQuotaRoles, 1000);
  if (static_cast<int64_t>(store_.list_roles(account).size()) >= quota)
    return AwsError::LimitExceeded(fmt::format("Cannot exceed quota for RolesPerAccount: {}", quota));
  r.role_id = ids::unique_id(deps_.random, "AROA");
  r.arn = arn_for(account, kRole, r.path, r.role_name);
  r.created_at = std::floor(deps_.clock.now_seconds());
  if (!store_.insert_role(r))
    return AwsError::EntityAlreadyExists(fmt::format("Role with name {} already exists.", r.role_name));
  if (!boundary.empty()) store_.set_boundary(account, kRole, r.role_name, boundary);
  if (!tags->empty()) store_.put_tags(account, kRole, r.role_name, *tags);
  boost::json::object o = role_json(r, false);
  o.erase("MaxSessionDuration");  // CreateRole leaves it out, as AWS does
  if (!boundary.empty()) o["PermissionsBoundary"] = boundary_json(account, kRole, r.role_name);
  if (!tags->empty()) o["Tags"] = tags_json(account, kRole, r.role_name);
  return boost::json::value(boost::json::object{{"Role", std::move(o)}});
}

OperationResult IamService::get_role(CallContext& c, const boost::json::object& p) {
  auto r = need_role(account_of(c), param_str(p, "RoleName"));
  if (!r) return std::move(r).error();
  return boost::json::value(boost::json::object{{"Role", role_json(*r, true)}});
}

OperationResult IamService::list_roles(CallContext& c, const boost::json::object& p) {
  std::string prefix = param_str(p, "PathPrefix", "/");
  std::vector<RoleRecord> roles;
  for (auto& r : store_.list_roles(account_of(c)))
    if (r.path.rfind(prefix, 0) == 0) roles.push_back(std::move(r));
  Page pg = paginate(roles.size(), p);
  boost::json::array arr;
  for (size_t i = pg.begin; i < pg.end; ++i) arr.push_back(role_json(roles[i], false));
  boost::json::object out{{"Roles", std::move(arr)}};
  put_page(out, pg);
  return boost::json::value(std::move(out));
}

OperationResult IamService::update_role(CallContext& c, const boost::json::object& p) {
  auto r = need_role(account_of(c), param_str(p, "RoleName"));
  if (!r) return std::move(r).error();
  if (param(p, "Description")) r->description = param_str(p, "Description");
  if (auto d = param_int(p, "MaxSessionDuration")) r->max_session_duration = *d;
  store_.update_role(*r);
  return boost::json::value(boost::json::object{});
}

OperationResult IamService::update_role_description(CallContext& c, const boost::json::object& p) {
  auto r = need_role(account_of(c), param_str(p, "RoleName"));
  if (!r) return std::move(r).error();
  r->description = param_str(p, "Description");
  store_.update_role(*r);
  return boost::json::value(boost::json::object{{"Role", role_json(*r, true)}});
}

OperationResult IamService::delete_role(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  auto r = need_role(account, param_str(p, "RoleName"));
  if (!r) return std::move(r).error();
  if (!store_.list_inline(account, kRole, r->role_name).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
  if (!store_.attached(account, kRole, r->role_name).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409);
  store_.forget_entity(account, kRole, r->role_name);
  store_.delete_role(account, r->role_name);
  return boost::json::value(boost::json::object{});
}

OperationResult IamService::update_assume_role_policy(CallContext& c, const boost::json::object& p) {
  auto r = need_role(account_of(c), param_str(p, "RoleName"));
  if (!r) return std::move(r).error();
  std::string doc = param_str(p, "PolicyDocument");
  if (auto s = check_trust_policy(doc); !s) return std::move(s).error();
  r->trust_policy = doc;
  store_.update_role(*r);
  return boost::json::value(boost::json::object{});
}

OperationResult IamService::tag_role(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  auto r = need_role(account, param_str(p, "RoleName"));
  if (!r) return std::move(r).error();
  auto tags = read_tags(p, account, kRole, r->role_name, "TagsPerRole");
  if (!tags) return std::move(tags).error();
  store_.put_tags(account, kRole, r->role_name, *tags);
  return boost::json::value(boost::json::object{});
}

OperationResult IamService::untag_role(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  auto r = need_role(account, param_str(p, "RoleName"));
  if (!r) return std::move(r).error();
  std::vector<std::string> keys;
  if (auto v = param(p, "TagKeys"); v && v->is_array())
    for (const auto& k : v->get_array())
      if (k.is_string()) keys.emplace_back(k.get_string());
  store_.remove_tags(account, kRole, r->role_name, keys);
  return boost::json::value(boost::json::object{});
}

OperationResult IamService::list_role_tags(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  auto r = need_role(account, param_str(p, "RoleName"));
  if (!r) return std::move(r).error();
  auto all = tags_json(account, kRole, r->role_name);
  Page pg = paginate(all.size(), p);
  boost::json::object out{{"Tags", boost::json::array(all.begin() + pg.begin, all.begin() + pg.end)}};
  put_page(out, pg);
  return boost::json::value(std::move(out));
}

}  // namespace orgroot::services::iam
