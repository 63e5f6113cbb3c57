#include "services/iam/credentials_service.h"

#include <gtest/gtest.h>

#include "services/iam/totp.h"
#include "store/sqlite_identity_store.h"

namespace orgroot::services::iam {
namespace test_certs {
std::string make_test_certificate(const std::string& common_name);  // x509_cert_test.cc
}
namespace {

namespace json = boost::json;
const std::string kAcct = "111122223333";
constexpr int64_t kT0 = 1757642190;  // 2025-09-12T01:56:30Z, the start of a TOTP step

class CredentialsServiceTest : public ::testing::Test {
 protected:
  CredentialsServiceTest()
      : db(":memory:"),
        identity(db),
        clock(std::chrono::system_clock::time_point(std::chrono::seconds(kT0))),
        deps{db, identity, clock, random, kAcct, quotas, ""},
        svc(deps) {
    identity.put_account({kAcct, "acct", "root@example.com", 1000});
    add_user("alice");
    add_user("bob");
    admin.type = auth::PrincipalType::IamUser;
    admin.account_id = kAcct;
    admin.user_name = "alice";
    admin.arn = "arn:aws:iam::" + kAcct + ":user/alice";
    root.type = auth::PrincipalType::Root;
    root.account_id = kAcct;
    root.arn = "arn:aws:iam::" + kAcct + ":root";
    role.type = auth::PrincipalType::AssumedRole;
    role.account_id = kAcct;
    role.user_name = "sess";
  }
  void add_user(const std::string& n) {
    identity.put_user({kAcct, n, "AIDA" + std::string(17, n[0] == 'a' ? 'A' : 'B'), "/",
                       "arn:aws:iam::" + kAcct + ":user/" + n, 2000});
  }
  OperationResult call(const std::string& op, json::object params, const auth::Principal* who = nullptr) {
    CallContext ctx{who ? *who : admin, "req", "us-east-1", "127.0.0.1", true};
    auto h = svc.find(op);
    if (!h) return AwsError("Test", "no handler " + op);
    return (*h)(ctx, params);
  }
  json::object ok(const std::string& op, json::object params, const auth::Principal* who = nullptr) {
    auto r = call(op, std::move(params), who);
    EXPECT_TRUE(r.ok()) << op << ": " << (r.ok() ? "" : r.error().code + " " + r.error().message);
    return r.ok() ? r->as_object() : json::object{};
  }
  AwsError err(const std::string& op, json::object params, const auth::Principal* who = nullptr) {
    auto r = call(op, std::move(params), who);
    EXPECT_FALSE(r.ok()) << op << " unexpectedly succeeded";
    return r.ok() ? AwsError() : r.error();
  }
  int64_t summary(const char* key, const auth::Principal* who = nullptr) {
    return ok("GetAccountSummary", {}, who).at("SummaryMap").at(key).as_int64();
  }

