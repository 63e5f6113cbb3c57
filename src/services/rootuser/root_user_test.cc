// The root user's side: password rules, reset tokens, the mailbox, sign-in (password, MFA, the
// missing-credentials answers), recovery with expiring single-use tokens, the trail events, the
// JSON endpoints and the provisioning of a new member's root.
#include "services/rootuser/root_user.h"

#include <gtest/gtest.h>

#include "services/iam/credentials_store.h"
#include "services/iam/root_user_credentials.h"
#include "services/iam/totp.h"
#include "services/rootuser/password_rules.h"
#include "services/rootuser/root_password_provisioner.h"
#include "store/sqlite_identity_store.h"

namespace orgroot::services::rootuser {
namespace {

namespace json = boost::json;
using Password = RootUserCredentials::Password;

constexpr int64_t kT0 = 1757642190;  // 2025-09-12T01:56:30Z, the start of a TOTP step
const std::string kMgmt = "111111111111";
const std::string kMember = "222222222222";
const std::string kMemberEmail = "Member.Root@Example.com";
const std::string kGood = "Corr3ct-Horse";

class RecordingSink final : public AuditSink {
 public:
  void record(AuditCall c) override { calls.push_back(std::move(c)); }
  std::vector<AuditCall> calls;
};

class RootUserTest : public ::testing::Test {
 protected:
  RootUserTest()
      : db(":memory:"),
        identity(db),
        iam_store(db),
        clock(std::chrono::system_clock::time_point(std::chrono::seconds(kT0))),
        credentials(iam_store, clock),
        deps{db, identity, clock, random, kMgmt, quotas, ""},
        root(deps, credentials, [this](const auth::Principal& p, double exp) { return issue(p, exp); }, &sink) {
    identity.put_account({kMgmt, "management", "mgmt@example.com", 1000});
    identity.put_account({kMember, "member", kMemberEmail, 1000});
  }

  json::object issue(const auth::Principal& p, double exp) {
    issued.push_back(p);
    expirations.push_back(exp);
    return json::object{{"AccessKeyId", "ASIAEXAMPLEEXAMPLE01"},
                        {"SecretAccessKey", "secret"},
                        {"SessionToken", "token"},
                        {"Expiration", exp}};
  }

  Caller caller() { return Caller{"192.0.2.7", "test-agent", "localhost:4570", false}; }

  Result<json::object> sign_in(const std::string& email, const std::string& pw,
                               std::optional<std::string> mfa = std::nullopt) {
    return root.sign_in().sign_in(email, pw, mfa, caller());
  }
  Result<json::object> forgot(const std::string& email) { return root.sign_in().forgot_password(email, caller()); }
  Result<json::object> reset(const std::string& token, const std::string& pw) {
    return root.sign_in().reset_password(token, pw, caller());
  }
  // The token of the newest mail to `email`.
  std::string last_token(const std::string& email) {
    auto mail = root.mailbox().messages_to(email);
    return mail.empty() ? std::string() : mail.back().reset_token;
  }
  // A root MFA device enabled with `seed` (what EnableMFADevice leaves behind).
  void give_root_mfa(const std::string& account, const std::string& seed) {
    iam::MfaDeviceRecord d;
    d.account_id = account;
    d.serial_number = "arn:aws:iam::" + account + ":mfa/root-account-mfa-device";
    d.name = "root-account-mfa-device";
    d.seed = seed;
    d.user_name = "";
    d.enabled_at = kT0;
    d.last_step = iam::totp::step_of(kT0) - 1;
    ASSERT_TRUE(iam_store.insert_mfa_device(d));
  }
  static void expect_error(const Result<json::object>& r, const std::string& code, int status) {
    ASSERT_FALSE(r.ok()) << "expected " << code;
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_EQ(r.error().http_status, status);
    EXPECT_FALSE(r.error().message.empty());
  }

