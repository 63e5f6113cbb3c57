#include "services/iam/credentials_service.h"

#include <algorithm>
#include <cmath>

#include "auth/crypto.h"
#include "services/iam/credential_report.h"
#include "services/iam/qr_png.h"
#include "services/iam/totp.h"
#include "services/iam/x509_cert.h"

namespace orgroot::services::iam {

namespace json = boost::json;

namespace {

constexpr double kReportLifetime = 4 * 3600;  // a report is served (and not regenerated) for 4 hours

AwsError no_such_user(const std::string& name) {
  return AwsError::NoSuchEntity("The user with name " + name + " cannot be found.");
}
AwsError no_such_key(const std::string& id) {
  return AwsError::NoSuchEntity("The Access Key with id " + id + " cannot be found.");
}
AwsError no_such_login_profile(const std::string& user) {
  return AwsError::NoSuchEntity("Login Profile for User " + (user.empty() ? std::string("null") : user) +
                                " cannot be found.");
}
AwsError no_such_virtual_mfa(const std::string& serial) {
  return AwsError::NoSuchEntity("VirtualMFADevice with serial number " + serial + " doesn't exist.");
}
AwsError no_such_mfa(const std::string& serial) {
  return AwsError::NoSuchEntity("MFA Device with serial number " + serial + " does not exist.");
}
AwsError no_such_cert(const std::string& id) {
  return AwsError::NoSuchEntity("The Certificate with id " + id + " cannot be found.");
}
AwsError policy_violation() {
  return AwsError("PasswordPolicyViolation", "Password does not conform to the account password policy.", 400);
}
AwsError invalid_code() {
  return AwsError("InvalidAuthenticationCode", "Authentication code for device is not valid.", 403);
}

bool same_user(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string root_arn(const std::string& account) { return "arn:aws:iam::" + account + ":root"; }

// Marker = base64("o:<offset>"): opaque to clients, as AWS's are.
Result<json::object> paginate(const json::array& all, const json::object& p, std::string_view key) {
  int64_t max = param_int(p, "MaxItems").value_or(100);
  size_t start = 0;
  if (auto m = param(p, "Marker"); m && m->is_string()) {
    auto d = crypto::base64_decode(m->get_string());
    if (!d || d->rfind("o:", 0) != 0 || d->size() < 3 ||
        d->find_first_not_of("0123456789", 2) != std::string::npos)
      return AwsError("InvalidInput", "Invalid Marker.", 400);
    start = std::min<size_t>(std::stoull(d->substr(2)), all.size());
  }
  size_t end = std::min(all.size(), start + static_cast<size_t>(max));
  json::object out;
  out[key] = json::array(all.begin() + static_cast<std::ptrdiff_t>(start), all.begin() + static_cast<std::ptrdiff_t>(end));
  out["IsTruncated"] = end < all.size();
  if (end < all.size()) out["Marker"] = crypto::base64_encode("o:" + std::to_string(end));
  return out;
}

bool has_symbol(char c) { return std::string_view("!@#$%^&*()_+-=[]{}|'").find(c) != std::string_view::npos; }

}  // namespace

CredentialsService::CredentialsService(ServiceDeps& deps)
    : deps_(deps), store_(std::make_unique<CredentialsStore>(deps.db)) {
  register_access_keys();
  register_login_profiles();
  register_mfa();
  register_signing_certs();
  register_account();
}

void CredentialsService::record_key_use(const std::string& access_key_id, std::string_view service,
                                        std::string_view region) {
  store_->record_key_use(access_key_id, service, region, std::floor(deps_.clock.now_seconds()));
}

std::string CredentialsService::user_arn(const std::string& account, const std::string& user) const {
  if (user.empty()) return root_arn(account);
  if (auto u = deps_.identity.get_user(account, user)) return u->arn;
  return "arn:aws:iam::" + account + ":user/" + user;
}

Result<CredentialsService::Target> CredentialsService::target(const CallContext& ctx, const json::object& p) const {
  const auto& who = ctx.principal;
  std::string name = param_str(p, "UserName");
  if (!name.empty()) {
    auto u = deps_.identity.get_user(who.account_id, name);
    if (!u) return no_such_user(name);
    return Target{u->user_name, false, u->arn};
  }
  if (who.type == auth::PrincipalType::Root) return Target{"", true, root_arn(who.account_id)};
  if (who.type == auth::PrincipalType::IamUser && !who.user_name.empty())
    return Target{who.user_name, false, who.arn};
  return AwsError::ValidationError("Must specify userName when calling with non-User credentials");
}

AuthzTarget CredentialsService::authz_target(std::string_view operation, const json::object& params,
                                             const CallContext& ctx) const {
  AuthzTarget t = Service::authz_target(operation, params, ctx);
  const std::string& account = ctx.principal.account_id;
  static const std::vector<std::string_view> user_ops = {
      "CreateAccessKey", "ListAccessKeys", "UpdateAccessKey", "DeleteAccessKey", "CreateLoginProfile",
      "GetLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile", "EnableMFADevice", "DeactivateMFADevice",
      "ListMFADevices", "ResyncMFADevice", "GetMFADevice", "UploadSigningCertificate", "UpdateSigningCertificate",
      "DeleteSigningCertificate", "ListSigningCertificates", "ChangePassword"};
  if (std::find(user_ops.begin(), user_ops.end(), operation) != user_ops.end()) {
    std::string name = operation == "ChangePassword" ? std::string() : param_str(params, "UserName");
    if (!name.empty()) t.resource = user_arn(account, name);
    else if (ctx.principal.type == auth::PrincipalType::Root) t.resource = root_arn(account);
    else if (ctx.principal.type == auth::PrincipalType::IamUser) t.resource = ctx.principal.arn;
  } else if (operation == "GetAccessKeyLastUsed") {
    auto k = deps_.identity.get_access_key(param_str(params, "AccessKeyId"));
    if (k && k->account_id == account) t.resource = user_arn(account, k->user_name);
  } else if (operation == "CreateVirtualMFADevice") {
    std::string path = param_str(params, "Path", "/");
    t.resource = "arn:aws:iam::" + account + ":mfa" + path + param_str(params, "VirtualMFADeviceName");
  } else if (operation == "DeleteVirtualMFADevice") {
    t.resource = param_str(params, "SerialNumber");
  }
  return t;
}

Status CredentialsService::precheck(std::string_view operation, const json::object& params,
                                   const CallContext& ctx) const {
  if (operation == "EnableMFADevice" && ctx.principal.type != auth::PrincipalType::Root &&
      param_str(params, "UserName").empty())
    return AwsError::ValidationError(
        "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be "
        "null");
  return OkStatus();
}

// ---- access keys ---------------------------------------------------------------------------

void CredentialsService::register_access_keys() {
  on("CreateAccessKey", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    const auto& account = ctx.principal.account_id;
    int64_t quota = deps_.quotas.get("AccessKeysPerUser", 2);
    if (static_cast<int64_t>(deps_.identity.list_access_keys(account, t->user).size()) >= quota)
      return AwsError::LimitExceeded("Cannot exceed quota for AccessKeysPerUser: " + std::to_string(quota));
    store::AccessKeyRecord k;
    k.access_key_id = ids::access_key_id(deps_.random, account, false);
    k.secret = ids::secret_access_key(deps_.random);
    k.account_id = account;
    k.user_name = t->user;
    k.status = "Active";
    k.created_at = std::floor(deps_.clock.now_seconds());
    deps_.identity.put_access_key(k);
    json::object key{{"AccessKeyId", k.access_key_id},
                     {"Status", k.status},
                     {"SecretAccessKey", k.secret},
                     {"CreateDate", k.created_at}};
    if (!t->root) key["UserName"] = t->user;
    return json::value(json::object{{"AccessKey", std::move(key)}});
  });