  store::Db db;
  store::SqliteIdentityStore identity;
  ManualClock clock;
  SecureRandom random;
  Quotas quotas;
  ServiceDeps deps;
  CredentialsService svc;
  auth::Principal admin, root, role;
};

TEST_F(CredentialsServiceTest, AccessKeyLifecycleAndQuota) {
  auto k1 = ok("CreateAccessKey", {{"UserName", "bob"}}).at("AccessKey").as_object();
  EXPECT_EQ(k1.at("UserName"), "bob");
  EXPECT_EQ(k1.at("Status"), "Active");
  std::string id = std::string(k1.at("AccessKeyId").as_string());
  EXPECT_EQ(id.rfind("AKIA", 0), 0u);
  EXPECT_EQ(id.size(), 20u);
  EXPECT_EQ(k1.at("SecretAccessKey").as_string().size(), 40u);
  ok("CreateAccessKey", {{"UserName", "bob"}});
  auto e = err("CreateAccessKey", {{"UserName", "bob"}});
  EXPECT_EQ(e.code, "LimitExceeded");
  EXPECT_EQ(e.message, "Cannot exceed quota for AccessKeysPerUser: 2");
  EXPECT_EQ(e.http_status, 409);
  EXPECT_EQ(err("CreateAccessKey", {{"UserName", "nobody"}}).message, "The user with name nobody cannot be found.");

  auto page1 = ok("ListAccessKeys", {{"UserName", "bob"}, {"MaxItems", 1}});
  EXPECT_EQ(page1.at("AccessKeyMetadata").as_array().size(), 1u);
  EXPECT_TRUE(page1.at("IsTruncated").as_bool());
  auto page2 = ok("ListAccessKeys", {{"UserName", "bob"}, {"Marker", page1.at("Marker")}});
  EXPECT_EQ(page2.at("AccessKeyMetadata").as_array().size(), 1u);
  EXPECT_FALSE(page2.at("IsTruncated").as_bool());
  EXPECT_FALSE(page2.contains("Marker"));
  EXPECT_EQ(err("ListAccessKeys", {{"Marker", "garbage"}}).code, "InvalidInput");

  ok("UpdateAccessKey", {{"UserName", "bob"}, {"AccessKeyId", id}, {"Status", "Inactive"}});
  EXPECT_EQ(identity.get_access_key(id)->status, "Inactive");
  // The key belongs to bob, not to the caller (alice).
  EXPECT_EQ(err("UpdateAccessKey", {{"AccessKeyId", id}, {"Status", "Active"}}).message,
            "The Access Key with id " + id + " cannot be found.");
  ok("DeleteAccessKey", {{"UserName", "bob"}, {"AccessKeyId", id}});
  EXPECT_FALSE(identity.get_access_key(id));
  EXPECT_EQ(err("DeleteAccessKey", {{"UserName", "bob"}, {"AccessKeyId", id}}).code, "NoSuchEntity");
  // Without UserName: the caller's keys; a role session must name the user.
  ok("CreateAccessKey", {});
  EXPECT_EQ(ok("ListAccessKeys", {}).at("AccessKeyMetadata").as_array().size(), 1u);
  auto v = err("ListAccessKeys", {}, &role);
  EXPECT_EQ(v.code, "ValidationError");
  EXPECT_EQ(v.message, "Must specify userName when calling with non-User credentials");
}

TEST_F(CredentialsServiceTest, AccessKeyLastUsed) {
  auto k = ok("CreateAccessKey", {{"UserName", "bob"}}).at("AccessKey").as_object();
  std::string id(k.at("AccessKeyId").as_string());
  auto never = ok("GetAccessKeyLastUsed", {{"AccessKeyId", id}});
  EXPECT_EQ(never.at("UserName"), "bob");
  EXPECT_EQ(never.at("AccessKeyLastUsed").at("ServiceName"), "N/A");
  EXPECT_EQ(never.at("AccessKeyLastUsed").at("Region"), "N/A");
  EXPECT_FALSE(never.at("AccessKeyLastUsed").as_object().contains("LastUsedDate"));
  clock.advance(std::chrono::seconds(5));
  svc.record_key_use(id, "s3", "eu-west-1");
  auto used = ok("GetAccessKeyLastUsed", {{"AccessKeyId", id}}).at("AccessKeyLastUsed").as_object();
  EXPECT_EQ(used.at("ServiceName"), "s3");
  EXPECT_EQ(used.at("Region"), "eu-west-1");
  EXPECT_DOUBLE_EQ(used.at("LastUsedDate").to_number<double>(), double(kT0 + 5));
  EXPECT_EQ(err("GetAccessKeyLastUsed", {{"AccessKeyId", "AKIAAAAAAAAAAAAAAAAA"}}).code, "NoSuchEntity");
}

TEST_F(CredentialsServiceTest, LoginProfilesAndPasswordPolicy) {
  // Default policy: 8 characters and three character types.
  EXPECT_EQ(err("CreateLoginProfile", {{"UserName", "bob"}, {"Password", "short"}}).code, "PasswordPolicyViolation");
  auto lp = ok("CreateLoginProfile", {{"UserName", "bob"}, {"Password", "Passw0rd!"}, {"PasswordResetRequired", true}});
  EXPECT_EQ(lp.at("LoginProfile").at("UserName"), "bob");
  EXPECT_EQ(lp.at("LoginProfile").at("PasswordResetRequired"), true);
  EXPECT_TRUE(svc.store().verify_login_password(kAcct, "bob", "Passw0rd!"));
  EXPECT_FALSE(svc.store().verify_login_password(kAcct, "bob", "wrong"));
  EXPECT_EQ(err("CreateLoginProfile", {{"UserName", "bob"}, {"Password", "Passw0rd!"}}).message,
            "Login Profile for user bob already exists.");
  EXPECT_EQ(ok("GetLoginProfile", {{"UserName", "bob"}}).at("LoginProfile").at("CreateDate").to_number<double>(),
            double(kT0));
  EXPECT_EQ(err("GetLoginProfile", {{"UserName", "alice"}}).message, "Login Profile for User alice cannot be found.");

  auto none = err("GetAccountPasswordPolicy", {});
  EXPECT_EQ(none.code, "NoSuchEntity");
  EXPECT_EQ(none.message, "The Password Policy with domain name " + kAcct + " cannot be found.");
  ok("UpdateAccountPasswordPolicy", {{"MinimumPasswordLength", 12},
                                     {"RequireSymbols", true},
                                     {"AllowUsersToChangePassword", true},
                                     {"MaxPasswordAge", 90},
                                     {"PasswordReusePrevention", 2}});
  auto pol = ok("GetAccountPasswordPolicy", {}).at("PasswordPolicy").as_object();
  EXPECT_EQ(pol.at("MinimumPasswordLength"), 12);
  EXPECT_EQ(pol.at("RequireSymbols"), true);
  EXPECT_EQ(pol.at("RequireNumbers"), false);
  EXPECT_EQ(pol.at("ExpirePasswords"), true);
  EXPECT_EQ(pol.at("MaxPasswordAge"), 90);
  EXPECT_EQ(pol.at("PasswordReusePrevention"), 2);
  auto v = err("UpdateLoginProfile", {{"UserName", "bob"}, {"Password", "longbutnosymbol"}});
  EXPECT_EQ(v.code, "PasswordPolicyViolation");
  EXPECT_EQ(v.message, "Password does not conform to the account password policy.");
  ok("UpdateLoginProfile", {{"UserName", "bob"}, {"Password", "long-enough!pw"}, {"PasswordResetRequired", false}});
  EXPECT_EQ(ok("GetLoginProfile", {{"UserName", "bob"}}).at("LoginProfile").at("PasswordResetRequired"), false);

  // ChangePassword acts on the caller.
  auto bob = admin;
  bob.user_name = "bob";
  EXPECT_EQ(err("ChangePassword", {{"OldPassword", "nope"}, {"NewPassword", "another-long!pw"}}, &bob).code,
            "AccessDenied");
  EXPECT_EQ(err("ChangePassword", {{"OldPassword", "long-enough!pw"}, {"NewPassword", "Passw0rd!"}}, &bob).code,
            "PasswordPolicyViolation");  // too short now, and reused
  ok("ChangePassword", {{"OldPassword", "long-enough!pw"}, {"NewPassword", "another-long!pw"}}, &bob);
  EXPECT_TRUE(svc.store().verify_login_password(kAcct, "bob", "another-long!pw"));
  EXPECT_EQ(err("ChangePassword", {{"OldPassword", "another-long!pw"}, {"NewPassword", "long-enough!pw"}}, &bob).code,
            "PasswordPolicyViolation");  // reuse prevention: 2
  EXPECT_EQ(err("ChangePassword", {{"OldPassword", "a"}, {"NewPassword", "b"}}, &root).code, "InvalidUserType");

  ok("DeleteAccountPasswordPolicy", {});
  EXPECT_EQ(err("DeleteAccountPasswordPolicy", {}).code, "NoSuchEntity");
  ok("DeleteLoginProfile", {{"UserName", "bob"}});
  EXPECT_EQ(err("DeleteLoginProfile", {{"UserName", "bob"}}).code, "NoSuchEntity");
  EXPECT_EQ(err("CreateLoginProfile", {{"UserName", "bob"}}).code, "ValidationError");
}

TEST_F(CredentialsServiceTest, RootLoginProfileIsARecoveryProfile) {
  EXPECT_EQ(err("GetLoginProfile", {}, &root).message, "Login Profile for User null cannot be found.");
  EXPECT_EQ(summary("AccountPasswordPresent"), 0);
  auto lp = ok("CreateLoginProfile", {}, &root).at("LoginProfile").as_object();
  EXPECT_FALSE(lp.contains("UserName"));
  EXPECT_EQ(lp.at("PasswordResetRequired"), false);
  EXPECT_EQ(summary("AccountPasswordPresent"), 1);
  EXPECT_EQ(err("CreateLoginProfile", {}, &root).message, "Login Profile for account " + kAcct + " already exists.");
  EXPECT_FALSE(ok("GetLoginProfile", {}, &root).at("LoginProfile").as_object().contains("UserName"));
  EXPECT_FALSE(svc.store().verify_login_password(kAcct, "", "anything"));
  EXPECT_EQ(err("CreateLoginProfile", {{"Password", "Passw0rd!"}}, &root).code, "InvalidInput");
  ok("DeleteLoginProfile", {}, &root);
  EXPECT_EQ(summary("AccountPasswordPresent"), 0);
}

TEST_F(CredentialsServiceTest, VirtualMfaLifecycle) {
  auto dev = ok("CreateVirtualMFADevice", {{"VirtualMFADeviceName", "bob-phone"}}).at("VirtualMFADevice").as_object();
  std::string serial(dev.at("SerialNumber").as_string());
  EXPECT_EQ(serial, "arn:aws:iam::" + kAcct + ":mfa/bob-phone");
  std::string b32(dev.at("Base32StringSeed").as_string());
  EXPECT_EQ(b32.size(), 32u);
  auto seed = totp::base32_decode(b32);
  ASSERT_TRUE(seed);
  EXPECT_EQ(seed->size(), 20u);
  EXPECT_EQ(dev.at("QRCodePNG").as_string().subview().substr(0, 4), "\x89PNG");
  EXPECT_EQ(err("CreateVirtualMFADevice", {{"VirtualMFADeviceName", "bob-phone"}}).code, "EntityAlreadyExists");
  EXPECT_EQ(summary("MFADevices"), 1);
  EXPECT_EQ(summary("MFADevicesInUse"), 0);

  int64_t step = totp::step_of(kT0);
  std::string c1 = totp::hotp(*seed, step - 1), c2 = totp::hotp(*seed, step);
  auto bad = err("EnableMFADevice",
                 {{"UserName", "bob"}, {"SerialNumber", serial}, {"AuthenticationCode1", c2}, {"AuthenticationCode2", c1}});
  EXPECT_EQ(bad.code, "InvalidAuthenticationCode");
  EXPECT_EQ(bad.message, "Authentication code for device is not valid.");
  EXPECT_EQ(bad.http_status, 403);
  ok("EnableMFADevice",
     {{"UserName", "bob"}, {"SerialNumber", serial}, {"AuthenticationCode1", c1}, {"AuthenticationCode2", c2}});
  EXPECT_EQ(summary("MFADevicesInUse"), 1);
  EXPECT_EQ(summary("AccountMFAEnabled"), 0);  // bob's, not root's
  auto listed = ok("ListMFADevices", {{"UserName", "bob"}}).at("MFADevices").as_array();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("UserName"), "bob");
  EXPECT_EQ(listed[0].at("SerialNumber").as_string(), serial);
  EXPECT_EQ(ok("GetMFADevice", {{"SerialNumber", serial}}).at("UserName"), "bob");
  EXPECT_EQ(ok("ListVirtualMFADevices", {{"AssignmentStatus", "Assigned"}}).at("VirtualMFADevices").as_array().size(),
            1u);
  EXPECT_TRUE(
      ok("ListVirtualMFADevices", {{"AssignmentStatus", "Unassigned"}}).at("VirtualMFADevices").as_array().empty());
  auto any = ok("ListVirtualMFADevices", {}).at("VirtualMFADevices").as_array();
  ASSERT_EQ(any.size(), 1u);
  EXPECT_EQ(any[0].at("User").at("UserName"), "bob");
  EXPECT_FALSE(any[0].as_object().contains("Base32StringSeed"));
  // A code works once; the next step's code works for sign-in.
  EXPECT_FALSE(check_mfa_code(svc.store(), clock, kAcct, serial, c2));
  clock.advance(std::chrono::seconds(30));
  EXPECT_TRUE(check_mfa_code(svc.store(), clock, kAcct, serial, totp::hotp(*seed, step + 1)));

