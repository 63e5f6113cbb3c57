#include "server/app.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "auth/authenticator.h"
#include "common/clock.h"
#include "common/ids.h"
#include "protocol/model.h"
#include "server/authorizer.h"
#include "server/demo.h"
#include "server/http_server.h"
#include "server/pipeline.h"
#include "services/deps.h"
#include "services/iam/bootstrap.h"
#include "services/iam/iam_factory.h"
#include "services/cloudtrail/cloudtrail_factory.h"
#include "services/organizations/organizations_factory.h"
#include "services/rootaccess/root_access_factory.h"
#include "services/rootuser/root_password_provisioner.h"
#include "services/rootuser/root_user.h"
#include "services/s3/s3_factory.h"
#include "services/sqs/sqs_factory.h"
#include "services/sts/sts_service.h"
#include "store/db.h"
#include "store/sqlite_identity_store.h"

namespace orgroot::server {

namespace fs = std::filesystem;

std::string default_models_dir() {
  if (const char* env = std::getenv("ORGROOT_MODELS_DIR")) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (auto rel : {"../share/orgroot/models", "../data/models", "data/models"}) {
      fs::path p = exe.parent_path() / rel;
      if (fs::exists(p / "sts.json", ec)) return fs::weakly_canonical(p, ec).string();
    }
  }
  return std::string(ORGROOT_SOURCE_DIR) + "/data/models";
}

namespace {
std::pair<std::string, uint16_t> split_listen(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("--listen must be HOST:PORT, got '" + s + "'");
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    port = std::stoi(s.substr(colon + 1));
  } catch (...) {
    port = -1;
  }
  if (port < 0 || port > 65535) throw std::runtime_error("--listen has an invalid port: '" + s + "'");
  return {host, static_cast<uint16_t>(port)};
}

HttpResponse json_response(int status, const boost::json::value& v) {
  HttpResponse r;
  r.status = status;
  r.set_header("Content-Type", "application/json");
  r.body = boost::json::serialize(v);
  return r;
}

// EnableMFADevice: the model requires UserName, but a root user enables its own MFA device
// without one. The requirement is lifted here for every caller; IAM's credentials service puts it
// back, in AWS's words, for every caller that is not a root user (see docs/root-user.md).
void let_root_enable_its_own_mfa(protocol::ModelRegistry& models) {
  for (const auto& m : models.models()) {
    if (m->name != "iam") continue;
    auto it = m->shapes.find("EnableMFADeviceRequest");
    if (it == m->shapes.end()) continue;
    protocol::Shape& s = it->second;
    for (auto& member : s.members)
      if (member.name == "UserName") member.required = false;
    std::erase(s.required, std::string("UserName"));
  }
}

services::rootuser::Caller caller_of(const HttpRequest& req) {
  services::rootuser::Caller c;
  c.source_ip = req.remote_ip;
  if (const auto* ua = req.header("User-Agent")) c.user_agent = *ua;
  if (const auto* host = req.header("Host")) c.host = *host;
  c.secure = req.secure_transport;
  return c;
}

std::string trim(std::string_view s) {
  while (!s.empty() && isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}
}  // namespace

struct App::Impl {
  AppOptions opts;
  std::unique_ptr<Clock> own_clock;
  const Clock* clock_ptr = nullptr;
  const Clock& clock() const { return *clock_ptr; }
  SecureRandom random;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  protocol::ModelRegistry models;
  std::unique_ptr<store::Db> db;
  std::unique_ptr<store::SqliteIdentityStore> store;
  std::unique_ptr<auth::MotoCompat> moto;
  std::unique_ptr<auth::Authenticator> authenticator;
  std::unique_ptr<services::StsService> sts;
  services::Quotas quotas;
  std::unique_ptr<services::ServiceDeps> deps;
  services::IamParts iam;
  services::OrganizationsParts orgs;
  services::CloudTrailParts trail;
  services::RootAccessParts root_access;
  std::unique_ptr<services::rootuser::RootPasswordProvisioner> root_provisioner;
  std::unique_ptr<services::rootuser::RootUser> root_user;
  std::unique_ptr<services::Service> s3, sqs;
  std::unique_ptr<Authorizer> authorizer;
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<HttpServer> http;
  services::BootstrapOptions boot;

  HttpResponse handle(HttpRequest& req) {
    std::string_view path = req.path();
    if (path.rfind("/_orgroot/", 0) == 0) return internal(req, path);
    if (moto && path.rfind("/moto-api/", 0) == 0) return moto_api(req, path);
    return pipeline->handle(req);
  }

