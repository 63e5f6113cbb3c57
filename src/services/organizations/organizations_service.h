// AWS Organizations (json 1.1): the organization, its root and OUs, member accounts (CreateAccount
// is asynchronous, settled by time), policies (SCPs with the AWS-managed p-FullAWSAccess),
// trusted access, delegated administrators and tags. Also answers OrganizationView for the
// authorizer and IAM.
//
// Everything is scoped to the caller's organization (found through the caller's account). The
// handlers live in org_structure.cc (organization, accounts, OUs), org_policies.cc (policies,
// trusted access, delegated administrators, tags) and org_view.cc (OrganizationView, settlement
// of CreateAccount requests, the compiled-SCP cache).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/deps.h"
#include "services/interfaces.h"
#include "services/service.h"
#include "store/sqlite.h"

namespace orgroot::services::organizations {

inline constexpr const char* kFullAwsAccessId = "p-FullAWSAccess";
inline constexpr const char* kFullAwsAccessArn =
    "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess";
inline constexpr const char* kFullAwsAccessContent =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
inline constexpr const char* kScp = "SERVICE_CONTROL_POLICY";
inline constexpr const char* kDefaultAccessRole = "OrganizationAccountAccessRole";

// How long a CreateAccount request stays IN_PROGRESS when nobody asks about it (seconds), and
// how long a closed account shows PENDING_CLOSURE before SUSPENDED.
inline constexpr double kCreateAccountSeconds = 1.0;
inline constexpr double kPendingClosureSeconds = 1.0;

// ---- quota names (docs/quotas.md) ----
inline constexpr const char* kQuotaAccounts = "organizations.accounts-per-organization";          // 10
inline constexpr const char* kQuotaOus = "organizations.ous-per-organization";                    // 2000
inline constexpr const char* kQuotaOuDepth = "organizations.ou-depth";                             // 5
inline constexpr const char* kQuotaScps = "organizations.scps-per-organization";                  // 10000
inline constexpr const char* kQuotaOtherPolicies = "organizations.policies-per-type-per-organization";  // 1000
inline constexpr const char* kQuotaScpsPerTarget = "organizations.scps-per-target";               // 5
inline constexpr const char* kQuotaScpSize = "organizations.scp-size";                            // 5120
inline constexpr const char* kQuotaTags = "organizations.tags-per-resource";                      // 50
inline constexpr const char* kQuotaDelegatedAdmins = "organizations.delegated-administrators-per-service";  // 3
inline constexpr const char* kQuotaClosures = "organizations.account-closures-per-30-days";       // 10%, 10..1000

struct OrgRow {
  std::string id, management_account_id, feature_set, root_id;
  double created_at = 0;
};
struct AccountRow {
  std::string id, org_id, parent_id, name, email, joined_method;
  double joined_at = 0;
  std::optional<double> closed_at;
};
struct NodeRow {  // the root or an OU
  std::string id, org_id, kind, name, parent_id;  // kind: ROOT | ORGANIZATIONAL_UNIT
  int depth = 0;                                  // root 0
};
struct PolicyRow {
  std::string id, org_id, type, name, description, content;
  bool aws_managed = false;
};

class OrganizationsService final : public Service, public OrganizationView {
 public:
  OrganizationsService(ServiceDeps& deps, AccountProvisioner* provisioner);
  std::string_view name() const override { return "organizations"; }
  // organizations:<Operation> on the ARN of the account, OU, root or policy acted on (org_authz.cc).
  AuthzTarget authz_target(std::string_view operation, const boost::json::object& params,
                           const CallContext& ctx) const override;

  // ---- OrganizationView ----
  std::optional<OrgMembership> membership(const std::string& account_id) override;
  std::vector<policy::PolicyLevel> scp_chain(const std::string& account_id) override;
  bool trusted_access_enabled(const std::string& service_principal) override;
  std::vector<std::string> delegated_administrators(const std::string& service_principal) override;
  bool account_active(const std::string& account_id) override;

  // Completes the CreateAccount requests whose time has come (or all pending ones with
  // `force`): adds the accounts to the organization and provisions them through IAM.
  void settle(bool force = false);

 private:
  enum class Access { Member, Reader, Management };
  struct Caller {
    OrgRow org;
    std::string account_id;
    bool management = false;
  };
  using Db = store::Database;
  using Params = boost::json::object;

  // The caller's organization and whether it may call an operation needing `need`.
  Result<Caller> caller(Db& d, const CallContext& ctx, Access need);
  // Runs f(Database&, Caller&) in one transaction after settling due CreateAccount requests.
  template <typename F>
  OperationResult with_org(const CallContext& ctx, Access need, F&& f);