  EXPECT_EQ(err("EnableMFADevice", {{"UserName", "alice"},
                                    {"SerialNumber", serial},
                                    {"AuthenticationCode1", c1},
                                    {"AuthenticationCode2", c2}})
                .code,
            "EntityAlreadyExists");
  EXPECT_EQ(err("DeleteVirtualMFADevice", {{"SerialNumber", serial}}).code, "DeleteConflict");
  // Resync after the device drifted 10 minutes ahead.
  int64_t ahead = totp::step_of(kT0 + 30) + 20;
  ok("ResyncMFADevice", {{"UserName", "bob"},
                         {"SerialNumber", serial},
                         {"AuthenticationCode1", totp::hotp(*seed, ahead)},
                         {"AuthenticationCode2", totp::hotp(*seed, ahead + 1)}});
  clock.advance(std::chrono::seconds(30));
  EXPECT_TRUE(check_mfa_code(svc.store(), clock, kAcct, serial, totp::hotp(*seed, ahead + 2)));
  EXPECT_EQ(err("DeactivateMFADevice", {{"UserName", "alice"}, {"SerialNumber", serial}}).code, "NoSuchEntity");
  ok("DeactivateMFADevice", {{"UserName", "bob"}, {"SerialNumber", serial}});
  EXPECT_TRUE(ok("ListMFADevices", {{"UserName", "bob"}}).at("MFADevices").as_array().empty());
  ok("DeleteVirtualMFADevice", {{"SerialNumber", serial}});
  EXPECT_EQ(err("DeleteVirtualMFADevice", {{"SerialNumber", serial}}).code, "NoSuchEntity");
}

TEST_F(CredentialsServiceTest, RootMfaSetsAccountMfaEnabled) {
  auto dev = ok("CreateVirtualMFADevice", {{"VirtualMFADeviceName", "root-mfa"}}, &root).at("VirtualMFADevice");
  std::string serial(dev.at("SerialNumber").as_string());
  auto seed = *totp::base32_decode(dev.at("Base32StringSeed").as_string());
  int64_t step = totp::step_of(kT0);
  ok("EnableMFADevice", {{"SerialNumber", serial},
                         {"AuthenticationCode1", totp::hotp(seed, step - 1)},
                         {"AuthenticationCode2", totp::hotp(seed, step)}},
     &root);
  EXPECT_EQ(summary("AccountMFAEnabled"), 1);
  auto listed = ok("ListMFADevices", {}, &root).at("MFADevices").as_array();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_FALSE(listed[0].as_object().contains("UserName"));
  auto v = ok("ListVirtualMFADevices", {}).at("VirtualMFADevices").as_array();
  EXPECT_EQ(v[0].at("User").at("Arn").as_string(), "arn:aws:iam::" + kAcct + ":root");
  ok("DeactivateMFADevice", {{"SerialNumber", serial}}, &root);
  EXPECT_EQ(summary("AccountMFAEnabled"), 0);
}

TEST_F(CredentialsServiceTest, SigningCertificates) {
  std::string pem = test_certs::make_test_certificate("bob");
  auto e = err("UploadSigningCertificate", {{"UserName", "bob"}, {"CertificateBody", "garbage"}});
  EXPECT_EQ(e.code, "MalformedCertificate");
  EXPECT_EQ(e.message, "Unable to parse certificate. Please ensure the certificate is in PEM format.");
  auto c = ok("UploadSigningCertificate", {{"UserName", "bob"}, {"CertificateBody", pem}}).at("Certificate").as_object();
  std::string id(c.at("CertificateId").as_string());
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(c.at("Status"), "Active");
  EXPECT_EQ(c.at("UserName"), "bob");
  EXPECT_EQ(err("UploadSigningCertificate", {{"UserName", "alice"}, {"CertificateBody", pem}}).code,
            "DuplicateCertificate");
  ok("UploadSigningCertificate", {{"UserName", "bob"}, {"CertificateBody", test_certs::make_test_certificate("b2")}});
  EXPECT_EQ(err("UploadSigningCertificate", {{"UserName", "bob"}, {"CertificateBody", test_certs::make_test_certificate("b3")}})
                .message,
            "Cannot exceed quota for SigningCertificatesPerUser: 2");
  ok("UpdateSigningCertificate", {{"UserName", "bob"}, {"CertificateId", id}, {"Status", "Inactive"}});
  auto list = ok("ListSigningCertificates", {{"UserName", "bob"}}).at("Certificates").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].at("Status"), "Inactive");
  EXPECT_EQ(err("DeleteSigningCertificate", {{"CertificateId", id}}).code, "NoSuchEntity");  // alice's: none
  ok("DeleteSigningCertificate", {{"UserName", "bob"}, {"CertificateId", id}});
  EXPECT_EQ(ok("ListSigningCertificates", {{"UserName", "bob"}}).at("Certificates").as_array().size(), 1u);
  // Root certificates drive AccountSigningCertificatesPresent.
  EXPECT_EQ(summary("AccountSigningCertificatesPresent"), 0);
  auto rc = ok("UploadSigningCertificate", {{"CertificateBody", test_certs::make_test_certificate("root")}}, &root)
                .at("Certificate")
                .as_object();
  EXPECT_FALSE(rc.contains("UserName"));
  EXPECT_EQ(summary("AccountSigningCertificatesPresent"), 1);
  EXPECT_EQ(ok("ListSigningCertificates", {}, &root).at("Certificates").as_array().size(), 1u);
  ok("DeleteSigningCertificate", {{"CertificateId", rc.at("CertificateId")}}, &root);
  EXPECT_EQ(summary("AccountSigningCertificatesPresent"), 0);
}

