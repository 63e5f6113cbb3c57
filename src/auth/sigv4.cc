#include "auth/sigv4.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "auth/crypto.h"

namespace orgroot::auth {

namespace {

using std::chrono::system_clock;

// ---------------------------------------------------------------------------------------------
// small string helpers

constexpr char kUpperHex[] = "0123456789ABCDEF";

inline bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline void append_encoded_byte(std::string& out, unsigned char c, bool encode_slash) {
  if (is_unreserved(c) || (c == '/' && !encode_slash)) {
    out += static_cast<char>(c);
  } else {
    char buf[3] = {'%', kUpperHex[c >> 4], kUpperHex[c & 0xf]};
    out.append(buf, 3);
  }
}

// Writes the encoding of byte c at p; returns the new end.
inline char* put_encoded(char* p, unsigned char c) {
  if (is_unreserved(c)) {
    *p++ = static_cast<char>(c);
  } else {
    p[0] = '%';
    p[1] = kUpperHex[c >> 4];
    p[2] = kUpperHex[c & 0xf];
    p += 3;
  }
  return p;
}

// Appends `raw` percent-encoded (everything but the unreserved set; '/' too).
void append_encoded(std::string& out, std::string_view raw) {
  std::size_t at = out.size();
  out.resize(at + raw.size() * 3);
  char* p = out.data() + at;
  for (char c : raw) p = put_encoded(p, static_cast<unsigned char>(c));
  out.resize(static_cast<std::size_t>(p - out.data()));
}

// Decodes %XX escapes of `raw` and appends the result re-encoded with the unreserved set, in one pass.
void append_reencoded(std::string& out, std::string_view raw) {
  std::size_t at = out.size();
  out.resize(at + raw.size() * 3);
  char* p = out.data() + at;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c == '%' && i + 2 < raw.size()) {
      int hi = hex_digit(raw[i + 1]), lo = hex_digit(raw[i + 2]);
      if (hi >= 0 && lo >= 0) {
        c = static_cast<unsigned char>((hi << 4) | lo);
        i += 2;
      }
    }
    p = put_encoded(p, c);
  }
  out.resize(static_cast<std::size_t>(p - out.data()));
}

inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

inline bool starts_with_icase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// What separates the Authorization header's components: ',' and whitespace.
struct SeparatorTable {
  bool v[256] = {};
  constexpr SeparatorTable() {
    for (unsigned char c : {',', ' ', '\t', '\r', '\n', '\v', '\f'}) v[c] = true;
  }
};
constexpr SeparatorTable kSeparator;
inline bool is_separator(char c) { return kSeparator.v[static_cast<unsigned char>(c)]; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Header value as SigV4 wants it: trimmed, every inner run of whitespace (folded lines included)
// replaced by one space.
// Index of the first byte at or after i that may be whitespace (any byte <= ' '), skipping eight
// bytes at a time: header values are mostly long runs without any (a session token: 600+ bytes).
std::size_t skip_non_space(std::string_view v, std::size_t i) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  while (i + 8 <= v.size()) {
    uint64_t x;
    std::memcpy(&x, v.data() + i, 8);
    // Non-zero iff some byte is < 0x21 (exact for this bound; bytes >= 0x80 never count).
    if (((x - kOnes * 0x21) & ~x & kHigh) != 0) break;
    i += 8;
  }
  while (i < v.size() && !is_space(v[i])) ++i;
  return i;
}

void append_canonical_header_value(std::string& out, std::string_view v) {
  v = trim(v);
  std::size_t i = 0;
  while (i < v.size()) {
    std::size_t j = skip_non_space(v, i);
    out.append(v.data() + i, j - i);
    if (j == v.size()) break;
    out += ' ';
    while (j < v.size() && is_space(v[j])) ++j;  // trim() guarantees a word follows
    i = j;
  }
}

// Raw (still encoded) value of the first query parameter whose decoded name is `name`.
std::optional<std::string_view> raw_query_param(std::string_view query, std::string_view name) {
  std::size_t i = 0;
  while (i <= query.size()) {
    std::size_t amp = query.find('&', i);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view piece = query.substr(i, amp - i);
    i = amp + 1;
    if (piece.empty()) continue;
    std::size_t eq = piece.find('=');
    std::string_view k = piece.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    if (k == name || (k.find('%') != std::string_view::npos && uri_decode(k) == name)) return v;
  }
  return std::nullopt;
}

// Decoded value of the first query parameter named `name`.
std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  auto v = raw_query_param(query, name);
  if (!v) return std::nullopt;
  return uri_decode(*v);
}

bool has_query_param(std::string_view query, std::string_view name) {
  return raw_query_param(query, name).has_value();
}

// Hex bytes as S3 prints them in <StringToSignBytes>: "41 57 53 34 ..."
std::string spaced_hex(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 3);
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (i) out += ' ';
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

