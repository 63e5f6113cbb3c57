// Organizations: schema, rows, response shapes, the caller's organization, errors and paging.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "services/organizations/org_errors.h"
#include "services/organizations/organizations_service.h"

namespace orgroot::services::organizations {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------------
// errors

AwsError Constraint(const std::string& reason) {
  static const std::unordered_map<std::string, std::string> kMessages = {
      {"ACCOUNT_NUMBER_LIMIT_EXCEEDED", "You attempted to exceed the limit on the number of accounts in an organization."},
      {"OU_NUMBER_LIMIT_EXCEEDED", "You attempted to exceed the number of OUs that you can have in an organization."},
      {"OU_DEPTH_LIMIT_EXCEEDED", "You attempted to create an OU tree that is too many levels deep."},
      {"POLICY_NUMBER_LIMIT_EXCEEDED",
       "You attempted to exceed the number of policies that you can have in an organization."},
      {"POLICY_CONTENT_LIMIT_EXCEEDED", "You have exceeded the maximum size of a policy document."},
      {"MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
       "You attempted to exceed the number of policies of a certain type that can be attached to an entity at one "
       "time."},
      {"MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
       "You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum "
       "number of policies of a certain type required."},
      {"ACCOUNT_CANNOT_LEAVE_ORGANIZATION",
       "You attempted to remove the management account from the organization. You can't remove the management "
       "account. Instead, after you remove all member accounts, delete the organization itself."},
      {"ORGANIZATION_NOT_IN_ALL_FEATURES_MODE",
       "You attempted to perform an operation that requires the organization to be configured to support all "
       "features."},
      {"MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the number of tags allowed on this resource."},
      {"MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED",
       "You attempted to register more delegated administrators than allowed for the service principal."},
      {"CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
       "You attempted to register the management account of the organization as a delegated administrator for an "
       "Amazon Web Services service integrated with Organizations. You can designate only a member account as a "
       "delegated administrator."},
      {"CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR",
       "You cannot register a suspended account as a delegated administrator."},
      {"CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG",
       "You attempted to remove an account that is registered as a delegated administrator for a service "
       "integrated with your organization. To complete this operation, you must first deregister this account as "
       "a delegated administrator."},
      {"DELEGATED_ADMINISTRATOR_EXISTS_FOR_THIS_SERVICE",
       "You have delegated administrator/s for this service. De-register them in order to disable service access."},
      {"SERVICE_ACCESS_NOT_ENABLED",
       "You attempted to register a delegated administrator before you enabled service access. Call the "
       "EnableAWSServiceAccess API first."},
      {"CANNOT_CLOSE_MANAGEMENT_ACCOUNT",
       "You attempted to close the management account. To close the management account for the organization, you "
       "must first either remove or close all member accounts in the organization. Follow standard account closure "
       "process using root credentials."},
      {"CLOSE_ACCOUNT_QUOTA_EXCEEDED", "You have exceeded close account quota for the past 30 days."},
  };
  auto it = kMessages.find(reason);
  return OrgError("ConstraintViolationException",
                  it != kMessages.end() ? it->second : "You attempted to exceed a limit of your organization.")
      .with("Reason", reason);
}

AwsError InvalidInput(const std::string& reason) {
  static const std::unordered_map<std::string, std::string> kMessages = {
      {"INVALID_NEXT_TOKEN", "You specified an invalid value for the nextToken search parameter."},
      {"IMMUTABLE_POLICY",
       "You specified a policy that is managed by Amazon Web Services and can't be modified."},
      {"UNRECOGNIZED_SERVICE_PRINCIPAL", "You specified an unrecognized service principal."},
      {"INVALID_SYSTEM_TAGS_PARAMETER",
       "You specified a tag key that is a system tag. You can't add, edit, or delete system tag keys because "
       "they're reserved for Amazon Web Services use. System tags don't count against your tags per resource "
       "limit."},
      {"DUPLICATE_TAG_KEY", "Tag keys must be unique among the tags attached to the same entity."},
      {"INVALID_ROLE_NAME",
       "You provided a role name that isn't valid. A role name can't begin with the reserved prefix "
       "AWSServiceRoleFor."},
      {"TARGET_NOT_SUPPORTED", "You can't perform the specified operation on that target entity."},
      {"INVALID_PARTY_TYPE_TARGET",
       "You specified the wrong type of entity (account, organization, or email) as a party."},
      {"INVALID_ENUM_POLICY_TYPE", "You specified an invalid policy type string."},
  };
  auto it = kMessages.find(reason);
  return OrgError("InvalidInputException",
                  it != kMessages.end() ? it->second : "The requested operation failed because you provided invalid "
                                                       "values for one or more of the request parameters.")
      .with("Reason", reason);
}

// ---------------------------------------------------------------------------------------------
// paging: the token is the offset of the next item, as an opaque-looking string.

Result<PageSlice> page(const json::object& params, size_t total, size_t default_max) {
  PageSlice s;
  size_t max = default_max;
  if (auto m = param_int(params, "MaxResults")) max = static_cast<size_t>(std::max<int64_t>(1, *m));
  std::string token = param_str(params, "NextToken");
  if (!token.empty()) {
    size_t off = 0;
    if (token.size() < 3 || token.rfind("AAE", 0) != 0) return InvalidInput("INVALID_NEXT_TOKEN");
    auto [p, ec] = std::from_chars(token.data() + 3, token.data() + token.size(), off);
    if (ec != std::errc() || p != token.data() + token.size() || off > total) return InvalidInput("INVALID_NEXT_TOKEN");
    s.begin = off;
  }
  s.end = std::min(total, s.begin + max);
  if (s.end < total) s.next_token = "AAE" + std::to_string(s.end);
  return s;
}

// ---------------------------------------------------------------------------------------------
// schema

namespace {
const std::vector<std::string_view>& migrations() {
  static const std::vector<std::string_view> m = {
      R"sql(
CREATE TABLE org_organizations(
  org_id                TEXT PRIMARY KEY,
  management_account_id TEXT NOT NULL UNIQUE,
  feature_set           TEXT NOT NULL,
  root_id               TEXT NOT NULL,
  created_at            REAL NOT NULL
);
CREATE TABLE org_nodes(
  node_id    TEXT PRIMARY KEY,
  org_id     TEXT NOT NULL,
  kind       TEXT NOT NULL,
  name       TEXT NOT NULL,
  parent_id  TEXT NOT NULL,
  depth      INTEGER NOT NULL,
  created_at REAL NOT NULL
);
CREATE INDEX org_nodes_by_parent ON org_nodes(org_id, parent_id);
CREATE TABLE org_accounts(
  account_id    TEXT PRIMARY KEY,
  org_id        TEXT NOT NULL,
  parent_id     TEXT NOT NULL,
  name          TEXT NOT NULL,
  email         TEXT NOT NULL,
  joined_method TEXT NOT NULL,
  joined_at     REAL NOT NULL,
  closed_at     REAL
);
CREATE INDEX org_accounts_by_parent ON org_accounts(org_id, parent_id);
CREATE TABLE org_create_account_requests(
  request_id     TEXT PRIMARY KEY,
  org_id         TEXT NOT NULL,
  account_name   TEXT NOT NULL,
  email          TEXT NOT NULL,
  account_id     TEXT NOT NULL,
  role_name      TEXT NOT NULL,
  tags_json      TEXT NOT NULL,
  state          TEXT NOT NULL,
  failure_reason TEXT,
  requested_at   REAL NOT NULL,
  due_at         REAL NOT NULL,
  completed_at   REAL
);
CREATE INDEX org_car_by_state ON org_create_account_requests(state, due_at);
CREATE TABLE org_policies(
  policy_id   TEXT PRIMARY KEY,
  org_id      TEXT NOT NULL,
  type        TEXT NOT NULL,
  name        TEXT NOT NULL,
  description TEXT NOT NULL,
  content     TEXT NOT NULL
);
CREATE TABLE org_policy_types(
  root_id TEXT NOT NULL,
  type    TEXT NOT NULL,
  PRIMARY KEY(root_id, type)
);
CREATE TABLE org_attachments(
  org_id    TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  target_id TEXT NOT NULL,
  PRIMARY KEY(org_id, policy_id, target_id)
);
CREATE INDEX org_attachments_by_target ON org_attachments(org_id, target_id);
CREATE TABLE org_service_access(
  org_id            TEXT NOT NULL,
  service_principal TEXT NOT NULL,
  enabled_at        REAL NOT NULL,
  PRIMARY KEY(org_id, service_principal)
);
CREATE TABLE org_delegated_admins(
  org_id            TEXT NOT NULL,
  account_id        TEXT NOT NULL,
  service_principal TEXT NOT NULL,
  enabled_at        REAL NOT NULL,
  PRIMARY KEY(org_id, account_id, service_principal)
);
CREATE TABLE org_tags(
  org_id      TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  key         TEXT NOT NULL,
  value       TEXT NOT NULL,
  PRIMARY KEY(org_id, resource_id, key)
);
)sql",
  };
  return m;
}

AccountRow read_account(const store::Statement& st) {
  AccountRow a{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.f64(6), std::nullopt};
  if (!st.is_null(7)) a.closed_at = st.f64(7);
  return a;
}
constexpr const char* kAccountCols =
    "account_id, org_id, parent_id, name, email, joined_method, joined_at, closed_at";
}  // namespace