  on("ListAccessKeys", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    json::array items;
    for (const auto& k : deps_.identity.list_access_keys(ctx.principal.account_id, t->user)) {
      json::object m{{"AccessKeyId", k.access_key_id}, {"Status", k.status}, {"CreateDate", k.created_at}};
      if (!t->root) m["UserName"] = t->user;
      items.push_back(std::move(m));
    }
    auto page = paginate(items, p, "AccessKeyMetadata");
    if (!page) return page.error();
    return json::value(std::move(*page));
  });

  // The key named by AccessKeyId, which must belong to the target user.
  auto owned_key = [this](const CallContext& ctx, const json::object& p,
                          const Target& t) -> Result<store::AccessKeyRecord> {
    std::string id = param_str(p, "AccessKeyId");
    auto k = deps_.identity.get_access_key(id);
    if (!k || k->account_id != ctx.principal.account_id || !same_user(k->user_name, t.user)) return no_such_key(id);
    return *k;
  };

  on("UpdateAccessKey", [this, owned_key](CallContext& ctx, const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    auto k = owned_key(ctx, p, *t);
    if (!k) return k.error();
    std::string status = param_str(p, "Status");
    if (status != "Active" && status != "Inactive")
      return AwsError("InvalidInput", "Invalid status: " + status + ". Valid values are Active and Inactive.", 400);
    k->status = status;
    deps_.identity.put_access_key(*k);
    return json::value(json::object{});
  });

  on("DeleteAccessKey", [this, owned_key](CallContext& ctx, const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    auto k = owned_key(ctx, p, *t);
    if (!k) return k.error();
    deps_.identity.delete_access_key(k->access_key_id);
    store_->forget_key(k->access_key_id);
    return json::value(json::object{});
  });

