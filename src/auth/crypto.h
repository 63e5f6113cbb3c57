// Small, general crypto helpers on top of OpenSSL 3: digests, HMAC-SHA256, hex, base64,
// constant-time comparison and random bytes. Used by SigV4 and by any module that needs a digest
// (S3 ETags, checksums, ids).
//
// The digests and HMAC reuse algorithm objects fetched once per process and contexts kept per
// thread, so a call costs no provider lookup and no heap allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orgroot::crypto {

using Sha256Digest = std::array<unsigned char, 32>;
using Sha1Digest = std::array<unsigned char, 20>;
using Md5Digest = std::array<unsigned char, 16>;

// ---- digests ----
Sha256Digest sha256(std::string_view data);
Sha1Digest sha1(std::string_view data);
Md5Digest md5(std::string_view data);
std::string sha256_hex(std::string_view data);  // lowercase hex, 64 chars
std::string md5_hex(std::string_view data);     // lowercase hex, 32 chars

// Incremental SHA-256 for data that arrives in pieces (chunked bodies, large objects).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  Sha256Digest finish();  // the object may be reused after finish() (it resets)

 private:
  void* ctx_;  // EVP_MD_CTX
};

// ---- HMAC-SHA256 ----
Sha256Digest hmac_sha256(std::string_view key, std::string_view data);
inline Sha256Digest hmac_sha256(const Sha256Digest& key, std::string_view data) {
  return hmac_sha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), data);
}

// ---- hex ----
std::string hex_encode(const unsigned char* data, std::size_t n);  // lowercase
inline std::string hex_encode(std::string_view bytes) {
  return hex_encode(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}
template <std::size_t N>
std::string hex_encode(const std::array<unsigned char, N>& a) {
  return hex_encode(a.data(), N);
}
// Appends lowercase hex of data to out (no allocation when out has capacity).
void hex_append(std::string& out, const unsigned char* data, std::size_t n);
// Accepts upper- and lowercase digits; nullopt on odd length or a non-hex character.
std::optional<std::string> hex_decode(std::string_view hex);
bool is_lower_hex(std::string_view s);

// ---- base64 (RFC 4648, standard alphabet, '=' padding) ----
std::string base64_encode(std::string_view data);
template <std::size_t N>
std::string base64_encode(const std::array<unsigned char, N>& a) {
  return base64_encode(std::string_view(reinterpret_cast<const char*>(a.data()), N));
}
// Strict: rejects characters outside the alphabet, misplaced padding and a bad length.
// Padding may be omitted (length mod 4 of 2 or 3 is then accepted).
std::optional<std::string> base64_decode(std::string_view text);

// ---- comparison / randomness ----
// Time depends only on the lengths, never on where the inputs differ.
bool constant_time_equals(std::string_view a, std::string_view b);
// Cryptographically secure random bytes (OpenSSL's RAND_bytes). Aborts if the RNG fails.
std::string random_bytes(std::size_t n);

}  // namespace orgroot::crypto
