// UpdateUser with NewUserName / NewPath, through IAM as the server builds it (make_iam): the core
// and the credentials service together, so everything keyed by the user's name must follow.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "services/iam/iam_factory.h"
#include "services/iam/totp.h"
#include "store/db.h"
#include "store/sqlite_identity_store.h"

namespace orgroot::services::iam {
namespace test_certs {
std::string make_test_certificate(const std::string& common_name);  // x509_cert_test.cc
}
namespace {

namespace json = boost::json;
const std::string kAcct = "111111111111";
constexpr int64_t kT0 = 1757642190;  // the start of a TOTP step
constexpr const char* kReadOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess";
constexpr const char* kS3Full = "arn:aws:iam::aws:policy/AmazonS3FullAccess";
constexpr const char* kAllowS3 =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";

class IamRenameTest : public ::testing::Test {
 protected:
  IamRenameTest()
      : db(":memory:"),
        identity(db),
        clock(std::chrono::system_clock::time_point(std::chrono::seconds(kT0))),
        deps{db, identity, clock, random, kAcct, quotas, ""},
        parts(make_iam(deps)) {
    identity.put_account({kAcct, "acct", "root@example.com", 1000});
    identity.put_user({kAcct, "admin", "AIDAADMINADMINADMIN00", "/", "arn:aws:iam::111111111111:user/admin", 1});
    identity.attach_user_policy(kAcct, "admin", "arn:aws:iam::aws:policy/AdministratorAccess");
    admin.type = auth::PrincipalType::IamUser;
    admin.account_id = kAcct;
    admin.user_name = "admin";
    admin.arn = "arn:aws:iam::111111111111:user/admin";
  }

  OperationResult call(const std::string& op, json::object params) {
    // The server's STS service answers AssumeRole first; here only IAM's own operations are called.
    for (auto& s : parts.services) {
      if (s->name() != "iam") continue;
      if (const OperationHandler* h = s->find(op)) {
        CallContext ctx{admin, "req", "us-east-1", "127.0.0.1", true};
        return (*h)(ctx, params);
      }
    }
    return AwsError("Test", "no handler " + op);
  }
  json::object ok(const std::string& op, json::object params = {}) {
    auto r = call(op, std::move(params));
    EXPECT_TRUE(r.ok()) << op << ": " << (r.ok() ? "" : r.error().code + " " + r.error().message);
    return r.ok() ? r->as_object() : json::object{};
  }
  AwsError err(const std::string& op, json::object params = {}) {
    auto r = call(op, std::move(params));
    EXPECT_FALSE(r.ok()) << op << " unexpectedly succeeded";
    return r.ok() ? AwsError() : r.error();
  }
  static std::vector<std::string> names(const json::value& list, const char* field) {
    std::vector<std::string> out;
    for (const auto& v : list.as_array()) out.emplace_back(v.at(field).as_string());
    return out;
  }

  // A user with one of everything that is keyed by its name.
  struct Loaded {
    std::string key_id, serial, cert_id;
  };
  Loaded load_user(const std::string& name) {
    Loaded l;
    ok("CreateUser", {{"UserName", name}, {"Path", "/eng/"}, {"PermissionsBoundary", kS3Full},
                      {"Tags", json::array{json::object{{"Key", "team"}, {"Value", "red"}}}}});
    ok("CreateLoginProfile", {{"UserName", name}, {"Password", "First-Passw0rd!"}});
    ok("UpdateLoginProfile", {{"UserName", name}, {"Password", "Second-Passw0rd!"}});
    l.key_id = std::string(ok("CreateAccessKey", {{"UserName", name}}).at("AccessKey").at("AccessKeyId").as_string());
    auto dev = ok("CreateVirtualMFADevice", {{"VirtualMFADeviceName", name + "-phone"}}).at("VirtualMFADevice");
    l.serial = std::string(dev.at("SerialNumber").as_string());
    auto seed = *totp::base32_decode(dev.at("Base32StringSeed").as_string());
    const int64_t step = totp::step_of(kT0);
    ok("EnableMFADevice", {{"UserName", name},
                           {"SerialNumber", l.serial},
                           {"AuthenticationCode1", totp::hotp(seed, step - 1)},
                           {"AuthenticationCode2", totp::hotp(seed, step)}});
    l.cert_id = std::string(ok("UploadSigningCertificate",
                               {{"UserName", name}, {"CertificateBody", test_certs::make_test_certificate(name)}})
                                .at("Certificate")
                                .at("CertificateId")
                                .as_string());
    ok("CreateGroup", {{"GroupName", "devs"}});
    ok("AddUserToGroup", {{"GroupName", "devs"}, {"UserName", name}});
    ok("AttachUserPolicy", {{"UserName", name}, {"PolicyArn", kReadOnly}});
    ok("PutUserPolicy", {{"UserName", name}, {"PolicyName", "inline-s3"}, {"PolicyDocument", kAllowS3}});
    return l;
  }