  store::Db db;
  store::SqliteIdentityStore identity;
  iam::CredentialsStore iam_store;
  ManualClock clock;
  SecureRandom random;
  Quotas quotas;
  iam::IamRootUserCredentials credentials;
  ServiceDeps deps;
  RecordingSink sink;
  std::vector<auth::Principal> issued;
  std::vector<double> expirations;
  RootUser root;
};

// ---- password rules --------------------------------------------------------------------------

TEST(RootPasswordRules, LengthAndThreeOfFourKinds) {
  EXPECT_EQ(root_password_problem("Ab1!", "acct", "a@example.com"),
            "The password must be 8 to 128 characters long.");
  EXPECT_EQ(root_password_problem("Aa1!" + std::string(125, 'x'), "acct", "a@example.com"),
            "The password must be 8 to 128 characters long.");
  EXPECT_FALSE(root_password_problem("Aa1!" + std::string(124, 'x'), "acct", "a@example.com"));
  EXPECT_TRUE(root_password_problem("abcdefgh", "acct", "a@example.com"));     // one kind
  EXPECT_TRUE(root_password_problem("abcdEFGH", "acct", "a@example.com"));     // two kinds
  EXPECT_TRUE(root_password_problem("12345678!", "acct", "a@example.com"));    // two kinds
  EXPECT_FALSE(root_password_problem("abcdEFG1", "acct", "a@example.com"));    // upper, lower, digit
  EXPECT_FALSE(root_password_problem("abcdefg1!", "acct", "a@example.com"));   // lower, digit, symbol
  EXPECT_FALSE(root_password_problem("ABCDEFG 1", "acct", "a@example.com"));   // a space is a symbol
  auto msg = root_password_problem("abcdefgh", "acct", "a@example.com");
  ASSERT_TRUE(msg);
  EXPECT_NE(msg->find("at least three"), std::string::npos);
}

TEST(RootPasswordRules, NotTheAccountNameOrEmailNorControlCharacters) {
  EXPECT_TRUE(root_password_problem("Prod-Acct1", "prod-acct1", "a@example.com"));
  EXPECT_TRUE(root_password_problem("Root1@Example.com", "acct", "root1@example.com"));
  EXPECT_TRUE(root_password_problem("Abcdef1\n", "acct", "a@example.com"));
}

// ---- reset tokens and the mailbox ------------------------------------------------------------

TEST(ResetTokens, OnlyTheHashIsKeptAndATokenIsConsumedOnce) {
  store::Db db(":memory:");
  ResetTokenStore tokens(db);
  const std::string h = token_hash("the-token");
  EXPECT_EQ(h.size(), 64u);
  EXPECT_NE(h, "the-token");
  tokens.insert({h, kMember, 100, 200, 0});
  auto found = tokens.find(h);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->account_id, kMember);
  EXPECT_EQ(found->used_at, 0);
  EXPECT_FALSE(tokens.find(token_hash("other")));
  EXPECT_FALSE(tokens.consume(h, 200));  // expired at 200
  EXPECT_TRUE(tokens.consume(h, 150));
  EXPECT_FALSE(tokens.consume(h, 151));  // once
  EXPECT_EQ(tokens.find(h)->used_at, 150);
  // Revoking ends every unused token of the account, and no other account's.
  tokens.insert({token_hash("a"), kMember, 300, 400, 0});
  tokens.insert({token_hash("b"), kMgmt, 300, 400, 0});
  tokens.revoke_account(kMember, 310);
  EXPECT_FALSE(tokens.consume(token_hash("a"), 320));
  EXPECT_TRUE(tokens.consume(token_hash("b"), 320));
}

TEST(Mailbox, AddressesAreCaseInsensitiveAndBounded) {
  Mailbox box;
  for (size_t i = 0; i < Mailbox::kKeptPerAddress + 3; ++i) {
    MailMessage m;
    m.to = i % 2 ? "Root@Example.com" : "root@example.COM";
    m.subject = std::to_string(i);
    box.deliver(m);
  }
  auto mail = box.messages_to("ROOT@example.com");
  ASSERT_EQ(mail.size(), Mailbox::kKeptPerAddress);
  EXPECT_EQ(mail.front().subject, "3");  // the oldest were dropped
  EXPECT_EQ(mail.back().subject, std::to_string(Mailbox::kKeptPerAddress + 2));
  EXPECT_TRUE(box.messages_to("other@example.com").empty());
  box.clear();
  EXPECT_TRUE(box.messages_to("root@example.com").empty());
}

// ---- the state machine -----------------------------------------------------------------------

TEST_F(RootUserTest, UnknownEmailAndWrongPasswordGetTheSameAnswer) {
  credentials.give_unknown_password(kMember);
  auto unknown = sign_in("nobody@example.com", kGood);
  auto wrong = sign_in(kMemberEmail, kGood);
  expect_error(unknown, "AuthenticationFailed", 401);
  expect_error(wrong, "AuthenticationFailed", 401);
  EXPECT_EQ(unknown.error().message, wrong.error().message);
  // Only the known account's attempt is in a trail.
  ASSERT_EQ(sink.calls.size(), 1u);
  const auto& c = sink.calls[0];
  EXPECT_EQ(c.service, "signin");
  EXPECT_EQ(c.operation, "ConsoleLogin");
  EXPECT_EQ(c.event_type, "AwsConsoleSignIn");
  EXPECT_EQ(c.error_message, "Failed authentication");
  EXPECT_TRUE(c.error_code.empty());
  EXPECT_EQ(c.principal.type, auth::PrincipalType::Root);
  EXPECT_EQ(c.principal.arn, "arn:aws:iam::" + kMember + ":root");
  EXPECT_EQ(c.recipient_accounts, std::vector<std::string>{kMember});
  EXPECT_EQ(c.additional_event_data.at("MFAUsed"), "No");
  EXPECT_EQ(c.source_ip, "192.0.2.7");
  EXPECT_TRUE(issued.empty());
}

TEST_F(RootUserTest, RecoverableRootResetsItsPasswordAndSignsIn) {
  credentials.give_unknown_password(kMember);  // as Organizations' CreateAccount leaves it
  EXPECT_EQ(credentials.password(kMember), Password::Set);
  ASSERT_TRUE(forgot("member.root@example.com").ok());  // case-insensitive
  auto mail = root.mailbox().messages_to(kMemberEmail);
  ASSERT_EQ(mail.size(), 1u);
  const auto& m = mail[0];
  EXPECT_EQ(m.to, kMemberEmail);
  EXPECT_FALSE(m.reset_token.empty());
  EXPECT_EQ(m.reset_link, "http://localhost:4570/_orgroot/console/reset-password?token=" + m.reset_token);
  EXPECT_NE(m.body.find(m.reset_link), std::string::npos);
  EXPECT_NE(m.body.find(kMember), std::string::npos);

  expect_error(reset(m.reset_token, "short"), "InvalidPassword", 400);
  expect_error(reset(m.reset_token, "alllowercase"), "InvalidPassword", 400);
  ASSERT_TRUE(reset(m.reset_token, kGood).ok());  // a rule failure did not use the token up
  expect_error(reset(m.reset_token, "An0ther-One"), "InvalidToken", 400);  // single use

  auto r = sign_in(" MEMBER.root@example.com ", kGood);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& creds = r->at("Credentials").as_object();
  EXPECT_EQ(creds.at("AccessKeyId"), "ASIAEXAMPLEEXAMPLE01");
  EXPECT_EQ(std::string(creds.at("Expiration").as_string()), iso8601(kT0 + kConsoleSessionSeconds));
  ASSERT_EQ(issued.size(), 1u);
  EXPECT_EQ(issued[0].type, auth::PrincipalType::Root);
  EXPECT_EQ(issued[0].account_id, kMember);
  EXPECT_EQ(issued[0].arn, "arn:aws:iam::" + kMember + ":root");
  EXPECT_EQ(issued[0].session_issuer, "ConsoleSignIn");  // not an AssumeRoot session
  EXPECT_TRUE(issued[0].task_policy_arn.empty());
  EXPECT_FALSE(issued[0].mfa_authenticated);
  EXPECT_EQ(expirations[0], kT0 + kConsoleSessionSeconds);
  EXPECT_GT(iam_store.get_login_profile(kMember, "")->password_last_used, 0);
  EXPECT_FALSE(iam_store.get_login_profile(kMember, "")->reset_required);

  std::vector<std::string> events;
  for (const auto& c : sink.calls) events.push_back(c.operation + (c.error_message.empty() ? ":ok" : ":failed"));
  // The second use of the link is a failed completion; rule failures record nothing.
  EXPECT_EQ(events, (std::vector<std::string>{"PasswordRecoveryRequested:ok", "PasswordRecoveryCompleted:ok",
                                              "PasswordRecoveryCompleted:failed", "ConsoleLogin:ok"}));
}

TEST_F(RootUserTest, ResetTokensExpireAfterAnHour) {
  credentials.give_unknown_password(kMember);
  ASSERT_TRUE(forgot(kMemberEmail).ok());
  const std::string early = last_token(kMemberEmail);
  clock.advance(std::chrono::seconds(kResetTokenSeconds - 1));
  ASSERT_TRUE(forgot(kMemberEmail).ok());
  const std::string late = last_token(kMemberEmail);
  EXPECT_NE(early, late);
  clock.advance(std::chrono::seconds(1));
  expect_error(reset(early, kGood), "InvalidToken", 400);
  expect_error(reset("not-a-token", kGood), "InvalidToken", 400);
  ASSERT_TRUE(reset(late, kGood).ok());
  ASSERT_TRUE(sign_in(kMemberEmail, kGood).ok());
}

TEST_F(RootUserTest, ASuccessfulResetEndsTheOtherLinks) {
  credentials.give_unknown_password(kMember);
  ASSERT_TRUE(forgot(kMemberEmail).ok());
  const std::string first = last_token(kMemberEmail);
  ASSERT_TRUE(forgot(kMemberEmail).ok());
  ASSERT_TRUE(reset(last_token(kMemberEmail), kGood).ok());
  expect_error(reset(first, "An0ther-One"), "InvalidToken", 400);
}

TEST_F(RootUserTest, RootWithoutCredentialsCannotSignInNorRecover) {
  // An account created while RootCredentialsManagement was enabled: no login profile.
  EXPECT_EQ(credentials.password(kMember), Password::None);
  expect_error(sign_in(kMemberEmail, kGood), "NoRootCredentials", 403);
  expect_error(forgot(kMemberEmail), "PasswordRecoveryNotAllowed", 403);
  EXPECT_TRUE(root.mailbox().messages_to(kMemberEmail).empty());
  ASSERT_EQ(sink.calls.size(), 2u);
  EXPECT_EQ(sink.calls[1].operation, "PasswordRecoveryRequested");
  EXPECT_FALSE(sink.calls[1].error_message.empty());
  // An unknown address is told nothing more than a known one would be, and gets no mail.
  EXPECT_TRUE(forgot("nobody@example.com").ok());
  EXPECT_TRUE(root.mailbox().messages_to("nobody@example.com").empty());
}

TEST_F(RootUserTest, RecoveryProfileAllowsRecoveryOnly) {
  // CreateLoginProfile without a password in an IAMCreateRootUserPassword session.
  ASSERT_TRUE(iam_store.insert_login_profile({kMember, "", "", false, kT0, 0, 0}));
  EXPECT_EQ(credentials.password(kMember), Password::RecoveryOnly);
  expect_error(sign_in(kMemberEmail, ""), "PasswordRecoveryRequired", 403);
  expect_error(sign_in(kMemberEmail, kGood), "PasswordRecoveryRequired", 403);
  ASSERT_TRUE(forgot(kMemberEmail).ok());
  ASSERT_TRUE(reset(last_token(kMemberEmail), kGood).ok());
  EXPECT_EQ(credentials.password(kMember), Password::Set);
  EXPECT_EQ(iam_store.get_login_profile(kMember, "")->created_at, kT0);  // the same profile, updated
  ASSERT_TRUE(sign_in(kMemberEmail, kGood).ok());
}

TEST_F(RootUserTest, CredentialsDeletedAfterTheMailMakeTheLinkUseless) {
  credentials.give_unknown_password(kMember);
  ASSERT_TRUE(forgot(kMemberEmail).ok());
  const std::string token = last_token(kMemberEmail);
  ASSERT_TRUE(iam_store.delete_login_profile(kMember, ""));  // DeleteLoginProfile in a root session
  expect_error(reset(token, kGood), "PasswordRecoveryNotAllowed", 403);
  // Allowing recovery again does not bring the old link back.
  ASSERT_TRUE(iam_store.insert_login_profile({kMember, "", "", false, kT0, 0, 0}));
  expect_error(reset(token, kGood), "InvalidToken", 400);
  EXPECT_EQ(sink.calls.back().operation, "PasswordRecoveryCompleted");
  EXPECT_FALSE(sink.calls.back().error_message.empty());
}

TEST_F(RootUserTest, ManagementRootIsNeverRefusedRecovery) {
  EXPECT_EQ(credentials.password(kMgmt), Password::None);  // e.g. a data directory from before
  expect_error(sign_in("mgmt@example.com", kGood), "PasswordRecoveryRequired", 403);
  ASSERT_TRUE(forgot("mgmt@example.com").ok());
  ASSERT_TRUE(reset(last_token("mgmt@example.com"), kGood).ok());
  auto r = sign_in("mgmt@example.com", kGood);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(issued.back().account_id, kMgmt);
}

TEST_F(RootUserTest, EnabledMfaDeviceMakesTheCodeRequired) {
  const std::string seed = "12345678901234567890";
  credentials.give_unknown_password(kMember);
  ASSERT_TRUE(forgot(kMemberEmail).ok());
  ASSERT_TRUE(reset(last_token(kMemberEmail), kGood).ok());
  give_root_mfa(kMember, seed);
  const size_t before = sink.calls.size();

  expect_error(sign_in(kMemberEmail, "Wr0ng-Password", iam::totp::code_at(seed, kT0)), "AuthenticationFailed", 401);
  expect_error(sign_in(kMemberEmail, kGood), "MfaCodeRequired", 401);
  expect_error(sign_in(kMemberEmail, kGood, ""), "MfaCodeRequired", 401);
  std::string wrong = "000000";
  for (int d = -1; d <= 1; ++d)
    if (wrong == iam::totp::code_at(seed, kT0 + 30 * d)) wrong = "111111";
  expect_error(sign_in(kMemberEmail, kGood, wrong), "InvalidMfaCode", 401);
  const std::string code = iam::totp::code_at(seed, kT0);
  auto r = sign_in(kMemberEmail, kGood, code);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(issued.back().mfa_authenticated);
  expect_error(sign_in(kMemberEmail, kGood, code), "InvalidMfaCode", 401);  // a code works once
  clock.advance(std::chrono::seconds(30));
  EXPECT_TRUE(sign_in(kMemberEmail, kGood, iam::totp::code_at(seed, kT0 + 30)).ok());

  // Trail: wrong password (MFA not reached), wrong code, success, replay, success; a missing code
  // records nothing.
  std::vector<std::string> mfa_used;
  for (size_t i = before; i < sink.calls.size(); ++i)
    mfa_used.push_back(std::string(sink.calls[i].additional_event_data.at("MFAUsed").as_string()) +
                       (sink.calls[i].error_message.empty() ? ":ok" : ":failed"));
  EXPECT_EQ(mfa_used, (std::vector<std::string>{"No:failed", "Yes:failed", "Yes:ok", "Yes:failed", "Yes:ok"}));
}

// ---- the JSON endpoints ----------------------------------------------------------------------

class RootUserEndpointTest : public RootUserTest {
 protected:
  EndpointResponse call(const std::string& method, const std::string& path, const std::string& body = "") {
    auto r = root.handle(EndpointRequest{method, path, body, caller()});
    EXPECT_TRUE(r.has_value()) << path;
    return r ? *r : EndpointResponse{0, nullptr};
  }
  static std::string code_of(const EndpointResponse& r) {
    return r.body.is_object() && r.body.as_object().contains("code") ? std::string(r.body.at("code").as_string())
                                                                      : std::string();
  }
};

TEST_F(RootUserEndpointTest, BadRequestsAre400) {
  for (const char* body : {"", "not json", "[1,2]", R"({"email":"a@example.com"})", R"({"email":5,"password":"x"})",
                           R"({"email":"a@example.com","password":"x","mfaCode":123456})"}) {
    auto r = call("POST", "/_orgroot/root/signin", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(code_of(r), "InvalidRequest") << body;
    EXPECT_TRUE(r.body.as_object().contains("message"));
  }
  EXPECT_EQ(call("POST", "/_orgroot/root/forgot-password", "{}").status, 400);
  EXPECT_EQ(call("POST", "/_orgroot/root/reset-password", R"({"token":"t"})").status, 400);
  EXPECT_EQ(call("GET", "/_orgroot/root/signin").status, 405);
  EXPECT_EQ(call("POST", "/_orgroot/mailbox/a@example.com").status, 405);
  EXPECT_EQ(call("GET", "/_orgroot/mailbox/bad%2").status, 400);
  EXPECT_FALSE(root.handle(EndpointRequest{"GET", "/_orgroot/health", "", caller()}).has_value());
  EXPECT_FALSE(root.handle(EndpointRequest{"GET", "/_orgroot/mailbox/", "", caller()}).has_value());
  EXPECT_TRUE(sink.calls.empty());
}

TEST_F(RootUserEndpointTest, TheWholeStoryThroughTheEndpoints) {
  credentials.give_unknown_password(kMember);
  auto denied = call("POST", "/_orgroot/root/signin", R"({"email":"member.root@example.com","password":"guess"})");
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(code_of(denied), "AuthenticationFailed");
  EXPECT_EQ(call("POST", "/_orgroot/root/forgot-password", R"({"email":"member.root@example.com"})").status, 200);
  auto mail = call("GET", "/_orgroot/mailbox/MEMBER.ROOT%40example.com");
  ASSERT_EQ(mail.status, 200);
  ASSERT_TRUE(mail.body.is_array());
  ASSERT_EQ(mail.body.as_array().size(), 1u);
  const auto& m = mail.body.as_array()[0].as_object();
  for (const char* k : {"To", "From", "Subject", "Body", "Date", "Token", "ResetLink", "MessageId"})
    EXPECT_TRUE(m.contains(k)) << k;
  EXPECT_EQ(std::string(m.at("To").as_string()), kMemberEmail);
  const std::string token(m.at("Token").as_string());
  auto weak = call("POST", "/_orgroot/root/reset-password", json::serialize(json::object{{"token", token}, {"newPassword", "weak"}}));
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(code_of(weak), "InvalidPassword");
  EXPECT_EQ(call("POST", "/_orgroot/root/reset-password",
                 json::serialize(json::object{{"token", token}, {"newPassword", kGood}})).status,
            200);
  auto ok = call("POST", "/_orgroot/root/signin",
                 json::serialize(json::object{{"email", kMemberEmail}, {"password", kGood}, {"mfaCode", nullptr}}));
  ASSERT_EQ(ok.status, 200) << json::serialize(ok.body);
  const auto& creds = ok.body.at("Credentials").as_object();
  for (const char* k : {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"})
    EXPECT_TRUE(creds.contains(k)) << k;
  EXPECT_EQ(call("GET", "/_orgroot/mailbox/nobody%40example.com").body, json::array{});
}

TEST(PercentDecode, DecodesEscapesAndKeepsPlus) {
  EXPECT_EQ(percent_decode("a%40b.com"), "a@b.com");
  EXPECT_EQ(percent_decode("a+tag%40b.com"), "a+tag@b.com");
  EXPECT_FALSE(percent_decode("a%4"));
  EXPECT_FALSE(percent_decode("a%zz"));
}

// ---- provisioning ----------------------------------------------------------------------------

class CountingProvisioner final : public AccountProvisioner {
 public:
  Status provision_member_account(const std::string& account_id, const std::string&, const std::string&,
                                  const std::string&, const std::string&) override {
    accounts.push_back(account_id);
    return fail ? Status(AwsError::InternalFailure("no")) : OkStatus();
  }
  std::vector<std::string> accounts;
  bool fail = false;
};

TEST_F(RootUserTest, NewMemberRootsGetAPasswordNobodyKnowsUnlessCredentialsAreManaged) {
  CountingProvisioner iam;
  bool managed = false;
  RootPasswordProvisioner p(iam, credentials, [&](const std::string&) { return managed; });
  ASSERT_TRUE(p.provision_member_account("333333333333", "a", "a@example.com", "Role", kMgmt).ok());
  managed = true;
  ASSERT_TRUE(p.provision_member_account("444444444444", "b", "b@example.com", "Role", kMgmt).ok());
  EXPECT_EQ(iam.accounts, (std::vector<std::string>{"333333333333", "444444444444"}));
  EXPECT_EQ(credentials.password("333333333333"), Password::Set);
  EXPECT_EQ(credentials.password("444444444444"), Password::None);
  // Nobody knows the first one's password; a second provisioning changes nothing.
  EXPECT_FALSE(credentials.verify_password("333333333333", ""));
  const auto hash = iam_store.get_login_profile("333333333333", "")->password_hash;
  managed = false;
  ASSERT_TRUE(p.provision_member_account("333333333333", "a", "a@example.com", "Role", kMgmt).ok());
  EXPECT_EQ(iam_store.get_login_profile("333333333333", "")->password_hash, hash);
  // IAM's failure is passed on, and no password is made.
  iam.fail = true;
  EXPECT_FALSE(p.provision_member_account("555555555555", "c", "c@example.com", "Role", kMgmt).ok());
  EXPECT_EQ(credentials.password("555555555555"), Password::None);
}

}  // namespace
}  // namespace orgroot::services::rootuser
