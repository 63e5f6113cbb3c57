// Organizations: the organization itself, member accounts (CreateAccount, Move, Remove, Close)
// and the tree (ListRoots, ListParents, ListChildren, organizational units).
#include <fmt/format.h>

#include <algorithm>

#include "services/organizations/org_errors.h"
#include "services/organizations/organizations_service.h"

namespace orgroot::services::organizations {

namespace json = boost::json;
using store::Database;

namespace {
json::value empty() { return json::object{}; }
}  // namespace

OperationResult OrganizationsService::remove_member(Database& d, const OrgRow& org, const std::string& account_id) {
  auto da = d.prepare("SELECT 1 FROM org_delegated_admins WHERE org_id=? AND account_id=?");
  da.bind(1, org.id).bind(2, account_id);
  if (da.step()) return Constraint("CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG");
  d.prepare("DELETE FROM org_accounts WHERE account_id=?").bind(1, account_id).run();
  d.prepare("DELETE FROM org_attachments WHERE org_id=? AND target_id=?").bind(1, org.id).bind(2, account_id).run();
  d.prepare("DELETE FROM org_tags WHERE org_id=? AND resource_id=?").bind(1, org.id).bind(2, account_id).run();
  return empty();
}

void OrganizationsService::register_structure_handlers() {
  // ---- the organization ----------------------------------------------------------------------
  on("CreateOrganization", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    const std::string me = ctx.principal.account_id;
    auto rec = deps_.identity.get_account(me);  // outside the transaction: the store locks on its own
    std::string feature_set = param_str(params, "FeatureSet", "ALL");
    return deps_.db.transaction([&](Database& d) -> OperationResult {
      if (org_of_account(d, me)) return AlreadyInOrganization();
      OrgRow o{"o-" + ids::lower_alnum(deps_.random, 10), me, feature_set, "r-" + ids::lower_alnum(deps_.random, 4),
               deps_.clock.now_seconds()};
      d.prepare("INSERT INTO org_organizations(org_id, management_account_id, feature_set, root_id, created_at) "
                "VALUES(?,?,?,?,?)")
          .bind(1, o.id).bind(2, me).bind(3, o.feature_set).bind(4, o.root_id).bind(5, o.created_at).run();
      d.prepare("INSERT INTO org_nodes(node_id, org_id, kind, name, parent_id, depth, created_at) "
                "VALUES(?,?,'ROOT','Root','',0,?)")
          .bind(1, o.root_id).bind(2, o.id).bind(3, o.created_at).run();
      d.prepare("INSERT INTO org_accounts(account_id, org_id, parent_id, name, email, joined_method, joined_at) "
                "VALUES(?,?,?,?,?,'INVITED',?)")
          .bind(1, me).bind(2, o.id).bind(3, o.root_id)
          .bind(4, rec ? rec->name : std::string("management"))
          .bind(5, rec ? rec->email : fmt::format("root@{}.orgroot.local", me))
          .bind(6, rec && rec->created_at > 0 ? rec->created_at : o.created_at)
          .run();
      return json::value(json::object{{"Organization", organization_json(d, o)}});
    });
  });

  on("DescribeOrganization", [this](CallContext& ctx, const json::object&) -> OperationResult {
    return with_org(ctx, Access::Member, [&](Database& d, Caller& c) -> OperationResult {
      return json::value(json::object{{"Organization", organization_json(d, c.org)}});
    });
  });