  store::Db db;
  store::SqliteIdentityStore identity;
  ManualClock clock;
  SecureRandom random;
  Quotas quotas;
  ServiceDeps deps;
  IamParts parts;
  auth::Principal admin;
};

TEST_F(IamRenameTest, EverythingFollowsTheNewName) {
  const Loaded l = load_user("bob");
  const std::string user_id(ok("GetUser", {{"UserName", "bob"}}).at("User").at("UserId").as_string());

  ok("UpdateUser", {{"UserName", "bob"}, {"NewUserName", "robert"}, {"NewPath", "/ops/"}});

  // The old name is gone everywhere.
  for (const char* op : {"GetUser", "GetLoginProfile", "ListAccessKeys", "ListMFADevices", "ListSigningCertificates",
                         "ListGroupsForUser", "ListAttachedUserPolicies", "ListUserPolicies", "ListUserTags"}) {
    auto e = err(op, {{"UserName", "bob"}});
    EXPECT_EQ(e.code, "NoSuchEntity") << op;
    EXPECT_EQ(e.http_status, 404) << op;
  }
  EXPECT_EQ(err("GetUser", {{"UserName", "bob"}}).message, "The user with name bob cannot be found.");

  // The new name has it all, with the new ARN and path, and the same id.
  auto u = ok("GetUser", {{"UserName", "robert"}}).at("User").as_object();
  EXPECT_EQ(u.at("Arn"), "arn:aws:iam::111111111111:user/ops/robert");
  EXPECT_EQ(u.at("Path"), "/ops/");
  EXPECT_EQ(std::string(u.at("UserId").as_string()), user_id);
  EXPECT_EQ(u.at("PermissionsBoundary").at("PermissionsBoundaryArn"), kS3Full);
  ASSERT_EQ(u.at("Tags").as_array().size(), 1u);
  EXPECT_EQ(u.at("Tags").as_array()[0].at("Value"), "red");

  EXPECT_EQ(ok("GetLoginProfile", {{"UserName", "robert"}}).at("LoginProfile").at("UserName"), "robert");
  // The password history moved too: the previous password may not be reused under the new name.
  ok("UpdateAccountPasswordPolicy", {{"PasswordReusePrevention", 2}});
  EXPECT_EQ(err("UpdateLoginProfile", {{"UserName", "robert"}, {"Password", "First-Passw0rd!"}}).code,
            "PasswordPolicyViolation");

  auto keys = ok("ListAccessKeys", {{"UserName", "robert"}}).at("AccessKeyMetadata");
  EXPECT_EQ(names(keys, "AccessKeyId"), std::vector<std::string>{l.key_id});
  EXPECT_EQ(names(keys, "UserName"), std::vector<std::string>{"robert"});
  auto key = identity.get_access_key(l.key_id);  // what the authenticator reads
  ASSERT_TRUE(key);
  EXPECT_EQ(key->user_name, "robert");
  auto owner = identity.get_user(kAcct, key->user_name);
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->arn, "arn:aws:iam::111111111111:user/ops/robert");

  auto mfa = ok("ListMFADevices", {{"UserName", "robert"}}).at("MFADevices");
  EXPECT_EQ(names(mfa, "SerialNumber"), std::vector<std::string>{l.serial});
  EXPECT_EQ(names(mfa, "UserName"), std::vector<std::string>{"robert"});
  auto virt = ok("ListVirtualMFADevices", {{"AssignmentStatus", "Assigned"}}).at("VirtualMFADevices").as_array();
  ASSERT_EQ(virt.size(), 1u);
  EXPECT_EQ(virt[0].at("User").at("UserName"), "robert");

  auto certs = ok("ListSigningCertificates", {{"UserName", "robert"}}).at("Certificates");
  EXPECT_EQ(names(certs, "CertificateId"), std::vector<std::string>{l.cert_id});
  EXPECT_EQ(names(certs, "UserName"), std::vector<std::string>{"robert"});

  EXPECT_EQ(names(ok("ListGroupsForUser", {{"UserName", "robert"}}).at("Groups"), "GroupName"),
            std::vector<std::string>{"devs"});
  EXPECT_EQ(names(ok("GetGroup", {{"GroupName", "devs"}}).at("Users"), "UserName"), std::vector<std::string>{"robert"});
  EXPECT_EQ(names(ok("ListAttachedUserPolicies", {{"UserName", "robert"}}).at("AttachedPolicies"), "PolicyArn"),
            std::vector<std::string>{kReadOnly});
  auto entities = ok("ListEntitiesForPolicy", {{"PolicyArn", kReadOnly}}).at("PolicyUsers");
  EXPECT_EQ(names(entities, "UserName"), std::vector<std::string>{"robert"});
  auto inl = ok("ListUserPolicies", {{"UserName", "robert"}}).at("PolicyNames").as_array();
  ASSERT_EQ(inl.size(), 1u);
  EXPECT_EQ(inl[0], "inline-s3");

