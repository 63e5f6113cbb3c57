#include "auth/aws_chunked.h"

#include <algorithm>
#include <cstdio>

#include "auth/crypto.h"

namespace orgroot::auth {

namespace {

AwsError incomplete_body() { return AwsError("IncompleteBody", "The request body terminated unexpectedly", 400); }

AwsError chunk_signature_mismatch() {
  return AwsError("SignatureDoesNotMatch",
                  "The request signature we calculated does not match the signature you provided. Check your key "
                  "and signing method.",
                  403);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "<hex>[;ext...]" -> size and the chunk-signature extension (empty if none).
bool parse_chunk_header(std::string_view line, std::size_t& size, std::string_view& signature) {
  std::size_t semi = line.find(';');
  std::string_view hex = trim_ows(line.substr(0, semi));
  if (hex.empty() || hex.size() > 15) return false;
  size = 0;
  for (char c : hex) {
    int d = hex_digit(c);
    if (d < 0) return false;
    size = size * 16 + static_cast<std::size_t>(d);
  }
  signature = {};
  while (semi != std::string_view::npos) {
    std::size_t next = line.find(';', semi + 1);
    std::string_view ext = trim_ows(line.substr(semi + 1, next == std::string_view::npos ? std::string_view::npos
                                                                                        : next - semi - 1));
    constexpr std::string_view kName = "chunk-signature=";
    if (ext.substr(0, kName.size()) == kName) signature = ext.substr(kName.size());
    semi = next;
  }
  return true;
}

void append_chunk_sts_prefix(std::string& sts, std::string_view kind, std::string_view amz_date,
                             std::string_view scope, std::string_view prev) {
  sts += kind;
  sts += '\n';
  sts += amz_date;
  sts += '\n';
  sts += scope;
  sts += '\n';
  sts += prev;
  sts += '\n';
}

std::string canonical_trailers(const std::vector<Header>& trailers) {
  std::string s;
  for (const auto& h : trailers) {
    s += h.name;
    s += ':';
    s += h.value;
    s += '\n';
  }
  return s;
}

void append_hex_size(std::string& out, std::size_t n) {
  char buf[24];
  int len = std::snprintf(buf, sizeof buf, "%zx", n);
  out.append(buf, static_cast<std::size_t>(len));
}

}  // namespace

std::string chunk_signature(const SigningKey& key, std::string_view amz_date, std::string_view scope,
                            std::string_view prev, std::string_view data) {
  std::string sts;
  sts.reserve(64 * 3 + amz_date.size() + scope.size() + 40);
  append_chunk_sts_prefix(sts, "AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, prev);
  sts += kEmptyPayloadSha256;
  sts += '\n';
  auto h = crypto::sha256(data);
  crypto::hex_append(sts, h.data(), h.size());
  return sign_hex(key, sts);
}

std::string trailer_signature(const SigningKey& key, std::string_view amz_date, std::string_view scope,
                              std::string_view prev, std::string_view canonical) {
  std::string sts;
  sts.reserve(64 * 2 + amz_date.size() + scope.size() + 40);
  append_chunk_sts_prefix(sts, "AWS4-HMAC-SHA256-TRAILER", amz_date, scope, prev);
  auto h = crypto::sha256(canonical);
  crypto::hex_append(sts, h.data(), h.size());
  return sign_hex(key, sts);
}

Result<ChunkedBody> decode_aws_chunked_body(std::string_view body, const SigV4Params& p, const SigningKey& key,
                                            bool verify) {
  ChunkedBody out;
  out.data.reserve(body.size());
  const std::string scope = verify ? p.credential_scope() : std::string();
  std::string prev = p.signature;
  std::size_t pos = 0;
  while (true) {
    std::size_t eol = body.find("\r\n", pos);
    if (eol == std::string_view::npos) return incomplete_body();
    std::size_t size = 0;
    std::string_view sig;
    if (!parse_chunk_header(body.substr(pos, eol - pos), size, sig)) return incomplete_body();
    pos = eol + 2;
    if (verify && sig.empty()) return chunk_signature_mismatch();
    if (size > 0) {
      if (body.size() - pos < size + 2) return incomplete_body();
      std::string_view data = body.substr(pos, size);
      if (body.compare(pos + size, 2, "\r\n") != 0) return incomplete_body();
      if (verify) {
        std::string expected = chunk_signature(key, p.amz_date, scope, prev, data);
        if (!crypto::constant_time_equals(expected, sig)) return chunk_signature_mismatch();
        prev = std::move(expected);
      }
      out.data.append(data);
      pos += size + 2;
      continue;
    }
    // Final (empty) chunk, then trailing headers up to an empty line.
    if (verify) {
      std::string expected = chunk_signature(key, p.amz_date, scope, prev, {});
      if (!crypto::constant_time_equals(expected, sig)) return chunk_signature_mismatch();
      prev = std::move(expected);
    }
    std::string_view trailer_sig;
    bool have_trailer_sig = false;
    while (true) {
      if (pos >= body.size()) break;  // tolerate a missing last CRLF
      std::size_t e = body.find("\r\n", pos);
      std::string_view line = body.substr(pos, e == std::string_view::npos ? std::string_view::npos : e - pos);
      pos = e == std::string_view::npos ? body.size() : e + 2;
      if (line.empty()) break;
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) return incomplete_body();
      std::string_view name = trim_ows(line.substr(0, colon));
      std::string_view value = trim_ows(line.substr(colon + 1));
      if (iequals(name, "x-amz-trailer-signature")) {
        trailer_sig = value;
        have_trailer_sig = true;
      } else {
        out.trailers.push_back({std::string(name), std::string(value)});
      }
    }
    if (pos != body.size()) return incomplete_body();
    if (verify && (have_trailer_sig || !out.trailers.empty())) {
      if (!have_trailer_sig) return chunk_signature_mismatch();
      std::string expected = trailer_signature(key, p.amz_date, scope, prev, canonical_trailers(out.trailers));
      if (!crypto::constant_time_equals(expected, trailer_sig)) return chunk_signature_mismatch();
    }
    return out;
  }
}

Result<std::string> decode_aws_chunked(std::string_view body, const SigV4Params& p, const SigningKey& key,
                                       bool verify_chunk_signatures) {
  auto r = decode_aws_chunked_body(body, p, key, verify_chunk_signatures);
  if (!r) return std::move(r).error();
  return std::move(r.value().data);
}

std::string encode_aws_chunked_signed(std::string_view data, std::size_t chunk_size, const SigV4Params& p,
                                      const SigningKey& key, const std::vector<Header>& trailers) {
  if (chunk_size == 0) chunk_size = 65536;
  const std::string scope = p.credential_scope();
  std::string prev = p.signature;
  std::string out;
  out.reserve(data.size() + (data.size() / chunk_size + 2) * 100);
  std::size_t pos = 0;
  while (true) {
    std::string_view chunk = data.substr(pos, std::min(chunk_size, data.size() - pos));
    std::string sig = chunk_signature(key, p.amz_date, scope, prev, chunk);
    append_hex_size(out, chunk.size());
    out += ";chunk-signature=";
    out += sig;
    out += "\r\n";
    out += chunk;
    prev = std::move(sig);
    pos += chunk.size();
    if (chunk.empty()) break;
    out += "\r\n";
  }
  for (const auto& h : trailers) {
    out += h.name;
    out += ':';
    out += h.value;
    out += "\r\n";
  }
  if (!trailers.empty()) {
    out += "x-amz-trailer-signature:";
    out += trailer_signature(key, p.amz_date, scope, prev, canonical_trailers(trailers));
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

std::string encode_aws_chunked_unsigned(std::string_view data, std::size_t chunk_size,
                                        const std::vector<Header>& trailers) {
  if (chunk_size == 0) chunk_size = 65536;
  std::string out;
  out.reserve(data.size() + (data.size() / chunk_size + 2) * 16);
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::string_view chunk = data.substr(pos, std::min(chunk_size, data.size() - pos));
    append_hex_size(out, chunk.size());
    out += "\r\n";
    out += chunk;
    out += "\r\n";
    pos += chunk.size();
  }
  out += "0\r\n";
  for (const auto& h : trailers) {
    out += h.name;
    out += ':';
    out += h.value;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

}  // namespace orgroot::auth