OrganizationsService::OrganizationsService(ServiceDeps& deps, AccountProvisioner* provisioner)
    : deps_(deps), provisioner_(provisioner), memberships_(deps.db), scp_chains_(deps.db) {
  deps_.db.migrate("organizations", migrations());
  deps_.db.on_reset([this] {
    std::lock_guard lk(cache_mu_);
    compiled_.clear();
  });
  register_structure_handlers();
  register_policy_handlers();
}

// ---------------------------------------------------------------------------------------------
// rows

std::optional<OrgRow> OrganizationsService::org_by_id(Db& d, const std::string& org_id) {
  auto st = d.prepare(
      "SELECT org_id, management_account_id, feature_set, root_id, created_at FROM org_organizations WHERE org_id=?");
  st.bind(1, org_id);
  if (!st.step()) return std::nullopt;
  return OrgRow{st.text(0), st.text(1), st.text(2), st.text(3), st.f64(4)};
}

std::optional<OrgRow> OrganizationsService::org_of_account(Db& d, const std::string& account_id) {
  auto st = d.prepare("SELECT org_id FROM org_accounts WHERE account_id=?");
  st.bind(1, account_id);
  if (!st.step()) return std::nullopt;
  return org_by_id(d, st.text(0));
}

std::optional<AccountRow> OrganizationsService::account(Db& d, const std::string& org_id,
                                                        const std::string& account_id) {
  auto st = d.prepare(fmt::format("SELECT {} FROM org_accounts WHERE org_id=? AND account_id=?", kAccountCols));
  st.bind(1, org_id).bind(2, account_id);
  if (!st.step()) return std::nullopt;
  return read_account(st);
}

