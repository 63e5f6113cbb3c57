// What IAM answers for others: a principal's identity policies (compiled once per document), member
// account provisioning, and the roles STS assumes.
#include <fmt/format.h>
#include <strings.h>

#include <cmath>

#include "policy/policy_document.h"
#include "services/iam/iam_service.h"

namespace orgroot::services::iam {

namespace {
constexpr const char* kAdministratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess";
// Stands for a session policy ARN that no longer resolves: it allows nothing.
constexpr const char* kAllowsNothing =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]})";

bool looks_like_json(const std::string& s) {
  for (char ch : s) {
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') continue;
    return ch == '{';
  }
  return false;
}
}  // namespace

policy::PolicyPtr IamService::compiled(const std::string& document, policy::PolicyKind kind) {
  std::string key;
  key.reserve(document.size() + 1);
  key += static_cast<char>('0' + static_cast<int>(kind));
  key += document;
  {
    std::lock_guard lk(cache_mu_);
    auto it = compiled_.find(key);
    if (it != compiled_.end()) return it->second;
  }
  auto r = policy::CompilePolicy(document, {.kind = kind});
  if (!r) return nullptr;
  std::lock_guard lk(cache_mu_);
  if (compiled_.size() > 20000) compiled_.clear();  // a bound; documents recompile on demand
  compiled_[key] = *r;
  return *r;
}

void IamService::add_entity_policies(const std::string& account, const char* kind, const std::string& name,
                                     std::vector<policy::PolicyPtr>& out) {
  for (const auto& arn : attached_arns(account, kind, name))
    if (auto doc = managed_policy_document(arn))
      if (auto p = compiled(*doc, policy::PolicyKind::Identity)) out.push_back(std::move(p));
  for (const auto& [n, doc] : store_.list_inline(account, kind, name))
    if (auto p = compiled(doc, policy::PolicyKind::Identity)) out.push_back(std::move(p));
}

IdentityPolicies IamService::policies_for(const auth::Principal& who) {
  IdentityPolicies out;
  const std::string& account = who.account_id;
  std::string name;
  const char* kind = nullptr;
  if (who.type == auth::PrincipalType::IamUser) {
    kind = kUser;
    name = who.user_name;
  } else if (who.type == auth::PrincipalType::AssumedRole) {
    kind = kRole;
    name = who.role_name;
    if (name.empty()) name = who.role_arn.substr(who.role_arn.rfind('/') + 1);
  } else {
    return out;  // root and anonymous callers have no identity policies
  }
  // Entity names compare case-insensitively in IAM; the cache key keeps the name as given, so
  // two spellings are two entries of the same policies.
  std::string key = account;
  key += '\n';
  key += kind;
  key += '\n';
  key += name;
  auto entity = entity_policies_.get(key, [&] {
    auto e = std::make_shared<EntityPolicies>();
    add_entity_policies(account, kind, name, e->identity);
    if (kind == kUser)
      for (const auto& g : store_.groups_of_user(account, name)) add_entity_policies(account, kGroup, g, e->identity);
    if (auto b = store_.boundary(account, kind, name))
      if (auto doc = managed_policy_document(*b)) e->boundary = compiled(*doc, policy::PolicyKind::PermissionsBoundary);
    for (const auto& t : store_.tags(account, kind, name)) e->tags.emplace_back(t.key, t.value);
    return std::shared_ptr<const EntityPolicies>(std::move(e));
  });
  out.identity = entity->identity;
  out.permissions_boundary = entity->boundary;
  out.principal_tags = entity->tags;
  if (kind == kRole) {
    for (const auto& sp : who.session_policies) {
      policy::PolicyPtr p;
      if (looks_like_json(sp)) {
        p = compiled(sp, policy::PolicyKind::Session);
      } else if (auto doc = managed_policy_document(sp)) {
        p = compiled(*doc, policy::PolicyKind::Session);
      }
      if (!p) p = compiled(kAllowsNothing, policy::PolicyKind::Session);
      out.session.push_back(std::move(p));
    }
    // Session tags win over the role's tags with the same key.
    for (const auto& [k, v] : who.session_tags) {
      bool replaced = false;
      for (auto& [ek, ev] : out.principal_tags)
        if (strcasecmp(ek.c_str(), k.c_str()) == 0) {
          ev = v;
          replaced = true;
        }
      if (!replaced) out.principal_tags.emplace_back(k, v);
    }
  }
  return out;
}