bool parse_int64(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool is_hex_sha256(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (hex_digit(c) < 0) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// errors

const char kS3SignatureMessage[] =
    "The request signature we calculated does not match the signature you provided. Check your key and "
    "signing method.";
const char kS3CredentialMalformed[] =
    "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";
const char kS3MissingDate[] = "AWS authentication requires a valid Date or x-amz-date header";
const char kS3Unsupported[] =
    "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.";
const char kS3QueryRequires[] =
    "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
    "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";

AwsError header_malformed(std::string detail) {
  return AwsError("AuthorizationHeaderMalformed", "The authorization header is malformed; " + detail, 400);
}
AwsError query_params_error(std::string msg) {
  return AwsError("AuthorizationQueryParametersError", std::move(msg), 400);
}
AwsError s3_unsupported() { return AwsError("InvalidRequest", kS3Unsupported, 400); }

AwsError date_format_error(std::string_view got) {
  return AwsError::IncompleteSignature("Date must be in ISO-8601 'basic format'. Got '" + std::string(got) +
                                       "'. See http://en.wikipedia.org/wiki/ISO_8601");
}

AwsError unsupported_algorithm(std::string_view alg) {
  return AwsError::IncompleteSignature("Unsupported AWS 'algorithm': '" + std::string(alg) +
                                       "' (only AWS4-HMAC-SHA256 for now). ");
}

// ---------------------------------------------------------------------------------------------
// credential "AKID/20150830/us-east-1/service/aws4_request"

struct CredentialParts {
  std::string_view key, date, region, service, terminator;
};

std::optional<CredentialParts> split_credential(std::string_view cred) {
  // AWS ignores trailing slashes.
  while (!cred.empty() && cred.back() == '/') cred.remove_suffix(1);
  std::string_view parts[5];
  int n = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t slash = cred.find('/', i);
    if (n == 5) return std::nullopt;
    parts[n++] = cred.substr(i, slash == std::string_view::npos ? std::string_view::npos : slash - i);
    if (slash == std::string_view::npos) break;
    i = slash + 1;
  }
  if (n != 5) return std::nullopt;
  for (auto& p : parts)
    if (p.empty()) return std::nullopt;
  return CredentialParts{parts[0], parts[1], parts[2], parts[3], parts[4]};
}

Status fill_credential(SigV4Params& p, std::string_view cred, bool s3, bool query) {
  auto parts = split_credential(cred);
  if (!parts) {
    if (s3) {
      if (query) return query_params_error(std::string("Error parsing the X-Amz-Credential parameter; ") + kS3CredentialMalformed);
      return header_malformed(kS3CredentialMalformed);
    }
    return AwsError::IncompleteSignature(
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" +
        std::string(cred) + "'");
  }
  if (parts->terminator != "aws4_request") {
    if (s3) {
      std::string d = "incorrect terminal \"" + std::string(parts->terminator) + "\". This endpoint uses \"aws4_request\".";
      if (query) return query_params_error("Error parsing the X-Amz-Credential parameter; " + d);
      return header_malformed(d);
    }
    return AwsError::SignatureDoesNotMatch("Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                                           std::string(parts->terminator) + "'. ");
  }
  p.access_key_id = parts->key;
  p.date = parts->date;
  p.region = parts->region;
  p.service = parts->service;
  return OkStatus();
}

void split_signed_headers(std::string_view list, std::vector<std::string>& out) {
  out.clear();
  std::size_t i = 0;
  while (i <= list.size()) {
    std::size_t semi = list.find(';', i);
    if (semi == std::string_view::npos) semi = list.size();
    std::string_view h = trim(list.substr(i, semi - i));
    if (!h.empty()) out.emplace_back(h);
    i = semi + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// parsing

Result<SigV4Params> parse_header_auth(const HttpRequest& req, std::string_view auth, bool s3) {
  std::string_view v = trim(auth);
  if (!(v.size() >= kSigV4Algorithm.size() && v.substr(0, kSigV4Algorithm.size()) == kSigV4Algorithm &&
        (v.size() == kSigV4Algorithm.size() || is_space(v[kSigV4Algorithm.size()]) ||
         v[kSigV4Algorithm.size()] == ','))) {
    if (s3) return s3_unsupported();
    if (starts_with_icase(v, "AWS4-")) return unsupported_algorithm(v.substr(0, v.find_first_of(" ,")));
    return AwsError::MissingAuthenticationToken();
  }
  std::string_view rest = v.substr(kSigV4Algorithm.size());

  std::optional<std::string_view> credential, signed_headers, signature;
  // Components are separated by ',' and/or whitespace.
  std::size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && is_separator(rest[i])) ++i;
    if (i >= rest.size()) break;
    std::size_t j = i;
    while (j < rest.size() && !is_separator(rest[j])) ++j;
    std::string_view tok = rest.substr(i, j - i);
    i = j;
    std::size_t eq = tok.find('=');
    if (eq == std::string_view::npos) {
      if (s3)
        return header_malformed("the authorization header requires three components: Credential, SignedHeaders, and Signature.");
      return AwsError::IncompleteSignature("'" + std::string(tok) +
                                           "' not a valid key=value pair (missing equal-sign) in Authorization header: '" +
                                           std::string(auth) + "'.");
    }
    std::string_view key = tok.substr(0, eq), val = tok.substr(eq + 1);
    if (key == "Credential") credential = val;
    else if (key == "SignedHeaders") signed_headers = val;
    else if (key == "Signature") signature = val;
  }

  const std::string* xdate = req.header("X-Amz-Date");
  const std::string* hdate = xdate ? nullptr : req.header("Date");
  bool have_cred = credential && !credential->empty();
  bool have_sig = signature && !signature->empty();
  bool have_sh = signed_headers.has_value();
  bool have_date = xdate || hdate;
  if (!have_cred || !have_sig || !have_sh || !have_date) {
    if (s3) {
      if (!have_cred || !have_sig || !have_sh)
        return header_malformed("the authorization header requires three components: Credential, SignedHeaders, and Signature.");
      return AwsError::AccessDenied(kS3MissingDate);
    }
    std::string msg;
    if (!have_cred) msg += "Authorization header requires 'Credential' parameter. ";
    if (!have_sig) msg += "Authorization header requires 'Signature' parameter. ";
    if (!have_sh) msg += "Authorization header requires 'SignedHeaders' parameter. ";
    if (!have_date) msg += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    msg += "Authorization=";
    msg += auth;
    return AwsError::IncompleteSignature(std::move(msg));
  }

  SigV4Params p;
  if (xdate) {
    std::string_view d = trim(*xdate);
    if (!parse_amz_date(d)) {
      if (s3) return AwsError::AccessDenied(kS3MissingDate);
      return date_format_error(d);
    }
    p.amz_date = d;
  } else {
    auto d = http_date_to_amz_date(*hdate);
    if (!d) {
      if (s3) return AwsError::AccessDenied(kS3MissingDate);
      return date_format_error(trim(*hdate));
    }
    p.amz_date = std::move(*d);
  }
  if (auto st = fill_credential(p, *credential, s3, false); !st) return std::move(st).error();
  split_signed_headers(*signed_headers, p.signed_headers);
  p.signature = *signature;
  if (const std::string* tok = req.header("X-Amz-Security-Token")) p.security_token = trim(*tok);
  return p;
}

Result<SigV4Params> parse_query_auth(const HttpRequest& req, bool s3) {
  std::string_view q = req.query();
  auto alg = query_param(q, "X-Amz-Algorithm");
  auto cred = query_param(q, "X-Amz-Credential");
  auto sig = query_param(q, "X-Amz-Signature");
  auto sh = query_param(q, "X-Amz-SignedHeaders");
  auto date = query_param(q, "X-Amz-Date");
  auto expires = query_param(q, "X-Amz-Expires");
  if (s3) {
    if (!alg || !cred || !sig || !sh || !date || !expires) return query_params_error(kS3QueryRequires);
    if (*alg != kSigV4Algorithm) return query_params_error("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  } else {
    std::string msg;
    if (!alg || alg->empty()) msg += "AWS query-string parameters must include 'X-Amz-Algorithm'. ";
    if (!cred || cred->empty()) msg += "AWS query-string parameters must include 'X-Amz-Credential'. ";
    if (!sig || sig->empty()) msg += "AWS query-string parameters must include 'X-Amz-Signature'. ";
    if (!sh || sh->empty()) msg += "AWS query-string parameters must include 'X-Amz-SignedHeaders'. ";
    if (!date || date->empty()) msg += "AWS query-string parameters must include 'X-Amz-Date'. ";
    if (!msg.empty()) return AwsError::IncompleteSignature(msg + "Re-examine the query-string parameters.");
    if (*alg != kSigV4Algorithm) return unsupported_algorithm(*alg);
  }
  SigV4Params p;
  p.presigned = true;
  if (!parse_amz_date(*date)) {
    if (s3) return query_params_error("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
    return date_format_error(*date);
  }
  p.amz_date = std::move(*date);
  if (expires) {
    if (!parse_int64(*expires, p.expires_seconds)) {
      if (s3) return query_params_error("X-Amz-Expires should be a number");
      p.expires_seconds = 0;  // other services ignore X-Amz-Expires
    }
  }
  if (auto st = fill_credential(p, *cred, s3, true); !st) return std::move(st).error();
  split_signed_headers(*sh, p.signed_headers);
  p.signature = std::move(*sig);
  if (auto tok = query_param(q, "X-Amz-Security-Token")) p.security_token = std::move(*tok);
  return p;
}

// ---------------------------------------------------------------------------------------------
// canonical request pieces

void append_canonical_path(std::string& out, std::string_view raw, bool s3) {
  if (raw.empty()) {
    out += '/';
    return;
  }
  if (s3) {
    out += raw;
    return;
  }
  // Remove empty and '.' segments, resolve '..', keep a trailing slash; then encode each segment.
  std::string_view segs[64];
  std::vector<std::string_view> more;  // only for paths deeper than 64 segments
  std::size_t n = 0;
  auto push = [&](std::string_view s) {
    if (n < 64) segs[n] = s; else more.push_back(s);
    ++n;
  };
  std::size_t i = 0;
  while (i <= raw.size()) {
    std::size_t slash = raw.find('/', i);
    if (slash == std::string_view::npos) slash = raw.size();
    std::string_view seg = raw.substr(i, slash - i);
    i = slash + 1;
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (n > 0) {
        if (n > 64) more.pop_back();
        --n;
      }
      continue;
    }
    push(seg);
  }
  out += '/';
  for (std::size_t k = 0; k < n; ++k) {
    if (k) out += '/';
    std::string_view seg = k < 64 ? segs[k] : more[k - 64];
    append_encoded(out, seg);
  }
  if (n > 0 && raw.back() == '/') out += '/';
}

void append_canonical_query(std::string& out, std::string_view query, bool presigned) {
  if (query.empty()) return;
  // All "key=value" pairs are encoded into one buffer; the spans are sorted.
  struct Span {
    uint32_t off, key_len, len;
  };
  std::string buf;
  buf.reserve(query.size() + query.size() / 2 + 8);
  std::vector<Span> spans;
  spans.reserve(static_cast<std::size_t>(std::count(query.begin(), query.end(), '&')) + 1);
  std::size_t i = 0;
  while (i <= query.size()) {
    std::size_t amp = query.find('&', i);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view piece = query.substr(i, amp - i);
    i = amp + 1;
    if (piece.empty()) continue;
    std::size_t eq = piece.find('=');
    std::string_view k = piece.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    std::size_t start = buf.size();
    append_reencoded(buf, k);
    std::size_t key_len = buf.size() - start;
    if (presigned && std::string_view(buf).substr(start) == "X-Amz-Signature") {
      buf.resize(start);
      continue;
    }
    buf += '=';
    append_reencoded(buf, v);
    spans.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(key_len),
                     static_cast<uint32_t>(buf.size() - start)});
  }
  const std::string_view b(buf);
  std::sort(spans.begin(), spans.end(), [b](const Span& x, const Span& y) {
    std::string_view kx = b.substr(x.off, x.key_len), ky = b.substr(y.off, y.key_len);
    if (kx != ky) return kx < ky;
    return b.substr(x.off + x.key_len + 1, x.len - x.key_len - 1) < b.substr(y.off + y.key_len + 1, y.len - y.key_len - 1);
  });
  for (std::size_t k = 0; k < spans.size(); ++k) {
    if (k) out += '&';
    out.append(b.substr(spans[k].off, spans[k].len));
  }
}

bool list_contains_icase(const std::vector<std::string>& list, std::string_view name) {
  for (const auto& s : list)
    if (iequals(s, name)) return true;
  return false;
}

std::chrono::seconds::rep skew_minutes(std::chrono::seconds s) { return s.count() / 60; }

std::string epoch_millis(system_clock::time_point t) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

}  // namespace