  // ---- rows ----
  std::optional<OrgRow> org_of_account(Db& d, const std::string& account_id);
  std::optional<OrgRow> org_by_id(Db& d, const std::string& org_id);
  std::optional<AccountRow> account(Db& d, const std::string& org_id, const std::string& account_id);
  std::vector<AccountRow> accounts(Db& d, const std::string& org_id, const std::string& parent_id = "");
  std::optional<NodeRow> node(Db& d, const std::string& org_id, const std::string& node_id);
  std::vector<NodeRow> ous_under(Db& d, const std::string& org_id, const std::string& parent_id);
  std::optional<PolicyRow> policy_row(Db& d, const std::string& org_id, const std::string& policy_id);
  std::vector<std::string> enabled_policy_types(Db& d, const std::string& root_id);
  bool policy_type_enabled(Db& d, const OrgRow& org, const std::string& type);
  std::vector<std::string> attached(Db& d, const std::string& org_id, const std::string& target_id,
                                    const std::string& type);
  void attach(Db& d, const std::string& org_id, const std::string& policy_id, const std::string& target_id);
  void put_tags(Db& d, const std::string& org_id, const std::string& resource_id, const boost::json::array& tags);
  Status check_tags(Db& d, const std::string& org_id, const std::string& resource_id, const boost::json::array& tags);
  bool email_in_use(Db& d, const std::string& email);
  // Takes a member out of the organization (RemoveAccountFromOrganization, LeaveOrganization).
  OperationResult remove_member(Db& d, const OrgRow& org, const std::string& account_id);

  // ---- shapes ----
  boost::json::object organization_json(Db& d, const OrgRow& o);
  boost::json::object account_json(Db& d, const OrgRow& o, const AccountRow& a);
  boost::json::object root_json(Db& d, const OrgRow& o);
  boost::json::object ou_json(Db& d, const OrgRow& o, const NodeRow& n);
  boost::json::object policy_summary_json(const OrgRow& o, const PolicyRow& p);
  std::string path_of(Db& d, const OrgRow& o, const std::string& node_id);  // "o-../r-../ou-../"
  std::string arn(const OrgRow& o, std::string_view kind, std::string_view id) const;
  std::pair<std::string, std::string> account_status(const AccountRow& a) const;  // Status, State

  void register_structure_handlers();
  void register_policy_handlers();

  // ---- compiled SCPs ----
  policy::PolicyPtr compiled(const std::string& policy_id, const std::string& content);
  std::vector<policy::PolicyLevel> read_scp_chain(const std::string& account_id);
  void forget_compiled(const std::string& policy_id);

  ServiceDeps& deps_;
  AccountProvisioner* provisioner_;
  std::mutex cache_mu_;
  std::unordered_map<std::string, policy::PolicyPtr> compiled_;
  // What the authorizer asks on every request, kept while the database is unchanged.
  store::GenerationCache<std::string, std::optional<OrgMembership>> memberships_;
  store::GenerationCache<std::string, std::vector<policy::PolicyLevel>> scp_chains_;
  // settle() has nothing to do while the database is at settled_generation_ and the clock before
  // next_due_ (the earliest CreateAccount in progress; infinity when none is).
  std::mutex settle_mu_;
  uint64_t settled_generation_ = 0;
  double next_due_ = 0;
};

// ---- pagination (NextToken / MaxResults on every List) ----
struct PageSlice {
  size_t begin = 0, end = 0;
  std::optional<std::string> next_token;
};
Result<PageSlice> page(const boost::json::object& params, size_t total, size_t default_max = 20);

// One page of `items` as {member: [to_json(item)...], NextToken?}.
template <typename T, typename F>
Result<boost::json::object> paged(const boost::json::object& params, const std::vector<T>& items, const char* member,
                                  F&& to_json) {
  auto p = page(params, items.size());
  if (!p) return std::move(p).error();
  boost::json::array arr;
  for (size_t i = p->begin; i < p->end; ++i) arr.push_back(to_json(items[i]));
  boost::json::object out;
  out[member] = std::move(arr);
  if (p->next_token) out["NextToken"] = *p->next_token;
  return out;
}

template <typename F>
OperationResult OrganizationsService::with_org(const CallContext& ctx, Access need, F&& f) {
  settle();
  return deps_.db.transaction([&](Db& d) -> OperationResult {
    auto c = caller(d, ctx, need);
    if (!c) return std::move(c).error();
    return f(d, c.value());
  });
}

}  // namespace orgroot::services::organizations