  on("GetAccessKeyLastUsed", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    std::string id = param_str(p, "AccessKeyId");
    auto k = deps_.identity.get_access_key(id);
    if (!k || k->account_id != ctx.principal.account_id) return no_such_key(id);
    json::object used;
    if (auto u = store_->key_last_use(id)) {
      used = {{"LastUsedDate", u->used_at}, {"ServiceName", u->service}, {"Region", u->region}};
    } else {
      used = {{"ServiceName", "N/A"}, {"Region", "N/A"}};
    }
    json::object out{{"AccessKeyLastUsed", std::move(used)}};
    if (!k->user_name.empty()) out["UserName"] = k->user_name;
    return json::value(std::move(out));
  });
}

// ---- login profiles and the password policy ------------------------------------------------

namespace {

bool conforms(const std::optional<PasswordPolicyRecord>& pol, std::string_view pw,
              const std::optional<store::AccountRecord>& account) {
  bool upper = false, lower = false, digit = false, symbol = false;
  for (char c : pw) {
    if (c >= 'A' && c <= 'Z') upper = true;
    else if (c >= 'a' && c <= 'z') lower = true;
    else if (c >= '0' && c <= '9') digit = true;
    else if (has_symbol(c)) symbol = true;
  }
  if (!pol) {
    // AWS's default policy: 8 characters, three of the four character types, not the account's
    // name or email address.
    if (pw.size() < 8) return false;
    if (int(upper) + int(lower) + int(digit) + int(symbol) < 3) return false;
    if (account && (pw == account->name || pw == account->email)) return false;
    return true;
  }
  if (static_cast<int64_t>(pw.size()) < pol->minimum_length) return false;
  if ((pol->require_uppercase && !upper) || (pol->require_lowercase && !lower) || (pol->require_numbers && !digit) ||
      (pol->require_symbols && !symbol))
    return false;
  return true;
}

json::object login_profile_json(const LoginProfileRecord& lp) {
  json::object o{{"CreateDate", lp.created_at}, {"PasswordResetRequired", lp.reset_required}};
  if (!lp.user_name.empty()) o["UserName"] = lp.user_name;
  return o;
}

}  // namespace

