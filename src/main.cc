// orgroot <subcommand>: `server` runs the emulator; the admin commands arrive with their issues.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <spdlog/spdlog.h>
#include <thread>

#include "server/app.h"

namespace {

std::string env_or(const char* name, std::string def = {}) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : def;
}

int run_server(orgroot::server::AppOptions opts) {
  // SIGINT/SIGTERM are taken by a dedicated thread so that shutdown is an ordinary call.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  orgroot::server::App app(std::move(opts));
  try {
    app.start();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&set, &sig);
    spdlog::info("received {}, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    app.stop();
  });
  app.wait();
  // If stop() came from elsewhere, release the signal thread.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "orgroot: AWS Organizations centralized root access on one machine.\n"
      "It speaks AWS's wire protocols for STS, IAM, Organizations, S3, SQS and CloudTrail, so the AWS CLI,\n"
      "boto3 and the AWS SDKs work against it with --endpoint-url."};
  cli.set_version_flag("--version", std::string("orgroot ") + ORGROOT_VERSION);
  cli.require_subcommand(1);

  orgroot::server::AppOptions opts;
  opts.admin_access_key_id = env_or("ORGROOT_ADMIN_ACCESS_KEY_ID");
  opts.admin_secret_access_key = env_or("ORGROOT_ADMIN_SECRET_ACCESS_KEY");
  std::string log_level = "info";
  size_t max_body_mib = 64;

  auto* server = cli.add_subcommand("server", "Run the orgroot server (AWS API endpoint).");
  server->add_option("--listen", opts.listen, "Address and port to listen on, HOST:PORT")->capture_default_str();
  server->add_option("--data-dir", opts.data_dir,
                     "Directory for the SQLite database and the generated credentials file")
      ->capture_default_str();
  server->add_flag("--in-memory", opts.in_memory, "Keep all state in memory; nothing is written to disk");
  server->add_option("--trail-max-events", opts.trail_max_events,
                     "Audit-trail events kept, newest first; older ones are dropped (0: keep all; default: all on "
                     "disk, " + std::to_string(orgroot::server::kInMemoryTrailEvents) + " with --in-memory)");
  server->add_option("--account-id", opts.account_id, "Management account id created on first start (12 digits)")
      ->capture_default_str();
  server->add_option("--admin-access-key-id", opts.admin_access_key_id,
                     "Access key id of the IAM user 'admin' (env ORGROOT_ADMIN_ACCESS_KEY_ID); generated if not given");
  server->add_option("--admin-secret-access-key", opts.admin_secret_access_key,
                     "Secret of that key (env ORGROOT_ADMIN_SECRET_ACCESS_KEY)");
  server->add_option("--compat", opts.compat,
                     "Compatibility mode: 'moto' accepts unknown keys as account 123456789012 without signature "
                     "checks and serves /moto-api/reset and /moto-api/reset-auth (default: strict)")
      ->check(CLI::IsMember({"moto"}));
  server->add_option("--threads", opts.threads, "I/O threads (default: one per core)");
  server->add_option("--max-body-mib", max_body_mib, "Largest request body accepted, in MiB")->capture_default_str();
  server->add_option("--idle-timeout", opts.idle_timeout_seconds,
                     "Seconds an idle keep-alive connection is kept open")
      ->capture_default_str();
  server->add_option("--tls-cert", opts.tls_cert, "PEM certificate chain: serve HTTPS instead of HTTP");
  server->add_option("--tls-key", opts.tls_key, "PEM private key for --tls-cert");
  server->add_option("--clock-offset", opts.clock_offset_seconds,
                     "Shift the server's clock by this many seconds (rehearse credential expiry without waiting)")
      ->capture_default_str();
  std::vector<std::string> quota_args;
  server->add_option("--quota", quota_args,
                     "Raise (or lower) one of AWS's default quotas, NAME=VALUE, as a service quota increase would; "
                     "repeatable. Names are listed in docs/quotas.md");
  server->add_flag("--demo", opts.demo,
                   "On the first start of the data directory, seed a demo organization (eight member accounts, "
                   "root credentials, a locked bucket and queue) to replay docs/walkthrough.md; its secrets go "
                   "to DIR/demo.txt");
  server->add_option("--models-dir", opts.models_dir, "Directory of AWS service models (default: built-in)");
  server->add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();

  CLI11_PARSE(cli, argc, argv);

  if (server->parsed()) {
    if (opts.tls_cert.empty() != opts.tls_key.empty()) {
      std::cerr << "--tls-cert and --tls-key go together\n";
      return 2;
    }
    spdlog::set_level(spdlog::level::from_str(log_level));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    opts.max_body_bytes = max_body_mib * 1024 * 1024;
    for (const auto& q : quota_args) {
      auto eq = q.find('=');
      try {
        if (eq == std::string::npos || eq == 0) throw std::invalid_argument(q);
        opts.quotas.emplace_back(q.substr(0, eq), std::stoll(q.substr(eq + 1)));
      } catch (const std::exception&) {
        std::cerr << "--quota takes NAME=VALUE with a whole number, got '" << q << "'\n";
        return 2;
      }
    }
    return run_server(std::move(opts));
  }
  return 0;
}