TEST_F(CredentialsServiceTest, RootAccessKeysAndSummary) {
  EXPECT_EQ(summary("AccountAccessKeysPresent"), 0);
  auto k = ok("CreateAccessKey", {}, &root).at("AccessKey").as_object();
  EXPECT_FALSE(k.contains("UserName"));
  EXPECT_EQ(identity.get_access_key(std::string(k.at("AccessKeyId").as_string()))->user_name, "");
  EXPECT_EQ(summary("AccountAccessKeysPresent"), 1);
  auto listed = ok("ListAccessKeys", {}, &root).at("AccessKeyMetadata").as_array();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_FALSE(listed[0].as_object().contains("UserName"));
  EXPECT_FALSE(ok("GetAccessKeyLastUsed", {{"AccessKeyId", k.at("AccessKeyId")}}, &root).contains("UserName"));
  ok("DeleteAccessKey", {{"AccessKeyId", k.at("AccessKeyId")}}, &root);
  EXPECT_EQ(summary("AccountAccessKeysPresent"), 0);

  auto m = ok("GetAccountSummary", {}).at("SummaryMap").as_object();
  EXPECT_EQ(m.at("Users"), 2);
  EXPECT_EQ(m.at("UsersQuota"), 5000);
  EXPECT_EQ(m.at("AccessKeysPerUserQuota"), 2);
  EXPECT_EQ(m.at("AttachedPoliciesPerRoleQuota"), 20);
  for (const char* key : {"Groups", "GroupsQuota", "Roles", "RolesQuota", "Policies", "PoliciesQuota",
                          "ServerCertificates", "ServerCertificatesQuota", "PolicyVersionsInUse", "InstanceProfiles",
                          "Providers", "GlobalEndpointTokenVersion", "AttachedPoliciesPerUserQuota",
                          "SigningCertificatesPerUserQuota", "MFADevices", "MFADevicesInUse"})
    EXPECT_TRUE(m.contains(key)) << key;
  quotas.set("AccessKeysPerUser", 3);
  EXPECT_EQ(summary("AccessKeysPerUserQuota"), 3);
}

