#include "services/iam/root_user_credentials.h"

#include <cmath>

#include "auth/crypto.h"
#include "services/iam/totp.h"

namespace orgroot::services::iam {

namespace {
const std::string kRoot;  // the root user's name in the credentials store
}  // namespace

RootUserCredentials::Password IamRootUserCredentials::password(const std::string& account_id) {
  auto lp = store_.get_login_profile(account_id, kRoot);
  if (!lp) return Password::None;
  return lp->password_hash.empty() ? Password::RecoveryOnly : Password::Set;
}

bool IamRootUserCredentials::verify_password(const std::string& account_id, std::string_view password) {
  return store_.verify_login_password(account_id, kRoot, password);
}

void IamRootUserCredentials::password_used(const std::string& account_id) {
  auto lp = store_.get_login_profile(account_id, kRoot);
  if (!lp) return;
  lp->password_last_used = std::floor(clock_.now_seconds());
  store_.update_login_profile(*lp);
}

void IamRootUserCredentials::set_password(const std::string& account_id, std::string_view password) {
  const double now = std::floor(clock_.now_seconds());
  const std::string hash = hash_password(password);
  auto lp = store_.get_login_profile(account_id, kRoot);
  if (!lp) {
    LoginProfileRecord fresh{account_id, kRoot, hash, false, now, now, 0};
    if (!store_.insert_login_profile(fresh)) lp = store_.get_login_profile(account_id, kRoot);  // raced
  }
  if (lp) {
    lp->password_hash = hash;
    lp->reset_required = false;
    lp->password_changed_at = now;
    store_.update_login_profile(*lp);
  }
  store_.add_password_history(account_id, kRoot, hash, now);
}

void IamRootUserCredentials::give_unknown_password(const std::string& account_id) {
  if (store_.get_login_profile(account_id, kRoot)) return;
  const double now = std::floor(clock_.now_seconds());
  // A password nobody knows: no hash can match it, so nothing needs hashing (PBKDF2 costs tens of
  // milliseconds, which would be paid at every start-up and every CreateAccount).
  store_.insert_login_profile(LoginProfileRecord{account_id, kRoot, std::string(kUnknownPasswordHash), false, now, now, 0});
}

bool IamRootUserCredentials::mfa_enabled(const std::string& account_id) {
  return !store_.user_mfa_devices(account_id, kRoot).empty();
}

bool IamRootUserCredentials::check_mfa_code(const std::string& account_id, std::string_view code) {
  for (const auto& d : store_.user_mfa_devices(account_id, kRoot))
    if (iam::check_mfa_code(store_, clock_, account_id, d.serial_number, code)) return true;
  return false;
}

}  // namespace orgroot::services::iam
