// Organizations: what the authorizer and IAM ask (OrganizationView), the settlement of
// CreateAccount requests, and the compiled-SCP cache.
#include <spdlog/spdlog.h>

#include <limits>

#include "policy/policy_document.h"
#include "services/organizations/organizations_service.h"

namespace orgroot::services::organizations {

namespace json = boost::json;
using store::Database;

namespace {
struct Settled {
  std::string account_id, name, email, role, management_account_id;
  double joined_at = 0;  // when CreateAccount completed: the root user's CreateDate too
};
}  // namespace

void OrganizationsService::settle(bool force) {
  const double now = deps_.clock.now_seconds();
  // The common case (nothing due) costs no read at all while the database stays unchanged: the
  // authorizer asks membership() and scp_chain() on every request.
  const uint64_t generation = deps_.db.generation();
  if (!force) {
    std::lock_guard lk(settle_mu_);
    if (settled_generation_ == generation && now < next_due_) return;
  }
  const double next_due = deps_.db.run([&](Database& d) {
    auto st = d.prepare("SELECT MIN(due_at) FROM org_create_account_requests WHERE state='IN_PROGRESS'");
    st.step();
    return st.is_null(0) ? std::numeric_limits<double>::infinity() : st.f64(0);
  });
  {
    std::lock_guard lk(settle_mu_);
    settled_generation_ = generation;
    next_due_ = next_due;
  }
  const bool pending = force ? next_due != std::numeric_limits<double>::infinity() : next_due <= now;
  if (!pending) return;
  std::vector<Settled> done = deps_.db.transaction([&](Database& d) {
    std::vector<Settled> out;
    if (force)
      d.prepare("UPDATE org_create_account_requests SET due_at=? WHERE state='IN_PROGRESS' AND due_at>?")
          .bind(1, now).bind(2, now).run();
    auto st = d.prepare(
        "SELECT request_id, org_id, account_name, email, account_id, role_name, tags_json, failure_reason, due_at "
        "FROM org_create_account_requests WHERE state='IN_PROGRESS' AND due_at<=? ORDER BY due_at");
    st.bind(1, now);
    struct Row {
      std::string id, org, name, email, account, role, tags;
      std::optional<std::string> failure;
      double due;
    };
    std::vector<Row> rows;
    while (st.step())
      rows.push_back(Row{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6),
                         st.opt_text(7), st.f64(8)});
    for (const auto& r : rows) {
      auto org = org_by_id(d, r.org);
      if (r.failure || !org) {
        d.prepare("UPDATE org_create_account_requests SET state='FAILED', completed_at=?, failure_reason=? "
                  "WHERE request_id=?")
            .bind(1, r.due).bind(2, r.failure.value_or("INTERNAL_FAILURE")).bind(3, r.id).run();
        continue;
      }
      d.prepare("UPDATE org_create_account_requests SET state='SUCCEEDED', completed_at=? WHERE request_id=?")
          .bind(1, r.due).bind(2, r.id).run();
      d.prepare("INSERT INTO org_accounts(account_id, org_id, parent_id, name, email, joined_method, joined_at) "
                "VALUES(?,?,?,?,?,'CREATED',?)")
          .bind(1, r.account).bind(2, org->id).bind(3, org->root_id).bind(4, r.name).bind(5, r.email).bind(6, r.due)
          .run();
      if (policy_type_enabled(d, *org, kScp)) attach(d, org->id, kFullAwsAccessId, r.account);
      boost::system::error_code ec;
      auto tags = json::parse(r.tags, ec);
      if (!ec && tags.is_array()) put_tags(d, org->id, r.account, tags.get_array());
      out.push_back(Settled{r.account, r.name, r.email, r.role, org->management_account_id, r.due});
    }
    return out;
  });
  // Outside the transaction: the identity store and IAM take the database lock themselves.
  for (const auto& s : done) {
    deps_.identity.put_account(store::AccountRecord{s.account_id, s.name, s.email, s.joined_at});
    if (provisioner_) {
      auto st = provisioner_->provision_member_account(s.account_id, s.name, s.email, s.role, s.management_account_id);
      if (!st) spdlog::error("provisioning account {} failed: {}", s.account_id, st.error().message);
    }
  }
}