void CredentialsService::register_login_profiles() {
  // Checks `password` against the account's policy (and its reuse rule for `user`).
  auto check_password = [this](const std::string& account, const std::string& user,
                                std::string_view password) -> Status {
    auto pol = store_->get_password_policy(account);
    if (!conforms(pol, password, deps_.identity.get_account(account))) return policy_violation();
    if (pol && pol->reuse_prevention) {
      for (const auto& h : store_->password_history(account, user, static_cast<size_t>(*pol->reuse_prevention)))
        if (verify_password_hash(h, password)) return policy_violation();
    }
    return OkStatus();
  };
  // Stores a new password for an existing profile.
  auto set_password = [this](LoginProfileRecord& lp, std::string_view password, double now) {
    lp.password_hash = hash_password(password);
    lp.password_changed_at = now;
    store_->add_password_history(lp.account_id, lp.user_name, lp.password_hash, now);
  };

  on("CreateLoginProfile", [this, check_password](CallContext& ctx, const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    const auto& account = ctx.principal.account_id;
    auto pw = param(p, "Password");
    if (t->root && pw)
      return AwsError("InvalidInput", "Password cannot be specified when creating the root user's login profile.",
                      400);
    if (!t->root && !pw)
      return AwsError::ValidationError(
          "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be "
          "null");
    if (store_->get_login_profile(account, t->user))
      return AwsError::EntityAlreadyExists(t->root ? "Login Profile for account " + account + " already exists."
                                                   : "Login Profile for user " + t->user + " already exists.");
    double now = std::floor(deps_.clock.now_seconds());
    LoginProfileRecord lp{account, t->user, "", false, now, 0, 0};
    if (pw) {
      std::string password(pw->get_string());
      if (auto s = check_password(account, t->user, password); !s) return s.error();
      lp.password_hash = hash_password(password);
      lp.password_changed_at = now;
      lp.reset_required = p.contains("PasswordResetRequired") && p.at("PasswordResetRequired").is_bool() &&
                          p.at("PasswordResetRequired").get_bool();
    }
    if (!store_->insert_login_profile(lp))
      return AwsError::EntityAlreadyExists("Login Profile for user " + t->user + " already exists.");
    if (!lp.password_hash.empty()) store_->add_password_history(account, t->user, lp.password_hash, now);
    return json::value(json::object{{"LoginProfile", login_profile_json(lp)}});
  });

  on("GetLoginProfile", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    auto lp = store_->get_login_profile(ctx.principal.account_id, t->user);
    if (!lp) return no_such_login_profile(t->user);
    return json::value(json::object{{"LoginProfile", login_profile_json(*lp)}});
  });

  on("UpdateLoginProfile", [this, check_password, set_password](CallContext& ctx,
                                                                const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    const auto& account = ctx.principal.account_id;
    auto lp = store_->get_login_profile(account, t->user);
    if (!lp) return no_such_login_profile(t->user);
    double now = std::floor(deps_.clock.now_seconds());
    if (auto pw = param(p, "Password"); pw && pw->is_string()) {
      std::string password(pw->get_string());
      if (auto s = check_password(account, t->user, password); !s) return s.error();
      set_password(*lp, password, now);
    }
    if (auto r = param(p, "PasswordResetRequired"); r && r->is_bool()) lp->reset_required = r->get_bool();
    store_->update_login_profile(*lp);
    return json::value(json::object{});
  });

  on("DeleteLoginProfile", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    if (!store_->delete_login_profile(ctx.principal.account_id, t->user)) return no_such_login_profile(t->user);
    return json::value(json::object{});
  });

  on("ChangePassword", [this, check_password, set_password](CallContext& ctx,
                                                            const json::object& p) -> OperationResult {
    const auto& who = ctx.principal;
    if (who.type != auth::PrincipalType::IamUser || who.user_name.empty())
      return AwsError("InvalidUserType", "Only IAM users can change their own password.", 400);
    auto lp = store_->get_login_profile(who.account_id, who.user_name);
    if (!lp) return no_such_login_profile(who.user_name);
    if (lp->password_hash.empty() || !verify_password_hash(lp->password_hash, param_str(p, "OldPassword")))
      return AwsError::AccessDenied("The old password was incorrect.");
    std::string next = param_str(p, "NewPassword");
    if (auto s = check_password(who.account_id, who.user_name, next); !s) return s.error();
    set_password(*lp, next, std::floor(deps_.clock.now_seconds()));
    lp->reset_required = false;
    store_->update_login_profile(*lp);
    return json::value(json::object{});
  });

  on("UpdateAccountPasswordPolicy", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    PasswordPolicyRecord pol;
    auto flag = [&](std::string_view k) {
      auto v = param(p, k);
      return v && v->is_bool() && v->get_bool();
    };
    pol.minimum_length = param_int(p, "MinimumPasswordLength").value_or(6);
    pol.require_symbols = flag("RequireSymbols");
    pol.require_numbers = flag("RequireNumbers");
    pol.require_uppercase = flag("RequireUppercaseCharacters");
    pol.require_lowercase = flag("RequireLowercaseCharacters");
    pol.allow_users_to_change = flag("AllowUsersToChangePassword");
    if (auto v = param_int(p, "MaxPasswordAge")) pol.max_age_days = *v;
    if (auto v = param_int(p, "PasswordReusePrevention")) pol.reuse_prevention = *v;
    if (auto v = param(p, "HardExpiry"); v && v->is_bool()) pol.hard_expiry = v->get_bool();
    store_->put_password_policy(ctx.principal.account_id, pol);
    return json::value(json::object{});
  });

  on("GetAccountPasswordPolicy", [this](CallContext& ctx, const json::object&) -> OperationResult {
    const auto& account = ctx.principal.account_id;
    auto pol = store_->get_password_policy(account);
    if (!pol) return AwsError::NoSuchEntity("The Password Policy with domain name " + account + " cannot be found.");
    json::object o{{"MinimumPasswordLength", pol->minimum_length},
                   {"RequireSymbols", pol->require_symbols},
                   {"RequireNumbers", pol->require_numbers},
                   {"RequireUppercaseCharacters", pol->require_uppercase},
                   {"RequireLowercaseCharacters", pol->require_lowercase},
                   {"AllowUsersToChangePassword", pol->allow_users_to_change},
                   {"ExpirePasswords", pol->max_age_days.has_value()}};
    if (pol->max_age_days) o["MaxPasswordAge"] = *pol->max_age_days;
    if (pol->reuse_prevention) o["PasswordReusePrevention"] = *pol->reuse_prevention;
    if (pol->hard_expiry) o["HardExpiry"] = *pol->hard_expiry;
    return json::value(json::object{{"PasswordPolicy", std::move(o)}});
  });

  on("DeleteAccountPasswordPolicy", [this](CallContext& ctx, const json::object&) -> OperationResult {
    const auto& account = ctx.principal.account_id;
    if (!store_->delete_password_policy(account))
      return AwsError::NoSuchEntity("The account policy with name PasswordPolicy cannot be found.");
    return json::value(json::object{});
  });
}

// ---- virtual MFA devices -------------------------------------------------------------------

namespace {
constexpr int kEnableBehind = 3;   // steps of clock difference EnableMFADevice tolerates
constexpr int kEnableAhead = 1;
constexpr int kResyncWindow = 40;  // ResyncMFADevice: 20 minutes either way
}  // namespace

