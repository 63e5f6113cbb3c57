// Microbenchmark of the in-process request path: a signed STS GetCallerIdentity through
// App::handle (route, authenticate with the store's key lookup and SigV4, decode, execute,
// encode the XML answer), no sockets. Set against bench/http_bench.py's req/s at 1 connection,
// it splits a request's cost into "orgroot's own work" and "HTTP and the kernel".
//
//   build/orgroot_micro_bench --benchmark_filter=App
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <chrono>
#include <memory>
#include <pugixml.hpp>
#include <string>

#include "auth/sigv4.h"
#include "common/clock.h"
#include "common/http_types.h"
#include "server/app.h"

namespace {

using namespace orgroot;

constexpr const char* kKeyId = "AKIAORGROOTBENCH0001";
constexpr const char* kSecret = "orgrootBenchSecret/0123456789abcdefghijk";

// One in-memory server for all benchmarks, with a clock that stands still so that the signed
// requests stay valid however long the run.
struct Env {
  ManualClock clock{std::chrono::system_clock::now()};
  std::unique_ptr<server::App> app;
  auth::Credentials admin{kKeyId, kSecret, ""};
  auth::Credentials session;
  std::string error;

  Env() {
    spdlog::set_level(spdlog::level::warn);
    server::AppOptions o;
    o.listen = "127.0.0.1:0";
    o.in_memory = true;
    o.threads = 1;
    o.admin_access_key_id = kKeyId;
    o.admin_secret_access_key = kSecret;
    o.clock = &clock;
    app = std::make_unique<server::App>(o);
    try {
      app->start();
    } catch (const std::exception& e) {
      error = std::string("App::start: ") + e.what();
      return;
    }
    HttpRequest req = sts("Action=GetSessionToken&Version=2011-06-15&DurationSeconds=3600", admin);
    HttpResponse res = app->handle(req);
    pugi::xml_document doc;
    doc.load_string(res.body.c_str());
    auto creds = doc.select_node("//Credentials").node();
    session = {creds.child_value("AccessKeyId"), creds.child_value("SecretAccessKey"),
               creds.child_value("SessionToken")};
    if (res.status != 200 || session.session_token.empty())
      error = "GetSessionToken: HTTP " + std::to_string(res.status) + ": " + res.body.substr(0, 200);
  }
  ~Env() {
    if (app) app->stop();
  }

  HttpRequest sts(const std::string& form, const auth::Credentials& c, const char* service = "sts") const {
    HttpRequest req;
    req.method = "POST";
    req.target = "/";
    req.headers = {{"Host", "127.0.0.1:4570"},
                   {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    req.body = form;
    auth::sign_request(req, c, "us-east-1", service, clock.now());
    req.headers.push_back({"User-Agent", "aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 exe/x86_64.debian.12"});
    req.headers.push_back({"Content-Length", std::to_string(req.body.size())});
    req.remote_ip = "127.0.0.1";
    return req;
  }
};

std::string url_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

Env& env() {
  static Env e;
  return e;
}

// The request is copied each time, as the server builds a fresh HttpRequest from the wire.
void run(benchmark::State& state, const HttpRequest& req) {
  Env& e = env();
  {
    HttpRequest r = req;
    HttpResponse res = e.app->handle(r);
    if (res.status != 200) {
      state.SkipWithError(("HTTP " + std::to_string(res.status) + ": " + res.body.substr(0, 300)).c_str());
      return;
    }
    state.counters["response_bytes"] = static_cast<double>(res.body.size());
  }
  for (auto _ : state) {
    HttpRequest r = req;
    HttpResponse res = e.app->handle(r);
    benchmark::DoNotOptimize(res);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_App_GetCallerIdentity(benchmark::State& state) {
  Env& e = env();
  if (!e.error.empty()) {
    state.SkipWithError(e.error.c_str());
    return;
  }
  const bool session = state.range(0);
  state.SetLabel(session ? "session token" : "long-term key");
  run(state, e.sts("Action=GetCallerIdentity&Version=2011-06-15", session ? e.session : e.admin));
}
// Process CPU time: the audit trail's writer thread works for every request too.
BENCHMARK(BM_App_GetCallerIdentity)->Arg(0)->Arg(1)->MeasureProcessCPUTime();

// AssumeRole of a role in the caller's account: trust policy and identity policies evaluated, a
// session issued, the call recorded in the audit trail.
void BM_App_AssumeRole(benchmark::State& state) {
  Env& e = env();
  if (!e.error.empty()) {
    state.SkipWithError(e.error.c_str());
    return;
  }
  static const bool created = [&] {
    const std::string trust =
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]})";
    HttpRequest req = e.sts("Action=CreateRole&Version=2010-05-08&RoleName=bench-role&AssumeRolePolicyDocument=" +
                                url_encode(trust),
                            e.admin, "iam");
    return e.app->handle(req).status == 200;
  }();
  if (!created) {
    state.SkipWithError("CreateRole failed");
    return;
  }
  run(state, e.sts("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A000000000000%3Arole%2Fbench-role"
                   "&RoleSessionName=bench&DurationSeconds=900",
                   e.admin));
}
BENCHMARK(BM_App_AssumeRole)->MeasureProcessCPUTime();

// The cheapest answer the server gives (no signature, no store): the floor of App::handle.
void BM_App_Health(benchmark::State& state) {
  Env& e = env();
  if (!e.error.empty()) {
    state.SkipWithError(e.error.c_str());
    return;
  }
  HttpRequest req;
  req.method = "GET";
  req.target = "/_orgroot/health";
  req.headers = {{"Host", "127.0.0.1:4570"}, {"User-Agent", "curl/7.88.1"}, {"Accept", "*/*"}};
  run(state, req);
}
BENCHMARK(BM_App_Health);

}  // namespace