std::optional<OrgMembership> OrganizationsService::membership(const std::string& account_id) {
  settle();
  return memberships_.get(account_id, [&] {
    return deps_.db.run([&](Database& d) -> std::optional<OrgMembership> {
      auto o = org_of_account(d, account_id);
      if (!o) return std::nullopt;
      return OrgMembership{o->id, o->management_account_id, o->management_account_id == account_id,
                           o->feature_set == "ALL"};
    });
  });
}

std::vector<policy::PolicyLevel> OrganizationsService::scp_chain(const std::string& account_id) {
  settle();
  return scp_chains_.get(account_id, [&] { return read_scp_chain(account_id); });
}

std::vector<policy::PolicyLevel> OrganizationsService::read_scp_chain(const std::string& account_id) {
  struct Level {
    std::vector<std::pair<std::string, std::string>> policies;  // id, content
  };
  auto levels = deps_.db.run([&](Database& d) -> std::vector<Level> {
    auto o = org_of_account(d, account_id);
    if (!o || o->management_account_id == account_id || !policy_type_enabled(d, *o, kScp)) return {};
    auto a = account(d, o->id, account_id);
    if (!a) return {};
    std::vector<std::string> chain{account_id};
    std::string cur = a->parent_id;
    for (int guard = 0; guard < 64 && !cur.empty(); ++guard) {
      auto n = node(d, o->id, cur);
      if (!n) break;
      chain.push_back(n->id);
      if (n->kind == "ROOT") break;
      cur = n->parent_id;
    }
    std::vector<Level> out;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      Level l;
      for (const auto& pid : attached(d, o->id, *it, kScp))
        if (auto p = policy_row(d, o->id, pid)) l.policies.emplace_back(p->id, p->content);
      out.push_back(std::move(l));
    }
    return out;
  });
  std::vector<policy::PolicyLevel> out;
  for (const auto& l : levels) {
    policy::PolicyLevel level;
    for (const auto& [id, content] : l.policies)
      if (auto p = compiled(id, content)) level.push_back(std::move(p));
    out.push_back(std::move(level));
  }
  return out;
}

bool OrganizationsService::trusted_access_enabled(const std::string& service_principal) {
  return deps_.db.run([&](Database& d) {
    auto o = org_of_account(d, deps_.management_account_id);
    if (!o) return false;
    auto st = d.prepare("SELECT 1 FROM org_service_access WHERE org_id=? AND service_principal=?");
    st.bind(1, o->id).bind(2, service_principal);
    return st.step();
  });
}

std::vector<std::string> OrganizationsService::delegated_administrators(const std::string& service_principal) {
  return deps_.db.run([&](Database& d) {
    std::vector<std::string> out;
    auto o = org_of_account(d, deps_.management_account_id);
    if (!o) return out;
    auto st = d.prepare(
        "SELECT account_id FROM org_delegated_admins WHERE org_id=? AND service_principal=? ORDER BY enabled_at");
    st.bind(1, o->id).bind(2, service_principal);
    while (st.step()) out.push_back(st.text(0));
    return out;
  });
}

bool OrganizationsService::account_active(const std::string& account_id) {
  settle();
  return deps_.db.run([&](Database& d) {
    auto st = d.prepare("SELECT 1 FROM org_accounts WHERE account_id=? AND closed_at IS NULL");
    st.bind(1, account_id);
    return st.step();
  });
}

policy::PolicyPtr OrganizationsService::compiled(const std::string& policy_id, const std::string& content) {
  {
    std::lock_guard lk(cache_mu_);
    auto it = compiled_.find(policy_id);
    if (it != compiled_.end()) return it->second;
  }
  policy::CompileOptions opt;
  opt.kind = policy::PolicyKind::ServiceControl;
  opt.dialect = policy::ErrorDialect::Organizations;
  auto p = policy::CompilePolicy(content, opt);
  if (!p) {
    spdlog::error("stored SCP {} does not compile: {}", policy_id, p.error().message);
    return nullptr;
  }
  std::lock_guard lk(cache_mu_);
  compiled_[policy_id] = p.value();
  return p.value();
}

void OrganizationsService::forget_compiled(const std::string& policy_id) {
  std::lock_guard lk(cache_mu_);
  compiled_.erase(policy_id);
}

}  // namespace orgroot::services::organizations