// =============================================================================================
// public API

std::string SigV4Params::credential_scope() const {
  std::string s;
  s.reserve(date.size() + region.size() + service.size() + 16);
  s += date;
  s += '/';
  s += region;
  s += '/';
  s += service;
  s += "/aws4_request";
  return s;
}

AuthPresence detect_auth(const HttpRequest& req) {
  if (const std::string* a = req.header("Authorization")) {
    std::string_view v = trim(*a);
    if (!v.empty()) {
      if (v.size() >= kSigV4Algorithm.size() && v.substr(0, kSigV4Algorithm.size()) == kSigV4Algorithm &&
          (v.size() == kSigV4Algorithm.size() || is_space(v[kSigV4Algorithm.size()]) ||
           v[kSigV4Algorithm.size()] == ','))
        return AuthPresence::Header;
      return AuthPresence::Unsupported;
    }
  }
  std::string_view q = req.query();
  if (!q.empty()) {
    if (has_query_param(q, "X-Amz-Algorithm")) return AuthPresence::Query;
    if ((has_query_param(q, "AWSAccessKeyId") && has_query_param(q, "Signature")) ||
        has_query_param(q, "SignatureVersion"))
      return AuthPresence::Unsupported;
  }
  // SigV2 in a query-protocol form body.
  if (!req.body.empty()) {
    const std::string* ct = req.header("Content-Type");
    if (ct && starts_with_icase(trim(*ct), "application/x-www-form-urlencoded")) {
      if (has_query_param(req.body, "SignatureVersion") ||
          (has_query_param(req.body, "AWSAccessKeyId") && has_query_param(req.body, "Signature")))
        return AuthPresence::Unsupported;
    }
  }
  return AuthPresence::None;
}

