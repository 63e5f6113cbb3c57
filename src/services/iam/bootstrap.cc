#include "services/iam/bootstrap.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <regex>
#include <stdexcept>

namespace orgroot::services {

namespace {
constexpr const char* kAdministratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess";

void write_credentials_file(const std::string& path, const std::string& key, const std::string& secret) {
  std::string text = fmt::format("[orgroot]\naws_access_key_id = {}\naws_secret_access_key = {}\n", key, secret);
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + tmp);
  ::fchmod(fd, 0600);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot write " + path);
}
}  // namespace

BootstrapOutcome bootstrap_management_account(store::IdentityStore& store, const Clock& clock, Random& random,
                                              const BootstrapOptions& opt) {
  static const std::regex account_re("^[0-9]{12}$");
  if (!std::regex_match(opt.account_id, account_re))
    throw std::runtime_error("--account-id must be 12 digits, got '" + opt.account_id + "'");
  if (opt.admin_access_key_id.empty() != opt.admin_secret_access_key.empty())
    throw std::runtime_error("give both the admin access key id and its secret, or neither");
  if (!opt.admin_access_key_id.empty() &&
      (opt.admin_access_key_id.size() < 16 || opt.admin_access_key_id.size() > 128))
    throw std::runtime_error("the admin access key id must be 16 to 128 characters");

  BootstrapOutcome out;
  auto existing = store.get_setting("management_account_id");
  const double now = clock.now_seconds();
  if (!existing) {
    out.first_start = true;
    out.account_id = opt.account_id;
    store.put_account({opt.account_id, "management", "management@orgroot.example", now});
    store::UserRecord admin;
    admin.account_id = opt.account_id;
    admin.user_name = "admin";
    admin.user_id = ids::unique_id(random, "AIDA");
    admin.path = "/";
    admin.arn = fmt::format("arn:aws:iam::{}:user/admin", opt.account_id);
    admin.created_at = now;
    store.put_user(admin);
    store.attach_user_policy(opt.account_id, "admin", kAdministratorAccess);
    store.put_setting("management_account_id", opt.account_id);
  } else {
    out.account_id = *existing;
  }

  if (!opt.admin_access_key_id.empty()) {
    auto k = store.get_access_key(opt.admin_access_key_id);
    if (k && (k->account_id != out.account_id || k->user_name != "admin" || k->secret != opt.admin_secret_access_key))
      throw std::runtime_error("the admin access key id given is already in use with another secret or owner");
    if (!k)
      store.put_access_key({opt.admin_access_key_id, opt.admin_secret_access_key, out.account_id, "admin", "Active", now});
    out.access_key_id = opt.admin_access_key_id;
    out.secret_access_key = opt.admin_secret_access_key;
  } else if (auto id = store.get_setting("generated_admin_access_key_id")) {
    auto k = store.get_access_key(*id);
    if (k) {
      out.access_key_id = k->access_key_id;
      out.secret_access_key = k->secret;
    }
  }
  if (out.access_key_id.empty()) {
    store::AccessKeyRecord k{ids::access_key_id(random, out.account_id, false), ids::secret_access_key(random),
                             out.account_id, "admin", "Active", now};
    store.put_access_key(k);
    store.put_setting("generated_admin_access_key_id", k.access_key_id);
    out.access_key_id = k.access_key_id;
    out.secret_access_key = k.secret;
    if (!opt.credentials_file.empty()) {
      write_credentials_file(opt.credentials_file, k.access_key_id, k.secret);
      out.wrote_credentials_file = true;
    }
  }
  return out;
}

}  // namespace orgroot::services