  on("DeleteOrganization", [this](CallContext& ctx, const json::object&) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      auto st = d.prepare("SELECT count(*) FROM org_accounts WHERE org_id=? AND account_id<>?");
      st.bind(1, c.org.id).bind(2, c.org.management_account_id);
      st.step();
      if (st.i64(0) > 0)
        return OrgError("OrganizationNotEmptyException",
                        "The organization isn't empty. To delete an organization, you must first remove all accounts "
                        "except the management account.");
      for (const char* table : {"org_nodes", "org_accounts", "org_create_account_requests", "org_policies",
                                "org_attachments", "org_service_access", "org_delegated_admins", "org_tags",
                                "org_organizations"})
        d.prepare(fmt::format("DELETE FROM {} WHERE org_id=?", table)).bind(1, c.org.id).run();
      d.prepare("DELETE FROM org_policy_types WHERE root_id=?").bind(1, c.org.root_id).run();
      return empty();
    });
  });

  on("EnableAllFeatures", [this](CallContext& ctx, const json::object&) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      if (c.org.feature_set == "ALL")
        return OrgError("HandshakeConstraintViolationException", "All features are already enabled on this organization.")
            .with("Reason", "ORGANIZATION_ALREADY_HAS_ALL_FEATURES");
      d.prepare("UPDATE org_organizations SET feature_set='ALL' WHERE org_id=?").bind(1, c.org.id).run();
      const double now = deps_.clock.now_seconds();
      const std::string hid = "h-" + ids::lower_alnum(deps_.random, 10);
      json::object hs;
      hs["Id"] = hid;
      hs["Arn"] = arn(c.org, "handshake", "enable_all_features/" + hid);
      hs["Parties"] = json::array{json::object{{"Id", c.org.id.substr(2)}, {"Type", "ORGANIZATION"}}};
      hs["State"] = "REQUESTED";
      hs["RequestedTimestamp"] = now;
      hs["ExpirationTimestamp"] = now + 90.0 * 86400;
      hs["Action"] = "ENABLE_ALL_FEATURES";
      hs["Resources"] = json::array{json::object{{"Value", c.org.id}, {"Type", "ORGANIZATION"}}};
      return json::value(json::object{{"Handshake", std::move(hs)}});
    });
  });

  // ---- accounts ------------------------------------------------------------------------------
  on("CreateAccount", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    std::string role = param_str(params, "RoleName", kDefaultAccessRole);
    if (role.rfind("AWSServiceRoleFor", 0) == 0) return InvalidInput("INVALID_ROLE_NAME");
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      const std::string email = param_str(params, "Email");
      const std::string name = param_str(params, "AccountName");
      json::array tags;
      if (auto t = param(params, "Tags"); t && t->is_array()) tags = t->get_array();
      // The tags are checked now, for an account that has none yet.
      if (auto st = check_tags(d, c.org.id, "", tags); !st) return std::move(st).error();

      std::optional<std::string> failure;
      auto cnt = d.prepare(
          "SELECT (SELECT count(*) FROM org_accounts WHERE org_id=?1) + (SELECT count(*) FROM "
          "org_create_account_requests WHERE org_id=?1 AND state='IN_PROGRESS' AND failure_reason IS NULL)");
      cnt.bind(1, c.org.id);
      cnt.step();
      if (email_in_use(d, email)) failure = "EMAIL_ALREADY_EXISTS";
      else if (cnt.i64(0) >= deps_.quotas.get(kQuotaAccounts, 10)) failure = "ACCOUNT_LIMIT_EXCEEDED";

      std::string account_id;
      for (int i = 0; i < 100; ++i) {
        account_id = ids::digits(deps_.random, 12);
        auto chk = d.prepare(
            "SELECT 1 FROM accounts WHERE account_id=?1 UNION ALL SELECT 1 FROM org_accounts WHERE account_id=?1 "
            "UNION ALL SELECT 1 FROM org_create_account_requests WHERE account_id=?1");
        chk.bind(1, account_id);
        if (account_id[0] != '0' && !chk.step()) break;
      }
      const double now = deps_.clock.now_seconds();
      const std::string id = "car-" + ids::lower_alnum(deps_.random, 32);
      d.prepare("INSERT INTO org_create_account_requests(request_id, org_id, account_name, email, account_id, "
                "role_name, tags_json, state, failure_reason, requested_at, due_at) "
                "VALUES(?,?,?,?,?,?,?,'IN_PROGRESS',?,?,?)")
          .bind(1, id).bind(2, c.org.id).bind(3, name).bind(4, email).bind(5, account_id).bind(6, role)
          .bind(7, json::serialize(tags)).bind(8, failure).bind(9, now).bind(10, now + kCreateAccountSeconds)
          .run();
      json::object status{{"Id", id}, {"AccountName", name}, {"State", "IN_PROGRESS"}, {"RequestedTimestamp", now}};
      return json::value(json::object{{"CreateAccountStatus", std::move(status)}});
    });
  });

  auto status_json = [](const store::Statement& st) {
    // request_id, account_name, state, requested_at, completed_at, account_id, failure_reason
    json::object o{{"Id", st.text(0)}, {"AccountName", st.text(1)}, {"State", st.text(2)},
                   {"RequestedTimestamp", st.f64(3)}};
    if (!st.is_null(4)) o["CompletedTimestamp"] = st.f64(4);
    if (st.text(2) == "SUCCEEDED") o["AccountId"] = st.text(5);
    if (st.text(2) == "FAILED" && !st.is_null(6)) o["FailureReason"] = st.text(6);
    return o;
  };
  static constexpr const char* kStatusCols =
      "request_id, account_name, state, requested_at, completed_at, account_id, failure_reason";

  on("DescribeCreateAccountStatus", [this, status_json](CallContext& ctx, const json::object& params) -> OperationResult {
    settle(/*force=*/true);  // a poll finds the request done
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      auto st = d.prepare(fmt::format("SELECT {} FROM org_create_account_requests WHERE org_id=? AND request_id=?",
                                      kStatusCols));
      st.bind(1, c.org.id).bind(2, param_str(params, "CreateAccountRequestId"));
      if (!st.step()) return CreateAccountStatusNotFound();
      return json::value(json::object{{"CreateAccountStatus", status_json(st)}});
    });
  });

  on("ListCreateAccountStatus", [this, status_json](CallContext& ctx, const json::object& params) -> OperationResult {
    settle(/*force=*/true);
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      std::vector<std::string> states;
      if (auto s = param(params, "States"); s && s->is_array())
        for (const auto& v : s->get_array())
          if (v.is_string()) states.emplace_back(v.get_string());
      auto st = d.prepare(fmt::format(
          "SELECT {} FROM org_create_account_requests WHERE org_id=? ORDER BY requested_at, rowid", kStatusCols));
      st.bind(1, c.org.id);
      std::vector<json::object> rows;
      while (st.step())
        if (states.empty() || std::find(states.begin(), states.end(), st.text(2)) != states.end())
          rows.push_back(status_json(st));
      auto r = paged(params, rows, "CreateAccountStatuses", [](const json::object& o) { return o; });
      if (!r) return std::move(r).error();
      return json::value(std::move(r).value());
    });
  });

  on("DescribeAccount", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      auto a = account(d, c.org.id, param_str(params, "AccountId"));
      if (!a) return AccountNotFound();
      return json::value(json::object{{"Account", account_json(d, c.org, *a)}});
    });
  });

  on("ListAccounts", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      auto r = paged(params, accounts(d, c.org.id), "Accounts",
                     [&](const AccountRow& a) { return account_json(d, c.org, a); });
      if (!r) return std::move(r).error();
      return json::value(std::move(r).value());
    });
  });

  on("ListAccountsForParent", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      std::string parent = param_str(params, "ParentId");
      if (!node(d, c.org.id, parent)) return ParentNotFound();
      auto r = paged(params, accounts(d, c.org.id, parent), "Accounts",
                     [&](const AccountRow& a) { return account_json(d, c.org, a); });
      if (!r) return std::move(r).error();
      return json::value(std::move(r).value());
    });
  });

  on("MoveAccount", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      auto a = account(d, c.org.id, param_str(params, "AccountId"));
      if (!a) return AccountNotFound();
      std::string src = param_str(params, "SourceParentId"), dst = param_str(params, "DestinationParentId");
      if (!node(d, c.org.id, src))
        return OrgError("SourceParentNotFoundException",
                        "We can't find a source root or OU with the ParentId that you specified.");
      if (!node(d, c.org.id, dst))
        return OrgError("DestinationParentNotFoundException",
                        "We can't find the destination container (a root or OU) with the ParentId that you "
                        "specified.");
      if (a->parent_id != src) return AccountNotFound();
      if (src == dst)
        return OrgError("DuplicateAccountException", "That account is already present in the specified destination.");
      d.prepare("UPDATE org_accounts SET parent_id=? WHERE account_id=?").bind(1, dst).bind(2, a->id).run();
      return empty();
    });
  });

  on("RemoveAccountFromOrganization", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      auto a = account(d, c.org.id, param_str(params, "AccountId"));
      if (!a) return AccountNotFound();
      if (a->id == c.org.management_account_id) return Constraint("ACCOUNT_CANNOT_LEAVE_ORGANIZATION");
      return remove_member(d, c.org, a->id);
    });
  });

  // A member account leaving on its own.
  on("LeaveOrganization", [this](CallContext& ctx, const json::object&) -> OperationResult {
    return with_org(ctx, Access::Member, [&](Database& d, Caller& c) -> OperationResult {
      if (c.management)
        return OrgError("MasterCannotLeaveOrganizationException",
                        "You can't remove a management account from an organization. If you want the management "
                        "account to become a member account in another organization, you must first delete the "
                        "current organization of the management account.");
      return remove_member(d, c.org, c.account_id);
    });
  });

  on("CloseAccount", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      auto a = account(d, c.org.id, param_str(params, "AccountId"));
      if (!a) return AccountNotFound();
      if (a->id == c.org.management_account_id) return Constraint("CANNOT_CLOSE_MANAGEMENT_ACCOUNT");
      if (a->closed_at)
        return OrgError("AccountAlreadyClosedException", "You attempted to close an account that is already closed.");
      const double now = deps_.clock.now_seconds();
      auto st = d.prepare(
          "SELECT count(*), sum(CASE WHEN closed_at IS NOT NULL AND closed_at > ? THEN 1 ELSE 0 END) "
          "FROM org_accounts WHERE org_id=? AND account_id<>?");
      st.bind(1, now - 30.0 * 86400).bind(2, c.org.id).bind(3, c.org.management_account_id);
      st.step();
      const int64_t members = st.i64(0), recent = st.is_null(1) ? 0 : st.i64(1);
      const int64_t limit = deps_.quotas.get(kQuotaClosures, std::clamp<int64_t>(members / 10, 10, 1000));
      if (recent >= limit) return Constraint("CLOSE_ACCOUNT_QUOTA_EXCEEDED");
      d.prepare("UPDATE org_accounts SET closed_at=? WHERE account_id=?").bind(1, now).bind(2, a->id).run();
      return empty();
    });
  });

  // ---- the tree ------------------------------------------------------------------------------
  on("ListRoots", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      std::vector<int> one{0};
      auto r = paged(params, one, "Roots", [&](int) { return root_json(d, c.org); });
      if (!r) return std::move(r).error();
      return json::value(std::move(r).value());
    });
  });

  on("ListParents", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      std::string child = param_str(params, "ChildId");
      std::string parent;
      if (auto a = account(d, c.org.id, child)) parent = a->parent_id;
      else if (auto n = node(d, c.org.id, child); n && n->kind == "ORGANIZATIONAL_UNIT") parent = n->parent_id;
      else return ChildNotFound();
      auto pn = node(d, c.org.id, parent);
      std::vector<json::object> parents{
          json::object{{"Id", parent}, {"Type", pn && pn->kind == "ROOT" ? "ROOT" : "ORGANIZATIONAL_UNIT"}}};
      auto r = paged(params, parents, "Parents", [](const json::object& o) { return o; });
      if (!r) return std::move(r).error();
      return json::value(std::move(r).value());
    });
  });

  on("ListChildren", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      std::string parent = param_str(params, "ParentId"), type = param_str(params, "ChildType");
      if (!node(d, c.org.id, parent)) return ParentNotFound();
      std::vector<std::string> ids_;
      if (type == "ACCOUNT")
        for (const auto& a : accounts(d, c.org.id, parent)) ids_.push_back(a.id);
      else
        for (const auto& n : ous_under(d, c.org.id, parent)) ids_.push_back(n.id);
      auto r = paged(params, ids_, "Children",
                     [&](const std::string& id) { return json::object{{"Id", id}, {"Type", type}}; });
      if (!r) return std::move(r).error();
      return json::value(std::move(r).value());
    });
  });

  // ---- organizational units ------------------------------------------------------------------
  on("CreateOrganizationalUnit", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      auto parent = node(d, c.org.id, param_str(params, "ParentId"));
      if (!parent) return ParentNotFound();
      const std::string name = param_str(params, "Name");
      for (const auto& sib : ous_under(d, c.org.id, parent->id))
        if (sib.name == name)
          return OrgError("DuplicateOrganizationalUnitException", "An OU with the same name already exists.");
      if (parent->depth + 1 > deps_.quotas.get(kQuotaOuDepth, 5)) return Constraint("OU_DEPTH_LIMIT_EXCEEDED");
      auto cnt = d.prepare("SELECT count(*) FROM org_nodes WHERE org_id=? AND kind='ORGANIZATIONAL_UNIT'");
      cnt.bind(1, c.org.id);
      cnt.step();
      if (cnt.i64(0) >= deps_.quotas.get(kQuotaOus, 2000)) return Constraint("OU_NUMBER_LIMIT_EXCEEDED");
      json::array tags;
      if (auto t = param(params, "Tags"); t && t->is_array()) tags = t->get_array();
      if (auto st = check_tags(d, c.org.id, "", tags); !st) return std::move(st).error();

      NodeRow n{"ou-" + c.org.root_id.substr(2) + "-" + ids::lower_alnum(deps_.random, 8), c.org.id,
                "ORGANIZATIONAL_UNIT", name, parent->id, parent->depth + 1};
      d.prepare("INSERT INTO org_nodes(node_id, org_id, kind, name, parent_id, depth, created_at) "
                "VALUES(?,?,?,?,?,?,?)")
          .bind(1, n.id).bind(2, n.org_id).bind(3, n.kind).bind(4, n.name).bind(5, n.parent_id).bind(6, n.depth)
          .bind(7, deps_.clock.now_seconds()).run();
      if (policy_type_enabled(d, c.org, kScp)) attach(d, c.org.id, kFullAwsAccessId, n.id);
      put_tags(d, c.org.id, n.id, tags);
      return json::value(json::object{{"OrganizationalUnit", ou_json(d, c.org, n)}});
    });
  });

  on("DescribeOrganizationalUnit", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      auto n = node(d, c.org.id, param_str(params, "OrganizationalUnitId"));
      if (!n || n->kind != "ORGANIZATIONAL_UNIT") return OuNotFound();
      return json::value(json::object{{"OrganizationalUnit", ou_json(d, c.org, *n)}});
    });
  });

  on("UpdateOrganizationalUnit", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      auto n = node(d, c.org.id, param_str(params, "OrganizationalUnitId"));
      if (!n || n->kind != "ORGANIZATIONAL_UNIT") return OuNotFound();
      if (auto name = param(params, "Name"); name && name->is_string()) {
        std::string nm(name->get_string());
        for (const auto& sib : ous_under(d, c.org.id, n->parent_id))
          if (sib.name == nm && sib.id != n->id)
            return OrgError("DuplicateOrganizationalUnitException", "An OU with the same name already exists.");
        d.prepare("UPDATE org_nodes SET name=? WHERE node_id=?").bind(1, nm).bind(2, n->id).run();
        n->name = nm;
      }
      return json::value(json::object{{"OrganizationalUnit", ou_json(d, c.org, *n)}});
    });
  });

  on("DeleteOrganizationalUnit", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Management, [&](Database& d, Caller& c) -> OperationResult {
      auto n = node(d, c.org.id, param_str(params, "OrganizationalUnitId"));
      if (!n || n->kind != "ORGANIZATIONAL_UNIT") return OuNotFound();
      if (!accounts(d, c.org.id, n->id).empty() || !ous_under(d, c.org.id, n->id).empty())
        return OrgError("OrganizationalUnitNotEmptyException",
                        "The specified OU is not empty. Move all accounts to another root or OU, remove all child "
                        "OUs, and try the operation again.");
      d.prepare("DELETE FROM org_nodes WHERE node_id=?").bind(1, n->id).run();
      d.prepare("DELETE FROM org_attachments WHERE org_id=? AND target_id=?").bind(1, c.org.id).bind(2, n->id).run();
      d.prepare("DELETE FROM org_tags WHERE org_id=? AND resource_id=?").bind(1, c.org.id).bind(2, n->id).run();
      return empty();
    });
  });

  on("ListOrganizationalUnitsForParent", [this](CallContext& ctx, const json::object& params) -> OperationResult {
    return with_org(ctx, Access::Reader, [&](Database& d, Caller& c) -> OperationResult {
      std::string parent = param_str(params, "ParentId");
      if (!node(d, c.org.id, parent)) return ParentNotFound();
      auto r = paged(params, ous_under(d, c.org.id, parent), "OrganizationalUnits",
                     [&](const NodeRow& n) { return ou_json(d, c.org, n); });
      if (!r) return std::move(r).error();
      return json::value(std::move(r).value());
    });
  });
}

}  // namespace orgroot::services::organizations