TEST_F(CredentialsServiceTest, AccountAliases) {
  EXPECT_TRUE(ok("ListAccountAliases", {}).at("AccountAliases").as_array().empty());
  ok("CreateAccountAlias", {{"AccountAlias", "my-org"}});
  ok("CreateAccountAlias", {{"AccountAlias", "my-org"}});  // same alias again: fine
  auto other = admin;
  other.account_id = "444455556666";
  EXPECT_EQ(err("CreateAccountAlias", {{"AccountAlias", "my-org"}}, &other).code, "EntityAlreadyExists");
  auto list = ok("ListAccountAliases", {}).at("AccountAliases").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0], "my-org");
  EXPECT_EQ(err("DeleteAccountAlias", {{"AccountAlias", "other"}}).code, "NoSuchEntity");
  ok("DeleteAccountAlias", {{"AccountAlias", "my-org"}});
  EXPECT_TRUE(ok("ListAccountAliases", {}).at("AccountAliases").as_array().empty());
}

TEST_F(CredentialsServiceTest, CredentialReport) {
  auto e = err("GetCredentialReport", {});
  EXPECT_EQ(e.code, "ReportNotPresent");
  EXPECT_EQ(e.http_status, 410);
  ok("CreateLoginProfile", {}, &root);
  ok("CreateLoginProfile", {{"UserName", "bob"}, {"Password", "Passw0rd!"}});
  auto k = ok("CreateAccessKey", {{"UserName", "bob"}}).at("AccessKey").as_object();
  svc.record_key_use(std::string(k.at("AccessKeyId").as_string()), "iam", "us-east-1");
  EXPECT_EQ(ok("GenerateCredentialReport", {}).at("State"), "STARTED");
  EXPECT_EQ(ok("GenerateCredentialReport", {}).at("State"), "COMPLETE");
  auto r = ok("GetCredentialReport", {});
  EXPECT_EQ(r.at("ReportFormat"), "text/csv");
  std::string csv(r.at("Content").as_string());
  EXPECT_EQ(csv.rfind("user,arn,user_creation_time,password_enabled,", 0), 0u);
  EXPECT_NE(csv.find("\n<root_account>,arn:aws:iam::" + kAcct + ":root,"), std::string::npos);
  EXPECT_NE(csv.find(",true,no_information,2025-09-12T01:56:30+00:00,not_supported,false,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nalice,arn:aws:iam::" + kAcct + ":user/alice,"), std::string::npos);
  auto bob_line = csv.substr(csv.find("\nbob,") + 1);
  EXPECT_NE(bob_line.find(",true,no_information,2025-09-12T01:56:30+00:00,N/A,false,true,"), std::string::npos)
      << bob_line;
  EXPECT_NE(bob_line.find(",us-east-1,iam,false,N/A"), std::string::npos) << bob_line;
  clock.advance(std::chrono::hours(5));
  EXPECT_EQ(err("GetCredentialReport", {}).code, "ReportExpired");
  EXPECT_EQ(ok("GenerateCredentialReport", {}).at("State"), "STARTED");
  EXPECT_TRUE(call("GetCredentialReport", {}).ok());
}

TEST_F(CredentialsServiceTest, AuthzTargetsNameTheUserOrRoot) {
  CallContext ctx{root, "r", "us-east-1", "", true};
  EXPECT_EQ(svc.authz_target("ListAccessKeys", {}, ctx).resource, "arn:aws:iam::" + kAcct + ":root");
  EXPECT_EQ(svc.authz_target("ListAccessKeys", {{"UserName", "bob"}}, ctx).resource,
            "arn:aws:iam::" + kAcct + ":user/bob");
  EXPECT_EQ(svc.authz_target("GetAccountSummary", {}, ctx).resource, "*");
  EXPECT_EQ(svc.authz_target("DeleteLoginProfile", {}, ctx).action, "iam:DeleteLoginProfile");
}

}  // namespace
}  // namespace orgroot::services::iam