Result<SigV4Params> parse_auth(const HttpRequest& req) { return parse_auth(req, false); }

Result<SigV4Params> parse_auth(const HttpRequest& req, bool s3) {
  const std::string* auth = req.header("Authorization");
  bool have_header = auth && !trim(*auth).empty();
  bool have_query = has_query_param(req.query(), "X-Amz-Algorithm");
  if (have_header && have_query) {
    if (s3)
      return AwsError("InvalidArgument",
                      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query "
                      "string parameter or the Authorization header should be specified",
                      400)
          .with("ArgumentName", "Authorization")
          .with("ArgumentValue", *auth);
    return AwsError::SignatureDoesNotMatch(
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
  }
  if (have_header) return parse_header_auth(req, *auth, s3);
  if (have_query) return parse_query_auth(req, s3);
  if (detect_auth(req) == AuthPresence::Unsupported) {
    if (s3) return s3_unsupported();
    return AwsError::MissingAuthenticationToken();
  }
  if (s3) return AwsError::AccessDenied("Access Denied");
  return AwsError::MissingAuthenticationToken();
}

Status check_scope(const SigV4Params& p, std::string_view expected_service, std::string_view expected_region,
                   bool s3) {
  bool bad_region = !expected_region.empty() && p.region != expected_region;
  bool bad_service = !expected_service.empty() && p.service != expected_service;
  if (!bad_region && !bad_service) return OkStatus();
  if (s3) {
    std::string d;
    if (bad_region)
      d = "the region '" + p.region + "' is wrong; expecting '" + std::string(expected_region) + "'";
    else
      d = "incorrect service \"" + p.service + "\". This endpoint belongs to \"" + std::string(expected_service) +
          "\".";
    AwsError e = p.presigned ? query_params_error("Error parsing the X-Amz-Credential parameter; " + d)
                             : header_malformed(d);
    if (bad_region) e.with("Region", std::string(expected_region));
    return e;
  }
  std::string msg;
  if (bad_region) msg += "Credential should be scoped to a valid region, not '" + p.region + "'. ";
  if (bad_service) msg += "Credential should be scoped to correct service: '" + std::string(expected_service) + "'. ";
  return AwsError::SignatureDoesNotMatch(std::move(msg));
}

std::string payload_hash(const HttpRequest& req, const SigV4Params& p, bool s3_style) {
  if (const std::string* h = req.header("x-amz-content-sha256")) return std::string(trim(*h));
  // Only S3 presigns with UNSIGNED-PAYLOAD; every other service signs the body (usually empty)
  // in a presigned URL too, as the SDKs do.
  if (p.presigned && s3_style) {
    if (auto q = query_param(req.query(), "X-Amz-Content-Sha256")) return *q;
    return std::string(kUnsignedPayload);
  }
  return crypto::sha256_hex(req.body);
}

std::string canonical_request(const HttpRequest& req, const SigV4Params& p, std::string_view payload_hash,
                              bool s3_style) {
  std::string out;
  std::string_view path = req.path();
  std::string_view query = req.query();
  out.reserve(req.method.size() + path.size() * 2 + query.size() * 2 + 256 + payload_hash.size());
  out += req.method;
  out += '\n';
  append_canonical_path(out, path, s3_style);
  out += '\n';
  append_canonical_query(out, query, p.presigned);
  out += '\n';
  for (const std::string& name : p.signed_headers) {
    out += name;
    out += ':';
    bool first = true;
    for (const Header& h : req.headers) {
      if (!iequals(h.name, name)) continue;
      if (!first) out += ',';
      append_canonical_header_value(out, h.value);
      first = false;
    }
    out += '\n';
  }
  out += '\n';
  for (std::size_t k = 0; k < p.signed_headers.size(); ++k) {
    if (k) out += ';';
    out += p.signed_headers[k];
  }
  out += '\n';
  out += payload_hash;
  return out;
}

std::string string_to_sign(const SigV4Params& p, std::string_view canonical_request) {
  std::string out;
  out.reserve(kSigV4Algorithm.size() + p.amz_date.size() + 64 + 64 + p.region.size() + p.service.size() + 24);
  out += kSigV4Algorithm;
  out += '\n';
  out += p.amz_date;
  out += '\n';
  out += p.date;
  out += '/';
  out += p.region;
  out += '/';
  out += p.service;
  out += "/aws4_request\n";
  auto h = crypto::sha256(canonical_request);
  crypto::hex_append(out, h.data(), h.size());
  return out;
}

SigningKey derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                              std::string_view service) {
  std::string k;
  k.reserve(4 + secret.size());
  k += "AWS4";
  k += secret;
  auto k_date = crypto::hmac_sha256(k, date);
  auto k_region = crypto::hmac_sha256(k_date, region);
  auto k_service = crypto::hmac_sha256(k_region, service);
  // Wipe the copy of the secret.
  std::fill(k.begin(), k.end(), '\0');
  return crypto::hmac_sha256(k_service, "aws4_request");
}

