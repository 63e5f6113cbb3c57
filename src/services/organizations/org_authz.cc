// Organizations: what the authorizer checks for a call. The action is organizations:<Operation>;
// the resource is the ARN of the account, OU, root or policy the call acts on (AWS's resource
// types for Organizations), "*" for calls on the organization as a whole; and the service's
// condition keys organizations:ServicePrincipal and organizations:PolicyType are set.
#include <algorithm>

#include "services/organizations/organizations_service.h"

namespace orgroot::services::organizations {

using store::Database;

AuthzTarget OrganizationsService::authz_target(std::string_view operation, const boost::json::object& params,
                                               const CallContext& ctx) const {
  AuthzTarget t = Service::authz_target(operation, params, ctx);
  const std::string op(operation);

  if (auto sp = param_str(params, "ServicePrincipal"); !sp.empty())
    t.context.emplace_back("organizations:ServicePrincipal", sp);
  std::string policy_type = param_str(params, "Type");
  if (policy_type.empty()) policy_type = param_str(params, "PolicyType");
  if (policy_type.empty()) policy_type = param_str(params, "Filter");

  // The one resource the call acts on, by the parameter that names it.
  static const std::vector<std::pair<const char*, std::vector<const char*>>> kResourceParam = {
      {"AccountId", {"DescribeAccount", "CloseAccount", "RemoveAccountFromOrganization", "MoveAccount",
                     "RegisterDelegatedAdministrator", "DeregisterDelegatedAdministrator",
                     "ListDelegatedServicesForAccount"}},
      {"OrganizationalUnitId", {"DescribeOrganizationalUnit", "UpdateOrganizationalUnit", "DeleteOrganizationalUnit"}},
      {"PolicyId", {"DescribePolicy", "UpdatePolicy", "DeletePolicy", "AttachPolicy", "DetachPolicy",
                    "ListTargetsForPolicy"}},
      {"ResourceId", {"TagResource", "UntagResource", "ListTagsForResource"}},
      {"ParentId", {"CreateOrganizationalUnit", "ListChildren", "ListAccountsForParent",
                    "ListOrganizationalUnitsForParent"}},
      {"ChildId", {"ListParents"}},
      {"RootId", {"EnablePolicyType", "DisablePolicyType"}},
      {"TargetId", {"ListPoliciesForTarget"}},
  };
  std::string id;
  for (const auto& [name, ops] : kResourceParam)
    if (std::find_if(ops.begin(), ops.end(), [&](const char* o) { return op == o; }) != ops.end()) {
      id = param_str(params, name);
      break;
    }
  if (id.empty() && policy_type.empty()) return t;

  deps_.db.run([&](Database& d) {
    auto org = d.prepare(
        "SELECT o.org_id, o.management_account_id FROM org_accounts a JOIN org_organizations o ON o.org_id=a.org_id "
        "WHERE a.account_id=?");
    org.bind(1, ctx.principal.account_id);
    if (!org.step()) return;
    const std::string org_id = org.text(0), mgmt = org.text(1);
    auto arn = [&](const std::string& kind, const std::string& rest) {
      return "arn:aws:organizations::" + mgmt + ":" + kind + "/" + org_id + "/" + rest;
    };
    if (id.empty()) {
    } else if (id == kFullAwsAccessId) {
      t.resource = kFullAwsAccessArn;
      policy_type = kScp;
    } else if (id.rfind("p-", 0) == 0) {
      auto st = d.prepare("SELECT type FROM org_policies WHERE org_id=? AND policy_id=?");
      st.bind(1, org_id).bind(2, id);
      if (st.step()) {
        std::string type = st.text(0);
        if (policy_type.empty() || op == "AttachPolicy" || op == "DetachPolicy") policy_type = type;
        std::transform(type.begin(), type.end(), type.begin(), ::tolower);
        t.resource = arn("policy", type + "/" + id);
      }
    } else if (id.rfind("r-", 0) == 0) {
      t.resource = arn("root", id);
    } else if (id.rfind("ou-", 0) == 0) {
      t.resource = arn("ou", id);
    } else if (id.size() == 12 && std::all_of(id.begin(), id.end(), ::isdigit)) {
      t.resource = arn("account", id);
    }
  });
  if (!policy_type.empty()) t.context.emplace_back("organizations:PolicyType", policy_type);
  return t;
}

}  // namespace orgroot::services::organizations
