// A fixture for IAM / STS handler tests: an in-memory database, the identity store, a manual clock,
// and an IamService (with the AWS managed policies of data/policies) for account 111111111111.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "auth/principal.h"
#include "services/iam/iam_service.h"
#include "store/db.h"
#include "store/sqlite_identity_store.h"

namespace orgroot::services::iam::testing {

inline constexpr const char* kAccount = "111111111111";
inline constexpr const char* kOther = "222222222222";

class IamFixture : public ::testing::Test {
 protected:
  IamFixture()
      : db(":memory:"),
        identity(db),
        clock(std::chrono::system_clock::from_time_t(1767225600)),  // 2026-01-01
        deps{db, identity, clock, random, kAccount, quotas, ""},
        iam(deps, AwsPolicyCatalog::shared()) {
    identity.put_account({kAccount, "management", "mgmt@example.com", 1700000000});
    identity.put_account({kOther, "member", "member@example.com", 1700000000});
    admin = user_principal(kAccount, "admin");
    store::UserRecord u{kAccount, "admin", "AIDAADMINADMINADMIN00", "/", "arn:aws:iam::111111111111:user/admin", 1};
    identity.put_user(u);
    identity.attach_user_policy(kAccount, "admin", "arn:aws:iam::aws:policy/AdministratorAccess");
  }

  static auth::Principal user_principal(const std::string& account, const std::string& name) {
    auth::Principal p;
    p.type = auth::PrincipalType::IamUser;
    p.account_id = account;
    p.user_name = name;
    p.arn = "arn:aws:iam::" + account + ":user/" + name;
    p.user_id = "AIDA" + name;
    return p;
  }
  static auth::Principal root_principal(const std::string& account) {
    auth::Principal p;
    p.type = auth::PrincipalType::Root;
    p.account_id = account;
    p.arn = "arn:aws:iam::" + account + ":root";
    p.user_id = account;
    return p;
  }

  OperationResult call_as(Service& svc, const auth::Principal& who, const std::string& op, boost::json::object params) {
    const OperationHandler* h = svc.find(op);
    EXPECT_NE(h, nullptr) << op;
    if (!h) return AwsError::InternalFailure("no handler " + op);
    CallContext ctx{who, "req-1", "us-east-1", "127.0.0.1", true};
    return (*h)(ctx, params);
  }
  OperationResult call(const std::string& op, boost::json::object params = {}) {
    return call_as(iam, admin, op, std::move(params));
  }
  boost::json::object ok(const std::string& op, boost::json::object params = {}) {
    auto r = call(op, std::move(params));
    EXPECT_TRUE(r.ok()) << op << ": " << (r.ok() ? "" : r.error().code + " " + r.error().message);
    return r.ok() ? r->as_object() : boost::json::object{};
  }
  AwsError err(const std::string& op, boost::json::object params = {}) {
    auto r = call(op, std::move(params));
    EXPECT_FALSE(r.ok()) << op << " unexpectedly succeeded";
    return r.ok() ? AwsError() : r.error();
  }

  store::Db db;
  store::SqliteIdentityStore identity;
  ManualClock clock;
  SecureRandom random;
  Quotas quotas;
  ServiceDeps deps;
  IamService iam;
  auth::Principal admin;
};

inline std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

inline std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

inline constexpr const char* kAllowAll =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
inline constexpr const char* kAllowS3 =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";

inline std::string trust_for(const std::string& principal_aws) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" + principal_aws +
         R"("},"Action":"sts:AssumeRole"}]})";
}

}  // namespace orgroot::services::iam::testing