std::string sign_hex(const SigningKey& key, std::string_view sts) {
  auto mac = crypto::hmac_sha256(key, sts);
  return crypto::hex_encode(mac);
}

// ---------------------------------------------------------------------------------------------
// SigningKeyCache

SigningKeyCache::SigningKeyCache(std::size_t slots)
    : slots_(slots ? slots : 1), locks_(new std::mutex[kStripes]) {}
SigningKeyCache::~SigningKeyCache() {
  for (auto& s : slots_) std::fill(s.secret.begin(), s.secret.end(), '\0');
}

SigningKey SigningKeyCache::get(std::string_view akid, std::string_view secret, std::string_view date,
                                std::string_view region, std::string_view service) {
  // FNV-1a over the parts, separated so that ("ab","c") and ("a","bc") differ.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  };
  mix(akid);
  mix(date);
  mix(region);
  mix(service);
  mix(secret);
  std::size_t idx = static_cast<std::size_t>(h % slots_.size());
  {
    std::lock_guard<std::mutex> lk(locks_[idx % kStripes]);
    Slot& s = slots_[idx];
    if (s.used && s.access_key_id == akid && s.date == date && s.region == region && s.service == service &&
        crypto::constant_time_equals(s.secret, secret)) {
      SigningKey k = s.key;
      hits_.fetch_add(1, std::memory_order_relaxed);
      return k;
    }
  }
  SigningKey k = derive_signing_key(secret, date, region, service);
  {
    std::lock_guard<std::mutex> lk(locks_[idx % kStripes]);
    Slot& s = slots_[idx];
    std::fill(s.secret.begin(), s.secret.end(), '\0');
    s.used = true;
    s.access_key_id = akid;
    s.secret = secret;
    s.date = date;
    s.region = region;
    s.service = service;
    s.key = k;
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return k;
}

uint64_t SigningKeyCache::hits() const { return hits_.load(std::memory_order_relaxed); }
uint64_t SigningKeyCache::misses() const { return misses_.load(std::memory_order_relaxed); }

// ---------------------------------------------------------------------------------------------
// verify

Status verify(const HttpRequest& req, const SigV4Params& p, std::string_view secret, const VerifyOptions& opt) {
  const bool s3 = opt.s3_style;

  // 1. Time.
  auto t = parse_amz_date(p.amz_date);
  if (!t) {
    if (s3) return AwsError::AccessDenied(kS3MissingDate);
    return date_format_error(p.amz_date);
  }
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(opt.now);
  const auto skew = opt.max_skew;
  if (p.presigned && s3) {
    if (p.expires_seconds < 0) return query_params_error("X-Amz-Expires must be non-negative");
    if (p.expires_seconds > kMaxPresignExpires)
      return query_params_error(
          "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less "
          "than 604800 seconds");
    auto expires_at = *t + std::chrono::seconds(p.expires_seconds);
    if (now < *t - skew)
      return AwsError::AccessDenied("Request is not yet valid")
          .with("X-Amz-Date", epoch_millis(*t))
          .with("Expires", format_iso8601(expires_at))
          .with("ServerTime", format_iso8601(now));
    if (now > expires_at)
      return AwsError::AccessDenied("Request has expired")
          .with("X-Amz-Expires", std::to_string(p.expires_seconds))
          .with("Expires", format_iso8601(expires_at))
          .with("ServerTime", format_iso8601(now));
  } else {
    if (now - *t > skew || *t - now > skew) {
      if (s3)
        return AwsError("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.",
                        403)
            .with("RequestTime", p.amz_date)
            .with("ServerTime", format_iso8601(now))
            .with("MaxAllowedSkewMilliseconds",
                  std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(skew).count()));
      std::string mins = std::to_string(skew_minutes(skew));
      if (*t < now)
        return AwsError::SignatureExpired("Signature expired: " + p.amz_date + " is now earlier than " +
                                          format_amz_date(now - skew) + " (" + format_amz_date(now) + " - " + mins +
                                          " min.)");
      return AwsError::SignatureExpired("Signature not yet current: " + p.amz_date + " is still later than " +
                                        format_amz_date(now + skew) + " (" + format_amz_date(now) + " + " + mins +
                                        " min.)");
    }
  }

  // 2. 'host' and every x-amz-* header must be signed.
  if (!list_contains_icase(p.signed_headers, "host")) {
    if (s3)
      return AwsError::AccessDenied("There were headers present in the request which were not signed")
          .with("HeadersNotSigned", "host");
    return AwsError::SignatureDoesNotMatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  std::string not_signed;
  for (const Header& h : req.headers) {
    if (!starts_with_icase(h.name, "x-amz-")) continue;
    if (list_contains_icase(p.signed_headers, h.name)) continue;
    if (!s3 && iequals(h.name, "x-amz-security-token")) continue;
    if (s3 && iequals(h.name, "x-amz-content-sha256")) continue;
    std::string lname = to_lower(h.name);
    // Each name once, in arrival order.
    bool dup = false;
    for (std::size_t i = 0; i < not_signed.size();) {
      std::size_t e = not_signed.find(", ", i);
      if (e == std::string::npos) e = not_signed.size();
      if (std::string_view(not_signed).substr(i, e - i) == lname) dup = true;
      i = e + 2;
    }
    if (dup) continue;
    if (!not_signed.empty()) not_signed += ", ";
    not_signed += lname;
  }
  if (!not_signed.empty()) {
    if (s3)
      return AwsError::AccessDenied("There were headers present in the request which were not signed")
          .with("HeadersNotSigned", not_signed);
    // No AWS wording known for the query/json services; keep S3's sentence under their code.
    return AwsError::SignatureDoesNotMatch("There were headers present in the request which were not signed: " +
                                           not_signed);
  }

  // 3. The credential's date is the date of the request.
  if (std::string_view(p.amz_date).substr(0, 8) != p.date) {
    if (s3) {
      if (p.presigned) return query_params_error("Invalid credential date. Date is not the same as X-Amz-Date.");
      return header_malformed("Invalid credential date. Date is not the same as X-Amz-Date.");
    }
    return AwsError::SignatureDoesNotMatch("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
                                           p.date + "' != '" + p.amz_date.substr(0, 8) + "', from '" + p.amz_date + "'.");
  }

  // 4. Payload hash.
  std::string hash;
  const std::string* content_sha = req.header("x-amz-content-sha256");
  if (content_sha) {
    std::string_view v = trim(*content_sha);
    if (s3) {
      if (is_hex_sha256(v)) {
        std::string actual = crypto::sha256_hex(req.body);
        if (to_lower(v) != actual)
          return AwsError("XAmzContentSHA256Mismatch",
                          "The provided 'x-amz-content-sha256' header does not match what was computed.", 400)
              .with("ClientComputedContentSHA256", std::string(v))
              .with("S3ComputedContentSHA256", actual);
      } else if (v != kUnsignedPayload && v != kStreamingSignedPayload && v != kStreamingSignedPayloadTrailer &&
                 v != kStreamingUnsignedPayloadTrailer) {
        return AwsError("InvalidArgument",
                        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
                        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or "
                        "a valid sha256 value.",
                        400)
            .with("ArgumentName", "x-amz-content-sha256")
            .with("ArgumentValue", std::string(v));
      }
      hash = v;
    } else {
      // Outside S3 the body is always signed: the header, if sent, must be its hash.
      std::string actual = crypto::sha256_hex(req.body);
      if (!is_hex_sha256(v) || to_lower(v) != actual) return AwsError::SignatureDoesNotMatch();
      hash = v;
    }
  } else if (s3 && !p.presigned) {
    return AwsError("InvalidRequest", "Missing required header for this request: x-amz-content-sha256", 400);
  } else {
    hash = payload_hash(req, p, s3);
  }

  // 5. Signature.
  std::string creq = canonical_request(req, p, hash, s3);
  std::string sts = string_to_sign(p, creq);
  SigningKey key = opt.cache ? opt.cache->get(p.access_key_id, secret, p.date, p.region, p.service)
                             : derive_signing_key(secret, p.date, p.region, p.service);
  auto mac = crypto::hmac_sha256(key, sts);
  char expected[64];
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < mac.size(); ++i) {
    expected[2 * i] = kHex[mac[i] >> 4];
    expected[2 * i + 1] = kHex[mac[i] & 0xf];
  }
  if (crypto::constant_time_equals(std::string_view(expected, 64), p.signature)) return OkStatus();

  if (s3)
    return AwsError("SignatureDoesNotMatch", kS3SignatureMessage, 403)
        .with("AWSAccessKeyId", p.access_key_id)
        .with("StringToSign", sts)
        .with("SignatureProvided", p.signature)
        .with("StringToSignBytes", spaced_hex(sts))
        .with("CanonicalRequest", creq)
        .with("CanonicalRequestBytes", spaced_hex(creq));
  return AwsError::SignatureDoesNotMatch();
}