  HttpResponse internal(HttpRequest& req, std::string_view path) {
    if (path == "/_orgroot/health" && (req.method == "GET" || req.method == "HEAD")) {
      double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      return json_response(200, {{"status", "ok"},
                                 {"version", ORGROOT_VERSION},
                                 {"uptime", uptime},
                                 {"managementAccountId", boot.account_id}});
    }
    if (root_user) {
      services::rootuser::EndpointRequest er{req.method, std::string(path), req.body, caller_of(req)};
      if (auto r = root_user->handle(er)) {
        HttpResponse out = json_response(r->status, r->body);
        if (req.method == "HEAD") out.body.clear();
        return out;
      }
    }
    return json_response(404, {{"code", "NotFound"}, {"message", fmt::format("No such orgroot endpoint: {}", path)}});
  }

  // Whether the organization of `account_id` has RootCredentialsManagement enabled (accounts
  // created then get no root credentials).
  bool root_credentials_managed(const std::string& account_id) {
    if (!orgs.view || !root_access.store) return false;
    auto m = orgs.view->membership(account_id);
    return m && root_access.store->get(m->organization_id).credentials_management;
  }

  // The management account's root has a password nobody knows from its first start on: "Forgot
  // password" is its way in, as for any root created by Organizations.
  void give_management_root_a_password() {
    if (iam.root_credentials) iam.root_credentials->give_unknown_password(boot.account_id);
  }

  HttpResponse moto_api(HttpRequest& req, std::string_view path) {
    if (req.method == "POST" && path == "/moto-api/reset") {
      db->reset();
      services::bootstrap_management_account(*store, clock(), random, boot);
      give_management_root_a_password();
      return json_response(200, {{"status", "ok"}});
    }
    if (req.method == "POST" && path == "/moto-api/reset-auth") {
      std::string body = trim(req.body);
      std::optional<long long> n;
      if (body != "inf") {
        try {
          size_t used = 0;
          long long v = std::stoll(body, &used);
          if (used != body.size() || v < 0) throw std::invalid_argument("n");
          n = v;
        } catch (...) {
          return json_response(400, {{"status", "error"},
                                     {"message", "The body must be a non-negative whole number or 'inf'"}});
        }
      }
      std::string prev = moto->reset_auth(n);
      return json_response(200, {{"status", "ok"}, {"PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT", prev}});
    }
    return json_response(404, {{"code", "NotFound"}, {"message", fmt::format("No such moto endpoint: {}", path)}});
  }
};

App::App(AppOptions opts) : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(opts);
  if (impl_->opts.clock) {
    impl_->clock_ptr = impl_->opts.clock;
  } else {
    impl_->own_clock = std::make_unique<OffsetClock>(std::chrono::seconds(impl_->opts.clock_offset_seconds));
    impl_->clock_ptr = impl_->own_clock.get();
  }
}
App::~App() = default;

