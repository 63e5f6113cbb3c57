#include "services/rootuser/root_sign_in.h"

#include <fmt/format.h>

#include <cmath>

#include "auth/crypto.h"
#include "services/rootuser/password_rules.h"

namespace orgroot::services::rootuser {

namespace json = boost::json;

namespace {

constexpr const char* kFailedAuthentication = "Failed authentication";
constexpr const char* kMailFrom = "orgroot sign-in <no-reply@signin.orgroot.localhost>";
constexpr const char* kMailSubject = "Amazon Web Services Password Assistance";

AwsError authentication_failed() {
  return AwsError("AuthenticationFailed", "Your authentication information is incorrect. Please try again.", 401);
}
AwsError mfa_code_required() {
  return AwsError("MfaCodeRequired",
                  "This root user has an MFA device. Enter the code the device shows now (mfaCode).", 401);
}
AwsError invalid_mfa_code() {
  return AwsError("InvalidMfaCode",
                  "The MFA code is not valid. Wait for your device to show a new code, then try again.", 401);
}
AwsError password_recovery_required() {
  return AwsError("PasswordRecoveryRequired",
                  "The root user has no password yet. Choose 'Forgot password' to have a reset link sent to the "
                  "root user's email address, then sign in with the password you choose.",
                  403);
}
AwsError no_root_credentials() {
  return AwsError("NoRootCredentials",
                  "The root user of this account has no credentials, so it cannot sign in or recover its "
                  "password. Contact your administrator: the organization's management account can allow "
                  "password recovery for this account.",
                  403);
}
AwsError recovery_not_allowed() {
  return AwsError("PasswordRecoveryNotAllowed",
                  "Password recovery is not allowed for this root user: it has no credentials. Contact your "
                  "administrator: the organization's management account can allow password recovery for this "
                  "account.",
                  403);
}
AwsError invalid_token() {
  return AwsError("InvalidToken",
                  "This password reset link is not valid: it is unknown, was already used, or has expired. "
                  "Choose 'Forgot password' again to get a new one.",
                  400);
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

auth::Principal root_of(const std::string& account_id) {
  auth::Principal p;
  p.type = auth::PrincipalType::Root;
  p.account_id = account_id;
  p.arn = "arn:aws:iam::" + account_id + ":root";
  p.user_id = account_id;
  return p;
}

std::string base_url(const Caller& c) {
  return (c.secure ? "https://" : "http://") + (c.host.empty() ? std::string("localhost") : c.host);
}

// RFC 4648 base64url without padding: safe in a query string as it is.
std::string base64url(std::string_view bytes) {
  std::string s = crypto::base64_encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (auto& c : s) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return s;
}

std::string hours(int seconds) {
  if (seconds % 3600 == 0) return seconds == 3600 ? "1 hour" : fmt::format("{} hours", seconds / 3600);
  return fmt::format("{} minutes", seconds / 60);
}

}  // namespace

std::optional<store::AccountRecord> RootSignIn::account_for(std::string_view email) {
  std::string e = trim(email);
  if (e.empty()) return std::nullopt;
  return d_.identity.find_account_by_email(e);
}

bool RootSignIn::recoverable(const std::string& account_id) {
  if (account_id == d_.management_account_id) return true;
  return d_.credentials.password(account_id) != RootUserCredentials::Password::None;
}

void RootSignIn::record(const std::string& account_id, const std::string& event_name, const Caller& caller,
                        const std::string& failure, json::object additional) {
  if (!d_.audit) return;
  AuditCall c;
  c.request_id = ids::uuid4(d_.random);
  c.event_time = d_.clock.now_seconds();
  c.service = "signin";
  c.operation = event_name;
  c.region = "us-east-1";
  c.source_ip = caller.source_ip;
  c.user_agent = caller.user_agent;
  c.host = caller.host;
  c.secure_transport = caller.secure;
  c.principal = root_of(account_id);
  c.error_message = failure;
  c.recipient_accounts = {account_id};
  c.event_type = "AwsConsoleSignIn";
  additional.emplace("MobileVersion", "No");
  c.additional_event_data = std::move(additional);
  d_.audit->record(std::move(c));
}

std::string RootSignIn::new_token() {
  unsigned char bytes[32];
  d_.random.fill(bytes, sizeof bytes);
  return base64url(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

Result<json::object> RootSignIn::sign_in(std::string_view email, std::string_view password,
                                         const std::optional<std::string>& mfa_code, const Caller& caller) {
  auto account = account_for(email);
  if (!account) return authentication_failed();
  const std::string& acct = account->account_id;
  const std::string login_to = base_url(caller) + "/_orgroot/console/";
  auto failed = [&](bool mfa_used, AwsError e) -> Result<json::object> {
    record(acct, "ConsoleLogin", caller, kFailedAuthentication,
           json::object{{"LoginTo", login_to}, {"MFAUsed", mfa_used ? "Yes" : "No"}});
    return e;
  };

  switch (d_.credentials.password(acct)) {
    case RootUserCredentials::Password::None:
      return failed(false, recoverable(acct) ? password_recovery_required() : no_root_credentials());
    case RootUserCredentials::Password::RecoveryOnly: return failed(false, password_recovery_required());
    case RootUserCredentials::Password::Set: break;
  }
  if (!d_.credentials.verify_password(acct, password)) return failed(false, authentication_failed());

  const bool mfa = d_.credentials.mfa_enabled(acct);
  if (mfa) {
    // The sign-in page asks for the code only after the password: no event until it is given.
    if (!mfa_code || trim(*mfa_code).empty()) return mfa_code_required();
    if (!d_.credentials.check_mfa_code(acct, trim(*mfa_code))) return failed(true, invalid_mfa_code());
  }

  auth::Principal session = root_of(acct);
  session.session_issuer = "ConsoleSignIn";
  session.mfa_authenticated = mfa;
  const double now = std::floor(d_.clock.now_seconds());
  json::object creds = d_.issue_session(session, now + kConsoleSessionSeconds);
  if (auto* exp = creds.if_contains("Expiration"); exp && exp->is_number())
    *exp = json::string(iso8601(exp->to_number<double>()));
  d_.credentials.password_used(acct);
  record(acct, "ConsoleLogin", caller, "", json::object{{"LoginTo", login_to}, {"MFAUsed", mfa ? "Yes" : "No"}});
  return json::object{{"Credentials", std::move(creds)}};
}

Result<json::object> RootSignIn::forgot_password(std::string_view email, const Caller& caller) {
  static const std::string kSent =
      "If this email address belongs to a root user that may recover its password, a password reset link "
      "was sent to it. The link works once, within " + hours(kResetTokenSeconds) + ".";
  auto account = account_for(email);
  if (!account) return json::object{{"message", kSent}};
  const std::string& acct = account->account_id;
  if (!recoverable(acct)) {
    record(acct, "PasswordRecoveryRequested", caller, "Password recovery is not allowed for this root user");
    return recovery_not_allowed();
  }

  const double now = d_.clock.now_seconds();
  const std::string token = new_token();
  d_.tokens.insert(ResetTokenRecord{token_hash(token), acct, now, now + kResetTokenSeconds, 0});

  MailMessage m;
  m.message_id = ids::uuid4(d_.random);
  m.to = account->email;
  m.from = kMailFrom;
  m.subject = kMailSubject;
  m.date = now;
  m.reset_token = token;
  m.reset_link = base_url(caller) + "/_orgroot/console/reset-password?token=" + token;
  m.body = fmt::format(
      "Hello,\n\n"
      "Someone asked to reset the password of the root user of AWS account {} ({}).\n\n"
      "To choose a new password, open this link within {}:\n\n"
      "{}\n\n"
      "The link works once. If you did not ask for a new password, ignore this message: nothing changes.\n\n"
      "orgroot (local AWS emulator)\n",
      acct, account->email, hours(kResetTokenSeconds), m.reset_link);
  d_.mailbox.deliver(std::move(m));
  record(acct, "PasswordRecoveryRequested", caller, "");
  return json::object{{"message", kSent}};
}

Result<json::object> RootSignIn::reset_password(std::string_view token, std::string_view new_password,
                                                const Caller& caller) {
  const double now = d_.clock.now_seconds();
  const std::string hash = token_hash(trim(token));
  auto t = trim(token).empty() ? std::nullopt : d_.tokens.find(hash);
  if (!t) return invalid_token();
  if (t->used_at > 0 || now >= t->expires_at) {
    record(t->account_id, "PasswordRecoveryCompleted", caller, "The password reset link is used or expired");
    return invalid_token();
  }
  const std::string& acct = t->account_id;
  if (!recoverable(acct)) {
    // The credentials were deleted since the mail was sent: the link is dead for good.
    d_.tokens.revoke_account(acct, now);
    record(acct, "PasswordRecoveryCompleted", caller, "Password recovery is not allowed for this root user");
    return recovery_not_allowed();
  }
  auto account = d_.identity.get_account(acct);
  if (auto problem = root_password_problem(new_password, account ? account->name : "", account ? account->email : ""))
    return AwsError("InvalidPassword", *problem, 400);
  if (!d_.tokens.consume(hash, now)) return invalid_token();  // another reset took it first

  d_.credentials.set_password(acct, new_password);
  d_.tokens.revoke_account(acct, now);  // other links mailed earlier die with the old password
  record(acct, "PasswordRecoveryCompleted", caller, "");
  return json::object{{"message", "Your password has been reset. Sign in with your new password."}};
}

}  // namespace orgroot::services::rootuser