// ---------------------------------------------------------------------------------------------
// signing (client side)

namespace {

bool unsignable(std::string_view lname) {
  static constexpr std::string_view kSkip[] = {"authorization", "user-agent", "expect", "content-length",
                                              "transfer-encoding", "connection", "x-amzn-trace-id"};
  for (auto s : kSkip)
    if (lname == s) return true;
  return false;
}

void set_header(HttpRequest& req, std::string_view name, std::string value) {
  bool set = false;
  for (auto it = req.headers.begin(); it != req.headers.end();) {
    if (iequals(it->name, name)) {
      if (!set) {
        it->value = std::move(value);
        set = true;
        ++it;
      } else {
        it = req.headers.erase(it);
      }
    } else {
      ++it;
    }
  }
  if (!set) req.headers.push_back({std::string(name), std::move(value)});
}

}  // namespace

void sign_request(HttpRequest& req, const Credentials& c, std::string_view region, std::string_view service,
                  system_clock::time_point now, bool s3, bool presign, int64_t expires) {
  // Absolute-form target: move the authority to Host.
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (req.target.size() > scheme.size() && starts_with_icase(req.target, scheme)) {
      std::string rest = req.target.substr(scheme.size());
      std::size_t end = rest.find_first_of("/?");
      std::string host = rest.substr(0, end);
      std::string origin = end == std::string::npos ? "/" : rest.substr(end);
      if (!origin.empty() && origin[0] == '?') origin = "/" + origin;
      req.target = origin;
      if (!req.header("Host")) req.headers.push_back({"Host", host});
      break;
    }
  }
  req.headers.erase(std::remove_if(req.headers.begin(), req.headers.end(),
                                   [](const Header& h) { return iequals(h.name, "Authorization"); }),
                    req.headers.end());

  SigV4Params p;
  p.access_key_id = c.access_key_id;
  p.amz_date = format_amz_date(now);
  p.date = p.amz_date.substr(0, 8);
  p.region = region;
  p.service = service;
  p.security_token = c.session_token;
  p.presigned = presign;
  p.expires_seconds = expires;

  if (!presign) {
    set_header(req, "X-Amz-Date", p.amz_date);
    if (!c.session_token.empty()) set_header(req, "X-Amz-Security-Token", c.session_token);
    if (s3 && !req.header("x-amz-content-sha256"))
      req.headers.push_back({"x-amz-content-sha256", crypto::sha256_hex(req.body)});
  }

  for (const Header& h : req.headers) {
    std::string l = to_lower(h.name);
    if (!unsignable(l)) p.signed_headers.push_back(std::move(l));
  }
  std::sort(p.signed_headers.begin(), p.signed_headers.end());
  p.signed_headers.erase(std::unique(p.signed_headers.begin(), p.signed_headers.end()), p.signed_headers.end());

  std::string signed_list;
  for (std::size_t i = 0; i < p.signed_headers.size(); ++i) {
    if (i) signed_list += ';';
    signed_list += p.signed_headers[i];
  }

  if (presign) {
    std::string add;
    add += "X-Amz-Algorithm=AWS4-HMAC-SHA256";
    add += "&X-Amz-Credential=" + uri_encode(p.access_key_id + "/" + p.credential_scope());
    add += "&X-Amz-Date=" + p.amz_date;
    add += "&X-Amz-Expires=" + std::to_string(expires);
    if (!c.session_token.empty()) add += "&X-Amz-Security-Token=" + uri_encode(c.session_token);
    add += "&X-Amz-SignedHeaders=" + uri_encode(signed_list);
    if (req.target.find('?') == std::string::npos) req.target += '?';
    else if (req.target.back() != '?' && req.target.back() != '&') req.target += '&';
    req.target += add;
  }

  std::string hash = payload_hash(req, p, s3);
  std::string creq = canonical_request(req, p, hash, s3);
  std::string sts = string_to_sign(p, creq);
  std::string sig = sign_hex(derive_signing_key(c.secret_access_key, p.date, p.region, p.service), sts);

  if (presign) {
    req.target += "&X-Amz-Signature=" + sig;
  } else {
    std::string a;
    a.reserve(200);
    a += kSigV4Algorithm;
    a += " Credential=";
    a += p.access_key_id;
    a += '/';
    a += p.credential_scope();
    a += ", SignedHeaders=";
    a += signed_list;
    a += ", Signature=";
    a += sig;
    req.headers.push_back({"Authorization", std::move(a)});
  }
}