std::vector<AccountRow> OrganizationsService::accounts(Db& d, const std::string& org_id,
                                                       const std::string& parent_id) {
  std::vector<AccountRow> out;
  auto st = parent_id.empty()
                ? d.prepare(fmt::format("SELECT {} FROM org_accounts WHERE org_id=? ORDER BY joined_at, account_id",
                                        kAccountCols))
                : d.prepare(fmt::format(
                      "SELECT {} FROM org_accounts WHERE org_id=? AND parent_id=? ORDER BY joined_at, account_id",
                      kAccountCols));
  st.bind(1, org_id);
  if (!parent_id.empty()) st.bind(2, parent_id);
  while (st.step()) out.push_back(read_account(st));
  return out;
}

std::optional<NodeRow> OrganizationsService::node(Db& d, const std::string& org_id, const std::string& node_id) {
  auto st = d.prepare("SELECT node_id, org_id, kind, name, parent_id, depth FROM org_nodes WHERE org_id=? AND node_id=?");
  st.bind(1, org_id).bind(2, node_id);
  if (!st.step()) return std::nullopt;
  return NodeRow{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), static_cast<int>(st.i64(5))};
}

std::vector<NodeRow> OrganizationsService::ous_under(Db& d, const std::string& org_id, const std::string& parent_id) {
  std::vector<NodeRow> out;
  auto st = d.prepare(
      "SELECT node_id, org_id, kind, name, parent_id, depth FROM org_nodes WHERE org_id=? AND parent_id=? AND "
      "kind='ORGANIZATIONAL_UNIT' ORDER BY created_at, rowid");
  st.bind(1, org_id).bind(2, parent_id);
  while (st.step())
    out.push_back(NodeRow{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), static_cast<int>(st.i64(5))});
  return out;
}

std::optional<PolicyRow> OrganizationsService::policy_row(Db& d, const std::string& org_id,
                                                          const std::string& policy_id) {
  if (policy_id == kFullAwsAccessId)
    return PolicyRow{kFullAwsAccessId,
                     "",
                     kScp,
                     "FullAWSAccess",
                     "Allows access to every operation",
                     kFullAwsAccessContent,
                     true};
  auto st = d.prepare(
      "SELECT policy_id, org_id, type, name, description, content FROM org_policies WHERE org_id=? AND policy_id=?");
  st.bind(1, org_id).bind(2, policy_id);
  if (!st.step()) return std::nullopt;
  return PolicyRow{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), false};
}

