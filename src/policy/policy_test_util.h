// Helpers shared by the policy engine's tests (header only; not part of the library).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/evaluator.h"
#include "policy/policy_document.h"
#include "policy/request_context.h"

namespace orgroot::policy::testing {

inline PolicyPtr MustCompile(std::string_view doc, PolicyKind kind = PolicyKind::Identity) {
  auto r = CompilePolicy(doc, {.kind = kind});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message) << "\n" << doc;
  return r.ok() ? r.value() : nullptr;
}

// The message of the error CompilePolicy answers ("" when it compiles).
inline std::string CompileError(std::string_view doc, CompileOptions opt = {}) {
  auto r = CompilePolicy(doc, opt);
  return r.ok() ? std::string() : r.error().message;
}

// An IAM user of account 111122223333.
inline PrincipalFacts User(std::string name = "alice", std::string account = "111122223333") {
  PrincipalFacts p;
  p.kind = PrincipalKind::User;
  p.account = account;
  p.arn = "arn:aws:iam::" + account + ":user/" + name;
  p.user_id = "AIDAEXAMPLEUSERID0001";
  p.user_name = std::move(name);
  return p;
}

inline PrincipalFacts RoleSession(std::string role = "Admin", std::string session = "s1",
                                  std::string account = "111122223333") {
  PrincipalFacts p;
  p.kind = PrincipalKind::AssumedRole;
  p.account = account;
  p.arn = "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + session;
  p.role_arn = "arn:aws:iam::" + account + ":role/" + role;
  p.user_id = "AROAEXAMPLEROLEID0001:" + session;
  p.user_name = session;
  return p;
}

inline PrincipalFacts Root(std::string account = "111122223333") {
  PrincipalFacts p;
  p.kind = PrincipalKind::Root;
  p.account = account;
  p.arn = "arn:aws:iam::" + account + ":root";
  p.user_id = account;
  return p;
}

inline RequestContext Ctx(std::string_view action, std::string_view resource, PrincipalFacts who = User(),
                          std::string_view resource_account = "") {
  RequestContext c;
  c.SetAction(action);
  c.SetResource(resource);
  c.SetPrincipal(std::move(who));
  c.AddPrincipalKeys();
  if (!resource_account.empty()) c.SetResourceAccount(resource_account);
  return c;
}

inline Decision Eval(const PolicyPtr& p, const RequestContext& c) { return p ? p->Evaluate(c).decision : Decision::NotApplicable; }

// {"Version":"2012-10-17","Statement":[<statements>]}
inline std::string Doc(std::string_view statements, std::string_view version = "2012-10-17") {
  std::string d = "{";
  if (!version.empty()) d += "\"Version\":\"" + std::string(version) + "\",";
  d += "\"Statement\":[" + std::string(statements) + "]}";
  return d;
}

}  // namespace orgroot::policy::testing
