// The narrow interfaces through which services and the authorizer ask each other things. A
// service implements the ones it answers; nobody reaches into another service's tables.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "common/result.h"
#include "policy/evaluator.h"
#include "policy/policy_document.h"

namespace orgroot::services {

// ---- answered by IAM ---------------------------------------------------------------------------

// The policies that apply to a principal's own requests (identity side of the evaluation).
struct IdentityPolicies {
  std::vector<policy::PolicyPtr> identity;  // attached managed + inline, and its groups' (users)
  policy::PolicyPtr permissions_boundary;    // null: none
  std::vector<policy::PolicyPtr> session;    // role-session policies; empty: none
  std::vector<std::pair<std::string, std::string>> principal_tags;  // aws:PrincipalTag/...
};

class IdentityPolicyView {
 public:
  virtual ~IdentityPolicyView() = default;
  // For an IAM user, a role session or a root identity. Root principals get no identity
  // policies: their implicit allow is the evaluator's business.
  virtual IdentityPolicies policies_for(const auth::Principal& who) = 0;
};

// What Organizations asks of IAM when an account joins through CreateAccount.
class AccountProvisioner {
 public:
  virtual ~AccountProvisioner() = default;
  // Creates the account, its root user (named by email) and the role `access_role_name` that
  // trusts `management_account_id` and has AdministratorAccess.
  virtual Status provision_member_account(const std::string& account_id, const std::string& account_name,
                                          const std::string& email, const std::string& access_role_name,
                                          const std::string& management_account_id) = 0;
};

// What the root user's sign-in side (services/rootuser) asks of IAM about a root user's own
// credentials: its login profile (IAM's "" user) and its MFA devices. The account id names the root.
class RootUserCredentials {
 public:
  virtual ~RootUserCredentials() = default;
  enum class Password {
    None,          // no login profile: cannot sign in, cannot recover
    RecoveryOnly,  // a login profile without a password (CreateLoginProfile in a root session)
    Set,           // a login profile with a password (known or not)
  };
  virtual Password password(const std::string& account_id) = 0;
  // Checks a sign-in password; false when there is none.
  virtual bool verify_password(const std::string& account_id, std::string_view password) = 0;
  // Notes a successful sign-in (the credential report's password_last_used).
  virtual void password_used(const std::string& account_id) = 0;
  // Sets the password, creating the login profile if there is none; PasswordResetRequired false.
  virtual void set_password(const std::string& account_id, std::string_view password) = 0;
  // Gives a root without a login profile one whose password is random and told to nobody: only
  // "Forgot password" leads in (accounts created by Organizations, the management account).
  virtual void give_unknown_password(const std::string& account_id) = 0;
  virtual bool mfa_enabled(const std::string& account_id) = 0;
  // Checks a code against the root's enabled MFA devices; a code is accepted once.
  virtual bool check_mfa_code(const std::string& account_id, std::string_view code) = 0;
};

// ---- answered by Organizations -----------------------------------------------------------------

struct OrgMembership {
  std::string organization_id;        // o-...
  std::string management_account_id;
  bool is_management = false;
  bool all_features = true;
};

class OrganizationView {
 public:
  virtual ~OrganizationView() = default;
  virtual std::optional<OrgMembership> membership(const std::string& account_id) = 0;
  // The SCPs that apply to a principal of this account: one level per node from the organization
  // root down to the account, each the SCPs attached there. Empty when none apply (no
  // organization, SCPs not enabled, or the management account).
  virtual std::vector<policy::PolicyLevel> scp_chain(const std::string& account_id) = 0;
  virtual bool trusted_access_enabled(const std::string& service_principal) = 0;
  virtual std::vector<std::string> delegated_administrators(const std::string& service_principal) = 0;
  // Whether a member account is ACTIVE (not closed or pending closure). Default: every account is.
  virtual bool account_active(const std::string& account_id) { return true; }
};

// ---- server configuration both may read --------------------------------------------------------

// AWS's default quotas, each raisable with `orgroot server --quota NAME=VALUE`.
class Quotas {
 public:
  int64_t get(const std::string& name, int64_t aws_default) const {
    auto it = overrides_.find(name);
    return it == overrides_.end() ? aws_default : it->second;
  }
  void set(const std::string& name, int64_t value) { overrides_[name] = value; }

 private:
  std::map<std::string, int64_t> overrides_;
};

}  // namespace orgroot::services
