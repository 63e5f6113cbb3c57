// authenticate: SigV4 -> principal. Looks the access key up (long-term key or temporary session),
// checks expiry and session token, then verifies the signature.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <optional>

#include "auth/principal.h"
#include "auth/sigv4.h"
#include "common/clock.h"
#include "common/http_types.h"
#include "common/result.h"
#include "store/identity_store.h"

namespace orgroot::auth {

struct Authenticated {
  Principal principal;
  SigV4Params sig;  // credential scope (region, service) of the request
  // S3 streaming uploads: the payload with its aws-chunked framing removed and every chunk
  // signature verified. Absent for ordinary bodies.
  std::optional<std::string> decoded_body;
};

// moto's server-mode behaviour: unknown keys act as account 123456789012 without signature checks,
// until reset-auth arms strict checking after N more actions.
class MotoCompat {
 public:
  static constexpr const char* kAccountId = "123456789012";
  // Returns the previous count as moto prints it ("inf" or a number).
  std::string reset_auth(std::optional<long long> n);
  // Consumes one action; true if this request may skip authentication.
  bool take_unauthenticated_action();
  bool enforcing() const;

 private:
  std::atomic<long long> remaining_{-1};   // -1: infinite
  std::atomic<long long> configured_{-1};  // what the last reset-auth set, as moto reports it
};

class Authenticator {
 public:
  Authenticator(store::IdentityStore& store, const Clock& clock, MotoCompat* moto = nullptr)
      : store_(store), clock_(clock), moto_(moto) {}

  // `sig` is the request's parsed signature (auth::parse_auth). s3_style: S3's canonicalisation
  // and S3's error codes (InvalidAccessKeyId ...). Unsigned requests never get here.
  Result<Authenticated> authenticate(const HttpRequest& req, const SigV4Params& sig, bool s3_style);

  SigningKeyCache& key_cache() { return cache_; }

  // Told of every request authenticated with a long-term key (for GetAccessKeyLastUsed).
  using KeyUseListener = std::function<void(const std::string& access_key_id, std::string_view service,
                                            std::string_view region)>;
  void on_key_used(KeyUseListener l) { key_used_ = std::move(l); }
  // Forgets the sessions opened so far (after a reset, which changes the store's sealing key).
  void forget_sessions() {
    std::lock_guard lk(opened_mu_);
    opened_.clear();
  }

 private:
  Result<Principal> principal_for_key(const SigV4Params& p, bool s3_style, std::string& secret);
  // A sealed session opened and its principal parsed, once per token: sessions never change, and
  // opening and parsing cost more than the rest of the request.
  struct OpenedSession {
    std::string token;
    store::SessionRecord record;
    std::shared_ptr<const Principal> principal;
  };
  std::shared_ptr<const OpenedSession> session(const std::string& key_id, const std::string& token);

  store::IdentityStore& store_;
  const Clock& clock_;
  MotoCompat* moto_;
  SigningKeyCache cache_;
  KeyUseListener key_used_;
  std::mutex opened_mu_;
  std::unordered_map<std::string, std::shared_ptr<const OpenedSession>> opened_;
};

}  // namespace orgroot::auth
