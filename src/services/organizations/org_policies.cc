// Organizations: policy types, policies and their attachments, trusted access for AWS services,
// delegated administrators and tags.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "policy/policy_document.h"
#include "services/organizations/org_errors.h"
#include "services/organizations/organizations_service.h"

namespace orgroot::services::organizations {

namespace json = boost::json;
using store::Database;

namespace {
json::value empty() { return json::object{}; }

AwsError PolicyTypeNotAvailable() {
  return OrgError("PolicyTypeNotAvailableForOrganizationException",
                  "You can't use the specified policy type with the feature set currently enabled for this "
                  "organization. For example, you can enable SCPs only after you enable all features in the "
                  "organization.");
}
AwsError PolicyTypeNotEnabled() {
  return OrgError("PolicyTypeNotEnabledException",
                  "The specified policy type isn't currently enabled in this root. You can't attach policies of the "
                  "specified type to entities in a root until you enable that type in the root.");
}
AwsError AccountNotRegistered() {
  return OrgError("AccountNotRegisteredException",
                  "The specified account is not a delegated administrator for this Amazon Web Services service.");
}

// Service principals of the AWS services that integrate with Organizations (trusted access /
// delegated administration), from the Organizations User Guide.
bool recognized_service_principal(const std::string& sp) {
  static const std::set<std::string> kKnown = {
      "access-analyzer.amazonaws.com", "account.amazonaws.com", "auditmanager.amazonaws.com",
      "backup.amazonaws.com", "member.org.stacksets.cloudformation.amazonaws.com", "cloudtrail.amazonaws.com",
      "compute-optimizer.amazonaws.com", "config.amazonaws.com", "config-multiaccountsetup.amazonaws.com",
      "controltower.amazonaws.com", "detective.amazonaws.com", "devops-guru.amazonaws.com",
      "ds.amazonaws.com", "fms.amazonaws.com", "guardduty.amazonaws.com", "health.amazonaws.com",
      "iam.amazonaws.com", "inspector2.amazonaws.com", "ipam.amazonaws.com", "license-manager.amazonaws.com",
      "license-manager.member-account.amazonaws.com", "macie.amazonaws.com", "malware-protection.guardduty.amazonaws.com",
      "ram.amazonaws.com", "reachabilityanalyzer.networkinsights.amazonaws.com", "reporting.trustedadvisor.amazonaws.com",
      "securityhub.amazonaws.com", "securitylake.amazonaws.com", "servicecatalog.amazonaws.com",
      "servicequotas.amazonaws.com", "ssm.amazonaws.com", "sso.amazonaws.com", "storage-lens.s3.amazonaws.com",
      "tagpolicies.tag.amazonaws.com", "aws-artifact-account-sync.amazonaws.com", "cost-optimization-hub.bcm.amazonaws.com",
      "billing-cost-management.amazonaws.com", "mgn.amazonaws.com", "networkmanager.amazonaws.com",
      "resource-explorer-2.amazonaws.com", "wellarchitected.amazonaws.com", "ssm-quicksetup.amazonaws.com",
      "securityincident.amazonaws.com", "opsmanager.amazonaws.com", "cloudformation.amazonaws.com",
      "s3.amazonaws.com", "sqs.amazonaws.com", "organizations.amazonaws.com", "user-subscriptions.amazonaws.com",
      "q.amazonaws.com", "notifications.amazonaws.com", "emergency-access.amazonaws.com",
  };
  return kKnown.count(sp) > 0;
}
}  // namespace

void OrganizationsService::register_policy_handlers() {
  // A target (root, OU or account) of the caller's organization: {Type, Name}, or nothing.
  auto target = [this](Database& d, const OrgRow& o, const std::string& id)
      -> std::optional<std::pair<std::string, std::string>> {
    if (auto n = node(d, o.id, id)) return std::pair{n->kind, n->kind == "ROOT" ? std::string("Root") : n->name};
    if (auto a = account(d, o.id, id)) return std::pair{std::string("ACCOUNT"), a->name};
    return std::nullopt;
  };
  auto target_arn = [this](const OrgRow& o, const std::string& type, const std::string& id) {
    return arn(o, type == "ROOT" ? "root" : type == "ACCOUNT" ? "account" : "ou", id);
  };
  // Content checks: SCPs by the policy engine and their size quota; other types must be JSON.
  auto check_content = [this](const std::string& type, const std::string& content) -> Status {
    if (type == kScp || type == "RESOURCE_CONTROL_POLICY") {
      if (static_cast<int64_t>(policy::PolicySizeWithoutWhitespace(content)) > deps_.quotas.get(kQuotaScpSize, 5120))
        return Constraint("POLICY_CONTENT_LIMIT_EXCEEDED");
      policy::CompileOptions opt;
      opt.kind = type == kScp ? policy::PolicyKind::ServiceControl : policy::PolicyKind::ResourceControl;
      opt.dialect = policy::ErrorDialect::Organizations;
      auto p = policy::CompilePolicy(content, opt);
      if (!p) return std::move(p).error();
      return OkStatus();
    }
    boost::system::error_code ec;
    auto v = json::parse(content, ec);
    if (ec || !v.is_object())
      return OrgError("MalformedPolicyDocumentException",
                      "The provided policy document does not meet the requirements of the specified policy type.");
    return OkStatus();
  };

  // ---- policy types --------------------------------------------------------------------------
  on("EnablePolicyType", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      if (param_str(params, "RootId") != c.org.root_id) return RootNotFound();
      const std::string type = param_str(params, "PolicyType");
      if (c.org.feature_set != "ALL") return PolicyTypeNotAvailable();
      if (policy_type_enabled(d, c.org, type))
        return OrgError("PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled.");
      d.prepare("INSERT INTO org_policy_types(root_id, type) VALUES(?,?)").bind(1, c.org.root_id).bind(2, type).run();
      if (type == kScp) {
        // AWS attaches FullAWSAccess to the root and to every OU and account.
        attach(d, c.org.id, kFullAwsAccessId, c.org.root_id);
        auto st = d.prepare("SELECT node_id FROM org_nodes WHERE org_id=? AND kind='ORGANIZATIONAL_UNIT'");
        st.bind(1, c.org.id);
        std::vector<std::string> targets;
        while (st.step()) targets.push_back(st.text(0));
        for (const auto& a : accounts(d, c.org.id)) targets.push_back(a.id);
        for (const auto& t : targets) attach(d, c.org.id, kFullAwsAccessId, t);
      }
      return json::value(json::object{{"Root", root_json(d, c.org)}});
    });
  });

  on("DisablePolicyType", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      if (param_str(params, "RootId") != c.org.root_id) return RootNotFound();
      const std::string type = param_str(params, "PolicyType");
      if (!policy_type_enabled(d, c.org, type)) return PolicyTypeNotEnabled();
      d.prepare("DELETE FROM org_policy_types WHERE root_id=? AND type=?").bind(1, c.org.root_id).bind(2, type).run();
      d.prepare("DELETE FROM org_attachments WHERE org_id=?1 AND (policy_id IN (SELECT policy_id FROM org_policies "
                "WHERE org_id=?1 AND type=?2) OR (policy_id=?3 AND ?2=?4))")
          .bind(1, c.org.id).bind(2, type).bind(3, kFullAwsAccessId).bind(4, kScp).run();
      return json::value(json::object{{"Root", root_json(d, c.org)}});
    });
  });

  // ---- policies ------------------------------------------------------------------------------
  on("CreatePolicy", [this, check_content](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      const std::string type = param_str(params, "Type"), name = param_str(params, "Name");
      const std::string content = param_str(params, "Content");
      if (c.org.feature_set != "ALL") return PolicyTypeNotAvailable();
      auto dup = d.prepare("SELECT 1 FROM org_policies WHERE org_id=? AND type=? AND name=?");
      dup.bind(1, c.org.id).bind(2, type).bind(3, name);
      if (dup.step() || (type == kScp && name == "FullAWSAccess"))
        return OrgError("DuplicatePolicyException", "A policy with the same name already exists.");
      auto cnt = d.prepare("SELECT count(*) FROM org_policies WHERE org_id=? AND type=?");
      cnt.bind(1, c.org.id).bind(2, type);
      cnt.step();
      const int64_t limit = type == kScp ? deps_.quotas.get(kQuotaScps, 10000) : deps_.quotas.get(kQuotaOtherPolicies, 1000);
      if (cnt.i64(0) >= limit) return Constraint("POLICY_NUMBER_LIMIT_EXCEEDED");
      if (auto st = check_content(type, content); !st) return std::move(st).error();
      json::array tags;
      if (auto t = param(params, "Tags"); t && t->is_array()) tags = t->get_array();
      if (auto st = check_tags(d, c.org.id, "", tags); !st) return std::move(st).error();
      PolicyRow p{"p-" + ids::lower_alnum(deps_.random, 8), c.org.id, type, name, param_str(params, "Description"),
                  content, false};
      d.prepare("INSERT INTO org_policies(policy_id, org_id, type, name, description, content) VALUES(?,?,?,?,?,?)")
          .bind(1, p.id).bind(2, p.org_id).bind(3, p.type).bind(4, p.name).bind(5, p.description).bind(6, p.content)
          .run();
      put_tags(d, c.org.id, p.id, tags);
      return json::value(json::object{
          {"Policy", json::object{{"PolicySummary", policy_summary_json(c.org, p)}, {"Content", p.content}}}});
    });
  });

  on("DescribePolicy", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      auto p = policy_row(d, c.org.id, param_str(params, "PolicyId"));
      if (!p) return PolicyNotFound();
      return json::value(json::object{
          {"Policy", json::object{{"PolicySummary", policy_summary_json(c.org, *p)}, {"Content", p->content}}}});
    });
  });

  on("UpdatePolicy", [this, check_content](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      auto p = policy_row(d, c.org.id, param_str(params, "PolicyId"));
      if (!p) return PolicyNotFound();
      if (p->aws_managed) return InvalidInput("IMMUTABLE_POLICY");
      if (auto n = param(params, "Name"); n && n->is_string() && std::string(n->get_string()) != p->name) {
        auto dup = d.prepare("SELECT 1 FROM org_policies WHERE org_id=? AND type=? AND name=?");
        dup.bind(1, c.org.id).bind(2, p->type).bind(3, std::string(n->get_string()));
        if (dup.step()) return OrgError("DuplicatePolicyException", "A policy with the same name already exists.");
        p->name = n->get_string();
      }
      if (auto v = param(params, "Description"); v && v->is_string()) p->description = v->get_string();
      if (auto v = param(params, "Content"); v && v->is_string()) {
        if (auto st = check_content(p->type, std::string(v->get_string())); !st) return std::move(st).error();
        p->content = v->get_string();
      }
      d.prepare("UPDATE org_policies SET name=?, description=?, content=? WHERE policy_id=?")
          .bind(1, p->name).bind(2, p->description).bind(3, p->content).bind(4, p->id).run();
      forget_compiled(p->id);
      return json::value(json::object{
          {"Policy", json::object{{"PolicySummary", policy_summary_json(c.org, *p)}, {"Content", p->content}}}});
    });
  });

  on("DeletePolicy", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      auto p = policy_row(d, c.org.id, param_str(params, "PolicyId"));
      if (!p) return PolicyNotFound();
      if (p->aws_managed) return InvalidInput("IMMUTABLE_POLICY");
      auto used = d.prepare("SELECT 1 FROM org_attachments WHERE org_id=? AND policy_id=? LIMIT 1");
      used.bind(1, c.org.id).bind(2, p->id);
      if (used.step())
        return OrgError("PolicyInUseException", "The specified policy is in use and cannot be deleted.");
      d.prepare("DELETE FROM org_policies WHERE policy_id=?").bind(1, p->id).run();
      d.prepare("DELETE FROM org_tags WHERE org_id=? AND resource_id=?").bind(1, c.org.id).bind(2, p->id).run();
      forget_compiled(p->id);
      return empty();
    });
  });

  on("ListPolicies", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      const std::string type = param_str(params, "Filter");
      std::vector<PolicyRow> rows;
      if (type == kScp) rows.push_back(*policy_row(d, c.org.id, kFullAwsAccessId));
      auto st = d.prepare(
          "SELECT policy_id, org_id, type, name, description, content FROM org_policies WHERE org_id=? AND type=? "
          "ORDER BY rowid");
      st.bind(1, c.org.id).bind(2, type);
      while (st.step())
        rows.push_back(PolicyRow{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), false});
      auto r = paged(params, rows, "Policies", [&](const PolicyRow& p) { return policy_summary_json(c.org, p); });
      if (!r) return std::move(r).error();
      return json::value(std::move(r).value());
    });
  });

  on("AttachPolicy", [this, target](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      auto p = policy_row(d, c.org.id, param_str(params, "PolicyId"));
      if (!p) return PolicyNotFound();
      const std::string tid = param_str(params, "TargetId");
      if (!target(d, c.org, tid)) return TargetNotFound();
      if (!policy_type_enabled(d, c.org, p->type)) return PolicyTypeNotEnabled();
      auto now = attached(d, c.org.id, tid, p->type);
      if (std::find(now.begin(), now.end(), p->id) != now.end())
        return OrgError("DuplicatePolicyAttachmentException",
                        "The selected policy is already attached to the specified target.");
      if (static_cast<int64_t>(now.size()) >= deps_.quotas.get(kQuotaScpsPerTarget, 5))
        return Constraint("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
      attach(d, c.org.id, p->id, tid);
      return empty();
    });
  });

  on("DetachPolicy", [this, target](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      auto p = policy_row(d, c.org.id, param_str(params, "PolicyId"));
      if (!p) return PolicyNotFound();
      const std::string tid = param_str(params, "TargetId");
      if (!target(d, c.org, tid)) return TargetNotFound();
      auto now = attached(d, c.org.id, tid, p->type);
      if (std::find(now.begin(), now.end(), p->id) == now.end())
        return OrgError("PolicyNotAttachedException",
                        "The policy isn't attached to the specified target in the specified root.");
      if (p->type == kScp && now.size() == 1 && policy_type_enabled(d, c.org, kScp))
        return Constraint("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
      d.prepare("DELETE FROM org_attachments WHERE org_id=? AND policy_id=? AND target_id=?")
          .bind(1, c.org.id).bind(2, p->id).bind(3, tid).run();
      return empty();
    });
  });

  on("ListPoliciesForTarget", [this, target](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      const std::string tid = param_str(params, "TargetId");
      if (!target(d, c.org, tid)) return TargetNotFound();
      std::vector<PolicyRow> rows;
      for (const auto& id : attached(d, c.org.id, tid, param_str(params, "Filter")))
        if (auto p = policy_row(d, c.org.id, id)) rows.push_back(*p);
      auto r = paged(params, rows, "Policies", [&](const PolicyRow& p) { return policy_summary_json(c.org, p); });
      if (!r) return std::move(r).error();
      return json::value(std::move(r).value());
    });
  });

  on("ListTargetsForPolicy", [this, target, target_arn](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      auto p = policy_row(d, c.org.id, param_str(params, "PolicyId"));
      if (!p) return PolicyNotFound();
      auto st = d.prepare("SELECT target_id FROM org_attachments WHERE org_id=? AND policy_id=? ORDER BY rowid");
      st.bind(1, c.org.id).bind(2, p->id);
      std::vector<json::object> rows;
      std::vector<std::string> tids;
      while (st.step()) tids.push_back(st.text(0));
      for (const auto& tid : tids)
        if (auto t = target(d, c.org, tid))
          rows.push_back(json::object{{"TargetId", tid}, {"Arn", target_arn(c.org, t->first, tid)},
                                      {"Name", t->second}, {"Type", t->first}});
      auto r = paged(params, rows, "Targets", [](const json::object& o) { return o; });
      if (!r) return std::move(r).error();
      return json::value(std::move(r).value());
    });
  });

  // ---- trusted access ------------------------------------------------------------------------
  on("EnableAWSServiceAccess", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      const std::string sp = param_str(params, "ServicePrincipal");
      if (!recognized_service_principal(sp)) return InvalidInput("UNRECOGNIZED_SERVICE_PRINCIPAL");
      if (c.org.feature_set != "ALL") return Constraint("ORGANIZATION_NOT_IN_ALL_FEATURES_MODE");
      d.prepare("INSERT OR IGNORE INTO org_service_access(org_id, service_principal, enabled_at) VALUES(?,?,?)")
          .bind(1, c.org.id).bind(2, sp).bind(3, deps_.clock.now_seconds()).run();
      return empty();
    });
  });

  on("DisableAWSServiceAccess", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      const std::string sp = param_str(params, "ServicePrincipal");
      if (!recognized_service_principal(sp)) return InvalidInput("UNRECOGNIZED_SERVICE_PRINCIPAL");
      auto da = d.prepare("SELECT 1 FROM org_delegated_admins WHERE org_id=? AND service_principal=? LIMIT 1");
      da.bind(1, c.org.id).bind(2, sp);
      if (da.step()) return Constraint("DELEGATED_ADMINISTRATOR_EXISTS_FOR_THIS_SERVICE");
      d.prepare("DELETE FROM org_service_access WHERE org_id=? AND service_principal=?").bind(1, c.org.id).bind(2, sp).run();
      return empty();
    });
  });

  on("ListAWSServiceAccessForOrganization", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      auto st = d.prepare(
          "SELECT service_principal, enabled_at FROM org_service_access WHERE org_id=? ORDER BY enabled_at, rowid");
      st.bind(1, c.org.id);
      std::vector<json::object> rows;
      while (st.step()) rows.push_back(json::object{{"ServicePrincipal", st.text(0)}, {"DateEnabled", st.f64(1)}});
      auto r = paged(params, rows, "EnabledServicePrincipals", [](const json::object& o) { return o; });
      if (!r) return std::move(r).error();
      return json::value(std::move(r).value());
    });
  });

  // ---- delegated administrators --------------------------------------------------------------
  on("RegisterDelegatedAdministrator", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      const std::string sp = param_str(params, "ServicePrincipal");
      auto a = account(d, c.org.id, param_str(params, "AccountId"));
      if (!a) return AccountNotFound();
      if (!recognized_service_principal(sp)) return InvalidInput("UNRECOGNIZED_SERVICE_PRINCIPAL");
      if (a->id == c.org.management_account_id) return Constraint("CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR");
      if (c.org.feature_set != "ALL") return Constraint("ORGANIZATION_NOT_IN_ALL_FEATURES_MODE");
      auto ta = d.prepare("SELECT 1 FROM org_service_access WHERE org_id=? AND service_principal=?");
      ta.bind(1, c.org.id).bind(2, sp);
      if (!ta.step()) return Constraint("SERVICE_ACCESS_NOT_ENABLED");
      if (a->closed_at) return Constraint("CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR");
      auto st = d.prepare(
          "SELECT sum(account_id=?), count(*) FROM org_delegated_admins WHERE org_id=? AND service_principal=?");
      st.bind(1, a->id).bind(2, c.org.id).bind(3, sp);
      st.step();
      if (!st.is_null(0) && st.i64(0) > 0)
        return OrgError("AccountAlreadyRegisteredException",
                        "The specified account is already a delegated administrator for this Amazon Web Services "
                        "service.");
      if (st.i64(1) >= deps_.quotas.get(kQuotaDelegatedAdmins, 3))
        return Constraint("MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED");
      d.prepare("INSERT INTO org_delegated_admins(org_id, account_id, service_principal, enabled_at) VALUES(?,?,?,?)")
          .bind(1, c.org.id).bind(2, a->id).bind(3, sp).bind(4, deps_.clock.now_seconds()).run();
      return empty();
    });
  });

  on("DeregisterDelegatedAdministrator", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Member, [&](Database& d, Caller& c) -> OperationResult {
      const std::string sp = param_str(params, "ServicePrincipal"), id = param_str(params, "AccountId");
      // The management account, or the delegated administrator removing itself.
      if (!c.management && c.account_id != id) return AccessDeniedOrg();
      auto a = account(d, c.org.id, id);
      if (!a) return AccountNotFound();
      if (!recognized_service_principal(sp)) return InvalidInput("UNRECOGNIZED_SERVICE_PRINCIPAL");
      auto st = d.prepare("DELETE FROM org_delegated_admins WHERE org_id=? AND account_id=? AND service_principal=?");
      st.bind(1, c.org.id).bind(2, id).bind(3, sp).run();
      if (d.changes() == 0) return AccountNotRegistered();
      return empty();
    });
  });

  on("ListDelegatedAdministrators", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      const std::string sp = param_str(params, "ServicePrincipal");
      if (!sp.empty() && !recognized_service_principal(sp)) return InvalidInput("UNRECOGNIZED_SERVICE_PRINCIPAL");
      auto st = d.prepare(
          "SELECT account_id, min(enabled_at) FROM org_delegated_admins WHERE org_id=? AND (?='' OR "
          "service_principal=?) GROUP BY account_id ORDER BY min(enabled_at), account_id");
      st.bind(1, c.org.id).bind(2, sp).bind(3, sp);
      std::vector<std::pair<std::string, double>> ids_;
      while (st.step()) ids_.emplace_back(st.text(0), st.f64(1));
      std::vector<json::object> rows;
      for (const auto& [id, since] : ids_) {
        auto a = account(d, c.org.id, id);
        if (!a) continue;
        json::object o = account_json(d, c.org, *a);
        o.erase("Paths");
        o["DelegationEnabledDate"] = since;
        rows.push_back(std::move(o));
      }
      auto r = paged(params, rows, "DelegatedAdministrators", [](const json::object& o) { return o; });
      if (!r) return std::move(r).error();
      return json::value(std::move(r).value());
    });
  });

  on("ListDelegatedServicesForAccount", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      auto a = account(d, c.org.id, param_str(params, "AccountId"));
      if (!a) return AccountNotFound();
      auto st = d.prepare(
          "SELECT service_principal, enabled_at FROM org_delegated_admins WHERE org_id=? AND account_id=? "
          "ORDER BY enabled_at, rowid");
      st.bind(1, c.org.id).bind(2, a->id);
      std::vector<json::object> rows;
      while (st.step())
        rows.push_back(json::object{{"ServicePrincipal", st.text(0)}, {"DelegationEnabledDate", st.f64(1)}});
      if (rows.empty()) return AccountNotRegistered();
      auto r = paged(params, rows, "DelegatedServices", [](const json::object& o) { return o; });
      if (!r) return std::move(r).error();
      return json::value(std::move(r).value());
    });
  });

  // ---- tags ----------------------------------------------------------------------------------
  // Roots, OUs, accounts and the organization's own policies can be tagged.
  auto taggable = [this, target](Database& d, const OrgRow& o, const std::string& id) {
    if (target(d, o, id)) return true;
    auto p = policy_row(d, o.id, id);
    return p && !p->aws_managed;
  };

  on("TagResource", [this, taggable](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      const std::string id = param_str(params, "ResourceId");
      if (!taggable(d, c.org, id)) return TargetNotFound();
      json::array tags;
      if (auto t = param(params, "Tags"); t && t->is_array()) tags = t->get_array();
      if (auto st = check_tags(d, c.org.id, id, tags); !st) return std::move(st).error();
      put_tags(d, c.org.id, id, tags);
      return empty();
    });
  });

  on("UntagResource", [this, taggable](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      const std::string id = param_str(params, "ResourceId");
      if (!taggable(d, c.org, id)) return TargetNotFound();
      if (auto keys = param(params, "TagKeys"); keys && keys->is_array())
        for (const auto& k : keys->get_array()) {
          if (!k.is_string()) continue;
          if (std::string(k.get_string()).rfind("aws:", 0) == 0) return InvalidInput("INVALID_SYSTEM_TAGS_PARAMETER");
          d.prepare("DELETE FROM org_tags WHERE org_id=? AND resource_id=? AND key=?")
              .bind(1, c.org.id).bind(2, id).bind(3, std::string(k.get_string())).run();
        }
      return empty();
    });
  });

  on("ListTagsForResource", [this, taggable](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      const std::string id = param_str(params, "ResourceId");
      if (!taggable(d, c.org, id)) return TargetNotFound();
      auto st = d.prepare("SELECT key, value FROM org_tags WHERE org_id=? AND resource_id=? ORDER BY key");
      st.bind(1, c.org.id).bind(2, id);
      std::vector<json::object> rows;
      while (st.step()) rows.push_back(json::object{{"Key", st.text(0)}, {"Value", st.text(1)}});
      auto p = page(params, rows.size(), 50);
      if (!p) return std::move(p).error();
      json::array arr;
      for (size_t i = p->begin; i < p->end; ++i) arr.push_back(rows[i]);
      json::object out{{"Tags", std::move(arr)}};
      if (p->next_token) out["NextToken"] = *p->next_token;
      return json::value(std::move(out));
    });
  });
}

}  // namespace orgroot::services::organizations
