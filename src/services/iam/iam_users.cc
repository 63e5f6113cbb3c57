// IAM users and groups.
#include <fmt/format.h>
#include <strings.h>

#include <cmath>

#include "services/iam/iam_quotas.h"
#include "services/iam/iam_service.h"

namespace orgroot::services::iam {

namespace {
bool has_prefix(const std::string& path, const std::string& prefix) { return path.rfind(prefix, 0) == 0; }
AwsError no_user(const std::string& name) {
  return AwsError::NoSuchEntity(fmt::format("The user with name {} cannot be found.", name));
}
AwsError no_group(const std::string& name) {
  return AwsError::NoSuchEntity(fmt::format("The group with name {} cannot be found.", name));
}
std::vector<std::string> tag_keys(const boost::json::object& p) {
  std::vector<std::string> keys;
  if (auto v = param(p, "TagKeys"); v && v->is_array())
    for (const auto& k : v->get_array())
      if (k.is_string()) keys.emplace_back(k.get_string());
  return keys;
}
}  // namespace

boost::json::object IamService::user_json(const store::UserRecord& u, bool full) {
  boost::json::object o;
  o["Path"] = u.path;
  o["UserName"] = u.user_name;
  o["UserId"] = u.user_id;
  o["Arn"] = u.arn;
  o["CreateDate"] = u.created_at;
  if (full) {
    auto b = boundary_json(u.account_id, kUser, u.user_name);
    if (!b.is_null()) o["PermissionsBoundary"] = b;
    auto tags = tags_json(u.account_id, kUser, u.user_name);
    if (!tags.empty()) o["Tags"] = std::move(tags);
  }
  return o;
}

Result<store::UserRecord> IamService::need_user(const std::string& account, const std::string& name) {
  auto u = deps_.identity.get_user(account, name);
  if (!u) return no_user(name);
  return *u;
}

Result<GroupRecord> IamService::need_group(const std::string& account, const std::string& name) {
  auto g = store_.get_group(account, name);
  if (!g) return no_group(name);
  return *g;
}

boost::json::object IamService::group_json(const GroupRecord& g) {
  return {{"Path", g.path}, {"GroupName", g.group_name}, {"GroupId", g.group_id}, {"Arn", g.arn},
          {"CreateDate", g.created_at}};
}

OperationResult IamService::create_user(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string name = param_str(p, "UserName");
  std::string path = param_str(p, "Path", "/");
  if (deps_.identity.get_user(account, name))
    return AwsError::EntityAlreadyExists(fmt::format("User with name {} already exists.", name));
  int64_t quota = deps_.quotas.get(kQuotaUsers, 5000);
  if (static_cast<int64_t>(deps_.identity.list_users(account).size()) >= quota)
    return AwsError::LimitExceeded(fmt::format("Cannot exceed quota for UsersPerAccount: {}", quota));
  std::string boundary = param_str(p, "PermissionsBoundary");
  if (!boundary.empty()) {
    if (auto e = check_arn(boundary)) return *e;
    if (!find_policy(account, boundary))
      return AwsError::NoSuchEntity(fmt::format("Scope ARN: {} does not exist or is not attachable.", boundary));
  }
  auto tags = read_tags(p, account, kUser, "", "TagsPerUser");
  if (!tags) return std::move(tags).error();
  store::UserRecord u;
  u.account_id = account;
  u.user_name = name;
  u.user_id = ids::unique_id(deps_.random, "AIDA");
  u.path = path;
  u.arn = arn_for(account, kUser, path, name);
  u.created_at = std::floor(deps_.clock.now_seconds());
  deps_.identity.put_user(u);
  if (!boundary.empty()) store_.set_boundary(account, kUser, name, boundary);
  if (!tags->empty()) store_.put_tags(account, kUser, name, *tags);
  return boost::json::value(boost::json::object{{"User", user_json(u, true)}});
}

OperationResult IamService::get_user(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string name = param_str(p, "UserName");
  if (name.empty()) {
    const auto& who = c.principal;
    if (who.type == auth::PrincipalType::Root) {
      // The root user: no UserName, no Path (spec §2.3).
      boost::json::object u{{"UserId", account}, {"Arn", fmt::format("arn:aws:iam::{}:root", account)}};
      if (auto a = deps_.identity.get_account(account)) u["CreateDate"] = std::floor(a->created_at);
      return boost::json::value(boost::json::object{{"User", std::move(u)}});
    }
    if (who.type != auth::PrincipalType::IamUser)
      return AwsError::ValidationError("Must specify userName when calling with non-User credentials");
    name = who.user_name;
  }
  auto u = need_user(account, name);
  if (!u) return std::move(u).error();
  return boost::json::value(boost::json::object{{"User", user_json(*u, true)}});
}

OperationResult IamService::list_users(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string prefix = param_str(p, "PathPrefix", "/");
  std::vector<store::UserRecord> users;
  for (auto& u : deps_.identity.list_users(account))
    if (has_prefix(u.path, prefix)) users.push_back(std::move(u));
  Page pg = paginate(users.size(), p);
  boost::json::array arr;
  for (size_t i = pg.begin; i < pg.end; ++i) arr.push_back(user_json(users[i], false));
  boost::json::object out{{"Users", std::move(arr)}};
  put_page(out, pg);
  return boost::json::value(std::move(out));
}

OperationResult IamService::update_user(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  auto u = need_user(account, param_str(p, "UserName"));
  if (!u) return std::move(u).error();
  store::UserRecord renamed = *u;
  renamed.user_name = param_str(p, "NewUserName", u->user_name);
  renamed.path = param_str(p, "NewPath", u->path);
  renamed.arn = arn_for(account, kUser, renamed.path, renamed.user_name);
  // Renaming onto another user's name (IAM names are case-insensitive) changes nothing.
  if (strcasecmp(renamed.user_name.c_str(), u->user_name.c_str()) != 0 &&
      deps_.identity.get_user(account, renamed.user_name))
    return AwsError::EntityAlreadyExists(fmt::format("User with name {} already exists.", renamed.user_name));
  // The user row, its access keys and managed-policy attachments (identity store, whose caches the
  // authenticator reads: its keys keep working under the new name), then everything IAM keys by the
  // name (groups, inline policies, boundary, tags), then the credentials (login profile, password
  // history, MFA devices, signing certificates).
  deps_.identity.rename_user(account, u->user_name, renamed);
  if (renamed.user_name != u->user_name) {
    store_.rename_user_references(account, u->user_name, renamed.user_name);
    for (const auto& f : user_renamed_) f(account, u->user_name, renamed.user_name);
  }
  return boost::json::value(boost::json::object{});
}

OperationResult IamService::delete_user(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  auto u = need_user(account, param_str(p, "UserName"));
  if (!u) return std::move(u).error();
  const std::string& name = u->user_name;
  if (!deps_.identity.list_access_keys(account, name).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must delete access keys first.", 409);
  for (const auto& check : delete_checks_)
    if (auto msg = check(account, name)) return AwsError("DeleteConflict", *msg, 409);
  if (!store_.list_inline(account, kUser, name).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
  if (!deps_.identity.user_policy_arns(account, name).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409);
  if (!store_.groups_of_user(account, name).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must remove users from group first.", 409);
  store_.forget_entity(account, kUser, name);
  deps_.identity.delete_user(account, name);
  for (const auto& f : user_deleted_) f(account, name);
  return boost::json::value(boost::json::object{});
}

OperationResult IamService::tag_user(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  auto u = need_user(account, param_str(p, "UserName"));
  if (!u) return std::move(u).error();
  auto tags = read_tags(p, account, kUser, u->user_name, "TagsPerUser");
  if (!tags) return std::move(tags).error();
  store_.put_tags(account, kUser, u->user_name, *tags);
  return boost::json::value(boost::json::object{});
}

OperationResult IamService::untag_user(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  auto u = need_user(account, param_str(p, "UserName"));
  if (!u) return std::move(u).error();
  store_.remove_tags(account, kUser, u->user_name, tag_keys(p));
  return boost::json::value(boost::json::object{});
}

OperationResult IamService::list_user_tags(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  auto u = need_user(account, param_str(p, "UserName"));
  if (!u) return std::move(u).error();
  auto all = tags_json(account, kUser, u->user_name);
  Page pg = paginate(all.size(), p);
  boost::json::array page(all.begin() + pg.begin, all.begin() + pg.end);
  boost::json::object out{{"Tags", std::move(page)}};
  put_page(out, pg);
  return boost::json::value(std::move(out));
}

// ---- groups ----

OperationResult IamService::create_group(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  GroupRecord g;
  g.account_id = account;
  g.group_name = param_str(p, "GroupName");
  g.path = param_str(p, "Path", "/");
  g.group_id = ids::unique_id(deps_.random, "AGPA");
  g.arn = arn_for(account, kGroup, g.path, g.group_name);
  g.created_at = std::floor(deps_.clock.now_seconds());
  if (store_.get_group(account, g.group_name))
    return AwsError::EntityAlreadyExists(fmt::format("Group with name {} already exists.", g.group_name));
  int64_t quota = deps_.quotas.get(kQuotaGroups, 300);
  if (static_cast<int64_t>(store_.list_groups(account).size()) >= quota)
    return AwsError::LimitExceeded(fmt::format("Cannot exceed quota for GroupsPerAccount: {}", quota));
  if (!store_.insert_group(g))
    return AwsError::EntityAlreadyExists(fmt::format("Group with name {} already exists.", g.group_name));
  return boost::json::value(boost::json::object{{"Group", group_json(g)}});
}

OperationResult IamService::get_group(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  auto g = need_group(account, param_str(p, "GroupName"));
  if (!g) return std::move(g).error();
  auto names = store_.group_members(account, g->group_name);
  Page pg = paginate(names.size(), p);
  boost::json::array users;
  for (size_t i = pg.begin; i < pg.end; ++i)
    if (auto u = deps_.identity.get_user(account, names[i])) users.push_back(user_json(*u, false));
  boost::json::object out{{"Group", group_json(*g)}, {"Users", std::move(users)}};
  put_page(out, pg);
  return boost::json::value(std::move(out));
}

OperationResult IamService::list_groups(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  std::string prefix = param_str(p, "PathPrefix", "/");
  std::vector<GroupRecord> groups;
  for (auto& g : store_.list_groups(account))
    if (has_prefix(g.path, prefix)) groups.push_back(std::move(g));
  Page pg = paginate(groups.size(), p);
  boost::json::array arr;
  for (size_t i = pg.begin; i < pg.end; ++i) arr.push_back(group_json(groups[i]));
  boost::json::object out{{"Groups", std::move(arr)}};
  put_page(out, pg);
  return boost::json::value(std::move(out));
}

OperationResult IamService::update_group(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  auto g = need_group(account, param_str(p, "GroupName"));
  if (!g) return std::move(g).error();
  GroupRecord n = *g;
  n.group_name = param_str(p, "NewGroupName", g->group_name);
  n.path = param_str(p, "NewPath", g->path);
  n.arn = arn_for(account, kGroup, n.path, n.group_name);
  if (strcasecmp(n.group_name.c_str(), g->group_name.c_str()) != 0 && store_.get_group(account, n.group_name))
    return AwsError::EntityAlreadyExists(fmt::format("Group with name {} already exists.", n.group_name));
  store_.update_group(account, g->group_name, n);
  return boost::json::value(boost::json::object{});
}

OperationResult IamService::delete_group(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  auto g = need_group(account, param_str(p, "GroupName"));
  if (!g) return std::move(g).error();
  if (!store_.group_members(account, g->group_name).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must remove users from group first.", 409);
  if (!store_.list_inline(account, kGroup, g->group_name).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
  if (!store_.attached(account, kGroup, g->group_name).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409);
  store_.forget_entity(account, kGroup, g->group_name);
  store_.delete_group(account, g->group_name);
  return boost::json::value(boost::json::object{});
}

OperationResult IamService::add_user_to_group(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  auto g = need_group(account, param_str(p, "GroupName"));
  if (!g) return std::move(g).error();
  auto u = need_user(account, param_str(p, "UserName"));
  if (!u) return std::move(u).error();
  auto current = store_.groups_of_user(account, u->user_name);
  bool member = false;
  for (const auto& n : current) member |= strcasecmp(n.c_str(), g->group_name.c_str()) == 0;
  int64_t quota = deps_.quotas.get(kQuotaGroupsPerUser, 10);
  if (!member && static_cast<int64_t>(current.size()) >= quota)
    return AwsError::LimitExceeded(fmt::format("Cannot exceed quota for GroupsPerUser: {}", quota));
  store_.add_member(account, g->group_name, u->user_name);
  return boost::json::value(boost::json::object{});
}

OperationResult IamService::remove_user_from_group(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  auto g = need_group(account, param_str(p, "GroupName"));
  if (!g) return std::move(g).error();
  auto u = need_user(account, param_str(p, "UserName"));
  if (!u) return std::move(u).error();
  if (!store_.remove_member(account, g->group_name, u->user_name)) return no_user(u->user_name);
  return boost::json::value(boost::json::object{});
}

OperationResult IamService::list_groups_for_user(CallContext& c, const boost::json::object& p) {
  const std::string account = account_of(c);
  auto u = need_user(account, param_str(p, "UserName"));
  if (!u) return std::move(u).error();
  auto names = store_.groups_of_user(account, u->user_name);
  Page pg = paginate(names.size(), p);
  boost::json::array arr;
  for (size_t i = pg.begin; i < pg.end; ++i)
    if (auto g = store_.get_group(account, names[i])) arr.push_back(group_json(*g));
  boost::json::object out{{"Groups", std::move(arr)}};
  put_page(out, pg);
  return boost::json::value(std::move(out));
}

}  // namespace orgroot::services::iam