// ---------------------------------------------------------------------------------------------
// dates

std::optional<system_clock::time_point> parse_amz_date(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len, int& out) {
    out = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, se;
  if (!num(0, 4, y) || !num(4, 2, mo) || !num(6, 2, d) || !num(9, 2, h) || !num(11, 2, mi) || !num(13, 2, se))
    return std::nullopt;
  if (h > 23 || mi > 59 || se > 60) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{se};
}

namespace {
struct Civil {
  int y;
  unsigned mo, d;
  long h, mi, s;
};
Civil civil(system_clock::time_point t) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  auto day = std::chrono::floor<std::chrono::days>(secs);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss<std::chrono::seconds> hms{secs - day};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
          static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
          static_cast<long>(hms.seconds().count())};
}
}  // namespace

std::string format_amz_date(system_clock::time_point t) {
  Civil c = civil(t);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02ld%02ld%02ldZ", c.y, c.mo, c.d, c.h, c.mi, c.s);
  return buf;
}

std::string format_iso8601(system_clock::time_point t) {
  Civil c = civil(t);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", c.y, c.mo, c.d, c.h, c.mi, c.s);
  return buf;
}

std::optional<std::string> http_date_to_amz_date(std::string_view v) {
  v = trim(v);
  if (parse_amz_date(v)) return std::string(v);
  // IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" (weekday optional) or RFC 850
  // "Sunday, 06-Nov-94 08:49:37 GMT".
  std::size_t comma = v.find(',');
  if (comma != std::string_view::npos) v = trim(v.substr(comma + 1));
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto digits = [](std::string_view s, int& out) {
    if (s.empty() || s.size() > 4) return false;
    out = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    return true;
  };
  // Tokenise on ' ' and '-'.
  std::string_view tok[8];
  int n = 0;
  std::size_t i = 0;
  while (i < v.size() && n < 8) {
    while (i < v.size() && (v[i] == ' ' || v[i] == '-')) ++i;
    std::size_t j = i;
    while (j < v.size() && v[j] != ' ' && v[j] != '-') ++j;
    if (j > i) tok[n++] = v.substr(i, j - i);
    i = j;
  }
  std::string_view day_s, mon_s, year_s, time_s;
  if (n >= 4 && n <= 5) {  // "06 Nov 1994 08:49:37 [GMT]"
    day_s = tok[0], mon_s = tok[1], year_s = tok[2], time_s = tok[3];
    if (n == 5 && tok[4] != "GMT" && tok[4] != "UTC") return std::nullopt;
  } else {
    return std::nullopt;
  }
  int day, year, mon = -1;
  if (!digits(day_s, day) || !digits(year_s, year)) return std::nullopt;
  if (year_s.size() == 2) year += year < 70 ? 2000 : 1900;
  for (int m = 0; m < 12; ++m)
    if (iequals(mon_s, kMonths[m])) mon = m + 1;
  if (mon < 0 || time_s.size() != 8 || time_s[2] != ':' || time_s[5] != ':') return std::nullopt;
  int hh, mm, ss;
  if (!digits(time_s.substr(0, 2), hh) || !digits(time_s.substr(3, 2), mm) || !digits(time_s.substr(6, 2), ss))
    return std::nullopt;
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", year, mon, day, hh, mm, ss);
  std::string out(buf);
  if (!parse_amz_date(out)) return std::nullopt;
  return out;
}

// ---------------------------------------------------------------------------------------------
// encoding

std::string uri_encode(std::string_view s, bool encode_slash) {
  std::string out;
  if (encode_slash) {
    append_encoded(out, s);
    return out;
  }
  out.reserve(s.size() + s.size() / 2);
  for (char c : s) append_encoded_byte(out, static_cast<unsigned char>(c), false);
  return out;
}

std::string uri_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_digit(s[i + 1]), lo = hex_digit(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>((hi << 4) | lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

AwsError json_protocol_auth_error(AwsError e) {
  struct Map {
    const char* query;
    const char* json;
  };
  static constexpr Map kMap[] = {
      {"SignatureDoesNotMatch", "InvalidSignatureException"},
      {"IncompleteSignature", "IncompleteSignatureException"},
      {"MissingAuthenticationToken", "MissingAuthenticationTokenException"},
      {"InvalidClientTokenId", "UnrecognizedClientException"},
  };
  for (const auto& m : kMap) {
    if (e.code == m.query) {
      if (e.query_code.empty()) e.query_code = e.code;
      e.code = m.json;
      e.http_status = 400;
      break;
    }
  }
  return e;
}

}  // namespace orgroot::auth
