#include "services/iam/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cmath>

#include "auth/crypto.h"
#include "services/iam/credentials_store.h"

namespace orgroot::services::iam {
namespace totp {

namespace {
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}

std::string base32_encode(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  while (out.size() % 8 != 0) out.push_back('=');
  return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char ch : text) {
    if (ch == '=' || ch == ' ') continue;
    char u = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : ch;
    auto pos = kAlphabet.find(u);
    if (pos == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<uint32_t>(pos);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::string hotp(std::string_view key, uint64_t counter, int digits) {
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), msg, sizeof msg, mac, &len);
  int offset = mac[len - 1] & 0x0f;
  uint32_t bin = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) | (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                 (static_cast<uint32_t>(mac[offset + 2]) << 8) | static_cast<uint32_t>(mac[offset + 3]);
  uint32_t mod = 1;
  for (int i = 0; i < digits; ++i) mod *= 10;
  std::string s = std::to_string(bin % mod);
  return std::string(static_cast<size_t>(digits) - s.size(), '0') + s;
}

std::optional<int64_t> match_step(std::string_view key, std::string_view code, int64_t center, int behind,
                                  int ahead) {
  if (code.size() != static_cast<size_t>(kDigits)) return std::nullopt;
  std::optional<int64_t> found;
  for (int64_t s = center - behind; s <= center + ahead; ++s) {
    if (s < 0) continue;
    // Every candidate is computed and compared, so timing does not reveal which step matched.
    if (crypto::constant_time_equals(hotp(key, static_cast<uint64_t>(s)), code) && !found) found = s;
  }
  return found;
}

std::optional<int64_t> match_consecutive(std::string_view key, std::string_view code1, std::string_view code2,
                                         int64_t center, int behind, int ahead) {
  if (code1.size() != static_cast<size_t>(kDigits) || code2.size() != static_cast<size_t>(kDigits))
    return std::nullopt;
  std::optional<int64_t> found;
  for (int64_t s = center - behind; s <= center + ahead; ++s) {
    if (s < 0) continue;
    bool a = crypto::constant_time_equals(hotp(key, static_cast<uint64_t>(s)), code1);
    bool b = crypto::constant_time_equals(hotp(key, static_cast<uint64_t>(s + 1)), code2);
    if (a && b && !found) found = s + 1;
  }
  return found;
}

}  // namespace totp

bool check_mfa_code(CredentialsStore& store, const Clock& clock, const std::string& account_id,
                    const std::string& serial_number, std::string_view code) {
  auto dev = store.get_mfa_device(account_id, serial_number);
  if (!dev || !dev->user_name) return false;
  int64_t now = totp::step_of(static_cast<int64_t>(std::floor(clock.now_seconds())));
  auto s = totp::match_step(dev->seed, code, now + dev->drift_steps, 1, 1);
  if (!s || *s <= dev->last_step) return false;
  dev->last_step = *s;
  store.update_mfa_device(*dev);
  return true;
}

}  // namespace orgroot::services::iam