std::vector<std::string> OrganizationsService::enabled_policy_types(Db& d, const std::string& root_id) {
  std::vector<std::string> out;
  auto st = d.prepare("SELECT type FROM org_policy_types WHERE root_id=? ORDER BY type");
  st.bind(1, root_id);
  while (st.step()) out.push_back(st.text(0));
  return out;
}

bool OrganizationsService::policy_type_enabled(Db& d, const OrgRow& org, const std::string& type) {
  auto st = d.prepare("SELECT 1 FROM org_policy_types WHERE root_id=? AND type=?");
  st.bind(1, org.root_id).bind(2, type);
  return st.step();
}

std::vector<std::string> OrganizationsService::attached(Db& d, const std::string& org_id,
                                                        const std::string& target_id, const std::string& type) {
  std::vector<std::string> out;
  auto st = d.prepare(
      "SELECT a.policy_id FROM org_attachments a LEFT JOIN org_policies p ON p.policy_id=a.policy_id "
      "WHERE a.org_id=? AND a.target_id=? AND (p.type=? OR (a.policy_id=? AND ?=?)) ORDER BY a.rowid");
  st.bind(1, org_id).bind(2, target_id).bind(3, type).bind(4, kFullAwsAccessId).bind(5, type).bind(6, kScp);
  while (st.step()) out.push_back(st.text(0));
  return out;
}

void OrganizationsService::attach(Db& d, const std::string& org_id, const std::string& policy_id,
                                  const std::string& target_id) {
  d.prepare("INSERT OR IGNORE INTO org_attachments(org_id, policy_id, target_id) VALUES(?,?,?)")
      .bind(1, org_id)
      .bind(2, policy_id)
      .bind(3, target_id)
      .run();
}

Status OrganizationsService::check_tags(Db& d, const std::string& org_id, const std::string& resource_id,
                                        const json::array& tags) {
  std::vector<std::string> keys;
  for (const auto& t : tags) {
    if (!t.is_object()) continue;
    std::string k = param_str(t.get_object(), "Key");
    if (k.rfind("aws:", 0) == 0) return InvalidInput("INVALID_SYSTEM_TAGS_PARAMETER");
    if (std::find(keys.begin(), keys.end(), k) != keys.end()) return InvalidInput("DUPLICATE_TAG_KEY");
    keys.push_back(k);
  }
  size_t total = keys.size();
  auto st = d.prepare("SELECT key FROM org_tags WHERE org_id=? AND resource_id=?");
  st.bind(1, org_id).bind(2, resource_id);
  while (st.step())
    if (std::find(keys.begin(), keys.end(), st.text(0)) == keys.end()) ++total;
  if (static_cast<int64_t>(total) > deps_.quotas.get(kQuotaTags, 50)) return Constraint("MAX_TAG_LIMIT_EXCEEDED");
  return OkStatus();
}

void OrganizationsService::put_tags(Db& d, const std::string& org_id, const std::string& resource_id,
                                    const json::array& tags) {
  for (const auto& t : tags) {
    if (!t.is_object()) continue;
    d.prepare("INSERT OR REPLACE INTO org_tags(org_id, resource_id, key, value) VALUES(?,?,?,?)")
        .bind(1, org_id)
        .bind(2, resource_id)
        .bind(3, param_str(t.get_object(), "Key"))
        .bind(4, param_str(t.get_object(), "Value"))
        .run();
  }
}

bool OrganizationsService::email_in_use(Db& d, const std::string& email) {
  // Any account of this server (the identity store's accounts), any organization's member, and
  // any CreateAccount request still in flight.
  auto st = d.prepare(
      "SELECT 1 FROM accounts WHERE email=? COLLATE NOCASE UNION ALL "
      "SELECT 1 FROM org_accounts WHERE email=? COLLATE NOCASE UNION ALL "
      "SELECT 1 FROM org_create_account_requests WHERE email=? COLLATE NOCASE AND state='IN_PROGRESS' AND "
      "failure_reason IS NULL LIMIT 1");
  st.bind(1, email).bind(2, email).bind(3, email);
  return st.step();
}

// ---------------------------------------------------------------------------------------------
// the caller