void App::start() {
  auto& o = impl_->opts;
  auto& I = *impl_;
  if (!o.compat.empty() && o.compat != "moto") throw std::runtime_error("--compat takes only 'moto'");

  std::string models_dir = o.models_dir.empty() ? default_models_dir() : o.models_dir;
  auto reg = protocol::ModelRegistry::load_dir(models_dir);
  if (!reg) throw std::runtime_error("cannot load the service models from " + models_dir + ": " + reg.error().message);
  I.models = std::move(reg).value();
  let_root_enable_its_own_mfa(I.models);

  std::string db_path = ":memory:";
  I.boot.account_id = o.account_id;
  I.boot.admin_access_key_id = o.admin_access_key_id;
  I.boot.admin_secret_access_key = o.admin_secret_access_key;
  if (!o.in_memory) {
    std::error_code ec;
    fs::create_directories(o.data_dir, ec);
    if (ec) throw std::runtime_error("cannot create the data directory " + o.data_dir + ": " + ec.message());
    ::chmod(o.data_dir.c_str(), 0700);
    db_path = (fs::path(o.data_dir) / "orgroot.db").string();
    I.boot.credentials_file = (fs::path(o.data_dir) / "credentials").string();
  }
  I.db = std::make_unique<store::Db>(db_path);
  I.store = std::make_unique<store::SqliteIdentityStore>(*I.db);
  auto outcome = services::bootstrap_management_account(*I.store, I.clock(), I.random, I.boot);
  I.boot.account_id = outcome.account_id;
  if (outcome.account_id != o.account_id)
    spdlog::warn("the data directory belongs to management account {}; --account-id {} is ignored",
                 outcome.account_id, o.account_id);
  if (outcome.wrote_credentials_file)
    spdlog::info("generated the admin access key {}; credentials written to {} (profile 'orgroot')",
                 outcome.access_key_id, I.boot.credentials_file);
  else if (o.admin_access_key_id.empty() && o.in_memory)
    spdlog::info("generated the admin access key: aws_access_key_id={} aws_secret_access_key={}",
                 outcome.access_key_id, outcome.secret_access_key);
  else if (o.admin_access_key_id.empty())
    spdlog::info("admin credentials: {} (profile 'orgroot')", I.boot.credentials_file);

  if (o.compat == "moto") I.moto = std::make_unique<auth::MotoCompat>();
  I.authenticator = std::make_unique<auth::Authenticator>(*I.store, I.clock(), I.moto.get());
  I.db->on_reset([a = I.authenticator.get()] { a->forget_sessions(); });  // a reset ends every session
  I.sts = std::make_unique<services::StsService>(*I.store, I.clock(), I.random);
  for (const auto& [name, value] : o.quotas) I.quotas.set(name, value);
  I.deps = std::make_unique<services::ServiceDeps>(
      services::ServiceDeps{*I.db, *I.store, I.clock(), I.random, outcome.account_id, I.quotas,
                            o.in_memory ? std::string() : o.data_dir,
                            o.trail_max_events >= 0 ? static_cast<size_t>(o.trail_max_events)
                            : o.in_memory           ? kInMemoryTrailEvents
                                                    : 0});
  I.iam = services::make_iam(*I.deps);
  // Organizations' CreateAccount provisions through IAM, then gives the new root its first
  // credential unless the organization manages root credentials centrally (spec §1.3).
  services::AccountProvisioner* provisioner = I.iam.provisioner;
  if (provisioner && I.iam.root_credentials) {
    I.root_provisioner = std::make_unique<services::rootuser::RootPasswordProvisioner>(
        *provisioner, *I.iam.root_credentials,
        [this](const std::string& account) { return impl_->root_credentials_managed(account); });
    provisioner = I.root_provisioner.get();
  }
  I.orgs = services::make_organizations(*I.deps, provisioner);
  if (I.iam.record_key_use) I.authenticator->on_key_used(I.iam.record_key_use);
  std::vector<services::Service*> all{I.sts.get()};
  for (auto& s : I.iam.services) all.push_back(s.get());
  if (I.orgs.service) all.push_back(I.orgs.service.get());
  I.root_access = services::make_root_access(
      *I.deps, I.orgs.view, [sts = I.sts.get()](const auth::Principal& p, double exp) { return sts->issue_session(p, exp); });
  for (auto& s : I.root_access.services) all.push_back(s.get());
  I.trail = services::make_cloudtrail(*I.deps);
  if (I.iam.root_credentials) {
    if (outcome.first_start) I.give_management_root_a_password();
    I.root_user = std::make_unique<services::rootuser::RootUser>(
        *I.deps, *I.iam.root_credentials,
        [sts = I.sts.get()](const auth::Principal& p, double exp) { return sts->issue_session(p, exp); },
        I.trail.sink);
  }
  I.s3 = services::make_s3(*I.deps);
  I.sqs = services::make_sqs(*I.deps);
  for (auto* s : {I.trail.service.get(), I.s3.get(), I.sqs.get()})
    if (s) all.push_back(s);
  I.authorizer = std::make_unique<Authorizer>(I.iam.identity_policies, I.orgs.view, I.clock(), I.moto.get());
  I.pipeline = std::make_unique<Pipeline>(PipelineDeps{I.models,
                                                       *I.authenticator,
                                                       std::move(all),
                                                       I.clock(),
                                                       I.random,
                                                       I.authorizer.get(),
                                                       I.trail.sink,
                                                       {"s3.localhost", "localhost", "s3.amazonaws.com"}});

  if (o.demo)  // before listening: nobody sees a half-seeded organization
    seed_demo_once(*I.store, DemoOptions{[this](HttpRequest& r) { return impl_->handle(r); }, &I.clock(),
                                         {outcome.access_key_id, outcome.secret_access_key, ""},
                                         o.in_memory ? "" : (fs::path(o.data_dir) / "demo.txt").string(),
                                         outcome.first_start});

  auto [host, port] = split_listen(o.listen);
  HttpServerOptions ho;
  ho.host = host;
  ho.port = port;
  ho.threads = o.threads;
  ho.body_limit = o.max_body_bytes;
  ho.idle_timeout = std::chrono::seconds(o.idle_timeout_seconds);
  ho.tls_cert_file = o.tls_cert;
  ho.tls_key_file = o.tls_key;
  I.http = std::make_unique<HttpServer>(
      ho, [this](HttpRequest& req) { return impl_->handle(req); },
      [this](const HttpRequest& req, int status) {
        return impl_->pipeline->reject(
            req, AwsError::RequestEntityTooLarge(fmt::format(
                     "Request size exceeds the limit of {} bytes.", impl_->opts.max_body_bytes)));
      });
  I.http->start();
  spdlog::info("orgroot {} listening on {}://{}:{} (management account {}{})", ORGROOT_VERSION,
               o.tls_cert.empty() ? "http" : "https", host, I.http->port(), outcome.account_id,
               o.in_memory ? ", in memory" : ", data in " + o.data_dir);
}

void App::wait() { impl_->http->wait(); }
void App::stop() {
  if (impl_->http) impl_->http->stop();
}
uint16_t App::port() const { return impl_->http ? impl_->http->port() : 0; }
HttpResponse App::handle(HttpRequest& req) { return impl_->handle(req); }

}  // namespace orgroot::server
