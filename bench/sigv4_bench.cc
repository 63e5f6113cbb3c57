// Microbenchmarks of SigV4 verification of an STS GetCallerIdentity request, as the server does it
// for every signed request: parse_auth -> check_scope -> verify (payload hash, canonical request,
// string to sign, signing key from the SigningKeyCache, HMAC, constant-time compare).
//
// Each step is also timed alone, so that a regression can be placed. Every benchmark has two
// request variants: Arg 0 signed with a long-term key (AKIA...), Arg 1 with session credentials
// (ASIA... plus a 356-character X-Amz-Security-Token, the size orgroot issues).
//
//   build/orgroot_micro_bench --benchmark_filter=SigV4
//   taskset -c 0 build/orgroot_micro_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "auth/sigv4.h"
#include "common/http_types.h"

namespace {

using namespace orgroot;
using namespace orgroot::auth;

constexpr const char* kKeyId = "AKIAORGROOTBENCH0001";
constexpr const char* kSecret = "orgrootBenchSecret/0123456789abcdefghijk";
constexpr const char* kSessionKeyId = "ASIAORGROOTBENCH0002";
constexpr const char* kSessionSecret = "sessionBenchSecret/0123456789abcdefghijk";
constexpr const char* kBody = "Action=GetCallerIdentity&Version=2011-06-15";

std::string session_token() {
  std::string t = "IQoJb3JpZ2luX2VjE";
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 339; ++i) t.push_back(kAlphabet[(i * 37 + 11) % 64]);
  return t;
}

// A fixed instant: the request's X-Amz-Date, and the server's "now" when verifying.
std::chrono::system_clock::time_point fixed_now() {
  using namespace std::chrono;
  return sys_days{year{2026} / 9 / 12} + hours{1} + minutes{56} + seconds{39};
}

struct Fixture {
  HttpRequest req;
  std::string secret;
};