void CredentialsService::register_mfa() {
  on("CreateVirtualMFADevice", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    const auto& account = ctx.principal.account_id;
    std::string path = param_str(p, "Path", "/");
    std::string name = param_str(p, "VirtualMFADeviceName");
    if (path.empty() || path.front() != '/' || path.back() != '/')
      return AwsError("InvalidInput", "The specified value for path is invalid. It must begin and end with / and "
                                      "contain only alphanumeric characters and/or / characters.", 400);
    MfaDeviceRecord d;
    d.account_id = account;
    d.name = name;
    d.path = path;
    d.serial_number = "arn:aws:iam::" + account + ":mfa" + path + name;
    std::string seed(20, '\0');
    deps_.random.fill(reinterpret_cast<unsigned char*>(seed.data()), seed.size());
    d.seed = seed;
    d.created_at = std::floor(deps_.clock.now_seconds());
    json::array tags;
    if (auto t = param(p, "Tags"); t && t->is_array()) tags = t->get_array();
    d.tags_json = json::serialize(tags);
    std::string b32 = totp::base32_encode(seed);
    auto png = qr_png(otpauth_uri(name, account, b32));
    if (!png) return AwsError("ServiceFailure", "Could not render the QR code.", 500, false);
    if (!store_->insert_mfa_device(d))
      return AwsError::EntityAlreadyExists("MFADevice entity at the same path and name already exists.");
    json::object dev{{"SerialNumber", d.serial_number}, {"Base32StringSeed", b32}, {"QRCodePNG", *png}};
    if (!tags.empty()) dev["Tags"] = tags;
    return json::value(json::object{{"VirtualMFADevice", std::move(dev)}});
  });

  on("EnableMFADevice", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    const auto& account = ctx.principal.account_id;
    std::string serial = param_str(p, "SerialNumber");
    auto d = store_->get_mfa_device(account, serial);
    if (!d) return no_such_virtual_mfa(serial);
    if (d->user_name) return AwsError::EntityAlreadyExists("MFA Device is already in use.");
    int64_t quota = deps_.quotas.get("MFADevicesPerUser", 8);
    if (static_cast<int64_t>(store_->user_mfa_devices(account, t->user).size()) >= quota)
      return AwsError::LimitExceeded("Cannot exceed quota for MFADevicesPerUser: " + std::to_string(quota));
    int64_t now = totp::step_of(static_cast<int64_t>(std::floor(deps_.clock.now_seconds())));
    auto s = totp::match_consecutive(d->seed, param_str(p, "AuthenticationCode1"), param_str(p, "AuthenticationCode2"),
                                     now, kEnableBehind, kEnableAhead);
    if (!s) return invalid_code();
    d->user_name = t->user;
    d->enabled_at = std::floor(deps_.clock.now_seconds());
    d->last_step = *s;
    d->drift_steps = 0;
    store_->update_mfa_device(*d);
    return json::value(json::object{});
  });

  // The device `SerialNumber` assigned to the target user.
  auto assigned = [this](const CallContext& ctx, const json::object& p,
                         const Target& t) -> Result<MfaDeviceRecord> {
    std::string serial = param_str(p, "SerialNumber");
    auto d = store_->get_mfa_device(ctx.principal.account_id, serial);
    if (!d || !d->user_name || !same_user(*d->user_name, t.user)) return no_such_mfa(serial);
    return *d;
  };

  on("DeactivateMFADevice", [this, assigned](CallContext& ctx, const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    auto d = assigned(ctx, p, *t);
    if (!d) return d.error();
    d->user_name.reset();
    d->enabled_at = 0;
    d->drift_steps = 0;
    store_->update_mfa_device(*d);
    return json::value(json::object{});
  });

  on("ResyncMFADevice", [this, assigned](CallContext& ctx, const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    auto d = assigned(ctx, p, *t);
    if (!d) return d.error();
    int64_t now = totp::step_of(static_cast<int64_t>(std::floor(deps_.clock.now_seconds())));
    auto s = totp::match_consecutive(d->seed, param_str(p, "AuthenticationCode1"), param_str(p, "AuthenticationCode2"),
                                     now, kResyncWindow, kResyncWindow);
    if (!s) return invalid_code();
    d->drift_steps = *s - now;
    d->last_step = *s;
    store_->update_mfa_device(*d);
    return json::value(json::object{});
  });

  on("DeleteVirtualMFADevice", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    const auto& account = ctx.principal.account_id;
    std::string serial = param_str(p, "SerialNumber");
    auto d = store_->get_mfa_device(account, serial);
    if (!d) return no_such_virtual_mfa(serial);
    if (d->user_name) return AwsError("DeleteConflict", "MFA Device is still in use.", 409);
    store_->delete_mfa_device(account, serial);
    return json::value(json::object{});
  });

  on("ListVirtualMFADevices", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    const auto& account = ctx.principal.account_id;
    std::string status = param_str(p, "AssignmentStatus", "Any");
    json::array items;
    for (const auto& d : store_->list_mfa_devices(account)) {
      bool is_assigned = d.user_name.has_value();
      if ((status == "Assigned" && !is_assigned) || (status == "Unassigned" && is_assigned)) continue;
      json::object o{{"SerialNumber", d.serial_number}};
      if (is_assigned) {
        json::object user;
        if (d.user_name->empty()) {
          auto acct = deps_.identity.get_account(account);
          user = {{"UserId", account}, {"Arn", root_arn(account)}, {"CreateDate", acct ? acct->created_at : 0.0}};
        } else if (auto u = deps_.identity.get_user(account, *d.user_name)) {
          user = {{"Path", u->path}, {"UserName", u->user_name}, {"UserId", u->user_id},
                  {"Arn", u->arn},   {"CreateDate", u->created_at}};
        }
        o["User"] = std::move(user);
        o["EnableDate"] = d.enabled_at;
      }
      auto tags = json::parse(d.tags_json);
      if (tags.is_array() && !tags.get_array().empty()) o["Tags"] = tags;
      items.push_back(std::move(o));
    }
    auto page = paginate(items, p, "VirtualMFADevices");
    if (!page) return page.error();
    return json::value(std::move(*page));
  });

  on("ListMFADevices", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    json::array items;
    for (const auto& d : store_->user_mfa_devices(ctx.principal.account_id, t->user)) {
      json::object o{{"SerialNumber", d.serial_number}, {"EnableDate", d.enabled_at}};
      if (!t->root) o["UserName"] = t->user;
      items.push_back(std::move(o));
    }
    auto page = paginate(items, p, "MFADevices");
    if (!page) return page.error();
    return json::value(std::move(*page));
  });

  on("GetMFADevice", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    const auto& account = ctx.principal.account_id;
    std::string serial = param_str(p, "SerialNumber");
    auto d = store_->get_mfa_device(account, serial);
    if (!d || !d->user_name) return no_such_mfa(serial);
    std::string name = param_str(p, "UserName");
    if (!name.empty()) {
      if (!deps_.identity.get_user(account, name)) return no_such_user(name);
      if (!same_user(name, *d->user_name)) return no_such_mfa(serial);
    }
    json::object o{{"SerialNumber", d->serial_number}, {"EnableDate", d->enabled_at}};
    if (!d->user_name->empty()) o["UserName"] = *d->user_name;
    return json::value(std::move(o));
  });
}

