// AWS Signature Version 4: parsing (Authorization header or presigned query), canonicalisation,
// verification with AWS's error codes and wording, signing (client side) and aws-chunked bodies.
//
// Server flow:
//   switch (detect_auth(req)) { None -> anonymous / MissingAuthenticationToken ... }
//   auto p = parse_auth(req, s3);              // AWS's IncompleteSignature / AuthorizationHeaderMalformed ...
//   check_scope(*p, "sts", "us-east-1", s3);   // credential scoped to this endpoint?
//   <look the secret up by p->access_key_id>   // InvalidClientTokenId / InvalidAccessKeyId is the caller's
//   verify(req, *p, secret, {now, s3, &cache}) // skew, signed headers, payload hash, signature
//   S3 streaming bodies: decode_aws_chunked(req.body, *p, cache.get(...), true)
//
// Error codes are the query-protocol ones (SignatureDoesNotMatch, IncompleteSignature, ...);
// json_protocol_auth_error() gives the names json services use (InvalidSignatureException ...).
// With s3_style the errors are S3's (AuthorizationHeaderMalformed, RequestTimeTooSkewed, ...).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/http_types.h"
#include "common/result.h"

namespace orgroot::auth {

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// Longest X-Amz-Expires AWS accepts (seven days).
inline constexpr int64_t kMaxPresignExpires = 604800;

struct SigV4Params {
  std::string access_key_id;
  std::string date;            // YYYYMMDD from the credential scope
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // lowercase, as listed in SignedHeaders
  std::string signature;       // lowercase hex as sent
  std::string amz_date;        // X-Amz-Date header/param (YYYYMMDDTHHMMSSZ); if absent, the Date header converted
  std::string security_token;  // X-Amz-Security-Token header or query param; empty if none
  bool presigned = false;      // came from the query string
  int64_t expires_seconds = 0; // X-Amz-Expires for presigned requests
  std::string credential_scope() const;  // date/region/service/aws4_request
};

enum class AuthPresence { None, Header, Query, Unsupported };  // Unsupported: e.g. SigV2 / other schemes

// Header: an Authorization header of the AWS4-HMAC-SHA256 scheme. Query: X-Amz-Algorithm in the
// query string. Unsupported: another Authorization scheme (SigV2 "AWS ...", SigV4a, Basic ...) or
// SigV2 query/form parameters. None: nothing that looks like a signature.
AuthPresence detect_auth(const HttpRequest& req);

// Parses the Authorization header or the X-Amz-* query parameters. The one-argument form uses the
// wording of the query/json services (IncompleteSignature "Authorization header requires
// 'Credential' parameter. ..."); with s3_style=true, S3's (AuthorizationHeaderMalformed,
// AuthorizationQueryParametersError, ...).
Result<SigV4Params> parse_auth(const HttpRequest& req);
Result<SigV4Params> parse_auth(const HttpRequest& req, bool s3_style);

// Is the credential scoped to this endpoint's service and region? (query/json: SignatureDoesNotMatch
// "Credential should be scoped to a valid region, not 'x'. Credential should be scoped to correct
// service: 'sts'. "; S3: AuthorizationHeaderMalformed / AuthorizationQueryParametersError with <Region>.)
// An empty expected value is not checked.
Status check_scope(const SigV4Params& p, std::string_view expected_service, std::string_view expected_region,
                   bool s3_style);

// The payload hash to use: x-amz-content-sha256 if present (hex, UNSIGNED-PAYLOAD, STREAMING-...);
// else, for an S3 presigned URL (p.presigned && s3_style), the X-Amz-Content-Sha256 query parameter
// or UNSIGNED-PAYLOAD; else hex(sha256(body)). Presigned URLs of the other services sign the body's
// hash (usually that of the empty body), as botocore's SigV4QueryAuth does.
std::string payload_hash(const HttpRequest& req, const SigV4Params& p, bool s3_style = false);

// s3_style=true: the path is used as sent (single encoding, no dot-segment normalisation), as S3 does;
// false: the path is normalised and each segment URI-encoded again (all other services).
// Query parameters are decoded ('+' stays a literal plus) and re-encoded with the RFC 3986
// unreserved set, then sorted by key and value; X-Amz-Signature is left out for presigned requests.
// Header values are trimmed, inner whitespace runs (including folded lines) become one space,
// repeated headers are joined with ','. A signed header the request lacks is "name:" (empty).
std::string canonical_request(const HttpRequest& req, const SigV4Params& p, std::string_view payload_hash,
                              bool s3_style);
std::string string_to_sign(const SigV4Params& p, std::string_view canonical_request);

using SigningKey = std::array<unsigned char, 32>;
SigningKey derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                              std::string_view service);
std::string sign_hex(const SigningKey& key, std::string_view string_to_sign);

// Thread-safe cache of derived keys keyed by (access key id, secret, date, region, service).
// Bounded: a fixed table of `slots` entries (direct-mapped; a colliding key replaces the old one).
// A hit takes one striped lock and allocates nothing.
class SigningKeyCache {
 public:
  explicit SigningKeyCache(std::size_t slots = 1024);
  ~SigningKeyCache();
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  SigningKey get(std::string_view access_key_id, std::string_view secret, std::string_view date,
                 std::string_view region, std::string_view service);
  std::size_t capacity() const { return slots_.size(); }
  // Counters, for tests and metrics.
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  struct Slot {
    bool used = false;
    std::string access_key_id, secret, date, region, service;
    SigningKey key{};
  };
  static constexpr std::size_t kStripes = 64;
  std::vector<Slot> slots_;
  std::unique_ptr<std::mutex[]> locks_;
  std::atomic<uint64_t> hits_{0}, misses_{0};
};