Result<OrganizationsService::Caller> OrganizationsService::caller(Db& d, const CallContext& ctx, Access need) {
  auto org = org_of_account(d, ctx.principal.account_id);
  if (!org) return NotInUse();
  Caller c{*org, ctx.principal.account_id, org->management_account_id == ctx.principal.account_id};
  if (need == Access::Member || c.management) return c;
  if (need == Access::Reader) {
    auto st = d.prepare("SELECT 1 FROM org_delegated_admins WHERE org_id=? AND account_id=? LIMIT 1");
    st.bind(1, org->id).bind(2, c.account_id);
    if (st.step()) return c;
  }
  return AccessDeniedOrg();
}

// ---------------------------------------------------------------------------------------------
// shapes

std::string OrganizationsService::arn(const OrgRow& o, std::string_view kind, std::string_view id) const {
  if (kind == "organization") return fmt::format("arn:aws:organizations::{}:organization/{}", o.management_account_id, o.id);
  return fmt::format("arn:aws:organizations::{}:{}/{}/{}", o.management_account_id, kind, o.id, id);
}

std::pair<std::string, std::string> OrganizationsService::account_status(const AccountRow& a) const {
  if (!a.closed_at) return {"ACTIVE", "ACTIVE"};
  double since = deps_.clock.now_seconds() - *a.closed_at;
  if (since < kPendingClosureSeconds) return {"PENDING_CLOSURE", "PENDING_CLOSURE"};
  if (since >= 90.0 * 86400) return {"SUSPENDED", "CLOSED"};
  return {"SUSPENDED", "SUSPENDED"};
}

std::string OrganizationsService::path_of(Db& d, const OrgRow& o, const std::string& node_id) {
  std::vector<std::string> chain;
  std::string cur = node_id;
  for (int guard = 0; guard < 64 && !cur.empty(); ++guard) {
    auto n = node(d, o.id, cur);
    if (!n) break;
    chain.push_back(n->id);
    if (n->kind == "ROOT") break;
    cur = n->parent_id;
  }
  std::string p = o.id + "/";
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) p += *it + "/";
  return p;
}

json::object OrganizationsService::organization_json(Db& d, const OrgRow& o) {
  json::object out;
  out["Id"] = o.id;
  out["Arn"] = arn(o, "organization", "");
  out["FeatureSet"] = o.feature_set;
  out["MasterAccountArn"] = arn(o, "account", o.management_account_id);
  out["MasterAccountId"] = o.management_account_id;
  if (auto m = account(d, o.id, o.management_account_id)) out["MasterAccountEmail"] = m->email;
  json::array types;
  if (o.feature_set == "ALL") types.push_back(json::object{{"Type", kScp}, {"Status", "ENABLED"}});
  out["AvailablePolicyTypes"] = std::move(types);
  return out;
}

json::object OrganizationsService::account_json(Db& d, const OrgRow& o, const AccountRow& a) {
  auto [status, state] = account_status(a);
  json::object out;
  out["Id"] = a.id;
  out["Arn"] = arn(o, "account", a.id);
  out["Email"] = a.email;
  out["Name"] = a.name;
  out["Status"] = status;
  out["State"] = state;
  out["Paths"] = json::array{json::value(path_of(d, o, a.parent_id) + a.id + "/")};
  out["JoinedMethod"] = a.joined_method;
  out["JoinedTimestamp"] = a.joined_at;
  return out;
}

json::object OrganizationsService::root_json(Db& d, const OrgRow& o) {
  json::array types;
  for (const auto& t : enabled_policy_types(d, o.root_id))
    types.push_back(json::object{{"Type", t}, {"Status", "ENABLED"}});
  return json::object{{"Id", o.root_id}, {"Arn", arn(o, "root", o.root_id)}, {"Name", "Root"},
                      {"PolicyTypes", std::move(types)}};
}

json::object OrganizationsService::ou_json(Db& d, const OrgRow& o, const NodeRow& n) {
  return json::object{{"Id", n.id}, {"Arn", arn(o, "ou", n.id)}, {"Name", n.name}, {"Path", path_of(d, o, n.id)}};
}

json::object OrganizationsService::policy_summary_json(const OrgRow& o, const PolicyRow& p) {
  std::string type_lower = p.type;
  std::transform(type_lower.begin(), type_lower.end(), type_lower.begin(), ::tolower);
  return json::object{
      {"Id", p.id},
      {"Arn", p.aws_managed ? std::string(kFullAwsAccessArn) : arn(o, "policy", type_lower + "/" + p.id)},
      {"Name", p.name},
      {"Description", p.description},
      {"Type", p.type},
      {"AwsManaged", p.aws_managed}};
}

}  // namespace orgroot::services::organizations