// ---- signing certificates ------------------------------------------------------------------

namespace {
json::object cert_json(const SigningCertRecord& c) {
  json::object o{{"CertificateId", c.certificate_id},
                 {"CertificateBody", c.body},
                 {"Status", c.status},
                 {"UploadDate", c.uploaded_at}};
  if (!c.user_name.empty()) o["UserName"] = c.user_name;
  return o;
}
}  // namespace

void CredentialsService::register_signing_certs() {
  on("UploadSigningCertificate", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    const auto& account = ctx.principal.account_id;
    std::string body = param_str(p, "CertificateBody");
    auto parsed = parse_pem_certificate(body);
    if (!parsed)
      return AwsError("MalformedCertificate",
                      "Unable to parse certificate. Please ensure the certificate is in PEM format.", 400);
    if (store_->find_cert_by_fingerprint(account, parsed->fingerprint_sha256))
      return AwsError("DuplicateCertificate", "The certificate already exists.", 409);
    int64_t quota = deps_.quotas.get("SigningCertificatesPerUser", 2);
    if (static_cast<int64_t>(store_->user_signing_certs(account, t->user).size()) >= quota)
      return AwsError::LimitExceeded("Cannot exceed quota for SigningCertificatesPerUser: " + std::to_string(quota));
    static constexpr std::string_view kIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    SigningCertRecord c;
    unsigned char buf[32];
    deps_.random.fill(buf, sizeof buf);
    for (unsigned char b : buf) c.certificate_id.push_back(kIdAlphabet[b % kIdAlphabet.size()]);
    c.account_id = account;
    c.user_name = t->user;
    c.body = body;
    c.fingerprint = parsed->fingerprint_sha256;
    c.status = "Active";
    c.uploaded_at = std::floor(deps_.clock.now_seconds());
    store_->insert_signing_cert(c);
    return json::value(json::object{{"Certificate", cert_json(c)}});
  });

  auto owned_cert = [this](const CallContext& ctx, const json::object& p,
                           const Target& t) -> Result<SigningCertRecord> {
    std::string id = param_str(p, "CertificateId");
    auto c = store_->get_signing_cert(ctx.principal.account_id, id);
    if (!c || !same_user(c->user_name, t.user)) return no_such_cert(id);
    return *c;
  };

  on("UpdateSigningCertificate", [this, owned_cert](CallContext& ctx, const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    auto c = owned_cert(ctx, p, *t);
    if (!c) return c.error();
    std::string status = param_str(p, "Status");
    if (status != "Active" && status != "Inactive")
      return AwsError("InvalidInput", "Invalid status: " + status + ". Valid values are Active and Inactive.", 400);
    store_->set_signing_cert_status(c->certificate_id, status);
    return json::value(json::object{});
  });

  on("DeleteSigningCertificate", [this, owned_cert](CallContext& ctx, const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    auto c = owned_cert(ctx, p, *t);
    if (!c) return c.error();
    store_->delete_signing_cert(c->certificate_id);
    return json::value(json::object{});
  });

  on("ListSigningCertificates", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    auto t = target(ctx, p);
    if (!t) return t.error();
    json::array items;
    for (const auto& c : store_->user_signing_certs(ctx.principal.account_id, t->user)) items.push_back(cert_json(c));
    auto page = paginate(items, p, "Certificates");
    if (!page) return page.error();
    return json::value(std::move(*page));
  });
}