  // And nothing is left behind under the old name: a new "bob" starts empty.
  ok("CreateUser", {{"UserName", "bob"}});
  EXPECT_EQ(err("GetLoginProfile", {{"UserName", "bob"}}).code, "NoSuchEntity");
  EXPECT_TRUE(ok("ListAccessKeys", {{"UserName", "bob"}}).at("AccessKeyMetadata").as_array().empty());
  EXPECT_TRUE(ok("ListMFADevices", {{"UserName", "bob"}}).at("MFADevices").as_array().empty());
  EXPECT_TRUE(ok("ListSigningCertificates", {{"UserName", "bob"}}).at("Certificates").as_array().empty());
  EXPECT_TRUE(ok("ListGroupsForUser", {{"UserName", "bob"}}).at("Groups").as_array().empty());
  EXPECT_TRUE(ok("ListUserTags", {{"UserName", "bob"}}).at("Tags").as_array().empty());
  EXPECT_FALSE(ok("GetUser", {{"UserName", "bob"}}).at("User").as_object().contains("PermissionsBoundary"));
  ok("DeleteUser", {{"UserName", "bob"}});
}

TEST_F(IamRenameTest, RenamingOntoAnExistingNameChangesNothing) {
  const Loaded l = load_user("bob");
  ok("CreateUser", {{"UserName", "carol"}});
  auto e = err("UpdateUser", {{"UserName", "bob"}, {"NewUserName", "CAROL"}, {"NewPath", "/moved/"}});
  EXPECT_EQ(e.code, "EntityAlreadyExists");
  EXPECT_EQ(e.message, "User with name CAROL already exists.");
  EXPECT_EQ(e.http_status, 409);

  auto u = ok("GetUser", {{"UserName", "bob"}}).at("User").as_object();
  EXPECT_EQ(u.at("Arn"), "arn:aws:iam::111111111111:user/eng/bob");
  EXPECT_EQ(ok("GetLoginProfile", {{"UserName", "bob"}}).at("LoginProfile").at("UserName"), "bob");
  EXPECT_EQ(identity.get_access_key(l.key_id)->user_name, "bob");
  EXPECT_EQ(ok("ListMFADevices", {{"UserName", "bob"}}).at("MFADevices").as_array().size(), 1u);
  EXPECT_EQ(ok("ListSigningCertificates", {{"UserName", "bob"}}).at("Certificates").as_array().size(), 1u);
  EXPECT_EQ(ok("ListGroupsForUser", {{"UserName", "bob"}}).at("Groups").as_array().size(), 1u);
  EXPECT_TRUE(ok("ListAccessKeys", {{"UserName", "carol"}}).at("AccessKeyMetadata").as_array().empty());
  EXPECT_EQ(err("GetLoginProfile", {{"UserName", "carol"}}).code, "NoSuchEntity");
  EXPECT_EQ(ok("GetUser", {{"UserName", "carol"}}).at("User").at("Arn"), "arn:aws:iam::111111111111:user/carol");

  EXPECT_EQ(err("UpdateUser", {{"UserName", "nobody"}, {"NewUserName", "x"}}).message,
            "The user with name nobody cannot be found.");
}

TEST_F(IamRenameTest, ChangingOnlyTheCaseOrThePath) {
  load_user("dave");
  ok("UpdateUser", {{"UserName", "dave"}, {"NewUserName", "Dave"}});
  auto u = ok("GetUser", {{"UserName", "DAVE"}}).at("User").as_object();
  EXPECT_EQ(u.at("UserName"), "Dave");
  EXPECT_EQ(u.at("Arn"), "arn:aws:iam::111111111111:user/eng/Dave");
  EXPECT_EQ(ok("GetLoginProfile", {{"UserName", "Dave"}}).at("LoginProfile").at("UserName"), "Dave");

  ok("UpdateUser", {{"UserName", "Dave"}, {"NewPath", "/x/y/"}});
  u = ok("GetUser", {{"UserName", "Dave"}}).at("User").as_object();
  EXPECT_EQ(u.at("Arn"), "arn:aws:iam::111111111111:user/x/y/Dave");
  EXPECT_EQ(u.at("Path"), "/x/y/");
  EXPECT_EQ(ok("ListAccessKeys", {{"UserName", "Dave"}}).at("AccessKeyMetadata").as_array().size(), 1u);
}

}  // namespace
}  // namespace orgroot::services::iam
