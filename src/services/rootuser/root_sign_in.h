// The root user's side, as a person meets it (spec §1.3, §1.4, §6): signing in with the account's
// email address, a password and (once the root has one) an MFA code, which opens a console session
// that acts as the root user; and "Forgot password", which mails a single-use reset link to the
// root's address and lets whoever reads it choose a new password.
//
// Whether recovery is possible follows the root's login profile in IAM: a root with a profile (a
// password, known or not, or the recovery-only profile of CreateLoginProfile in an
// IAMCreateRootUserPassword session) may recover; a root whose credentials were deleted, or whose
// account was created while RootCredentialsManagement was enabled, may not. The management
// account's root is never refused recovery.
//
// Every sign-in attempt and recovery step of a known account is recorded in that account's trail
// as a console sign-in event (spec §7).
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/result.h"
#include "services/audit.h"
#include "services/interfaces.h"
#include "services/rootuser/mailbox.h"
#include "services/rootuser/reset_tokens.h"
#include "store/identity_store.h"

namespace orgroot::services::rootuser {

// Guesses (docs/guesses.md): how long a root console session lasts, and a reset link.
inline constexpr int kConsoleSessionSeconds = 3600;
inline constexpr int kResetTokenSeconds = 3600;

// Who is asking, for the trail and for the links mailed back.
struct Caller {
  std::string source_ip;
  std::string user_agent;
  std::string host;     // the Host header: reset links point back to it
  bool secure = false;  // the request came over https
};

// Issues temporary credentials (ASIA...) acting as `principal` until `expiration` (epoch seconds):
// {AccessKeyId, SecretAccessKey, SessionToken, Expiration (epoch seconds)}.
using SessionIssuer = std::function<boost::json::object(const auth::Principal& principal, double expiration)>;

struct RootSignInDeps {
  store::IdentityStore& identity;
  RootUserCredentials& credentials;
  ResetTokenStore& tokens;
  Mailbox& mailbox;
  const Clock& clock;
  Random& random;
  SessionIssuer issue_session;
  std::string management_account_id;
  AuditSink* audit = nullptr;  // null: nothing is recorded
};

class RootSignIn {
 public:
  explicit RootSignIn(RootSignInDeps deps) : d_(std::move(deps)) {}

  // {"Credentials": {AccessKeyId, SecretAccessKey, SessionToken, Expiration (ISO 8601)}}.
  // Errors: 401 AuthenticationFailed (unknown email or wrong password, one answer for both),
  // 401 MfaCodeRequired / InvalidMfaCode, 403 PasswordRecoveryRequired (a profile without a
  // password) / NoRootCredentials (no profile at all).
  Result<boost::json::object> sign_in(std::string_view email, std::string_view password,
                                      const std::optional<std::string>& mfa_code, const Caller& caller);
  // Mails a reset link to a recoverable root; {"message": ...}. An unknown address gets the same
  // answer and no mail. Errors: 403 PasswordRecoveryNotAllowed.
  Result<boost::json::object> forgot_password(std::string_view email, const Caller& caller);
  // Sets the root's password from a mailed token; {"message": ...}. Errors: 400 InvalidToken
  // (unknown, used or expired), 403 PasswordRecoveryNotAllowed, 400 InvalidPassword.
  Result<boost::json::object> reset_password(std::string_view token, std::string_view new_password,
                                             const Caller& caller);

  // "Forgot password" may lead this root to a new password.
  bool recoverable(const std::string& account_id);

 private:
  std::optional<store::AccountRecord> account_for(std::string_view email);
  // Records a console sign-in event in the account's trail; `failure` "" = success.
  void record(const std::string& account_id, const std::string& event_name, const Caller& caller,
              const std::string& failure, boost::json::object additional = {});
  std::string new_token();

  RootSignInDeps d_;
};

}  // namespace orgroot::services::rootuser