// What boto3 / the AWS CLI send for sts get-caller-identity: the signed headers first, then the
// ones SDKs leave unsigned.
Fixture make_request(bool session) {
  Fixture f;
  f.req.method = "POST";
  f.req.target = "/";
  f.req.headers = {{"Host", "127.0.0.1:4570"},
                   {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  f.req.body = kBody;
  Credentials c{session ? kSessionKeyId : kKeyId, session ? kSessionSecret : kSecret,
                session ? session_token() : std::string()};
  sign_request(f.req, c, "us-east-1", "sts", fixed_now());
  f.req.headers.push_back({"User-Agent", "aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 exe/x86_64.debian.12 "
                                         "prompt/off command/sts.get-caller-identity"});
  f.req.headers.push_back({"Accept-Encoding", "identity"});
  f.req.headers.push_back({"Content-Length", std::to_string(f.req.body.size())});
  f.req.remote_ip = "127.0.0.1";
  f.secret = c.secret_access_key;
  return f;
}

const char* label(const benchmark::State& state) { return state.range(0) ? "session token" : "long-term key"; }

VerifyOptions options(SigningKeyCache* cache) {
  VerifyOptions o;
  o.now = fixed_now();
  o.cache = cache;
  return o;
}

// Fails the benchmark (instead of timing an error path) if the fixture does not verify.
bool check(benchmark::State& state, const Fixture& f) {
  auto p = parse_auth(f.req);
  if (!p) {
    state.SkipWithError(("parse_auth failed: " + p.error().message).c_str());
    return false;
  }
  SigningKeyCache cache;
  if (auto st = verify(f.req, *p, f.secret, options(&cache)); !st) {
    state.SkipWithError(("verify failed: " + st.error().code + ": " + st.error().message).c_str());
    return false;
  }
  return true;
}

// The whole per-request check, as the server runs it (key lookup aside): warm cache.
void BM_SigV4_ParseAndVerify(benchmark::State& state) {
  Fixture f = make_request(state.range(0));
  if (!check(state, f)) return;
  static SigningKeyCache cache;  // shared by the threads of the threaded variant, as in the server
  for (auto _ : state) {
    auto p = parse_auth(f.req);
    auto scope = check_scope(*p, "sts", "us-east-1", false);
    auto st = verify(f.req, *p, f.secret, options(&cache));
    benchmark::DoNotOptimize(scope);
    benchmark::DoNotOptimize(st);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(label(state));
}
BENCHMARK(BM_SigV4_ParseAndVerify)->Arg(0)->Arg(1);
// Both cores hammering one SigningKeyCache: shows lock contention on the hit path.
BENCHMARK(BM_SigV4_ParseAndVerify)->Arg(0)->Threads(2)->UseRealTime();

// The same, but every request derives its signing key afresh (a cache miss each time: the cost of
// the first request of a key on a new day, region or service, or of verifying without a cache).
void BM_SigV4_ParseAndVerifyUncached(benchmark::State& state) {
  Fixture f = make_request(state.range(0));
  if (!check(state, f)) return;
  for (auto _ : state) {
    auto p = parse_auth(f.req);
    auto st = verify(f.req, *p, f.secret, options(nullptr));
    benchmark::DoNotOptimize(st);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(label(state));
}
BENCHMARK(BM_SigV4_ParseAndVerifyUncached)->Arg(0)->Arg(1);

// A request whose signature is wrong (bad secret): the SignatureDoesNotMatch path, which anyone
// can make the server run.
void BM_SigV4_VerifyWrongSignature(benchmark::State& state) {
  Fixture f = make_request(state.range(0));
  if (!check(state, f)) return;
  auto p = parse_auth(f.req);
  SigningKeyCache cache;
  const std::string wrong = "wrongSecretwrongSecretwrongSecretwrongSe";
  if (verify(f.req, *p, wrong, options(&cache)).ok()) {
    state.SkipWithError("a wrong secret verified");
    return;
  }
  for (auto _ : state) {
    auto st = verify(f.req, *p, wrong, options(&cache));
    benchmark::DoNotOptimize(st);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(label(state));
}
BENCHMARK(BM_SigV4_VerifyWrongSignature)->Arg(0)->Arg(1);

// ---- the steps one by one ----

void BM_SigV4_DetectAndParseAuth(benchmark::State& state) {
  Fixture f = make_request(state.range(0));
  if (!check(state, f)) return;
  for (auto _ : state) {
    auto presence = detect_auth(f.req);
    auto p = parse_auth(f.req);
    benchmark::DoNotOptimize(presence);
    benchmark::DoNotOptimize(p);
  }
  state.SetLabel(label(state));
}
BENCHMARK(BM_SigV4_DetectAndParseAuth)->Arg(0)->Arg(1);

void BM_SigV4_PayloadHashAndCanonicalRequest(benchmark::State& state) {
  Fixture f = make_request(state.range(0));
  if (!check(state, f)) return;
  auto p = parse_auth(f.req);
  for (auto _ : state) {
    std::string hash = payload_hash(f.req, *p);
    std::string creq = canonical_request(f.req, *p, hash, false);
    benchmark::DoNotOptimize(creq);
  }
  state.SetLabel(label(state));
}
BENCHMARK(BM_SigV4_PayloadHashAndCanonicalRequest)->Arg(0)->Arg(1);

void BM_SigV4_StringToSignAndHmac(benchmark::State& state) {
  Fixture f = make_request(state.range(0));
  if (!check(state, f)) return;
  auto p = parse_auth(f.req);
  std::string creq = canonical_request(f.req, *p, payload_hash(f.req, *p), false);
  SigningKey key = derive_signing_key(f.secret, p->date, p->region, p->service);
  for (auto _ : state) {
    std::string sig = sign_hex(key, string_to_sign(*p, creq));
    benchmark::DoNotOptimize(sig);
  }
  state.SetLabel(label(state));
}
BENCHMARK(BM_SigV4_StringToSignAndHmac)->Arg(0)->Arg(1);

void BM_SigV4_DeriveSigningKey(benchmark::State& state) {
  for (auto _ : state) {
    SigningKey k = derive_signing_key(kSecret, "20260912", "us-east-1", "sts");
    benchmark::DoNotOptimize(k);
  }
}
BENCHMARK(BM_SigV4_DeriveSigningKey);

void BM_SigV4_SigningKeyCacheHit(benchmark::State& state) {
  SigningKeyCache cache;
  cache.get(kKeyId, kSecret, "20260912", "us-east-1", "sts");
  for (auto _ : state) {
    SigningKey k = cache.get(kKeyId, kSecret, "20260912", "us-east-1", "sts");
    benchmark::DoNotOptimize(k);
  }
  if (cache.misses() != 1) state.SkipWithError("the cache missed after the first lookup");
}
BENCHMARK(BM_SigV4_SigningKeyCacheHit);

// Client side, for scale: what an SDK spends signing the same request.
void BM_SigV4_SignRequest(benchmark::State& state) {
  const bool session = state.range(0);
  Credentials c{session ? kSessionKeyId : kKeyId, session ? kSessionSecret : kSecret,
                session ? session_token() : std::string()};
  for (auto _ : state) {
    HttpRequest req;
    req.method = "POST";
    req.target = "/";
    req.headers = {{"Host", "127.0.0.1:4570"},
                   {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    req.body = kBody;
    sign_request(req, c, "us-east-1", "sts", fixed_now());
    benchmark::DoNotOptimize(req);
  }
  state.SetLabel(label(state));
}
BENCHMARK(BM_SigV4_SignRequest)->Arg(0)->Arg(1);

}  // namespace
