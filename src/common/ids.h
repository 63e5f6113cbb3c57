// Identifiers and secrets in AWS's own formats, from a cryptographic random source.
#pragma once

#include <string>
#include <string_view>

namespace orgroot {

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(unsigned char* out, size_t n) = 0;
};

// OpenSSL's RAND_bytes.
class SecureRandom final : public Random {
 public:
  void fill(unsigned char* out, size_t n) override;
};

// For identifiers that must be unique but not secret (request ids, event ids): xoshiro256** with
// one state per thread, seeded from OpenSSL. Never for keys, secrets, tokens or passwords.
class FastRandom final : public Random {
 public:
  void fill(unsigned char* out, size_t n) override;
};

namespace ids {
// Long-term access key id: "AKIA" + 16 of [A-Z2-7]; temporary: "ASIA" + 16. As in AWS's keys, the
// owning account id is encoded in bits 7..46 of the first six bytes after the prefix (base32), so
// that sts:GetAccessKeyInfo can answer for any well-formed key.
std::string access_key_id(Random& r, std::string_view account_id, bool temporary);
// The account id encoded in a key id, or "" if the id is not of that form.
std::string account_from_access_key_id(std::string_view key_id);
// Unique ids of IAM entities: prefix ("AIDA" user, "AROA" role, "ANPA" policy, "AGPA" group, ...) + 17 of [A-Z2-7].
std::string unique_id(Random& r, std::string_view prefix);
// 40 characters of [A-Za-z0-9+/], as AWS secret access keys look.
std::string secret_access_key(Random& r);
// An opaque session token (base64 of random bytes, AWS-like length).
std::string session_token(Random& r);
// RFC 4122 version 4 UUID, lowercase: request ids.
std::string uuid4(Random& r);
// n random digits (account ids, MFA serials ...).
std::string digits(Random& r, size_t n);
// lowercase [a-z0-9] of length n (organization / OU ids).
std::string lower_alnum(Random& r, size_t n);
}  // namespace ids

}  // namespace orgroot