struct VerifyOptions {
  std::chrono::system_clock::time_point now;
  bool s3_style = false;
  SigningKeyCache* cache = nullptr;
  std::chrono::seconds max_skew{900};
};

// Full check once the caller found the secret for p.access_key_id:
//  - 'host' must be signed; every x-amz-* header present must be signed (exempt: an unsigned
//    x-amz-security-token outside S3, as the suite's post-sts-header-after case shows; an unsigned
//    x-amz-content-sha256 on S3, whose value is part of the canonical request anyway);
//  - time: header auth |now - amz_date| <= max_skew; S3 presigned: not before amz_date - max_skew,
//    not after amz_date + X-Amz-Expires (X-Amz-Expires 0..604800); other services' presigned URLs
//    get the header rule, as STS does (it ignores X-Amz-Expires);
//  - the credential date must be the date of amz_date;
//  - the payload hash: S3 header auth needs x-amz-content-sha256 and a hex value must match the
//    body; elsewhere a present x-amz-content-sha256 must be the body's hash;
//  - the signature, compared in constant time.
// Errors: query/json wording (SignatureDoesNotMatch 403 "Signature expired: ..."), or S3's with
// s3_style (RequestTimeTooSkewed, AccessDenied "Request has expired", SignatureDoesNotMatch with
// AWSAccessKeyId, StringToSign, SignatureProvided, StringToSignBytes, CanonicalRequest,
// CanonicalRequestBytes in AwsError::extra).
Status verify(const HttpRequest& req, const SigV4Params& p, std::string_view secret, const VerifyOptions& opt);

// S3 streaming uploads (Content-Encoding aws-chunked, x-amz-content-sha256 STREAMING-AWS4-HMAC-SHA256-PAYLOAD,
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER and STREAMING-UNSIGNED-PAYLOAD-TRAILER): decodes the body,
// verifying each chunk signature (chained from the seed signature p.signature) and the trailer
// signature when verify_chunk_signatures. Trailing headers are dropped here; see aws_chunked.h for
// the form that returns them. Defined in aws_chunked.cc.
Result<std::string> decode_aws_chunked(std::string_view body, const SigV4Params& p, const SigningKey& key,
                                       bool verify_chunk_signatures);

// True for the x-amz-content-sha256 values whose aws-chunked bodies carry chunk signatures
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]); pass it as decode_aws_chunked's
// verify_chunk_signatures. STREAMING-UNSIGNED-PAYLOAD-TRAILER bodies have none.
inline bool streaming_payload_signed(std::string_view x_amz_content_sha256) {
  return x_amz_content_sha256 == kStreamingSignedPayload || x_amz_content_sha256 == kStreamingSignedPayloadTrailer;
}

// Client side (used by orgroot's own admin CLI and by benchmarks): signs a request in place — adds
// host (if missing and the target is absolute, "http://host/path", which is then made origin-form),
// x-amz-date, x-amz-security-token (if token), x-amz-content-sha256 (only when s3: the existing
// header's value, else the body's hash), Authorization; or with presign=true adds the X-Amz-* query
// parameters instead. Every header present is signed except authorization, user-agent, expect,
// content-length, transfer-encoding, connection and x-amzn-trace-id.
struct Credentials {
  std::string access_key_id, secret_access_key, session_token;
};
void sign_request(HttpRequest& req, const Credentials& c, std::string_view region, std::string_view service,
                  std::chrono::system_clock::time_point now, bool s3_style = false, bool presign = false,
                  int64_t expires = 900);

// ---- helpers (exposed for the server and tests) ----

// "20150830T123600Z" <-> time_point (UTC). parse_amz_date is strict: 16 characters, valid fields.
std::optional<std::chrono::system_clock::time_point> parse_amz_date(std::string_view s);
std::string format_amz_date(std::chrono::system_clock::time_point t);  // 20150830T123600Z
std::string format_iso8601(std::chrono::system_clock::time_point t);   // 2015-08-30T12:36:00Z
// An HTTP Date header (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" or RFC 850
// "Sunday, 06-Nov-94 08:49:37 GMT") or an ISO 8601 basic timestamp, as X-Amz-Date form;
// nullopt if unparseable.
std::optional<std::string> http_date_to_amz_date(std::string_view http_date);

// RFC 3986 percent-encoding of everything but A-Z a-z 0-9 - _ . ~ (and '/' unless encode_slash).
std::string uri_encode(std::string_view s, bool encode_slash = true);
// Decodes %XX; '+' is kept; a malformed escape is kept literally.
std::string uri_decode(std::string_view s);

// The json-protocol names of the authentication errors (SignatureDoesNotMatch ->
// InvalidSignatureException 400, IncompleteSignature -> IncompleteSignatureException,
// MissingAuthenticationToken -> MissingAuthenticationTokenException, InvalidClientTokenId ->
// UnrecognizedClientException); query_code keeps the query name. Other errors are returned unchanged.
AwsError json_protocol_auth_error(AwsError e);

}  // namespace orgroot::auth