// ---- account: aliases, summary, credential report ------------------------------------------

namespace {

struct UserRow {
  std::string name, arn;
  double created_at = 0;
};

// The account's IAM users, read-only from the identity tables.
std::vector<UserRow> account_users(CredentialsStore& s, const std::string& account) {
  if (!s.table_exists("iam_users")) return {};
  return s.db().run([&](store::Database& db) {
    auto st = db.prepare("SELECT user_name, arn, created_at FROM iam_users WHERE account_id=? ORDER BY user_name");
    st.bind(1, account);
    std::vector<UserRow> out;
    while (st.step()) out.push_back(UserRow{st.text(0), st.text(1), st.f64(2)});
    return out;
  });
}

}  // namespace

void CredentialsService::register_account() {
  on("CreateAccountAlias", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    const auto& account = ctx.principal.account_id;
    std::string alias = param_str(p, "AccountAlias");
    if (auto owner = store_->alias_owner(alias)) {
      if (*owner == account) return json::value(json::object{});
      return AwsError::EntityAlreadyExists("The account alias " + alias + " already exists.");
    }
    store_->put_account_alias(account, alias);  // an account has one alias: a new one replaces it
    return json::value(json::object{});
  });

  on("DeleteAccountAlias", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    std::string alias = param_str(p, "AccountAlias");
    if (!store_->delete_account_alias(ctx.principal.account_id, alias))
      return AwsError::NoSuchEntity("The account alias " + alias + " cannot be found.");
    return json::value(json::object{});
  });

  on("ListAccountAliases", [this](CallContext& ctx, const json::object& p) -> OperationResult {
    json::array items;
    if (auto a = store_->get_account_alias(ctx.principal.account_id)) items.push_back(json::value(*a));
    auto page = paginate(items, p, "AccountAliases");
    if (!page) return page.error();
    return json::value(std::move(*page));
  });

  on("GetAccountSummary", [this](CallContext& ctx, const json::object&) -> OperationResult {
    const auto& account = ctx.principal.account_id;
    auto& s = *store_;
    auto q = [this](const char* name, int64_t def) { return deps_.quotas.get(name, def); };
    int64_t mfa = 0, mfa_in_use = 0;
    bool root_mfa = false;
    for (const auto& d : s.list_mfa_devices(account)) {
      ++mfa;
      if (d.user_name) ++mfa_in_use;
      if (d.user_name && d.user_name->empty()) root_mfa = true;
    }
    int64_t attachments = s.count_rows("iam_attachments", account) + s.count_rows("user_policy_attachments", account);
    json::object m{
        {"Users", s.count_rows("iam_users", account)},
        {"UsersQuota", q("UsersQuota", 5000)},
        {"Groups", s.count_rows("iam_groups", account)},
        {"GroupsQuota", q("GroupsQuota", 300)},
        {"Roles", s.count_rows("iam_roles", account)},
        {"RolesQuota", q("RolesQuota", 1000)},
        {"Policies", s.count_rows("iam_policies", account)},
        {"PoliciesQuota", q("PoliciesQuota", 1500)},
        {"PolicySizeQuota", q("PolicySizeQuota", 6144)},
        {"PolicyVersionsInUse", attachments},
        {"PolicyVersionsInUseQuota", q("PolicyVersionsInUseQuota", 10000)},
        {"VersionsPerPolicyQuota", q("VersionsPerPolicyQuota", 5)},
        {"ServerCertificates", s.count_rows("iam_server_certificates", account)},
        {"ServerCertificatesQuota", q("ServerCertificatesQuota", 20)},
        {"UserPolicySizeQuota", q("UserPolicySizeQuota", 2048)},
        {"GroupPolicySizeQuota", q("GroupPolicySizeQuota", 5120)},
        {"RolePolicySizeQuota", q("RolePolicySizeQuota", 10240)},
        {"AssumeRolePolicySizeQuota", q("AssumeRolePolicySizeQuota", 2048)},
        {"GroupsPerUserQuota", q("GroupsPerUserQuota", 10)},
        {"SigningCertificatesPerUserQuota", q("SigningCertificatesPerUser", 2)},
        {"AccessKeysPerUserQuota", q("AccessKeysPerUser", 2)},
        {"AttachedPoliciesPerUserQuota", q("AttachedPoliciesPerUserQuota", 10)},
        {"AttachedPoliciesPerGroupQuota", q("AttachedPoliciesPerGroupQuota", 10)},
        {"AttachedPoliciesPerRoleQuota", q("AttachedPoliciesPerRoleQuota", 20)},
        {"InstanceProfiles", s.count_rows("iam_instance_profiles", account)},
        {"InstanceProfilesQuota", q("InstanceProfilesQuota", 1000)},
        {"Providers", s.count_rows("iam_oidc_providers", account) + s.count_rows("iam_saml_providers", account)},
        {"GlobalEndpointTokenVersion", 1},
        {"MFADevices", mfa},
        {"MFADevicesInUse", mfa_in_use},
        {"AccountMFAEnabled", root_mfa ? 1 : 0},
        {"AccountAccessKeysPresent", deps_.identity.list_access_keys(account, "").empty() ? 0 : 1},
        {"AccountPasswordPresent", s.get_login_profile(account, "") ? 1 : 0},
        {"AccountSigningCertificatesPresent", s.user_signing_certs(account, "").empty() ? 0 : 1},
    };
    return json::value(json::object{{"SummaryMap", std::move(m)}});
  });

  on("GenerateCredentialReport", [this](CallContext& ctx, const json::object&) -> OperationResult {
    const auto& account = ctx.principal.account_id;
    double now = std::floor(deps_.clock.now_seconds());
    auto existing = store_->get_credential_report(account);
    if (existing && now - existing->generated_at < kReportLifetime)
      return json::value(json::object{{"State", "COMPLETE"}});
    auto& s = *store_;
    auto pol = s.get_password_policy(account);
    // One row per identity: the root user first, then the IAM users.
    auto row_for = [&](const std::string& user, const std::string& label, const std::string& arn, double created) {
      ReportRow r;
      r.user = label;
      r.arn = arn;
      r.created_at = created;
      if (auto lp = s.get_login_profile(account, user)) {
        r.password_enabled = true;
        r.password_last_used = lp->password_last_used;
        r.password_last_changed = lp->password_changed_at > 0 ? lp->password_changed_at : lp->created_at;
        if (pol && pol->max_age_days && lp->password_changed_at > 0)
          r.password_next_rotation = lp->password_changed_at + static_cast<double>(*pol->max_age_days) * 86400;
      }
      r.password_rotation_not_supported = user.empty();
      for (const auto& d : s.user_mfa_devices(account, user)) r.mfa_active = r.mfa_active || d.user_name.has_value();
      for (const auto& k : deps_.identity.list_access_keys(account, user)) {
        ReportKey rk{k.status == "Active", k.created_at, 0, "", ""};
        if (auto u = s.key_last_use(k.access_key_id)) {
          rk.last_used_at = u->used_at;
          rk.last_used_region = u->region;
          rk.last_used_service = u->service;
        }
        r.keys.push_back(std::move(rk));
      }
      for (const auto& c : s.user_signing_certs(account, user))
        r.certs.push_back(ReportCert{c.status == "Active", c.uploaded_at});
      return r;
    };
    std::vector<ReportRow> rows;
    auto acct = deps_.identity.get_account(account);
    rows.push_back(row_for("", "<root_account>", root_arn(account), acct ? acct->created_at : 0));
    for (const auto& u : account_users(s, account)) rows.push_back(row_for(u.name, u.name, u.arn, u.created_at));
    s.put_credential_report(account, CredentialReportRecord{now, render_credential_report(rows)});
    return json::value(json::object{{"State", "STARTED"},
                                    {"Description", "No report exists. Starting a new report generation task"}});
  });

  on("GetCredentialReport", [this](CallContext& ctx, const json::object&) -> OperationResult {
    auto r = store_->get_credential_report(ctx.principal.account_id);
    if (!r)
      return AwsError("ReportNotPresent",
                      "Credential report does not exist. Use GenerateCredentialReport to generate a report.", 410);
    if (std::floor(deps_.clock.now_seconds()) - r->generated_at >= kReportLifetime)
      return AwsError("ReportExpired",
                      "Credential report has expired. Use GenerateCredentialReport to generate a new report.", 410);
    return json::value(
        json::object{{"Content", r->content}, {"ReportFormat", "text/csv"}, {"GeneratedTime", r->generated_at}});
  });
}

}  // namespace orgroot::services::iam
