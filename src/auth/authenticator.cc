#include "auth/authenticator.h"

#include <limits>

namespace orgroot::auth {

std::string MotoCompat::reset_auth(std::optional<long long> n) {
  remaining_.store(n ? *n : -1);
  long long prev = configured_.exchange(n ? *n : -1);
  // moto keeps the count as a float and prints it so: "inf", "2.0".
  return prev < 0 ? "inf" : std::to_string(prev) + ".0";
}

bool MotoCompat::take_unauthenticated_action() {
  long long cur = remaining_.load();
  while (true) {
    if (cur < 0) return true;
    if (cur == 0) return false;
    if (remaining_.compare_exchange_weak(cur, cur - 1)) return true;
  }
}

bool MotoCompat::enforcing() const { return remaining_.load() == 0; }

namespace {
AwsError invalid_key(bool s3) {
  if (s3)
    return AwsError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403);
  return AwsError::InvalidClientTokenId();
}
AwsError invalid_token(bool s3) {
  if (s3) return AwsError("InvalidToken", "The provided token is malformed or otherwise invalid.", 400);
  return AwsError::InvalidClientTokenId();
}
}  // namespace

std::shared_ptr<const Authenticator::OpenedSession> Authenticator::session(const std::string& key_id,
                                                                           const std::string& token) {
  if (token.empty()) return nullptr;
  {
    std::lock_guard lk(opened_mu_);
    auto it = opened_.find(key_id);
    if (it != opened_.end() && it->second->token == token) return it->second;
  }
  auto rec = store_.open_session(key_id, token);
  if (!rec) return nullptr;
  auto principal = std::make_shared<const Principal>(Principal::from_json(rec->principal_json));
  auto opened = std::make_shared<const OpenedSession>(OpenedSession{token, std::move(*rec), std::move(principal)});
  std::lock_guard lk(opened_mu_);
  if (opened_.size() >= 100000) opened_.clear();  // bounded; sessions expire anyway
  opened_[key_id] = opened;
  return opened;
}

Result<Principal> Authenticator::principal_for_key(const SigV4Params& p, bool s3, std::string& secret) {
  const std::string& id = p.access_key_id;
  if (id.size() >= 4 && id.compare(0, 4, "ASIA") == 0) {
    auto s = session(id, p.security_token);
    if (!s) {
      // A session row of an older data directory, or none: a temporary key is nothing without
      // its token.
      auto row = store_.get_session(id);
      if (!row) return invalid_key(s3);
      if (p.security_token != row->session_token) return invalid_token(s3);
      s = std::make_shared<const OpenedSession>(
          OpenedSession{row->session_token, *row, std::make_shared<const Principal>(Principal::from_json(row->principal_json))});
    }
    if (clock_.now_seconds() >= s->record.expiration) {
      if (s3) return AwsError("ExpiredToken", "The provided token has expired.", 400);
      return AwsError::ExpiredToken();
    }
    secret = s->record.secret;
    Principal pr = *s->principal;
    pr.access_key_id = id;
    pr.temporary = true;
    pr.expiration = s->record.expiration;
    pr.issued_at = s->record.created_at;
    return pr;
  }
  auto k = store_.get_access_key(id);
  if (!k || k->status != "Active") return invalid_key(s3);
  if (!p.security_token.empty()) return invalid_token(s3);
  secret = k->secret;
  Principal pr;
  pr.account_id = k->account_id;
  pr.access_key_id = id;
  if (k->user_name.empty()) {
    pr.type = PrincipalType::Root;
    pr.arn = "arn:aws:iam::" + k->account_id + ":root";
    pr.user_id = k->account_id;
  } else {
    auto u = store_.get_user(k->account_id, k->user_name);
    if (!u) return invalid_key(s3);
    pr.type = PrincipalType::IamUser;
    pr.arn = u->arn;
    pr.user_id = u->user_id;
    pr.user_name = u->user_name;
  }
  return pr;
}

Result<Authenticated> Authenticator::authenticate(const HttpRequest& req, const SigV4Params& sig, bool s3) {
  Authenticated out;
  out.sig = sig;

  std::string secret;
  auto pr = principal_for_key(out.sig, s3, secret);
  if (!pr) {
    // moto's server mode: an unknown key is account 123456789012, no signature check.
    if (moto_ && (pr.error().code == "InvalidClientTokenId" || pr.error().code == "InvalidAccessKeyId") &&
        moto_->take_unauthenticated_action()) {
      Principal m;
      m.type = PrincipalType::IamUser;
      m.account_id = MotoCompat::kAccountId;
      m.arn = "arn:aws:sts::123456789012:user/moto";
      m.user_id = out.sig.access_key_id;
      m.user_name = "moto";
      m.access_key_id = out.sig.access_key_id;
      out.principal = std::move(m);
      return out;
    }
    return std::move(pr).error();
  }
  VerifyOptions opt;
  opt.now = clock_.now();
  opt.s3_style = s3;
  opt.cache = &cache_;
  if (auto st = verify(req, out.sig, secret, opt); !st) return std::move(st).error();
  if (s3) {
    std::string hash = payload_hash(req, out.sig, true);
    if (hash.rfind("STREAMING-", 0) == 0) {
      auto key = cache_.get(out.sig.access_key_id, secret, out.sig.date, out.sig.region, out.sig.service);
      auto body = decode_aws_chunked(req.body, out.sig, key, streaming_payload_signed(hash));
      if (!body) return std::move(body).error();
      out.decoded_body = std::move(body).value();
    }
  }
  if (moto_) moto_->take_unauthenticated_action();
  out.principal = std::move(pr).value();
  if (key_used_ && !out.principal.temporary) key_used_(out.sig.access_key_id, out.sig.service, out.sig.region);
  return out;
}

}  // namespace orgroot::auth
