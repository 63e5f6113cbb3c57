#include "auth/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace orgroot::crypto {

namespace {

[[noreturn]] void fatal(const char* what) {
  // Only reachable if OpenSSL itself is broken (no default provider, out of memory).
  std::fprintf(stderr, "orgroot crypto: %s failed\n", what);
  std::abort();
}

// Algorithm objects are fetched once: an implicit fetch per call (EVP_sha256() with
// EVP_DigestInit, or EVP_Q_mac) costs a provider lookup every time.
const EVP_MD* fetched_md(const char* name) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (!md) fatal("EVP_MD_fetch");
  return md;  // kept for the life of the process
}
const EVP_MD* md_sha256() {
  static const EVP_MD* md = fetched_md("SHA256");
  return md;
}
const EVP_MD* md_sha1() {
  static const EVP_MD* md = fetched_md("SHA1");
  return md;
}
const EVP_MD* md_md5() {
  static const EVP_MD* md = fetched_md("MD5");
  return md;
}
EVP_MAC* mac_hmac() {
  static EVP_MAC* mac = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (!m) fatal("EVP_MAC_fetch");
    return m;
  }();
  return mac;
}

// Per-thread contexts, created on first use and freed at thread exit.
struct ThreadContexts {
  EVP_MD_CTX* md = nullptr;
  EVP_MAC_CTX* hmac256 = nullptr;
  // The 32-byte key hmac256 was last keyed with (a derived SigV4 signing key, typically): a
  // repeated key re-initialises from the stored pads instead of hashing the key again.
  bool have_last_key = false;
  unsigned char last_key[32];
  ~ThreadContexts() {
    EVP_MD_CTX_free(md);
    EVP_MAC_CTX_free(hmac256);
    OPENSSL_cleanse(last_key, sizeof last_key);
  }
};
thread_local ThreadContexts tls;

EVP_MD_CTX* md_ctx() {
  if (!tls.md) {
    tls.md = EVP_MD_CTX_new();
    if (!tls.md) fatal("EVP_MD_CTX_new");
  }
  return tls.md;
}

EVP_MAC_CTX* hmac256_ctx() {
  if (!tls.hmac256) {
    EVP_MAC_CTX* c = EVP_MAC_CTX_new(mac_hmac());
    if (!c) fatal("EVP_MAC_CTX_new");
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (!EVP_MAC_CTX_set_params(c, params)) fatal("EVP_MAC_CTX_set_params");
    tls.hmac256 = c;
  }
  return tls.hmac256;
}

template <std::size_t N>
std::array<unsigned char, N> digest(const EVP_MD* md, std::string_view data) {
  std::array<unsigned char, N> out{};
  EVP_MD_CTX* c = md_ctx();
  unsigned int len = 0;
  if (!EVP_DigestInit_ex2(c, md, nullptr) || !EVP_DigestUpdate(c, data.data(), data.size()) ||
      !EVP_DigestFinal_ex(c, out.data(), &len) || len != N)
    fatal("digest");
  return out;
}

constexpr char kHex[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

Sha256Digest sha256(std::string_view data) { return digest<32>(md_sha256(), data); }
Sha1Digest sha1(std::string_view data) { return digest<20>(md_sha1(), data); }
Md5Digest md5(std::string_view data) { return digest<16>(md_md5(), data); }

std::string sha256_hex(std::string_view data) { return hex_encode(sha256(data)); }
std::string md5_hex(std::string_view data) { return hex_encode(md5(data)); }

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || !EVP_DigestInit_ex2(static_cast<EVP_MD_CTX*>(ctx_), md_sha256(), nullptr))
    fatal("Sha256 init");
}
Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }
void Sha256::update(std::string_view data) {
  if (!EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size())) fatal("Sha256 update");
}
Sha256Digest Sha256::finish() {
  Sha256Digest out{};
  unsigned int len = 0;
  auto* c = static_cast<EVP_MD_CTX*>(ctx_);
  if (!EVP_DigestFinal_ex(c, out.data(), &len) || !EVP_DigestInit_ex2(c, md_sha256(), nullptr))
    fatal("Sha256 finish");
  return out;
}

Sha256Digest hmac_sha256(std::string_view key, std::string_view data) {
  Sha256Digest out{};
  EVP_MAC_CTX* c = hmac256_ctx();
  std::size_t len = 0;
  // HMAC keys may be empty; OpenSSL wants a non-null pointer even then.
  static const unsigned char kEmpty = 0;
  const auto* k = key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  bool reuse = key.size() == sizeof tls.last_key && tls.have_last_key &&
               std::memcmp(tls.last_key, k, sizeof tls.last_key) == 0;
  int init_ok;
  if (reuse) {
    init_ok = EVP_MAC_init(c, nullptr, 0, nullptr);  // same key: restart from the keyed state
  } else {
    init_ok = EVP_MAC_init(c, k, key.size(), nullptr);
    tls.have_last_key = key.size() == sizeof tls.last_key;
    if (tls.have_last_key) std::memcpy(tls.last_key, k, sizeof tls.last_key);
  }
  if (!init_ok ||
      !EVP_MAC_update(c, reinterpret_cast<const unsigned char*>(data.data()), data.size()) ||
      !EVP_MAC_final(c, out.data(), &len, out.size()) || len != out.size())
    fatal("HMAC-SHA256");
  return out;
}

void hex_append(std::string& out, const unsigned char* data, std::size_t n) {
  std::size_t at = out.size();
  out.resize(at + 2 * n);
  char* p = out.data() + at;
  for (std::size_t i = 0; i < n; ++i) {
    p[2 * i] = kHex[data[i] >> 4];
    p[2 * i + 1] = kHex[data[i] & 0xf];
  }
}

std::string hex_encode(const unsigned char* data, std::size_t n) {
  std::string out;
  hex_append(out, data, n);
  return out;
}

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

bool is_lower_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string base64_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t i = 0, n = data.size();
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t(p[i]) << 16) | (uint32_t(p[i + 1]) << 8) | p[i + 2];
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (n - i == 1) {
    uint32_t v = uint32_t(p[i]) << 16;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += "==";
  } else if (n - i == 2) {
    uint32_t v = (uint32_t(p[i]) << 16) | (uint32_t(p[i + 1]) << 8);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  // Strip up to two '=' of padding; the rest must be alphabet characters.
  std::size_t pad = 0;
  while (!text.empty() && text.back() == '=' && pad < 2) {
    text.remove_suffix(1);
    ++pad;
  }
  std::size_t rem = text.size() % 4;
  if (rem == 1) return std::nullopt;
  if (pad && (text.size() + pad) % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = b64_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero (canonical encoding).
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (n && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    fatal("RAND_bytes");
  return out;
}

}  // namespace orgroot::crypto