Status IamService::provision_member_account(const std::string& account_id, const std::string& account_name,
                                            const std::string& email, const std::string& access_role_name,
                                            const std::string& management_account_id) {
  const double now = std::floor(deps_.clock.now_seconds());
  if (!deps_.identity.get_account(account_id)) deps_.identity.put_account({account_id, account_name, email, now});
  if (access_role_name.empty() || store_.get_role(account_id, access_role_name)) return OkStatus();
  RoleRecord r;
  r.account_id = account_id;
  r.role_name = access_role_name;
  r.path = "/";
  r.role_id = ids::unique_id(deps_.random, "AROA");
  r.arn = arn_for(account_id, kRole, "/", access_role_name);
  r.created_at = now;
  r.trust_policy = fmt::format(
      R"({{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{}:root"}},"Action":"sts:AssumeRole"}}]}})",
      management_account_id);
  r.max_session_duration = 3600;
  if (!store_.insert_role(r)) return AwsError::InternalFailure("cannot create the account access role");
  store_.attach(account_id, kRole, access_role_name, kAdministratorAccess);
  return OkStatus();
}

std::shared_ptr<const AssumableRole> IamService::find_role(const std::string& role_arn) {
  // arn:aws:iam::<account>:role/<path><name>
  static const std::string prefix = "arn:aws:iam::";
  if (role_arn.rfind(prefix, 0) != 0) return nullptr;
  auto colon = role_arn.find(':', prefix.size());
  if (colon == std::string::npos || role_arn.compare(colon + 1, 5, "role/") != 0) return nullptr;
  return roles_by_arn_.get(role_arn, [&]() -> std::shared_ptr<const AssumableRole> {
    std::string account = role_arn.substr(prefix.size(), colon - prefix.size());
    std::string name = role_arn.substr(role_arn.rfind('/') + 1);
    auto r = store_.get_role(account, name);
    if (!r || strcasecmp(r->arn.c_str(), role_arn.c_str()) != 0) return nullptr;
    return std::make_shared<const AssumableRole>(
        AssumableRole{r->arn, r->role_id, r->role_name, r->account_id, r->trust_policy, r->max_session_duration});
  });
}

std::optional<std::string> IamService::managed_policy_document(const std::string& policy_arn) {
  if (const auto* a = aws_.find(policy_arn)) return a->document;
  auto p = store_.get_policy(policy_arn);
  if (!p) return std::nullopt;
  return policy_version_document(policy_arn, p->default_version);
}

void IamService::record_role_use(const std::string& role_arn, std::string_view region) {
  auto role = find_role(role_arn);
  if (!role) return;
  std::lock_guard lk(role_use_mu_);
  auto& u = pending_role_use_[role->account_id + '\n' + role->role_name];
  u.at = std::floor(deps_.clock.now_seconds());
  u.region.assign(region);
}

void IamService::flush_role_use() {
  std::unordered_map<std::string, RoleUse> batch;
  {
    std::lock_guard lk(role_use_mu_);
    if (pending_role_use_.empty()) return;
    batch.swap(pending_role_use_);
  }
  deps_.db.transaction([&](store::Database& db) {
    for (const auto& [key, use] : batch) {
      const auto nl = key.find('\n');
      db.prepare("UPDATE iam_roles SET last_used=?, last_used_region=? WHERE account_id=? AND role_name=?")
          .bind(1, use.at)
          .bind(2, use.region)
          .bind(3, std::string_view(key).substr(0, nl))
          .bind(4, std::string_view(key).substr(nl + 1))
          .run();
    }
  });
}

IamService::~IamService() {
  try {
    flush_role_use();
  } catch (const std::exception&) {
    // The database is closing: the stamps since the last IAM call are lost.
  }
}

}  // namespace orgroot::services::iam
